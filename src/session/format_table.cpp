// Tables: columns side by side, cut to the console's width where the
// widest column gives way first; rows as key: value pairs when even that
// is too wide.
#include <algorithm>

#include <fmt/format.h>

#include "core/kinds.hpp"
#include "render.hpp"

namespace ipcsh::render {

// A row as key: value pairs, a row's lines indented after its first: the
// layout for a console too narrow for the table's columns side by side.
namespace {

std::string vertical_table(const Table& t, const std::vector<std::vector<std::string>>& cells, std::size_t width) {
  std::string out;
  for (const auto& line : cells) {
    std::size_t at = 0;
    for (std::size_t c = 0; c < line.size(); ++c) {
      if (line[c].empty()) continue;
      std::string pair = c == 0 ? line[c] : t.columns[c] + ": " + line[c];
      if (columns(pair) + 2 > width) {
        std::size_t head = columns(t.columns[c]) + 2;
        pair = c == 0 || head + 10 > width ? shorten_front(pair, width - 2)
                                            : t.columns[c] + ": " + shorten_front(line[c], width - 2 - head);
      }
      if (at == 0) {
        out += pair;
        at = columns(pair);
      } else if (at + 2 + columns(pair) > width) {
        out += "\n  " + pair;
        at = 2 + columns(pair);
      } else {
        out += "  " + pair;
        at += 2 + columns(pair);
      }
    }
    out += "\n";
  }
  return out;
}

}  // namespace

std::string Renderer::table(const Table& t) const {
  std::vector<std::size_t> width(t.columns.size());
  std::vector<std::vector<std::string>> cells;
  for (std::size_t c = 0; c < t.columns.size(); ++c) width[c] = columns(t.columns[c]);
  for (const auto& row : t.rows) {
    auto& line = cells.emplace_back();
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
      bool hex = std::find(t.hex_columns.begin(), t.hex_columns.end(), t.columns[c]) != t.hex_columns.end();
      if (auto i = row[c].as<std::int64_t>(); i && hex) line.push_back(format_handle_value(*i));
      else line.push_back(row[c].is_nil() ? "" : cell(row[c]));
      width[c] = std::max(width[c], columns(line.back()));
    }
  }
  auto note = [&] {
    return fmt::format("({} row{}{})", t.rows.size(), t.rows.size() == 1 ? "" : "s", t.note.empty() ? "" : "; " + t.note);
  };
  // Too wide for the console: the widest column gives way first, its cells
  // (and its heading) cut at the front, where a name keeps the part that
  // tells it apart (…\mailslot\demo), until the table fits. A column keeps
  // at least 8 columns (or its heading's width); when that is still too
  // wide, each row is printed as key: value pairs instead.
  std::vector<std::string> header = t.columns;
  if (limit() > 0 && !t.wide && !width.empty()) {
    const std::vector<std::vector<std::string>> whole_cells = cells;
    auto room = static_cast<std::size_t>(limit());
    auto total = [&] {
      std::size_t sum = 2 * (width.size() - 1);
      for (auto w : width) sum += w;
      return sum;
    };
    auto least = [&](std::size_t c) { return std::max<std::size_t>(8, std::min<std::size_t>(columns(t.columns[c]), 16)); };
    while (total() > room) {
      std::size_t widest = width.size();
      for (std::size_t c = 0; c < width.size(); ++c)
        if (width[c] > least(c) && (widest == width.size() || width[c] > width[widest])) widest = c;
      if (widest == width.size()) return vertical_table(t, whole_cells, room) + note();
      std::size_t over = total() - room;
      width[widest] = width[widest] - least(widest) > over ? width[widest] - over : least(widest);
      for (auto& line : cells)
        if (widest < line.size()) line[widest] = shorten_front(line[widest], width[widest]);
      header[widest] = shorten_front(header[widest], width[widest]);
    }
  }
  auto render = [&](const std::vector<std::string>& line) {
    std::string out;
    for (std::size_t c = 0; c < line.size(); ++c) {
      std::size_t pad = width[c] > columns(line[c]) ? width[c] - columns(line[c]) : 0;
      out += c + 1 == line.size() ? line[c] : line[c] + std::string(pad + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = render(header);
  for (const auto& line : cells) out += render(line);
  return out + note();
}

}  // namespace ipcsh::render
