// What the command table generates besides the parser, `help` and the Lua
// functions: docs/commands.md (`ipcsh --commands-md`, the part below the
// marker; the suite checks that the committed file matches) and a LuaLS
// definition file (`ipcsh --lua-defs > ipc.d.lua`, written in lua_defs.cpp
// with the helpers here). Both are read from the rows only; the one fixed
// text is the part about what is not a row (ipc.run, ipc.handle, ipc.vars,
// ipc.commands and the scenario helpers).
#include "command_docs.hpp"
#include "command_docs_internal.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "core/command.hpp"

namespace ipcsh {
namespace docs {

std::string joined(const std::vector<std::string>& parts, std::string_view between) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? std::string(between) : "") + parts[i];
  return out;
}

// ---- shared facts ---------------------------------------------------------

std::string range_words(const Range& r) {
  auto bound = [](std::int64_t v) {
    if (v == INT64_MAX) return std::string("2^63-1");
    if (v == INT64_MIN) return std::string("-2^63");
    return std::to_string(v);
  };
  return bound(r.min) + ".." + bound(r.max);
}

std::string kinds_words(const KindSet& kinds) { return kinds.any() ? "any kind" : kinds.describe(); }

// Every command a row declares, in the families' order, by name within one.
std::vector<const Command*> rows_of(std::string_view family) {
  std::vector<const Command*> out;
  for (const auto& c : all_commands())
    if (c.family == family) out.push_back(&c);
  return out;
}

void check_rows() {
  for (const auto& c : all_commands())
    if (!c.returns.given)
      throw std::runtime_error(fmt::format("the row of '{}' does not say what it returns (.returns)", c.name));
}

// A parameter's or flag's name as a Lua identifier: NAME -> name, FILE.lua -> file_lua.
std::string lua_identifier(std::string_view name) {
  static const std::set<std::string> keywords{"and",  "break", "do",   "else", "elseif", "end",   "false", "for",
                                               "function", "goto", "if", "in", "local", "nil", "not", "or",
                                               "repeat", "return", "then", "true", "until", "while"};
  std::string out;
  for (char ch : name) {
    if (ch >= 'A' && ch <= 'Z') out += static_cast<char>(ch - 'A' + 'a');
    else if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_') out += ch;
    else if (ch == '-' || ch == '.') out += '_';
  }
  if (out.empty() || (out[0] >= '0' && out[0] <= '9')) out = "_" + out;
  if (keywords.count(out)) out += "_";
  return out;
}

// What a value of this type is, in words (docs/commands.md).
template <class P>
std::string accepts_words(const P& p) {
  switch (p.type) {
    case ArgType::string: return "bytes (any, NUL included)";
    case ArgType::name: return "a name: text without NUL, not empty";
    case ArgType::integer: return "an integer " + range_words(p.range);
    case ArgType::choice: {
      std::vector<std::string> words;
      for (auto c : p.choices) words.push_back(fmt::format("`{}`", c));
      return "one of " + joined(words, ", ");
    }
    case ArgType::callback: return "shell: on/off; Lua: true/false or a function(line)";
    case ArgType::message: return "a window message: a number or a name (`WM_USER+1`, `WM_CLOSE`)";
    case ArgType::handle: return "a handle: " + kinds_words(p.kinds);
    case ArgType::handles:
      return "handles (" + kinds_words(p.kinds) + "): shell `H,H,...`; Lua a handle or an array of them";
    case ArgType::timeout: return "milliseconds 0..4294967294 or `forever`";
    case ArgType::boolean: return "a switch (also `=yes`/`=no`); Lua true/false";
    case ArgType::boolean_or_handles: return "a switch; Lua: true, or an array of handles (" + kinds_words(p.kinds) + ")";
    case ArgType::text: {
      std::string out = "the rest of the line, verbatim";
      if (p.range.max != Range{}.max) out += fmt::format(" (at most {} UTF-16 units)", p.range.max);
      return out;
    }
    case ArgType::strings: return "Lua: an array of strings";
    case ArgType::any: return "any value: a word, a `$variable` or a Lua value";
    case ArgType::variables:
      return "shell: `NAME,NAME...` of shell variables; Lua: `{name = handle, ...}` or an array of handles";
  }
  return "?";
}

// ---- LuaLS types ----------------------------------------------------------

std::string kind_class(Kind kind) { return fmt::format("ipcsh.{}", kind_name(kind)); }

std::string handle_type(const KindSet& kinds) {
  if (kinds.any()) return "ipcsh.handle";
  std::vector<std::string> classes;
  for (Kind k : every_kind)
    if (kinds.has(k)) classes.push_back(kind_class(k));
  return joined(classes, "|");
}

