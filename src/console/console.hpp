// Where the shell's text goes and comes from. A console gets UTF-16 through
// WriteConsoleW/ReadConsoleW (so Hangul shows and the console's own line
// editing and history work); a pipe or file gets and gives UTF-8 bytes.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "completion.hpp"

namespace ipcsh {

class Session;

void write_out(std::string_view utf8);
void write_err(std::string_view utf8);
// Text from another thread (a child's labelled lines): printed now, or,
// while the line editor shows the prompt, above it - the prompt and the
// line being typed are drawn again below.
void write_async(std::string_view utf8);
// Where the shell's output goes instead of stdout/stderr (an agent sends
// it to its parent); the hook returns false to let it through. Stream 1 is
// out, 2 is err.
using OutputHook = std::function<bool(int stream, std::string_view utf8)>;
void set_output_hook(OutputHook hook);
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
// Ctrl+C sets session.interrupted instead of ending the process.
void install_ctrl_c_handler(Session& session);

}  // namespace ipcsh
