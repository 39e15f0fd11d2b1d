// Where the shell's text goes and comes from. A console gets UTF-16 through
// WriteConsoleW/ReadConsoleW (so Hangul shows and the console's own line
// editing and history work); a pipe or file gets and gives UTF-8 bytes.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ipcsh {

class Session;

void write_out(std::string_view utf8);
void write_err(std::string_view utf8);
bool stdin_is_console();
// The console's width in columns when stdout is a console, else 0.
int output_columns();
// Whether stderr/stdout are consoles that take colour (VT sequences on,
// no NO_COLOR in the environment).
bool colour_possible();
// One line without its line end; nullopt at end of input. Throws
// Interrupted when Ctrl+C cancels an interactive read.
std::optional<std::string> read_line(Session& session, std::string_view prompt);
// Ctrl+C sets session.interrupted instead of ending the process.
void install_ctrl_c_handler(Session& session);

}  // namespace ipcsh
