#include "messages.hpp"

#include <cctype>
#include <fmt/format.h>

#include "command.hpp"
#include "text.hpp"

namespace ipcsh {
namespace {

struct MessageName {
  std::uint32_t number;
  std::string_view name;
};
// The common ones; WM_USER (0x400) and WM_APP (0x8000) take +N.
constexpr MessageName names[] = {
    {0x0000, "WM_NULL"},    {0x0002, "WM_DESTROY"}, {0x000C, "WM_SETTEXT"}, {0x000D, "WM_GETTEXT"},
    {0x0010, "WM_CLOSE"},   {0x0012, "WM_QUIT"},    {0x004A, "WM_COPYDATA"}, {0x0100, "WM_KEYDOWN"},
    {0x0102, "WM_CHAR"},    {0x0111, "WM_COMMAND"}, {0x0113, "WM_TIMER"},   {0x0400, "WM_USER"},
    {0x8000, "WM_APP"}};

}  // namespace

std::optional<std::uint32_t> message_number(std::string_view text) {
  if (auto n = parse_number(text); n && *n >= 0 && *n <= 0xFFFFFFFF) return static_cast<std::uint32_t>(*n);
  std::string word = upper_ascii(text);
  std::int64_t offset = 0;
  if (auto plus = word.find('+'); plus != std::string::npos) {
    auto n = parse_number(word.substr(plus + 1));
    if (!n || *n < 0 || *n > 0x7FFF) return std::nullopt;
    offset = *n;
    word.resize(plus);
  }
  for (const auto& m : names)
    if (m.name == word) {
      if (offset && m.number != 0x0400 && m.number != 0x8000) return std::nullopt;  // only WM_USER+N, WM_APP+N
      return static_cast<std::uint32_t>(m.number + offset);
    }
  return std::nullopt;
}

std::string message_name(std::uint32_t msg) {
  for (const auto& m : names)
    if (m.number == msg) return std::string(m.name);
  if (msg > 0x8000 && msg < 0xC000) return fmt::format("WM_APP+{}", msg - 0x8000);
  if (msg > 0x0400 && msg < 0x8000) return fmt::format("WM_USER+{}", msg - 0x0400);
  return fmt::format("{:#x}", msg);
}

}  // namespace ipcsh
