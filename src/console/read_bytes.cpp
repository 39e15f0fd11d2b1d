// A line from a stdin that is no console: a pipe or a file, read so that
// nothing past the line is taken from a stdin a child might share.
#include <cstring>

#include "console_internal.hpp"

namespace ipcsh::console {

// Reads bytes up to '\n' from a pipe or file, taking nothing past the line
// from a stdin a child might share: a file is read a block at a time and its
// position set back to just after the '\n'; a pipe gives what PeekNamedPipe
// shows up to the '\n', and when it shows nothing one blocking byte; anything
// else one byte at a time. (One ReadFile per byte costs ~3 us under Wine: a
// 1 MB line took 3 s.)
std::optional<std::string> read_line_bytes(HANDLE h) {
  std::string line;
  bool any = false;
  auto finish = [&]() -> std::optional<std::string> {
    if (!any) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  };
  DWORD got = 0;
  // Takes block[0, n) into the line, up to and without a '\n'; true at '\n'.
  auto take = [&](const char* block, DWORD n, DWORD* used) {
    const char* end = static_cast<const char*>(std::memchr(block, '\n', n));
    *used = end ? static_cast<DWORD>(end - block) + 1 : n;
    line.append(block, end ? static_cast<size_t>(end - block) : n);
    if (n) any = true;
    return end != nullptr;
  };
  char block[16384];
  DWORD type = GetFileType(h);
  if (type == FILE_TYPE_DISK) {
    LARGE_INTEGER here{};
    if (SetFilePointerEx(h, here, &here, FILE_CURRENT)) {
      while (ReadFile(h, block, sizeof block, &got, nullptr) && got > 0) {
        DWORD used = 0;
        if (take(block, got, &used)) {
          here.QuadPart += used;
          SetFilePointerEx(h, here, nullptr, FILE_BEGIN);
          return finish();
        }
        here.QuadPart += got;
      }
      return finish();
    }
  } else if (type == FILE_TYPE_PIPE) {
    DWORD available = 0;
    while (PeekNamedPipe(h, block, sizeof block, &got, &available, nullptr)) {
      // what the pipe holds up to and with the first '\n' (one blocking
      // byte when it holds nothing yet), taken for real
      const void* end = got ? std::memchr(block, '\n', got) : nullptr;
      DWORD want = !got ? 1 : end ? static_cast<DWORD>(static_cast<const char*>(end) - block) + 1 : got;
      DWORD used = 0;
      if ((!ReadFile(h, block, want, &got, nullptr) && GetLastError() != ERROR_MORE_DATA) || got == 0) return finish();
      if (take(block, got, &used)) return finish();
    }
    if (any) return finish();
    // PeekNamedPipe refused this pipe (Wine: a Unix pipe): byte by byte
  }
  char c;
  while (ReadFile(h, &c, 1, &got, nullptr) && got == 1) {
    any = true;
    if (c == '\n') break;
    line += c;
  }
  return finish();
}

}  // namespace ipcsh::console
