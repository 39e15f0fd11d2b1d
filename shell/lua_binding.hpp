// Lua 5.4 with the `ipc` library: one function per row of the command
// table, handle objects as userdata, Win32 errors as error objects.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "value.hpp"

struct lua_State;

namespace ipcsh {

class Session;

// A Lua error that reached C++, already formatted as "chunk:LINE: message".
struct LuaFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class LuaEngine {
 public:
  explicit LuaEngine(Session& session);
  ~LuaEngine();
  LuaEngine(const LuaEngine&) = delete;
  LuaEngine& operator=(const LuaEngine&) = delete;

  // Runs a scenario file with `arg` set; throws LuaFailure.
  void run_script(const std::string& path, const std::vector<std::string>& args);
  // Runs a chunk (as an expression first, like lua.c, then as statements)
  // and returns what it returned; throws LuaFailure.
  std::vector<Value> run_chunk(std::string_view code, const std::string& chunk_name);
  std::vector<Value> run_file(const std::string& path);

 private:
  std::vector<Value> call_loaded(int base);
  lua_State* L_;
};

}  // namespace ipcsh
