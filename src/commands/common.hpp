// Small helpers the command families share.
#pragma once
#include <windows.h>

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/command.hpp"
#include "core/error.hpp"
#include "core/shapes.hpp"
#include "core/text.hpp"
#include "core/value.hpp"
#include "session/session.hpp"
#include "win32/win32_api.hpp"

namespace ipcsh {

// The kinds a command on a process takes (pid P, kill P, on P CMD).
inline const KindSet process_only{Kind::process};

// "demo" -> "\\.\mailslot\demo"; a name that starts with \\ passes unchanged.
// \\host\pipe\x or \\host\mailslot\x for a host other than this one
// ("." or "localhost"; "*" is a broadcast, not a host).
inline bool remote_name(std::string_view name) {
  if (name.rfind("\\\\", 0) != 0) return false;
  std::string_view host = name.substr(2, name.find('\\', 2) - 2);
  return host != "." && host != "?" && host != "*" && host != "localhost";
}

// Where pipe and mailslot names live, as CreateFile takes them.
inline constexpr std::string_view pipe_prefix = "\\\\.\\pipe\\";
inline constexpr std::string_view mailslot_prefix = "\\\\.\\mailslot\\";

inline std::string object_path(std::string_view name, std::string_view prefix) {
  if (name.rfind("\\\\", 0) == 0) return std::string(name);
  return std::string(prefix) + std::string(name);
}

// A result the shell puts into words by its `shape` (shell/format.cpp) and
// Lua receives as `values`; `names` reach them as $VAR.NAME.
inline SmallVector<std::string_view, 2> field_texts(std::initializer_list<FieldName> names) {
  SmallVector<std::string_view, 2> texts;
  for (auto n : names) texts.push_back(n.text);
  return texts;
}
inline Value result(std::string_view shape, std::vector<Value> values, std::initializer_list<FieldName> names = {},
                    std::size_t lua_count = Result::all) {
  return Result{std::string(shape), std::move(values), field_texts(names), lua_count};
}
// The same for a report Lua gets nothing from ("closed", "set").
inline Value report(std::string_view shape, std::vector<Value> facts = {}, std::initializer_list<FieldName> names = {}) {
  return Result{std::string(shape), std::move(facts), field_texts(names), 0};
}

// Registers a handle a Create* call returned; the call leaves
// ERROR_ALREADY_EXISTS when the name was taken and the existing object was
// opened instead, and the role says so (and that a --sddl given was not
// applied: the object keeps the descriptor it was made with).
inline HandleRef add_created(Session& s, Kind kind, HANDLE h, const std::string& name, std::string role,
                             const Args& a) {
  bool existed = GetLastError() == ERROR_ALREADY_EXISTS;
  auto ref = s.add(kind, h, name);
  ref->existed = existed;
  std::string note = a.has("sddl") ? "opened existing; its --sddl not applied" : "opened existing";
  ref->role = role + (existed ? (role.empty() ? "(" + note + ")" : " (" + note + ")") : "");
  return ref;
}

// What a piece of shell text or Lua gave back: nothing, one value, or several.
inline Value lua_values(std::vector<Value> values) {
  if (values.empty()) return {};
  if (values.size() == 1) return values[0];
  return result(shape::values, std::move(values));
}

inline std::int64_t as_int(DWORD v) { return static_cast<std::int64_t>(v); }

// --share read|write|both|none on a command that opens by name with
// CreateFileW: its dwShareMode (`fallback` when not given).
inline DWORD share_mode(const Args& a, DWORD fallback) {
  if (!a.has("share")) return fallback;
  std::string share = a.string("share");
  if (share == "read") return FILE_SHARE_READ;
  if (share == "write") return FILE_SHARE_WRITE;
  if (share == "both") return FILE_SHARE_READ | FILE_SHARE_WRITE;
  return 0;
}
inline Flag share_flag(std::string_view help) {
  return {"share", ArgType::choice, "read|write|both|none", help, {}, {}, {"read", "write", "both", "none"}};
}

const Flag inherit_flag{"inherit", ArgType::boolean, "", "make the new handle inheritable"};
// --sddl: the new object's security descriptor, given with --inherit in one
// SECURITY_ATTRIBUTES (its bInheritHandle) as the create call takes it.
const Flag sddl_flag{.name = "sddl",
                     .type = ArgType::name,
                     .value_name = "SDDL",
                     .help = "the new object's security descriptor as SDDL: D:(A;;GR;;;WD) lets everyone read "
                             "(see `security`); default: none given (Windows applies the token's default DACL; "
                             "Wine leaves the descriptor empty)"};
inline win::Security security_of(const Args& a) { return {a.flag("inherit"), a.string_or("sddl", "")}; }

}  // namespace ipcsh
