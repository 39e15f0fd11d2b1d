#include <mutex>

#include <fmt/format.h>

#include "completion_source.hpp"
#include "console/console.hpp"
#include "core/error.hpp"
#include "lua/lua_binding.hpp"
#include "modes.hpp"
#include "session/executor.hpp"
#include "session/format.hpp"
#include "session/handle.hpp"
#include "session/session.hpp"

namespace ipcsh {

namespace {
constexpr int interrupted_exit_code = 130;  // as a POSIX shell reports SIGINT
}

namespace {
// Errors in red on a console that takes colour.
std::string as_error(const Fit& fit, const std::string& line) { return fit.colour ? "\x1b[31m" + line + "\x1b[0m" : line; }
}  // namespace

bool run_line(Session& session, std::string_view line) {
  // Fitted to the console as it is now (it may have been resized).
  Output& output = *session.output;
  {
    std::lock_guard lock(output.lock);  // a child's lines are written at this width
    output.fit.width = session.no_fit ? 0 : output_columns();
  }
  try {
    execute_line(session, line, [&output](const CommandText& command, const Value& result) {
      std::string text;
      try {
        text = result_text(command, result, output.fit);
      } catch (const std::exception& e) {
        if (!runtime_library_error(e)) throw;
        throw InternalError(command.words.empty() ? "" : command.words[0].text, e);
      }
      if (!text.empty()) write_out(output, text + "\n");
    });
    return true;
  } catch (const ExitRequest&) {
    throw;
  } catch (const Interrupted&) {
    write_err(output, as_error(output.fit, "interrupted") + "\n");
    return false;
  } catch (const std::exception& e) {
    write_err(output, as_error(output.fit, error_text(e)) + "\n");
    return false;
  }
}

int run_repl(Session& session) {
  bool interactive = stdin_is_console();
  if (interactive) write_out(*session.output, "ipcsh - Windows IPC shell. `help` lists commands, `exit` leaves.\n");
  bool any_failed = false;
  try {
    for (;;) {
      std::optional<std::string> line;
      try {
        line = read_line(session, interactive ? "ipcsh> " : "", [&] { return completion_table(session); });
      } catch (const Interrupted&) {
        continue;  // Ctrl+C at the prompt: a fresh prompt
      }
      if (!line) break;
      session.interrupted = false;
      if (!run_line(session, *line)) any_failed = true;
    }
  } catch (const ExitRequest& e) {
    return e.code;
  }
  if (interactive) write_out(*session.output, "\n");
  return any_failed && !interactive ? 1 : 0;
}

int run_commands(Session& session, std::string_view commands) {
  try {
    return run_line(session, commands) ? 0 : 1;
  } catch (const ExitRequest& e) {
    return e.code;
  }
}

int run_script(Session& session, const std::string& path, const std::vector<std::string>& args, std::string* failure) {
  try {
    session.lua->run_file(path, args);
    return 0;
  } catch (const SkipRequest& e) {
    write_err(*session.output, fmt::format("{}: skipped: {}\n", path, e.what()));
    return skip_exit_code;
  } catch (const ExitRequest& e) {
    return e.code;
  } catch (const Interrupted&) {
    write_err(*session.output, path + ": interrupted\n");
    return interrupted_exit_code;
  } catch (const std::exception& e) {
    std::string text = runtime_library_error(e) ? internal_error_text(path, e) : e.what();
    write_err(*session.output, text + "\n");
    if (failure) *failure = text.substr(0, text.find('\n'));
    return 1;
  }
}

int run_test_one(Session& session, const std::string& path) {
  std::string failure;
  int code = run_script(session, path, {}, &failure);
  if (!failure.empty()) write_out(*session.output, fmt::format("{}fail {}\n", test_marker, failure));
  if (code == skip_exit_code) {
    write_out(*session.output, fmt::format("{}skip {}\n", test_marker, session.lua->skip_reason));
    return code;
  }
  // What the scenario created and left open: not the runtime's own, not
  // values it only adopted.
  for (const auto& [value, h] : session.handles()) {
    if (h->closed() || h->pseudo || h->adopted) continue;
    write_out(*session.output, fmt::format("{}leak {} {}{}{}\n", test_marker, kind_name(h->kind), h->value_text(),
                          h->name.empty() ? "" : " " + h->name,
                          h->origin.empty() ? "" : " (created at " + h->origin + ")"));
  }
  return code;
}

}  // namespace ipcsh
