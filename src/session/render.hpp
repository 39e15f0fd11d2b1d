// The renderer's own parts, shared by the files that turn results into
// text: format.cpp (values, handles, records, bytes), format_table.cpp
// (tables), sentences.cpp (each result shape's sentence), help_text.cpp
// (`help`) and fit_text.cpp (widths, cutting, wrapping). Other files use
// format.hpp.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/value.hpp"
#include "format.hpp"

namespace ipcsh::render {

// One rendering: the fit it is made for (the session's, passed in), and
// whether it shows everything whole (`show`): then tables and bytes are
// not cut, and a record still breaks between its pairs at the width.
struct Renderer {
  Fit fit;
  bool whole = false;

  int limit() const { return whole ? 0 : fit.width; }  // the width tables and bytes are cut to; 0: none

  // format.cpp
  std::string result(const Value& v) const;  // format_result
  std::string cell(const Value& v) const;    // format_cell
  std::string record(const Record& r) const;
  std::string bytes_line(const std::string& data) const;
  std::string field(const Field& f) const;
  // format_table.cpp
  std::string table(const Table& t) const;
  // sentences.cpp: the sentence of a result's shape (its values without one)
  std::string sentence(const Result& r) const;
};

// fit_text.cpp
// Display width of UTF-8 text, counting code points (close enough for the
// Latin and box text here; wide CJK cells count one each).
std::size_t columns(std::string_view text);
// Keeps the end, "…" before it, in at most `width` columns.
std::string shorten_front(const std::string& text, std::size_t width);

// sentences.cpp
std::string plural(std::int64_t n, std::string_view one);  // "1 byte", "2 bytes"
std::string message_text(std::uint32_t msg);                // "WM_USER+1 (0x401)"

// help_text.cpp: the command list and the syntax summary that `help` shows.
std::string help_text();
std::string family_help(std::string_view family);
std::string search_help(const Renderer& out, const Result& found);  // help /WORD

}  // namespace ipcsh::render