template <class P>
std::string lua_type(const P& p) {
  switch (p.type) {
    case ArgType::string: case ArgType::name: case ArgType::text: return "string";
    case ArgType::integer: return "integer";
    case ArgType::choice: {
      std::vector<std::string> words;
      for (auto c : p.choices) words.push_back(fmt::format("\"{}\"", c));
      return joined(words, "|");
    }
    case ArgType::callback: return "boolean|fun(line: string)";
    case ArgType::message: return "integer|string";
    case ArgType::handle: return handle_type(p.kinds) + "|integer";
    case ArgType::handles: return handle_type(p.kinds) + "|(" + handle_type(p.kinds) + ")[]";
    case ArgType::timeout: return "integer|\"forever\"";
    case ArgType::boolean: return "boolean";
    case ArgType::boolean_or_handles: return "boolean|(" + handle_type(p.kinds) + ")[]";
    case ArgType::strings: return "string[]";
    case ArgType::any: return "any";
    case ArgType::variables: return "table<string, ipcsh.handle>|ipcsh.handle[]";
  }
  return "any";
}
std::string lua_type(const Param& p) { return lua_type<Param>(p); }
std::string lua_type(const Flag& f) { return lua_type<Flag>(f); }

std::string options_class(const Command& c) { return fmt::format("ipcsh.{}.options", c.lua_name()); }
std::string result_class(const Command& c, const Returned& r) {
  return fmt::format("ipcsh.{}.{}", c.lua_name(), r.type == LuaType::rows ? "row" : "result");
}

std::string lua_type(LuaType t) {
  switch (t) {
    case LuaType::handle: return "ipcsh.handle";
    case LuaType::string: return "string";
    case LuaType::integer: return "integer";
    case LuaType::boolean: return "boolean";
    case LuaType::record: return "table";
    case LuaType::rows: return "table[]";
    case LuaType::any: return "any";
  }
  return "any";
}

std::string returned_type(const Command& c, const Returned& r) {
  std::string t = lua_type(r.type);
  if (r.type == LuaType::handle && r.kind) t = kind_class(*r.kind);
  if (r.type == LuaType::record && !r.fields.empty()) t = result_class(c, r);
  if (r.type == LuaType::rows && !r.fields.empty()) t = result_class(c, r) + "[]";
  if (r.type == LuaType::any) return "any";
  return r.optional ? (t.find('|') != std::string::npos ? "(" + t + ")?" : t + "?") : t;
}

