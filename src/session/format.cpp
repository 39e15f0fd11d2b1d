#include "format.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "core/command.hpp"
#include "core/messages.hpp"
#include "core/syntax.hpp"
#include "handle.hpp"
#include "win32/win32.hpp"

namespace ipcsh {

namespace {
Fit current_fit;
bool whole = false;  // format_whole: ignore the width
}  // namespace

void set_fit(Fit f) { current_fit = f; }
const Fit& fit() { return current_fit; }

namespace {

int limit() { return whole ? 0 : current_fit.width; }

// Display width of UTF-8 text, counting code points (close enough for the
// Latin and box text here; wide CJK cells count one each).
std::size_t columns(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// A byte that belongs to a word: cutting between two of them cuts a
// number, a flag or a name in the middle.
bool word_byte(unsigned char c) { return c > 0x7f || std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '$' || c == '#'; }

// Keeps the end, "…" before it, in at most `width` columns: a name's last
// part is what tells two apart (…\mailslot\demo). The cut falls between
// words or at a separator (\ / , space), never inside a word, unless one
// word alone is longer than the room.
std::string shorten_front(const std::string& text, std::size_t width) {
  if (columns(text) <= width || width < 2) return text;
  std::size_t keep = width - 1, i = text.size(), seen = 0;
  while (i > 0 && seen < keep) {
    --i;
    while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) --i;
    ++seen;
  }
  std::size_t start = i;
  if (start > 0 && word_byte(static_cast<unsigned char>(text[start - 1])) && word_byte(static_cast<unsigned char>(text[start]))) {
    std::size_t next = start;
    while (next < text.size() && word_byte(static_cast<unsigned char>(text[next]))) ++next;
    if (next < text.size()) {
      start = next;  // at the next separator
    } else {
      // The last word alone is too long: after a - _ . inside it (…alpha-80),
      // or, with none, where the room ends.
      std::size_t part = text.find_first_of("-_.", start);
      if (part != std::string::npos && part + 1 < text.size()) start = part + 1;
    }
  }
  if (start < text.size() && text[start] == ' ') ++start;
  return "\u2026" + text.substr(start);
}

std::string plural(std::int64_t n, std::string_view one) {
  return fmt::format("{} {}{}", n, one, n == 1 ? "" : "s");
}

std::string bytes_line(const std::string& data) {
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

// WM_USER+1 (0x401); a number without a name as 0x...
std::string message_text(std::uint32_t msg) {
  std::string name = message_name(msg);
  return name.rfind("0x", 0) == 0 ? name : fmt::format("{} ({:#x})", name, msg);
}

std::string field_text(const Field& f) {
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
  return format_cell(v);
}

std::int64_t int_of(const Result& r, std::string_view name) {
  auto v = r.get(name);
  return v && v->as<std::int64_t>() ? *v->as<std::int64_t>() : 0;
}

std::string text_of(const Result& r, std::string_view name) {
  auto v = r.get(name);
  return v ? format_cell(*v) : std::string();
}

// A field's bytes (a message's data), "" when it holds none: a result that
// came from a peer is shown whatever it holds.
const std::string& bytes_of(const Result& r, std::string_view name) {
  static const std::string none;
  auto v = r.get(name);
  auto b = v ? v->as<Bytes>() : nullptr;
  return b ? b->data : none;
}

bool flag_of(const Result& r, std::string_view name) {
  auto v = r.get(name);
  return v && v->as<bool>() && *v->as<bool>();
}

// A handle an agent sent: a record with the line its holder describes it by.
const std::string* remote_line(const Value* v) {
  auto r = v ? v->as<Record>() : nullptr;
  auto line = r && r->get("remote") ? r->get("line") : nullptr;
  return line ? line->as<std::string>() : nullptr;
}

// A handle's line, ours or an agent's.
std::string handle_text(const Value* v) {
  if (auto h = v ? v->as<HandleRef>() : nullptr) return handle_line(**h);
  if (auto line = remote_line(v)) return *line;
  return v ? format_cell(*v) : std::string();
}

// "0x30", ours or an agent's.
std::string handle_value_of(const Value* v) {
  if (auto h = v ? v->as<HandleRef>() : nullptr) return (*h)->value_text();
  auto value = remote_line(v) ? v->as<Record>()->get("value") : nullptr;
  return value && value->as<std::int64_t>() ? format_handle_value(*value->as<std::int64_t>()) : std::string();
}

// "event 0x30", ours or an agent's.
std::string handle_of(const Result& r, std::string_view name) {
  auto v = r.get(name);
  if (auto h = v ? v->as<HandleRef>() : nullptr) return fmt::format("{} {}", kind_name((*h)->kind), (*h)->value_text());
  if (remote_line(v)) {
    auto kind = v->as<Record>()->get("kind");
    return (kind ? format_cell(*kind) : std::string("handle")) + " " + handle_value_of(v);
  }
  return std::string();
}

std::string ms_text(const Value* v) { return !v || v->is_nil() ? "forever" : fmt::format("{} ms", format_cell(*v)); }

std::string wait_text(const Result& r) {
  static const win::NameTable& names = win::wait_names;
  std::string raw = win::value_text(static_cast<std::uint64_t>(int_of(r, "code")), names);
  if (text_of(r, "status") == "timeout") return fmt::format("timeout after {} ({})", ms_text(r.get("timeout")), raw);
  std::string status = text_of(r, "status");
  if (flag_of(r, "all")) return fmt::format("{}: all handles ({})", status, raw);
  auto h = r.get("handle");
  std::string which = h && !h->is_nil() ? handle_text(h) : "";
  std::string var = text_of(r, "var");
  return fmt::format("{}: [{}] {}{} ({})", status, int_of(r, "index"), var.empty() ? "" : var + " ", which, raw);
}

using Render = std::function<std::string(const Result&)>;

// Every result shape and its sentence.
const std::map<std::string, Render, std::less<>>& sentences() {
  static const std::map<std::string, Render, std::less<>> table{
      {"sent",
       [](const Result& r) {
         std::string line = "sent " + plural(int_of(r, "bytes"), "byte");
         if (r.get("over_limit"))
           line += fmt::format(" (warning: over the slot's max size of {} bytes: Wine delivers it truncated, Windows "
                               "refuses it)", int_of(r, "over_limit"));
         return line;
       }},
      {"more-data",
       [](const Result& r) {
         const std::string& data = bytes_of(r, "data");
         return fmt::format("{} ({}; more of this message remains: ERROR_MORE_DATA)", quote_bytes(data),
                            plural(static_cast<std::int64_t>(data.size()), "byte"));
       }},
      {"cut-short",
       [](const Result& r) {
         const std::string& data = bytes_of(r, "data");
         auto whole = int_of(r, "message_size"), got = static_cast<std::int64_t>(data.size());
         return fmt::format("{} ({}; the message was {} bytes and this kernel dropped the other {}, as Wine does; "
                            "Windows fails with ERROR_INSUFFICIENT_BUFFER and keeps the message)",
                            quote_bytes(data), plural(got, "byte"), whole, whole - got);
       }},
      {"pipe-mode",
       [](const Result& r) {
         return fmt::format("{}: read mode {}, {}", handle_of(r, "handle"), text_of(r, "read_mode"),
                            text_of(r, "wait_mode") == "nowait" ? "PIPE_NOWAIT (reads return at once)" : "PIPE_WAIT");
       }},
      {"pipe-free", [](const Result& r) { return "an instance of " + text_of(r, "name") + " is free to open"; }},
      {"flushed", [](const Result& r) { return "flushed " + handle_of(r, "handle") + ": the other end has read everything"; }},
      {"read-timeout", [](const Result& r) { return "read timeout " + ms_text(r.get("timeout")); }},
      {"connected", [](const Result&) { return std::string("a client connected"); }},
      {"already-connected", [](const Result&) { return std::string("a client was already connected"); }},
      {"disconnected", [](const Result&) { return std::string("disconnected the client"); }},
      {"pipe-ends",
       [](const Result& r) {
         return fmt::format("read: {}\nwrite: {}", handle_text(r.get("read")), handle_text(r.get("write")));
       }},
      {"set", [](const Result& r) { return "set " + handle_of(r, "handle"); }},
      {"reset", [](const Result& r) { return "reset " + handle_of(r, "handle"); }},
      {"pulsed", [](const Result& r) { return "pulsed " + handle_of(r, "handle"); }},
      {"released-mutex", [](const Result& r) { return "released " + handle_of(r, "handle"); }},
      {"cancelled", [](const Result& r) { return "cancelled " + handle_of(r, "handle"); }},
      {"released",
       [](const Result& r) {
         return fmt::format("released {}; the count was {}, now {}", int_of(r, "released"), int_of(r, "previous"),
                            int_of(r, "previous") + int_of(r, "released"));
       }},
      {"timer-set",
       [](const Result& r) {
         return int_of(r, "period") ? fmt::format("due in {} ms, then every {} ms", int_of(r, "due"), int_of(r, "period"))
                                    : fmt::format("due in {} ms", int_of(r, "due"));
       }},
      {"wait", wait_text},
      {"unmapped", [](const Result& r) { return "unmapped the view at " + handle_value_of(r.get("view")); }},
      {"wrote", [](const Result& r) { return fmt::format("wrote {} at offset {}", plural(int_of(r, "bytes"), "byte"), int_of(r, "offset")); }},
      {"hexdump", [](const Result& r) { return text_of(r, "text"); }},
      {"still-active", [](const Result& r) { return fmt::format("still active ({})", int_of(r, "raw")); }},
      {"terminated",
       [](const Result& r) { return fmt::format("terminated pid {} with exit code {}", int_of(r, "pid"), int_of(r, "code")); }},
      {"already-exited",
       [](const Result& r) {
         return fmt::format("pid {} had already exited with code {}: nothing to terminate", int_of(r, "pid"),
                            int_of(r, "code"));
       }},
      {"resumed", [](const Result& r) { return fmt::format("resumed (suspend count was {})", int_of(r, "previous")); }},
      {"dup-to",
       [](const Result& r) {
         std::string as = text_of(r, "as");
         return fmt::format("{} in pid {}{}", format_handle_value(int_of(r, "value")), int_of(r, "pid"),
                            as.empty() ? "" : ", there as $" + as);
       }},
      {"graph-file",
       [](const Result& r) {
         return fmt::format("wrote {} ({}, {})", text_of(r, "file"), text_of(r, "format"), plural(int_of(r, "bytes"), "byte"));
       }},
      // An agent printed its own results, labelled, as they came.
      {"remote", [](const Result&) { return std::string(); }},
      {"agent-exited",
       [](const Result& r) { return fmt::format("[{}] exited with code {}", text_of(r, "agent"), int_of(r, "code")); }},
      {"closed", [](const Result& r) { return "closed " + handle_of(r, "handle"); }},
      {"closed-pseudo",
       [](const Result&) { return std::string("CloseHandle(-1) succeeded and did nothing: -1 is the pseudo handle"); }},
      {"posted", [](const Result& r) { return "posted " + message_text(static_cast<std::uint32_t>(int_of(r, "msg"))); }},
      {"message-result", [](const Result& r) { return fmt::format("result {}", int_of(r, "result")); }},
      {"no-message", [](const Result& r) { return "no message within " + ms_text(r.get("timeout")); }},
      {"trace", [](const Result& r) { return std::string(flag_of(r, "on") ? "trace on" : "trace off"); }},
      {"help", [](const Result&) { return help_text(); }},
      {"ran",
       [](const Result& r) {
         std::string out;
         for (std::size_t i = 0; i < r.lua_count && i < r.values.size(); ++i)
           out += (out.empty() ? "" : "\t") + format_cell(r.values[i]);
         auto closed = r.values.empty() ? 0 : r.values.back().as<std::int64_t>() ? *r.values.back().as<std::int64_t>() : 0;
         if (closed)
           out += fmt::format("{}(closed {} the script left open; run --keep keeps them)", out.empty() ? "" : "\n",
                              plural(closed, "handle"));
         return out;
       }},
      {"handle-value", [](const Result& r) { return format_handle_value(int_of(r, "value")); }},
      {"show", [](const Result& r) { return r.values.empty() ? std::string() : format_whole(r.values[0]); }},
      {"help-family", [](const Result& r) { return family_help(text_of(r, "family")); }},
      {"help-search", [](const Result& r) { return search_help(r); }},
      {"snapshot",
       [](const Result& r) {
         return fmt::format("snapshot {}: {} of pid {}", text_of(r, "name"), plural(int_of(r, "handles"), "handle"),
                            int_of(r, "pid"));
       }},
      {"record-on",
       [](const Result& r) {
         auto a = r.get("assert");
         return fmt::format("recording to {}{}", text_of(r, "file"),
                            a && a->as<bool>() && *a->as<bool>() ? " (with assertions)" : "");
       }},
      {"record-off", [](const Result& r) { return "recorded to " + text_of(r, "file"); }},
      {"help-command",
       [](const Result& r) {
         const Command* c = find_command(text_of(r, "command"));
         if (!c) c = find_lua_command(text_of(r, "command"));
         return c ? c->help() : std::string();
       }},
      {"values",
       [](const Result& r) {
         std::string out;
         for (const auto& v : r.values) out += (out.empty() ? "" : "\t") + format_cell(v);
         return out;
       }},
  };
  return table;
}

// A row as key: value pairs, a row's lines indented after its first: the
// layout for a console too narrow for the table's columns side by side.
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

std::string format_table(const Table& t) {
  std::vector<std::size_t> width(t.columns.size());
  std::vector<std::vector<std::string>> cells;
  for (std::size_t c = 0; c < t.columns.size(); ++c) width[c] = columns(t.columns[c]);
  for (const auto& row : t.rows) {
    auto& line = cells.emplace_back();
    for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) {
      bool hex = std::find(t.hex_columns.begin(), t.hex_columns.end(), t.columns[c]) != t.hex_columns.end();
      if (auto i = row[c].as<std::int64_t>(); i && hex) line.push_back(format_handle_value(*i));
      else line.push_back(row[c].is_nil() ? "" : format_cell(row[c]));
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

// key: value pairs on one line; on a console, a pair that would pass its
// width starts the next line (indented), so no pair is broken in two.
std::string record_text(const Record& r) {
  if (r.get("remote") && r.get("line") && r.get("line")->as<std::string>()) return *r.get("line")->as<std::string>();
  std::string out;
  std::size_t line = 0;  // columns on the current line
  auto width = static_cast<std::size_t>(fit().width);
  for (const auto& f : r.fields) {
    if (f.show == Show::lua_only) continue;
    std::string pair = f.key + ": " + field_text(f);
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

std::string result_text(const Result& r) {
  auto it = sentences().find(r.shape);
  if (it != sentences().end()) return it->second(r);
  return sentences().at("values")(r);  // a shape without a sentence: its values
}

}  // namespace

std::string wrap_text(std::string_view text, std::size_t width, std::size_t& column) {
  if (width < 16) return std::string(text);
  std::string out;
  out.reserve(text.size() + 16);
  std::size_t indent = 0;     // of the line being written: its continuations get 2 more
  bool line_start = column == 0;
  std::string spaces;         // blanks between words, written only if the next word fits
  std::size_t at = 0;
  while (at < text.size()) {
    char c = text[at];
    if (c == '\n') {
      out += '\n';
      column = 0, line_start = true, spaces.clear(), indent = 0;
      ++at;
      continue;
    }
    if (c == ' ') {
      if (line_start) {
        ++indent;
        out += ' ';
        ++column;
      } else {
        spaces += ' ';
      }
      ++at;
      continue;
    }
    // A word: up to the next blank or line end; colour sequences take no room.
    std::size_t end = at, wide = 0;
    while (end < text.size() && text[end] != ' ' && text[end] != '\n') {
      if (text[end] == '\x1b') {
        std::size_t m = text.find('m', end);
        end = m == std::string_view::npos || m - end > 8 ? end + 1 : m + 1;
        continue;
      }
      wide += (static_cast<unsigned char>(text[end]) & 0xC0) != 0x80;
      ++end;
    }
    // A short group in parentheses stays together: "(4 commands)", "(inherit: no)".
    if (text[at] == '(' && text.substr(at, end - at).find(')') == std::string_view::npos) {
      std::size_t close = text.find(')', end);
      std::size_t line_end = text.find('\n', end);
      if (close != std::string_view::npos && close < line_end && close - at < 20 &&
          text.substr(at + 1, close - at).find('(') == std::string_view::npos) {
        while (end < text.size() && text[end] != '\n' && (end <= close || text[end] != ' ')) {
          wide += (static_cast<unsigned char>(text[end]) & 0xC0) != 0x80;
          ++end;
        }
      }
    }
    std::string_view word = text.substr(at, end - at);
    line_start = false;
    std::size_t continuation = std::min(indent + 2, width / 2);
    if (column + spaces.size() + wide > width && column > continuation) {
      // The word starts the next line, indented.
      out += '\n';
      out.append(continuation, ' ');
      column = continuation;
    } else {
      out += spaces;
      column += spaces.size();
    }
    spaces.clear();
    // A word longer than a whole line is cut after a separator (\ / , ( = :)
    // near where the line ends, or where it ends if there is none.
    while (column + wide > width) {
      std::size_t room = width - column, taken = 0, i = 0;
      while (i < word.size() && (taken < room || (static_cast<unsigned char>(word[i]) & 0xC0) == 0x80)) {
        taken += (static_cast<unsigned char>(word[i]) & 0xC0) != 0x80;
        ++i;
      }
      for (std::size_t p = i; p > i / 2 && p > 1; --p)
        if (std::string_view("\\/,(=:;").find(word[p - 1]) != std::string_view::npos) {
          for (std::size_t q = p; q < i; ++q) taken -= (static_cast<unsigned char>(word[q]) & 0xC0) != 0x80;
          i = p;
          break;
        }
      out += word.substr(0, i);
      out += '\n';
      out.append(continuation, ' ');
      word.remove_prefix(i);
      wide -= taken;
      column = continuation;
    }
    out += word;
    column += wide;
    at = end;
  }
  // Blanks at the end of a write: kept (a prompt's), unless past the edge.
  if (column + spaces.size() <= width) {
    out += spaces;
    column += spaces.size();
  }
  return out;
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
        else if constexpr (std::is_same_v<T, HandleRef>) return fmt::format("{} {}", kind_name(x->kind), x->value_text());
        else if constexpr (std::is_same_v<T, List>) {
          std::string out;
          for (const auto& item : x.items) out += (out.empty() ? "" : ", ") + format_cell(item);
          return out;
        } else if constexpr (std::is_same_v<T, Result>) {
          std::string text = result_text(x);
          std::replace(text.begin(), text.end(), '\n', ' ');
          return text;
        } else if constexpr (std::is_same_v<T, Record>) return record_text(x);
        else if constexpr (std::is_same_v<T, Table>) return fmt::format("a table of {} rows", x.rows.size());
        else if constexpr (std::is_same_v<T, Callback>) return "a function";
        else return "...";
      },
      static_cast<const ValueBase&>(v));
}

std::string format_whole(const Value& v) {
  whole = true;
  std::string out;
  try {
    out = format_result(v);
  } catch (...) {
    whole = false;
    throw;
  }
  whole = false;
  return out;
}

std::string format_result(const Value& v) {
  if (auto h = v.as<HandleRef>()) return handle_line(**h);
  if (auto b = v.as<Bytes>()) return bytes_line(b->data);
  if (auto t = v.as<Table>()) return format_table(*t);
  if (auto r = v.as<Record>()) return record_text(*r);
  if (auto r = v.as<Result>()) return result_text(*r);
  if (v.is_nil()) return "";
  return format_cell(v);
}

namespace {

std::string command_list(const std::vector<const Command*>& commands) {
  std::size_t width = 0;
  for (auto c : commands) width = std::max(width, c->name.size());
  std::string out;
  for (auto c : commands) out += fmt::format("\n  {:<{}}  {}", c->name, width, c->summary);
  return out;
}

}  // namespace

// The shell syntax in brief; README's "Shell syntax" says the same at length
// (tests/cli checks the escapes agree).
constexpr std::string_view syntax_summary =
    "Syntax: NAME = COMMAND ... stores a result; $NAME uses it ($NAME.FIELD: a field, e.g. $p.read);\n"
    "  $_ is the last result; \"...\" takes \\n \\t \\r \\\\ \\\" \\$ \\0 \\xNN; '...' is literal;\n"
    "  # comments; ; separates; --switch=yes|no; `lua` and `spawn --` take the rest of the line as typed.";

std::string help_text() {
  std::string out = "Families (`help FAMILY` lists its commands, `help COMMAND` explains one, `help /WORD` searches):\n";
  for (auto family : families()) {
    int count = 0;
    for (const auto& c : all_commands()) count += c.family == family && !c.lua_only;
    out += fmt::format("  {:<9}  {} ({})\n", family, family_summary(family), plural(count, "command"));
  }
  out += "In Lua each command is ipc.<name with _>; ipc.run(TEXT) runs shell text; `run FILE` is ipc.run_file.\n";
  out += syntax_summary;
  return out;
}

std::string family_help(std::string_view family) {
  std::vector<const Command*> commands;
  for (const auto& c : all_commands())
    if (c.family == family && !c.lua_only) commands.push_back(&c);
  return fmt::format("{}: {}{}", family, family_summary(family), command_list(commands));
}

std::string search_help(const Result& r) {
  std::vector<const Command*> commands;
  if (auto list = r.get("commands"); list && list->as<List>())
    for (const auto& item : list->as<List>()->items) {
      auto name = item.as<std::string>();
      if (!name) continue;
      if (auto c = find_command(*name) ? find_command(*name) : find_lua_command(*name)) commands.push_back(c);
    }
  std::string word = r.get("word") ? format_cell(*r.get("word")) : "";
  if (commands.empty()) return fmt::format("nothing about '{}'", word);
  return fmt::format("{} about '{}':{}", plural(static_cast<std::int64_t>(commands.size()), "command"), word,
                     command_list(commands));
}

}  // namespace ipcsh
