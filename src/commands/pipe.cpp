// Named pipes (a server creates instances, clients open them by name) and
// anonymous pipes (a read end and a write end, for a child's stdin/stdout).
// Named pipe handles are opened overlapped so connect, transact and writes
// can time out and Ctrl+C can cancel them (open-pipe --sync opens a client
// end as C programs mostly do, which the same commands serve on helper
// threads).
#include "async_io.hpp"
#include "io.hpp"
#include "core/shapes.hpp"

#include <algorithm>

namespace ipcsh {
namespace {


DWORD server_access(const std::string& access) {
  if (access == "in") return PIPE_ACCESS_INBOUND;
  if (access == "out") return PIPE_ACCESS_OUTBOUND;
  return PIPE_ACCESS_DUPLEX;
}

DWORD client_access(const std::string& access) {  // the same words, from the client's side
  if (access == "in") return GENERIC_READ | FILE_WRITE_ATTRIBUTES;  // + set the read mode
  if (access == "out") return GENERIC_WRITE | FILE_READ_ATTRIBUTES;
  return GENERIC_READ | GENERIC_WRITE;
}

Value create_pipe(Session& s, const Args& a) {
  std::string name = object_path(a.string("NAME"), pipe_prefix);
  std::string mode = a.string_or("mode", "byte");
  DWORD type = mode == "message" ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE : PIPE_TYPE_BYTE | PIPE_READMODE_BYTE;
  HANDLE h = win::create_named_pipe(name, server_access(a.string_or("access", "duplex")) | FILE_FLAG_OVERLAPPED,
                                    type | PIPE_WAIT, static_cast<DWORD>(a.integer("instances", PIPE_UNLIMITED_INSTANCES)),
                                    static_cast<DWORD>(a.integer("out-buffer", 4096)),
                                    static_cast<DWORD>(a.integer("in-buffer", 4096)), security_of(a));
  auto ref = s.add(Kind::pipe, h, name);
  ref->role = "server (" + mode + ")";
  ref->end = HandleObject::End::pipe_server;
  ref->overlapped = true;
  return ref;
}

Value connect(Session& s, const Args& a) {
  auto h = a.handle("H");
  if (a.flag("async")) return start_async(s, h, win::AsyncIo::Op::connect, 0, {});
  DWORD answer = 0;
  win::IoRequest request{win::Io::connect, h->handle(), false};
  request.timeout = a.timeout("timeout", INFINITE);
  handle_io(s, *h, request, &answer);
  // ERROR_PIPE_CONNECTED is a success: the client opened the instance
  // before the server asked. Lua gets which of the two happened.
  if (answer == ERROR_PIPE_CONNECTED)
    return result(shape::already_connected, {"already connected", as_int(answer)}, {field::status, field::code}, 1);
  return result(shape::connected, {"connected"}, {field::status});
}

Value disconnect(Session&, const Args& a) {
  if (DWORD error = win::disconnect_named_pipe(a.handle("H")->handle())) throw_error("DisconnectNamedPipe", error);
  return report(shape::disconnected);
}

Value open_pipe(Session& s, const Args& a) {
  std::string name = object_path(a.string("NAME"), pipe_prefix);
  DWORD access = client_access(a.string_or("access", "duplex"));
  DWORD share = share_mode(a, 0);
  DWORD wait = a.timeout("wait", 0);
  HANDLE h = nullptr;
  try {
  // Every instance is busy (WaitNamedPipe until one is free), or the server
  // has not created the pipe yet (look again): polled, so Ctrl+C works.
  DWORD last_error = 0, wait_error = 0;
  bool opened = s.poll_until(wait, [&] {
    try {
      h = win::create_file(name, access, share, a.flag("inherit"), OPEN_EXISTING, a.flag("sync") ? 0 : FILE_FLAG_OVERLAPPED);
      return true;
    } catch (const Win32Error& e) {
      last_error = e.code();
      if (e.code() != ERROR_PIPE_BUSY && e.code() != ERROR_FILE_NOT_FOUND) throw;
      if (wait == 0) throw;
      wait_error = e.code() == ERROR_PIPE_BUSY ? win::wait_named_pipe(name, 50) : 0;
      return false;
    }
  });
  // Busy to the end: WaitNamedPipe's own verdict (ERROR_SEM_TIMEOUT) is the answer.
  if (!opened && last_error == ERROR_PIPE_BUSY && wait_error)
    throw_error("WaitNamedPipeW", wait_error, "no free instance within " + timeout_text(wait));
  if (!opened) throw_error("CreateFileW", last_error, "no free instance within " + timeout_text(wait));
  } catch (const Win32Error& e) {
    if (e.code() == ERROR_PIPE_BUSY)
      throw e.with_hint("every instance is busy: the server creates another (create-pipe) or disconnects a client; "
                        "--wait MS waits for one");
    if (e.code() == ERROR_FILE_NOT_FOUND)
      throw e.with_hint("no listening pipe by that name: the server creates it (create-pipe); --wait MS waits for it");
    if (remote_name(name) && win::running_on_wine())
      throw e.with_hint("Wine has no SMB redirector, so a pipe on another computer cannot be opened here; on Windows "
                        "CreateFileW reaches \\\\host\\pipe\\name over SMB (ERROR_BAD_NETPATH if the host cannot be found)");
    throw;
  }
  auto ref = s.add(Kind::pipe, h, name);
  ref->overlapped = !a.flag("sync");
  ref->end = HandleObject::End::pipe_client;
  // A client reads the way the server writes: messages for a message pipe.
  auto info = win::get_named_pipe_info(h);
  if (info && (info->flags & PIPE_TYPE_MESSAGE)) {
    win::set_named_pipe_mode(h, PIPE_READMODE_MESSAGE);
    ref->role = "client (message)";
  } else {
    ref->role = "client (byte)";
  }
  return ref;
}

Value peek(Session&, const Args& a) {
  DWORD error = 0;
  auto p = win::peek_named_pipe(a.handle("H")->handle(), static_cast<DWORD>(a.integer("size", 4096)), &error);
  if (!p) throw_error("PeekNamedPipe", error);
  Record r;
  r.fields = {{"available", as_int(p->available)},
              {"left_in_message", as_int(p->left_in_message)},
              {"data", Bytes{p->data}}};
  return r;
}

Value set_pipe_mode(Session&, const Args& a) {
  auto h = a.handle("H");
  std::string read_mode = a.string("MODE");
  bool nowait = a.flag("nowait");
  if (a.has("wait") && a.has("nowait") && a.flag("wait") == nowait)
    throw UsageError("--wait and --nowait say opposite things: give one", 0);
  if (a.has("wait") && !a.flag("wait")) nowait = true;
  DWORD mode = (read_mode == "message" ? PIPE_READMODE_MESSAGE : PIPE_READMODE_BYTE) | (nowait ? PIPE_NOWAIT : PIPE_WAIT);
  win::set_named_pipe_mode(h->handle(), mode);
  return report(shape::pipe_mode, {read_mode, nowait ? "nowait" : "wait", h}, {field::read_mode, field::wait_mode, field::handle});
}

Value wait_pipe(Session& s, const Args& a) {
  std::string name = object_path(a.string("NAME"), pipe_prefix);
  DWORD timeout = a.timeout("timeout", INFINITE);
  // WaitNamedPipe's 0 means "the pipe's default time-out", so a wait of 0
  // asks for 1 ms; longer waits go in slices of 50 ms, so Ctrl+C works.
  DWORD error = 0;
  bool free = s.poll_until(timeout, [&] {
    error = win::wait_named_pipe(name, std::clamp<DWORD>(timeout, 1, 50));
    if (error && error != ERROR_SEM_TIMEOUT) throw Win32Error("WaitNamedPipeW", error);
    return error == 0;
  });
  if (!free) throw_error("WaitNamedPipeW", error ? error : ERROR_SEM_TIMEOUT, "no free instance within " + timeout_text(timeout));
  return result(shape::pipe_free, {"free", name}, {field::status, field::name}, 1);
}

Value flush(Session& s, const Args& a) {
  auto h = a.handle("H");
  win::IoRequest request{win::Io::flush, h->handle(), false};
  request.timeout = a.timeout("timeout", INFINITE);
  handle_io(s, *h, request);
  return report(shape::flushed, {h}, {field::handle});
}

Value transact(Session& s, const Args& a) {
  auto h = a.handle("H");
  std::string_view request_data = a.bytes("DATA");
  // An empty message a wait took is unread, as far as the caller knows:
  // TransactNamedPipe refuses while a message waits, so this does too.
  if (h->kept_empty_messages > 0)
    throw_error("TransactNamedPipe", ERROR_PIPE_BUSY,
                "an empty message waits (a wait's zero-byte read took it for the next read): read it first");
  ReadResult reply;
  reply.data.assign(static_cast<std::size_t>(a.integer("max", 64 * 1024)), '\0');
  win::IoRequest request{win::Io::transact, h->handle(), false, reply.data.data(), static_cast<DWORD>(reply.data.size()),
                         request_data.data(), static_cast<DWORD>(request_data.size()), a.timeout("timeout", INFINITE)};
  DWORD answer = 0;
  DWORD got = handle_io(s, *h, request, &answer);
  reply.more = answer == ERROR_MORE_DATA;
  reply.data.resize(got);
  return read_value(std::move(reply));
}

Value anonymous_pipe(Session& s, const Args& a) {
  std::string inherit = a.string_or("inherit", "none");
  HANDLE r = nullptr, w = nullptr;
  win::create_pipe(r, w, static_cast<DWORD>(a.integer("size", 0)), {false, a.string_or("sddl", "")});
  if (inherit == "read" || inherit == "both") win::set_handle_information(r, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
  if (inherit == "write" || inherit == "both") win::set_handle_information(w, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
  auto read_end = s.add(Kind::pipe, r, "(anonymous)");
  read_end->role = "read end";
  read_end->end = HandleObject::End::pipe_read;
  read_end->nameless = true;
  auto write_end = s.add(Kind::pipe, w, "(anonymous)");
  write_end->role = "write end";
  write_end->end = HandleObject::End::pipe_write;
  write_end->nameless = true;
  return result(shape::pipe_ends, {read_end, write_end}, {field::read, field::write});
}

const KindSet pipe_only{Kind::pipe};
const Param pipe_handle{.name = "H", .type = ArgType::handle, .kinds = pipe_only};
const Flag access_flag{.name = "access",
                       .type = ArgType::choice,
                       .value_name = "duplex|in|out",
                       .help = "which way data flows, from this end (default duplex)",
                       .choices = {"duplex", "in", "out"}};
const Flag wait_flag{.name = "timeout",
                     .type = ArgType::timeout,
                     .value_name = "MS|forever",
                     .help = "wait at most MS (default forever; Ctrl+C ends it)"};

const FamilyRegistration family{"pipe", "named pipes (server and client ends) and anonymous pipe pairs"};
const CommandRegistration registration{
    {.name = "create-pipe",
     .family = "pipe",
     .summary = "create a named pipe instance, the server end (CreateNamedPipeW)",
     .params = {{.name = "NAME", .type = ArgType::name}},
     .flags = {access_flag,
               {.name = "mode",
                .type = ArgType::choice,
                .value_name = "byte|message",
                .help = "byte stream or whole messages (default byte)",
                .choices = {"byte", "message"}},
               {.name = "instances",
                .type = ArgType::integer,
                .value_name = "N",
                .help = "most instances of this name, 1..255 (default 255: unlimited)",
                .range = {1, 255}},
               {.name = "in-buffer",
                .type = ArgType::integer,
                .value_name = "N",
                .help = "input buffer size (default 4096)"},
               {.name = "out-buffer",
                .type = ArgType::integer,
                .value_name = "N",
                .help = "output buffer size (default 4096)"},
               inherit_flag, sddl_flag},
     .handler = create_pipe,
     .returns = {.values = {{.name = "pipe", .type = LuaType::handle, .kind = Kind::pipe, .about = "the server end"}}}},
    {.name = "connect",
     .family = "pipe",
     .summary = "wait for a client to open this instance (ConnectNamedPipe)",
     .params = {pipe_handle},
     .flags = {wait_flag, async_flag},
     .handler = connect,
     .returns = {.values = {{.name = "status", .type = LuaType::string, .about = "\"connected\" or \"already connected\""}}}},
    {.name = "disconnect",
     .family = "pipe",
     .summary = "drop the client of this instance (DisconnectNamedPipe)",
     .params = {pipe_handle},
     .handler = disconnect,
     .returns = {}},
    {.name = "open-pipe",
     .family = "pipe",
     .summary = "open a named pipe as a client (CreateFileW); message pipes read as messages",
     .params = {{.name = "NAME", .type = ArgType::name}},
     .flags = {access_flag,
               {.name = "wait",
                .type = ArgType::timeout,
                .value_name = "MS|forever",
                .help = "wait up to MS for a free instance (WaitNamedPipeW) or for the name to appear"},
               share_flag("CreateFileW's share mode (default none: 0)"),
               inherit_flag,
               {.name = "sync",
                .type = ArgType::boolean,
                .help = "open it synchronous (no FILE_FLAG_OVERLAPPED), as C programs mostly do: its I/O then runs "
                        "on helper threads"}},
     .handler = open_pipe,
     .returns = {.values = {{.name = "pipe", .type = LuaType::handle, .kind = Kind::pipe, .about = "a client end"}}}},
    {.name = "peek",
     .family = "pipe",
     .summary = "bytes available and left in this message, without reading (PeekNamedPipe)",
     .params = {pipe_handle},
     .flags = {{.name = "size",
                .type = ArgType::integer,
                .value_name = "N",
                .help = "bytes to copy out (default 4096; 0: none)",
                .range = {0, 16 * 1024 * 1024}}},
     .handler = peek,
     .returns = {.values = {{.name = "peeked",
                             .type = LuaType::record,
                             .fields = {{.name = "available", .type = LuaType::integer, .about = "bytes waiting"},
                                        {.name = "left_in_message", .type = LuaType::integer},
                                        {.name = "data", .type = LuaType::string, .about = "up to --size bytes, left in the pipe"}}}}}},
    {.name = "set-pipe-mode",
     .family = "pipe",
     .summary = "set this end's read mode and wait mode (SetNamedPipeHandleState)",
     .params = {pipe_handle, {.name = "MODE", .type = ArgType::choice, .choices = {"byte", "message"}}},
     .flags = {{.name = "nowait", .type = ArgType::boolean, .help = "PIPE_NOWAIT: reads and connects return at once"},
               {.name = "wait", .type = ArgType::boolean, .help = "PIPE_WAIT: they wait (the default)"}},
     .handler = set_pipe_mode,
     .returns = {}},
    {.name = "wait-pipe",
     .family = "pipe",
     .summary = "wait until an instance of a named pipe is free to open (WaitNamedPipeW)",
     .params = {{.name = "NAME", .type = ArgType::name}},
     .flags = {{.name = "timeout",
                .type = ArgType::timeout,
                .value_name = "MS|forever",
                .help = "wait at most MS (default forever; Ctrl+C ends it)"}},
     .handler = wait_pipe,
     .returns = {.values = {{.name = "status", .type = LuaType::string, .about = "\"free\""}}}},
    {.name = "flush",
     .family = "pipe",
     .summary = "wait until the other end has read everything written (FlushFileBuffers)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = file_like}},
     .flags = {wait_flag},
     .handler = flush,
     .returns = {}},
    {.name = "transact",
     .family = "pipe",
     .summary = "write a message and read the reply in one call (TransactNamedPipe)",
     .params = {pipe_handle, {.name = "DATA", .type = ArgType::string}},
     .flags = {{.name = "max",
                .type = ArgType::integer,
                .value_name = "N",
                .help = "largest reply read at once (default 65536)",
                .range = size_range},
               {.name = "timeout",
                .type = ArgType::timeout,
                .value_name = "MS|forever",
                .help = "wait at most MS for the reply"}},
     .handler = transact,
     .returns = read_returns},
    {.name = "pipe",
     .family = "pipe",
     .summary = "create an anonymous pipe: a read end and a write end (CreatePipe)",
     .flags = {{.name = "inherit",
                .type = ArgType::choice,
                .value_name = "read|write|both",
                .help = "make these ends inheritable",
                .choices = {"read", "write", "both"}},
               {.name = "size", .type = ArgType::integer, .value_name = "N", .help = "buffer size hint"},
               sddl_flag},
     .handler = anonymous_pipe,
     .returns = {.values = {{.name = "read", .type = LuaType::handle, .kind = Kind::pipe, .about = "the read end"},
                            {.name = "write", .type = LuaType::handle, .kind = Kind::pipe, .about = "the write end"}},
                 .note = "The shell reaches them as `$p.read` and `$p.write`"}},
};

}  // namespace
}  // namespace ipcsh
