// Handles themselves: duplicate, close, inherit flag, and what the kernel
// says about the object behind one (NtQueryObject, the system handle list).
#include <cstring>
#include <fmt/format.h>

#include "core/text.hpp"
#include "win32_api.hpp"

namespace ipcsh::win {
namespace {

struct UnicodeString {
  USHORT Length, MaximumLength;
  PWSTR Buffer;
};
struct ObjectBasicInfo {
  ULONG Attributes;
  ACCESS_MASK GrantedAccess;
  ULONG HandleCount;
  ULONG PointerCount;
  ULONG Reserved[10];
};
// SystemHandleInformation (class 16). Class 64 (the extended list) would
// allow values past 0xffff, but Wine 8's wineserver crashes on it now and
// then while other processes start or exit (measured: 1 of 2 runs of 300
// calls beside 30 process starts; class 16: none in 6).
struct SystemHandleEntry {
  ULONG OwnerPid;
  BYTE ObjectType;
  BYTE HandleFlags;  // OBJ_INHERIT = 2
  USHORT HandleValue;
  PVOID Object;
  ACCESS_MASK GrantedAccess;
};
struct SystemHandleInfo {
  ULONG Count;
  SystemHandleEntry Handles[1];
};

using QueryObject = LONG(NTAPI*)(HANDLE, int, void*, ULONG, ULONG*);

std::string unicode_text(const UnicodeString& s) {
  return s.Buffer ? to_utf8(std::wstring_view(s.Buffer, s.Length / sizeof(wchar_t))) : std::string();
}

const NameTable object_classes{{0, "ObjectBasicInformation"}, {1, "ObjectNameInformation"}, {2, "ObjectTypeInformation"}};

}  // namespace

std::optional<bool> is_overlapped(HANDLE h) {
  constexpr int file_mode_information = 16;
  constexpr ULONG synchronous_io = 0x10 | 0x20;  // FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT
  struct { LONG_PTR status; ULONG_PTR information; } status{};  // IO_STATUS_BLOCK
  using Fn = LONG(NTAPI*)(HANDLE, void*, void*, ULONG, int);
  static auto query = ntdll<Fn>("NtQueryInformationFile");
  ULONG mode = 0;
  if (!query || query(h, &status, &mode, sizeof mode, file_mode_information) < 0) return std::nullopt;
  return (mode & synchronous_io) == 0;
}

HANDLE duplicate_handle(HANDLE source_process, HANDLE source, HANDLE target_process, DWORD access, bool inheritable,
                        DWORD options, DWORD* error) {
  HANDLE result = nullptr;
  DWORD e = attempt("DuplicateHandle",
                    {handle(source_process), handle(source), handle(target_process), literal("&copy"),
                     options & DUPLICATE_SAME_ACCESS ? num(0) : hex(access), literal(inheritable ? "TRUE" : "FALSE"),
                     flags(options, duplicate_names)},
                    [&] {
                      return DuplicateHandle(source_process, source, target_process, &result, access, inheritable,
                                             options);
                    },
                    [&] { return "(copy " + handle_text(result) + ")"; });
  if (error) {
    *error = e;
    return e ? nullptr : result;
  }
  if (e) throw Win32Error("DuplicateHandle", e);
  return result;
}

bool running_on_wine() {
  static const bool wine = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version") != nullptr;
  return wine;
}

void close_handle(HANDLE h) { check("CloseHandle", {handle(h)}, [&] { return CloseHandle(h); }); }

void set_handle_information(HANDLE h, DWORD mask, DWORD value) {
  check("SetHandleInformation", {handle(h), flags(mask, handle_flag_names), flags(value, handle_flag_names)},
        [&] { return SetHandleInformation(h, mask, value); });
}

std::optional<DWORD> get_handle_information(HANDLE h) {
  DWORD flags = 0;
  if (!GetHandleInformation(h, &flags)) return std::nullopt;
  return flags;
}

ObjectFacts query_object(HANDLE h) {
  static auto query = ntdll<QueryObject>("NtQueryObject");
  ObjectFacts facts;
  alignas(8) unsigned char buffer[4096];
  ULONG returned = 0;
  auto ask = [&](int what, void* out, ULONG size) {
    return nt("NtQueryObject", {handle(h), named(static_cast<std::uint64_t>(what), object_classes)},
              [&] { return query(h, what, out, size, &returned); });
  };
  if (ask(2, buffer, sizeof buffer) < 0) return facts;
  facts.valid = true;
  facts.type = unicode_text(*reinterpret_cast<UnicodeString*>(buffer));
  // OBJECT_TYPE_INFORMATION: the name, 13 ULONG counters, the generic
  // mapping, the valid access mask.
  std::size_t mapping_at = sizeof(UnicodeString) + 13 * sizeof(ULONG);
  if (returned >= mapping_at + sizeof(GENERIC_MAPPING) + sizeof(ACCESS_MASK)) {
    std::memcpy(&facts.mapping, buffer + mapping_at, sizeof facts.mapping);
    std::memcpy(&facts.valid_access, buffer + mapping_at + sizeof facts.mapping, sizeof facts.valid_access);
  }
  if (ask(1, buffer, sizeof buffer) >= 0) facts.name = unicode_text(*reinterpret_cast<UnicodeString*>(buffer));
  ObjectBasicInfo basic{};
  if (ask(0, &basic, sizeof basic) >= 0) {
    facts.handle_count = basic.HandleCount;
    facts.pointer_count = basic.PointerCount;
    facts.granted_access = basic.GrantedAccess;
  }
  return facts;
}

std::optional<bool> same_object(HANDLE a, HANDLE b) {
  using Fn = BOOL(WINAPI*)(HANDLE, HANDLE);
  static auto compare = [] {
    HMODULE base = GetModuleHandleW(L"kernelbase.dll");
    return base ? reinterpret_cast<Fn>(reinterpret_cast<void*>(GetProcAddress(base, "CompareObjectHandles"))) : nullptr;
  }();
  if (!compare) return std::nullopt;
  return compare(a, b) != FALSE;
}

std::vector<HandleEntry> system_handles() {
  using Fn = LONG(NTAPI*)(int, void*, ULONG, ULONG*);
  static auto query = ntdll<Fn>("NtQuerySystemInformation");
  constexpr LONG length_mismatch = static_cast<LONG>(0xC0000004L);
  std::vector<unsigned char> buffer(1 << 20);
  for (;;) {
    ULONG needed = 0;
    LONG status = nt("NtQuerySystemInformation", {literal("SystemHandleInformation"), num(static_cast<std::int64_t>(buffer.size()))},
                     [&] { return query(16, buffer.data(), static_cast<ULONG>(buffer.size()), &needed); });
    if (status == length_mismatch) {
      buffer.resize(std::max<std::size_t>(buffer.size() * 2, needed + 4096));
      continue;
    }
    if (status < 0) throw_nt("NtQuerySystemInformation", status);
    break;
  }
  auto* info = reinterpret_cast<SystemHandleInfo*>(buffer.data());
  std::vector<HandleEntry> out;
  out.reserve(info->Count);
  for (ULONG i = 0; i < info->Count; ++i) {
    const auto& e = info->Handles[i];
    out.push_back({e.OwnerPid, e.HandleValue, e.GrantedAccess, e.HandleFlags, e.ObjectType});
  }
  return out;
}

}  // namespace ipcsh::win
