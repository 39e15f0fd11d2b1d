// The line editor's logic, apart from the console: a buffer and a cursor,
// history, completion, and what each key does. No Windows headers, so it is
// unit-tested on its own (tests/unit/line_editor_test.cpp); console.cpp
// feeds it keys and draws what it says.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace ipcsh {

struct Key {
  enum Code {
    character, enter, backspace, del, left, right, home, end, up, down, tab,
    ctrl_c, ctrl_d, ctrl_z, ctrl_l, ctrl_u, ctrl_k, ctrl_w, ctrl_r, ctrl_g, alt_b, alt_f, escape, other
  };
  Code code = other;
  char32_t ch = 0;  // for `character`
};

// Lines entered before, oldest first: bounded, no equal neighbours.
class History {
 public:
  explicit History(std::size_t limit = 1000) : limit_(limit) {}
  void add(const std::string& line);
  const std::vector<std::string>& entries() const { return entries_; }
  void assign(std::vector<std::string> lines);  // loaded from a file (bounded, neighbours merged)

 private:
  std::vector<std::string> entries_;
  std::size_t limit_;
};

// What the words before the cursor can become: candidates for the text
// from `from` (a byte offset into the text before the cursor) to the cursor.
struct Completion {
  std::size_t from = 0;
  std::vector<std::string> candidates;
  bool word_done = true;  // a single candidate ends the word: add a space
};
using Completer = std::function<Completion(const std::string& before_cursor)>;

class LineEditor {
 public:
  enum class Action { none, redraw, accept, cancel, eof, clear_screen, list };

  LineEditor(History& history, Completer completer) : history_(history), completer_(std::move(completer)) {}

  Action feed(const Key& key);
  void reset();  // a fresh, empty line

  std::string text() const;         // UTF-8
  std::size_t cursor() const { return cursor_; }  // in code points
  const std::u32string& buffer() const { return buffer_; }
  // What to show instead of the prompt while searching: (reverse-i-search)`x':
  std::string search_prompt() const;
  bool searching() const { return searching_; }
  const std::vector<std::string>& listed() const { return listed_; }  // after Action::list

 private:
  void set_text(const std::string& utf8);
  Action complete();
  Action search_step(const Key& key);
  void find_match(std::size_t before);

  History& history_;
  Completer completer_;
  std::u32string buffer_;
  std::size_t cursor_ = 0;
  std::size_t history_index_ = 0;  // == entries().size(): the line being typed
  std::u32string saved_;           // the line being typed, while browsing history
  bool browsing_ = false;
  bool last_was_tab_ = false;
  std::vector<std::string> listed_;
  bool searching_ = false;
  std::string pattern_;
  std::size_t match_ = 0;          // index into history, or entries().size(): none
};

std::u32string utf8_to_u32(std::string_view utf8);
std::string u32_to_utf8(std::u32string_view text);

}  // namespace ipcsh
