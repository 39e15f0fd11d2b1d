// Runs shell text: words -> the command table -> handler -> result.
#pragma once
#include <functional>
#include <string_view>

#include "core/syntax.hpp"
#include "core/value.hpp"

namespace ipcsh {

class Session;
struct Fit;

// Called with each command and its result as a line runs.
using ResultSink = std::function<void(const CommandText&, const Value&)>;

// Runs every command of one line in order and stores assignments and `$_`.
// Throws (Win32Error, UsageError, SyntaxError, ...) at the first failure.
void execute_line(Session& session, std::string_view line, const ResultSink& sink);

// The text the shell prints for one result, fitted to `fit`, with "NAME = "
// when assigned.
std::string result_text(const CommandText& command, const Value& result, const Fit& fit);

// Shell text for another process (on P CMD, spawn --ipcsh CMDS), whose
// $variables are that process's: each $^NAME (or $^NAME.FIELD) is this
// shell's value put into the text first - a number as digits, text quoted,
// a handle as its value. Inside '...' nothing is expanded.
std::string expand_own_values(Session& session, std::string_view text);

// The shell's one line for an error.
std::string error_text(const std::exception& error);

}  // namespace ipcsh
