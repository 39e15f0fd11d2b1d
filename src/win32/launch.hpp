// Starting processes: the one CreateProcessW call, shared by `spawn` and the
// test runner, with handle inheritance made explicit.
#pragma once
#include <windows.h>

#include <string>
#include <string_view>
#include <vector>

#include "unique_handle.hpp"

namespace ipcsh {

struct LaunchOptions {
  std::string command_line;          // UTF-8, quoted the Windows way
  bool inherit_all = false;          // bInheritHandles = TRUE
  std::vector<HANDLE> inherit_only;  // PROC_THREAD_ATTRIBUTE_HANDLE_LIST (implies bInheritHandles)
  bool stay_suspended = false;
  HANDLE job = nullptr;              // joined before the first instruction runs
  DWORD extra_flags = 0;             // more CreateProcess flags (CREATE_NEW_PROCESS_GROUP)
  HANDLE std_in = nullptr, std_out = nullptr, std_err = nullptr;  // set any: STARTF_USESTDHANDLES
  std::string sddl;                  // the process's and thread's security descriptor ("": the default)
};

struct Launched {
  HANDLE process;
  HANDLE thread;
  DWORD pid;
};

// Throws Win32Error naming the API that failed.
Launched launch(const LaunchOptions& options);

// A job object that kills its processes when its last handle closes.
UniqueHandle make_kill_on_close_job();

// One argument quoted so CommandLineToArgvW gives it back unchanged.
std::string quote_argument(std::string_view arg);
// A command line split the way CommandLineToArgvW splits it (without
// linking shell32, which costs every process start-up time): the program
// name up to its closing quote or first blank, then arguments where 2N
// backslashes before a quote are N and the quote toggles quoting, 2N+1 are
// N and a literal quote, and other backslashes are literal.
std::vector<std::string> split_command_line(std::wstring_view line);
std::string this_program_path();

}  // namespace ipcsh
