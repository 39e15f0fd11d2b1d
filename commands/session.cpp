// Session commands: help, vars, echo, sleep, run, lua, exit.
#include <cstdlib>

#include "../shell/console.hpp"
#include "../shell/format.hpp"
#include "../shell/lua_binding.hpp"
#include "common.hpp"

namespace ipcsh {
namespace {

Value help(Session&, const Args& a) {
  if (a.has("COMMAND")) {
    const Command* c = find_command(a.string("COMMAND"));
    if (!c) throw UsageError("no command '" + a.string("COMMAND") + "'", 1);
    return c->help();
  }
  std::string out = "Commands by family (`help COMMAND` for one; in Lua each is ipc.<name with _>):\n";
  for (auto family : families()) {
    std::string line = fmt::format("  {:<9}", family);
    for (const auto& c : all_commands()) {
      if (c.family != family) continue;
      if (line.size() + c.name.size() > 92) {
        out += line + "\n";
        line = std::string(11, ' ');
      }
      line += " " + std::string(c.name);
    }
    out += line + "\n";
  }
  out += "Syntax: NAME = COMMAND ... stores a result; $NAME uses it ($NAME.FIELD: a field, e.g. $p.read);\n"
         "       $_ is the last result;"
         " \"...\" takes \\n \\t \\\\ \\\" \\0 \\xNN; '...' is literal; # comments; ; separates.";
  return out;
}

Value vars(Session& s, const Args&) {
  Table t{{"name", "value"}, {}};
  for (const auto& [name, value] : s.vars) t.rows.push_back({"$" + name, format_result(value)});
  return t;
}

Value echo(Session&, const Args& a) {
  std::string out;
  for (const auto& item : a.find("TEXT")->as<List>()->items) {
    if (!out.empty()) out += ' ';
    out += item.as<std::string>() ? *item.as<std::string>() : format_result(item);
  }
  return out;
}

Value sleep_ms(Session& s, const Args& a) {
  s.poll_until(static_cast<DWORD>(a.integer("MS")), [] { return false; });
  return {};
}

Value lua_values(std::vector<Value> values) {
  if (values.empty()) return {};
  if (values.size() == 1) return values[0];
  std::string text;
  for (const auto& v : values) text += (text.empty() ? "" : "\t") + format_cell(v);
  return Multi{std::move(values), text};
}

Value run_file(Session& s, const Args& a) {
  try {
    return lua_values(s.lua->run_file(a.string("FILE")));
  } catch (const LuaFailure& e) {
    throw std::runtime_error(e.what());
  }
}

Value run_lua(Session& s, const Args& a) {
  try {
    return lua_values(s.lua->run_chunk(a.string("CODE"), "=lua"));
  } catch (const LuaFailure& e) {
    throw std::runtime_error(e.what());
  }
}

Value exit_shell(Session&, const Args& a) {
  // Handles close and children end (their job) as the process exits.
  std::exit(static_cast<int>(a.integer("CODE", 0)));
}

const CommandRegistration registration{
    {"help", "session", "list the commands, or explain one",
     {{"COMMAND", ArgType::string, {}, true}}, {}, help},
    {"vars", "session", "list the shell variables", {}, {}, vars},
    {"echo", "session", "print the words (and variables) given",
     {{"TEXT", ArgType::any, {}, true, true}}, {}, echo},
    {"sleep", "session", "pause for MS milliseconds (Ctrl+C ends it early)",
     {{"MS", ArgType::integer}}, {}, sleep_ms},
    {"run", "session", "run a Lua scenario file in this shell's Lua state",
     {{"FILE", ArgType::string}}, {}, run_file},
    {"lua", "session", "run Lua code (an expression's values are printed)",
     {{"CODE", ArgType::text}}, {}, run_lua},
    {"exit", "session", "leave the shell with exit code CODE (default 0)",
     {{"CODE", ArgType::integer, {}, true}}, {}, exit_shell},
};

}  // namespace
}  // namespace ipcsh
