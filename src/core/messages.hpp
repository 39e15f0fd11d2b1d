// Window message numbers by the names the notes use: WM_USER+1, WM_APP,
// WM_CLOSE ... both ways.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipcsh {
// "WM_USER+1", "wm_close", "0x401", "1025" -> the number; nullopt if none.
std::optional<std::uint32_t> message_number(std::string_view text);
// 0x401 -> "WM_USER+1"; a number without a name as 0x...
std::string message_name(std::uint32_t msg);
}  // namespace ipcsh
