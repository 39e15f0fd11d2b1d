// Unit tests for the line editor's logic and completion (no Windows calls):
// keys in, buffer, cursor and actions out.
#include <cstdio>
#include <string>

#include "../../src/console/completion.hpp"
#include "../../src/console/line_editor.hpp"
#include "../../src/core/syntax.hpp"

using namespace ipcsh;

static int passed = 0, failed = 0;

#define EXPECT_EQ(actual, expected)                                                                  \
  do {                                                                                               \
    auto a_ = std::string(actual);                                                                   \
    auto e_ = std::string(expected);                                                                 \
    if (a_ == e_) {                                                                                  \
      ++passed;                                                                                      \
    } else {                                                                                         \
      ++failed;                                                                                      \
      std::printf("FAIL %s:%d: %s\n  expected: %s\n  got:      %s\n", __FILE__, __LINE__, #actual, \
                  quote_bytes(e_).c_str(), quote_bytes(a_).c_str());                                 \
    }                                                                                                \
  } while (0)

static void type(LineEditor& e, const std::string& text) {
  for (char32_t c : utf8_to_u32(text)) e.feed(Key{Key::character, c});
}
static LineEditor::Action press(LineEditor& e, Key::Code code) { return e.feed(Key{code}); }
static std::string with_cursor(const LineEditor& e) {
  std::u32string b = e.buffer();
  b.insert(e.cursor(), U"|");
  return u32_to_utf8(b);
}
static std::string action(LineEditor::Action a) {
  const char* names[] = {"none", "redraw", "accept", "cancel", "eof", "clear_screen", "list"};
  return names[static_cast<int>(a)];
}
static std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : " ") + i;
  return out;
}

// A small command table of its own.
static CompletionTable table() {
  CompletionTable t;
  CompletionTable::Slot handle_any{true};
  CompletionTable::Slot event_handle{true, {"event"}};
  CompletionTable::Slot file_like{true, {"mailslot", "pipe"}};
  CompletionTable::Slot data{};
  CompletionTable::Slot access{false, {}, {"duplex", "in", "out"}};
  CompletionTable::Slot file{false, {}, {}, CompletionTable::Names::files};
  t.commands = {
      {"create-event", {{}}, false, {{"manual", false, {}}, {"inherit", false, {}}}},
      {"create-pipe", {{}}, false, {{"access", true, access}, {"mode", true, {false, {}, {"byte", "message"}}}}},
      {"set-event", {event_handle}, false, {}},
      {"send", {file_like, data}, false, {{"timeout", true, {}}}},
      {"close", {handle_any}, false, {}},
      {"run", {file}, false, {}},
  };
  t.variables = {{"ev", "event", {"value", "kind"}}, {"slot", "mailslot", {"value", "name"}}, {"n", "", {}}};
  t.files = [](const std::string& typed) {
    std::vector<std::string> out;
    for (std::string f : {"scripts/", "scenario.lua", "setup.lua"})
      if (f.compare(0, typed.size(), typed) == 0) out.push_back(f);
    return out;
  };
  return t;
}

static std::string completions(const std::string& before) {
  return joined(complete_line(before, table()).candidates);
}

