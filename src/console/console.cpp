#include "console.hpp"

#include <windows.h>

#include "completion.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "line_editor.hpp"
#include "session/format.hpp"
#include "session/session.hpp"
#include "win32/files.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>

namespace ipcsh {
namespace {

bool is_console(HANDLE h) {
  DWORD mode = 0;
  return h && h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
}

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

// Where the cursor stands in the line the shell is writing (for wrapping);
// stdout and stderr share the screen.
std::size_t out_column = 0;

void write_to(DWORD which, std::string_view utf8) {
  HANDLE h = GetStdHandle(which);
  if (!h || h == INVALID_HANDLE_VALUE || utf8.empty()) return;
  // Fitted to the console: long lines break between words.
  auto width = static_cast<std::size_t>(std::max(0, fit().width));
  std::string wrapped;
  if (width) {
    wrapped = wrap_text(utf8, width, out_column);
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

Session* ctrl_c_session = nullptr;

BOOL WINAPI on_ctrl(DWORD type) {
  if ((type == CTRL_C_EVENT || type == CTRL_BREAK_EVENT) && ctrl_c_session) {
    ctrl_c_session->interrupt();
    return TRUE;
  }
  return FALSE;
}

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

// Output from several threads (children's lines) goes out a line at a
// time; while the line editor shows the prompt, other threads' lines wait
// in `held` and the editor prints them above a redrawn prompt.
std::mutex output_lock;
bool editor_showing = false;
std::string held;
OutputHook output_hook;

void write_locked(DWORD which, std::string_view utf8) {
  std::lock_guard lock(output_lock);
  if (output_hook && output_hook(which == STD_ERROR_HANDLE ? 2 : 1, utf8)) return;
  write_to(which, utf8);
}

}  // namespace

void write_out(std::string_view utf8) { write_locked(STD_OUTPUT_HANDLE, utf8); }
void write_err(std::string_view utf8) { write_locked(STD_ERROR_HANDLE, utf8); }

void write_async(std::string_view utf8) {
  std::lock_guard lock(output_lock);
  if (output_hook && output_hook(1, utf8)) return;
  if (editor_showing) held += utf8;
  else write_to(STD_OUTPUT_HANDLE, utf8);
}

void set_output_hook(OutputHook hook) {
  std::lock_guard lock(output_lock);
  output_hook = std::move(hook);
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

namespace {

// ---- The line editor on a console (line_editor.hpp holds its logic) ----

std::wstring history_path() {
  wchar_t path[MAX_PATH];
  DWORD n = GetEnvironmentVariableW(L"IPCSH_HISTORY", path, MAX_PATH);
  if (n > 0 && n < MAX_PATH) return path;
  n = GetEnvironmentVariableW(L"USERPROFILE", path, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) return {};
  return std::wstring(path) + L"\\.ipcsh_history";
}

void load_history(History& history) {
  std::wstring path = history_path();
  if (path.empty()) return;
  std::optional<std::string> file = read_file(to_utf8(path));
  if (!file) return;
  const std::string& data = *file;
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < data.size()) {
    std::size_t end = data.find('\n', start);
    if (end == std::string::npos) end = data.size();
    std::string line = data.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    start = end + 1;
  }
  history.assign(std::move(lines));
}

void save_history(const History& history) {
  std::wstring path = history_path();
  if (path.empty()) return;
  std::string data;
  for (const auto& line : history.entries()) data += line + "\n";
  try {
    write_file(to_utf8(path), data);
  } catch (const Win32Error&) {
    // History is a convenience: a profile that cannot be written keeps none.
  }
}

History& shell_history() {
  static History history(1000);
  static bool loaded = false;
  if (!loaded) load_history(history);
  loaded = true;
  return history;
}

// A console key event as the editor's Key; `escape_pending`: ESC then a
// letter is Alt+letter on a terminal.
std::optional<Key> key_of(const KEY_EVENT_RECORD& k, bool& escape_pending) {
  if (!k.bKeyDown) return std::nullopt;
  bool ctrl = k.dwControlKeyState & (LEFT_CTRL_PRESSED | RIGHT_CTRL_PRESSED);
  bool alt = k.dwControlKeyState & (LEFT_ALT_PRESSED | RIGHT_ALT_PRESSED);
  wchar_t ch = k.uChar.UnicodeChar;
  switch (k.wVirtualKeyCode) {
    case VK_LEFT: return Key{ctrl ? Key::alt_b : Key::left};
    case VK_RIGHT: return Key{ctrl ? Key::alt_f : Key::right};
    case VK_UP: return Key{Key::up};
    case VK_DOWN: return Key{Key::down};
    case VK_HOME: return Key{Key::home};
    case VK_END: return Key{Key::end};
    case VK_DELETE: return Key{Key::del};
    case VK_SHIFT: case VK_CONTROL: case VK_MENU: case VK_CAPITAL: return std::nullopt;
    default: break;
  }
  if (escape_pending) {
    escape_pending = false;
    if (ch == L'b') return Key{Key::alt_b};
    if (ch == L'f') return Key{Key::alt_f};
  }
  if (alt && (ch == L'b' || ch == L'f')) return Key{ch == L'b' ? Key::alt_b : Key::alt_f};
  switch (ch) {
    case 0: return std::nullopt;
    case L'\r': case L'\n': return Key{Key::enter};
    case 8: case 127: return Key{Key::backspace};
    case L'\t': return Key{Key::tab};
    case 1: return Key{Key::home};
    case 3: return Key{Key::ctrl_c};
    case 4: return Key{Key::ctrl_d};
    case 5: return Key{Key::end};
    case 7: return Key{Key::ctrl_g};
    case 11: return Key{Key::ctrl_k};
    case 12: return Key{Key::ctrl_l};
    case 18: return Key{Key::ctrl_r};
    case 21: return Key{Key::ctrl_u};
    case 23: return Key{Key::ctrl_w};
    case 26: return Key{Key::ctrl_z};
    case 27:
      escape_pending = true;
      return Key{Key::escape};
    default: break;
  }
  if (ch < 0x20) return Key{Key::other};
  return Key{Key::character, static_cast<char32_t>(ch)};
}

// Draws the prompt and the line from where the prompt starts, with console
// calls (not VT sequences, which Wine's console only partly understands),
// and puts the cursor where the editor says.
class Screen {
 public:
  explicit Screen(HANDLE out) : out_(out) { start(); }
  void start() {
    CONSOLE_SCREEN_BUFFER_INFO info;
    if (GetConsoleScreenBufferInfo(out_, &info)) {
      row_ = info.dwCursorPosition.Y;
      width_ = std::max<SHORT>(1, info.dwSize.X);
    }
    drawn_ = 0;
  }
  void draw(const LineEditor& editor, std::string_view prompt) {
    std::string shown = editor.searching() ? editor.search_prompt() : std::string(prompt);
    std::wstring text = to_wide(shown + editor.text());
    std::size_t length = utf8_to_u32(shown).size() + editor.buffer().size();  // in columns
    // What the last drawing left beyond the new end is blanked by writing
    // blanks over it, in the same call: Wine's FillConsoleOutputCharacter
    // after a drawing that wrapped blanked the wrong cells, and a search
    // longer than the line left its second row on screen (Ctrl+G, Ctrl+R).
    std::size_t reach = std::max(length, drawn_);
    text.append(reach - length, L' ');
    COORD at{0, row_};
    SetConsoleCursorPosition(out_, at);
    DWORD written = 0;
    WriteConsoleW(out_, text.data(), static_cast<DWORD>(text.size()), &written, nullptr);
    CONSOLE_SCREEN_BUFFER_INFO info;
    if (GetConsoleScreenBufferInfo(out_, &info)) {
      // The console scrolled if the text ran past its last line: then the
      // cursor is higher than where the text should have ended. A text that
      // exactly fills its last row may leave the cursor at that row's end
      // (a wrap still to come), which is no scroll.
      auto expected = static_cast<SHORT>(row_ + reach / static_cast<std::size_t>(width_));
      SHORT actual = info.dwCursorPosition.Y;
      bool wrap_pending = reach > 0 && reach % static_cast<std::size_t>(width_) == 0 && actual == expected - 1 &&
                          info.dwCursorPosition.X == width_ - 1;
      if (!wrap_pending && actual < expected) row_ = static_cast<SHORT>(row_ - (expected - actual));
    }
    drawn_ = length;
    std::size_t column = utf8_to_u32(shown).size() + editor.cursor();
    COORD cursor{static_cast<SHORT>(column % static_cast<std::size_t>(width_)),
                 static_cast<SHORT>(row_ + column / static_cast<std::size_t>(width_))};
    SetConsoleCursorPosition(out_, cursor);
  }
  // Puts the cursor after the line (before printing below it).
  void finish(const LineEditor& editor, std::string_view prompt) {
    std::size_t end = utf8_to_u32(std::string(prompt)).size() + editor.buffer().size();
    COORD after{static_cast<SHORT>(end % static_cast<std::size_t>(width_)),
                static_cast<SHORT>(row_ + end / static_cast<std::size_t>(width_))};
    SetConsoleCursorPosition(out_, after);
  }
  // Blanks the prompt and line and puts the cursor where the prompt began.
  void erase() {
    DWORD blanked = 0;
    FillConsoleOutputCharacterW(out_, L' ', static_cast<DWORD>(drawn_), COORD{0, row_}, &blanked);
    SetConsoleCursorPosition(out_, COORD{0, row_});
    drawn_ = 0;
  }
  void clear() {
    CONSOLE_SCREEN_BUFFER_INFO info;
    if (!GetConsoleScreenBufferInfo(out_, &info)) return;
    // Scroll the window's worth away: the prompt goes to the window's top.
    row_ = info.srWindow.Top;
    DWORD cells = static_cast<DWORD>(info.dwSize.X) * static_cast<DWORD>(info.srWindow.Bottom - info.srWindow.Top + 1);
    DWORD done = 0;
    FillConsoleOutputCharacterW(out_, L' ', cells, COORD{0, row_}, &done);
    drawn_ = 0;
  }

 private:
  HANDLE out_;
  SHORT row_ = 0, width_ = 80;
  std::size_t drawn_ = 0;
};

void list_candidates(const std::vector<std::string>& items) {
  std::size_t width = 0;
  for (const auto& c : items) width = std::max(width, utf8_to_u32(c).size());
  int columns = std::max(1, output_columns() / static_cast<int>(width + 2));
  std::string out = "\n";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += items[i];
    bool last_in_row = (i + 1) % static_cast<std::size_t>(columns) == 0 || i + 1 == items.size();
    out += last_in_row ? "\n" : std::string(width + 2 - utf8_to_u32(items[i]).size(), ' ');
  }
  write_out(out);
}

// Raw key input while the line is edited; the console's own mode back after.
class RawInput {
 public:
  explicit RawInput(HANDLE in) : in_(in) {
    ok_ = GetConsoleMode(in, &saved_) &&
          SetConsoleMode(in, (saved_ & ~(ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT | ENABLE_PROCESSED_INPUT)) | ENABLE_WINDOW_INPUT);
  }
  ~RawInput() {
    if (ok_) SetConsoleMode(in_, saved_);
  }
  bool ok() const { return ok_; }
 private:
  HANDLE in_;
  DWORD saved_ = 0;
  bool ok_ = false;
};

std::optional<std::string> edit_line(Session& session, HANDLE in, std::string_view prompt,
                                     const std::function<CompletionTable()>& completions) {
  History& history = shell_history();
  LineEditor editor(history, [&](const std::string& before) {
    return complete_line(before, completions ? completions() : CompletionTable{});
  });
  editor.reset();
  RawInput raw(in);
  Screen screen(GetStdHandle(STD_OUTPUT_HANDLE));
  // From now on other threads' lines are held for us to print.
  struct Showing {
    Showing() { std::lock_guard lock(output_lock); editor_showing = true; }
    ~Showing() {
      std::lock_guard lock(output_lock);
      editor_showing = false;
      if (!held.empty()) write_to(STD_OUTPUT_HANDLE, held);
      held.clear();
    }
  } showing;
  screen.draw(editor, prompt);
  bool escape_pending = false;
  for (;;) {
    // Ctrl+C may come as a signal (the handler sets `interrupted`) rather
    // than as a key: look for both.
    std::optional<Key> key;
    int repeats = 1;
    if (session.interrupted.exchange(false)) {
      // Keys typed before the Ctrl+C are still queued: they belong to the
      // line being discarded.
      DWORD pending = 0;
      while (GetNumberOfConsoleInputEvents(in, &pending) && pending > 0) {
        INPUT_RECORD record;
        DWORD got = 0;
        if (!ReadConsoleInputW(in, &record, 1, &got) || got == 0) break;
        if (record.EventType != KEY_EVENT) continue;
        if (auto typed = key_of(record.Event.KeyEvent, escape_pending); typed && typed->code != Key::ctrl_c)
          editor.feed(*typed);
      }
      screen.draw(editor, prompt);
      key = Key{Key::ctrl_c};
    } else {
      // A child's lines go above the prompt, which is drawn again below them.
      std::string lines;
      {
        std::lock_guard lock(output_lock);
        lines.swap(held);
      }
      if (!lines.empty()) {
        screen.erase();
        out_column = 0;
        write_to(STD_OUTPUT_HANDLE, lines);
        screen.start();
        screen.draw(editor, prompt);
      }
      if (WaitForSingleObject(in, 50) != WAIT_OBJECT_0) continue;
      INPUT_RECORD record;
      DWORD got = 0;
      if (!ReadConsoleInputW(in, &record, 1, &got)) return std::nullopt;
      if (got == 0 || record.EventType != KEY_EVENT) continue;
      key = key_of(record.Event.KeyEvent, escape_pending);
      repeats = std::max<int>(1, record.Event.KeyEvent.wRepeatCount);
    }
    if (!key) continue;
    for (int repeat = repeats; repeat > 0; --repeat) {
      switch (editor.feed(*key)) {
        case LineEditor::Action::accept:
          screen.draw(editor, prompt);  // the prompt again, if a search had replaced it
          screen.finish(editor, prompt);
          write_out("\n");
          save_history(history);
          return editor.text();
        case LineEditor::Action::cancel:
          screen.finish(editor, prompt);
          write_out("^C\n");
          throw Interrupted();
        case LineEditor::Action::eof:
          screen.finish(editor, prompt);
          write_out("\n");
          return std::nullopt;
        case LineEditor::Action::clear_screen:
          screen.clear();
          screen.draw(editor, prompt);
          break;
        case LineEditor::Action::list:
          screen.finish(editor, prompt);
          list_candidates(editor.listed());
          screen.start();
          screen.draw(editor, prompt);
          break;
        case LineEditor::Action::redraw: screen.draw(editor, prompt); break;
        case LineEditor::Action::none: break;
      }
    }
  }
}

// The console's own line input, where raw key input is not to be had.
std::optional<std::string> console_line(Session& session, HANDLE in, std::string_view prompt) {
  write_out(prompt);
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
  if (line == L"\x1a") return std::nullopt;  // Ctrl+Z then Enter
  return to_utf8(line);
}

}  // namespace

std::optional<std::string> read_line(Session& session, std::string_view prompt,
                                     const std::function<CompletionTable()>& completions) {
  HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
  {
    std::lock_guard lock(output_lock);
    out_column = 0;  // a line read starts the next output at the left edge
  }
  if (!is_console(in)) return read_line_bytes(in);
  session.interrupted = false;
  // The editor needs the console's screen; IPCSH_PLAIN_INPUT=1 keeps the
  // console's own line input.
  bool editor = is_console(GetStdHandle(STD_OUTPUT_HANDLE)) && GetEnvironmentVariableW(L"IPCSH_PLAIN_INPUT", nullptr, 0) == 0;
  std::optional<std::string> line = editor ? edit_line(session, in, prompt, completions) : console_line(session, in, prompt);
  std::lock_guard lock(output_lock);
  out_column = 0;  // the line's Enter took the cursor to the left edge
  return line;
}

void install_ctrl_c_handler(Session& session) {
  ctrl_c_session = &session;
  SetConsoleCtrlHandler(on_ctrl, TRUE);
}

}  // namespace ipcsh
