// The namespace family: the object manager's directories and what they
// hold (objects), where a name lands (where), the pipes and mailslots that
// exist (pipes, mailslots).
#include <algorithm>

#include "agents/child_link.hpp"
#include "common.hpp"
#include "win32/unique_handle.hpp"

namespace ipcsh {
namespace {

constexpr int deepest = 16;              // directories below DIR that --recurse enters
constexpr std::size_t most_rows = 100000;  // a listing never grows without end

void sort_by_name(Table& t) {  // (column 0 is a name in every table here)
  std::sort(t.rows.begin(), t.rows.end(), [](const auto& x, const auto& y) {
    return *x[0].template as<std::string>() < *y[0].template as<std::string>();
  });
}

std::string joined(std::string_view dir, std::string_view name) {
  return std::string(dir) + (dir.empty() || dir.back() != '\\' ? "\\" : "") + std::string(name);
}

// One directory's entries into `t` (names relative to the top when
// recursing); what could not be listed below the top is counted, not fatal.
void list_into(Table& t, const std::string& dir, const std::string& shown_prefix, const std::string& type,
               bool recurse, int depth, int& unlisted) {
  for (const auto& e : win::list_object_directory(dir)) {
    if (t.rows.size() >= most_rows) return;
    std::string path = joined(dir, e.name);
    std::string shown = shown_prefix.empty() ? e.name : shown_prefix + "\\" + e.name;
    if (type.empty() || equal_ignoring_case(e.type, type)) {
      Value target;
      if (equal_ignoring_case(e.type, "SymbolicLink"))
        if (auto to = win::symbolic_link_target(path)) target = *to;
      t.rows.push_back({shown, e.type, target});
    }
    if (recurse && equal_ignoring_case(e.type, "Directory") && depth < deepest) {
      try {
        list_into(t, path, shown, type, recurse, depth + 1, unlisted);
      } catch (const Win32Error&) {
        ++unlisted;
      }
    }
  }
}

Value objects(Session&, const Args& a) {
  std::string dir = a.string_or("DIR", win::session_named_objects());
  if (dir.empty() || dir[0] != '\\')
    throw UsageError(fmt::format("DIR: an object directory path starting with \\ expected (\\BaseNamedObjects), got '{}'",
                                 dir.substr(0, 60)),
                     1);
  if (dir.size() > 1 && dir.back() == '\\') dir.pop_back();  // \Sessions\ as Tab completes it
  Table t{{"name", "type", "target"}};
  t.wide = a.flag("wide");
  int unlisted = 0;
  list_into(t, dir, "", a.string_or("type", ""), a.flag("recurse"), 0, unlisted);
  sort_by_name(t);
  t.note = dir;
  if (unlisted) t.note += fmt::format("; {} directories below could not be listed", unlisted);
  if (t.rows.size() >= most_rows) t.note += fmt::format("; stopped at {} rows", most_rows);
  return t;
}

// ---- pipes, mailslots ----------------------------------------------------

std::string short_name(std::string_view path, std::string_view prefix) {
  if (path.size() > prefix.size() && equal_ignoring_case(path.substr(0, prefix.size()), prefix))
    return std::string(path.substr(prefix.size()));
  return std::string(path);
}

// The names of `kind` this shell and its agents made (their server or
// reader ends), for when the kernel cannot list them.
void made_here(Session& s, Kind kind, HandleObject::End end, std::string_view prefix, Table& t) {
  for (const auto& [value, h] : s.handles())
    if (!h->closed() && h->kind == kind && h->end == end && !h->name.empty())
      t.rows.push_back({short_name(h->name, prefix),
                        std::string(h->received ? "this shell (passed to it)" : h->adopted ? "this shell (inherited)" : "this shell"),
                        value});
  std::string wanted_end(end_word(end));
  for (const auto& [value, agent] : s.handles()) {
    if (!agent->link || !agent->link->agent() || agent->closed()) continue;
    std::string var = s.variable_of(*agent);  // "$k", or "" when only Lua holds it
    std::vector<Value> theirs;
    try {
      theirs = agent->link->user_handles(s);
    } catch (const std::exception&) {  // an agent that cannot answer adds nothing; the note says who was asked
      continue;
    }
    for (const auto& item : theirs) {
      auto r = item.as<Record>();
      auto k = r ? r->get("kind") : nullptr;
      auto e = r ? r->get("end") : nullptr;
      auto name = r ? r->get("name") : nullptr;
      auto handle = r ? r->get("value") : nullptr;
      if (!k || !k->as<std::string>() || *k->as<std::string>() != kind_name(kind)) continue;
      if (!e || !e->as<std::string>() || *e->as<std::string>() != wanted_end) continue;
      if (!name || !name->as<std::string>() || name->as<std::string>()->empty()) continue;
      t.rows.push_back({short_name(*name->as<std::string>(), prefix),
                        var.empty() ? fmt::format("agent (pid {})", agent->pid) : fmt::format("agent {} (pid {})", var, agent->pid),
                        handle ? *handle : Value()});
    }
  }
}

// The names under \\.\pipe\ or \\.\mailslot\ as the kernel lists them; where it
// cannot (Wine), the ones made here, and a note that says so - never a
// silent empty list.
Value names_of(Session& s, Kind kind, HandleObject::End end, std::string_view prefix) {
  DWORD error = 0;
  auto found = win::find_files(std::string(prefix) + "*", error);
  Table t{{"name", "made_by", "value"}};
  t.hex_columns = {"value"};
  if (!error || error == ERROR_FILE_NOT_FOUND) {
    for (const auto& f : found) t.rows.push_back({f.name, Value(), Value()});
    t.note = fmt::format("listed by the kernel (FindFirstFileW {}*)", prefix);
  } else {
    made_here(s, kind, end, prefix, t);
    t.note = fmt::format("{}* cannot be listed here (FindFirstFileW: {}, as under Wine); these are the ones this shell "
                         "and its agents made",
                         prefix, error_name(error));
  }
  sort_by_name(t);
  return t;
}

Value pipes(Session& s, const Args&) {
  return names_of(s, Kind::pipe, HandleObject::End::pipe_server, pipe_prefix);
}
Value mailslots(Session& s, const Args&) {
  return names_of(s, Kind::mailslot, HandleObject::End::none, mailslot_prefix);
}

// ---- where ----------------------------------------------------------------

Value where(Session&, const Args& a) {
  const std::string& given = a.string("NAME");
  if (given.empty() || (given.find('\\') != std::string::npos && given.rfind("Local\\", 0) != 0 &&
                            given.rfind("Global\\", 0) != 0))
    throw UsageError(fmt::format("NAME: a short name, Local\\NAME or Global\\NAME expected, got '{}'", one_line(given, 60)), 1);
  // Kernel objects: one namespace per session; Global\ is the machine's.
  bool global = given.rfind("Global\\", 0) == 0;
  std::string name = given.substr(global ? 7 : given.rfind("Local\\", 0) == 0 ? 6 : 0);
  std::string dir = global ? "\\BaseNamedObjects" : win::session_named_objects();
  std::string holder;
  for (const auto& e : win::list_object_directory(dir))
    if (equal_ignoring_case(e.name, name)) holder = e.type;
  Table t{{"kind", "a_create_would", "holds_now", "lands_at"}};
  for (Kind k : directory_kinds) {
    std::string would = holder.empty()              ? "makes it"
                        : equal_ignoring_case(holder, kernel_type(k)) ? "opens it: ERROR_ALREADY_EXISTS"
                                                    : "fails: ERROR_INVALID_HANDLE";
    t.rows.push_back({std::string(kind_name(k)), would, holder.empty() ? Value() : Value(holder), dir + "\\" + name});
  }
  // Pipes and mailslots: names in their own file systems, apart from the
  // kernel objects' and from each other (Local\ and Global\ are part of the name).
  DWORD pipe = win::wait_named_pipe(object_path(given, pipe_prefix), 0);
  std::string pipe_holder = pipe == ERROR_FILE_NOT_FOUND ? "" : pipe == 0 ? "a pipe (an instance waits)" : "a pipe (its instances busy)";
  t.rows.push_back({std::string(kind_name(Kind::pipe)),
                    std::string(pipe_holder.empty() ? "makes it" : "adds an instance, if allowed"),
                    pipe_holder.empty() ? Value() : Value(pipe_holder), "\\Device\\NamedPipe\\" + given});
  std::string slot_holder;
  try {
    UniqueHandle writer(win::create_file(object_path(given, mailslot_prefix), GENERIC_WRITE, FILE_SHARE_READ, false, OPEN_EXISTING, 0));
    slot_holder = "a mailslot";
  } catch (const Win32Error&) {
  }
  t.rows.push_back({std::string(kind_name(Kind::mailslot)),
                    std::string(slot_holder.empty() ? "makes it" : "fails: ERROR_ALREADY_EXISTS"),
                    slot_holder.empty() ? Value() : Value(slot_holder), "\\Device\\Mailslot\\" + given});
  t.note = "kernel objects of every kind share one directory, so a name held by one type refuses the others "
           "(ERROR_INVALID_HANDLE); pipes and mailslots each have their own";
  return t;
}

// pipes and mailslots answer alike.
const Returns names_returns{
    .values = {{.name = "table",
                .type = LuaType::rows,
                .about = "one row per name",
                .fields = {{.name = "name", .type = LuaType::string},
                           {.name = "made_by", .type = LuaType::string, .optional = true, .about = "where the kernel cannot list: who made it"},
                           {.name = "value", .type = LuaType::integer, .optional = true, .about = "the maker's handle"}}}}};

const FamilyRegistration family{"namespace", "the object manager's directories: what named objects exist, where"};
const CommandRegistration registration{
    {.name = "objects",
     .family = "namespace",
     .summary = "an object directory's entries: name, type, a link's target (NtQueryDirectoryObject)",
     .params = {{.name = "DIR", .type = ArgType::name, .optional = true, .complete = Complete::object_directories}},
     .flags = {{.name = "type",
                .type = ArgType::name,
                .value_name = "T",
                .help = "only objects of type T (Event, Mutant, Section, Directory, SymbolicLink, ...)"},
               {.name = "recurse", .type = ArgType::boolean, .help = "also list the directories below, as DIR\\NAME"},
               {.name = "wide", .type = ArgType::boolean, .help = "names in full, even wider than the console"}},
     .handler = objects,
     .stable = false,
     .returns = {.values = {{.name = "table",
                             .type = LuaType::rows,
                             .about = "one row per entry, sorted by name (below DIR as SUB\\NAME with --recurse)",
                             .fields = {{.name = "name", .type = LuaType::string},
                                        {.name = "type", .type = LuaType::string},
                                        {.name = "target", .type = LuaType::string, .optional = true}}}}}},
    {.name = "pipes",
     .family = "namespace",
     .summary = "the named pipes that exist (under Wine, which cannot list them: the ones made here)",
     .handler = pipes,
     .stable = false,
     .returns = names_returns},
    {.name = "mailslots",
     .family = "namespace",
     .summary = "the mailslots that exist (under Wine, which cannot list them: the ones made here)",
     .handler = mailslots,
     .stable = false,
     .returns = names_returns},
    {.name = "where",
     .family = "namespace",
     .summary = "where NAME lands for each kind that can carry it, what holds it now, and what a create would do",
     .params = {{.name = "NAME", .type = ArgType::name}},
     .handler = where,
     .stable = false,
     .returns = {.values = {{.name = "table",
                             .type = LuaType::rows,
                             .about = "one row per kind: event, mutex, semaphore, timer, mapping, pipe, mailslot",
                             .fields = {{.name = "kind", .type = LuaType::string},
                                        {.name = "lands_at", .type = LuaType::string},
                                        {.name = "holds_now", .type = LuaType::string, .optional = true},
                                        {.name = "a_create_would", .type = LuaType::string}}}}}},
};

}  // namespace
}  // namespace ipcsh
