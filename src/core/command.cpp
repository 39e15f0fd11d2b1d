// The command table: the rows every family registers, found by shell name
// or Lua name, the nearest names for a misspelt one, and usage and help
// text made from a row. Binding arguments against a row is binder.cpp.
#include "command.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <fmt/format.h>

#include "error.hpp"
#include "messages.hpp"
#include "syntax.hpp"


namespace ipcsh {
namespace {

std::vector<Command>& registry() {
  static std::vector<Command> rows;
  return rows;
}
std::vector<std::string_view>& family_order() {
  static std::vector<std::string_view> order;
  return order;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}
}  // namespace

CommandRegistration::CommandRegistration(std::initializer_list<Command> rows) {
  auto& all = registry();
  for (const auto& row : rows) {
    if (std::find(family_order().begin(), family_order().end(), row.family) == family_order().end())
      family_order().push_back(row.family);
    all.push_back(row);
  }
  std::sort(all.begin(), all.end(), [](const Command& a, const Command& b) { return a.name < b.name; });
}

namespace {
std::vector<std::pair<std::string_view, std::string_view>>& family_summaries() {
  static std::vector<std::pair<std::string_view, std::string_view>> summaries;
  return summaries;
}
}  // namespace

FamilyRegistration::FamilyRegistration(std::string_view family, std::string_view summary) {
  family_summaries().emplace_back(family, summary);
}

std::string_view family_summary(std::string_view family) {
  for (const auto& [f, text] : family_summaries())
    if (f == family) return text;
  return {};
}

const std::vector<Command>& all_commands() { return registry(); }

std::vector<std::string_view> families() {
  // SPEC's order; a family it does not list goes last.
  static constexpr std::string_view spec_order[] = {"mailslot", "file-like", "pipe",      "sync",
                                                    "wait",     "memory",    "process",   "handle",
                                                    "window",   "socket",    "namespace", "security",
                                                    "session"};
  auto rank = [](std::string_view f) {
    return std::find(std::begin(spec_order), std::end(spec_order), f) - std::begin(spec_order);
  };
  auto order = family_order();
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return rank(a) < rank(b); });
  return order;
}

const Command* find_command(std::string_view name) {
  for (const auto& c : registry())
    if (c.name == name && !c.lua_only) return &c;
  return nullptr;
}

const Command* find_lua_command(std::string_view lua_name) {
  for (const auto& c : registry())
    if (c.lua_name() == lua_name) return &c;
  return nullptr;
}

std::string dashes_to_underscores(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

std::optional<bool> boolean_word(std::string_view word) {
  for (auto yes : {"true", "yes", "on"})
    if (word == yes) return true;
  for (auto no : {"false", "no", "off"})
    if (word == no) return false;
  return std::nullopt;
}

std::vector<std::string_view> nearest_commands(std::string_view name) {
  std::vector<std::string_view> names;
  for (const auto& c : registry())
    if (!c.lua_only) names.push_back(c.name);
  return nearest_words(name, names);
}

std::vector<std::string_view> nearest_words(std::string_view name, const std::vector<std::string_view>& words) {
  std::vector<std::pair<std::size_t, std::string_view>> scored;
  for (auto word : words) {
    std::size_t d = edit_distance(name, word);
    bool part = word.find(name) != std::string_view::npos && name.size() >= 2;
    // Near: a few edits, and fewer than the name's own length (`y` or `=`
    // is near nothing; `sned` is near `send`).
    bool near = d <= std::max<std::size_t>(2, name.size() / 3) && d < name.size();
    if (near || part) scored.emplace_back(part ? 0 : d, word);
  }
  std::stable_sort(scored.begin(), scored.end(), [](auto& a, auto& b) { return a.first < b.first; });
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(scored[i].second);
  return out;
}

const std::string& Command::lua_name() const {
  if (lua_name_.empty()) lua_name_ = lua_alias.empty() ? dashes_to_underscores(name) : std::string(lua_alias);
  return lua_name_;
}

bool Command::method_of(Kind kind) const {
  return !params.empty() && ((params[0].type == ArgType::handle && params[0].kinds.has(kind)) ||
                             params[0].type == ArgType::any);
}

bool Command::short_method_of(Kind kind) const {
  return !method.empty() && !params.empty() && params[0].kinds.has(kind) && !params[0].kinds.any();
}

std::string Command::usage() const {
  std::string out(name), verbatim;
  for (const auto& p : params) {
    std::string shown = std::string(p.name) + (p.variadic ? "..." : "");
    if (p.type == ArgType::text && !flags.empty()) shown = "-- " + shown;
    (p.type == ArgType::text ? verbatim : out) += p.optional ? fmt::format(" [{}]", shown) : " " + shown;
  }
  for (const auto& f : flags)
    out += fmt::format(" [--{}{}{}]", f.name, f.value_name.empty() ? "" : " ", f.value_name);
  return out + verbatim;  // the verbatim rest of the line comes last
}

std::string Command::help() const {
  std::string out = fmt::format("usage: {}\n  {}\n", usage(), summary);
  for (const auto& f : flags) {
    std::string left = fmt::format("--{}{}{}", f.name, f.value_name.empty() ? "" : " ", f.value_name);
    out += fmt::format("  {:<24} {}\n", left, f.help);
  }
  out += fmt::format("  Lua: ipc.{}(...)", lua_name());
  return out;
}

}  // namespace ipcsh
