#include "launch.hpp"

#include <memory>

#include "error.hpp"
#include "text.hpp"

namespace ipcsh {

UniqueHandle make_kill_on_close_job() {
  UniqueHandle job(CreateJobObjectW(nullptr, nullptr));
  if (!job) throw_last_error("CreateJobObjectW");
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
  limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
  if (!SetInformationJobObject(job.get(), JobObjectExtendedLimitInformation, &limits, sizeof limits))
    throw_last_error("SetInformationJobObject");
  return job;
}

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
  STARTUPINFOEXW info{};
  info.StartupInfo.cb = sizeof info;
  if (options.std_in || options.std_out || options.std_err) {
    info.StartupInfo.dwFlags |= STARTF_USESTDHANDLES;
    info.StartupInfo.hStdInput = options.std_in;
    info.StartupInfo.hStdOutput = options.std_out;
    info.StartupInfo.hStdError = options.std_err;
  }
  DWORD flags = CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT;
  std::unique_ptr<char[]> attribute_buffer;
  auto free_list = [](LPPROC_THREAD_ATTRIBUTE_LIST list) { DeleteProcThreadAttributeList(list); };
  std::unique_ptr<std::remove_pointer_t<LPPROC_THREAD_ATTRIBUTE_LIST>, decltype(free_list)> attributes(nullptr,
                                                                                                        free_list);
  std::vector<HANDLE> handle_list = options.inherit_only;
  if (!handle_list.empty()) {
    SIZE_T size = 0;
    InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
    attribute_buffer = std::make_unique<char[]>(size);
    auto list = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(attribute_buffer.get());
    if (!InitializeProcThreadAttributeList(list, 1, 0, &size)) throw_last_error("InitializeProcThreadAttributeList");
    attributes.reset(list);
    if (!UpdateProcThreadAttribute(list, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, handle_list.data(),
                                   handle_list.size() * sizeof(HANDLE), nullptr, nullptr))
      throw_last_error("UpdateProcThreadAttribute");
    info.lpAttributeList = list;
    flags |= EXTENDED_STARTUPINFO_PRESENT;
  }
  std::wstring command_line = to_wide(options.command_line);
  PROCESS_INFORMATION pi{};
  BOOL inherit = options.inherit_all || !handle_list.empty();
  // Wine 8 now and then fails a CreateProcess with STATUS_INTERNAL_ERROR
  // while other processes are being torn down; the same call then succeeds.
  // Windows does not fail that way, so a retry costs nothing there.
  for (int attempt = 1;; ++attempt) {
    if (CreateProcessW(nullptr, command_line.data(), nullptr, nullptr, inherit, flags, nullptr, nullptr,
                       &info.StartupInfo, &pi))
      break;
    DWORD error = GetLastError();
    if (error != ERROR_INTERNAL_ERROR || attempt == 3) throw_error("CreateProcessW", error);
    Sleep(100);
  }
  if (options.job && !AssignProcessToJobObject(options.job, pi.hProcess)) {
    DWORD code = GetLastError();
    UniqueHandle process(pi.hProcess), thread(pi.hThread);
    TerminateProcess(pi.hProcess, 1);
    throw_error("AssignProcessToJobObject", code);
  }
  if (!options.stay_suspended) ResumeThread(pi.hThread);
  return {pi.hProcess, pi.hThread, pi.dwProcessId};
}

}  // namespace ipcsh
