// Named pipes (a server creates instances, clients open them by name) and
// anonymous pipes (a read end and a write end, for a child's stdin/stdout).
// Named pipe handles are opened overlapped so connect, transact and writes
// can time out and Ctrl+C can cancel them.
#include "io.hpp"

namespace ipcsh {
namespace {

constexpr std::string_view pipe_prefix = "\\\\.\\pipe\\";

DWORD server_access(const std::string& access) {
  if (access == "duplex") return PIPE_ACCESS_DUPLEX;
  if (access == "in") return PIPE_ACCESS_INBOUND;
  if (access == "out") return PIPE_ACCESS_OUTBOUND;
  throw UsageError("--access: duplex, in or out expected, got '" + access + "'");
}

DWORD client_access(const std::string& access) {  // the same words, from the client's side
  if (access == "duplex") return GENERIC_READ | GENERIC_WRITE;
  if (access == "in") return GENERIC_READ | FILE_WRITE_ATTRIBUTES;  // + set the read mode
  if (access == "out") return GENERIC_WRITE | FILE_READ_ATTRIBUTES;
  throw UsageError("--access: duplex, in or out expected, got '" + access + "'");
}

Value create_pipe(Session& s, const Args& a) {
  std::string name = object_path(a.string("NAME"), pipe_prefix);
  std::string mode = a.string_or("mode", "byte");
  if (mode != "byte" && mode != "message") throw UsageError("--mode: byte or message expected, got '" + mode + "'");
  DWORD type = mode == "message" ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE : PIPE_TYPE_BYTE | PIPE_READMODE_BYTE;
  InheritAttributes attributes(a.flag("inherit"));
  HANDLE h = CreateNamedPipeW(to_wide(name).c_str(), server_access(a.string_or("access", "duplex")) | FILE_FLAG_OVERLAPPED,
                              type | PIPE_WAIT, static_cast<DWORD>(a.integer("instances", PIPE_UNLIMITED_INSTANCES)),
                              static_cast<DWORD>(a.integer("out-buffer", 4096)),
                              static_cast<DWORD>(a.integer("in-buffer", 4096)), 0, attributes.get());
  if (h == INVALID_HANDLE_VALUE) throw_last_error("CreateNamedPipeW");
  auto ref = s.add(Kind::pipe, h, name);
  ref->role = "server (" + mode + ")";
  ref->overlapped = true;
  return ref;
}

Value connect(Session& s, const Args& a) {
  auto h = a.handle("H");
  DWORD error = 0;
  overlapped_call(s, h->handle(), "ConnectNamedPipe", a.timeout("timeout", INFINITE),
                  [&](OVERLAPPED* ov) { return ConnectNamedPipe(h->handle(), ov); }, error);
  if (error == ERROR_PIPE_CONNECTED) return Note{"a client was already connected"};
  if (error) throw_error("ConnectNamedPipe", error);
  return Note{"a client connected"};
}

Value disconnect(Session&, const Args& a) {
  if (!DisconnectNamedPipe(a.handle("H")->handle())) throw_last_error("DisconnectNamedPipe");
  return Note{"disconnected the client"};
}

Value open_pipe(Session& s, const Args& a) {
  std::string name = object_path(a.string("NAME"), pipe_prefix);
  std::wstring wide = to_wide(name);
  DWORD access = client_access(a.string_or("access", "duplex"));
  InheritAttributes attributes(a.flag("inherit"));
  DWORD wait = a.timeout("wait", 0);
  ULONGLONG deadline = GetTickCount64() + wait;
  HANDLE h;
  for (;;) {
    h = CreateFileW(wide.c_str(), access, 0, attributes.get(), OPEN_EXISTING, FILE_FLAG_OVERLAPPED, nullptr);
    if (h != INVALID_HANDLE_VALUE) break;
    DWORD error = GetLastError();
    bool retry = error == ERROR_PIPE_BUSY || error == ERROR_FILE_NOT_FOUND;
    if (!retry || wait == 0 || (wait != INFINITE && GetTickCount64() >= deadline)) throw_error("CreateFileW", error);
    // Every instance is busy (WaitNamedPipe until one is free), or the
    // server has not created the pipe yet (look again): in slices.
    s.check_interrupt();
    if (error == ERROR_PIPE_BUSY) WaitNamedPipeW(wide.c_str(), 50);
    else Sleep(20);
  }
  auto ref = s.add(Kind::pipe, h, name);
  ref->overlapped = true;
  // A client reads the way the server writes: messages for a message pipe.
  DWORD flags = 0;
  if (GetNamedPipeInfo(h, &flags, nullptr, nullptr, nullptr) && (flags & PIPE_TYPE_MESSAGE)) {
    DWORD mode = PIPE_READMODE_MESSAGE;
    SetNamedPipeHandleState(h, &mode, nullptr, nullptr);
    ref->role = "client (message)";
  } else {
    ref->role = "client (byte)";
  }
  return ref;
}

Value peek(Session&, const Args& a) {
  auto h = a.handle("H");
  std::string data(4096, '\0');
  DWORD read = 0, available = 0, left = 0;
  if (!PeekNamedPipe(h->handle(), data.data(), static_cast<DWORD>(data.size()), &read, &available, &left))
    throw_last_error("PeekNamedPipe");
  data.resize(read);
  Record r;
  r.fields = {{"available", static_cast<std::int64_t>(available)},
              {"left_in_message", static_cast<std::int64_t>(left)},
              {"data", Bytes{data}}};
  return r;
}

Value transact(Session& s, const Args& a) {
  auto h = a.handle("H");
  const std::string& request = a.string("DATA");
  ReadResult reply;
  reply.data.assign(static_cast<std::size_t>(a.integer("max", 64 * 1024)), '\0');
  DWORD error = 0;
  DWORD got = overlapped_call(s, h->handle(), "TransactNamedPipe", a.timeout("timeout", INFINITE), [&](OVERLAPPED* ov) {
    return TransactNamedPipe(h->handle(), const_cast<char*>(request.data()), static_cast<DWORD>(request.size()),
                             reply.data.data(), static_cast<DWORD>(reply.data.size()), nullptr, ov);
  }, error);
  if (error == ERROR_MORE_DATA) reply.more = true;
  else if (error) throw_error("TransactNamedPipe", error);
  reply.data.resize(got);
  return read_value(std::move(reply));
}

Value anonymous_pipe(Session& s, const Args& a) {
  std::string inherit = a.string_or("inherit", "none");
  if (inherit != "none" && inherit != "read" && inherit != "write" && inherit != "both")
    throw UsageError("--inherit: read, write or both expected, got '" + inherit + "'");
  HANDLE r = nullptr, w = nullptr;
  if (!CreatePipe(&r, &w, nullptr, static_cast<DWORD>(a.integer("size", 0)))) throw_last_error("CreatePipe");
  if (inherit == "read" || inherit == "both") SetHandleInformation(r, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
  if (inherit == "write" || inherit == "both") SetHandleInformation(w, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
  auto read_end = s.add(Kind::pipe, r, "(anonymous)");
  read_end->role = "read end";
  auto write_end = s.add(Kind::pipe, w, "(anonymous)");
  write_end->role = "write end";
  return Multi{{read_end, write_end},
               fmt::format("read: {}\nwrite: {}", handle_line(*read_end), handle_line(*write_end)),
               {"read", "write"}};
}

const KindSet pipe_only{Kind::pipe};
const Param pipe_handle{"H", ArgType::handle, pipe_only};
const Flag inherit_flag{"inherit", ArgType::boolean, "", "make the new handle inheritable"};
const Flag access_flag{"access", ArgType::string, "duplex|in|out", "which way data flows, from this end (default duplex)"};

const CommandRegistration registration{
    {"create-pipe", "pipe", "create a named pipe instance, the server end (CreateNamedPipeW)",
     {{"NAME", ArgType::string}},
     {access_flag,
      {"mode", ArgType::string, "byte|message", "byte stream or whole messages (default byte)"},
      {"instances", ArgType::integer, "N", "most instances of this name (default unlimited)"},
      {"in-buffer", ArgType::integer, "N", "input buffer size (default 4096)"},
      {"out-buffer", ArgType::integer, "N", "output buffer size (default 4096)"},
      inherit_flag},
     create_pipe},
    {"connect", "pipe", "wait for a client to open this instance (ConnectNamedPipe)", {pipe_handle},
     {{"timeout", ArgType::timeout, "MS|forever", "wait at most MS (default forever; Ctrl+C ends it)"}}, connect},
    {"disconnect", "pipe", "drop the client of this instance (DisconnectNamedPipe)", {pipe_handle}, {}, disconnect},
    {"open-pipe", "pipe", "open a named pipe as a client (CreateFileW); message pipes read as messages",
     {{"NAME", ArgType::string}},
     {access_flag,
      {"wait", ArgType::timeout, "MS|forever", "wait up to MS for a free instance (WaitNamedPipeW) or for the name to appear"},
      inherit_flag},
     open_pipe},
    {"peek", "pipe", "bytes available and left in this message, without reading (PeekNamedPipe)", {pipe_handle}, {},
     peek},
    {"transact", "pipe", "write a message and read the reply in one call (TransactNamedPipe)",
     {pipe_handle, {"DATA", ArgType::string}},
     {{"max", ArgType::integer, "N", "largest reply read at once (default 65536)"},
      {"timeout", ArgType::timeout, "MS|forever", "wait at most MS for the reply"}},
     transact},
    {"pipe", "pipe", "create an anonymous pipe: a read end and a write end (CreatePipe)", {},
     {{"inherit", ArgType::string, "read|write|both", "make these ends inheritable"},
      {"size", ArgType::integer, "N", "buffer size hint"}},
     anonymous_pipe},
};

}  // namespace
}  // namespace ipcsh
