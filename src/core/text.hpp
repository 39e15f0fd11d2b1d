// UTF-8 (ours, Lua's) <-> UTF-16 (the W APIs').
#pragma once
#include <string>
#include <string_view>

namespace ipcsh {
std::wstring to_wide(std::string_view utf8);
std::string to_utf8(std::wstring_view wide);
// ASCII letters only (Win32 names, rights, message names, object names as
// the kernel compares them): no locale. Inline: the pure parts use them too.
inline char upper_ascii(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
inline std::string upper_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = upper_ascii(c);
  return out;
}
inline bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (upper_ascii(a[i]) != upper_ascii(b[i])) return false;
  return true;
}
}  // namespace ipcsh
