// A line from the user: on a console, the line editor (line_editor.hpp)
// drawn with console calls, or the console's own line input; else a line
// from a pipe or file.
#include <algorithm>
#include <mutex>

#include "completion.hpp"
#include "console.hpp"
#include "console_internal.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "line_editor.hpp"
#include "session/session.hpp"

namespace ipcsh {
namespace {

using namespace console;

void list_candidates(Output& output, const std::vector<std::string>& items) {
  std::size_t width = 0;
  for (const auto& c : items) width = std::max(width, utf8_to_u32(c).size());
  int columns = std::max(1, output_columns() / static_cast<int>(width + 2));
  std::string out = "\n";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += items[i];
    bool last_in_row = (i + 1) % static_cast<std::size_t>(columns) == 0 || i + 1 == items.size();
    out += last_in_row ? "\n" : std::string(width + 2 - utf8_to_u32(items[i]).size(), ' ');
  }
  write_out(output, out);
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
  Output& out = *session.output;
  // From now on other threads' lines are held for us to print.
  struct Showing {
    Output& out;
    explicit Showing(Output& o) : out(o) {
      std::lock_guard lock(out.lock);
      out.editor_showing = true;
    }
    ~Showing() {
      std::lock_guard lock(out.lock);
      out.editor_showing = false;
      if (!out.held.empty()) write_to(out, STD_OUTPUT_HANDLE, out.held);
      out.held.clear();
    }
  } showing(out);
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
        std::lock_guard lock(out.lock);
        lines.swap(out.held);
      }
      if (!lines.empty()) {
        screen.erase();
        out.column = 0;
        write_to(out, STD_OUTPUT_HANDLE, lines);
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
          write_out(out, "\n");
          save_history(history);
          return editor.text();
        case LineEditor::Action::cancel:
          screen.finish(editor, prompt);
          write_out(out, "^C\n");
          throw Interrupted();
        case LineEditor::Action::eof:
          screen.finish(editor, prompt);
          write_out(out, "\n");
          return std::nullopt;
        case LineEditor::Action::clear_screen:
          screen.clear();
          screen.draw(editor, prompt);
          break;
        case LineEditor::Action::list:
          screen.finish(editor, prompt);
          list_candidates(out, editor.listed());
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
  write_out(*session.output, prompt);
  std::wstring line;
  wchar_t buffer[1024];
  for (;;) {
    DWORD got = 0;
    SetLastError(0);
    if (!ReadConsoleW(in, buffer, static_cast<DWORD>(std::size(buffer)), &got, nullptr)) {
      if (session.interrupted.exchange(false) || GetLastError() == ERROR_OPERATION_ABORTED) {
        write_out(*session.output, "\n");
        throw Interrupted();
      }
      return std::nullopt;
    }
    if (got == 0) {
      if (session.interrupted.exchange(false)) {
        write_out(*session.output, "\n");
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
  Output& out = *session.output;
  {
    std::lock_guard lock(out.lock);
    out.column = 0;  // a line read starts the next output at the left edge
  }
  if (!is_console(in)) return read_line_bytes(in);
  session.interrupted = false;
  // The editor needs the console's screen; IPCSH_PLAIN_INPUT=1 keeps the
  // console's own line input.
  bool editor = is_console(GetStdHandle(STD_OUTPUT_HANDLE)) && GetEnvironmentVariableW(L"IPCSH_PLAIN_INPUT", nullptr, 0) == 0;
  std::optional<std::string> line = editor ? edit_line(session, in, prompt, completions) : console_line(session, in, prompt);
  std::lock_guard lock(out.lock);
  out.column = 0;  // the line's Enter took the cursor to the left edge
  return line;
}

}  // namespace ipcsh
