// The lines typed before, kept in a file between sessions.
#include <vector>

#include "console_internal.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "win32/files.hpp"

namespace ipcsh::console {

namespace {

std::wstring history_path() {
  wchar_t path[MAX_PATH];
  DWORD n = GetEnvironmentVariableW(L"IPCSH_HISTORY", path, MAX_PATH);
  if (n > 0 && n < MAX_PATH) return path;
  n = GetEnvironmentVariableW(L"USERPROFILE", path, MAX_PATH);
  if (n == 0 || n >= MAX_PATH) return {};
  return std::wstring(path) + L"\\.ipcsh_history";
}

void load_history(History& history) {
  std::wstring path = history_path();
  if (path.empty()) return;
  std::optional<std::string> file = read_file(to_utf8(path));
  if (!file) return;
  const std::string& data = *file;
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < data.size()) {
    std::size_t end = data.find('\n', start);
    if (end == std::string::npos) end = data.size();
    std::string line = data.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    start = end + 1;
  }
  history.assign(std::move(lines));
}

}  // namespace

void save_history(const History& history) {
  std::wstring path = history_path();
  if (path.empty()) return;
  std::string data;
  for (const auto& line : history.entries()) data += line + "\n";
  try {
    write_file(to_utf8(path), data);
  } catch (const Win32Error&) {
    // History is a convenience: a profile that cannot be written keeps none.
  }
}

// One history per process, not per session: it is the user's file
// (IPCSH_HISTORY, else %USERPROFILE%\.ipcsh_history), read once, and there
// is one console to type at.
History& shell_history() {
  static History history(1000);
  static bool loaded = false;
  if (!loaded) load_history(history);
  loaded = true;
  return history;
}

}  // namespace ipcsh::console
