// The ways to run ipcsh (SPEC "Ways to run it"); each returns the exit code.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ipcsh {

class Session;

// Runs one line, printing results and errors; false if a command failed.
bool run_line(Session& session, std::string_view line);
// Interactive shell on a console, or commands read from a non-console stdin.
int run_repl(Session& session);
int run_commands(Session& session, std::string_view commands);  // -c
int run_script(Session& session, const std::string& path, const std::vector<std::string>& args);
int run_tests(Session& session, const std::vector<std::string>& paths, unsigned limit_seconds);

}  // namespace ipcsh
