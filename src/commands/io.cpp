// The file-like family: write/read, and send/recv which mean the same.
#include "async_io.hpp"
#include "io.hpp"
#include "core/shapes.hpp"

#include "socket_io.hpp"

#include <optional>

namespace ipcsh {
namespace {

constexpr DWORD default_chunk = 64 * 1024;
// An overlapped pipe read without --max asks for 64 KB, as a C program's
// buffer would: under Wine a read's cost grows with the size asked for, not
// with what comes (1 GB through a byte-mode pipe in reads of 64 KB took
// 2.2 s, of 128 KB 3.0 s, of 1 MB 3.2-4.0 s). What waits beyond it is
// taken by the reads after it (a message, or in byte mode what is there).
constexpr DWORD whole_read_chunk = 64 * 1024;

DWORD timeout_or(const Value* timeout, DWORD fallback) {
  return timeout ? static_cast<DWORD>(*timeout->as<std::int64_t>()) : fallback;
}

const char* api_name(win::Io op) {
  switch (op) {
    case win::Io::read: return "ReadFile";
    case win::Io::write: return "WriteFile";
    case win::Io::connect: return "ConnectNamedPipe";
    case win::Io::transact: return "TransactNamedPipe";
    case win::Io::flush: return "FlushFileBuffers";
  }
  return "?";
}

// This thread's read buffer, at least `size` bytes (made larger when asked,
// never cleared: a read fills what it returns).
char* read_buffer(DWORD size) {
  struct Buffer {
    std::unique_ptr<char[]> bytes;
    DWORD capacity = 0;
  };
  thread_local Buffer buffer;  // (one thread_local: each costs a call under MinGW)
  Buffer& b = buffer;
  if (b.capacity < size) {
    b.bytes = std::make_unique_for_overwrite<char[]>(size);
    b.capacity = size;
  }
  return b.bytes.get();
}

ReadResult read_file(Session& s, const HandleObject& h, DWORD size, bool lend) {
  ReadResult result;
  char* into = read_buffer(size);
  DWORD error = 0;
  DWORD got = handle_io(s, h, {win::Io::read, h.handle(), false, into, size}, &error);
  result.more = error == ERROR_MORE_DATA;
  if (lend) result.lent = {into, got}, result.is_lent = true;
  else result.data.assign(into, got);
  return result;
}

}  // namespace

DWORD handle_io(Session& s, const HandleObject& h, win::IoRequest request, DWORD* answer) {
  // Only pipes make a writer or reader wait; a synchronous handle of
  // another kind is called directly.
  request.overlapped = h.overlapped;
  request.never_blocks = h.kind != Kind::pipe;
  DWORD error = 0;
  DWORD moved = win::io(request, error, s.between());
  if (error == WAIT_TIMEOUT)
    throw_error(api_name(request.op), WAIT_TIMEOUT, "not done within " + timeout_text(request.timeout) + "; cancelled");
  bool answered = answer && (error == ERROR_MORE_DATA || error == ERROR_PIPE_CONNECTED);
  if (error && !answered) throw_error(api_name(request.op), error);
  if (answer) *answer = error;
  return moved;
}

DWORD write_bytes(Session& s, const HandleObject& h, std::string_view data, DWORD timeout) {
  if (h.kind == Kind::socket) return socket_send(s, h, data, timeout);
  win::IoRequest request{win::Io::write, h.handle(), false};
  request.out = data.data();
  request.out_size = static_cast<DWORD>(data.size());
  request.timeout = timeout;
  try {
    return handle_io(s, h, request);
  } catch (const Win32Error& e) {
    if (h.kind == Kind::mailslot && e.code() == ERROR_ACCESS_DENIED && h.end != HandleObject::End::mailslot_writer)
      throw e.with_hint("a mailslot is one-way: this is its reader; send through a writer (open-mailslot NAME)");
    throw;
  }
}

std::optional<DWORD> mailslot_limit(const Session& s, const HandleObject& writer) {
  // The reader of the same slot, if this shell created it, knows the limit.
  for (const auto& [value, h] : s.handles())
    if (h->kind == Kind::mailslot && h->message_limit && !h->closed() && h->name == writer.name) return h->message_limit;
  return std::nullopt;
}

ReadResult read_bytes(Session& s, HandleObject& h, DWORD max, const Value* timeout, bool lend) {
  const bool zero = max == zero_bytes;  // a 0-byte read, asked for
  if (zero) {
    if (h.kind == Kind::socket) throw UsageError("--max: a 0-byte recv is for pipes, mailslots and files, not sockets");
    max = 0;
  }
  auto size_or = [&](DWORD whole) { return zero ? 0 : max ? max : whole; };
  if (h.kind == Kind::socket) return {socket_recv(s, h, max ? max : default_chunk, timeout_or(timeout, INFINITE))};
  if (h.kind == Kind::mailslot && h.end == HandleObject::End::mailslot_writer) {
    win::IoRequest request{win::Io::read, h.handle(), false};
    std::string buffer(1, '\0');
    request.buffer = buffer.data();
    request.size = 1;
    try {
      handle_io(s, h, request);
    } catch (const Win32Error& e) {
      throw e.with_hint("a mailslot is one-way: this is a writer end; only the reader (create-mailslot) receives");
    }
  }
  if (h.kind == Kind::mailslot) {
    if (auto state = win::try_mailslot_info(h.handle())) {
      auto read_waiting = [&] {
        DWORD size = state->next_size, asked = size_or(std::max<DWORD>(size, 1));
        if (asked >= size) return read_file(s, h, asked, lend);
        // GetMailslotInfo said how long the message is: a read asking less
        // is cut short by this kernel, or refused (Windows keeps the message).
        try {
          ReadResult r = read_file(s, h, asked, false);
          r.cut_from = size;
          return r;
        } catch (const Win32Error& e) {
          if (e.code() != ERROR_INSUFFICIENT_BUFFER) throw;
          throw e.with_hint(fmt::format("the message is {} bytes and stays in the slot (this kernel keeps it, as "
                                        "Windows does); recv without --max reads it", size));
        }
      };
      if (state->next_size != MAILSLOT_NO_MESSAGE) return read_waiting();  // no wait to set up
      DWORD wait = timeout_or(timeout, state->timeout);
      struct Asking {
        std::optional<win::MailslotInfo>& state;
        HANDLE slot;
        bool asked = false;
      } asking{state, h.handle()};
      // (one reference captured: the std::function keeps it without allocating)
      bool ready = s.poll_until(wait, [&asking] {
        if (asking.asked) asking.state = win::try_mailslot_info(asking.slot);
        asking.asked = true;
        return asking.state && asking.state->next_size != MAILSLOT_NO_MESSAGE;
      });
      if (!ready) {
        // The wait was ours (Wine cannot cancel a blocked mailslot read); the
        // verdict is the kernel's: ReadFile with a read timeout of 0 fails
        // with ERROR_SEM_TIMEOUT - or returns a message that just came.
        DWORD previous = state ? state->timeout : MAILSLOT_WAIT_FOREVER;
        win::set_mailslot_info(h.handle(), 0);
        try {
          ReadResult r = read_file(s, h, size_or(std::max<DWORD>(state && state->max_size ? state->max_size : 0, default_chunk)), false);
          win::set_mailslot_info(h.handle(), previous);
          return r;
        } catch (const Win32Error& e) {
          win::set_mailslot_info(h.handle(), previous);
          if (e.code() == ERROR_SEM_TIMEOUT) throw_error("ReadFile", ERROR_SEM_TIMEOUT, "no message within " + timeout_text(wait));
          throw;
        }
      }
      return read_waiting();
    }
  }
  if (h.kind == Kind::pipe && h.kept_empty_messages > 0) {
    // An empty message a wait's zero-byte read took (win32_readable.cpp):
    // it was the next message, so it is what this read returns.
    --h.kept_empty_messages;
    return {};
  }
  if (h.kind == Kind::pipe && h.overlapped) {
    // An overlapped read waits on its own event, so it returns the moment
    // data comes; a time-out or Ctrl+C cancels it (CancelIoEx).
    win::IoRequest request{win::Io::read, h.handle(), true};
    request.timeout = timeout_or(timeout, INFINITE);
    ReadResult result;
    // Without --max, one read goes to this thread's read buffer, and only
    // what came is copied out (or lent).
    char* scratch = nullptr;
    if (max || zero) {
      result.data.resize(max);
      request.buffer = result.data.data();
    } else {
      request.buffer = scratch = read_buffer(whole_read_chunk);
    }
    request.size = size_or(whole_read_chunk);
    DWORD error = 0;
    DWORD got = win::io(request, error, s.between());
    if (error == WAIT_TIMEOUT) throw_error("ReadFile", WAIT_TIMEOUT, "no data within " + timeout_text(request.timeout));
    if (error && error != ERROR_MORE_DATA) throw_error("ReadFile", error);
    if (max || zero) result.data.resize(got);
    else if (lend && error != ERROR_MORE_DATA) return {{}, false, {scratch, got}, true};
    else result.data.assign(scratch, got);
    // Without --max: the whole message; in byte mode what one read took
    // (up to 64 KB), as a socket's recv gives what came.
    while (max == 0 && !zero && error == ERROR_MORE_DATA) {
      auto peeked = win::peek_named_pipe(h.handle(), 0);
      if (!peeked) break;
      std::string more(std::max<DWORD>(peeked->available, 1), '\0');
      request.buffer = more.data();
      request.size = static_cast<DWORD>(more.size());
      got = win::io(request, error, s.between());
      if (error && error != ERROR_MORE_DATA) throw_error("ReadFile", error);
      result.data.append(more.data(), got);
    }
    result.more = error == ERROR_MORE_DATA;
    return result;
  }
  if (h.kind == Kind::pipe) {
    // A synchronous pipe end cannot be waited on: wait until PeekNamedPipe
    // sees data (or fails: then ReadFile reports why - broken pipe, not
    // connected, listening).
    DWORD wait = timeout_or(timeout, INFINITE);
    std::optional<win::PeekResult> peeked;
    bool ready = s.poll_until(wait, [&] {
      peeked = win::peek_named_pipe(h.handle(), 0);
      return !peeked || peeked->available > 0;
    });
    if (!ready) throw_error("ReadFile", WAIT_TIMEOUT, "no data within " + timeout_text(wait));
    if (max == 0 && !zero && peeked)
      max = peeked->left_in_message ? peeked->left_in_message : std::max<DWORD>(peeked->available, 1);
  }
  return read_file(s, h, size_or(default_chunk), false);
}

Value read_value(ReadResult r) {
  if (r.cut_from)
    return result(shape::cut_short, {Bytes{std::move(r.data)}, "cut", as_int(r.cut_from)}, {field::data, field::more, field::message_size});
  if (r.is_lent && !r.more) return Borrowed{r.lent};
  if (r.is_lent) r.data.assign(r.lent);
  if (!r.more) return Bytes{std::move(r.data)};
  return result(shape::more_data, {Bytes{std::move(r.data)}, "more"}, {field::data, field::more});
}

namespace {

Value send(Session& s, const Args& a) {
  auto h = a.handle("H");
  std::string_view data = a.bytes("DATA");
  if (a.flag("async")) return start_async(s, h, win::AsyncIo::Op::write, 0, std::string(data));
  DWORD timeout = a.timeout("timeout", INFINITE);
  // A WriteFile to a full mailslot (Wine's queue holds ~277 messages)
  // blocks for good on the synchronous writer; with a bound, the message
  // goes through an overlapped writer of its own, which CancelIoEx ends.
  if (h->kind == Kind::mailslot && timeout != INFINITE && h->end == HandleObject::End::mailslot_writer) {
    if (h->name.empty())
      throw UsageError("--timeout: this mailslot writer has no name to open an overlapped writer by; drop --timeout");
    HANDLE ov = win::create_file(h->name, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, false, OPEN_EXISTING,
                                 FILE_FLAG_OVERLAPPED);
    struct Closer {
      HANDLE h;
      ~Closer() {
        try {
          win::close_handle(h);
        } catch (...) {
        }
      }
    } closer{ov};
    win::IoRequest request{win::Io::write, ov, true};
    request.out = data.data();
    request.out_size = static_cast<DWORD>(data.size());
    request.timeout = timeout;
    DWORD error = 0;
    DWORD n = win::io(request, error, s.between());
    if (error == WAIT_TIMEOUT)
      throw_error("WriteFile", WAIT_TIMEOUT,
                  "the mailslot is full: not sent within " + timeout_text(timeout) + "; cancelled");
    if (error) throw_error("WriteFile", error);
    return result(shape::sent, {as_int(n)}, {field::bytes});
  }
  DWORD n = write_bytes(s, *h, data, timeout);
  // Wine delivers a message over the slot's max size truncated; Windows
  // refuses it. Say so where the limit can be seen.
  if (h->kind == Kind::mailslot)
    if (auto limit = mailslot_limit(s, *h); limit && data.size() > *limit)
      return result(shape::sent, {as_int(n), as_int(*limit)}, {field::bytes, field::over_limit}, 1);
  return result(shape::sent, {as_int(n)}, {field::bytes});
}

Value recv(Session& s, const Args& a) {
  if (a.flag("async"))
    return start_async(s, a.handle("H"), win::AsyncIo::Op::read, static_cast<DWORD>(a.integer("max", default_chunk)), {});
  DWORD max = a.has("max") && a.integer("max") == 0 ? zero_bytes : static_cast<DWORD>(a.integer("max"));
  return read_value(read_bytes(s, *a.handle("H"), max, a.find("timeout"), a.lend_result));
}

const Flag max_flag{.name = "max",
                    .type = ArgType::integer,
                    .value_name = "N",
                    .help = "read at most N bytes (default: the whole message; 0: a 0-byte read)",
                    .range = {0, size_range.max}};
const Flag read_timeout{.name = "timeout",
                        .type = ArgType::timeout,
                        .value_name = "MS|forever",
                        .help = "how long to wait for data (default: the object's own timeout, else forever)"};
const Flag write_timeout{.name = "timeout",
                         .type = ArgType::timeout,
                         .value_name = "MS|forever",
                         .help =
                             "how long to wait for room in a full pipe, mailslot or socket (default forever; Ctrl+C "
                             "ends it)"};
const Param data_param{.name = "DATA", .type = ArgType::string};

const FamilyRegistration family{"file-like", "send/recv and write/read on mailslots, pipes, files and sockets"};
const CommandRegistration registration{
    {.name = "send",
     .family = "file-like",
     .summary = "send DATA as one message (WriteFile; send on sockets)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = file_like}, data_param},
     .flags = {write_timeout, async_flag},
     .handler = send,
     .returns = {.values = {{.name = "bytes", .type = LuaType::integer, .about = "bytes written"}}}},
    {.name = "recv",
     .family = "file-like",
     .summary = "receive one message (ReadFile; recv on sockets), waiting up to --timeout",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = file_like}},
     .flags = {max_flag, read_timeout, async_flag},
     .handler = recv,
     .returns = read_returns},
    {.name = "write",
     .family = "file-like",
     .summary = "write DATA to a file-like handle (WriteFile)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = file_like}, data_param},
     .flags = {write_timeout, async_flag},
     .handler = send,
     .returns = {.values = {{.name = "bytes", .type = LuaType::integer, .about = "bytes written"}}}},
    {.name = "read",
     .family = "file-like",
     .summary = "read from a file-like handle (ReadFile), waiting up to --timeout",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = file_like}},
     .flags = {max_flag, read_timeout, async_flag},
     .handler = recv,
     .returns = read_returns},
};

}  // namespace
}  // namespace ipcsh
