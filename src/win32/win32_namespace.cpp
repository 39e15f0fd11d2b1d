// The object manager's namespace: directories (\BaseNamedObjects,
// \Sessions\1\BaseNamedObjects), what each holds, and symbolic links'
// targets - NtOpenDirectoryObject, NtQueryDirectoryObject,
// NtOpenSymbolicLinkObject, NtQuerySymbolicLinkObject (ntdll: the Win32
// API has no such calls).
#include <algorithm>

#include <fmt/format.h>

#include "core/text.hpp"
#include "unique_handle.hpp"
#include "win32_api.hpp"

namespace ipcsh::win {
namespace {

struct NtString {  // UNICODE_STRING
  USHORT length, maximum;
  wchar_t* buffer;
};
struct NtObjectAttributes {  // OBJECT_ATTRIBUTES
  ULONG length;
  HANDLE root;
  NtString* name;
  ULONG attributes;
  void* security_descriptor;
  void* security_qos;
};
struct NtDirectoryEntry {  // OBJECT_DIRECTORY_INFORMATION
  NtString name, type;
};

constexpr ULONG case_insensitive = 0x40;       // OBJ_CASE_INSENSITIVE
constexpr ACCESS_MASK directory_query = 0x1;   // DIRECTORY_QUERY
constexpr ACCESS_MASK link_query = 0x1;        // SYMBOLIC_LINK_QUERY
constexpr LONG no_more_entries = static_cast<LONG>(0x8000001A);  // STATUS_NO_MORE_ENTRIES
constexpr LONG buffer_too_small = static_cast<LONG>(0xC0000023);  // STATUS_BUFFER_TOO_SMALL

using OpenFn = LONG(NTAPI*)(HANDLE*, ACCESS_MASK, NtObjectAttributes*);
using QueryDirectoryFn = LONG(NTAPI*)(HANDLE, void*, ULONG, BOOLEAN, BOOLEAN, ULONG*, ULONG*);
using QueryLinkFn = LONG(NTAPI*)(HANDLE, NtString*, ULONG*);

std::string text_of(const NtString& s) {
  return s.buffer ? to_utf8(std::wstring_view(s.buffer, s.length / sizeof(wchar_t))) : std::string();
}

// Opens `path` with `open` (a directory or a link); throws what the kernel said.
HANDLE open_object(const char* api, OpenFn open, std::string_view path, ACCESS_MASK access) {
  if (!open) throw Win32Error(api, ERROR_PROC_NOT_FOUND, "ntdll.dll has no such function here");
  std::wstring wide = to_wide(path);
  if (wide.size() * sizeof(wchar_t) > 0xFFFC) throw Win32Error(api, ERROR_FILENAME_EXCED_RANGE, "the path is too long");
  NtString name{static_cast<USHORT>(wide.size() * sizeof(wchar_t)), static_cast<USHORT>(wide.size() * sizeof(wchar_t)),
                wide.data()};
  NtObjectAttributes attributes{sizeof attributes, nullptr, &name, case_insensitive, nullptr, nullptr};
  HANDLE h = nullptr;
  LONG status = nt(api, {literal("&handle"), hex(access), text(path)}, [&] { return open(&h, access, &attributes); });
  if (status < 0) throw_nt(api, status);
  return h;
}

}  // namespace

std::string session_named_objects() {
  DWORD session = 0;
  if (!ProcessIdToSessionId(GetCurrentProcessId(), &session) || session == 0) return "\\BaseNamedObjects";
  return fmt::format("\\Sessions\\{}\\BaseNamedObjects", session);
}

std::vector<DirectoryEntry> list_object_directory(std::string_view path) {
  static auto open = ntdll<OpenFn>("NtOpenDirectoryObject");
  static auto query = ntdll<QueryDirectoryFn>("NtQueryDirectoryObject");
  UniqueHandle directory(open_object("NtOpenDirectoryObject", open, path, directory_query));
  std::vector<DirectoryEntry> out;
  if (!query) throw Win32Error("NtQueryDirectoryObject", ERROR_PROC_NOT_FOUND, "ntdll.dll has no such function here");
  // One entry a call (ReturnSingleEntry), which every implementation has;
  // the loop is traced as one repeated line. A name longer than the buffer
  // (any process may make one) grows it to what the kernel asks for.
  std::vector<unsigned char> buffer(4096);
  ULONG context = 0, returned = 0;
  RepeatScope repeated;
  for (bool first = true;; first = false) {
    ULONG at = context;
    LONG status = nt("NtQueryDirectoryObject", {handle(directory.get()), num(static_cast<std::int64_t>(buffer.size())), literal("TRUE")}, [&] {
      return query(directory.get(), buffer.data(), static_cast<ULONG>(buffer.size()), TRUE, first ? TRUE : FALSE, &context, &returned);
    });
    if (status == no_more_entries) break;
    if (status == buffer_too_small && returned > buffer.size() && buffer.size() < (1u << 20)) {
      buffer.resize(std::max<std::size_t>(returned, buffer.size() * 2));
      context = at;
      first = first && at == 0;
      continue;
    }
    if (status < 0) throw_nt("NtQueryDirectoryObject", status);
    const auto* entry = reinterpret_cast<const NtDirectoryEntry*>(buffer.data());
    out.push_back({text_of(entry->name), text_of(entry->type)});
  }
  return out;
}

std::optional<std::string> symbolic_link_target(std::string_view path) {
  static auto open = ntdll<OpenFn>("NtOpenSymbolicLinkObject");
  static auto query = ntdll<QueryLinkFn>("NtQuerySymbolicLinkObject");
  HANDLE h = nullptr;
  if (!query) return std::nullopt;
  try {
    h = open_object("NtOpenSymbolicLinkObject", open, path, link_query);
  } catch (const Win32Error&) {
    return std::nullopt;
  }
  UniqueHandle link(h);
  wchar_t target[1024];
  NtString answer{0, sizeof target, target};
  ULONG length = 0;
  LONG status = nt("NtQuerySymbolicLinkObject", {handle(h)}, [&] { return query(h, &answer, &length); });
  if (status < 0) return std::nullopt;
  return text_of(answer);
}

}  // namespace ipcsh::win
