// `record FILE.lua`: every command typed from then on, written as the Lua
// line that does the same - shell variables become locals, literal values
// stay literal, failures become expect_error(...). With --assert the results
// seen now are written as assertions of what must be the same in a fresh
// process (kinds, sizes, counts, data, error names - never raw handle values
// or pids). The recorder is an observer of invoke().
#pragma once
#include <fstream>
#include <set>
#include <string>

#include "session/invoke.hpp"

namespace ipcsh {

class Session;

class LuaRecorder {
 public:
  // `depth`: the invocation depth `record` itself ran at - 1 when typed, 2
  // from ipc.run in a script; shell lines run at that depth are recorded.
  LuaRecorder(Session& session, const std::string& path, bool assertions, const std::string& how, int depth = 1);
  void observe(const Invocation& call);
  const std::string& path() const { return path_; }

 private:
  std::string call_text(const Command& command, const CommandText& text);
  std::string word_lua(const Word& word, ArgType type);
  std::string target(const std::string& name);  // "local x" the first time, then "x"
  std::string variable(std::string_view name);  // $x.field -> x.field (a Lua keyword renamed, fields indexed safely)
  std::string pass_table(const Word& word);
  std::string with_handle_values(const std::string& text);      // --pass a,b -> {a = a, b = b}
  void write(const std::string& line);
  void assertions(const Command& command, const std::string& var, const Value& result);

  Session& session_;
  std::string path_;
  std::ofstream out_;
  bool assert_;
  std::set<std::string> locals_;
  std::set<std::string> unknown_;  // variables used that the recording never made
  int depth_ = 1;
  std::string last_ = "_";  // what $_ is in the recording: the last result's name
};

// A Lua string literal for any bytes.
std::string lua_quote(std::string_view bytes);
// A shell variable name as a Lua local: a Lua keyword gets a trailing _ (end -> end_).
std::string lua_local(std::string_view name);
// `object.key`, or `object["key"]` when key is not a Lua name (end, a-b).
std::string lua_field(std::string_view object, std::string_view key);

}  // namespace ipcsh
