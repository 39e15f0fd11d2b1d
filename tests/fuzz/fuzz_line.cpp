// libFuzzer target for the parts of ipcsh that are pure text: the line
// syntax (words, quotes, escapes, ';', '#', 'NAME =', verbatim rests) and
// the line editor fed the same bytes as keys, with completion over a small
// command table. Built natively with clang -fsanitize=fuzzer,address,undefined
// (tests/fuzz/run.sh); any crash, sanitizer report or broken invariant is a
// finding, kept as a regression input in tests/fuzz/regressions/.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "../../src/console/completion.hpp"
#include "../../src/console/line_editor.hpp"
#include "../../src/core/syntax.hpp"

namespace {

using namespace ipcsh;

void require(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer reports the input
}

// The same rule the shell uses, in small: `lua` and `spawn ... --` take the rest.
bool verbatim(const std::vector<Word>& words, std::string_view rest) {
  std::size_t first = words.size() >= 2 && words[1].is("=") ? 2 : 0;
  if (words.size() <= first) return false;
  if (words[first].is("lua")) return words.size() == first + 1;
  // on P [--flag VALUE] TEXT: the text starts at the first word that is no flag
  if (words[first].is("on") && words.size() >= first + 2) return rest.rfind("--", 0) != 0;
  return words[first].is("spawn") && words.back().is("--");
}

void syntax(std::string_view line) {
  try {
    auto commands = parse_line(line, verbatim);
    for (const auto& c : commands) {
      require(c.line == line);
      if (!c.assign_to.empty()) require(is_identifier(c.assign_to));
      for (const auto& w : c.words) {
        require(w.begin <= w.end && w.end <= line.size());
        std::string shown = quote_bytes(w.text);
        require(shown.size() >= 2 && shown.front() == '"' && shown.back() == '"');
        for (unsigned char ch : shown) require(ch >= 0x20 && ch != 0x7f);  // escaped, one line
      }
    }
  } catch (const SyntaxError&) {
  }
}

CompletionTable table() {
  CompletionTable t;
  CompletionTable::Command send{"send", {}, false, {}};
  CompletionTable::Slot h;
  h.handle = true;
  h.kinds = {"mailslot", "pipe"};
  send.params = {h, {}};
  CompletionTable::Flag timeout{"timeout", true, {}};
  send.flags = {timeout};
  CompletionTable::Command pipe{"create-pipe", {{}}, false, {}};
  CompletionTable::Flag access{"access", true, {}};
  access.value.choices = {"duplex", "in", "out"};
  pipe.flags = {access};
  t.commands = {send, pipe};
  t.variables = {{"slot", "mailslot", {"value", "inherit"}}, {"ev", "event", {"value"}}, {"n", "", {}}};
  return t;
}

void editor(std::string_view bytes) {
  static const CompletionTable t = table();
  History history(8);
  LineEditor e(history, [](const std::string& before) { return complete_line(before, t); });
  e.reset();
  for (unsigned char b : bytes) {
    Key k;
    if (b >= 0x20 && b < 0x7f) k = Key{Key::character, b};
    else if (b >= 0x80) k = Key{Key::character, static_cast<char32_t>(0x80 + (b & 0x7f) * 37)};  // some code points
    else k = Key{static_cast<Key::Code>(1 + b % Key::other), 0};  // every key but a character
    LineEditor::Action a = e.feed(k);
    require(e.cursor() <= e.buffer().size());
    for (char32_t c : e.buffer()) require(c >= 0x20);  // no control character ever in the line
    if (a == LineEditor::Action::accept || a == LineEditor::Action::cancel) e.reset();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  syntax(input);
  editor(input.substr(0, 512));
  return 0;
}
