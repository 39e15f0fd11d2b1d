// The one renderer: every sentence the shell prints for a result is here
// (format.cpp and the files beside it, render.hpp). Handlers return data
// (value.hpp); this turns it into lines and tables, fitted as it is told:
// the fit is the session's (session.output->fit), passed in.
#pragma once
#include <string>

#include "core/value.hpp"

namespace ipcsh {

class Session;
class HandleObject;

// "mailslot 0x30 \\.\mailslot\demo (inherit: no)"
std::string handle_line(const HandleObject& h);
// How results are fitted to where they go. A console has a width: tables
// are shortened in the middle of their widest cells with "…", long bytes
// show their first part and say how to see all (`show`). Anywhere else
// (a pipe, a file, --test) nothing is cut.
struct Fit {
  int width = 0;        // 0: no limit
  bool colour = false;  // errors and results in colour (a console, no NO_COLOR)
};

// Text fitted to a console `width` columns wide: a line too long breaks
// between words (never inside a number, a flag or a name), its
// continuation lines indented 2 more than the line; only a word longer
// than a whole line is cut. `column` is where the cursor stands before and
// after. A width under 16 leaves the text as it is.
std::string wrap_text(std::string_view text, std::size_t width, std::size_t& column);

// Offset, hex in two groups of 8, ASCII: 16 bytes a line.
std::string hexdump_text(std::string_view data, std::int64_t offset);
// A result as the shell shows it, fitted to `fit`; tables span several
// lines; "" for none.
std::string format_result(const Value& v, const Fit& fit);
// The same, never cut (`show`).
std::string format_whole(const Value& v, const Fit& fit);
// A value inside a line or a table cell.
std::string format_cell(const Value& v, const Fit& fit);

}  // namespace ipcsh
