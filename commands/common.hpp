// Small helpers the command families share.
#pragma once
#include <windows.h>

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "../shell/command.hpp"
#include "../shell/error.hpp"
#include "../shell/format.hpp"
#include "../shell/session.hpp"
#include "../shell/text.hpp"
#include "../shell/value.hpp"

namespace ipcsh {

// "demo" -> "\\.\mailslot\demo"; a name that starts with \\ passes unchanged.
inline std::string object_path(std::string_view name, std::string_view prefix) {
  if (name.rfind("\\\\", 0) == 0) return std::string(name);
  return std::string(prefix) + std::string(name);
}

// SECURITY_ATTRIBUTES whose bInheritHandle says whether the new handle is
// inheritable. Handles are never inheritable unless asked.
struct InheritAttributes {
  SECURITY_ATTRIBUTES sa;
  explicit InheritAttributes(bool inherit) : sa{sizeof sa, nullptr, inherit ? TRUE : FALSE} {}
  SECURITY_ATTRIBUTES* get() { return &sa; }
};

// Runs one Create* call with the inherit attributes and optional NAME asked
// for, and registers the handle - saying when the name was already taken
// and the existing object was opened instead.
template <class Create>
Value create_named(Session& s, const Args& a, const char* api, Kind kind, std::string role, Create create) {
  InheritAttributes attributes(a.flag("inherit"));
  std::wstring name = to_wide(a.string("NAME"));
  HANDLE h = create(attributes.get(), name.empty() ? nullptr : name.c_str());
  if (!h) throw_last_error(api);
  bool existed = GetLastError() == ERROR_ALREADY_EXISTS;
  auto ref = s.add(kind, h, a.string("NAME"));
  ref->role = role + (existed ? " (opened existing)" : "");
  return ref;
}

// A result that is one Lua value and a sentence in the shell.
inline Value described(Value value, std::string text) { return Multi{{std::move(value)}, std::move(text)}; }

}  // namespace ipcsh
