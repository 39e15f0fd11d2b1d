// Lua is compiled as C++ (cmake/dependencies.cmake), so lua_error unwinds
// with an exception and C++ destructors between it and the pcall still run.
// Still, the one trampoline below catches our C++ exceptions and raises the
// Lua error only after every C++ object of the call is gone: the catch(...)
// inside Lua's own pcall would otherwise turn them into an opaque status.
//
// Ctrl+C and `exit` inside Lua: an instruction hook sees them and raises a
// Lua error; while the run is unwinding the hook raises again at every
// instruction, so a pcall in the script cannot swallow it. The outermost
// call then turns it back into Interrupted or ExitRequest.
#include "lua_binding.hpp"

#include <cstdlib>

#include <lualib.h>

#include "lua_internal.hpp"
#include "lua_values.hpp"

namespace ipcsh {
namespace {

// A chunk that did not compile: the compiler's line, cut to a readable
// length; the frames a message handler may have added below it (the
// compiler runs under the running chunk's handler: a C stack overflow
// while loading) stay as they are.
LuaFailure load_failure(std::string_view message) {
  std::size_t end = message.find('\n');
  std::string first = one_line(message.substr(0, end), 400);
  return LuaFailure(end == std::string_view::npos ? first : first + std::string(message.substr(end)));
}

}  // namespace

LuaEngine::LuaEngine(Session& session) : session_(session), running_(std::make_unique<Running>()) {
  L_ = lua_newstate(
      [](void*, void* block, size_t, size_t size) -> void* {
        if (size == 0) {
          free(block);
          return nullptr;
        }
        return realloc(block, size);
      },
      this);
  luaL_openlibs(L_);
  // Generational collection: a script that receives or reads big strings
  // in a loop makes garbage fast while keeping little alive (the state
  // holds ~40 KB), and the incremental collector ran a whole cycle for
  // nearly every 64 KB string; a minor collection looks at young objects
  // only (pipe-bulk, memory: docs/performance.md). collectgarbage("incremental")
  // switches back.
  lua_gc(L_, LUA_GCGEN, 0, 0);
  watch_coroutines(L_);
  lua_pushcfunction(L_, lua_print);
  lua_setglobal(L_, "print");

  register_metatables(L_, session);
  open_library(L_, session);
  session.lua = this;
  session.on_interrupt([this] { stop_running_script(*this); });
}

LuaEngine::~LuaEngine() {
  session_.on_interrupt(nullptr);
  lua_close(L_);
}

std::vector<Value> LuaEngine::call_loaded(int base, int nargs) {
  // Stack: ... handler chunk args. The outermost run watches for Ctrl+C.
  bool outermost = depth_++ == 0;
  Running& running = *running_;
  if (outermost) {
    unwinding_ = Unwind::none;
    std::lock_guard guard(running.lock);
    running.L = L_;
    running.thread = GetCurrentThreadId();
    // A Ctrl+C that came just before is seen at the first instruction.
    if (session_.interrupted) lua_sethook(L_, interrupt_hook, LUA_MASKCOUNT, 1);
    else lua_sethook(L_, nullptr, 0, 0);
  }
  int status = lua_pcall(L_, nargs, LUA_MULTRET, base);
  --depth_;
  if (outermost) {
    std::lock_guard guard(running.lock);
    running.L = nullptr;
    lua_sethook(L_, nullptr, 0, 0);
  }
  // A pcall in the chunk may have caught the raise and the chunk ended
  // before the hook raised again (`lua pcall(function() while true do end
  // end)`): the run is still being unwound, whatever it returned.
  if (status == LUA_OK && unwinding_ != Unwind::none) {
    lua_settop(L_, base - 1);
    lua_pushliteral(L_, "unwound");
    status = LUA_ERRRUN;
  }
  if (status != LUA_OK) {
    std::string message = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "error";
    lua_settop(L_, base - 1);
    Unwind why = unwinding_;
    if (outermost) unwinding_ = Unwind::none;
    if (why == Unwind::exit) throw ExitRequest(session_.exit_code.value_or(0));
    if (why == Unwind::skip) throw SkipRequest(skip_reason);
    if (why == Unwind::interrupt) throw Interrupted();
    throw LuaFailure(message);
  }
  std::vector<Value> values;
  for (int i = base + 1; i <= lua_gettop(L_); ++i) values.push_back(to_value(L_, i));
  lua_settop(L_, base - 1);
  return values;
}

void LuaEngine::unwind(Unwind why) {
  Running& running = *running_;
  unwinding_ = why;
  // raise again at the next instruction, in the coroutine running now too
  lua_sethook(L_, interrupt_hook, LUA_MASKCOUNT, 1);
  std::lock_guard guard(running.lock);
  if (running.L && running.L != L_) lua_sethook(running.L, interrupt_hook, LUA_MASKCOUNT, 1);
}

bool LuaEngine::is_statement(std::string_view code) {
  bool ok = luaL_loadbufferx(L_, code.data(), code.size(), "=check", "t") == LUA_OK;
  lua_pop(L_, 1);
  return ok;
}

std::vector<Value> LuaEngine::run_chunk(std::string_view code, const std::string& chunk_name) {
  int base = lua_gettop(L_) + 1;
  lua_pushcfunction(L_, message_handler);
  std::string expression = "return " + std::string(code) + ";";
  if (luaL_loadbufferx(L_, expression.data(), expression.size(), chunk_name.c_str(), "t") != LUA_OK) {
    lua_pop(L_, 1);
    if (luaL_loadbufferx(L_, code.data(), code.size(), chunk_name.c_str(), "t") != LUA_OK) {
      std::string message = lua_tostring(L_, -1);
      lua_settop(L_, base - 1);
      throw load_failure(message);
    }
  }
  return call_loaded(base);
}

std::vector<Value> LuaEngine::run_file(const std::string& path, const std::vector<std::string>& args) {
  // `arg` as lua.c sets it: the file at 0, its arguments from 1.
  lua_createtable(L_, static_cast<int>(args.size()), 1);
  lua_pushlstring(L_, path.data(), path.size());
  lua_rawseti(L_, -2, 0);
  for (std::size_t i = 0; i < args.size(); ++i) {
    lua_pushlstring(L_, args[i].data(), args[i].size());
    lua_rawseti(L_, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setglobal(L_, "arg");
  int base = lua_gettop(L_) + 1;
  lua_pushcfunction(L_, message_handler);
  if (luaL_loadfilex(L_, path.c_str(), "t") != LUA_OK) {
    std::string message = lua_tostring(L_, -1);
    lua_settop(L_, base - 1);
    throw load_failure(message);
  }
  // ... holds the arguments too, as lua.c passes them
  luaL_checkstack(L_, static_cast<int>(args.size()) + LUA_MINSTACK, "too many arguments");
  for (const auto& a : args) lua_pushlstring(L_, a.data(), a.size());
  return call_loaded(base, static_cast<int>(args.size()));
}

}  // namespace ipcsh
