// What `help` shows: the families, a family's commands, a search.
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "core/command.hpp"
#include "render.hpp"

namespace ipcsh::render {

namespace {

std::string command_list(const std::vector<const Command*>& commands) {
  std::size_t width = 0;
  for (auto c : commands) width = std::max(width, c->name.size());
  std::string out;
  for (auto c : commands) out += fmt::format("\n  {:<{}}  {}", c->name, width, c->summary);
  return out;
}

}  // namespace

// The shell syntax in brief; README's "Shell syntax" says the same at length
// (tests/cli checks the escapes agree).
constexpr std::string_view syntax_summary =
    "Syntax: NAME = COMMAND ... stores a result; $NAME uses it ($NAME.FIELD: a field, e.g. $p.read);\n"
    "  $_ is the last result; \"...\" takes \\n \\t \\r \\\\ \\\" \\$ \\0 \\xNN; '...' is literal;\n"
    "  # comments; ; separates; --switch=yes|no; `lua` and `spawn --` take the rest of the line as typed.";

std::string help_text() {
  std::string out = "Families (`help FAMILY` lists its commands, `help COMMAND` explains one, `help /WORD` searches):\n";
  for (auto family : families()) {
    int count = 0;
    for (const auto& c : all_commands()) count += c.family == family && !c.lua_only;
    out += fmt::format("  {:<9}  {} ({})\n", family, family_summary(family), plural(count, "command"));
  }
  out += "In Lua each command is ipc.<name with _>; ipc.run(TEXT) runs shell text; `run FILE` is ipc.run_file.\n";
  out += syntax_summary;
  return out;
}

std::string family_help(std::string_view family) {
  std::vector<const Command*> commands;
  for (const auto& c : all_commands())
    if (c.family == family && !c.lua_only) commands.push_back(&c);
  return fmt::format("{}: {}{}", family, family_summary(family), command_list(commands));
}

std::string search_help(const Renderer& out, const Result& r) {
  std::vector<const Command*> commands;
  if (auto list = r.get(field::commands); list && list->as<List>())
    for (const auto& item : list->as<List>()->items) {
      auto name = item.as<std::string>();
      if (!name) continue;
      if (auto c = find_command(*name) ? find_command(*name) : find_lua_command(*name)) commands.push_back(c);
    }
  std::string word = r.get(field::word) ? out.cell(*r.get(field::word)) : "";
  if (commands.empty()) return fmt::format("nothing about '{}'", word);
  return fmt::format("{} about '{}':{}", plural(static_cast<std::int64_t>(commands.size()), "command"), word,
                     command_list(commands));
}

}  // namespace ipcsh::render
