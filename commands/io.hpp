// Reading and writing any file-like handle (mailslot, file, pipe). Shared by
// send/recv and write/read so both forms behave the same.
#pragma once
#include "common.hpp"

namespace ipcsh {

// Writes all of DATA with one WriteFile; returns the bytes written.
DWORD write_bytes(const HandleObject& h, const std::string& data);

// Reads one message or chunk. A mailslot waits for a message in slices
// (Ctrl+C works; Wine cannot cancel a blocked mailslot ReadFile), up to
// `timeout` (default: the mailslot's own read timeout), then reports
// ERROR_SEM_TIMEOUT as ReadFile would. `max` 0 means the whole message.
std::string read_bytes(Session& session, const HandleObject& h, DWORD max, const Value* timeout);

}  // namespace ipcsh
