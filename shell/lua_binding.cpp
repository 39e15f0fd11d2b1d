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

#include <mutex>
#include <optional>
#include <cstdlib>

#include <fmt/format.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "command.hpp"
#include "console.hpp"
#include "error.hpp"
#include "fields.hpp"
#include "format.hpp"
#include "invoke.hpp"
#include "lua_values.hpp"
#include "session.hpp"
#include "syntax.hpp"
#include "win32.hpp"

namespace ipcsh {
namespace {

constexpr const char* error_meta = "ipcsh.error";

Session& session_of(lua_State* L) {
  return *static_cast<Session*>(lua_touserdata(L, lua_upvalueindex(1)));
}

LuaEngine& engine_of(lua_State* L) {
  void* engine = nullptr;
  lua_getallocf(L, &engine);
  return *static_cast<LuaEngine*>(engine);
}

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
    Value result = invoke(session, *command, lua_args(L, *command, as_method, session.observers.empty()));
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
    if (c.method == key && !c.params.empty() && c.params[0].kinds.has(h->kind) && !c.params[0].kinds.any())
      command = &c;
  if (!command) command = find_lua_command(key);
  bool takes_handle = command && !command->params.empty() &&
                      ((command->params[0].type == ArgType::handle && command->params[0].kinds.has(h->kind)) ||
                       command->params[0].type == ArgType::any);
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
      bool adopted_file = ref->role == "adopted" && refinable.has(ref->kind) && refinable.has(wanted);
      if (!adopted_file)
        throw UsageError(fmt::format("KIND: {} is a {} here, not a {}", ref->value_text(), kind_name(ref->kind), kind), 2);
      ref->kind = wanted;
    }
    push_handle(L, ref);
    return 1;
  });
  return results >= 0 ? results : lua_error(L);
}

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
  write_out(line + "\n");
  return 0;
}

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

// The script running now, for Ctrl+C from another thread. No hook is set
// while a script runs (Lua 5.4 looks at a set hook on every instruction):
// Ctrl+C sets one, with the script's thread stopped, as lua.c does from its
// signal handler.
struct Running {
  std::mutex lock;
  lua_State* L = nullptr;
  DWORD thread = 0;
} running;

void stop_running_script() {
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
  auto it = session.vars.find(luaL_checkstring(L, 2));
  if (it == session.vars.end()) lua_pushnil(L);
  else push_variable(L, it->second);
  return 1;
}

int vars_newindex(lua_State* L) {
  Session& session = session_of(L);
  std::string name = luaL_checkstring(L, 2);
  int results = guarded(L, "vars", [&] {
    if (!is_identifier(name)) throw UsageError(fmt::format("'{}' is not a variable name", name.substr(0, 40)));
    if (lua_isnil(L, 3)) session.vars.erase(name);
    else session.set_var(name, to_value(L, 3));
    return 0;
  });
  return results >= 0 ? results : lua_error(L);
}

int vars_all(lua_State* L) {  // ipc.vars(): a plain table of them all
  Session& session = session_of(L);
  lua_createtable(L, 0, static_cast<int>(session.vars.size()));
  for (const auto& [name, value] : session.vars) {
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

LuaEngine::LuaEngine(Session& session) : session_(session) {
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
  // only (pipe-bulk, memory: README's Performance). collectgarbage("incremental")
  // switches back.
  lua_gc(L_, LUA_GCGEN, 0, 0);
  watch_coroutines(L_);
  lua_pushcfunction(L_, lua_print);
  lua_setglobal(L_, "print");

  luaL_newmetatable(L_, handle_meta);
  register_handle_meta(L_);
  lua_pushlightuserdata(L_, &session);
  lua_newtable(L_);  // the methods found so far, by kind
  lua_pushcclosure(L_, handle_index, 2);
  lua_setfield(L_, -2, "__index");
  lua_pushcfunction(L_, handle_tostring);
  lua_setfield(L_, -2, "__tostring");
  lua_pushlightuserdata(L_, &session);
  lua_pushcclosure(L_, handle_close, 1);
  lua_setfield(L_, -2, "__close");
  lua_pushcfunction(L_, handle_gc);
  lua_setfield(L_, -2, "__gc");
  lua_pushcfunction(L_, handle_eq);
  lua_setfield(L_, -2, "__eq");
  lua_pushliteral(L_, "ipcsh.handle");  // getmetatable(h) shows this, not the table with __gc
  lua_setfield(L_, -2, "__metatable");
  lua_pop(L_, 1);

  luaL_newmetatable(L_, error_meta);
  lua_pushcfunction(L_, error_tostring);
  lua_setfield(L_, -2, "__tostring");
  lua_pop(L_, 1);

  // `ipc` is a global and also what require "ipc" returns.
  lua_getglobal(L_, "package");
  lua_getfield(L_, -1, "loaded");
  lua_pushlightuserdata(L_, &session);
  lua_pushcclosure(L_, open_ipc, 1);
  lua_call(L_, 0, 1);
  lua_pushvalue(L_, -1);
  lua_setglobal(L_, "ipc");
  lua_setfield(L_, -2, "ipc");
  lua_pop(L_, 2);
  lua_pushlightuserdata(L_, &session);
  lua_pushcclosure(L_, lua_skip, 1);
  lua_setglobal(L_, "skip");
  if (luaL_dostring(L_, prelude) != LUA_OK) throw std::runtime_error(lua_tostring(L_, -1));
  session.lua = this;
  session.on_interrupt = stop_running_script;
}

LuaEngine::~LuaEngine() {
  session_.on_interrupt = nullptr;
  lua_close(L_);
}

std::vector<Value> LuaEngine::call_loaded(int base, int nargs) {
  // Stack: ... handler chunk args. The outermost run watches for Ctrl+C.
  bool outermost = depth_++ == 0;
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
