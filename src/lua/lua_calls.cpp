// Calls from Lua into the command table (ipc.<name>, h:method()) and the
// error objects a failed call raises.
#include "lua_internal.hpp"

#include <optional>

#include "lua_values.hpp"
#include "session/invoke.hpp"

namespace ipcsh {

bool is_options_table(lua_State* L, int index) {
  return lua_type(L, index) == LUA_TTABLE && lua_rawlen(L, index) == 0 && !test_handle(L, index);
}

RawArgs lua_args(lua_State* L, const Command& command, bool as_method, bool lend) {
  RawArgs raw;
  int top = lua_gettop(L);
  raw.positional.reserve(static_cast<std::size_t>(top));
  if (top > 0 && !command.flags.empty() && is_options_table(L, top)) {
    lua_pushnil(L);
    while (lua_next(L, top)) {
      if (lua_type(L, -2) != LUA_TSTRING) throw UsageError("option names must be strings");
      raw.flags.emplace_back(lua_tostring(L, -2), to_value(L, -1));
      lua_pop(L, 1);
    }
    --top;
  }
  for (int i = 1; i <= top; ++i) {
    std::size_t extra = static_cast<std::size_t>(i - 2);
    if (as_method && i >= 2 && extra < command.method_args.size()) {
      raw.flags.emplace_back(std::string(command.method_args[extra]), to_value(L, i));
      continue;
    }
    Value v = lend ? to_value_lent(L, i) : to_value(L, i);
    // An array given for a variadic parameter spreads into it.
    bool spreads = v.as<List>() && !command.params.empty() && command.params.back().variadic &&
                   raw.positional.size() + 1 >= command.params.size();
    if (spreads) {
      for (auto& item : v.as<List>()->items) raw.positional.push_back(item);
      // ipc.wait{a, b, timeout = 0}: the same table's names are the options
      // (a list keeps only its array part, and they would go unheard).
      if (i == top && !command.flags.empty()) {
        lua_pushnil(L);
        while (lua_next(L, i)) {
          if (lua_type(L, -2) == LUA_TSTRING) raw.flags.emplace_back(lua_tostring(L, -2), to_value(L, -1));
          lua_pop(L, 1);
        }
      }
    } else {
      raw.positional.push_back(std::move(v));
    }
  }
  return raw;
}

// The error object Lua gets: a failed call's fields, by name; `code` only
// for a Win32 error, `note` only when ipcsh adds one, `pid` only for a
// failure inside another process.
struct ErrorFields {
  std::optional<long long> code;
  const std::string& name;
  const std::string& api;
  const std::string& message;
  const std::string* note;
  std::optional<unsigned long> pid;
  const char* line;
};

void push_error_object(lua_State* L, const ErrorFields& e) {
  lua_createtable(L, 0, 8);
  auto text = [&](const char* key, const char* value) {
    lua_pushstring(L, value);
    lua_setfield(L, -2, key);
  };
  auto number = [&](const char* key, lua_Integer value) {
    lua_pushinteger(L, value);
    lua_setfield(L, -2, key);
  };
  if (e.code) number("code", static_cast<lua_Integer>(*e.code));
  text("name", e.name.c_str());
  text("api", e.api.c_str());
  text("message", e.message.c_str());
  if (e.note) text("note", e.note->c_str());
  if (e.pid) number("pid", static_cast<lua_Integer>(*e.pid));
  text("line", e.line);
  luaL_where(L, 1);
  lua_setfield(L, -2, "where");
  luaL_setmetatable(L, error_meta);
}

void push_error_object(lua_State* L, const Win32Error& e) {
  push_error_object(L, {static_cast<long long>(e.code()), e.name(), e.api(), e.message(), &e.note(), std::nullopt, e.what()});
}

// A child's failure: the same fields, with the child's pid.
void push_error_object(lua_State* L, const RemoteError& e) {
  push_error_object(L, {e.code(), e.name(), e.api(), e.message(), e.code() ? &e.note() : nullptr, e.pid(), e.what()});
}

// "file:line" of the Lua code that called the running C function; "" from C.
std::string calling_line(void* state) {
  auto* L = static_cast<lua_State*>(state);
  lua_Debug ar;
  if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0)
    return std::string(ar.short_src) + ":" + std::to_string(ar.currentline);
  return {};
}

// The trampoline behind every ipc.<command>: upvalues session, command,
// is-method.
int call_command(lua_State* L) {
  const auto* command = static_cast<const Command*>(lua_touserdata(L, lua_upvalueindex(2)));
  bool as_method = lua_toboolean(L, lua_upvalueindex(3));
  int results = guarded(L, command->lua_name(), [&] {
    Session& session = session_of(L);
    // Where in the script this call is: handles made now remember it (put
    // into words only when one is made).
    Session::LuaWhereScope at(session, {L, calling_line});
    // A long string argument is lent, not copied, when no observer keeps
    // the arguments (they stay on Lua's stack for the whole call).
    Value result = invoke(session, *command, lua_args(L, *command, as_method, session.observers.by_name.empty()));
    return push_value(L, result);
  });
  return results >= 0 ? results : lua_error(L);
}

void push_command_function(lua_State* L, Session& session, const Command& command, bool as_method) {
  lua_pushlightuserdata(L, &session);
  lua_pushlightuserdata(L, const_cast<Command*>(&command));
  lua_pushboolean(L, as_method);
  lua_pushcclosure(L, call_command, 3);
}

}  // namespace ipcsh
