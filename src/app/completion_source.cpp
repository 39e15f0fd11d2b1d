// The data completion works from: the command table, the session's
// variables with their kinds and fields, and file names (for `run`).
#include <algorithm>
#include <windows.h>

#include "agents/child_link.hpp"
#include "completion_source.hpp"
#include "core/command.hpp"
#include "core/text.hpp"
#include "session/handle.hpp"
#include "session/session.hpp"
#include "win32/win32_api.hpp"

namespace ipcsh {
namespace {

std::vector<std::string> kinds_of(KindSet kinds) {
  std::vector<std::string> out;
  if (kinds.any()) return out;
  for (int k = 0; k < static_cast<int>(Kind::other); ++k)
    if (kinds.has(static_cast<Kind>(k))) out.emplace_back(kind_name(static_cast<Kind>(k)));
  return out;
}

template <class P>
CompletionTable::Slot slot_of(const P& p) {
  CompletionTable::Slot s;
  s.handle = p.type == ArgType::handle || p.type == ArgType::handles;
  s.kinds = kinds_of(p.kinds);
  for (auto c : p.choices) s.choices.emplace_back(c);
  if (p.type == ArgType::boolean) s.choices = {"on", "off"};
  return s;
}

// Files and folders starting with `typed` (a path as typed, / or \ alike).
std::vector<std::string> files_like(const std::string& typed) {
  std::size_t slash = typed.find_last_of("/\\");
  std::string dir = slash == std::string::npos ? "" : typed.substr(0, slash + 1);
  std::vector<std::string> out;
  DWORD error = 0;
  for (const auto& f : win::find_files(typed + "*", error)) {
    if (f.name == "." || f.name == "..") continue;
    if (f.folder || (f.name.size() > 4 && f.name.compare(f.name.size() - 4, 4, ".lua") == 0))
      out.push_back(dir + f.name + (f.folder ? "/" : ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Object directories starting with `typed` ("\\Ses" -> "\\Sessions\\"): the
// directories in the one above what is typed, each ending in \ to go on.
std::vector<std::string> directories_like(const std::string& typed) {
  std::string path = typed.empty() || typed[0] != '\\' ? "\\" + typed : typed;
  std::size_t slash = path.find_last_of('\\');
  std::string parent = path.substr(0, slash + 1), start = path.substr(slash + 1);
  std::vector<std::string> out;
  try {
    for (const auto& e : win::list_object_directory(parent.size() > 1 ? parent.substr(0, parent.size() - 1) : parent))
      if (e.type == "Directory" && e.name.compare(0, start.size(), start) == 0) out.push_back(parent + e.name + "\\");
  } catch (const std::exception&) {  // a directory that cannot be listed offers nothing
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The fields $h.FIELD reaches on a handle of `kind`.
std::vector<std::string> handle_fields(std::string_view kind) {
  std::vector<std::string> fields{"value", "kind", "name", "inherit", "closed"};
  if (kind == kind_name(Kind::process)) fields.push_back("pid");
  if (kind == kind_name(Kind::socket)) fields.push_back("port");
  return fields;
}

// The variables of the agent in $agent: its user's handles, asked of it.
std::vector<CompletionTable::Variable> agent_variables(Session& session, const std::string& agent) {
  std::vector<CompletionTable::Variable> out;
  auto it = session.variables.named.find(agent);
  auto h = it == session.variables.named.end() ? nullptr : it->second.as<HandleRef>();
  if (!h || !(*h)->link || !(*h)->link->agent() || (*h)->closed()) return out;
  try {
    constexpr DWORD tab_ms = 1500;  // Tab waits no longer for an agent that is busy or stalls
    for (const auto& v : (*h)->link->user_handles(session, tab_ms)) {
      auto r = v.as<Record>();
      auto var = r ? r->get("var") : nullptr;
      auto kind = r ? r->get("kind") : nullptr;
      if (!var || !var->as<std::string>() || var->as<std::string>()->size() < 2) continue;
      std::string k = kind && kind->as<std::string>() ? *kind->as<std::string>() : "";
      out.push_back({var->as<std::string>()->substr(1), k, handle_fields(k)});
    }
  } catch (const std::exception&) {  // an agent that cannot answer offers nothing
  }
  return out;
}

}  // namespace

CompletionTable completion_table(Session& session) {
  CompletionTable t;
  for (const auto& c : all_commands()) {
    if (c.lua_only) continue;
    CompletionTable::Command cmd{std::string(c.name)};
    for (const auto& p : c.params) {
      if (p.type == ArgType::text) break;
      cmd.params.push_back(slot_of(p));
      if (p.complete == Complete::files) cmd.params.back().names = CompletionTable::Names::files;
      if (p.complete == Complete::object_directories)
        cmd.params.back().names = CompletionTable::Names::object_directories;
      if (p.complete == Complete::commands) {  // help COMMAND|FAMILY
        auto& names = cmd.params.back().choices;
        for (const auto& other : all_commands())
          if (!other.lua_only) names.emplace_back(other.name);
        for (auto family : families())  // (`pipe` is a family and a command)
          if (std::find(names.begin(), names.end(), family) == names.end()) names.emplace_back(family);
        std::sort(names.begin(), names.end());
      }
    }
    cmd.variadic = !c.params.empty() && c.params.back().variadic;
    for (const auto& f : c.flags) {
      cmd.flags.push_back({std::string(f.name), f.takes_value(), slot_of(f)});
    }
    t.commands.push_back(std::move(cmd));
  }
  for (const auto& [name, value] : session.variables.named) {
    CompletionTable::Variable v{name};
    if (auto h = value.as<HandleRef>()) {
      v.kind = std::string(kind_name((*h)->kind));
      v.fields = handle_fields(v.kind);
    } else if (auto r = value.as<Result>()) {
      v.fields.assign(r->names.begin(), r->names.end());
    } else if (auto rec = value.as<Record>()) {
      for (const auto& f : rec->fields) v.fields.push_back(f.key);
    }
    t.variables.push_back(std::move(v));
  }
  t.files = files_like;
  t.object_directories = directories_like;
  t.agent_variables = [&session](const std::string& agent) { return agent_variables(session, agent); };
  return t;
}

}  // namespace ipcsh
