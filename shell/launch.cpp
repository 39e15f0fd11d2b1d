#include "launch.hpp"

#include <memory>

#include "error.hpp"
#include "win32_api.hpp"
#include "text.hpp"

namespace ipcsh {

UniqueHandle make_kill_on_close_job() { return UniqueHandle(win::create_job(true)); }

std::string quote_argument(std::string_view arg) {
  if (!arg.empty() && arg.find_first_of(" \t\n\v\"") == std::string_view::npos) return std::string(arg);
  std::string out = "\"";
  std::size_t backslashes = 0;
  for (char c : arg) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    // Backslashes before a quote are doubled, and the quote escaped.
    out.append(c == '"' ? backslashes * 2 + 1 : backslashes, '\\');
    backslashes = 0;
    out += c;
  }
  out.append(backslashes * 2, '\\');  // before the closing quote
  return out + "\"";
}

std::string this_program_path() {
  std::wstring path(MAX_PATH, L'\0');
  for (;;) {
    DWORD n = GetModuleFileNameW(nullptr, path.data(), static_cast<DWORD>(path.size()));
    if (n < path.size()) {
      path.resize(n);
      return to_utf8(path);
    }
    path.resize(path.size() * 2);
  }
}

Launched launch(const LaunchOptions& options) {
  win::ProcessStart start;
  start.command_line = options.command_line;
  start.inherit_handles = options.inherit_all;
  start.handle_list = options.inherit_only;
  start.flags = CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT | options.extra_flags;
  start.std_in = options.std_in;
  start.std_out = options.std_out;
  start.std_err = options.std_err;
  PROCESS_INFORMATION pi = win::create_process(start);
  if (options.job) {
    try {
      win::assign_to_job(options.job, pi.hProcess);
    } catch (...) {
      UniqueHandle process(pi.hProcess), thread(pi.hThread);
      TerminateProcess(pi.hProcess, 1);
      throw;
    }
  }
  if (!options.stay_suspended) win::resume_thread(pi.hThread);
  return {pi.hProcess, pi.hThread, pi.dwProcessId};
}

}  // namespace ipcsh
