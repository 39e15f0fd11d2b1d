// ipcsh --lua-defs: a LuaLS definition file (---@meta) for every ipc.
// function, its options table and its returns, from the rows.
#include <set>

#include <fmt/format.h>

#include "command_docs.hpp"
#include "command_docs_internal.hpp"

namespace ipcsh {
using namespace docs;
namespace {

std::string comment(std::string_view text) { return "--- " + one_line(text) + "\n"; }

// ---@param lines and the parameter list of a function or method; `from`:
// the first row parameter it takes (1 for a method: self is the first).
std::pair<std::string, std::vector<std::string>> parameters(const Command& c, std::size_t from, bool method) {
  std::string notes;
  std::vector<std::string> names;
  auto add = [&](const std::string& name, const std::string& type, bool optional, std::string_view about) {
    notes += fmt::format("---@param {}{} {}{}\n", name, optional && name != "..." ? "?" : "", type,
                         about.empty() ? "" : " " + one_line(about));
    names.push_back(name);
  };
  if (method && !c.method_args.empty()) {
    for (auto m : c.method_args) {
      auto f = std::find_if(c.flags.begin(), c.flags.end(), [&](const Flag& flag) { return flag.name == m; });
      if (f != c.flags.end()) add(lua_identifier(m), lua_type(*f), true, f->help);
    }
  } else {
    for (std::size_t i = from; i < c.params.size(); ++i) {
      const auto& p = c.params[i];
      std::string type = lua_type(p);
      if (p.variadic) {
        // a list given as one table may carry the options too: ipc.wait{a, b, timeout = 0}
        if (!c.flags.empty()) type += "|" + options_class(c);
        add("...", type, p.optional, "");
        return {notes, names};  // the options come in the same list
      }
      // The options table may come in its place: ipc.spawn{agent = true}.
      if (p.optional && !c.flags.empty()) type += "|" + options_class(c);
      add(lua_identifier(p.name), type, p.optional, "");
    }
  }
  if (!c.flags.empty()) add("options", options_class(c), true, "");
  return {notes, names};
}

std::string returns_lines(const Command& c) {
  std::string out;
  for (const auto& r : c.returns.values)
    out += fmt::format("---@return {} {}{}\n", returned_type(c, r), r.name == "..." ? "..." : lua_identifier(r.name),
                       r.about.empty() ? "" : " " + one_line(r.about));
  return out;
}

void result_classes(std::string& out, const Command& c) {
  for (const auto& r : c.returns.values) {
    if (r.fields.empty() || (r.type != LuaType::record && r.type != LuaType::rows)) continue;
    out += fmt::format("---@class {}\n", result_class(c, r));
    for (const auto& f : r.fields)
      out += fmt::format("---@field {}{} {}{}\n", f.name, f.optional ? "?" : "", lua_type(f.type),
                         f.about.empty() ? "" : " " + one_line(f.about));
    out += "\n";
  }
}

void options_classes(std::string& out, const Command& c) {
  if (c.flags.empty()) return;
  out += fmt::format("---@class {}\n", options_class(c));
  for (const auto& f : c.flags)
    out += fmt::format("---@field {}? {}{}\n", dashes_to_underscores(f.name), lua_type(f),
                       f.help.empty() ? "" : " " + one_line(f.help));
  out += "\n";
}

std::string table_name(Kind kind) { return fmt::format("ipcsh_{}", kind_name(kind)); }

void method(std::string& out, const std::string& table, std::string_view name, const Command& c) {
  auto [notes, names] = parameters(c, 1, true);
  out += comment(fmt::format("{} (`{}`)", c.summary, c.name));
  out += notes;
  out += returns_lines(c);
  out += fmt::format("function {}:{}({}) end\n\n", table, name, joined(names, ", "));
}

constexpr const char* fixed_head = R"lua(---@meta ipc
-- ipcsh's Lua library, for LuaLS (lua-language-server): written by
-- `ipcsh --lua-defs` from the command table. Put it where LuaLS looks
-- (e.g. `ipcsh --lua-defs > ipc.d.lua` next to your scenarios, or a folder
-- in "Lua.workspace.library"); it is read, never run.

---@class ipcsh.error
---@field code? integer the Win32 error code (absent for a usage error)
---@field name string ERROR_FILE_NOT_FOUND, WAIT_TIMEOUT, ... or "usage"
---@field api string the call that failed: CreateFileW, ...
---@field message string the system's text for the code
---@field note? string what ipcsh adds (a hint, the name it was given)
---@field pid? integer the process the failure happened in (an agent)
---@field line string the shell's error line (tostring(err))
---@field where string file:line of the call

---@class ipcsh.handle
---@field value integer the handle value
---@field kind string mailslot, file, pipe, event, mutex, semaphore, timer, mapping, view, process, thread, socket, window, job
---@field name string the object's name ("" for none)
---@field inherit boolean the inherit flag, read live
---@field closed boolean
local ipcsh_handle = {}

---A handle of another process, as an agent's `run` returns it.
---@class ipcsh.remote_handle
---@field kind string
---@field value integer
---@field name string
---@field role string
---@field pid integer the process that holds it
---@field line string how that process describes it
---@field remote boolean always true

)lua";

}  // namespace

