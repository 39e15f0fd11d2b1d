#include "files.hpp"

#include <windows.h>

#include "core/error.hpp"
#include "core/text.hpp"

namespace ipcsh {

std::optional<std::string> read_file(const std::string& path) {
  HANDLE f = CreateFileW(to_wide(path).c_str(), GENERIC_READ, FILE_SHARE_READ, nullptr, OPEN_EXISTING, 0, nullptr);
  if (f == INVALID_HANDLE_VALUE) return std::nullopt;
  std::string data;
  char buffer[65536];
  DWORD got = 0;
  while (ReadFile(f, buffer, sizeof buffer, &got, nullptr) && got > 0) data.append(buffer, got);
  CloseHandle(f);
  return data;
}

void write_file(const std::string& path, std::string_view data) {
  HANDLE f = CreateFileW(to_wide(path).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (f == INVALID_HANDLE_VALUE) throw_last_error("CreateFileW");
  DWORD written = 0;
  BOOL ok = WriteFile(f, data.data(), static_cast<DWORD>(data.size()), &written, nullptr);
  DWORD error = ok ? 0 : GetLastError();
  CloseHandle(f);
  if (!ok) throw_error("WriteFile", error, path);
}

bool file_exists(const std::string& path) { return GetFileAttributesW(to_wide(path).c_str()) != INVALID_FILE_ATTRIBUTES; }

void remove_file(const std::string& path) { DeleteFileW(to_wide(path).c_str()); }

std::string temp_dir() {
  wchar_t temp[MAX_PATH];
  DWORD n = GetTempPathW(MAX_PATH, temp);
  return to_utf8(std::wstring(temp, n < MAX_PATH ? n : 0));
}

}  // namespace ipcsh
