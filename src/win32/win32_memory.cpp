// Sections (file mappings) and their views.
#include "core/text.hpp"
#include "win32_api.hpp"

namespace ipcsh::win {

HANDLE create_file_mapping(const Security& security, DWORD protect, std::uint64_t size, std::string_view name) {
  SecurityAttributes sa(security);
  std::wstring w = to_wide(name);
  auto high = static_cast<DWORD>(size >> 32), low = static_cast<DWORD>(size);
  return make("CreateFileMappingW",
              {literal("INVALID_HANDLE_VALUE"), security_attributes(security.inherit, security.sddl), flags(protect, page_names), num(high), num(low),
               optional_text(name)},
              nullptr,
              [&] { return CreateFileMappingW(INVALID_HANDLE_VALUE, sa.get(), protect, high, low, w.empty() ? nullptr : w.c_str()); });
}

HANDLE open_file_mapping(DWORD access, bool inheritable, std::string_view name) {
  std::wstring w = to_wide(name);
  return make("OpenFileMappingW", {flags(access, map_names), literal(inheritable ? "TRUE" : "FALSE"), text(name)},
              nullptr, [&] { return OpenFileMappingW(access, inheritable, w.c_str()); });
}

void* map_view(HANDLE mapping, DWORD access, std::uint64_t offset, SIZE_T size) {
  auto high = static_cast<DWORD>(offset >> 32), low = static_cast<DWORD>(offset);
  return make("MapViewOfFile", {handle(mapping), flags(access, map_names), num(high), num(low), num(static_cast<std::int64_t>(size))},
              nullptr, [&] { return static_cast<HANDLE>(MapViewOfFile(mapping, access, high, low, size)); });
}

void unmap_view(void* view) { check("UnmapViewOfFile", {handle(view)}, [&] { return UnmapViewOfFile(view); }); }

MEMORY_BASIC_INFORMATION virtual_query(const void* address) {
  MEMORY_BASIC_INFORMATION info{};
  SIZE_T got = VirtualQuery(address, &info, sizeof info);
  if (!got) throw Win32Error("VirtualQuery", GetLastError());
  return info;
}

}  // namespace ipcsh::win
