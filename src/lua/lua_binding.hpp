// Lua 5.4 with the `ipc` library: one function per row of the command
// table, handle objects as userdata, Win32 errors as error objects.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"

struct lua_State;

namespace ipcsh {

class Session;
struct Running;

// A Lua error that reached C++, already formatted as "chunk:LINE: message".
struct LuaFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// skip(reason) in a scenario: the run ends as skipped, not failed.
struct SkipRequest : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class LuaEngine {
 public:
  explicit LuaEngine(Session& session);
  ~LuaEngine();
  LuaEngine(const LuaEngine&) = delete;
  LuaEngine& operator=(const LuaEngine&) = delete;

  // Runs a scenario file with `arg` set (the file at 0, ARGs from 1) and
  // returns what it returned. These throw LuaFailure for a Lua error, and
  // Interrupted or ExitRequest when Ctrl+C or `exit` ended the run.
  std::vector<Value> run_file(const std::string& path, const std::vector<std::string>& args);
  // Runs a chunk (as an expression first, like lua.c, then as statements)
  // and returns what it returned.
  std::vector<Value> run_chunk(std::string_view code, const std::string& chunk_name);

  // Whether CODE is a Lua statement (not only an expression).
  bool is_statement(std::string_view code);

  // Why a run is being unwound: Lua code cannot catch these.
  enum class Unwind { none, interrupt, exit, skip };
  Unwind unwinding() const { return unwinding_; }
  void unwind(Unwind why);
  Session& session() { return session_; }
  // The state running a script now, for Ctrl+C from another thread (lua_internal.hpp).
  Running& running() { return *running_; }
  std::string skip_reason;
  // The message of a failure of an inner run (run_file, `lua`, ipc.run)
  // raised again in the outer one: it already carries its frames, so the
  // outer message handler adds none (nested runs would repeat them all).
  const void* relayed_failure = nullptr;

 private:
  std::vector<Value> call_loaded(int base, int nargs = 0);
  Session& session_;
  std::unique_ptr<Running> running_;
  lua_State* L_ = nullptr;
  Unwind unwinding_ = Unwind::none;
  int depth_ = 0;
};

}  // namespace ipcsh
