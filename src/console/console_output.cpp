// Writing the shell's text: to a console as UTF-16 with its colours as
// text attributes, elsewhere as UTF-8 bytes; fitted to the session's width
// (its Output), or handed to the Output's hook.
#include <algorithm>
#include <mutex>

#include "console.hpp"
#include "console_internal.hpp"
#include "core/text.hpp"
#include "session/format.hpp"

namespace ipcsh {

namespace console {

bool is_console(HANDLE h) {
  DWORD mode = 0;
  return h && h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
}

namespace {

void write_console(HANDLE h, std::string_view utf8) {
  if (utf8.empty()) return;
  std::wstring wide = to_wide(utf8);
  DWORD written = 0;
  WriteConsoleW(h, wide.data(), static_cast<DWORD>(wide.size()), &written, nullptr);
}

// The colours the shell's text carries as SGR sequences (ESC[31m red,
// ESC[36m cyan, ESC[0m back) are set with SetConsoleTextAttribute: a
// console that does not take VT sequences (Wine's, on a Unix terminal,
// passes them through and counts their bytes as columns, so a coloured
// line wrapped early) shows them all the same. Other text passes as it is.
void write_console_coloured(HANDLE h, std::string_view utf8) {
  CONSOLE_SCREEN_BUFFER_INFO info{};
  bool attributes = GetConsoleScreenBufferInfo(h, &info);
  WORD normal = info.wAttributes;
  WORD background = normal & 0xF0;
  for (;;) {
    std::size_t at = utf8.find("\x1b[");
    std::size_t end = at == std::string_view::npos ? at : utf8.find('m', at + 2);
    if (end == std::string_view::npos || end - at > 6) {
      write_console(h, utf8);
      break;
    }
    write_console(h, utf8.substr(0, at));
    std::string_view code = utf8.substr(at + 2, end - at - 2);
    if (attributes) {
      if (code == "31") SetConsoleTextAttribute(h, background | FOREGROUND_RED | FOREGROUND_INTENSITY);
      else if (code == "36") SetConsoleTextAttribute(h, background | FOREGROUND_GREEN | FOREGROUND_BLUE);
      else SetConsoleTextAttribute(h, normal);
    }
    utf8.remove_prefix(end + 1);
  }
  if (attributes) SetConsoleTextAttribute(h, normal);
}

void write_console_any(HANDLE h, std::string_view utf8) {
  if (utf8.find('\x1b') == std::string_view::npos) write_console(h, utf8);
  else write_console_coloured(h, utf8);
}

// Columns a line takes, colour sequences taking none.
std::size_t line_columns(std::string_view line) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b') {
      std::size_t m = line.find('m', i);
      if (m != std::string_view::npos && m - i <= 8) {
        i = m;
        continue;
      }
    }
    n += (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
  }
  return n;
}

// A line exactly as wide as the console leaves the cursor at the start of
// the next row already: its line end would add a blank line. Such a line
// goes out without it when the console has wrapped.
void write_console_lines(HANDLE h, std::string_view utf8, std::size_t width) {
  std::size_t from = 0, start = 0;
  for (std::size_t end = utf8.find('\n'); width && end != std::string_view::npos; end = utf8.find('\n', start)) {
    if (line_columns(utf8.substr(start, end - start)) == width) {
      write_console_any(h, utf8.substr(from, end - from));
      CONSOLE_SCREEN_BUFFER_INFO info;
      bool wrapped = GetConsoleScreenBufferInfo(h, &info) && info.dwCursorPosition.X == 0;
      from = wrapped ? end + 1 : end;
    }
    start = end + 1;
  }
  write_console_any(h, utf8.substr(from));
}

}  // namespace

void write_to(Output& out, DWORD which, std::string_view utf8, bool fitted) {
  HANDLE h = GetStdHandle(which);
  if (!h || h == INVALID_HANDLE_VALUE || utf8.empty()) return;
  // Fitted to the console: long lines break between words.
  auto width = fitted ? static_cast<std::size_t>(std::max(0, out.fit.width)) : 0;
  if (!fitted) {  // as it is: the console wraps it; where the next text starts is counted all the same
    auto newline = utf8.rfind('\n');
    out.column = newline == std::string_view::npos ? out.column + utf8.size() : utf8.size() - newline - 1;
  }
  std::string wrapped;
  if (width) {
    wrapped = wrap_text(utf8, width, out.column);
    utf8 = wrapped;
  }
  if (is_console(h)) {
    write_console_lines(h, utf8, width);
    return;
  }
  while (!utf8.empty()) {
    DWORD written = 0;
    if (!WriteFile(h, utf8.data(), static_cast<DWORD>(utf8.size()), &written, nullptr) || written == 0) return;
    utf8.remove_prefix(written);
  }
}

}  // namespace console

namespace {

using console::is_console;
using console::write_to;

void write_locked(Output& out, DWORD which, std::string_view utf8, bool fitted = true) {
  std::lock_guard lock(out.lock);
  if (out.hook && out.hook(which == STD_ERROR_HANDLE ? 2 : 1, utf8)) return;
  write_to(out, which, utf8, fitted);
}

}  // namespace

void write_out(Output& out, std::string_view utf8) { write_locked(out, STD_OUTPUT_HANDLE, utf8); }
void write_out_as_is(Output& out, std::string_view utf8) { write_locked(out, STD_OUTPUT_HANDLE, utf8, false); }
void write_err(Output& out, std::string_view utf8) { write_locked(out, STD_ERROR_HANDLE, utf8); }

void write_async(Output& out, std::string_view utf8) {
  std::lock_guard lock(out.lock);
  if (out.hook && out.hook(1, utf8)) return;
  if (out.editor_showing) out.held += utf8;
  else write_to(out, STD_OUTPUT_HANDLE, utf8);
}

void set_output_hook(Output& out, OutputHook hook) {
  std::lock_guard lock(out.lock);
  out.hook = std::move(hook);
}

bool stdin_is_console() { return is_console(GetStdHandle(STD_INPUT_HANDLE)); }

int output_columns() {
  // IPCSH_COLUMNS=N (20..1000): this width, console or not (for tests).
  wchar_t forced[16];
  DWORD n = GetEnvironmentVariableW(L"IPCSH_COLUMNS", forced, 16);
  if (n > 0 && n < 16) {
    int columns = _wtoi(forced);
    if (columns >= 20 && columns <= 1000) return columns;
  }
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
  }
  return true;
}

}  // namespace ipcsh
