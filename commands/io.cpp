// The file-like family: write/read, and send/recv which mean the same.
#include "io.hpp"

#include "../shell/syntax.hpp"
#include "../shell/unique_handle.hpp"
#include "socket_io.hpp"

namespace ipcsh {
namespace {

constexpr DWORD default_chunk = 64 * 1024;

struct MailslotState {
  DWORD max_message = 0, next_size = MAILSLOT_NO_MESSAGE, count = 0, read_timeout = 0;
};

bool mailslot_state(HANDLE h, MailslotState& out) {
  return GetMailslotInfo(h, &out.max_message, &out.next_size, &out.count, &out.read_timeout);
}

DWORD timeout_or(const Value* timeout, DWORD fallback) {
  return timeout ? static_cast<DWORD>(*timeout->as<std::int64_t>()) : fallback;
}

ReadResult read_file(Session& s, const HandleObject& h, DWORD size) {
  ReadResult result;
  result.data.assign(size, '\0');
  DWORD error = 0;
  DWORD got = overlapped_call(s, h.handle(), "ReadFile", INFINITE, [&](OVERLAPPED* ov) {
    return ReadFile(h.handle(), result.data.data(), size, nullptr, ov);
  }, error);
  if (error == ERROR_MORE_DATA) result.more = true;
  else if (error) throw_error("ReadFile", error);
  result.data.resize(got);
  return result;
}

}  // namespace

DWORD overlapped_call(Session& s, HANDLE h, const char* api, DWORD timeout,
                      const std::function<BOOL(OVERLAPPED*)>& start, DWORD& error) {
  UniqueHandle done(CreateEventW(nullptr, TRUE, FALSE, nullptr));
  if (!done) throw_last_error("CreateEventW");
  HANDLE done_event = done.get();
  OVERLAPPED ov{};
  ov.hEvent = done_event;
  DWORD transferred = 0;
  error = 0;
  if (start(&ov)) {
    GetOverlappedResult(h, &ov, &transferred, TRUE);
    return transferred;
  }
  error = GetLastError();
  if (error == ERROR_MORE_DATA) return static_cast<DWORD>(ov.InternalHigh);  // the part that was read
  if (error != ERROR_IO_PENDING) return transferred;
  auto cancel = [&] {
    CancelIoEx(h, &ov);
    return GetOverlappedResult(h, &ov, &transferred, TRUE);  // TRUE: it finished before the cancel
  };
  DWORD waited;
  try {
    waited = s.wait_sliced(1, &done_event, false, timeout);
  } catch (const Interrupted&) {
    cancel();
    throw;
  }
  if (waited == WAIT_TIMEOUT) {
    if (cancel()) {
      error = 0;
      return transferred;
    }
    throw_error(api, WAIT_TIMEOUT, "nothing happened within " + timeout_text(timeout) + "; cancelled");
  }
  error = GetOverlappedResult(h, &ov, &transferred, FALSE) ? 0 : GetLastError();
  return transferred;
}

DWORD write_bytes(Session& s, const HandleObject& h, const std::string& data) {
  if (h.kind == Kind::socket) return socket_send(s, h, data);
  DWORD error = 0;
  DWORD written = overlapped_call(s, h.handle(), "WriteFile", INFINITE, [&](OVERLAPPED* ov) {
    return WriteFile(h.handle(), data.data(), static_cast<DWORD>(data.size()), nullptr, ov);
  }, error);
  if (error) throw_error("WriteFile", error);
  return written;
}

ReadResult read_bytes(Session& s, const HandleObject& h, DWORD max, const Value* timeout) {
  if (h.kind == Kind::socket) return {socket_recv(s, h, max ? max : default_chunk, timeout_or(timeout, INFINITE))};
  MailslotState state;
  if (h.kind == Kind::mailslot && mailslot_state(h.handle(), state)) {
    DWORD wait = timeout_or(timeout, state.read_timeout);
    bool ready = s.poll_until(wait, [&] {
      return mailslot_state(h.handle(), state) && state.next_size != MAILSLOT_NO_MESSAGE;
    });
    if (!ready) throw_error("ReadFile", ERROR_SEM_TIMEOUT, "no message within " + timeout_text(wait));
    return read_file(s, h, max ? max : std::max<DWORD>(state.next_size, 1));
  }
  if (h.kind == Kind::pipe) {
    // Wait until PeekNamedPipe sees data (or fails: then ReadFile reports
    // why - broken pipe, not connected, listening).
    DWORD wait = timeout_or(timeout, INFINITE);
    DWORD available = 0, left = 0;
    bool ready = s.poll_until(wait, [&] {
      return !PeekNamedPipe(h.handle(), nullptr, 0, nullptr, &available, &left) || available > 0;
    });
    if (!ready) throw_error("ReadFile", WAIT_TIMEOUT, "no data within " + timeout_text(wait));
    if (max == 0) max = left ? left : std::max<DWORD>(available, 1);
  }
  return read_file(s, h, max ? max : default_chunk);
}

Value read_value(ReadResult result) {
  if (!result.more) return Bytes{std::move(result.data)};
  std::size_t n = result.data.size();
  std::string text = fmt::format("{} ({} bytes; more of this message remains: ERROR_MORE_DATA)",
                                 quote_bytes(result.data), n);
  return Multi{{Bytes{std::move(result.data)}, "more"}, text};
}

namespace {

Value send(Session& s, const Args& a) {
  DWORD n = write_bytes(s, *a.handle("H"), a.string("DATA"));
  return described(static_cast<std::int64_t>(n), fmt::format("sent {} byte{}", n, n == 1 ? "" : "s"));
}

Value recv(Session& s, const Args& a) {
  return read_value(read_bytes(s, *a.handle("H"), static_cast<DWORD>(a.integer("max")), a.find("timeout")));
}

const Flag max_flag{"max", ArgType::integer, "N", "read at most N bytes (default: the whole message)"};
const Flag timeout_flag{"timeout", ArgType::timeout, "MS|forever",
                        "how long to wait for data (default: the object's own timeout, else forever)"};

const CommandRegistration registration{
    {"send", "file-like", "send DATA as one message (WriteFile; send on sockets)",
     {{"H", ArgType::handle, file_like}, {"DATA", ArgType::string}}, {}, send},
    {"recv", "file-like", "receive one message (ReadFile; recv on sockets), waiting up to --timeout",
     {{"H", ArgType::handle, file_like}}, {max_flag, timeout_flag}, recv},
    {"write", "file-like", "write DATA to a file-like handle (WriteFile)",
     {{"H", ArgType::handle, file_like}, {"DATA", ArgType::string}}, {}, send},
    {"read", "file-like", "read from a file-like handle (ReadFile), waiting up to --timeout",
     {{"H", ArgType::handle, file_like}}, {max_flag, timeout_flag}, recv},
};

}  // namespace
}  // namespace ipcsh
