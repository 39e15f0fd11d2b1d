#include "error.hpp"

#include <windows.h>

#include <algorithm>
#include <fmt/format.h>
#include <fmt/os.h>
#include <iterator>

namespace ipcsh {
namespace {

struct ErrorName {
  unsigned long code;
  const char* name;
};
// Generated at build time from the SDK's winerror.h (cmake/error-names.cmake).
constexpr ErrorName error_names[] = {
#include "win32_error_names.inc"
};

}  // namespace

std::string error_name(unsigned long code) {
  for (const auto& e : error_names)
    if (e.code == code) return e.name;
  return fmt::format("error {}", code);
}

std::string system_message(unsigned long code) {
  // fmt's windows_error formats "<prefix>: <FormatMessageW text>".
  std::string text = fmt::windows_error(static_cast<int>(code), "x").what();
  text = text.size() >= 3 && text.compare(0, 3, "x: ") == 0 ? text.substr(3) : text;
  std::replace(text.begin(), text.end(), '\r', ' ');
  std::replace(text.begin(), text.end(), '\n', ' ');
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}


Win32Error::Win32Error(std::string api, unsigned long code, std::string note)
    : std::runtime_error(""), api_(std::move(api)), name_(error_name(code)),
      message_(system_message(code)), note_(one_line(note)),
      line_(fmt::format("{}: {} ({}): {}{}", api_, name_, code, message_, note_.empty() ? "" : " (" + note_ + ")")),
      code_(code) {}

void throw_last_error(std::string_view api) {
  DWORD code = GetLastError();
  throw Win32Error(std::string(api), code);
}

void throw_error(std::string_view api, unsigned long code, std::string note) {
  throw Win32Error(std::string(api), code, std::move(note));
}

}  // namespace ipcsh
