// ipcsh: an interactive shell for Windows inter-process communication.
#include <windows.h>

#include <cstdio>
#include <malloc.h>
#include <fmt/format.h>

#include "agents/agent.hpp"
#include "command_docs.hpp"
#include "console/console.hpp"
#include "core/command.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "lua/lua_binding.hpp"
#include "modes.hpp"
#include "session/executor.hpp"
#include "session/format.hpp"
#include "session/session.hpp"
#include "win32/launch.hpp"

#ifndef IPCSH_VERSION
#define IPCSH_VERSION "0.0.0"
#endif

namespace {

constexpr const char* usage_text =
    "usage: ipcsh                       interactive shell (commands from stdin when it is not a console)\n"
    "       ipcsh SCRIPT.lua [ARG...]   run a Lua scenario; exit 0, or SCRIPT.lua:LINE: message and exit 1\n"
    "       ipcsh -c \"CMD; CMD\"         run shell commands; exit 1 at the first that fails\n"
    "       ipcsh --test [--junit FILE] [--filter PAT] [--limit S] [-j N] [--strict] PATH...\n"
    "                                   run every *.lua under each PATH in its own process and job (at most\n"
    "                                   S seconds each, default 60; N at once); a line per test with its time,\n"
    "                                   then 'N passed, N failed, N skipped'; --strict fails a test that\n"
    "                                   leaks handles it created; --junit writes JUnit XML\n"
    "       ipcsh --trace ...           any of the above with `trace on` from the start\n"
    "       ipcsh --record FILE.lua [--assert] ...\n"
    "                                   any of the above, written as a Lua scenario to FILE.lua\n"
    "       ipcsh --agent-listen [ADDR:]PORT\n"
    "                                   serve one parent over TCP (loopback unless ADDR is given; port 0 picks\n"
    "                                   one); it must present the token printed at start (connect-agent)\n"
    "       ipcsh --no-color | --wide ...\n"
    "                                   no colour on a console (also NO_COLOR); never cut results to its width\n"
    "       ipcsh --commands-md | --lua-defs\n"
    "                                   the command reference (docs/commands.md) or a LuaLS definition file\n"
    "                                   (ipcsh --lua-defs > ipc.d.lua), both written from the command table\n"
    "       ipcsh --help | --version\n"
    "Inside the shell, `help` lists the commands and `help COMMAND` explains one.\n";

std::vector<std::string> utf8_arguments() {
  std::vector<std::string> args = ipcsh::split_command_line(GetCommandLineW());
  args.erase(args.begin());  // the program
  return args;
}

int run(ipcsh::Session& session, std::vector<std::string> args) {
  using namespace ipcsh;
  session.self_path = this_program_path();
  LuaEngine lua(session);
  CtrlCHandler ctrl_c(session);
  Output& output = *session.output;

  // --trace, --record FILE.lua [--assert], --no-color, --wide: as if typed first, quietly.
  // --output-pipe NAME and --bind NAME VALUE KIND ROLE OBJECT come from a
  // parent ipcsh (spawn --ipcsh, --agent, --pass).
  output.fit = {0, colour_possible()};
  for (bool more = true; more && !args.empty();) {
    more = false;
    if (args[0] == "--output-pipe" && args.size() >= 2) {
      send_output_to(session, args[1]);
      args.erase(args.begin(), args.begin() + 2);
      more = true;
    } else if (args[0] == "--bind" && args.size() >= 6) {
      auto value = parse_number(args[2]);
      if (!value) throw std::runtime_error("--bind: a handle value expected, got " + args[2]);
      bind_received(session, args[1], *value, args[3], args[4], args[5]);
      args.erase(args.begin(), args.begin() + 6);
      more = true;
    } else if (args[0] == "--no-color" || args[0] == "--wide") {
      if (args[0] == "--no-color") output.fit = {0, false};
      else session.no_fit = true;
      args.erase(args.begin());
      more = true;
    } else if (args[0] == "--trace") {
      args.erase(args.begin());
      execute_line(session, "trace on", nullptr);
      more = true;
    } else if (args[0] == "--record" && args.size() >= 2) {
      bool with_asserts = args.size() >= 3 && args[2] == "--assert";
      std::string line = "record '" + args[1] + "'" + (with_asserts ? " --assert" : "");
      if (args[1].find('\'') != std::string::npos) throw std::runtime_error("--record: a file name without ' expected");
      args.erase(args.begin(), args.begin() + (with_asserts ? 3 : 2));
      execute_line(session, line, nullptr);
      more = true;
    }
  }
  if (args.empty()) return run_repl(session);
  const std::string& first = args[0];
  if (first == "--help" || first == "-h" || first == "/?") {
    write_out(output, usage_text);
    return 0;
  }
  if ((first == "--commands-md" || first == "--lua-defs") && args.size() == 1) {
    write_out(output, first == "--lua-defs" ? lua_definitions() : commands_markdown());
    return 0;
  }
  if (first == "--version") {
    write_out(output, fmt::format("ipcsh {}\n", IPCSH_VERSION));
    return 0;
  }
  if (first == "-c") {
    if (args.size() != 2) {
      write_err(output, "ipcsh: -c takes one argument: \"CMD; CMD\"\n");
      return 2;
    }
    return run_commands(session, args[1]);
  }
  if (first == "--agent-pipe" && args.size() == 2) return run_agent_pipe(session, args[1]);
  if (first == "--agent-listen" && args.size() == 2) return run_agent_listen(session, args[1]);
  if (first == "--test-one" && args.size() == 2) return run_test_one(session, args[1]);
  if (first == "--test") {
    TestOptions options;
    for (std::size_t i = 1; i < args.size(); ++i) {
      const std::string& a = args[i];
      auto value = [&](const char* what) -> const std::string& {
        if (i + 1 >= args.size()) throw std::runtime_error(fmt::format("--test: {} needs a value", what));
        return args[++i];
      };
      auto number = [&](const char* what, std::int64_t most) {
        const std::string& text = value(what);
        auto n = parse_number(text);
        if (!n || *n < 1 || *n > most)
          throw std::runtime_error(fmt::format("--test: {}: 1..{} expected, got '{}'", what, most, text));
        return static_cast<unsigned>(*n);
      };
      if (a == "--limit") options.limit_seconds = number("--limit", 86400);
      else if (a == "-j" || a == "--jobs") options.jobs = number("-j", MAXIMUM_WAIT_OBJECTS - 1);
      else if (a == "--junit") options.junit = value("--junit");
      else if (a == "--filter") options.filter = value("--filter");
      else if (a == "--strict") options.strict = true;
      else if (a.size() > 1 && a[0] == '-') throw std::runtime_error("--test: unknown option " + a);
      else options.paths.push_back(a);
    }
    if (options.paths.empty()) {
      write_err(output, usage_text);
      return 2;
    }
    return run_tests(session, options);
  }
  if (first.size() > 1 && first[0] == '-') {
    write_err(output, fmt::format("ipcsh: unknown option {}\n{}", first, usage_text));
    return 2;
  }
  return run_script(session, first, std::vector<std::string>(args.begin() + 1, args.end()));
}

}  // namespace

