#include "handle.hpp"

#include <winsock2.h>

#include <fmt/format.h>

#include "child_link.hpp"
#include "error.hpp"
#include "text.hpp"

namespace ipcsh {

std::string_view kind_name(Kind kind) {
  static constexpr std::string_view names[] = {
      "mailslot", "file", "pipe",    "event", "mutex",  "semaphore", "timer", "mapping",
      "view",     "process", "thread", "socket", "window", "job",     "handle"};
  return names[static_cast<int>(kind)];
}

Kind kind_from_name(std::string_view name) {
  for (int k = 0; k < static_cast<int>(Kind::other); ++k)
    if (kind_name(static_cast<Kind>(k)) == name) return static_cast<Kind>(k);
  return Kind::other;
}

std::string KindSet::describe() const {
  std::string out;
  int count = 0, total = 0;
  for (int k = 0; k <= static_cast<int>(Kind::other); ++k) total += has(static_cast<Kind>(k));
  for (int k = 0; k <= static_cast<int>(Kind::other); ++k) {
    if (!has(static_cast<Kind>(k))) continue;
    ++count;
    if (count > 1) out += count == total ? " or " : ", ";
    out += kind_name(static_cast<Kind>(k));
  }
  return out;
}

std::string format_handle_value(std::int64_t value) {
  return value < 0 ? std::to_string(value) : fmt::format("{:#x}", value);
}

HandleObject::HandleObject(Kind kind, HANDLE handle, std::string name)
    : kind(kind), name(std::move(name)), handle_(handle) {}

HandleObject::~HandleObject() = default;

bool HandleObject::has_inherit_flag() const { return kind != Kind::view && kind != Kind::window && !pseudo; }

bool HandleObject::inheritable() const {
  if (closed_ || pseudo || !has_inherit_flag()) return false;
  auto flags = win::get_handle_information(handle_);
  return flags && (*flags & HANDLE_FLAG_INHERIT);
}

std::string HandleObject::value_text() const { return format_handle_value(value()); }

const char* HandleObject::close_api() const {
  switch (kind) {
    case Kind::view: return "UnmapViewOfFile";
    case Kind::window: return "DestroyWindow";
    case Kind::socket: return "closesocket";
    default: return "CloseHandle";
  }
}

void HandleObject::close() {
  if (closed_) throw_error(close_api(), ERROR_INVALID_HANDLE, value_text() + " is already closed");
  switch (kind) {
    case Kind::view: win::unmap_view(handle_); break;
    case Kind::window: win::destroy_window(static_cast<HWND>(handle_)); break;
    case Kind::socket: win::close_socket(reinterpret_cast<SOCKET>(handle_)); break;
    default:
      win::close_handle(handle_);
      if (pseudo) return;  // CloseHandle(GetCurrentProcess()) succeeds and does nothing
  }
  closed_ = true;
  thread.reset();
  if (link) link->close();  // an agent ends with its parent's handle
  link.reset();
}

Kind kind_of(const win::ObjectFacts& facts) {
  if (!facts.valid) return Kind::other;
  const std::string& type = facts.type;
  if (type == "File") {
    if (facts.name.rfind("\\Device\\MailSlot\\", 0) == 0) return Kind::mailslot;
    if (facts.name.rfind("\\Device\\NamedPipe\\", 0) == 0) return Kind::pipe;
    return Kind::file;
  }
  static const std::pair<const char*, Kind> types[] = {
      {"Event", Kind::event},     {"Mutant", Kind::mutex},   {"Semaphore", Kind::semaphore},
      {"Timer", Kind::timer},     {"Section", Kind::mapping}, {"Process", Kind::process},
      {"Thread", Kind::thread},   {"Job", Kind::job}};
  for (const auto& [t, k] : types)
    if (type == t) return k;
  return Kind::other;
}

}  // namespace ipcsh
