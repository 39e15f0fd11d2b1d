// Standing in the middle: proxy-pipe creates pipe NAME, and for each client
// that connects opens TARGET and relays both ways, one message at a time,
// printing each as it passes (and writing it as a JSON line with --log).
// One thread: every pending connect and read is an overlapped I/O whose
// event one sliced wait watches, so Ctrl+C stops it and closes everything.
#include <cstdio>
#include <memory>

#include "async_io.hpp"
#include "io.hpp"
#include "console/console.hpp"
#include "core/escape.hpp"
#include "core/shapes.hpp"
#include "session/format.hpp"
#include "win32/unique_handle.hpp"

namespace ipcsh {
namespace {

constexpr DWORD chunk = 64 * 1024;  // one read's size; a longer message comes in parts, joined

// One instance of NAME and, while a client is connected, its way to TARGET.
struct Lane {
  UniqueHandle front;  // the instance of NAME the client talks to
  UniqueHandle back;   // our client end of TARGET
  std::shared_ptr<win::AsyncIo> connect, from_client, from_server;
  UniqueHandle connect_event, client_event, server_event;
  std::string client_part, server_part;  // a message read so far (ERROR_MORE_DATA)
  DWORD client_pid = 0;
  int index = 0;
  bool connected = false;
};

struct Totals {
  std::int64_t messages = 0, bytes = 0, clients = 0;
};

HANDLE new_event() { return win::create_event({}, true, false, {}); }

void start_connect(Lane& lane) {
  lane.connect_event.reset(new_event());
  lane.connect = win::AsyncIo::start(win::AsyncIo::Op::connect, lane.front.get(), 0, {}, lane.connect_event.get());
}

void start_read(std::shared_ptr<win::AsyncIo>& io, UniqueHandle& event, HANDLE h) {
  event.reset(new_event());
  io = win::AsyncIo::start(win::AsyncIo::Op::read, h, chunk, {}, event.get());
}

class Proxy {
 public:
  Proxy(Session& s, const Args& a)
      : s_(s), name_(object_path(a.string("NAME"), pipe_prefix)), target_(object_path(a.string("to"), pipe_prefix)),
        count_(a.integer("count", 0)), idle_(a.timeout("timeout", INFINITE)), hex_(a.flag("hex")),
        quiet_(a.flag("quiet")) {
    if (a.has("log")) {
      log_ = std::fopen(a.string("log").c_str(), "ab");
      if (!log_) throw UsageError(fmt::format("--log: cannot open '{}' for writing", one_line(a.string("log"), 80)));
    }
    mode_ = a.string_or("mode", "message") == "byte" ? PIPE_TYPE_BYTE | PIPE_READMODE_BYTE
                                                     : PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE;
    auto instances = static_cast<int>(a.integer("instances", 4));
    for (int i = 0; i < instances; ++i) {
      auto lane = std::make_unique<Lane>();
      lane->index = i + 1;
      lane->front.reset(win::create_named_pipe(name_, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, mode_ | PIPE_WAIT,
                                               static_cast<DWORD>(instances), chunk, chunk, {}));
      start_connect(*lane);
      lanes_.push_back(std::move(lane));
    }
  }
  ~Proxy() {
    for (auto& lane : lanes_) close_lane(*lane, false);
    if (log_) std::fclose(log_);
  }
  Proxy(const Proxy&) = delete;
  Proxy& operator=(const Proxy&) = delete;

  Totals run() {
    for (;;) {
      if (count_ && totals_.messages >= count_) return totals_;
      std::vector<HANDLE> events;
      std::vector<std::pair<Lane*, int>> what;  // 0 connect, 1 from the client, 2 from the server
      for (auto& lane : lanes_) {
        if (!lane->connected) {
          events.push_back(lane->connect_event.get());
          what.push_back({lane.get(), 0});
        } else {
          events.push_back(lane->client_event.get());
          what.push_back({lane.get(), 1});
          events.push_back(lane->server_event.get());
          what.push_back({lane.get(), 2});
        }
      }
      DWORD got = s_.wait_sliced(events, false, idle_);
      if (got == WAIT_TIMEOUT) return totals_;  // nothing for --timeout MS
      DWORD i = got - WAIT_OBJECT_0;
      if (i >= what.size()) throw_error("WaitForMultipleObjects", got);
      auto [lane, kind] = what[i];
      if (kind == 0) connected(*lane);
      else relay(*lane, kind == 1);
    }
  }