std::string lua_definitions() {
  check_rows();
  std::string out = fixed_head;
  // Methods that take a handle of any kind sit on the base class.
  for (const auto& c : all_commands()) {
    if (!c.method_of(Kind::other) || !(c.params[0].kinds.any() || c.params[0].type == ArgType::any)) continue;
    method(out, "ipcsh_handle", c.lua_name(), c);
  }
  for (Kind kind : every_kind) {
    out += fmt::format("---@class {} : ipcsh.handle\n", kind_class(kind));
    if (kind == Kind::process) out += "---@field pid integer the process id\n";
    if (kind == Kind::socket) out += "---@field port? integer the local port\n";
    out += fmt::format("local {} = {{}}\n\n", table_name(kind));
    std::set<std::string> done;
    // A short name first (ev:set() is set-event), as the handle's __index looks.
    std::vector<const Command*> shorts;
    for (const auto& c : all_commands())
      if (c.short_method_of(kind)) shorts.push_back(&c);
    for (auto it = shorts.rbegin(); it != shorts.rend(); ++it)  // the last row with a name wins
      if (done.insert(std::string((*it)->method)).second) method(out, table_name(kind), (*it)->method, **it);
    for (const auto& c : all_commands()) {
      if (!c.method_of(kind) || c.params[0].kinds.any() || c.params[0].type == ArgType::any) continue;
      if (done.insert(c.lua_name()).second) method(out, table_name(kind), c.lua_name(), c);
    }
  }
  out += "ipc = {}\n\n";
  for (const auto& c : all_commands()) {
    if (c.lua_name() == "vars") continue;  // ipc.vars is the library's table, called for the row (below)
    options_classes(out, c);
    result_classes(out, c);
    auto [notes, names] = parameters(c, 0, false);
    out += comment(fmt::format("{} (`{}`{})", c.summary, c.lua_only ? "Lua only: " + std::string(c.name) : c.usage(), ""));
    out += notes;
    out += returns_lines(c);
    out += fmt::format("function ipc.{}({}) end\n\n", c.lua_name(), joined(names, ", "));
  }
  out += R"lua(--- Runs shell text as if typed, each command once; returns its results.
---@param text string
---@return any ...
function ipc.run(text) end

--- Wraps a handle value this process already holds (an inherited one).
---@param value integer
---@param kind? string pipe, mailslot or socket for an adopted File handle
---@return ipcsh.handle
function ipc.handle(value, kind) end

--- The command table as data: name, lua, family, summary, lua_only, params, flags.
---@return table[]
function ipc.commands() end

--- The shell's variables, both ways: ipc.vars.w reads $w, ipc.vars.k = kid sets $k; ipc.vars() gives them all (`vars`).
---@class ipcsh.vars: { [string]: any }
---@overload fun(): table<string, any>
ipc.vars = {}

--- Ends a --test scenario as skipped (pcall cannot catch it).
---@param reason? string
function skip(reason) end

--- Calls fn(...) and fails unless it raises that error (a name, a code, or text the error contains); returns the error.
---@param what string|integer
---@param fn function
---@param ... any
---@return ipcsh.error|string
function expect_error(what, fn, ...) end

--- Calls fn every 10 ms until it returns a true value (returned); fails after ms (default 5000).
---@generic T
---@param fn fun(): T
---@param ms? integer
---@return T
function eventually(fn, ms) end

return ipc
)lua";
  return out;
}

}  // namespace ipcsh
