// Reading and writing any file-like handle: mailslots, pipes, files and
// sockets. send/recv and write/read share these, so both forms behave alike.
#pragma once
#include <functional>

#include "common.hpp"

namespace ipcsh {

struct ReadResult {
  std::string data;
  bool more = false;  // message mode: the rest of the message is still there (ERROR_MORE_DATA)
};

DWORD write_bytes(Session& session, const HandleObject& h, const std::string& data);

// Reads one message or chunk, waiting up to `timeout` (nullptr: the
// object's own default - the mailslot's read timeout, forever otherwise).
// Waits are polls or sliced waits, so Ctrl+C works even where Wine cannot
// cancel a blocked read. `max` 0: the whole message, or up to 64 KB.
ReadResult read_bytes(Session& session, const HandleObject& h, DWORD max, const Value* timeout);
Value read_value(ReadResult result);  // Bytes, or data + "more" when more remains

// Runs one I/O call with an OVERLAPPED (fine for synchronous handles too)
// and waits for it in slices; a timeout or Ctrl+C cancels the I/O. Returns
// the bytes transferred; `error` gets the call's error, 0 on success.
// A timeout is reported as `api` failing with WAIT_TIMEOUT.
DWORD overlapped_call(Session& session, HANDLE h, const char* api, DWORD timeout,
                      const std::function<BOOL(OVERLAPPED*)>& start, DWORD& error);

}  // namespace ipcsh
