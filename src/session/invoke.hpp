// The one way in: every command - a typed line, ipc.<name> in Lua, ipc.run,
// and commands a parent process sends - runs through invoke(). It binds the
// arguments against the command table, runs the handler with the Win32
// trace listening, forgets closed handles, and tells the observers. Trace,
// recording and timing attach here and nowhere else.
#pragma once
#include <functional>
#include <string_view>

#include "core/command.hpp"
#include "core/syntax.hpp"
#include "core/value.hpp"

namespace ipcsh {

class Session;

// What an observer is told after each invocation - and, with no command,
// about shell text that failed before a command could run (a syntax error,
// an unknown command, a bad flag), so a recording misses nothing.
struct Invocation {
  const Command* command = nullptr;         // nullptr: the text failed before invoking
  const RawArgs* raw = nullptr;
  const CommandText* text = nullptr;        // the shell words, when it came from a line
  std::string_view line;                    // the whole line, for text that failed before parsing
  int depth = 0;                            // 1: typed by the user; more: from inside Lua or ipc.run
  const Value* result = nullptr;            // set when it succeeded
  const std::exception* error = nullptr;    // set when it failed
  double milliseconds = 0;                  // how long the handler ran
};
using InvokeObserver = std::function<void(const Invocation&)>;

// Throws what the command throws: UsageError (with command() set),
// Win32Error, Interrupted, ExitRequest.
Value invoke(Session& session, const Command& command, const RawArgs& raw, const CommandText* text = nullptr);
// The same for arguments no one needs afterwards: with no observer
// listening, long text arguments are moved into the call, not copied.
Value invoke(Session& session, const Command& command, RawArgs&& raw, const CommandText* text = nullptr);
// Tells the observers about shell text that failed before invoke.
void report_unrun(Session& session, const CommandText* text, std::string_view line, const std::exception& error);

}  // namespace ipcsh
