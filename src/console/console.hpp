// Where the shell's text goes and comes from. A console gets UTF-16 through
// WriteConsoleW/ReadConsoleW (so Hangul shows and the console's own line
// editing and history work); a pipe or file gets and gives UTF-8 bytes.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "completion.hpp"
#include "session/output.hpp"

namespace ipcsh {

class Session;

// A session's text, through its Output (session.output): fitted to its
// width, or handed to its hook (session/output.hpp).
void write_out(Output& out, std::string_view utf8);
void write_err(Output& out, std::string_view utf8);
// Text as it is, never fitted (Lua's print: a script's bytes are its own).
void write_out_as_is(Output& out, std::string_view utf8);
// Text from another thread (a child's labelled lines): printed now, or,
// while the line editor shows the prompt, above it - the prompt and the
// line being typed are drawn again below.
void write_async(Output& out, std::string_view utf8);
void set_output_hook(Output& out, OutputHook hook);
bool stdin_is_console();
// The console's width in columns when stdout is a console, else 0.
int output_columns();
// Whether stderr/stdout are consoles that take colour (no NO_COLOR in the
// environment); write_out/write_err turn the text's SGR colour sequences
// into console text attributes.
bool colour_possible();
// One line without its line end; nullopt at end of input. Throws
// Interrupted when Ctrl+C cancels an interactive read. Tab completes from
// what `completions` gives when it is pressed (none without one).
std::optional<std::string> read_line(Session& session, std::string_view prompt,
                                     const std::function<CompletionTable()>& completions = {});
// Ctrl+C interrupts `session` (session.interrupt()) instead of ending the
// process, for as long as this object lives.
class CtrlCHandler {
 public:
  explicit CtrlCHandler(Session& session);
  ~CtrlCHandler();
  CtrlCHandler(const CtrlCHandler&) = delete;
  CtrlCHandler& operator=(const CtrlCHandler&) = delete;
 private:
  Session& session_;
};

}  // namespace ipcsh
