#include "launch.hpp"

#include <memory>

#include "core/error.hpp"
#include "core/text.hpp"
#include "win32_api.hpp"

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

std::vector<std::string> split_command_line(std::wstring_view line) {
  std::vector<std::string> args;
  std::size_t i = 0;
  // The program name: no escapes.
  std::wstring word;
  if (i < line.size() && line[i] == L'"') {
    std::size_t end = line.find(L'"', i + 1);
    word = line.substr(i + 1, (end == std::wstring_view::npos ? line.size() : end) - i - 1);
    i = end == std::wstring_view::npos ? line.size() : end + 1;
  } else {
    while (i < line.size() && line[i] != L' ' && line[i] != L'\t') word += line[i++];
  }
  args.push_back(to_utf8(word));
  for (;;) {
    while (i < line.size() && (line[i] == L' ' || line[i] == L'\t')) ++i;
    if (i >= line.size()) break;
    word.clear();
    bool quoted = false;
    while (i < line.size() && (quoted || (line[i] != L' ' && line[i] != L'\t'))) {
      std::size_t backslashes = 0;
      while (i < line.size() && line[i] == L'\\') {
        ++backslashes;
        ++i;
      }
      if (i < line.size() && line[i] == L'"') {
        word.append(backslashes / 2, L'\\');
        if (backslashes % 2) {
          word += L'"';
        } else if (quoted && i + 1 < line.size() && line[i + 1] == L'"') {
          word += L'"';  // "" inside quotes: a literal quote
          ++i;
        } else {
          quoted = !quoted;
        }
        ++i;
      } else {
        word.append(backslashes, L'\\');
        if (i < line.size() && (quoted || (line[i] != L' ' && line[i] != L'\t'))) word += line[i++];
      }
    }
    args.push_back(to_utf8(word));
  }
  return args;
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
  start.sddl = options.sddl;
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
