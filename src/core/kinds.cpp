#include "kinds.hpp"

#include <fmt/format.h>

namespace ipcsh {

std::string_view kind_name(Kind kind) {
  static constexpr std::string_view names[] = {
      "mailslot", "file", "pipe",    "event", "mutex",  "semaphore", "timer", "mapping",
      "view",     "process", "thread", "socket", "window", "job",     "io", "port", "handle"};
  return names[static_cast<int>(kind)];
}

Kind kind_from_name(std::string_view name) {
  for (int k = 0; k < static_cast<int>(Kind::other); ++k)
    if (kind_name(static_cast<Kind>(k)) == name) return static_cast<Kind>(k);
  return Kind::other;
}

std::string KindSet::describe() const {
  std::string out;
  int count = 0, total = 0;
  for (int k = 0; k <= static_cast<int>(Kind::other); ++k) total += has(static_cast<Kind>(k));
  for (int k = 0; k <= static_cast<int>(Kind::other); ++k) {
    if (!has(static_cast<Kind>(k))) continue;
    ++count;
    if (count > 1) out += count == total ? " or " : ", ";
    out += kind_name(static_cast<Kind>(k));
  }
  return out;
}

std::string format_handle_value(std::int64_t value) {
  return value < 0 ? std::to_string(value) : fmt::format("{:#x}", value);
}

}  // namespace ipcsh
