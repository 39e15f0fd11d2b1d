// The handle family: what a handle is, who else holds the object, and
// DuplicateHandle/CloseHandle/SetHandleInformation.
#include <map>
#include <optional>

#include "agents/child_link.hpp"
#include "core/shapes.hpp"
#include "core/syntax.hpp"
#include "handle_table.hpp"
#include "object_info.hpp"
#include "signal_state.hpp"
#include "win32/unique_handle.hpp"

namespace ipcsh {
namespace {

Value info(Session&, const Args& a) {
  auto h = a.handle("H");
  if (h->kind == Kind::view) return view_info(*h);
  if (h->kind == Kind::window) return window_info(*h);
  win::ObjectFacts facts = win::query_object(h->handle());
  if (!facts.valid) throw_error("NtQueryObject", ERROR_INVALID_HANDLE, h->value_text() + " is not a handle here");
  auto signaled = signaled_now(*h);
  Record r;
  r.fields = {{"kind", std::string(kind_name(h->kind))},
              {"value", h->value(), Show::hex},
              {"type", facts.type},
              {"name", facts.name.empty() ? Value() : Value(facts.name)},
              {"access", as_int(facts.granted_access), Show::hex},
              {"inherit", h->inheritable()},
              {"usage_count", as_int(facts.handle_count)},
              {"handle_count", as_int(facts.handle_count), Show::lua_only},  // the same, by the kernel's name
              {"pointer_count", as_int(facts.pointer_count)},
              {"signaled", signaled ? Value(*signaled) : Value(), Show::not_applicable}};
  add_kind_facts(*h, r);
  return r;
}

Value close(Session&, const Args& a) {
  auto h = a.handle("H");
  h->close();
  return report(h->pseudo ? shape::closed_pseudo : shape::closed, {h}, {field::handle});
}

Value set_inherit(Session&, const Args& a) {
  auto h = a.handle("H");
  bool on = a.flag("STATE");
  win::set_handle_information(h->handle(), HANDLE_FLAG_INHERIT, on ? HANDLE_FLAG_INHERIT : 0);
  return h;
}

Value dup(Session& s, const Args& a) {
  HandleRef from = a.handle("from"), to = a.handle("to");
  HANDLE source_process = from ? from->handle() : GetCurrentProcess();
  HANDLE target_process = to ? to->handle() : GetCurrentProcess();
  // Without --from, H is ours: resolve it so its kind and closing are known.
  std::int64_t value = handle_value_arg(*a.find("H"), "H", 1);
  HandleRef source;
  if (!from) {
    source = a.find("H")->as<HandleRef>() ? *a.find("H")->as<HandleRef>() : s.resolve(value);
    if (source->closed())
      throw_error("DuplicateHandle", ERROR_INVALID_HANDLE, source->value_text() + " was closed");
    if (source->kind == Kind::view || source->kind == Kind::window || source->kind == Kind::socket)
      throw UsageError(fmt::format("H: a {} is not a kernel handle to duplicate", kind_name(source->kind)), 1);
  }
  DWORD options = a.flag("close-source") ? DUPLICATE_CLOSE_SOURCE : 0;
  DWORD access = 0;
  std::string access_text = a.string_or("access", "same");
  if (access_text == "same") {
    options |= DUPLICATE_SAME_ACCESS;
  } else {
    auto mask = parse_number(access_text);
    if (!mask || *mask < 0 || *mask > 0xFFFFFFFF)
      throw UsageError("--access: 'same' or a mask like 0x1f0003 expected, got '" + access_text.substr(0, 40) + "'");
    access = static_cast<DWORD>(*mask);
  }
  if (a.has("as")) {
    if (!to || !to->link || !to->link->agent())
      throw UsageError("--as NAME binds the copy in an agent: give --to P with P an agent (spawn --agent)");
    if (!is_identifier(a.string("as"))) throw UsageError("--as: a variable name expected, like w or slot_2");
  }
  HANDLE source_value = source ? source->handle() : reinterpret_cast<HANDLE>(static_cast<std::intptr_t>(value));
  DWORD error = 0;
  HANDLE copy = win::duplicate_handle(source_process, source_value, target_process, access, a.flag("inherit"), options,
                                      &error);
  // DUPLICATE_CLOSE_SOURCE closes the source even when duplication fails.
  if (source && (options & DUPLICATE_CLOSE_SOURCE) && !source->pseudo) source->mark_closed();
  if (error) {
    // The kernel's word for a process that has ended is a bare access denied.
    for (const HandleRef& p : {from, to})
      if (p && win::wait_now(p->handle()) == WAIT_OBJECT_0)
        throw_error("DuplicateHandle", error,
                    fmt::format("{} has exited (code {})", process_label(s, p), win::get_exit_code(p->handle())));
    throw_error("DuplicateHandle", error);
  }
  if (to) {
    auto v = static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(copy));
    DWORD pid = win::get_process_id(to->handle());
    s.children.sent_to[pid].insert(v);
    if (!a.has("as")) return result(shape::dup_to, {v, as_int(pid)}, {field::value, field::pid}, 1);
    // An agent binds the copy to a variable of its own.
    Kind kind = source ? source->kind : kind_of(win::query_object(source_value));
    to->link->bind(s, a.string("as"), v, kind_name(kind), source ? end_word(source->end) : "",
                   source ? source->name : "");
    return result(shape::dup_to, {v, as_int(pid), a.string("as")}, {field::value, field::pid, field::as}, 1);
  }
  win::ObjectFacts facts = source ? win::ObjectFacts{} : win::query_object(copy);  // what a copy from P is
  Kind kind = source ? source->kind : kind_of(facts);
  std::string name = source ? source->name : facts.name, role;
  HandleObject::End end = HandleObject::End::none;
  if (!source) {
    // A handle to an object we hold too (a writer end we handed out) is
    // what ours is: the kernel cannot tell a mailslot writer from a file.
    for (const auto& [v, h] : s.handles())
      if (!h->closed() && !h->pseudo && h->kind != Kind::view && h->kind != Kind::window &&
          win::same_object(copy, h->handle()).value_or(false)) {
        kind = h->kind;
        name = h->name;
        end = h->end == HandleObject::End::mailslot_writer ? h->end : HandleObject::End::none;
        role = end_word(end);
        break;
      }
  }
  auto ref = s.add(kind, copy, name);
  ref->role = role;
  ref->end = end;
  if (source && source->pseudo) {
    ref->pid = GetCurrentProcessId();
    ref->name = "(this process)";
  } else if (ref->kind == Kind::process) {
    ref->pid = win::get_process_id(copy);
  }
  if (source && source->end == HandleObject::End::mailslot_writer) {
    ref->end = source->end;
    ref->role = end_word(source->end);
  } else if (source) {
    ref->role.clear();
  }
  return ref;
}

Value opt(const std::string& text) { return text.empty() ? Value() : Value(text); }

Value handles(Session& s, const Args& a) {
  // One view at a time: a flag the others would silently lose is an error.
  int views = a.has("compare") + a.has("snapshot") + a.has("since");
  if (views > 1) throw UsageError("--compare, --snapshot and --since: one at a time");
  HandleRef process = a.handle("process");
  ObjectIds ids(s);
  if (a.has("compare")) {
    // This shell (or --process P) and each P, side by side.
    std::vector<ProcessTable> tables{read_table(s, process, ids)};
    for (const auto& p : a.handles("compare")) tables.push_back(read_table(s, p, ids));
    Table t = compare_tables(tables, a.flag("all"), a.flag("wide"));
    t.note = "Y/N: the inherit flag; usage: the object's usage count";
    return t;
  }
  ProcessTable table = read_table(s, process, ids);
  DWORD pid = table.pid;
  std::vector<TableRow>& rows = table.rows;
  if (a.has("snapshot")) {
    // Kept by the session, by name, with the process it is of.
    Session::Snapshot kept{pid, {}};
    for (const auto& r : rows) kept.rows.push_back({r.value, r.type, r.name, r.origin});
    std::size_t n = rows.size();
    s.snapshots[a.string("snapshot")] = std::move(kept);
    return result(shape::snapshot, {a.string("snapshot"), static_cast<std::int64_t>(n), as_int(pid)}, {field::name, field::handles, field::pid}, 2);
  }
  if (a.has("since")) {
    auto it = s.snapshots.find(a.string("since"));
    if (it == s.snapshots.end())
      throw UsageError(fmt::format("--since: no snapshot '{}' (take one with handles --snapshot NAME)", a.string("since")));
    if (it->second.pid != pid)
      throw UsageError(fmt::format("--since: '{}' is of pid {}, not pid {}", a.string("since"), it->second.pid, pid));
    // A value that now names another object counts as closed and opened.
    auto same = [](const auto& x, const auto& y) { return x.value == y.value && x.type == y.type && x.name == y.name; };
    Table t{{"change", "value", "type", "name", "created by"}, {}, {"value"}};
    for (const auto& now : rows)
      if (std::none_of(it->second.rows.begin(), it->second.rows.end(), [&](const auto& r) { return same(r, now); }))
        t.rows.push_back({"opened", now.value, opt(now.type), opt(now.name), opt(now.origin)});
    for (const auto& then : it->second.rows)
      if (std::none_of(rows.begin(), rows.end(), [&](const TableRow& r) { return same(r, then); }))
        t.rows.push_back({"closed", then.value, opt(then.type), opt(then.name), opt(then.origin)});
    return t;
  }
  bool all = a.flag("all");
  Table t{{"value", "type", "kind", "name", "inherit", "access", "usage", "object", "var"}, {}, {"value", "access"}, a.flag("wide")};
  t.also = {{"usage_count", "usage"}};
  std::size_t hidden = 0;
  for (const auto& r : rows) {
    if (!r.user && !all) {
      ++hidden;
      continue;
    }
    t.rows.push_back({r.value, opt(r.type), opt(r.kind), opt(r.name), r.inherit, r.access, r.count ? Value(*r.count) : Value(),
                      r.object ? Value("#" + std::to_string(r.object)) : Value(), opt(r.var)});
  }
  if (hidden) t.note = fmt::format("{} of the runtime's own hidden: --all shows them", hidden);
  if (table.exited)
    t.note = fmt::format("{} has exited (code {}): its handles closed with it", process_label(s, process), *table.exited);
  return t;
}

const FamilyRegistration family{"handle", "duplicate, close, inherit flags, info and handle tables"};
const CommandRegistration registration{
    {.name = "dup",
     .family = "handle",
     .summary = "duplicate a handle, within or across processes (DuplicateHandle)",
     .params = {{.name = "H", .type = ArgType::any}},
     .flags = {{.name = "from",
                .type = ArgType::handle,
                .value_name = "P",
                .help = "H is a value in process P",
                .kinds = {Kind::process}},
               {.name = "to",
                .type = ArgType::handle,
                .value_name = "P",
                .help = "put the copy in process P (prints its value there)",
                .kinds = {Kind::process}},
               {.name = "access",
                .type = ArgType::string,
                .value_name = "same|MASK",
                .help = "access of the copy (default same)"},
               {.name = "inherit", .type = ArgType::boolean, .help = "make the copy inheritable"},
               {.name = "close-source",
                .type = ArgType::boolean,
                .help = "close H as it is copied (DUPLICATE_CLOSE_SOURCE)"},
               {.name = "as",
                .type = ArgType::name,
                .value_name = "NAME",
                .help = "with --to an agent: bind the copy to $NAME there"}},
     .handler = dup,
     .stable = false,
     .returns = {.values = {{.name = "copy", .type = LuaType::handle, .about = "the copy in this process, of the source's kind"}},
                 .note = "With `--to P` the copy is in P: Lua gets its value there (an integer); the shell also reaches `$d.pid` and `$d.as`"}},
    {.name = "close",
     .family = "handle",
     .summary = "close a handle (CloseHandle)",
     .params = {{.name = "H", .type = ArgType::handle}},
     .handler = close,
     .returns = {}},
    {.name = "set-inherit",
     .family = "handle",
     .summary = "turn a handle's inherit flag on or off (SetHandleInformation)",
     .params = {{.name = "H", .type = ArgType::handle}, {.name = "STATE", .type = ArgType::boolean}},
     .handler = set_inherit,
     .returns = {.values = {{.name = "handle", .type = LuaType::handle, .about = "H, with its new flag"}}}},
    {.name = "info",
     .family = "handle",
     .summary = "type, kernel name, access, inherit, handle and pointer counts, signaled now",
     .params = {{.name = "H", .type = ArgType::handle}},
     .handler = info,
     .returns = {.values = {{.name = "info",
                             .type = LuaType::record,
                             .about = "plus the kind's own facts (a mailslot's max_size, next_size, count, timeout; a pipe's end, mode, instances, buffers, client_pid...; an event's manual; a semaphore's count and max; a mutex's owned_by_us and abandoned; a timer's remaining_ms; a process's pid, parent_pid, image, exit_code; a socket's address, port, peer, listening; a view's mapping, size, writable, protect; a window's pid, thread, queued)",
                             .fields = {{.name = "kind", .type = LuaType::string},
                                        {.name = "value", .type = LuaType::integer},
                                        {.name = "type", .type = LuaType::string, .about = "the kernel's type name"},
                                        {.name = "name", .type = LuaType::string, .optional = true, .about = "the kernel's name"},
                                        {.name = "access", .type = LuaType::integer, .about = "granted access mask"},
                                        {.name = "inherit", .type = LuaType::boolean},
                                        {.name = "usage_count", .type = LuaType::integer, .about = "handles to the object"},
                                        {.name = "handle_count", .type = LuaType::integer, .about = "the same, by the kernel's name"},
                                        {.name = "pointer_count", .type = LuaType::integer},
                                        {.name = "signaled", .type = LuaType::boolean, .optional = true, .about = "nil: not a waitable kind"}}}}}},
    {.name = "handles",
     .family = "handle",
     .summary = "the handle table of this process (or --process P): the user's handles, usage counts, object ids",
     .flags = {{.name = "process",
                .type = ArgType::handle,
                .value_name = "P",
                .help = "another process's table",
                .kinds = {Kind::process}},
               {.name = "all", .type = ArgType::boolean, .help = "the runtime's own handles too, not only the user's"},
               {.name = "compare",
                .type = ArgType::handles,
                .value_name = "P,P...",
                .help = "tables side by side: one row per object, each process's value and inherit flag",
                .kinds = {Kind::process}},
               {.name = "snapshot",
                .type = ArgType::name,
                .value_name = "NAME",
                .help = "keep the table as NAME to compare with later"},
               {.name = "since",
                .type = ArgType::name,
                .value_name = "NAME",
                .help = "what was opened and closed since snapshot NAME, and by which command"},
               {.name = "wide", .type = ArgType::boolean, .help = "names in full, even wider than the console"}},
     .handler = handles,
     .stable = false,
     .returns = {.values = {{.name = "table",
                             .type = LuaType::rows,
                             .about = "one row per handle (--compare: per object, a column per process; --since: what changed)",
                             .fields = {{.name = "value", .type = LuaType::integer},
                                        {.name = "type", .type = LuaType::string, .optional = true},
                                        {.name = "kind", .type = LuaType::string, .optional = true},
                                        {.name = "name", .type = LuaType::string, .optional = true},
                                        {.name = "inherit", .type = LuaType::boolean},
                                        {.name = "access", .type = LuaType::integer},
                                        {.name = "usage", .type = LuaType::integer, .optional = true, .about = "also usage_count"},
                                        {.name = "object", .type = LuaType::string, .optional = true, .about = "#N: the same for the same object in every process"},
                                        {.name = "var", .type = LuaType::string, .optional = true}}}},
                 .note = "With `--snapshot NAME`: the name and the number of handles it holds"}},
};

}  // namespace
}  // namespace ipcsh
