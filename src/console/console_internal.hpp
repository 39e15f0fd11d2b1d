// The console layer's own parts, shared by its files: console_output.cpp
// (writing), read_bytes.cpp (a line from a pipe or file), history.cpp,
// key_input.cpp (a key event as the editor's Key), screen.cpp (drawing the
// prompt and line), read_line.cpp (reading a line). Other layers use
// console.hpp.
#pragma once
#include <windows.h>

#include <optional>
#include <string>
#include <string_view>

#include "line_editor.hpp"
#include "session/output.hpp"

namespace ipcsh::console {

// console_output.cpp
bool is_console(HANDLE h);
// Writes to stdout or stderr (`which`), fitted to out.fit's width; the
// caller holds out.lock.
void write_to(Output& out, DWORD which, std::string_view utf8, bool fitted = true);

// read_bytes.cpp: a line from a stdin that is no console (nullopt at its end).
std::optional<std::string> read_line_bytes(HANDLE h);

// history.cpp: the lines typed before, from the history file, and kept there.
History& shell_history();
void save_history(const History& history);

// key_input.cpp: a console key event as the editor's Key; `escape_pending`:
// ESC then a letter is Alt+letter on a terminal.
std::optional<Key> key_of(const KEY_EVENT_RECORD& k, bool& escape_pending);

// screen.cpp: draws the prompt and the line from where the prompt starts,
// with console calls (not VT sequences, which Wine's console only partly
// understands), and puts the cursor where the editor says.
class Screen {
 public:
  explicit Screen(HANDLE out) : out_(out) { start(); }
  // Where the prompt starts: the cursor's row now.
  void start();
  void draw(const LineEditor& editor, std::string_view prompt);
  // Puts the cursor after the line (before printing below it).
  void finish(const LineEditor& editor, std::string_view prompt);
  // Blanks the prompt and line and puts the cursor where the prompt began.
  void erase();
  // Scrolls the window's worth away: the prompt goes to the window's top.
  void clear();

 private:
  HANDLE out_;
  SHORT row_ = 0, width_ = 80;
  std::size_t drawn_ = 0;
};

}  // namespace ipcsh::console
