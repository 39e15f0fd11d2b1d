// The namespace family: the object manager's directories and what they
// hold (objects), where named objects live.
#include <algorithm>

#include "common.hpp"

namespace ipcsh {
namespace {

constexpr int deepest = 16;              // directories below DIR that --recurse enters
constexpr std::size_t most_rows = 100000;  // a listing never grows without end

bool same_type(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
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
    if (type.empty() || same_type(e.type, type)) {
      Value target;
      if (same_type(e.type, "SymbolicLink"))
        if (auto to = win::symbolic_link_target(path)) target = *to;
      t.rows.push_back({shown, e.type, target});
    }
    if (recurse && same_type(e.type, "Directory") && depth < deepest) {
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
  Table t{{"name", "type", "target"}};
  t.wide = a.flag("wide");
  int unlisted = 0;
  list_into(t, dir, "", a.string_or("type", ""), a.flag("recurse"), 0, unlisted);
  std::sort(t.rows.begin(), t.rows.end(), [](const auto& x, const auto& y) {
    return *x[0].template as<std::string>() < *y[0].template as<std::string>();
  });
  t.note = dir;
  if (unlisted) t.note += fmt::format("; {} directories below could not be listed", unlisted);
  if (t.rows.size() >= most_rows) t.note += fmt::format("; stopped at {} rows", most_rows);
  return t;
}

const FamilyRegistration family{"namespace", "the object manager's directories: what named objects exist, where"};
const CommandRegistration registration{
    {.name = "objects",
     .family = "namespace",
     .summary = "an object directory's entries: name, type, a link's target (NtQueryDirectoryObject)",
     .params = {{.name = "DIR", .type = ArgType::name, .optional = true}},
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
};

}  // namespace
}  // namespace ipcsh
