#include "line_editor.hpp"

#include <algorithm>

namespace ipcsh {

std::u32string utf8_to_u32(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    char32_t cp = len == 1 ? c : c & (0x3F >> (len - 1));
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += cp;
    i += len;
  }
  return out;
}

std::string u32_to_utf8(std::u32string_view text) {
  std::string out;
  for (char32_t c : text) {
    if (c < 0x80) out += static_cast<char>(c);
    else if (c < 0x800) out += {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
    else if (c < 0x10000)
      out += {static_cast<char>(0xE0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
              static_cast<char>(0x80 | (c & 0x3F))};
    else
      out += {static_cast<char>(0xF0 | (c >> 18)), static_cast<char>(0x80 | ((c >> 12) & 0x3F)),
              static_cast<char>(0x80 | ((c >> 6) & 0x3F)), static_cast<char>(0x80 | (c & 0x3F))};
  }
  return out;
}

void History::add(const std::string& line) {
  if (line.empty() || line.find_first_not_of(" \t") == std::string::npos) return;
  if (!entries_.empty() && entries_.back() == line) return;
  entries_.push_back(line);
  if (entries_.size() > limit_) entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(entries_.size() - limit_));
}

void History::assign(std::vector<std::string> lines) {
  entries_.clear();
  for (auto& l : lines) add(l);
}

void LineEditor::reset() {
  buffer_.clear();
  cursor_ = 0;
  history_index_ = history_.entries().size();
  browsing_ = false;
  last_was_tab_ = false;
  searching_ = false;
  pattern_.clear();
}

std::string LineEditor::text() const { return u32_to_utf8(buffer_); }

void LineEditor::set_text(const std::string& utf8) {
  buffer_ = utf8_to_u32(utf8);
  cursor_ = buffer_.size();
}

std::string LineEditor::search_prompt() const {
  return "(reverse-i-search)`" + pattern_ + "': ";
}

void LineEditor::find_match(std::size_t before) {
  const auto& e = history_.entries();
  for (std::size_t i = std::min(before, e.size()); i-- > 0;)
    if (e[i].find(pattern_) != std::string::npos) {
      match_ = i;
      set_text(e[i]);
      return;
    }
}

LineEditor::Action LineEditor::search_step(const Key& key) {
  switch (key.code) {
    case Key::character:
      pattern_ += u32_to_utf8(std::u32string(1, key.ch));
      find_match(match_ + 1);
      return Action::redraw;
    case Key::backspace:
      if (!pattern_.empty()) {
        std::u32string p = utf8_to_u32(pattern_);
        p.pop_back();
        pattern_ = u32_to_utf8(p);
      }
      find_match(history_.entries().size());
      return Action::redraw;
    case Key::ctrl_r:
      find_match(match_);
      return Action::redraw;
    case Key::ctrl_g:
    case Key::escape:
    case Key::ctrl_c:
      searching_ = false;
      buffer_ = saved_;
      cursor_ = buffer_.size();
      return Action::redraw;
    default:
      // Any other key takes the match and then does what it does.
      searching_ = false;
      return feed(key);
  }
}

LineEditor::Action LineEditor::complete() {
  if (!completer_) return Action::none;
  std::string before = u32_to_utf8(buffer_.substr(0, cursor_));
  Completion c = completer_(before);
  if (c.candidates.empty()) return Action::none;
  std::string typed = before.substr(std::min(c.from, before.size()));
  // The longest prefix all candidates share.
  std::string common = c.candidates[0];
  for (const auto& cand : c.candidates) {
    std::size_t n = 0;
    while (n < common.size() && n < cand.size() && common[n] == cand[n]) ++n;
    common.resize(n);
  }
  // Do not cut a UTF-8 sequence in half.
  while (!common.empty() && (static_cast<unsigned char>(common.back()) & 0xC0) == 0x80) common.pop_back();
  if (!common.empty() && (static_cast<unsigned char>(common.back()) & 0xC0) == 0xC0) common.pop_back();
  bool one = c.candidates.size() == 1;
  if (common.size() > typed.size() || one) {
    std::string replacement = common + (one && c.word_done ? " " : "");
    std::u32string head = utf8_to_u32(before.substr(0, std::min(c.from, before.size())));
    std::u32string tail = buffer_.substr(cursor_);
    buffer_ = head + utf8_to_u32(replacement) + tail;
    cursor_ = head.size() + utf8_to_u32(replacement).size();
    last_was_tab_ = !one;  // still several: the next Tab lists them
    return Action::redraw;
  }
  if (last_was_tab_) {  // the second Tab lists them
    listed_ = c.candidates;
    last_was_tab_ = false;
    return Action::list;
  }
  last_was_tab_ = true;
  return Action::none;
}

LineEditor::Action LineEditor::feed(const Key& key) {
  if (searching_) return search_step(key);
  if (key.code != Key::tab) last_was_tab_ = false;
  auto is_word = [](char32_t c) { return c != U' ' && c != U'\t' && c != U';'; };
  switch (key.code) {
    case Key::character:
      if (key.ch < 0x20 || key.ch == 0x7F) return Action::none;  // never a control character in the line
      buffer_.insert(buffer_.begin() + static_cast<std::ptrdiff_t>(cursor_), key.ch);
      ++cursor_;
      return Action::redraw;
    case Key::enter: {
      std::string line = text();
      history_.add(line);
      return Action::accept;
    }
    case Key::backspace:
      if (cursor_ == 0) return Action::none;
      buffer_.erase(--cursor_, 1);
      return Action::redraw;
    case Key::del:
      if (cursor_ >= buffer_.size()) return Action::none;
      buffer_.erase(cursor_, 1);
      return Action::redraw;
    case Key::left:
      if (cursor_ > 0) --cursor_;
      return Action::redraw;
    case Key::right:
      if (cursor_ < buffer_.size()) ++cursor_;
      return Action::redraw;
    case Key::home: cursor_ = 0; return Action::redraw;
    case Key::end: cursor_ = buffer_.size(); return Action::redraw;
    case Key::ctrl_u:
      buffer_.erase(0, cursor_);
      cursor_ = 0;
      return Action::redraw;
    case Key::ctrl_k:
      buffer_.erase(cursor_);
      return Action::redraw;
    case Key::ctrl_w: {
      std::size_t start = cursor_;
      while (start > 0 && !is_word(buffer_[start - 1])) --start;
      while (start > 0 && is_word(buffer_[start - 1])) --start;
      buffer_.erase(start, cursor_ - start);
      cursor_ = start;
      return Action::redraw;
    }
    case Key::alt_b:
      while (cursor_ > 0 && !is_word(buffer_[cursor_ - 1])) --cursor_;
      while (cursor_ > 0 && is_word(buffer_[cursor_ - 1])) --cursor_;
      return Action::redraw;
    case Key::alt_f:
      while (cursor_ < buffer_.size() && !is_word(buffer_[cursor_])) ++cursor_;
      while (cursor_ < buffer_.size() && is_word(buffer_[cursor_])) ++cursor_;
      return Action::redraw;
    case Key::up:
    case Key::down: {
      const auto& e = history_.entries();
      if (!browsing_) {
        saved_ = buffer_;
        history_index_ = e.size();
        browsing_ = true;
      }
      if (key.code == Key::up && history_index_ > 0) --history_index_;
      else if (key.code == Key::down && history_index_ < e.size()) ++history_index_;
      else return Action::none;
      if (history_index_ == e.size()) {
        buffer_ = saved_;
        cursor_ = buffer_.size();
      } else {
        set_text(e[history_index_]);
      }
      return Action::redraw;
    }
    case Key::tab: return complete();
    case Key::ctrl_c: return Action::cancel;
    case Key::ctrl_d:
      if (buffer_.empty()) return Action::eof;
      return feed(Key{Key::del});
    case Key::ctrl_z: return buffer_.empty() ? Action::eof : Action::none;
    case Key::ctrl_l: return Action::clear_screen;
    case Key::ctrl_r:
      searching_ = true;
      saved_ = buffer_;
      pattern_.clear();
      match_ = history_.entries().size();
      return Action::redraw;
    default: return Action::none;
  }
}

}  // namespace ipcsh
