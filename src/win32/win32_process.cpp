// Processes, their main threads, and jobs.
#include <windows.h>
#include <tlhelp32.h>
#include <psapi.h>

#include <memory>

#include <fmt/format.h>

#include "core/text.hpp"
#include "win32_api.hpp"

namespace ipcsh::win {

PROCESS_INFORMATION create_process(const ProcessStart& start) {
  STARTUPINFOEXW info{};
  info.StartupInfo.cb = sizeof info;
  if (start.std_in || start.std_out || start.std_err) {
    info.StartupInfo.dwFlags |= STARTF_USESTDHANDLES;
    info.StartupInfo.hStdInput = start.std_in;
    info.StartupInfo.hStdOutput = start.std_out;
    info.StartupInfo.hStdError = start.std_err;
  }
  DWORD flags = start.flags;
  std::unique_ptr<char[]> buffer;
  auto free_list = [](LPPROC_THREAD_ATTRIBUTE_LIST list) { DeleteProcThreadAttributeList(list); };
  std::unique_ptr<std::remove_pointer_t<LPPROC_THREAD_ATTRIBUTE_LIST>, decltype(free_list)> attributes(nullptr,
                                                                                                        free_list);
  std::vector<HANDLE> list = start.handle_list;
  std::string list_text;
  for (HANDLE h : list) list_text += (list_text.empty() ? "" : ", ") + handle_text(h);
  if (!list.empty()) {
    SIZE_T size = 0;
    InitializeProcThreadAttributeList(nullptr, 1, 0, &size);
    buffer = std::make_unique<char[]>(size);
    auto l = reinterpret_cast<LPPROC_THREAD_ATTRIBUTE_LIST>(buffer.get());
    check("InitializeProcThreadAttributeList", {literal("&list"), num(1)},
          [&] { return InitializeProcThreadAttributeList(l, 1, 0, &size); });
    attributes.reset(l);
    check("UpdateProcThreadAttribute",
          {literal("&list"), literal("PROC_THREAD_ATTRIBUTE_HANDLE_LIST"), literal("[" + list_text + "]")},
          [&] {
            return UpdateProcThreadAttribute(l, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST, list.data(),
                                             list.size() * sizeof(HANDLE), nullptr, nullptr);
          });
    info.lpAttributeList = l;
    flags |= EXTENDED_STARTUPINFO_PRESENT;
  }
  std::wstring command_line = to_wide(start.command_line);
  PROCESS_INFORMATION pi{};
  BOOL inherit = start.inherit_handles || !list.empty();
  std::string startup = info.StartupInfo.dwFlags
                            ? fmt::format("&{{STARTF_USESTDHANDLES {} {} {}}}", handle_text(start.std_in),
                                          handle_text(start.std_out), handle_text(start.std_err))
                            : "&startup";
  // The same descriptor for the process and its first thread.
  SecurityAttributes process_sa(Security{false, start.sddl}), thread_sa(Security{false, start.sddl});
  bool secured = !start.sddl.empty();
  Arg sa_arg = secured ? security_attributes(false, start.sddl) : literal("NULL");
  // Wine 8 now and then fails a CreateProcess with STATUS_INTERNAL_ERROR
  // while other processes are being torn down; the same call then succeeds.
  // Windows does not fail that way, so a retry costs nothing there.
  for (int attempt_number = 1;; ++attempt_number) {
    DWORD error = attempt("CreateProcessW",
                          {literal("NULL"), text(start.command_line), sa_arg, sa_arg,
                           literal(inherit ? "TRUE" : "FALSE"), win::flags(flags, creation_names), literal("NULL"),
                           literal("NULL"), literal(startup)},
                          [&] {
                            return CreateProcessW(nullptr, command_line.data(), secured ? process_sa.get() : nullptr,
                                                  secured ? thread_sa.get() : nullptr, inherit, flags,
                                                  nullptr, nullptr, &info.StartupInfo, &pi);
                          },
                          [&] { return fmt::format("(pid {}, process {}, thread {})", pi.dwProcessId,
                                                   handle_text(pi.hProcess), handle_text(pi.hThread)); });
    if (!error) break;
    if (error != ERROR_INTERNAL_ERROR || attempt_number == 3) throw Win32Error("CreateProcessW", error);
    Sleep(100);
  }
  return pi;
}

HANDLE create_job(bool kill_on_close) {
  HANDLE job = make("CreateJobObjectW", {literal("NULL"), literal("NULL")}, nullptr,
                    [] { return CreateJobObjectW(nullptr, nullptr); });
  if (kill_on_close) {
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION limits{};
    limits.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    try {
      check("SetInformationJobObject",
            {handle(job), literal("JobObjectExtendedLimitInformation"), literal("JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE")},
            [&] { return SetInformationJobObject(job, JobObjectExtendedLimitInformation, &limits, sizeof limits); });
    } catch (...) {
      CloseHandle(job);
      throw;
    }
  }
  return job;
}

void assign_to_job(HANDLE job, HANDLE process) {
  check("AssignProcessToJobObject", {handle(job), handle(process)},
        [&] { return AssignProcessToJobObject(job, process); });
}

void with_thread_stopped(DWORD tid, void (*f)(void*), void* data) {
  HANDLE thread = tid == GetCurrentThreadId()
                      ? nullptr
                      : OpenThread(THREAD_SUSPEND_RESUME | THREAD_GET_CONTEXT, FALSE, tid);
  bool stopped = thread && SuspendThread(thread) != static_cast<DWORD>(-1);
  if (stopped) {
    CONTEXT context{};
    context.ContextFlags = CONTEXT_CONTROL;
    GetThreadContext(thread, &context);
  }
  f(data);
  if (stopped) ResumeThread(thread);
  if (thread) CloseHandle(thread);
}

DWORD resume_thread(HANDLE thread) {
  return number("ResumeThread", {handle(thread)}, static_cast<DWORD>(-1), [&] { return ResumeThread(thread); });
}

void terminate_process(HANDLE process, UINT code) {
  check("TerminateProcess", {handle(process), num(code)}, [&] { return TerminateProcess(process, code); });
}

DWORD get_exit_code(HANDLE process) {
  DWORD code = 0;
  static const NameTable names{{STILL_ACTIVE, "STILL_ACTIVE"}};
  check("GetExitCodeProcess", {handle(process), literal("&code")}, [&] { return GetExitCodeProcess(process, &code); },
        [&] { return "(" + value_text(code, names) + ")"; });
  return code;
}

DWORD get_process_id(HANDLE process) {
  return number("GetProcessId", {handle(process)}, DWORD{0}, [&] { return GetProcessId(process); });
}

std::optional<DWORD> parent_process_id(HANDLE process) {
  struct {
    LONG ExitStatus;
    PVOID PebBaseAddress;
    ULONG_PTR AffinityMask;
    LONG BasePriority;
    ULONG_PTR UniqueProcessId;
    ULONG_PTR InheritedFromUniqueProcessId;
  } info{};
  using Fn = LONG(NTAPI*)(HANDLE, int, void*, ULONG, ULONG*);
  static auto query = reinterpret_cast<Fn>(
      reinterpret_cast<void*>(GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtQueryInformationProcess")));
  ULONG returned = 0;
  if (!query || nt("NtQueryInformationProcess", {handle(process), literal("ProcessBasicInformation")},
                   [&] { return query(process, 0, &info, sizeof info, &returned); }) < 0)
    return std::nullopt;
  return static_cast<DWORD>(info.InheritedFromUniqueProcessId);
}

std::string process_image(HANDLE process) {
  wchar_t path[MAX_PATH * 4];
  DWORD size = static_cast<DWORD>(std::size(path));
  if (attempt("QueryFullProcessImageNameW", {handle(process), num(0)},
              [&] { return QueryFullProcessImageNameW(process, 0, path, &size); }))
    return {};
  return to_utf8(std::wstring_view(path, size));
}

std::optional<ProcessMemory> process_memory(HANDLE process) {
  ProcessMemory m;
  PROCESS_MEMORY_COUNTERS_EX counters{};
  counters.cb = sizeof counters;
  if (attempt("GetProcessHandleCount", {handle(process)}, [&] { return GetProcessHandleCount(process, &m.handles); }) ||
      attempt("K32GetProcessMemoryInfo", {handle(process)}, [&] {
        return K32GetProcessMemoryInfo(process, reinterpret_cast<PROCESS_MEMORY_COUNTERS*>(&counters), sizeof counters);
      }))
    return std::nullopt;
  m.private_bytes = counters.PrivateUsage;
  m.working_set = counters.WorkingSetSize;
  m.peak_working_set = counters.PeakWorkingSetSize;
  m.pagefile = counters.PagefileUsage;
  return m;
}

std::vector<ProcessEntry> processes() {
  std::vector<ProcessEntry> out;
  HANDLE snapshot = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
  if (snapshot == INVALID_HANDLE_VALUE) return out;
  PROCESSENTRY32W entry{};
  entry.dwSize = sizeof entry;
  for (BOOL more = Process32FirstW(snapshot, &entry); more; more = Process32NextW(snapshot, &entry))
    out.push_back({entry.th32ProcessID, entry.th32ParentProcessID, to_utf8(entry.szExeFile)});
  CloseHandle(snapshot);
  return out;
}

HANDLE open_process(DWORD pid, DWORD access) {
  HANDLE h = nullptr;
  attempt("OpenProcess", {flags(access, process_access_names), literal("FALSE"), num(pid)},
          [&] { return (h = OpenProcess(access, FALSE, pid)) != nullptr; },
          [&] { return handle_text(h); });
  return h;
}

std::optional<DWORD> run_program(const std::string& command_line, DWORD timeout_ms) {
  ProcessStart start;
  start.command_line = command_line;
  start.flags = CREATE_NO_WINDOW | CREATE_UNICODE_ENVIRONMENT;
  PROCESS_INFORMATION pi = create_process(start);
  // Wine starts a Unix program without a process or thread handle (and
  // leaves those fields as they were): nothing to wait on or close.
  if (!pi.hProcess) return std::nullopt;
  CloseHandle(pi.hThread);
  DWORD waited = WaitForSingleObject(pi.hProcess, timeout_ms);
  DWORD code = 1;
  GetExitCodeProcess(pi.hProcess, &code);
  if (waited != WAIT_OBJECT_0) TerminateProcess(pi.hProcess, 1);
  CloseHandle(pi.hProcess);
  if (waited != WAIT_OBJECT_0)
    throw Win32Error("WaitForSingleObject", WAIT_TIMEOUT, fmt::format("{} did not finish within {} ms", command_line, timeout_ms));
  return code;
}

std::optional<DWORD> thread_id(HANDLE thread) {
  DWORD id = GetThreadId(thread);
  if (tracing()) emit_call("GetThreadId", {handle(thread)}, std::to_string(id), id ? 0 : GetLastError());
  if (!id) return std::nullopt;
  return id;
}

DWORD query_process_id(HANDLE process) { return GetProcessId(process); }

bool is_this_process(HANDLE process) { return GetProcessId(process) == GetCurrentProcessId(); }

}  // namespace ipcsh::win