std::string one_line(std::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

// ---- docs/commands.md -----------------------------------------------------

std::string cell(std::string_view text) {
  std::string out;
  for (char ch : text) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
  return out;
}

std::string returned_words(const Returned& r) {
  std::string what;
  switch (r.type) {
    case LuaType::handle: what = r.kind ? fmt::format("a {} handle", kind_name(*r.kind)) : "a handle"; break;
    case LuaType::string: what = "a string"; break;
    case LuaType::integer: what = "an integer"; break;
    case LuaType::boolean: what = "a boolean"; break;
    case LuaType::record: what = "a table"; break;
    case LuaType::rows: what = "an array of rows"; break;
    case LuaType::any: what = "any values"; break;
  }
  if (r.optional) what += " or nil";
  std::string out = fmt::format("`{}`: {}", r.name, what);
  if (!r.about.empty()) out += ", " + std::string(r.about);
  if (!r.fields.empty()) {
    std::vector<std::string> fields;
    for (const auto& f : r.fields) {
      std::string one = fmt::format("`{}` {}{}", f.name, lua_type(f.type), f.optional ? "?" : "");
      if (!f.about.empty()) one += " (" + std::string(f.about) + ")";
      fields.push_back(one);
    }
    out += fmt::format("; {}: {}", r.type == LuaType::rows ? "each row has" : "fields", joined(fields, ", "));
  }
  return out;
}

// The positional part of a Lua call: NAME, H, ... (variadic: H...)
std::vector<std::string> lua_positionals(const Command& c, std::size_t from) {
  std::vector<std::string> out;
  for (std::size_t i = from; i < c.params.size(); ++i) {
    const auto& p = c.params[i];
    std::string shown = std::string(p.name) + (p.variadic ? "..." : "");
    out.push_back(p.optional ? "[" + shown + "]" : shown);
  }
  return out;
}

std::string lua_call_form(const Command& c) {
  auto args = lua_positionals(c, 0);
  std::string list = joined(args, ", ");
  if (!c.flags.empty()) list += list.empty() ? "[options]" : " [, options]";
  return fmt::format("ipc.{}({})", c.lua_name(), list);
}

std::vector<std::string> method_forms(const Command& c) {
  if (c.params.empty() || !(c.params[0].type == ArgType::handle || c.params[0].type == ArgType::any)) return {};
  std::vector<std::string> args;
  if (!c.method_args.empty()) {
    for (auto m : c.method_args) args.push_back(fmt::format("[{}]", dashes_to_underscores(m)));
  } else {
    args = lua_positionals(c, 1);
  }
  std::string list = joined(args, ", ");
  if (!c.flags.empty()) list += list.empty() ? "[options]" : " [, options]";
  std::vector<std::string> out;
  if (!c.method.empty()) out.push_back(fmt::format("`h:{}({})`", c.method, list));
  if (c.method != c.lua_name()) out.push_back(fmt::format("`h:{}({})`", c.lua_name(), list));
  return out;
}

void command_section(std::string& out, const Command& c) {
  out += fmt::format("### {}\n\n", c.name);
  if (c.lua_only) out += fmt::format("Lua only (no shell command).\n\n");
  else out += fmt::format("`{}`\n\n", c.usage());
  out += fmt::format("{}.\n\n", one_line(c.summary));
  if (!c.params.empty() || !c.flags.empty()) {
    out += "| | name | Lua | takes | notes |\n|---|---|---|---|---|\n";
    for (std::size_t i = 0; i < c.params.size(); ++i) {
      const auto& p = c.params[i];
      std::string how = p.optional ? "optional" : "";
      if (p.variadic) how += std::string(how.empty() ? "" : ", ") + "one or more";
      out += fmt::format("| parameter {} | `{}` | argument {} | {} | {} |\n", i + 1, p.name, i + 1, cell(accepts_words(p)),
                         cell(how));
    }
    for (const auto& f : c.flags) {
      std::string shown = fmt::format("--{}{}{}", f.name, f.value_name.empty() ? "" : " ", f.value_name);
      out += fmt::format("| flag | `{}` | `{}` | {} | {} |\n", cell(shown), dashes_to_underscores(f.name),
                         cell(accepts_words(f)), cell(f.help));
    }
    out += "\n";
  }
  out += fmt::format("Lua: `{}`", lua_call_form(c));
  auto methods = method_forms(c);
  if (!methods.empty()) {
    std::string on = c.params[0].type == ArgType::any || c.params[0].kinds.any() ? "any handle"
                                                                                 : "a " + c.params[0].kinds.describe();
    out += fmt::format("; on {} `h`: {}", on, joined(methods, " or "));
    if (!c.method_args.empty()) {
      std::vector<std::string> mapped;
      for (auto m : c.method_args) mapped.push_back(fmt::format("`--{}`", m));
      out += fmt::format(" (a value after `h` is {})", joined(mapped, ", "));
    }
  }
  out += ".\n\n";
  if (c.returns.values.empty()) {
    out += "Returns nothing to Lua";
  } else if (c.returns.values.size() == 1) {
    out += "Returns " + returned_words(c.returns.values[0]);
  } else {
    out += "Returns, in order:\n";
    for (const auto& r : c.returns.values) out += "\n- " + returned_words(r);
    out += "\n";
  }
  if (!c.returns.note.empty()) out += fmt::format("{}{}", c.returns.values.size() > 1 ? "\n" : ". ", one_line(c.returns.note));
  if (out.back() != '\n') out += ".\n";
  out += "\n";
}

constexpr const char* lua_library_section = R"md(## Lua functions that are not rows

These are part of the library itself, not of the command table:

- `ipc.run(TEXT)`: runs shell text (`"create-event x --manual; set-event $x"`)
  as if typed, each command once, and returns its results: nothing, one
  value, or one per command that returned something.
- `ipc.handle(VALUE [, KIND])`: wraps a handle value this process already
  holds (an inherited one) as a handle object; KIND may only say which
  file-like thing an adopted File handle is (`pipe`, `mailslot`, `socket`).
- `ipc.vars`: the shell's variables as Lua values, both ways: `ipc.vars.w`
  reads `$w`, `ipc.vars.k = kid` sets `$k`, `ipc.vars.k = nil` removes it;
  `ipc.vars()` and `pairs(ipc.vars)` give them all (a result with named
  parts is a table of them: `ipc.vars.p.write`).
- `ipc.commands()`: the command table as data: for each row `name`, `lua`,
  `family`, `summary`, `lua_only`, `params` and `flags` (each with `name`,
  `type`, `choices`, and `min`/`max`, `kinds`, `optional`, `variadic` where
  they apply).
- `skip(reason)`: ends a `--test` scenario as skipped; like `exit`, `pcall`
  cannot catch it.
- `expect_error(NAME_OR_CODE_OR_TEXT, fn, ...)`: calls `fn(...)`, fails
  unless it raises an error with that `name` or `code` (or whose text
  contains the string); returns the error object.
- `eventually(fn, ms)`: calls `fn` every 10 ms until it returns a true
  value, which it returns; fails after `ms` (default 5000).

A failed Win32 call raises an error object: `code`, `name`, `api`,
`message`, `note` (when ipcsh adds one), `pid` (a failure inside an agent),
`line` (the shell's error line, also `tostring(err)`) and `where`. A bad
argument raises a plain Lua error naming the parameter.
)md";

}  // namespace docs

using namespace docs;

std::string commands_markdown() {
  check_rows();
  std::string out;
  out += "## Index\n\n";
  for (auto family : families()) {
    std::vector<std::string> names;
    for (const auto* c : rows_of(family)) names.push_back(fmt::format("[{}](#{})", c->name, c->name));
    out += fmt::format("- **{}**: {}\n", family, joined(names, ", "));
  }
  out += "\n";
  for (auto family : families()) {
    out += fmt::format("## {}\n\n", family);
    for (const auto* c : rows_of(family)) command_section(out, *c);
  }
  out += lua_library_section;
  return out;
}

// ---- ipcsh --lua-defs -----------------------------------------------------

}  // namespace ipcsh
