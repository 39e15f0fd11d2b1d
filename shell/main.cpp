// ipcsh: an interactive shell for Windows inter-process communication.
#include <windows.h>

#include <cstdio>
#include <fmt/format.h>
#include <shellapi.h>

#include "command.hpp"
#include "console.hpp"
#include "error.hpp"
#include "executor.hpp"
#include "launch.hpp"
#include "lua_binding.hpp"
#include "modes.hpp"
#include "session.hpp"
#include "text.hpp"

#ifndef IPCSH_VERSION
#define IPCSH_VERSION "0.0.0"
#endif

namespace {

constexpr const char* usage_text =
    "usage: ipcsh                       interactive shell (commands from stdin when it is not a console)\n"
    "       ipcsh SCRIPT.lua [ARG...]   run a Lua scenario; exit 0, or SCRIPT.lua:LINE: message and exit 1\n"
    "       ipcsh -c \"CMD; CMD\"         run shell commands; exit 1 at the first that fails\n"
    "       ipcsh --test [--limit S] PATH...\n"
    "                                   run every *.lua under each PATH in its own process (limit S\n"
    "                                   seconds each, default 60); last line 'N passed, N failed'\n"
    "       ipcsh --trace ...           any of the above with `trace on` from the start\n"
    "       ipcsh --help | --version\n"
    "Inside the shell, `help` lists the commands and `help COMMAND` explains one.\n";

std::vector<std::string> utf8_arguments() {
  int count = 0;
  LPWSTR* wide = CommandLineToArgvW(GetCommandLineW(), &count);
  std::vector<std::string> args;
  for (int i = 1; i < count; ++i) args.push_back(ipcsh::to_utf8(wide[i]));
  LocalFree(wide);
  return args;
}

int run(std::vector<std::string> args) {
  using namespace ipcsh;
  Session session;
  session.self_path = this_program_path();
  LuaEngine lua(session);
  install_ctrl_c_handler(session);

  if (!args.empty() && args[0] == "--trace") {
    args.erase(args.begin());
    execute_line(session, "trace on", nullptr);  // quietly: the calls are what shows
  }
  if (args.empty()) return run_repl(session);
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "/?") {
    write_out(usage_text);
    return 0;
  }
  if (first == "--version") {
    write_out(fmt::format("ipcsh {}\n", IPCSH_VERSION));
    return 0;
  }
  if (first == "-c") {
    if (args.size() != 2) {
      write_err("ipcsh: -c takes one argument: \"CMD; CMD\"\n");
      return 2;
    }
    return run_commands(session, args[1]);
  }
  if (first == "--test") {
    std::vector<std::string> paths(args.begin() + 1, args.end());
    unsigned limit = 60;
    if (paths.size() >= 2 && paths[0] == "--limit") {
      auto seconds = parse_number(paths[1]);
      if (!seconds || *seconds < 1 || *seconds > 86400) {
        write_err(fmt::format("ipcsh: --limit: seconds 1..86400 expected, got '{}'\n", paths[1]));
        return 2;
      }
      limit = static_cast<unsigned>(*seconds);
      paths.erase(paths.begin(), paths.begin() + 2);
    }
    if (paths.empty()) {
      write_err(usage_text);
      return 2;
    }
    return run_tests(session, paths, limit);
  }
  if (first.size() > 1 && first[0] == '-') {
    write_err(fmt::format("ipcsh: unknown option {}\n{}", first, usage_text));
    return 2;
  }
  return run_script(session, first, std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace

int main() {
  // A crash reports and exits; no error box, no debugger started (Wine's
  // winedbg would otherwise attach and hold a test run).
  SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
  SetConsoleOutputCP(CP_UTF8);
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  int code = 1;
  // Every mode catches what its commands throw; this is the last net, so
  // nothing ends in std::terminate.
  try {
    code = run(utf8_arguments());
  } catch (const ipcsh::ExitRequest& e) {
    code = e.code;
  } catch (const ipcsh::Interrupted&) {
    ipcsh::write_err("ipcsh: interrupted\n");
    code = 130;
  } catch (const std::exception& e) {
    ipcsh::write_err(fmt::format("ipcsh: {}\n", e.what()));
  }
  std::fflush(stdout);
  return code;
}
