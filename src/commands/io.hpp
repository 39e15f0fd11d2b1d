// Reading and writing any file-like handle: mailslots, pipes, files and
// sockets. send/recv and write/read share these, so both forms behave alike.
#pragma once
#include "common.hpp"

namespace ipcsh {

struct ReadResult {
  std::string data;
  bool more = false;  // message mode: the rest of the message is still there (ERROR_MORE_DATA)
  // With `lend`: the bytes in this thread's read buffer instead of `data`,
  // valid until its next read (the caller hands them to Lua at once).
  std::string_view lent = {};
  bool is_lent = false;
  // A mailslot message longer than the read asked for, which the kernel cut
  // (Wine drops the rest; Windows fails with ERROR_INSUFFICIENT_BUFFER
  // instead and keeps it): the message's whole size, else 0.
  DWORD cut_from = 0;
};

// read_bytes' `max` for a 0-byte ReadFile (`--max 0`): what the kernel says
// of a read that asks for nothing.
inline constexpr DWORD zero_bytes = 0xFFFFFFFF;

// Writes all of `data`, waiting up to `timeout` for room (a full pipe, a
// socket's send buffer); a time-out or Ctrl+C cancels what is left.
DWORD write_bytes(Session& session, const HandleObject& h, std::string_view data, DWORD timeout);

// Reads one message or chunk, waiting up to `timeout` (nullptr: the
// object's own default - the mailslot's read timeout, forever otherwise).
// Waits are polls or sliced waits, so Ctrl+C works even where Wine cannot
// cancel a blocked read. `max` 0: the whole message, or up to 64 KB.
// `lend` (Args::lend_result): a mailslot's or pipe's bytes may stay in the
// thread's read buffer (ReadResult::lent), saving a copy and an allocation.
ReadResult read_bytes(Session& session, HandleObject& h, DWORD max, const Value* timeout, bool lend = false);
Value read_value(ReadResult result);  // Bytes (or Borrowed when lent), or data + "more" when more remains
// What a read (recv, read, transact) returns, for its row.
const Returns read_returns{
    .values = {{.name = "data", .type = LuaType::string, .about = "the bytes read (a socket whose peer closed: \"\")"},
               {.name = "more",
                .type = LuaType::string,
                .optional = true,
                .about = "\"more\": the rest of the message is the next read; \"cut\": the kernel dropped the rest"},
               {.name = "message_size", .type = LuaType::integer, .optional = true, .about = "with \"cut\": the whole message's size"}}};

// One request through win::io for a handle of ours; throws `api`'s error
// (WAIT_TIMEOUT with a note when the time ran out).
DWORD handle_io(Session& session, const HandleObject& h, win::IoRequest request, DWORD* answer = nullptr);

}  // namespace ipcsh