 private:
  void say(const std::string& line) {
    if (!quiet_) write_out(*s_.output, line + "\n");
  }

  // The next read on one side; a side already gone (the read fails at once)
  // closes the lane as a failed read later would.
  bool read_again(Lane& lane, bool from_client) {
    try {
      if (from_client) start_read(lane.from_client, lane.client_event, lane.front.get());
      else start_read(lane.from_server, lane.server_event, lane.back.get());
      return true;
    } catch (const Win32Error& e) {
      say(fmt::format("client {} {} ({}): closed", lane.index, from_client ? "left" : "lost its server", e.name()));
      close_lane(lane, true);
      return false;
    }
  }

  void connected(Lane& lane) {
    win::AsyncIo::State state = lane.connect->state();
    if (state.error && state.error != ERROR_PIPE_CONNECTED) {  // a client that came and went: listen again
      win::disconnect_named_pipe(lane.front.get());
      start_connect(lane);
      return;
    }
    lane.client_pid = win::named_pipe_end_ids(lane.front.get()).client_pid.value_or(0);
    // the client's way to the real server: an instance of TARGET, waited for
    try {
      win::wait_named_pipe(target_, 5000);  // (a failure shows in the open)
      lane.back.reset(win::create_file(target_, GENERIC_READ | GENERIC_WRITE, 0, false, OPEN_EXISTING, FILE_FLAG_OVERLAPPED));
      if (mode_ & PIPE_READMODE_MESSAGE) win::set_named_pipe_mode(lane.back.get(), PIPE_READMODE_MESSAGE | PIPE_WAIT);
    } catch (const Win32Error& e) {  // the real server cannot take it: this client is let go
      say(fmt::format("client {} (pid {}): {} could not be opened ({}): disconnected", lane.index, lane.client_pid,
                      target_, e.name()));
      lane.back.reset();
      win::disconnect_named_pipe(lane.front.get());
      start_connect(lane);
      return;
    }
    lane.connected = true;
    ++totals_.clients;
    say(fmt::format("client {} connected (pid {}), relayed to {}", lane.index, lane.client_pid, target_));
    if (read_again(lane, true)) read_again(lane, false);
  }

  void relay(Lane& lane, bool from_client) {
    auto& io = from_client ? lane.from_client : lane.from_server;
    std::string& part = from_client ? lane.client_part : lane.server_part;
    win::AsyncIo::State state = io->state();
    if (state.error == ERROR_MORE_DATA) {  // the rest of this message follows
      part.append(io->data());
      read_again(lane, from_client);
      return;
    }
    if (state.error) {  // one side went: the other is closed too, and the instance listens again
      say(fmt::format("client {} {} ({}): closed", lane.index, from_client ? "left" : "lost its server",
                      error_name(state.error)));
      close_lane(lane, true);
      return;
    }
    part.append(io->data());
    std::string message = std::move(part);
    part.clear();
    HANDLE to = from_client ? lane.back.get() : lane.front.get();
    win::IoRequest request{win::Io::write, to, true};
    request.out = message.data();
    request.out_size = static_cast<DWORD>(message.size());
    request.timeout = 30000;
    DWORD error = 0;
    win::io(request, error, s_.between());
    show(lane, from_client, message, error);
    if (error) {
      close_lane(lane, true);
      return;
    }
    ++totals_.messages;
    totals_.bytes += static_cast<std::int64_t>(message.size());
    read_again(lane, from_client);
  }

