#include "handle.hpp"

#include <winsock2.h>

#include <fmt/format.h>

#include "error.hpp"
#include "nt.hpp"
#include "text.hpp"

namespace ipcsh {

std::string_view kind_name(Kind kind) {
  static constexpr std::string_view names[] = {
      "mailslot", "file", "pipe",    "event", "mutex",  "semaphore", "timer", "mapping",
      "view",     "process", "thread", "socket", "window", "job",     "handle"};
  return names[static_cast<int>(kind)];
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
  DWORD flags = 0;
  return !closed_ && !pseudo && GetHandleInformation(handle_, &flags) && (flags & HANDLE_FLAG_INHERIT);
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
    case Kind::view:
      if (!UnmapViewOfFile(handle_)) throw_last_error("UnmapViewOfFile");
      break;
    case Kind::window:
      if (!DestroyWindow(static_cast<HWND>(handle_))) throw_last_error("DestroyWindow");
      break;
    case Kind::socket:
      if (closesocket(reinterpret_cast<SOCKET>(handle_)) != 0) throw_error("closesocket", WSAGetLastError());
      break;
    default:
      if (!CloseHandle(handle_)) throw_last_error("CloseHandle");
      if (pseudo) return;  // CloseHandle(GetCurrentProcess()) succeeds and does nothing
  }
  closed_ = true;
  thread.reset();
}

namespace {

Kind kind_of(const std::string& type, const std::string& name) {
  if (type == "File") {
    if (name.rfind("\\Device\\MailSlot\\", 0) == 0) return Kind::mailslot;
    if (name.rfind("\\Device\\NamedPipe\\", 0) == 0) return Kind::pipe;
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

std::string unicode_text(const nt::UnicodeString& s) {
  return s.Buffer ? to_utf8(std::wstring_view(s.Buffer, s.Length / sizeof(wchar_t))) : std::string();
}

}  // namespace

ObjectFacts query_object(HANDLE handle) {
  ObjectFacts facts;
  alignas(8) unsigned char buffer[4096];
  ULONG returned = 0;
  if (nt::query_object(handle, nt::ObjectTypeInformation, buffer, sizeof buffer, &returned) < 0)
    return facts;
  facts.valid = true;
  facts.type = unicode_text(*reinterpret_cast<nt::UnicodeString*>(buffer));
  if (nt::query_object(handle, nt::ObjectNameInformation, buffer, sizeof buffer, &returned) >= 0)
    facts.name = unicode_text(*reinterpret_cast<nt::UnicodeString*>(buffer));
  nt::ObjectBasicInfo basic{};
  if (nt::query_object(handle, nt::ObjectBasicInformation, &basic, sizeof basic, &returned) >= 0) {
    facts.handle_count = basic.HandleCount;
    facts.pointer_count = basic.PointerCount;
    facts.granted_access = basic.GrantedAccess;
  }
  facts.kind = kind_of(facts.type, facts.name);
  return facts;
}

}  // namespace ipcsh
