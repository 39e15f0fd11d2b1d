#include "handle.hpp"

#include <winsock2.h>

#include <fmt/format.h>

#include "core/command.hpp"
#include "core/error.hpp"
#include "core/text.hpp"

namespace ipcsh {

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
      // an I/O still pending is cancelled and waited for first: its buffer
      // and OVERLAPPED may not go while the kernel can still write them
      if (async) win::AsyncIo::retire(std::move(async));
      win::close_handle(handle_);
      if (pseudo) return;  // CloseHandle(GetCurrentProcess()) succeeds and does nothing
  }
  closed_ = true;
  ++closings;
  thread.reset();
  if (link) end_link(*link);  // an agent ends with its parent's handle
  link.reset();
}

namespace {

// The kernel's type names of the kinds (files, pipes and mailslots are all "File").
constexpr std::pair<std::string_view, Kind> kernel_types[] = {
    {"Event", Kind::event}, {"Mutant", Kind::mutex},     {"Semaphore", Kind::semaphore}, {"Timer", Kind::timer},
    {"Section", Kind::mapping}, {"Process", Kind::process}, {"Thread", Kind::thread},       {"Job", Kind::job}};

}  // namespace

Kind kind_of(const win::ObjectFacts& facts) {
  if (!facts.valid) return Kind::other;
  const std::string& type = facts.type;
  if (type == "File") {
    if (facts.name.rfind("\\Device\\MailSlot\\", 0) == 0) return Kind::mailslot;
    if (facts.name.rfind("\\Device\\NamedPipe\\", 0) == 0) return Kind::pipe;
    return Kind::file;
  }
  for (const auto& [t, k] : kernel_types)
    if (type == t) return k;
  return Kind::other;
}

std::string_view kernel_type(Kind kind) {
  if (kind == Kind::mailslot || kind == Kind::pipe || kind == Kind::file) return "File";
  for (const auto& [t, k] : kernel_types)
    if (k == kind) return t;
  return "";
}

std::int64_t handle_value_arg(const Value& given, std::string_view what, int position) {
  const Value& v = given.as<Result>() && !given.as<Result>()->values.empty() ? given.as<Result>()->values[0] : given;
  std::optional<std::int64_t> n;
  if (auto h = v.as<HandleRef>()) return (*h)->value();
  if (auto i = v.as<std::int64_t>()) n = *i;
  if (auto s = v.as<std::string>()) n = *s == "self" ? std::optional<std::int64_t>(-1) : parse_number(*s);
  if (!n)
    throw UsageError(fmt::format("{}: a handle expected ($variable or a value like 0x34), got {}", what, describe_argument(v, nullptr)),
                     position);
  check_handle_literal(*n, what, position);
  return *n;
}

namespace {
constexpr std::pair<HandleObject::End, const char*> end_words[] = {
    {HandleObject::End::none, ""},                {HandleObject::End::mailslot_writer, "writer"},
    {HandleObject::End::pipe_server, "server"},   {HandleObject::End::pipe_client, "client"},
    {HandleObject::End::pipe_read, "read end"},   {HandleObject::End::pipe_write, "write end"}};
}  // namespace

const char* end_word(HandleObject::End end) {
  for (const auto& [e, word] : end_words)
    if (e == end) return word;
  return "";
}

HandleObject::End end_from_word(std::string_view word) {
  for (const auto& [e, w] : end_words)
    if (word == w) return e;
  return HandleObject::End::none;
}

}  // namespace ipcsh
