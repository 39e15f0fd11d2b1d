// The ipc library: one function per command row, ipc.handle, ipc.vars,
// ipc.commands, skip(), print, and the prelude of scenario helpers.
#include "lua_internal.hpp"
#include "core/shapes.hpp"
#include "session/executor.hpp"

#include "console/console.hpp"
#include "core/syntax.hpp"
#include "lua_values.hpp"

namespace ipcsh {

int lua_print(lua_State* L) {
  int n = lua_gettop(L);
  std::string line;
  for (int i = 1; i <= n; ++i) {
    std::size_t len = 0;
    const char* s = luaL_tolstring(L, i, &len);
    if (i > 1) line += '\t';
    line.append(s, len);
    lua_pop(L, 1);
  }
  write_out_as_is(*engine_of(L).session().output, line + "\n");
  return 0;
}


const char* type_name(ArgType t) {
  switch (t) {
    case ArgType::string: return "string";
    case ArgType::name: return "name";
    case ArgType::integer: return "integer";
    case ArgType::choice: return "choice";
    case ArgType::callback: return "callback";
    case ArgType::message: return "message";
    case ArgType::handle: return "handle";
    case ArgType::handles: return "handles";
    case ArgType::timeout: return "timeout";
    case ArgType::boolean: return "boolean";
    case ArgType::boolean_or_handles: return "boolean_or_handles";
    case ArgType::text: return "text";
    case ArgType::strings: return "strings";
    case ArgType::any: return "any";
    case ArgType::variables: return "variables";
  }
  return "?";
}

// One parameter or flag as data: name, type, and what it accepts.
template <class P>
void push_parameter(lua_State* L, const P& p) {
  lua_createtable(L, 0, 8);
  lua_pushlstring(L, p.name.data(), p.name.size());
  lua_setfield(L, -2, "name");
  lua_pushstring(L, type_name(p.type));
  lua_setfield(L, -2, "type");
  if (p.type == ArgType::integer) {
    lua_pushinteger(L, p.range.min);
    lua_setfield(L, -2, "min");
    lua_pushinteger(L, p.range.max);
    lua_setfield(L, -2, "max");
  }
  if (p.type == ArgType::handle || p.type == ArgType::handles) {
    lua_pushstring(L, p.kinds.describe().c_str());
    lua_setfield(L, -2, "kinds");
  }
  lua_createtable(L, static_cast<int>(p.choices.size()), 0);
  for (std::size_t i = 0; i < p.choices.size(); ++i) {
    lua_pushlstring(L, p.choices[i].data(), p.choices[i].size());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "choices");
}

// A shell variable as one Lua value: a result with named parts ($p.read,
// $p.write) as a table of them.
void push_variable(lua_State* L, const Value& v) {
  if (auto r = v.as<Result>(); r && r->names.size() > 1 && r->lua_count > 1) {
    lua_createtable(L, 0, static_cast<int>(r->names.size()));
    for (std::size_t i = 0; i < r->names.size() && i < r->values.size(); ++i) {
      lua_pushlstring(L, r->names[i].data(), r->names[i].size());
      int n = push_value(L, r->values[i]);
      if (n == 0) lua_pushnil(L);
      if (n > 1) lua_pop(L, n - 1);
      lua_rawset(L, -3);
    }
    return;
  }
  int n = push_value(L, v);
  if (n == 0) lua_pushnil(L);
  if (n > 1) lua_pop(L, n - 1);
}

// ipc.vars: the shell's variables as Lua values, both ways.
int vars_index(lua_State* L) {
  Session& session = session_of(L);
  auto it = session.variables.named.find(luaL_checkstring(L, 2));
  if (it == session.variables.named.end()) lua_pushnil(L);
  else push_variable(L, it->second);
  return 1;
}

int vars_newindex(lua_State* L) {
  Session& session = session_of(L);
  std::string name = luaL_checkstring(L, 2);
  int results = guarded(L, "vars", [&] {
    if (!is_identifier(name)) throw UsageError(fmt::format("'{}' is not a variable name", name.substr(0, 40)));
    if (lua_isnil(L, 3)) session.variables.named.erase(name);
    else session.set_var(name, to_value(L, 3));
    return 0;
  });
  return results >= 0 ? results : lua_error(L);
}

int vars_all(lua_State* L) {  // ipc.vars(): a plain table of them all
  Session& session = session_of(L);
  lua_createtable(L, 0, static_cast<int>(session.variables.named.size()));
  for (const auto& [name, value] : session.variables.named) {
    push_variable(L, value);
    lua_setfield(L, -2, name.c_str());
  }
  return 1;
}

int vars_call(lua_State* L) {  // ipc.vars(): takes nothing (an argument would be ignored)
  if (lua_gettop(L) > 1)
    return luaL_error(L, "ipc.vars() takes no arguments (ipc.vars.NAME or ipc.vars[NAME] reads one)");
  return vars_all(L);
}

int vars_pairs(lua_State* L) {  // pairs(ipc.vars)
  lua_getglobal(L, "next");
  vars_all(L);
  lua_pushnil(L);
  return 3;
}

// ipc.commands(): the command table as data (name, lua, family, summary,
// params {name, type, optional, variadic, min, max, kinds, choices}, flags).
int lua_commands(lua_State* L) {
  const auto& all = all_commands();
  lua_createtable(L, static_cast<int>(all.size()), 0);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Command& c = all[i];
    lua_createtable(L, 0, 7);
    lua_pushlstring(L, c.name.data(), c.name.size());
    lua_setfield(L, -2, "name");
    lua_pushstring(L, c.lua_name().c_str());
    lua_setfield(L, -2, "lua");
    lua_pushlstring(L, c.family.data(), c.family.size());
    lua_setfield(L, -2, "family");
    lua_pushlstring(L, c.summary.data(), c.summary.size());
    lua_setfield(L, -2, "summary");
    lua_pushboolean(L, c.lua_only);
    lua_setfield(L, -2, "lua_only");
    lua_createtable(L, static_cast<int>(c.params.size()), 0);
    for (std::size_t j = 0; j < c.params.size(); ++j) {
      push_parameter(L, c.params[j]);
      lua_pushboolean(L, c.params[j].optional);
      lua_setfield(L, -2, "optional");
      lua_pushboolean(L, c.params[j].variadic);
      lua_setfield(L, -2, "variadic");
      lua_rawseti(L, -2, static_cast<lua_Integer>(j + 1));
    }
    lua_setfield(L, -2, "params");
    lua_createtable(L, static_cast<int>(c.flags.size()), 0);
    for (std::size_t j = 0; j < c.flags.size(); ++j) {
      push_parameter(L, c.flags[j]);
      lua_rawseti(L, -2, static_cast<lua_Integer>(j + 1));
    }
    lua_setfield(L, -2, "flags");
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  return 1;
}

// skip(reason): ends the scenario as skipped; like exit, pcall cannot catch it.
int lua_skip(lua_State* L) {
  LuaEngine& engine = engine_of(L);
  engine.skip_reason = luaL_optstring(L, 1, "skipped");
  engine.unwind(LuaEngine::Unwind::skip);
  return luaL_error(L, "skipped: %s", engine.skip_reason.c_str());
}

// ipc.run(TEXT): shell text run as if typed, each command invoked once
// (observers see shell lines), and the results it gave back: nothing, one
// value, or several.
int lua_run_text(lua_State* L) {
  Session& session = session_of(L);
  std::size_t size = 0;
  const char* text = luaL_checklstring(L, 1, &size);
  int results = guarded(L, "run", [&] {
    Session::LuaWhereScope at(session, {L, calling_line});
    std::vector<Value> values;
    execute_line(session, std::string_view(text, size), [&](const CommandText&, const Value& v) {
      if (!v.is_nil()) values.push_back(v);
    });
    if (values.empty()) return 0;
    if (values.size() == 1) return push_value(L, values[0]);
    return push_value(L, Result{std::string(shape::values), std::move(values), {}, Result::all});
  });
  return results >= 0 ? results : lua_error(L);
}

// Helpers every scenario has (README: Tests). Written in Lua: they only
// combine what the ipc library offers.
constexpr const char* prelude = R"lua(
function expect_error(what, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then error(("expected the error %s, but the call succeeded"):format(tostring(what)), 2) end
  if type(err) == "table" and (err.name == what or err.code == what) then return err end
  if type(what) == "string" and tostring(err):find(what, 1, true) then return err end
  error(("expected the error %s, got: %s"):format(tostring(what), tostring(err)), 2)
end
function eventually(fn, ms)
  ms = ms or 5000
  local waited = 0
  while true do
    local value = fn()
    if value then return value end
    if waited >= ms then error(("not true within %d ms"):format(ms), 2) end
    ipc.sleep(10)
    waited = waited + 10
  end
end
)lua";

int open_ipc(lua_State* L) {
  auto& session = *static_cast<Session*>(lua_touserdata(L, lua_upvalueindex(1)));
  lua_newtable(L);
  for (const auto& command : all_commands()) {
    push_command_function(L, session, command, false);
    lua_setfield(L, -2, command.lua_name().c_str());
  }
  lua_pushlightuserdata(L, &session);
  lua_pushcclosure(L, lua_wrap_handle, 1);
  lua_setfield(L, -2, "handle");
  lua_pushcfunction(L, lua_commands);
  lua_setfield(L, -2, "commands");
  lua_pushlightuserdata(L, &session);
  lua_pushcclosure(L, lua_run_text, 1);
  lua_setfield(L, -2, "run");
  lua_newtable(L);  // ipc.vars
  lua_createtable(L, 0, 4);
  const std::pair<const char*, lua_CFunction> meta[] = {
      {"__index", vars_index}, {"__newindex", vars_newindex}, {"__call", vars_call}, {"__pairs", vars_pairs}};
  for (const auto& [event, fn] : meta) {
    lua_pushlightuserdata(L, &session);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, event);
  }
  lua_setmetatable(L, -2);
  lua_setfield(L, -2, "vars");
  return 1;
}


// `ipc` (a global, and what require "ipc" returns), skip() and the prelude.
void open_library(lua_State* L, Session& session) {
  // `ipc` is a global and also what require "ipc" returns.
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "loaded");
  lua_pushlightuserdata(L, &session);
  lua_pushcclosure(L, open_ipc, 1);
  lua_call(L, 0, 1);
  lua_pushvalue(L, -1);
  lua_setglobal(L, "ipc");
  lua_setfield(L, -2, "ipc");
  lua_pop(L, 2);
  lua_pushlightuserdata(L, &session);
  lua_pushcclosure(L, lua_skip, 1);
  lua_setglobal(L, "skip");
  if (luaL_dostring(L, prelude) != LUA_OK) throw std::runtime_error(lua_tostring(L, -1));
}

}  // namespace ipcsh