int main() {
  History history(5);
  CompletionTable t = table();
  LineEditor e(history, [&](const std::string& before) { return complete_line(before, t); });

  // typing, moving, editing
  e.reset();
  type(e, "echo hello");
  EXPECT_EQ(with_cursor(e), "echo hello|");
  press(e, Key::home);
  EXPECT_EQ(with_cursor(e), "|echo hello");
  press(e, Key::alt_f);
  EXPECT_EQ(with_cursor(e), "echo| hello");
  press(e, Key::right);
  press(e, Key::ctrl_k);
  EXPECT_EQ(with_cursor(e), "echo |");
  type(e, "안녕 world");
  press(e, Key::ctrl_w);
  EXPECT_EQ(with_cursor(e), "echo 안녕 |");
  press(e, Key::alt_b);
  EXPECT_EQ(with_cursor(e), "echo |안녕 ");
  press(e, Key::ctrl_u);
  EXPECT_EQ(with_cursor(e), "|안녕 ");
  press(e, Key::del);
  press(e, Key::end);
  press(e, Key::backspace);
  EXPECT_EQ(with_cursor(e), "녕|");
  // no control character is ever inserted
  e.feed(Key{Key::character, 4});
  e.feed(Key{Key::character, 0x1b});
  e.feed(Key{Key::character, 0x7f});
  EXPECT_EQ(with_cursor(e), "녕|");
  EXPECT_EQ(action(press(e, Key::ctrl_z)), "none");  // not on a non-empty line
  EXPECT_EQ(action(press(e, Key::ctrl_c)), "cancel");
  e.reset();
  EXPECT_EQ(action(press(e, Key::ctrl_d)), "eof");
  EXPECT_EQ(action(press(e, Key::ctrl_z)), "eof");
  EXPECT_EQ(action(press(e, Key::ctrl_l)), "clear_screen");

  // history: Enter adds, Up/Down walk it, the typed line comes back, no equal neighbours, bounded
  for (const char* line : {"one", "two", "two", "three"}) {
    e.reset();
    type(e, line);
    EXPECT_EQ(action(press(e, Key::enter)), "accept");
  }
  EXPECT_EQ(joined(history.entries()), "one two three");
  e.reset();
  type(e, "draft");
  press(e, Key::up);
  EXPECT_EQ(e.text(), "three");
  press(e, Key::up);
  press(e, Key::up);
  press(e, Key::up);
  EXPECT_EQ(e.text(), "one");
  press(e, Key::down);
  EXPECT_EQ(e.text(), "two");
  press(e, Key::down);
  press(e, Key::down);
  EXPECT_EQ(e.text(), "draft");
  for (const char* line : {"a", "b", "c", "d"}) history.add(line);
  EXPECT_EQ(joined(history.entries()), "three a b c d");
  history.assign({"x", "x", "y", "", "z"});
  EXPECT_EQ(joined(history.entries()), "x y z");

  // Ctrl+R: search back, again for an older match, Esc restores
  history.assign({"send $w hi", "create-event", "send $w bye"});
  e.reset();
  type(e, "typed");
  press(e, Key::ctrl_r);
  type(e, "send");
  EXPECT_EQ(e.text(), "send $w bye");
  EXPECT_EQ(e.search_prompt(), "(reverse-i-search)`send': ");
  press(e, Key::ctrl_r);
  EXPECT_EQ(e.text(), "send $w hi");
  press(e, Key::escape);
  EXPECT_EQ(e.text(), "typed");
  press(e, Key::ctrl_r);
  type(e, "event");
  EXPECT_EQ(action(press(e, Key::enter)), "accept");
  EXPECT_EQ(e.text(), "create-event");

  // Tab: the common part, then a second Tab lists
  e.reset();
  type(e, "cre");
  EXPECT_EQ(action(press(e, Key::tab)), "redraw");
  EXPECT_EQ(with_cursor(e), "create-|");
  EXPECT_EQ(action(press(e, Key::tab)), "list");
  EXPECT_EQ(joined(e.listed()), "create-event create-pipe");
  type(e, "p");
  press(e, Key::tab);
  EXPECT_EQ(with_cursor(e), "create-pipe |");
  type(e, "demo --ac");
  press(e, Key::tab);
  EXPECT_EQ(with_cursor(e), "create-pipe demo --access |");
  type(e, "du");
  press(e, Key::tab);
  EXPECT_EQ(with_cursor(e), "create-pipe demo --access duplex |");
  // in the middle of a line, what follows the cursor stays
  e.reset();
  type(e, "set-event $e x");
  press(e, Key::left);
  press(e, Key::left);
  press(e, Key::tab);
  EXPECT_EQ(with_cursor(e), "set-event $ev | x");

  // completion by context
  EXPECT_EQ(completions(""), "create-event create-pipe set-event send close run");
  EXPECT_EQ(completions("x = cl"), "close");
  EXPECT_EQ(completions("echo a; se"), "set-event send");
  EXPECT_EQ(completions("create-event --"), "--manual --inherit");
  EXPECT_EQ(completions("create-pipe p --mode "), "byte message");
  EXPECT_EQ(completions("create-pipe p --access o"), "out");
  EXPECT_EQ(completions("set-event $"), "$ev");              // only the kinds that fit
  EXPECT_EQ(completions("send $"), "$slot");
  EXPECT_EQ(completions("close $"), "$ev $slot");            // any handle, not a plain value
  EXPECT_EQ(completions("send $slot $"), "$ev $slot $n");    // DATA: any variable
  EXPECT_EQ(completions("echo $slot."), "$slot.value $slot.name");
  EXPECT_EQ(completions("echo $ev.k"), "$ev.kind");
  EXPECT_EQ(completions("run s"), "scripts/ scenario.lua setup.lua");
  EXPECT_EQ(completions("run scr"), "scripts/");
  EXPECT_EQ(complete_line("run scr", t).word_done ? "done" : "open", "open");  // a folder: no space after
  EXPECT_EQ(completions("nosuch --"), "");

  // on $k LINE: the agent's commands and variables; $^NAME: this shell's
  CompletionTable with_agent = table();
  std::string asked;
  with_agent.agent_variables = [&](const std::string& agent) {
    asked = agent;
    return std::vector<CompletionTable::Variable>{{"theirs", "mailslot", {"value"}}, {"port", "", {}}};
  };
  auto on = [&](const std::string& before) { return joined(complete_line(before, with_agent).candidates); };
  EXPECT_EQ(on("on $k se"), "set-event send");
  EXPECT_EQ(asked, "k");
  EXPECT_EQ(on("on $k send $"), "$theirs");                    // theirs, not $slot
  EXPECT_EQ(on("x = on $k close $"), "$theirs");
  EXPECT_EQ(on("on $k send $theirs $^"), "$^ev $^slot $^n");   // ours, to be put into the line
  EXPECT_EQ(on("on $k send $theirs $^slot."), "$^slot.value $^slot.name");
  EXPECT_EQ(std::to_string(complete_line("on $k send $th", with_agent).from), "11");
  EXPECT_EQ(on("on $k create-event --m"), "--manual");

  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
