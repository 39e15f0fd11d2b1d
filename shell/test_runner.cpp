// ipcsh --test PATH...: every *.lua under each PATH runs as a scenario in its
// own ipcsh process, inside its own kill-on-close job, with a time limit.
#include <windows.h>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

#include "console.hpp"
#include "error.hpp"
#include "launch.hpp"
#include "modes.hpp"
#include "session.hpp"
#include "text.hpp"

namespace ipcsh {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> collect(const std::vector<std::string>& roots) {
  std::vector<fs::path> files;
  for (const auto& root : roots) {
    fs::path path(to_wide(root));
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec))
        if (it->is_regular_file(ec) && it->path().extension() == L".lua") found.push_back(it->path());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(path);  // a file, or a missing path that will fail visibly
    }
  }
  return files;
}

struct Outcome {
  bool passed;
  std::string summary;  // "exit 1", "timed out after 60 s"
  std::string output;
};

// An inheritable temporary file that collects the test's stdout and stderr.
UniqueHandle make_output_file() {
  wchar_t dir[MAX_PATH], name[MAX_PATH];
  GetTempPathW(MAX_PATH, dir);
  GetTempFileNameW(dir, L"ipt", 0, name);
  SECURITY_ATTRIBUTES inheritable{sizeof inheritable, nullptr, TRUE};
  HANDLE file = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &inheritable,
                            CREATE_ALWAYS, FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, nullptr);
  if (file == INVALID_HANDLE_VALUE) throw_last_error("CreateFileW");
  return UniqueHandle(file);
}

std::string read_all(HANDLE file) {
  SetFilePointer(file, 0, nullptr, FILE_BEGIN);
  std::string out;
  char buffer[4096];
  DWORD got = 0;
  while (ReadFile(file, buffer, sizeof buffer, &got, nullptr) && got > 0) out.append(buffer, got);
  return out;
}

Outcome run_one(Session& session, const fs::path& file, unsigned limit_seconds) {
  Outcome outcome{false, "", ""};
  UniqueHandle output = make_output_file();
  try {
    UniqueHandle job = make_kill_on_close_job();  // closing it ends what the test left running
    LaunchOptions options;
    options.command_line =
        quote_argument(session.self_path) + " " + quote_argument(to_utf8(file.generic_wstring()));
    options.inherit_only = {output.get()};
    options.std_out = options.std_err = output.get();
    options.job = job.get();
    Launched child = launch(options);
    UniqueHandle process(child.process), thread(child.thread);
    DWORD waited = session.wait_sliced({child.process}, false, limit_seconds * 1000);
    if (waited == WAIT_TIMEOUT) {
      TerminateJobObject(job.get(), 1);
      WaitForSingleObject(child.process, 5000);
      outcome.summary = fmt::format("timed out after {} s", limit_seconds);
    } else {
      DWORD code = 1;
      GetExitCodeProcess(child.process, &code);
      outcome.passed = code == 0;
      outcome.summary = fmt::format("exit {}", code);
    }
  } catch (const Win32Error& e) {
    outcome.summary = e.what();
  }
  outcome.output = read_all(output.get());
  return outcome;
}

std::string indent(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += "    " + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace

int run_tests(Session& session, const std::vector<std::string>& paths, unsigned limit_seconds) {
  std::vector<fs::path> files;
  try {
    files = collect(paths);
  } catch (const std::exception& e) {
    write_err(fmt::format("ipcsh --test: {}\n", e.what()));
    return 2;
  }
  if (files.empty()) {
    std::string where;
    for (const auto& p : paths) where += (where.empty() ? "" : ", ") + p;
    write_out(fmt::format("no tests: no *.lua file under {}\n0 passed, 0 failed\n", where));
    return 1;
  }
  int passed = 0, failed = 0;
  for (const auto& file : files) {
    ULONGLONG started = GetTickCount64();
    Outcome outcome = run_one(session, file, limit_seconds);
    double seconds = static_cast<double>(GetTickCount64() - started) / 1000.0;
    std::string name = to_utf8(file.generic_wstring());
    if (outcome.passed) {
      ++passed;
      write_out(fmt::format("ok    {} ({:.1f} s)\n", name, seconds));
    } else {
      ++failed;
      write_out(fmt::format("FAIL  {} ({}, {:.1f} s)\n{}", name, outcome.summary, seconds, indent(outcome.output)));
    }
  }
  write_out(fmt::format("{} passed, {} failed\n", passed, failed));
  return failed == 0 && passed > 0 ? 0 : 1;
}

}  // namespace ipcsh
