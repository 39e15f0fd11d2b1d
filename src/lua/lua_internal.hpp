// What the files of the Lua binding (src/lua/lua_*.cpp) share; not its
// interface (that is lua_binding.hpp). One file each: calls into commands
// and error objects (lua_calls.cpp), handle objects (lua_handles.cpp), a
// running script - Ctrl+C, tracebacks, coroutines (lua_running.cpp), the
// ipc library, ipc.vars, ipc.commands and the prelude (lua_library.cpp),
// the engine (lua_binding.cpp).
#pragma once
#include <windows.h>

#include <mutex>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <lauxlib.h>
#include <lua.h>

#include "core/command.hpp"
#include "core/error.hpp"
#include "lua_binding.hpp"
#include "session/session.hpp"

namespace ipcsh {

constexpr const char* error_meta = "ipcsh.error";

// The session a C function of the library was made for (its upvalue 1).
inline Session& session_of(lua_State* L) {
  return *static_cast<Session*>(lua_touserdata(L, lua_upvalueindex(1)));
}
// The engine that owns L (its allocator's user data).
inline LuaEngine& engine_of(lua_State* L) {
  void* engine = nullptr;
  lua_getallocf(L, &engine);
  return *static_cast<LuaEngine*>(engine);
}

// lua_calls.cpp
void push_error_object(lua_State* L, const Win32Error& e);
void push_error_object(lua_State* L, const RemoteError& e);
void push_command_function(lua_State* L, Session& session, const Command& command, bool as_method);
// "file:line" of the Lua code that called the running C function; "" from C.
std::string calling_line(void* state);

// Runs `body` and turns our C++ exceptions into a pushed Lua error value;
// returns the number of results, or -1 when an error value was pushed.
template <class Body>
int guarded(lua_State* L, std::string_view function, Body&& body) {
  try {
    return body();
  } catch (const Win32Error& e) {
    push_error_object(L, e);
  } catch (const RemoteError& e) {
    push_error_object(L, e);
  } catch (const UsageError& e) {
    std::string name = e.lua_name().empty() ? std::string(function) : e.lua_name();
    luaL_where(L, 1);
    if (e.position() > 0)
      lua_pushfstring(L, "bad argument #%d to '%s' (%s)", e.position(), name.c_str(), e.what());
    else
      lua_pushfstring(L, "%s: %s", name.c_str(), e.what());
    lua_concat(L, 2);
  } catch (const Interrupted&) {
    engine_of(L).unwind(LuaEngine::Unwind::interrupt);
    lua_pushstring(L, "interrupted");
  } catch (const ExitRequest& e) {
    session_of(L).exit_code = e.code;
    engine_of(L).unwind(LuaEngine::Unwind::exit);
    lua_pushstring(L, "exit");
  } catch (const LuaFailure& e) {
    lua_pushstring(L, e.what());
    engine_of(L).relayed_failure = lua_topointer(L, -1);
  } catch (const std::exception& e) {
    luaL_where(L, 1);
    if (runtime_library_error(e))
      lua_pushstring(L, internal_error_text(function, e).c_str());
    else
      lua_pushfstring(L, "%s: %s", std::string(function).c_str(), e.what());
    lua_concat(L, 2);
  }
  return -1;
}


// lua_handles.cpp
void register_metatables(lua_State* L, Session& session);
int lua_wrap_handle(lua_State* L);  // ipc.handle(VALUE [, KIND])

// lua_running.cpp
int message_handler(lua_State* L);
void interrupt_hook(lua_State* L, lua_Debug* debug);
// The script an engine is running now (LuaEngine::running), for Ctrl+C
// from another thread. No hook is set while a script runs (Lua 5.4 looks
// at a set hook on every instruction): Ctrl+C sets one, with the script's
// thread stopped, as lua.c does from its signal handler.
struct Running {
  std::mutex lock;
  lua_State* L = nullptr;
  DWORD thread = 0;
};
void stop_running_script(LuaEngine& engine);
void watch_coroutines(lua_State* L);

// lua_library.cpp
int lua_print(lua_State* L);
void open_library(lua_State* L, Session& session);

}  // namespace ipcsh
