// Tab completion from the command table and the session's variables: the
// command at the start, its flags after --, a choice flag's words, $variables
// whose kind fits the parameter at the cursor, fields after $v., file names
// for `run`. Pure: the table and variables come in as data, so it is
// unit-tested with a small table of its own.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "line_editor.hpp"

namespace ipcsh {

struct CompletionTable {
  enum class Names { none, files, object_directories };  // names looked up as typed
  struct Slot {                       // a parameter, or a flag's value
    bool handle = false;              // takes a handle: $variables of `kinds`
    std::vector<std::string> kinds;   // empty: any kind
    std::vector<std::string> choices;
    Names names = Names::none;
  };
  struct Flag {
    std::string name;                 // without --
    bool takes_value = false;
    Slot value;
  };
  struct Command {
    std::string name;
    std::vector<Slot> params;         // the last repeats when variadic
    bool variadic = false;
    std::vector<Flag> flags;
  };
  struct Variable {
    std::string name;
    std::string kind;                 // "mailslot", ... or "" for a value that is no handle
    std::vector<std::string> fields;
  };
  std::vector<Command> commands;
  std::vector<Variable> variables;
  // After `on $k `, the rest is a line for the agent in $k: its commands
  // (the same table) and its variables, asked of it when Tab is pressed
  // (empty when it cannot answer). This shell's are $^NAME there.
  std::function<std::vector<Variable>(const std::string& agent_variable)> agent_variables;
  std::function<std::vector<std::string>(const std::string& prefix)> files;  // "dir/na" -> "dir/name.lua", "dir/sub/"
  // "\\Ses" -> "\\Sessions\\": object directories, a path ending in \ to go on
  std::function<std::vector<std::string>(const std::string& prefix)> object_directories;
};

Completion complete_line(const std::string& before_cursor, const CompletionTable& table);


}  // namespace ipcsh
