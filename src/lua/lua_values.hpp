// Command values <-> Lua values, and handle objects as Lua userdata.
#pragma once
#include "core/value.hpp"

struct lua_State;

namespace ipcsh {

inline constexpr const char* handle_meta = "ipcsh.handle";

// The handle metatable is also kept by address (in the registry and the
// state's extra space), so that telling a handle from other userdata - on
// every call - compares a pointer, not a name (register_handle_meta).
void register_handle_meta(lua_State* L);  // the metatable on the stack's top
// The HandleRef at `index`, or nullptr if that is no handle object.
HandleRef* test_handle(lua_State* L, int index);

// nullptr if not a handle; throws UsageError for a handle object whose
// __gc was called by hand (it no longer holds anything).
HandleRef* to_handle(lua_State* L, int index);
void push_handle(lua_State* L, const HandleRef& ref);
// Pushes a result; returns how many Lua values it became (a Result gives
// its first lua_count values, nothing gives none).
int push_value(lua_State* L, const Value& v);
// A Lua value as a command argument: arrays become Lists, other tables
// Records, handle userdata HandleRefs, functions Callbacks. Tables nested
// deeper than 32 or cyclic are a UsageError.
Value to_value(lua_State* L, int index);
// The same, but a long string is lent (Borrowed), not copied: for an
// argument of a call that ends before the value on Lua's stack goes.
Value to_value_lent(lua_State* L, int index);

}  // namespace ipcsh
