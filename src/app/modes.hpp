// The ways to run ipcsh (SPEC "Ways to run it"); each returns the exit code.
#pragma once
#include <string>
#include <string_view>
#include <vector>
#include <string>

namespace ipcsh {

class Session;

// Runs one line, printing results and errors; false if a command failed.
bool run_line(Session& session, std::string_view line);
// Interactive shell on a console, or commands read from a non-console stdin.
int run_repl(Session& session);
int run_commands(Session& session, std::string_view commands);  // -c
// `failure` gets the first line of the error ("file:line: message").
int run_script(Session& session, const std::string& path, const std::vector<std::string>& args,
               std::string* failure = nullptr);
struct TestOptions {
  std::vector<std::string> paths;
  std::string junit;        // --junit FILE.xml
  std::string filter;       // --filter PAT: a substring of the test's path
  unsigned limit_seconds = 60;
  unsigned jobs = 1;        // -j N
  bool strict = false;      // a test that leaks handles it created fails
};
// ipcsh --test: one line per test, then "N passed, N failed, N skipped".
int run_tests(Session& session, const TestOptions& options);
// ipcsh --test-one FILE: the child side - the scenario, then marker lines
// for what it leaked; exit 0 passed, 1 failed, skip_exit_code skipped.
int run_test_one(Session& session, const std::string& path);
inline constexpr int skip_exit_code = 77;
inline constexpr const char* test_marker = "\x01ipcsh-test ";

}  // namespace ipcsh
