#include "error.hpp"

#include <windows.h>

#include <algorithm>
#include <fmt/format.h>
#include <fmt/os.h>
#include <iterator>
#include <new>
#include <system_error>

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

// Windows' own text for codes whose message Wine 8's system tables lack
// (FormatMessage fails there, and the line would say "unknown error").
struct KnownText {
  unsigned long code;
  const char* text;
};
constexpr KnownText texts_wine_lacks[] = {
    {WAIT_TIMEOUT, "The wait operation timed out."},
    {10035, "A non-blocking socket operation could not be completed immediately."},
    {10038, "An operation was attempted on something that is not a socket."},
    {10048, "Only one usage of each socket address (protocol/network address/port) is normally permitted."},
    {10049, "The requested address is not valid in its context."},
    {10053, "An established connection was aborted by the software in your host machine."},
    {10057, "A request to send or receive data was disallowed because the socket is not connected and (when sending "
            "on a datagram socket using a sendto call) no address was supplied."},
    {10060, "A connection attempt failed because the connected party did not properly respond after a period of "
            "time, or established connection failed because connected host has failed to respond."},
    {10065, "A socket operation was attempted to an unreachable host."},
};

std::string system_message(unsigned long code) {
  // fmt's windows_error formats "<prefix>: <FormatMessageW text>".
  std::string text = fmt::windows_error(static_cast<int>(code), "x").what();
  text = text.size() >= 3 && text.compare(0, 3, "x: ") == 0 ? text.substr(3) : text;
  if (text == "unknown error")
    for (const auto& known : texts_wine_lacks)
      if (known.code == code) return known.text;
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

bool runtime_library_error(const std::exception& e) {
  // ipcsh's own errors are runtime_errors with the shell's line as their
  // text; the library's are logic errors, allocation and cast failures, and
  // the few runtime_errors below.
  if (dynamic_cast<const std::system_error*>(&e) || dynamic_cast<const std::range_error*>(&e) ||
      dynamic_cast<const std::overflow_error*>(&e) || dynamic_cast<const std::underflow_error*>(&e) ||
      dynamic_cast<const fmt::format_error*>(&e))
    return true;
  return !dynamic_cast<const std::runtime_error*>(&e);
}

std::string internal_error_text(std::string_view command, const std::exception& cause) {
  const char* what = "unexpected exception";
  if (dynamic_cast<const std::out_of_range*>(&cause) || dynamic_cast<const std::length_error*>(&cause) ||
      dynamic_cast<const std::range_error*>(&cause) || dynamic_cast<const std::overflow_error*>(&cause) ||
      dynamic_cast<const std::underflow_error*>(&cause))
    what = "out of range";
  else if (dynamic_cast<const std::bad_alloc*>(&cause))
    what = "out of memory";
  else if (dynamic_cast<const std::invalid_argument*>(&cause) || dynamic_cast<const fmt::format_error*>(&cause))
    what = "invalid argument";
  else if (dynamic_cast<const std::system_error*>(&cause))
    what = "system error";
  else if (dynamic_cast<const std::logic_error*>(&cause))
    what = "logic error";
  return command.empty() ? fmt::format("internal error ({})", what) : fmt::format("{}: internal error ({})", command, what);
}

InternalError::InternalError(std::string_view command, const std::exception& cause)
    : std::runtime_error(internal_error_text(command, cause)) {}

}  // namespace ipcsh
