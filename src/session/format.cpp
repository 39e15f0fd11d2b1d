// Values as text: a handle's line, a value in a cell, a record's pairs,
// bytes quoted, a hex dump; the entry points of the renderer (format.hpp).
// Tables are format_table.cpp's, sentences sentences.cpp's.
#include "format.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/kinds.hpp"
#include "core/syntax.hpp"
#include "handle.hpp"
#include "render.hpp"

namespace ipcsh {

namespace render {

std::string Renderer::bytes_line(const std::string& data) const {
  std::string quoted = quote_bytes(data);
  std::string size = plural(static_cast<std::int64_t>(data.size()), "byte");
  int width = limit();
  if (width > 0 && columns(quoted) + size.size() + 3 > static_cast<std::size_t>(width)) {
    // The first part, and how to see all of it.
    std::size_t room = width > 60 ? static_cast<std::size_t>(width) - 50 : 10;
    std::string part = quote_bytes(data.substr(0, room));
    part.insert(part.size() - 1, "\u2026");
    return fmt::format("{} ({}; `show $_` prints all of it)", part, size);
  }
  return fmt::format("{} ({})", quoted, size);
}

std::string Renderer::field(const Field& f) const {
  const Value& v = f.value;
  switch (f.show) {
    case Show::hex:
      if (auto i = v.as<std::int64_t>()) return format_handle_value(*i);
      break;
    case Show::ms_or_forever:
      if (v.is_nil()) return "forever";
      if (auto i = v.as<std::int64_t>()) return fmt::format("{} ms", *i);
      break;
    case Show::zero_any_size:
      if (auto i = v.as<std::int64_t>(); i && *i == 0) return "0 (any size)";
      break;
    case Show::not_applicable:
      if (v.is_nil()) return "n/a";
      break;
    case Show::still_active:
      if (v.is_nil()) return "still active (259)";
      break;
    case Show::lua_only: break;
    case Show::message:
      if (auto i = v.as<std::int64_t>()) return message_text(static_cast<std::uint32_t>(*i));
      break;
    case Show::plain: break;
  }
  return cell(v);
}

// key: value pairs on one line; on a console, a pair that would pass its
// width starts the next line (indented), so no pair is broken in two.
std::string Renderer::record(const Record& r) const {
  if (r.get("remote") && r.get("line") && r.get("line")->as<std::string>()) return *r.get("line")->as<std::string>();
  std::string out;
  std::size_t line = 0;  // columns on the current line
  auto width = static_cast<std::size_t>(fit.width);
  for (const auto& f : r.fields) {
    if (f.show == Show::lua_only) continue;
    std::string pair = f.key + ": " + field(f);
    std::size_t wide = columns(pair);
    if (out.empty()) {
      out = pair;
      line = wide;
    } else if (width && line + 2 + wide > width) {
      out += "\n  " + pair;
      line = 2 + wide;
    } else {
      out += "  " + pair;
      line += 2 + wide;
    }
  }
  return out;
}

std::string Renderer::cell(const Value& v) const {
  return std::visit(
      [this](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) return "none";
        else if constexpr (std::is_same_v<T, bool>) return x ? "yes" : "no";
        else if constexpr (std::is_same_v<T, std::int64_t>) return std::to_string(x);
        else if constexpr (std::is_same_v<T, std::string>) return x;
        else if constexpr (std::is_same_v<T, Bytes>) return quote_bytes(x.data);
        else if constexpr (std::is_same_v<T, HandleRef>) return fmt::format("{} {}", kind_name(x->kind), x->value_text());
        else if constexpr (std::is_same_v<T, List>) {
          std::string out;
          for (const auto& item : x.items) out += (out.empty() ? "" : ", ") + cell(item);
          return out;
        } else if constexpr (std::is_same_v<T, Result>) {
          std::string text = sentence(x);
          std::replace(text.begin(), text.end(), '\n', ' ');
          return text;
        } else if constexpr (std::is_same_v<T, Record>) return record(x);
        else if constexpr (std::is_same_v<T, Table>) return fmt::format("a table of {} rows", x.rows.size());
        else if constexpr (std::is_same_v<T, Callback>) return "a function";
        else return "...";
      },
      static_cast<const ValueBase&>(v));
}

std::string Renderer::result(const Value& v) const {
  if (auto h = v.as<HandleRef>()) return handle_line(**h);
  if (auto b = v.as<Bytes>()) return bytes_line(b->data);
  if (auto t = v.as<Table>()) return table(*t);
  if (auto r = v.as<Record>()) return record(*r);
  if (auto r = v.as<Result>()) return sentence(*r);
  if (v.is_nil()) return "";
  return cell(v);
}

}  // namespace render

std::string format_result(const Value& v, const Fit& fit) { return render::Renderer{fit}.result(v); }

std::string format_whole(const Value& v, const Fit& fit) { return render::Renderer{fit, true}.result(v); }

std::string format_cell(const Value& v, const Fit& fit) { return render::Renderer{fit}.cell(v); }

std::string handle_line(const HandleObject& h) {
  std::string out = fmt::format("{} {}", kind_name(h.kind), h.value_text());
  if (h.kind == Kind::process && h.pid) out += fmt::format(" pid {}", h.pid);
  if (!h.name.empty()) out += " " + h.name;
  if (!h.role.empty()) out += " " + h.role;
  if (h.closed()) return out + " (closed)";
  if (!h.has_inherit_flag()) return out;
  return out + (h.inheritable() ? " (inherit: yes)" : " (inherit: no)");
}

std::string hexdump_text(std::string_view data, std::int64_t offset) {
  std::string out;
  auto length = static_cast<std::int64_t>(data.size());
  for (std::int64_t row = 0; row < length; row += 16) {
    std::string hex, text;
    for (std::int64_t i = row; i < row + 16; ++i) {
      if (i - row == 8) hex += ' ';
      if (i < length) {
        auto byte = static_cast<unsigned char>(data[static_cast<std::size_t>(i)]);
        hex += fmt::format("{:02x} ", byte);
        text += byte >= 0x20 && byte < 0x7f ? static_cast<char>(byte) : '.';
      } else {
        hex += "   ";
      }
    }
    out += fmt::format("{}{:08x}  {} |{}|", out.empty() ? "" : "\n", offset + row, hex, text);
  }
  return out.empty() ? "(0 bytes)" : out;
}

}  // namespace ipcsh
