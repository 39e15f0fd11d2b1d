// Command values <-> Lua values, and handle objects as Lua userdata.
#pragma once
#include "value.hpp"

struct lua_State;

namespace ipcsh {

inline constexpr const char* handle_meta = "ipcsh.handle";

HandleRef* to_handle(lua_State* L, int index);  // nullptr if not a handle
void push_handle(lua_State* L, const HandleRef& ref);
// Pushes a result; returns how many Lua values it became (a Multi is
// several, a Note or nothing none).
int push_value(lua_State* L, const Value& v);
// A Lua value as a command argument: arrays become Lists, other tables
// Records, handle userdata HandleRefs.
Value to_value(lua_State* L, int index);

}  // namespace ipcsh
