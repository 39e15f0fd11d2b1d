// Every result shape and its sentence: "sent 5 bytes", "timeout after
// 100 ms (WAIT_TIMEOUT)". A shape without one shows its values.
#include <functional>
#include <map>

#include <fmt/format.h>

#include "core/command.hpp"
#include "core/shapes.hpp"
#include "core/kinds.hpp"
#include "core/messages.hpp"
#include "core/syntax.hpp"
#include "handle.hpp"
#include "render.hpp"
#include "win32/win32.hpp"

namespace ipcsh::render {

std::string plural(std::int64_t n, std::string_view one) {
  return fmt::format("{} {}{}", n, one, n == 1 ? "" : "s");
}

// WM_USER+1 (0x401); a number without a name as 0x...
std::string message_text(std::uint32_t msg) {
  std::string name = message_name(msg);
  return name.rfind("0x", 0) == 0 ? name : fmt::format("{} ({:#x})", name, msg);
}

namespace {

std::int64_t int_of(const Result& r, FieldName name) {
  auto v = r.get(name);
  return v && v->as<std::int64_t>() ? *v->as<std::int64_t>() : 0;
}

std::string text_of(const Renderer& how, const Result& r, FieldName name) {
  auto v = r.get(name);
  return v ? how.cell(*v) : std::string();
}

// A field's bytes (a message's data), "" when it holds none: a result that
// came from a peer is shown whatever it holds.
const std::string& bytes_of(const Result& r, FieldName name) {
  static const std::string none;
  auto v = r.get(name);
  auto b = v ? v->as<Bytes>() : nullptr;
  return b ? b->data : none;
}

bool flag_of(const Result& r, FieldName name) {
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
std::string handle_text(const Renderer& how, const Value* v) {
  if (auto h = v ? v->as<HandleRef>() : nullptr) return handle_line(**h);
  if (auto line = remote_line(v)) return *line;
  return v ? how.cell(*v) : std::string();
}

// "0x30", ours or an agent's.
std::string handle_value_of(const Value* v) {
  if (auto h = v ? v->as<HandleRef>() : nullptr) return (*h)->value_text();
  auto value = remote_line(v) ? v->as<Record>()->get("value") : nullptr;
  return value && value->as<std::int64_t>() ? format_handle_value(*value->as<std::int64_t>()) : std::string();
}

// "event 0x30", ours or an agent's.
std::string handle_of(const Renderer& how, const Result& r, FieldName name) {
  auto v = r.get(name);
  if (auto h = v ? v->as<HandleRef>() : nullptr) return fmt::format("{} {}", kind_name((*h)->kind), (*h)->value_text());
  if (remote_line(v)) {
    auto kind = v->as<Record>()->get("kind");
    return (kind ? how.cell(*kind) : std::string("handle")) + " " + handle_value_of(v);
  }
  return std::string();
}

std::string ms_text(const Renderer& how, const Value* v) {
  return !v || v->is_nil() ? "forever" : fmt::format("{} ms", how.cell(*v));
}

std::string wait_text(const Renderer& how, const Result& r) {
  static const win::NameTable& names = win::wait_names;
  std::string raw = win::value_text(static_cast<std::uint64_t>(int_of(r, field::code)), names);
  if (text_of(how, r, field::status) == "timeout") return fmt::format("timeout after {} ({})", ms_text(how, r.get(field::timeout)), raw);
  std::string status = text_of(how, r, field::status);
  if (flag_of(r, field::all)) return fmt::format("{}: all handles ({})", status, raw);
  auto h = r.get(field::handle);
  std::string which = h && !h->is_nil() ? handle_text(how, h) : "";
  std::string var = text_of(how, r, field::var);
  return fmt::format("{}: [{}] {}{} ({})", status, int_of(r, field::index), var.empty() ? "" : var + " ", which, raw);
}

// A result whose one value is a record (security, access-check): that
// record's field, shown.
std::string record_text(const Renderer& how, const Result& r, std::string_view key) {
  auto rec = r.values.empty() ? nullptr : r.values[0].as<Record>();
  auto v = rec ? rec->get(key) : nullptr;
  return v && !v->is_nil() ? how.cell(*v) : std::string();
}

// One line per ACE of a list of ACE records, indented.
std::string ace_lines(const Result& r, std::string_view key) {
  auto rec = r.values.empty() ? nullptr : r.values[0].as<Record>();
  auto list = rec && rec->get(key) ? rec->get(key)->as<List>() : nullptr;
  std::string out;
  if (!list) return out;
  for (const auto& item : list->items) {
    auto ace = item.as<Record>();
    auto index = ace ? ace->get("index") : nullptr;
    auto line = ace ? ace->get("line") : nullptr;
    auto sddl = ace ? ace->get("sddl") : nullptr;
    if (!line || !line->as<std::string>()) continue;
    out += fmt::format("\n  {}. {}", index && index->as<std::int64_t>() ? *index->as<std::int64_t>() : 0,
                       *line->as<std::string>());
    if (sddl && sddl->as<std::string>() && !sddl->as<std::string>()->empty()) out += "  " + *sddl->as<std::string>();
  }
  return out;
}

std::string security_text(const Renderer& how, const Result& r) {
  std::string sddl = record_text(how, r, "sddl");
  std::string owner = record_text(how, r, "owner"), group = record_text(how, r, "group");
  std::string dacl = record_text(how, r, "dacl");
  std::string out = fmt::format("{} ({}): {}", record_text(how, r, "object"), record_text(how, r, "type"),
                                sddl.empty() ? "an empty descriptor" : sddl);
  out += fmt::format("\nowner: {}  group: {}", owner.empty() ? "none" : owner, group.empty() ? "none" : group);
  if (dacl == "none") out += "\nDACL: none (no DACL: everyone may open it for anything)";
  else if (dacl == "NULL") out += "\nDACL: NULL (everyone may open it for anything)";
  else out += "\nDACL: " + dacl + ace_lines(r, "aces");
  auto rec = r.values.empty() ? nullptr : r.values[0].as<Record>();
  auto label = rec ? rec->get("label") : nullptr;
  if (!label || label->is_nil()) out += "\nlabel: not read";
  else if (label->as<List>() && label->as<List>()->items.empty()) out += "\nlabel: none";
  else out += "\nlabel:" + ace_lines(r, "label");
  return out;
}

std::string access_check_text(const Renderer& how, const Result& r) {
  auto rec = r.values.empty() ? nullptr : r.values[0].as<Record>();
  auto granted = rec ? rec->get("granted") : nullptr;
  bool yes = granted && granted->as<bool>() && *granted->as<bool>();
  std::string out = fmt::format("AccessCheck: {} on {}: {}", record_text(how, r, "access"), record_text(how, r, "object"),
                                yes ? "granted (" + record_text(how, r, "granted_access") + ")" : "denied");
  auto walk = rec ? rec->get("dacl_grants") : nullptr;
  bool walk_yes = walk && walk->as<bool>() && *walk->as<bool>();
  if (walk && walk_yes != yes)
    out += fmt::format("\n  the DACL, walked as Windows documents it, {} it (see docs/wine.md)", walk_yes ? "grants" : "denies");
  out += "\n  decided by: " + record_text(how, r, "decided_by");
  auto real = rec ? rec->get("opened") : nullptr;
  if (real && real->as<bool>() && *real->as<bool>() != yes)
    out += fmt::format("\n  the real open and AccessCheck disagree: it was {} (see docs/wine.md)",
                       *real->as<bool>() ? "opened" : "refused");
  std::string open = record_text(how, r, "open");
  out += "\n  a real open: " + (open.empty() ? std::string("none (the object has no name to open it by)") : open);
  return out;
}

using Render = std::function<std::string(const Renderer&, const Result&)>;

// Every result shape and its sentence.
const std::map<std::string_view, Render, std::less<>>& sentences() {
  static const std::map<std::string_view, Render, std::less<>> table{
      {shape::security, security_text},
      {shape::io_cancelled,
       [](const Renderer&, const Result& r) {
         return flag_of(r, field::pending) ? std::string("cancelled (CancelIoEx): it completes with ERROR_OPERATION_ABORTED")
                                           : std::string("nothing to cancel: it had completed (CancelIoEx: ERROR_NOT_FOUND)");
       }},
      {shape::associated,
       [](const Renderer& how, const Result& r) {
         return fmt::format("{}'s completions go to the port with key {}", handle_of(how, r, field::handle),
                            int_of(r, field::key));
       }},
      {shape::completion_posted,
       [](const Renderer&, const Result& r) {
         return fmt::format("posted a packet: key {}, {} bytes", int_of(r, field::key), int_of(r, field::bytes));
       }},
      {shape::access_check, access_check_text},
      {shape::security_set,
       [](const Renderer& how, const Result& r) {
         return fmt::format("{}: set {} (see security)", handle_value_of(r.get(field::handle)), text_of(how, r, field::sddl));
       }},
      {shape::sent,
       [](const Renderer&, const Result& r) {
         std::string line = "sent " + plural(int_of(r, field::bytes), "byte");
         if (r.get(field::over_limit))
           line += fmt::format(" (warning: over the slot's max size of {} bytes: Wine delivers it truncated, Windows "
                               "refuses it)", int_of(r, field::over_limit));
         return line;
       }},
      {shape::more_data,
       [](const Renderer&, const Result& r) {
         const std::string& data = bytes_of(r, field::data);
         return fmt::format("{} ({}; more of this message remains: ERROR_MORE_DATA)", quote_bytes(data),
                            plural(static_cast<std::int64_t>(data.size()), "byte"));
       }},
      {shape::cut_short,
       [](const Renderer&, const Result& r) {
         const std::string& data = bytes_of(r, field::data);
         auto whole = int_of(r, field::message_size), got = static_cast<std::int64_t>(data.size());
         return fmt::format("{} ({}; the message was {} bytes and this kernel dropped the other {}, as Wine does; "
                            "Windows fails with ERROR_INSUFFICIENT_BUFFER and keeps the message)",
                            quote_bytes(data), plural(got, "byte"), whole, whole - got);
       }},
      {shape::pipe_mode,
       [](const Renderer& how, const Result& r) {
         return fmt::format("{}: read mode {}, {}", handle_of(how, r, field::handle), text_of(how, r, field::read_mode),
                            text_of(how, r, field::wait_mode) == "nowait" ? "PIPE_NOWAIT (reads return at once)" : "PIPE_WAIT");
       }},
      {shape::pipe_free, [](const Renderer& how, const Result& r) { return "an instance of " + text_of(how, r, field::name) + " is free to open"; }},
      {shape::flushed, [](const Renderer& how, const Result& r) { return "flushed " + handle_of(how, r, field::handle) + ": the other end has read everything"; }},
      {shape::read_timeout, [](const Renderer& how, const Result& r) { return "read timeout " + ms_text(how, r.get(field::timeout)); }},
      {shape::connected, [](const Renderer&, const Result&) { return std::string("a client connected"); }},
      {shape::already_connected, [](const Renderer&, const Result&) { return std::string("a client was already connected"); }},
      {shape::disconnected, [](const Renderer&, const Result&) { return std::string("disconnected the client"); }},
      {shape::pipe_ends,
       [](const Renderer& how, const Result& r) {
         return fmt::format("read: {}\nwrite: {}", handle_text(how, r.get(field::read)), handle_text(how, r.get(field::write)));
       }},
      {shape::set, [](const Renderer& how, const Result& r) { return "set " + handle_of(how, r, field::handle); }},
      {shape::reset, [](const Renderer& how, const Result& r) { return "reset " + handle_of(how, r, field::handle); }},
      {shape::pulsed, [](const Renderer& how, const Result& r) { return "pulsed " + handle_of(how, r, field::handle); }},
      {shape::released_mutex, [](const Renderer& how, const Result& r) { return "released " + handle_of(how, r, field::handle); }},
      {shape::cancelled, [](const Renderer& how, const Result& r) { return "cancelled " + handle_of(how, r, field::handle); }},
      {shape::released,
       [](const Renderer&, const Result& r) {
         return fmt::format("released {}; the count was {}, now {}", int_of(r, field::released), int_of(r, field::previous),
                            int_of(r, field::previous) + int_of(r, field::released));
       }},
      {shape::timer_set,
       [](const Renderer&, const Result& r) {
         return int_of(r, field::period) ? fmt::format("due in {} ms, then every {} ms", int_of(r, field::due), int_of(r, field::period))
                                    : fmt::format("due in {} ms", int_of(r, field::due));
       }},
      {shape::wait, wait_text},
      {shape::unmapped, [](const Renderer&, const Result& r) { return "unmapped the view at " + handle_value_of(r.get(field::view)); }},
      {shape::wrote, [](const Renderer&, const Result& r) { return fmt::format("wrote {} at offset {}", plural(int_of(r, field::bytes), "byte"), int_of(r, field::offset)); }},
      {shape::hexdump, [](const Renderer& how, const Result& r) { return text_of(how, r, field::text); }},
      {shape::still_active, [](const Renderer&, const Result& r) { return fmt::format("still active ({})", int_of(r, field::raw)); }},
      {shape::terminated,
       [](const Renderer&, const Result& r) { return fmt::format("terminated pid {} with exit code {}", int_of(r, field::pid), int_of(r, field::code)); }},
      {shape::already_exited,
       [](const Renderer&, const Result& r) {
         return fmt::format("pid {} had already exited with code {}: nothing to terminate", int_of(r, field::pid),
                            int_of(r, field::code));
       }},
      {shape::resumed, [](const Renderer&, const Result& r) { return fmt::format("resumed (suspend count was {})", int_of(r, field::previous)); }},
      {shape::dup_to,
       [](const Renderer& how, const Result& r) {
         std::string as = text_of(how, r, field::as);
         return fmt::format("{} in pid {}{}", format_handle_value(int_of(r, field::value)), int_of(r, field::pid),
                            as.empty() ? "" : ", there as $" + as);
       }},
      {shape::graph_file,
       [](const Renderer& how, const Result& r) {
         return fmt::format("wrote {} ({}, {})", text_of(how, r, field::file), text_of(how, r, field::format), plural(int_of(r, field::bytes), "byte"));
       }},
      // An agent printed its own results, labelled, as they came.
      {shape::remote, [](const Renderer&, const Result&) { return std::string(); }},
      {shape::agent_exited,
       [](const Renderer& how, const Result& r) { return fmt::format("[{}] exited with code {}", text_of(how, r, field::agent), int_of(r, field::code)); }},
      {shape::closed, [](const Renderer& how, const Result& r) { return "closed " + handle_of(how, r, field::handle); }},
      {shape::closed_pseudo,
       [](const Renderer&, const Result&) { return std::string("CloseHandle(-1) succeeded and did nothing: -1 is the pseudo handle"); }},
      {shape::posted, [](const Renderer&, const Result& r) { return "posted " + message_text(static_cast<std::uint32_t>(int_of(r, field::msg))); }},
      {shape::message_result, [](const Renderer&, const Result& r) { return fmt::format("result {}", int_of(r, field::result)); }},
      {shape::no_message, [](const Renderer& how, const Result& r) { return "no message within " + ms_text(how, r.get(field::timeout)); }},
      {shape::trace, [](const Renderer&, const Result& r) { return std::string(flag_of(r, field::on) ? "trace on" : "trace off"); }},
      {shape::help, [](const Renderer&, const Result&) { return help_text(); }},
      {shape::ran,
       [](const Renderer& how, const Result& r) {
         std::string out;
         for (std::size_t i = 0; i < r.lua_count && i < r.values.size(); ++i)
           out += (out.empty() ? "" : "\t") + how.cell(r.values[i]);
         auto closed = r.values.empty() ? 0 : r.values.back().as<std::int64_t>() ? *r.values.back().as<std::int64_t>() : 0;
         if (closed)
           out += fmt::format("{}(closed {} the script left open; run --keep keeps them)", out.empty() ? "" : "\n",
                              plural(closed, "handle"));
         return out;
       }},
      {shape::handle_value, [](const Renderer&, const Result& r) { return format_handle_value(int_of(r, field::value)); }},
      {shape::show, [](const Renderer& how, const Result& r) { return r.values.empty() ? std::string() : Renderer{how.fit, true}.result(r.values[0]); }},
      {shape::help_family, [](const Renderer& how, const Result& r) { return family_help(text_of(how, r, field::family)); }},
      {shape::help_search, [](const Renderer& how, const Result& r) { return search_help(how, r); }},
      {shape::snapshot,
       [](const Renderer& how, const Result& r) {
         return fmt::format("snapshot {}: {} of pid {}", text_of(how, r, field::name), plural(int_of(r, field::handles), "handle"),
                            int_of(r, field::pid));
       }},
      {shape::record_on,
       [](const Renderer& how, const Result& r) {
         auto a = r.get(field::assert_);
         return fmt::format("recording to {}{}", text_of(how, r, field::file),
                            a && a->as<bool>() && *a->as<bool>() ? " (with assertions)" : "");
       }},
      {shape::record_off, [](const Renderer& how, const Result& r) { return "recorded to " + text_of(how, r, field::file); }},
      {shape::help_command,
       [](const Renderer& how, const Result& r) {
         const Command* c = find_command(text_of(how, r, field::command));
         if (!c) c = find_lua_command(text_of(how, r, field::command));
         return c ? c->help() : std::string();
       }},
      {shape::values,
       [](const Renderer& how, const Result& r) {
         std::string out;
         for (const auto& v : r.values) out += (out.empty() ? "" : "\t") + how.cell(v);
         return out;
       }},
  };
  return table;
}

}  // namespace

std::string Renderer::sentence(const Result& r) const {
  auto it = sentences().find(r.shape);
  if (it != sentences().end()) return it->second(*this, r);
  return sentences().at(shape::values)(*this, r);  // a shape without a sentence: its values
}

}  // namespace ipcsh::render
