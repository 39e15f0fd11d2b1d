// Shell line syntax: words, quotes, comments, ';' and 'NAME ='. Pure text
// processing with no Windows headers, so it is unit-tested on its own.
#pragma once
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ipcsh {

struct SyntaxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Word {
  std::string text;     // after quote and escape processing
  bool quoted = false;  // any part was quoted: never a flag or a $variable
  bool verbatim = false;  // the rest of the line, as typed (see VerbatimRule)
  std::size_t begin = 0, end = 0;  // raw span in the line
  bool is_variable() const { return !quoted && text.size() > 1 && text[0] == '$'; }
  bool is(std::string_view s) const { return !quoted && text == s; }
};

struct CommandText {
  std::string assign_to;    // NAME of 'NAME = COMMAND ...', else empty
  std::vector<Word> words;  // the command and its arguments
  std::string line;         // the whole line the spans refer to
};

// Asked after each word of a command with the words so far: true when the
// rest of the line is one verbatim argument (a Lua chunk, a command line).
// That rest is then taken as typed, before quotes, ';' or '#' mean anything;
// if it is exactly one quoted word, its contents. `rest` is the line from
// the next word on (a rule may look at it: a flag before the text).
using VerbatimRule = std::function<bool(const std::vector<Word>&, std::string_view rest)>;

// Splits one input line into commands. Blanks separate words; "double"
// quotes take \n \t \r \\ \" \$ \0 \xNN (any other backslash stays literal, so
// Windows paths need no doubling); 'single' quotes are literal; # starts a
// comment; ; separates commands. Throws SyntaxError (unterminated quote).
std::vector<CommandText> parse_line(std::string_view line, const VerbatimRule& verbatim = {});

bool is_identifier(std::string_view s);

// Quotes bytes for display: printable text and UTF-8 as is, the rest escaped
// the way a double-quoted word would be written.
std::string quote_bytes(std::string_view bytes);

}  // namespace ipcsh
