// The prompt and the line being edited, drawn on the console.
#include <algorithm>

#include "console_internal.hpp"
#include "core/text.hpp"

namespace ipcsh::console {

void Screen::start() {
  CONSOLE_SCREEN_BUFFER_INFO info;
  if (GetConsoleScreenBufferInfo(out_, &info)) {
    row_ = info.dwCursorPosition.Y;
    width_ = std::max<SHORT>(1, info.dwSize.X);
  }
  drawn_ = 0;
}

void Screen::draw(const LineEditor& editor, std::string_view prompt) {
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

void Screen::finish(const LineEditor& editor, std::string_view prompt) {
  std::size_t end = utf8_to_u32(std::string(prompt)).size() + editor.buffer().size();
  COORD after{static_cast<SHORT>(end % static_cast<std::size_t>(width_)),
              static_cast<SHORT>(row_ + end / static_cast<std::size_t>(width_))};
  SetConsoleCursorPosition(out_, after);
}

void Screen::erase() {
  DWORD blanked = 0;
  FillConsoleOutputCharacterW(out_, L' ', static_cast<DWORD>(drawn_), COORD{0, row_}, &blanked);
  SetConsoleCursorPosition(out_, COORD{0, row_});
  drawn_ = 0;
}

void Screen::clear() {
  CONSOLE_SCREEN_BUFFER_INFO info;
  if (!GetConsoleScreenBufferInfo(out_, &info)) return;
  row_ = info.srWindow.Top;
  DWORD cells = static_cast<DWORD>(info.dwSize.X) * static_cast<DWORD>(info.srWindow.Bottom - info.srWindow.Top + 1);
  DWORD done = 0;
  FillConsoleOutputCharacterW(out_, L' ', cells, COORD{0, row_}, &done);
  drawn_ = 0;
}

}  // namespace ipcsh::console
