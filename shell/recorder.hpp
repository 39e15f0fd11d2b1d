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

#include "invoke.hpp"

namespace ipcsh {

class Session;

class LuaRecorder {
 public:
  LuaRecorder(Session& session, const std::string& path, bool assertions, const std::string& how);
  void observe(const Invocation& call);
  const std::string& path() const { return path_; }

 private:
  std::string call_text(const Command& command, const CommandText& text);
  std::string word_lua(const Word& word, ArgType type);
  std::string target(const std::string& name);  // "local x" the first time, then "x"
  void write(const std::string& line);
  void assertions(const Command& command, const std::string& var, const Value& result);

  Session& session_;
  std::string path_;
  std::ofstream out_;
  bool assert_;
  std::set<std::string> locals_;
  std::set<std::string> unknown_;  // variables used that the recording never made
  std::string last_ = "_";  // what $_ is in the recording: the last result's name
};

// A Lua string literal for any bytes.
std::string lua_quote(std::string_view bytes);

}  // namespace ipcsh
