// UTF-8 (ours, Lua's) <-> UTF-16 (the W APIs').
#pragma once
#include <string>
#include <string_view>

namespace ipcsh {
std::wstring to_wide(std::string_view utf8);
std::string to_utf8(std::wstring_view wide);
}  // namespace ipcsh
