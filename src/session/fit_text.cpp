// Text fitted to a width: how many columns it takes, a long name cut at
// its front ("…\mailslot\demo"), a long line broken between words.
#include <algorithm>
#include <cctype>

#include "render.hpp"

namespace ipcsh {

namespace render {

// Display width of UTF-8 text, counting code points (close enough for the
// Latin and box text here; wide CJK cells count one each).
std::size_t columns(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

namespace {

// A byte that belongs to a word: cutting between two of them cuts a
// number, a flag or a name in the middle.
bool word_byte(unsigned char c) { return c > 0x7f || std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '$' || c == '#'; }

}  // namespace

// Keeps the end, "…" before it, in at most `width` columns: a name's last
// part is what tells two apart (…\mailslot\demo). The cut falls between
// words or at a separator (\ / , space), never inside a word, unless one
// word alone is longer than the room.
std::string shorten_front(const std::string& text, std::size_t width) {
  if (columns(text) <= width || width < 2) return text;
  std::size_t keep = width - 1, i = text.size(), seen = 0;
  while (i > 0 && seen < keep) {
    --i;
    while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
    ++seen;
  }
  std::size_t start = i;
  if (start > 0 && word_byte(static_cast<unsigned char>(text[start - 1])) && word_byte(static_cast<unsigned char>(text[start]))) {
    std::size_t next = start;
    while (next < text.size() && word_byte(static_cast<unsigned char>(text[next]))) ++next;
    if (next < text.size()) {
      start = next;  // at the next separator
    } else {
      // The last word alone is too long: after a - _ . inside it (…alpha-80),
      // or, with none, where the room ends.
      std::size_t part = text.find_first_of("-_.", start);
      if (part != std::string::npos && part + 1 < text.size()) start = part + 1;
    }
  }
  if (start < text.size() && text[start] == ' ') ++start;
  return "\u2026" + text.substr(start);
}

}  // namespace render

std::string wrap_text(std::string_view text, std::size_t width, std::size_t& column) {
  if (width < 16) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t indent = 0;     // of the line being written: its continuations get 2 more
  bool line_start = column == 0;
  std::string spaces;         // blanks between words, written only if the next word fits
  std::size_t at = 0;
  while (at < text.size()) {
    char c = text[at];
    if (c == '\n') {
      out += '\n';
      column = 0, line_start = true, spaces.clear(), indent = 0;
      ++at;
      continue;
    }
    if (c == ' ') {
      if (line_start) {
        ++indent;
        out += ' ';
        ++column;
      } else {
        spaces += ' ';
      }
      ++at;
      continue;
    }
    // A word: up to the next blank or line end; colour sequences take no room.
    std::size_t end = at, wide = 0;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n') {
      if (text[end] == '\x1b') {
        std::size_t m = text.find('m', end);
        end = m == std::string_view::npos || m - end > 8 ? end + 1 : m + 1;
        continue;
      }
      wide += (static_cast<unsigned char>(text[end]) & 0xC0) != 0x80;
      ++end;
    }
    // A short group in parentheses stays together: "(4 commands)", "(inherit: no)".
    if (text[at] == '(' && text.substr(at, end - at).find(')') == std::string_view::npos) {
      std::size_t close = text.find(')', end);
      std::size_t line_end = text.find('\n', end);
      if (close != std::string_view::npos && close < line_end && close - at < 20 &&
          text.substr(at + 1, close - at).find('(') == std::string_view::npos) {
        while (end < text.size() && text[end] != '\n' && (end <= close || text[end] != ' ')) {
          wide += (static_cast<unsigned char>(text[end]) & 0xC0) != 0x80;
          ++end;
        }
      }
    }
    std::string_view word = text.substr(at, end - at);
    line_start = false;
    std::size_t continuation = std::min(indent + 2, width / 2);
    if (column + spaces.size() + wide > width && column > continuation) {
      // The word starts the next line, indented.
      out += '\n';
      out.append(continuation, ' ');
      column = continuation;
    } else {
      out += spaces;
      column += spaces.size();
    }
    spaces.clear();
    // A word longer than a whole line is cut after a separator (\ / , ( = :)
    // near where the line ends, or where it ends if there is none.
    while (column + wide > width) {
      std::size_t room = width - column, taken = 0, i = 0;
      while (i < word.size() && (taken < room || (static_cast<unsigned char>(word[i]) & 0xC0) == 0x80)) {
        taken += (static_cast<unsigned char>(word[i]) & 0xC0) != 0x80;
        ++i;
      }
      for (std::size_t p = i; p > i / 2 && p > 1; --p)
        if (std::string_view("\\/,(=:;").find(word[p - 1]) != std::string_view::npos) {
          for (std::size_t q = p; q < i; ++q) taken -= (static_cast<unsigned char>(word[q]) & 0xC0) != 0x80;
          i = p;
          break;
        }
      out += word.substr(0, i);
      out += '\n';
      out.append(continuation, ' ');
      word.remove_prefix(i);
      wide -= taken;
      column = continuation;
    }
    out += word;
    column += wide;
    at = end;
  }
  // Blanks at the end of a write: kept (a prompt's), unless past the edge.
  if (column + spaces.size() <= width) {
    out += spaces;
    column += spaces.size();
  }
  return out;
}

}  // namespace ipcsh
