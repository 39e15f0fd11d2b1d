#include "syntax.hpp"
#include "escape.hpp"

#include <cctype>

#include <fmt/format.h>

namespace ipcsh {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Reads a double-quoted part starting after the opening quote; returns the
// index after the closing quote.
std::size_t read_double_quoted(std::string_view line, std::size_t i, std::string& out) {
  while (i < line.size()) {
    char c = line[i];
    if (c == '"') return i + 1;
    if (c == '\\' && i + 1 < line.size()) {
      char e = line[i + 1];
      switch (e) {
        case 'n': out += '\n'; i += 2; continue;
        case 't': out += '\t'; i += 2; continue;
        case 'r': out += '\r'; i += 2; continue;
        case '0': out += '\0'; i += 2; continue;
        case '\\': out += '\\'; i += 2; continue;
        case '"': out += '"'; i += 2; continue;
        case '$': out += '$'; i += 2; continue;  // as a POSIX shell user would write it
        case 'x':
          if (i + 3 < line.size() && hex_digit(line[i + 2]) >= 0 && hex_digit(line[i + 3]) >= 0) {
            out += static_cast<char>(hex_digit(line[i + 2]) * 16 + hex_digit(line[i + 3]));
            i += 4;
            continue;
          }
          break;
        default: break;
      }
    }
    out += c;
    ++i;
  }
  throw SyntaxError("unterminated \" quote");
}

}  // namespace

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

// The verbatim rest of a line: as typed, or the contents of one quoted word
// that spans all of it.
Word verbatim_word(std::string_view line, std::size_t begin) {
  std::string_view rest = line.substr(begin);
  while (!rest.empty() && is_blank(rest.back())) rest.remove_suffix(1);
  Word word{std::string(rest), false, true, begin, begin + rest.size()};
  if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) {
    try {
      auto inner = parse_line(rest);
      if (inner.size() == 1 && inner[0].words.size() == 1 && inner[0].assign_to.empty() &&
          inner[0].words[0].end == rest.size() && (rest.back() == '"' || rest.back() == '\'')) {
        word.text = inner[0].words[0].text;
        word.quoted = true;
      }
    } catch (const SyntaxError&) {
      // not one quoted word: keep it as typed
    }
  }
  return word;
}

std::vector<CommandText> parse_line(std::string_view line, const VerbatimRule& verbatim) {
  std::vector<CommandText> commands;
  CommandText current;
  current.line = std::string(line);
  auto finish = [&] {
    if (current.words.size() >= 2 && current.words[1].is("=") && !current.words[0].quoted &&
        is_identifier(current.words[0].text)) {
      current.assign_to = current.words[0].text;
      current.words.erase(current.words.begin(), current.words.begin() + 2);
    }
    if (!current.words.empty() || !current.assign_to.empty()) commands.push_back(current);
    current.words.clear();
    current.assign_to.clear();
  };
  std::size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (is_blank(c)) { ++i; continue; }
    if (verbatim && !current.words.empty() && verbatim(current.words, line.substr(i))) {
      current.words.push_back(verbatim_word(line, i));
      break;
    }
    if (c == '#') break;
    if (c == ';') { finish(); ++i; continue; }
    Word word;
    word.begin = i;
    while (i < line.size() && !is_blank(line[i]) && line[i] != ';') {
      c = line[i];
      if (c == '"') {
        word.quoted = true;
        i = read_double_quoted(line, i + 1, word.text);
      } else if (c == '\'') {
        std::size_t close = line.find('\'', i + 1);
        if (close == std::string_view::npos) throw SyntaxError("unterminated ' quote");
        word.quoted = true;
        word.text.append(line.substr(i + 1, close - i - 1));
        i = close + 1;
      } else if (c == '#' && word.text.empty() && !word.quoted) {
        break;
      } else {
        word.text += c;
        ++i;
      }
    }
    word.end = i;
    if (word.text.empty() && !word.quoted) break;  // a '#' comment began
    current.words.push_back(std::move(word));
  }
  finish();
  return commands;
}

std::string quote_bytes(std::string_view bytes) {
  return escape(bytes, escapes::shell);
}

// (error.hpp) Text made one line for a message: control bytes as \xNN, cut at `most`.
std::string one_line(std::string_view text, std::size_t most) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (out.size() >= most) {
      out += fmt::format("... ({} bytes)", text.size());
      break;
    }
    if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out;
}

}  // namespace ipcsh
