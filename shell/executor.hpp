// Runs shell text: words -> the command table -> handler -> result.
#pragma once
#include <functional>
#include <string_view>

#include "syntax.hpp"
#include "value.hpp"

namespace ipcsh {

class Session;

// Called with each command and its result as a line runs.
using ResultSink = std::function<void(const CommandText&, const Value&)>;

// Runs every command of one line in order and stores assignments and `$_`.
// Throws (Win32Error, UsageError, SyntaxError, ...) at the first failure.
void execute_line(Session& session, std::string_view line, const ResultSink& sink);

// The text the shell prints for one result, with "NAME = " when assigned.
std::string result_text(const CommandText& command, const Value& result);

// The shell's one line for an error.
std::string error_text(const std::exception& error);

}  // namespace ipcsh