// A crash says what it was on one line and exits with the exception code,
// as Windows reports it; no debugger is started and nothing is dumped.
LONG WINAPI report_crash(EXCEPTION_POINTERS* info) {
  DWORD code = info->ExceptionRecord->ExceptionCode;
  std::string line = fmt::format("ipcsh: crashed: exception 0x{:08X} at {}\n", code, info->ExceptionRecord->ExceptionAddress);
  DWORD written = 0;
  WriteFile(GetStdHandle(STD_ERROR_HANDLE), line.data(), static_cast<DWORD>(line.size()), &written, nullptr);
  TerminateProcess(GetCurrentProcess(), code);
  return EXCEPTION_EXECUTE_HANDLER;
}

int main() {
  // No error box, no debugger started (Wine's winedbg would otherwise
  // attach and hold a test run).
  SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
  SetUnhandledExceptionFilter(report_crash);
  // The low-fragmentation heap for the C runtime's heap (new/delete, Lua)
  // and the process heap, as Windows 10 uses by default. (Wine 8.0's
  // RtlSetHeapInformation is a stub: there it changes nothing.)
  ULONG lfh = 2;
  for (HANDLE heap : {reinterpret_cast<HANDLE>(_get_heap_handle()), GetProcessHeap()})
    HeapSetInformation(heap, HeapCompatibilityInformation, &lfh, sizeof lfh);
  SetConsoleOutputCP(CP_UTF8);
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  int code = 1;
  // The one session of this process (its output is where the last net
  // below reports, an agent's parent's pipe included).
  ipcsh::Session session;
  // Every mode catches what its commands throw; this is the last net, so
  // nothing ends in std::terminate.
  try {
    code = run(session, utf8_arguments());
  } catch (const ipcsh::ExitRequest& e) {
    code = e.code;
  } catch (const ipcsh::Interrupted&) {
    ipcsh::write_err(*session.output, "ipcsh: interrupted\n");
    code = 130;
  } catch (const std::exception& e) {
    ipcsh::write_err(*session.output, fmt::format("{}\n", ipcsh::runtime_library_error(e) ? ipcsh::internal_error_text("ipcsh", e)
                                                                           : "ipcsh: " + std::string(e.what())));
  }
  std::fflush(stdout);
  return code;
}