  void show(const Lane& lane, bool from_client, const std::string& message, DWORD error) {
    SYSTEMTIME t;
    GetLocalTime(&t);
    std::string when = fmt::format("{:02}:{:02}:{:02}.{:03}", t.wHour, t.wMinute, t.wSecond, t.wMilliseconds);
    const char* way = from_client ? "client->server" : "server->client";
    std::string shown = hex_ ? hexdump_text(message, 0) : quote_bytes(message.substr(0, 200));
    say(fmt::format("{} [{} pid {}] {} {} bytes {}{}", when, lane.index, lane.client_pid, way, message.size(),
                    hex_ ? "\n" : "", shown) +
        (error ? fmt::format(" (not delivered: {})", error_name(error)) : std::string()));
    if (log_) {
      std::string data = escape(message, escapes::json);
      std::fprintf(log_, "{\"time\":\"%s\",\"client\":%d,\"pid\":%lu,\"direction\":\"%s\",\"bytes\":%zu,\"delivered\":%s,\"data\":%s}\n",
                   when.c_str(), lane.index, static_cast<unsigned long>(lane.client_pid), way, message.size(),
                   error ? "false" : "true", data.c_str());
      std::fflush(log_);
    }
  }

  void close_lane(Lane& lane, bool listen_again) {
    win::AsyncIo::retire(std::move(lane.from_client));
    win::AsyncIo::retire(std::move(lane.from_server));
    lane.back.reset();
    lane.client_part.clear();
    lane.server_part.clear();
    lane.connected = false;
    if (!listen_again) {
      win::AsyncIo::retire(std::move(lane.connect));
      return;
    }
    win::disconnect_named_pipe(lane.front.get());
    start_connect(lane);
  }

