// A running script: tracebacks, the message handler, Ctrl+C and `exit`
// through an instruction hook, coroutines watched so Ctrl+C reaches them.
#include "lua_internal.hpp"

#include "win32/win32.hpp"

namespace ipcsh {

// The Lua frames under an error, shortest useful form: "  at FILE:LINE
// (in NAME)", C frames left out. Empty when the error is where it is raised.
// A deep stack (a stack overflow) shows its first and last frames, as
// luaL_traceback does: the levels are counted by a binary search, since
// lua_getstack walks the stack from the top on every call.
std::string traceback(lua_State* L, int level) {
  constexpr int head = 10, tail = 11;
  lua_Debug ar;
  int low = level, high = level;  // low exists, high does not
  while (lua_getstack(L, high, &ar)) {
    low = high;
    high = high * 2 + 1;
  }
  while (low + 1 < high) {
    int middle = low + (high - low) / 2;
    if (lua_getstack(L, middle, &ar)) low = middle;
    else high = middle;
  }
  int last = low;
  std::string out;
  int frames = 0;
  for (; lua_getstack(L, level, &ar); ++level) {
    if (frames == head && last - level >= tail) {
      int skipped = last - tail + 1 - level;
      out += fmt::format("\n  ... ({} levels more)", skipped);
      level += skipped - 1;
      continue;
    }
    lua_getinfo(L, "Sln", &ar);
    if (ar.currentline <= 0 || std::string_view(ar.what) == "C") continue;
    ++frames;
    out += fmt::format("\n  at {}:{}", ar.short_src, ar.currentline);
    if (ar.name) out += fmt::format(" (in {} {})", ar.namewhat, ar.name);
    else if (std::string_view(ar.what) == "main") out += " (main chunk)";
  }
  return frames > 1 ? out : std::string();
}

// Message handler: "chunk:LINE: text" for both Lua errors and error
// objects, then the Lua frames it came through.
int message_handler(lua_State* L) {
  LuaEngine& engine = engine_of(L);
  bool unwinding = engine.unwinding() != LuaEngine::Unwind::none;
  if (lua_istable(L, 1) && lua_getmetatable(L, 1)) {
    luaL_getmetatable(L, error_meta);
    bool ours = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    if (ours) {
      lua_getfield(L, 1, "where");
      luaL_tolstring(L, 1, nullptr);
      lua_concat(L, 2);
      lua_replace(L, 1);
    }
  }
  if (!lua_isstring(L, 1)) {
    luaL_tolstring(L, 1, nullptr);
    lua_replace(L, 1);
  }
  lua_settop(L, 1);
  bool relayed = lua_topointer(L, 1) == engine.relayed_failure;
  engine.relayed_failure = nullptr;
  if (!unwinding && !relayed) {
    std::string frames = traceback(L, 1);
    lua_pushlstring(L, frames.data(), frames.size());
    lua_concat(L, 2);
  }
  return 1;
}

// Runs at the next instruction once set: by Ctrl+C (stop_running_script),
// or by unwind() to raise again after a pcall caught the first raise.
void interrupt_hook(lua_State* L, lua_Debug*) {
  LuaEngine& engine = engine_of(L);
  if (engine.unwinding() == LuaEngine::Unwind::none && engine.session().interrupted.exchange(false))
    engine.unwind(LuaEngine::Unwind::interrupt);
  static const char* const words[] = {"", "interrupted", "exit", "skipped"};
  if (engine.unwinding() != LuaEngine::Unwind::none)
    luaL_error(L, "%s", words[static_cast<int>(engine.unwinding())]);
  lua_sethook(L, nullptr, 0, 0);  // a Ctrl+C someone else answered: nothing to do
}

void stop_running_script(LuaEngine& engine) {
  Running& running = engine.running();
  std::lock_guard guard(running.lock);
  if (!running.L) return;
  win::with_thread_stopped(running.thread, [](void* L) {
    lua_sethook(static_cast<lua_State*>(L), interrupt_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
  }, running.L);
}

// coroutine.resume and the functions coroutine.wrap makes, watched: while a
// coroutine runs, it is the state Ctrl+C stops; when it ended by an unwind
// (interrupt, exit, skip), its resumer raises again at once.
int run_watched(lua_State* L, lua_State* co, int function_index) {
  Running& running = engine_of(L).running();
  lua_State* resumer;
  {
    std::lock_guard guard(running.lock);
    resumer = running.L;
    if (co && resumer) running.L = co;
  }
  int nargs = lua_gettop(L) - function_index;
  int status = lua_pcall(L, nargs, LUA_MULTRET, 0);
  {
    std::lock_guard guard(running.lock);
    if (resumer) running.L = resumer;
  }
  LuaEngine& engine = engine_of(L);
  if (engine.unwinding() != LuaEngine::Unwind::none) lua_sethook(L, interrupt_hook, LUA_MASKCOUNT, 1);
  if (status != LUA_OK) return lua_error(L);
  return lua_gettop(L) - function_index + 1;
}

int watched_resume(lua_State* L) {  // upvalue: the library's resume
  lua_State* co = lua_tothread(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  return run_watched(L, co, 1);
}

int watched_wrapped(lua_State* L) {  // upvalues: the wrapped function, its coroutine
  lua_State* co = lua_tothread(L, lua_upvalueindex(2));
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  return run_watched(L, co, 1);
}

int watched_wrap(lua_State* L) {  // upvalue: the library's wrap
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  lua_getupvalue(L, -1, 1);  // the library's wrapper keeps its coroutine as upvalue 1
  if (!lua_isthread(L, -1)) {
    lua_pop(L, 1);
    return 1;
  }
  lua_pushcclosure(L, watched_wrapped, 2);
  return 1;
}

void watch_coroutines(lua_State* L) {
  lua_getglobal(L, "coroutine");
  lua_getfield(L, -1, "resume");
  lua_pushcclosure(L, watched_resume, 1);
  lua_setfield(L, -2, "resume");
  lua_getfield(L, -1, "wrap");
  lua_pushcclosure(L, watched_wrap, 1);
  lua_setfield(L, -2, "wrap");
  lua_pop(L, 1);
}

}  // namespace ipcsh
