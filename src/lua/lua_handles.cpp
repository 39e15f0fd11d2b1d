// Handle objects in Lua: fields, methods found by kind, tostring, <close>,
// __gc (drops the reference only), ==; ipc.handle; the error objects' metatable.
#include "lua_internal.hpp"

#include "lua_values.hpp"
#include "session/fields.hpp"
#include "session/format.hpp"
#include "session/handle.hpp"

namespace ipcsh {

HandleRef& checked_handle(lua_State* L, int index) {
  auto* ref = test_handle(L, index);
  if (!ref) luaL_typeerror(L, index, handle_meta);
  if (!*ref) luaL_error(L, "a handle object whose __gc was called holds nothing");
  return *ref;
}

// handle.value / .kind / .name / .inherit / .pid / .closed (fields.cpp),
// then methods: any command whose first parameter takes this kind, as
// h:command(...).
int handle_index(lua_State* L) {
  HandleRef& h = checked_handle(L, 1);
  std::string_view key = luaL_checkstring(L, 2);
  if (auto field = handle_field(*h, key)) return push_value(L, *field);
  // Methods are looked up once per kind and name, then kept as closures in
  // a table (this function's second upvalue): a loop calling w:send must
  // not search the command table each time.
  lua_pushvalue(L, lua_upvalueindex(2));
  if (lua_rawgeti(L, -1, static_cast<lua_Integer>(h->kind) + 1) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawseti(L, -3, static_cast<lua_Integer>(h->kind) + 1);
  }
  lua_pushvalue(L, 2);
  if (lua_rawget(L, -2) != LUA_TNIL) return 1;  // a closure, or false: no such method
  lua_pop(L, 1);
  // A short method of this kind first (ev:set() is set-event, view:read()
  // read-mem), then any command by its Lua name.
  const Command* command = nullptr;
  for (const auto& c : all_commands())
    if (c.method == key && c.short_method_of(h->kind)) command = &c;
  if (!command) command = find_lua_command(key);
  bool takes_handle = command && command->method_of(h->kind);
  if (takes_handle) push_command_function(L, session_of(L), *command, true);
  else lua_pushboolean(L, false);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, -2);
  lua_rawset(L, -4);
  if (!takes_handle) lua_pushnil(L);
  return 1;
}

int handle_tostring(lua_State* L) {
  lua_pushstring(L, handle_line(*checked_handle(L, 1)).c_str());
  return 1;
}

int handle_close(lua_State* L) {  // __close: leaving a `local h <close>` scope
  HandleRef& h = checked_handle(L, 1);
  int results = guarded(L, "close", [&] {
    if (!h->closed()) h->close();
    session_of(L).forget_closed();
    return 0;
  });
  return results >= 0 ? results : lua_error(L);
}

int handle_gc(lua_State* L) {  // drops the reference only: the handle stays open
  // reset, not destroy: calling it twice (by hand) stays harmless.
  if (auto* ref = test_handle(L, 1)) ref->reset();
  else luaL_typeerror(L, 1, handle_meta);
  return 0;
}

int handle_eq(lua_State* L) {
  auto* a = test_handle(L, 1);
  auto* b = test_handle(L, 2);
  lua_pushboolean(L, a && b && *a && a->get() == b->get());
  return 1;
}

int error_tostring(lua_State* L) {  // the shell's line for the same error
  lua_getfield(L, 1, "line");
  return 1;
}

// ipc.handle(VALUE [, KIND]): wraps a value this process already holds.
int lua_wrap_handle(lua_State* L) {
  int results = guarded(L, "handle", [&] {
    std::int64_t value = handle_value_arg(to_value(L, 1), "VALUE", 1);
    const char* kind = luaL_optstring(L, 2, nullptr);
    HandleRef ref = session_of(L).resolve(value);
    if (kind && kind_name(ref->kind) != kind) {
      // The kernel's type decides; KIND may only say which file-like thing
      // an adopted File handle is (a pipe, a mailslot, a socket).
      static constexpr KindSet refinable{Kind::file, Kind::pipe, Kind::mailslot, Kind::socket};
      Kind wanted = Kind::other;
      for (int k = 0; k < static_cast<int>(Kind::other); ++k)
        if (kind_name(static_cast<Kind>(k)) == kind) wanted = static_cast<Kind>(k);
      if (wanted == Kind::other) throw UsageError(fmt::format("KIND: unknown kind '{}'", kind), 2);
      bool adopted_file = ref->adopted && refinable.has(ref->kind) && refinable.has(wanted);
      if (!adopted_file)
        throw UsageError(fmt::format("KIND: {} is a {} here, not a {}", ref->value_text(), kind_name(ref->kind), kind), 2);
      ref->kind = wanted;
    }
    push_handle(L, ref);
    return 1;
  });
  return results >= 0 ? results : lua_error(L);
}


// The handle objects' metatable and the error objects'.
void register_metatables(lua_State* L, Session& session) {
  luaL_newmetatable(L, handle_meta);
  register_handle_meta(L);
  lua_pushlightuserdata(L, &session);
  lua_newtable(L);  // the methods found so far, by kind
  lua_pushcclosure(L, handle_index, 2);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, handle_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushlightuserdata(L, &session);
  lua_pushcclosure(L, handle_close, 1);
  lua_setfield(L, -2, "__close");
  lua_pushcfunction(L, handle_gc);
  lua_setfield(L, -2, "__gc");
  lua_pushcfunction(L, handle_eq);
  lua_setfield(L, -2, "__eq");
  lua_pushliteral(L, "ipcsh.handle");  // getmetatable(h) shows this, not the table with __gc
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);

  luaL_newmetatable(L, error_meta);
  lua_pushcfunction(L, error_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pop(L, 1);

}

}  // namespace ipcsh