  Session& s_;
  std::string name_, target_;
  std::int64_t count_;
  DWORD idle_;
  bool hex_, quiet_;
  DWORD mode_ = 0;
  std::FILE* log_ = nullptr;
  std::vector<std::unique_ptr<Lane>> lanes_;
  Totals totals_;
};

Value proxy_pipe(Session& s, const Args& a) {
  if (!a.has("to")) throw UsageError("--to TARGET: the pipe to relay to is needed (the real server's)");
  Proxy proxy(s, a);
  Totals t = proxy.run();
  Record r;
  r.fields.push_back({"messages", t.messages});
  r.fields.push_back({"bytes", t.bytes});
  r.fields.push_back({"clients", t.clients});
  return r;
}

// tee-mailslot: a mailslot NAME whose every message is printed and sent on
// to NAME2's reader, until --count, --timeout of quiet, or Ctrl+C.
Value tee_mailslot(Session& s, const Args& a) {
  if (!a.has("to")) throw UsageError("--to NAME2: the mailslot to send each message on to is needed");
  std::string name = object_path(a.string("NAME"), mailslot_prefix), to = object_path(a.string("to"), mailslot_prefix);
  // The command's own handles, closed however it ends (not the user's).
  struct Closing {
    HandleObject h;
    Closing(Kind kind, HANDLE handle, std::string n) : h(kind, handle, std::move(n)) {}
    ~Closing() {
      try {
        if (!h.closed()) h.close();
      } catch (...) {
      }
    }
  };
  Closing slot(Kind::mailslot, win::create_mailslot(name, 0, MAILSLOT_WAIT_FOREVER, {}), name);
  HANDLE w = INVALID_HANDLE_VALUE;
  try {
    w = win::create_file(to, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, false, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL);
  } catch (const Win32Error& e) {
    if (e.code() != ERROR_FILE_NOT_FOUND) throw;
    throw e.with_hint(fmt::format("--to: no mailslot {}: its reader creates it (create-mailslot)", to));
  }
  Closing writer(Kind::mailslot, w, to);
  writer.h.end = HandleObject::End::mailslot_writer;
  std::int64_t count = a.integer("count", 0), messages = 0, bytes = 0;
  Value idle = a.has("timeout") ? Value(static_cast<std::int64_t>(a.timeout("timeout", INFINITE))) : Value();
  bool quiet = a.flag("quiet");
  while (!count || messages < count) {
    ReadResult got;
    try {
      got = read_bytes(s, slot.h, 0, idle.is_nil() ? nullptr : &idle);
    } catch (const Win32Error& e) {
      if (e.code() == WAIT_TIMEOUT || e.code() == ERROR_SEM_TIMEOUT) break;  // quiet for --timeout MS
      throw;
    }
    std::string message = got.is_lent ? std::string(got.lent) : std::move(got.data);
    write_bytes(s, writer.h, message, INFINITE);
    ++messages;
    bytes += static_cast<std::int64_t>(message.size());
    if (!quiet)
      write_out(*s.output, fmt::format("{} -> {}: {} bytes {}\n", name, to, message.size(), quote_bytes(message.substr(0, 200))));
  }
  Record r;
  r.fields.push_back({"messages", messages});
  r.fields.push_back({"bytes", bytes});
  return r;
}

const FamilyRegistration family{"proxy", "standing in the middle of other programs' pipes"};
const CommandRegistration registration{
    {.name = "proxy-pipe",
     .family = "proxy",
     .summary = "create pipe NAME and relay each client to TARGET both ways, printing every message (Ctrl+C stops)",
     .params = {{.name = "NAME", .type = ArgType::name}},
     .flags = {{.name = "to", .type = ArgType::name, .value_name = "TARGET", .help = "the real server's pipe"},
               {.name = "mode",
                .type = ArgType::choice,
                .value_name = "byte|message",
                .help = "the pipe's mode, as the real server's (default message)",
                .choices = {"byte", "message"}},
               {.name = "instances", .type = ArgType::integer, .value_name = "N", .help = "clients at once (default 4)",
                .range = {1, 64}},
               {.name = "count", .type = ArgType::integer, .value_name = "N",
                .help = "stop after N messages relayed (default: until Ctrl+C)", .range = {1, 0x7FFFFFFF}},
               {.name = "timeout", .type = ArgType::timeout, .value_name = "MS|forever",
                .help = "stop when nothing has happened for MS (default forever: until Ctrl+C or --count)"},
               {.name = "log", .type = ArgType::name, .value_name = "FILE", .help = "also write each message as a JSON line"},
               {.name = "hex", .type = ArgType::boolean, .help = "show messages as a hex dump"},
               {.name = "quiet", .type = ArgType::boolean, .help = "print nothing while relaying (see --log)"}},
     .handler = proxy_pipe,
     .stable = false,
     .returns = {.values = {{.name = "totals",
                             .type = LuaType::record,
                             .fields = {{.name = "messages", .type = LuaType::integer},
                                        {.name = "bytes", .type = LuaType::integer},
                                        {.name = "clients", .type = LuaType::integer}}}}}},
    {.name = "tee-mailslot",
     .family = "proxy",
     .summary = "create mailslot NAME; print every message it receives and send it on to NAME2 (Ctrl+C stops)",
     .params = {{.name = "NAME", .type = ArgType::name}},
     .flags = {{.name = "to", .type = ArgType::name, .value_name = "NAME2", .help = "the mailslot each message goes on to"},
               {.name = "count", .type = ArgType::integer, .value_name = "N", .help = "stop after N messages",
                .range = {1, 0x7FFFFFFF}},
               {.name = "timeout", .type = ArgType::timeout, .value_name = "MS|forever",
                .help = "stop when no message has come for MS (default forever)"},
               {.name = "quiet", .type = ArgType::boolean, .help = "print nothing while forwarding"}},
     .handler = tee_mailslot,
     .stable = false,
     .returns = {.values = {{.name = "totals",
                             .type = LuaType::record,
                             .fields = {{.name = "messages", .type = LuaType::integer},
                                        {.name = "bytes", .type = LuaType::integer}}}}}},
};

}  // namespace
}  // namespace ipcsh
