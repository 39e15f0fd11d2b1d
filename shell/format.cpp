#include "format.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "handle.hpp"
#include "syntax.hpp"

namespace ipcsh {

std::string handle_line(const HandleObject& h) {
  std::string out = fmt::format("{} {}", kind_name(h.kind), h.value_text());
  if (h.kind == Kind::process && h.pid) out += fmt::format(" pid {}", h.pid);
  if (!h.name.empty()) out += " " + h.name;
  if (!h.role.empty()) out += " " + h.role;
  if (h.closed()) return out + " (closed)";
  if (!h.has_inherit_flag()) return out;
  return out + (h.inheritable() ? " (inherit: yes)" : " (inherit: no)");
}

std::string format_cell(const Value& v) {
  return std::visit(
      [](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) return "none";
        else if constexpr (std::is_same_v<T, bool>) return x ? "yes" : "no";
        else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(x);
        else if constexpr (std::is_same_v<T, std::string>) return x;
        else if constexpr (std::is_same_v<T, Bytes>) return quote_bytes(x.data);
        else if constexpr (std::is_same_v<T, HandleRef>)
          return fmt::format("{} {}", kind_name(x->kind), x->value_text());
        else if constexpr (std::is_same_v<T, List>) {
          std::string out;
          for (const auto& item : x.items) out += (out.empty() ? "" : ", ") + format_cell(item);
          return out;
        } else if constexpr (std::is_same_v<T, Multi>) return x.text;
        else if constexpr (std::is_same_v<T, Note>) return x.text;
        else return "...";
      },
      static_cast<const ValueBase&>(v));
}

namespace {

std::string format_table(const Table& t) {
  std::vector<std::size_t> width(t.columns.size());
  std::vector<std::vector<std::string>> cells;
  for (std::size_t c = 0; c < t.columns.size(); ++c) width[c] = t.columns[c].size();
  for (const auto& row : t.rows) {
    auto& line = cells.emplace_back();
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
      bool hex = std::find(t.hex_columns.begin(), t.hex_columns.end(), t.columns[c]) != t.hex_columns.end();
      if (auto i = row[c].as<std::int64_t>(); i && hex) line.push_back(format_handle_value(*i));
      else line.push_back(row[c].is_nil() ? "" : format_cell(row[c]));
      width[c] = std::max(width[c], line.back().size());
    }
  }
  auto render = [&](const std::vector<std::string>& line) {
    std::string out;
    for (std::size_t c = 0; c < line.size(); ++c)
      out += c + 1 == line.size() ? line[c] : fmt::format("{:<{}}  ", line[c], width[c]);
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = render(t.columns);
  for (const auto& line : cells) out += render(line);
  out += fmt::format("({} row{})", t.rows.size(), t.rows.size() == 1 ? "" : "s");
  return out;
}

}  // namespace

std::string format_result(const Value& v) {
  if (auto h = v.as<HandleRef>()) return handle_line(**h);
  if (auto b = v.as<Bytes>())
    return fmt::format("{} ({} byte{})", quote_bytes(b->data), b->data.size(), b->data.size() == 1 ? "" : "s");
  if (auto t = v.as<Table>()) return format_table(*t);
  if (auto r = v.as<Record>()) {
    std::string out;
    for (const auto& f : r->fields) out += (out.empty() ? "" : "  ") + f.key + ": " + (f.shown.empty() ? format_cell(f.value) : f.shown);
    return out;
  }
  if (v.is_nil()) return "";
  return format_cell(v);
}

}  // namespace ipcsh
