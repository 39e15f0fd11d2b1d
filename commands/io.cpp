// The file-like family: write/read, and send/recv which mean the same on
// mailslots and pipes.
#include "io.hpp"

namespace ipcsh {
namespace {

constexpr DWORD default_chunk = 64 * 1024;

struct MailslotState {
  DWORD max_message = 0, next_size = MAILSLOT_NO_MESSAGE, count = 0, read_timeout = 0;
};

bool mailslot_state(HANDLE h, MailslotState& out) {
  return GetMailslotInfo(h, &out.max_message, &out.next_size, &out.count, &out.read_timeout);
}

std::string read_file(HANDLE h, DWORD size) {
  std::string buffer(size, '\0');
  DWORD got = 0;
  if (!ReadFile(h, buffer.data(), size, &got, nullptr)) throw_last_error("ReadFile");
  buffer.resize(got);
  return buffer;
}

}  // namespace

DWORD write_bytes(const HandleObject& h, const std::string& data) {
  DWORD written = 0;
  if (!WriteFile(h.handle(), data.data(), static_cast<DWORD>(data.size()), &written, nullptr))
    throw_last_error("WriteFile");
  return written;
}

std::string read_bytes(Session& session, const HandleObject& h, DWORD max, const Value* timeout) {
  MailslotState state;
  if (h.kind == Kind::mailslot && mailslot_state(h.handle(), state)) {
    DWORD wait = timeout ? static_cast<DWORD>(*timeout->as<std::int64_t>()) : state.read_timeout;
    bool ready = session.poll_until(wait, [&] {
      return mailslot_state(h.handle(), state) && state.next_size != MAILSLOT_NO_MESSAGE;
    });
    if (!ready) throw_error("ReadFile", ERROR_SEM_TIMEOUT, "no message within " + timeout_text(wait));
    return read_file(h.handle(), max ? max : std::max<DWORD>(state.next_size, 1));
  }
  return read_file(h.handle(), max ? max : default_chunk);
}

namespace {

Value send(Session&, const Args& a) {
  auto h = a.handle("H");
  DWORD n = write_bytes(*h, a.string("DATA"));
  return described(static_cast<std::int64_t>(n), fmt::format("sent {} byte{}", n, n == 1 ? "" : "s"));
}

Value recv(Session& s, const Args& a) {
  return Bytes{read_bytes(s, *a.handle("H"), static_cast<DWORD>(a.integer("max")), a.find("timeout"))};
}

const Flag max_flag{"max", ArgType::integer, "N", "read at most N bytes (default: the whole message)"};
const Flag timeout_flag{"timeout", ArgType::timeout, "MS|forever",
                        "how long to wait for data (default: the object's own timeout)"};

const CommandRegistration registration{
    {"send", "file-like", "send DATA as one message (WriteFile)",
     {{"H", ArgType::handle, file_like}, {"DATA", ArgType::string}}, {}, send},
    {"recv", "file-like", "receive one message (ReadFile), waiting up to --timeout",
     {{"H", ArgType::handle, file_like}}, {max_flag, timeout_flag}, recv},
    {"write", "file-like", "write DATA to a file-like handle (WriteFile)",
     {{"H", ArgType::handle, file_like}, {"DATA", ArgType::string}}, {}, send},
    {"read", "file-like", "read from a file-like handle (ReadFile), waiting up to --timeout",
     {{"H", ArgType::handle, file_like}}, {max_flag, timeout_flag}, recv},
};

}  // namespace
}  // namespace ipcsh
