// The one way in: every command - a typed line, ipc.<name> in Lua, ipc.run,
// and commands a parent process sends - runs through invoke(). It binds the
// arguments against the command table, runs the handler with the Win32
// trace listening, forgets closed handles, and tells the observers. Trace,
// recording and timing attach here and nowhere else.
#pragma once
#include <functional>
#include <string_view>

#include "command.hpp"
#include "value.hpp"

namespace ipcsh {

class Session;

struct Invocation {
  const Command& command;
  const RawArgs& raw;
  const Value* result = nullptr;            // set when it succeeded
  const std::exception* error = nullptr;    // set when it failed
  double milliseconds = 0;                  // how long the handler ran
};
using InvokeObserver = std::function<void(const Invocation&)>;

// Throws what the command throws: UsageError (with command() set),
// Win32Error, Interrupted, ExitRequest.
Value invoke(Session& session, const Command& command, const RawArgs& raw);

}  // namespace ipcsh
