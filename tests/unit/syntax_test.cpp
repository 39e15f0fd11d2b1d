// Unit tests for the shell's line syntax (no Windows calls).
#include <cstdio>
#include <string>

#include "../../src/core/syntax.hpp"

using namespace ipcsh;

static int passed = 0, failed = 0;

#define EXPECT_EQ(actual, expected)                                                                  \
  do {                                                                                               \
    auto a_ = (actual);                                                                              \
    auto e_ = (expected);                                                                            \
    if (a_ == e_) {                                                                                  \
      ++passed;                                                                                      \
    } else {                                                                                         \
      ++failed;                                                                                      \
      std::printf("FAIL %s:%d: %s\n  expected: %s\n  got:      %s\n", __FILE__, __LINE__, #actual, \
                  quote_bytes(std::string(e_)).c_str(), quote_bytes(std::string(a_)).c_str());       \
    }                                                                                                \
  } while (0)

static std::string words(std::string_view line) {
  std::string out;
  for (const auto& c : parse_line(line)) {
    if (!out.empty()) out += " ; ";
    if (!c.assign_to.empty()) out += c.assign_to + " = ";
    for (std::size_t i = 0; i < c.words.size(); ++i) out += (i ? "|" : "") + c.words[i].text;
  }
  return out;
}

static std::string syntax_error(std::string_view line) {
  try {
    parse_line(line);
    return "no error";
  } catch (const SyntaxError& e) {
    return e.what();
  }
}

int main() {
  EXPECT_EQ(words("send $w hello"), "send|$w|hello");
  EXPECT_EQ(words("  a   b\tc  "), "a|b|c");
  EXPECT_EQ(words("slot = create-mailslot demo --inherit"), "slot = create-mailslot|demo|--inherit");
  EXPECT_EQ(words("a; b c;;d"), "a ; b|c ; d");
  EXPECT_EQ(words("send $w 'a; b' # comment"), "send|$w|a; b");
  EXPECT_EQ(words("echo \"tab\\there\\n\""), "echo|tab\there\n");
  EXPECT_EQ(words("echo \"nul\\0x\\x41\\\\\\\"\""), std::string("echo|nul\0xA\\\"", 13));
  EXPECT_EQ(words("echo 'no \\n escapes'"), "echo|no \\n escapes");
  EXPECT_EQ(words("spawn --ipcsh \"send \\$c hi; send $c x\""), "spawn|--ipcsh|send $c hi; send $c x");
  EXPECT_EQ(words("open-mailslot \\\\.\\mailslot\\demo"), "open-mailslot|\\\\.\\mailslot\\demo");
  EXPECT_EQ(words("echo \"C:\\dir\\file\""), "echo|C:\\dir\\file");
  EXPECT_EQ(words("echo ab\"c d\"e"), "echo|abc de");
  EXPECT_EQ(words("echo '' x"), "echo||x");
  EXPECT_EQ(words("# only a comment"), "");
  EXPECT_EQ(words("echo a#b"), "echo|a#b");
  EXPECT_EQ(words("x = y"), "x = y");
  EXPECT_EQ(words("echo = y"), "echo = y");
  EXPECT_EQ(words("send $w 안녕하세요"), "send|$w|안녕하세요");
  EXPECT_EQ(syntax_error("send $w \"open"), "unterminated \" quote");
  EXPECT_EQ(syntax_error("send $w 'open"), "unterminated ' quote");
  EXPECT_EQ(syntax_error("send $w \"a\\\""), "unterminated \" quote");

  // The verbatim rest of a line: taken before quotes, ';' or '#' mean anything.
  auto after_lua = [](const std::vector<Word>& w, std::string_view) { return w.size() == 1 && w[0].is("lua"); };
  auto verbatim = [&](std::string_view line) {
    auto commands = parse_line(line, after_lua);
    return commands.size() == 1 && commands[0].words.size() == 2 && commands[0].words[1].verbatim
               ? commands[0].words[1].text
               : std::string("(not verbatim)");
  };
  EXPECT_EQ(verbatim("lua print(\"a  b\") ; echo x"), "print(\"a  b\") ; echo x");
  EXPECT_EQ(verbatim("lua print(#t)"), "print(#t)");
  EXPECT_EQ(verbatim("lua   x = 'a;b' # not a comment  "), "x = 'a;b' # not a comment");
  EXPECT_EQ(verbatim("lua \"print(1)\""), "print(1)");           // one quoted word: its contents
  EXPECT_EQ(verbatim("lua \"a\" .. \"b\""), "\"a\" .. \"b\"");   // more than one: as typed
  EXPECT_EQ(words("echo lua x"), "echo|lua|x");
  EXPECT_EQ(parse_line("$x")[0].words[0].is_variable() ? "var" : "word", "var");
  EXPECT_EQ(parse_line("'$x'")[0].words[0].is_variable() ? "var" : "word", "word");

  EXPECT_EQ(quote_bytes(std::string("a\0b\x01\xff", 5)), "\"a\\0b\\x01\\xff\"");
  EXPECT_EQ(quote_bytes("안녕"), "\"안녕\"");
  EXPECT_EQ(is_identifier("slot_2") ? "yes" : "no", "yes");
  EXPECT_EQ(is_identifier("2slot") ? "yes" : "no", "no");

  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
