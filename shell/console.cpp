#include "console.hpp"

#include <windows.h>

#include "error.hpp"
#include "session.hpp"
#include "text.hpp"

namespace ipcsh {
namespace {

bool is_console(HANDLE h) {
  DWORD mode = 0;
  return h && h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
}

void write_to(DWORD which, std::string_view utf8) {
  HANDLE h = GetStdHandle(which);
  if (!h || h == INVALID_HANDLE_VALUE || utf8.empty()) return;
  if (is_console(h)) {
    std::wstring wide = to_wide(utf8);
    DWORD written = 0;
    WriteConsoleW(h, wide.data(), static_cast<DWORD>(wide.size()), &written, nullptr);
    return;
  }
  while (!utf8.empty()) {
    DWORD written = 0;
    if (!WriteFile(h, utf8.data(), static_cast<DWORD>(utf8.size()), &written, nullptr) || written == 0) return;
    utf8.remove_prefix(written);
  }
}

Session* ctrl_c_session = nullptr;

BOOL WINAPI on_ctrl(DWORD type) {
  if ((type == CTRL_C_EVENT || type == CTRL_BREAK_EVENT) && ctrl_c_session) {
    ctrl_c_session->interrupted = true;
    return TRUE;
  }
  return FALSE;
}

// Reads bytes up to '\n' from a pipe or file, one byte at a time so nothing
// past the line is taken from a stdin a child might share.
std::optional<std::string> read_line_bytes(HANDLE h) {
  std::string line;
  char c;
  DWORD got = 0;
  bool any = false;
  while (ReadFile(h, &c, 1, &got, nullptr) && got == 1) {
    any = true;
    if (c == '\n') break;
    line += c;
  }
  if (!any) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

void write_out(std::string_view utf8) { write_to(STD_OUTPUT_HANDLE, utf8); }
void write_err(std::string_view utf8) { write_to(STD_ERROR_HANDLE, utf8); }

bool stdin_is_console() { return is_console(GetStdHandle(STD_INPUT_HANDLE)); }

int output_columns() {
  CONSOLE_SCREEN_BUFFER_INFO info;
  HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
  if (!is_console(out) || !GetConsoleScreenBufferInfo(out, &info)) return 0;
  return info.srWindow.Right - info.srWindow.Left + 1;
}

bool colour_possible() {
  if (GetEnvironmentVariableW(L"NO_COLOR", nullptr, 0) > 0) return false;
  for (DWORD which : {STD_OUTPUT_HANDLE, STD_ERROR_HANDLE}) {
    HANDLE h = GetStdHandle(which);
    DWORD mode = 0;
    if (!is_console(h) || !GetConsoleMode(h, &mode)) return false;
    if (!SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING)) return false;
  }
  return true;
}

std::optional<std::string> read_line(Session& session, std::string_view prompt) {
  HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
  if (!is_console(in)) return read_line_bytes(in);
  write_out(prompt);
  session.interrupted = false;
  std::wstring line;
  wchar_t buffer[1024];
  for (;;) {
    DWORD got = 0;
    SetLastError(0);
    if (!ReadConsoleW(in, buffer, static_cast<DWORD>(std::size(buffer)), &got, nullptr)) {
      if (session.interrupted.exchange(false) || GetLastError() == ERROR_OPERATION_ABORTED) {
        write_out("\n");
        throw Interrupted();
      }
      return std::nullopt;
    }
    if (got == 0) {
      if (session.interrupted.exchange(false)) {
        write_out("\n");
        throw Interrupted();
      }
      return line.empty() ? std::nullopt : std::optional(to_utf8(line));
    }
    line.append(buffer, got);
    if (line.back() == L'\n') break;
  }
  while (!line.empty() && (line.back() == L'\n' || line.back() == L'\r')) line.pop_back();
  // Ctrl+Z then Enter is end of input on a Windows console.
  if (line == L"\x1a") return std::nullopt;
  return to_utf8(line);
}

void install_ctrl_c_handler(Session& session) {
  ctrl_c_session = &session;
  SetConsoleCtrlHandler(on_ctrl, TRUE);
}

}  // namespace ipcsh
