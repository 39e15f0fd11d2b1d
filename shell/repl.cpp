#include <fmt/format.h>

#include "console.hpp"
#include "error.hpp"
#include "executor.hpp"
#include "lua_binding.hpp"
#include "modes.hpp"
#include "session.hpp"

namespace ipcsh {

bool run_line(Session& session, std::string_view line) {
  try {
    execute_line(session, line, [](const CommandText& command, const Value& result) {
      std::string text = result_text(command, result);
      if (!text.empty()) write_out(text + "\n");
    });
    return true;
  } catch (const std::exception& e) {
    write_err(error_text(e) + "\n");
    return false;
  }
}

int run_repl(Session& session) {
  bool interactive = stdin_is_console();
  if (interactive) write_out("ipcsh - Windows IPC shell. `help` lists commands, `exit` leaves.\n");
  bool any_failed = false;
  for (;;) {
    std::optional<std::string> line;
    try {
      line = read_line(session, interactive ? "ipcsh> " : "");
    } catch (const Interrupted&) {
      continue;  // Ctrl+C at the prompt: a fresh prompt
    }
    if (!line) break;
    if (!run_line(session, *line)) any_failed = true;
  }
  if (interactive) write_out("\n");
  return any_failed && !interactive ? 1 : 0;
}

int run_commands(Session& session, std::string_view commands) {
  return run_line(session, commands) ? 0 : 1;
}

int run_script(Session& session, const std::string& path, const std::vector<std::string>& args) {
  try {
    session.lua->run_script(path, args);
    return 0;
  } catch (const std::exception& e) {
    write_err(std::string(e.what()) + "\n");
    return 1;
  }
}

}  // namespace ipcsh
