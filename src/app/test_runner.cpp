// ipcsh --test PATH...: every *.lua under each PATH runs as a scenario in its
// own ipcsh process (`--test-one FILE`), inside its own kill-on-close job,
// with a time limit; up to -j of them at once. A test passes when its
// process exits 0, is skipped at exit 77 (skip(reason)), and fails
// otherwise - a crash is named by its exception code. The child reports
// what it leaked on marker lines the runner takes out of its output.
#include <windows.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <fmt/format.h>

#include "console/console.hpp"
#include "core/escape.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "modes.hpp"
#include "session/session.hpp"
#include "win32/launch.hpp"
#include "win32/win32_api.hpp"

namespace ipcsh {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> collect(const std::vector<std::string>& roots, const std::string& filter) {
  std::vector<fs::path> files;
  for (const auto& root : roots) {
    fs::path path(to_wide(root));
    std::error_code ec;
    std::vector<fs::path> found;
    if (fs::is_directory(path, ec)) {
      for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec))
        if (it->is_regular_file(ec) && it->path().extension() == L".lua") found.push_back(it->path());
      std::sort(found.begin(), found.end());
    } else {
      found.push_back(path);  // a file, or a missing path that will fail visibly
    }
    for (auto& f : found)
      if (filter.empty() || to_utf8(f.generic_wstring()).find(filter) != std::string::npos) files.push_back(f);
  }
  return files;
}

struct Outcome {
  enum class Verdict { passed, failed, skipped } verdict = Verdict::failed;
  std::string summary;  // "exit 1", "timed out after 60 s", "EXCEPTION_ACCESS_VIOLATION (0xC0000005)"
  std::string message;  // the failing assertion's "file:line: message", a skip's reason
  std::string output;
  std::vector<std::string> leaks;
  double seconds = 0;
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

std::string exception_name(DWORD code) {
  static const std::pair<DWORD, const char*> names[] = {
      {0xC0000005, "EXCEPTION_ACCESS_VIOLATION"},   {0xC00000FD, "EXCEPTION_STACK_OVERFLOW"},
      {0xC0000094, "EXCEPTION_INT_DIVIDE_BY_ZERO"}, {0xC000001D, "EXCEPTION_ILLEGAL_INSTRUCTION"},
      {0xC0000409, "STATUS_STACK_BUFFER_OVERRUN"},  {0xC0000374, "STATUS_HEAP_CORRUPTION"},
      {0x80000003, "EXCEPTION_BREAKPOINT"},         {0xC0000096, "EXCEPTION_PRIV_INSTRUCTION"},
      {0xC0000006, "EXCEPTION_IN_PAGE_ERROR"},      {0xE06D7363, "C++ exception"}};
  for (const auto& [c, n] : names)
    if (c == code) return fmt::format("{} (0x{:08X})", n, code);
  return {};
}

// Takes the runner's marker lines out of a child's output.
void read_markers(Outcome& outcome) {
  std::string kept;
  std::size_t start = 0;
  const std::string& text = outcome.output;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind(test_marker, 0) == 0) {
      std::string rest = line.substr(std::string_view(test_marker).size());
      if (rest.rfind("leak ", 0) == 0) outcome.leaks.push_back(rest.substr(5));
      if (rest.rfind("skip ", 0) == 0) outcome.message = rest.substr(5);
      if (rest.rfind("fail ", 0) == 0) outcome.message = rest.substr(5);
    } else {
      kept += line + "\n";
    }
    start = end + 1;
  }
  outcome.output = kept;
}

struct Running {
  fs::path file;
  UniqueHandle job, process, thread, output;
  ULONGLONG started = 0;
};

Running start_one(Session& session, const fs::path& file) {
  Running r;
  r.file = file;
  r.output = make_output_file();
  r.job = make_kill_on_close_job();  // closing it ends what the test left running
  LaunchOptions options;
  options.command_line = quote_argument(session.self_path) + " --test-one " + quote_argument(to_utf8(file.generic_wstring()));
  options.inherit_only = {r.output.get()};
  options.std_out = options.std_err = r.output.get();
  options.job = r.job.get();
  // Its own process group: a Ctrl+C at the runner is the runner's, not the test's.
  options.extra_flags = CREATE_NEW_PROCESS_GROUP;
  Launched child = launch(options);
  r.process.reset(child.process);
  r.thread.reset(child.thread);
  r.started = GetTickCount64();
  return r;
}

Outcome finish_one(Running& r, bool timed_out, unsigned limit_seconds, bool strict) {
  Outcome outcome;
  outcome.seconds = static_cast<double>(GetTickCount64() - r.started) / 1000.0;
  if (timed_out) {
    TerminateJobObject(r.job.get(), 1);
    WaitForSingleObject(r.process.get(), 5000);
    outcome.summary = fmt::format("timed out after {} s", limit_seconds);
  } else {
    DWORD code = 1;
    GetExitCodeProcess(r.process.get(), &code);
    if (code == 0) outcome.verdict = Outcome::Verdict::passed;
    else if (code == skip_exit_code) outcome.verdict = Outcome::Verdict::skipped;
    std::string crash = exception_name(code);
    outcome.summary = crash.empty() ? fmt::format("exit {}", code) : "crashed: " + crash;
  }
  r.job.reset();  // ends whatever the test left running
  outcome.output = read_all(r.output.get());
  read_markers(outcome);
  if (outcome.verdict == Outcome::Verdict::passed && strict && !outcome.leaks.empty()) {
    outcome.verdict = Outcome::Verdict::failed;
    outcome.summary = fmt::format("leaked {} handle{}", outcome.leaks.size(), outcome.leaks.size() == 1 ? "" : "s");
  }
  if (outcome.verdict == Outcome::Verdict::failed && outcome.message.empty()) {
    // The last line of output says why: the assertion's file:line: message.
    std::string out = outcome.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    auto nl = out.rfind('\n');
    outcome.message = nl == std::string::npos ? out : out.substr(nl + 1);
    if (outcome.message.empty()) outcome.message = outcome.summary;
  }
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

std::string xml_escape(std::string_view text) {
  return escape(text, escapes::markup);
}

void write_junit(const std::string& path, const std::vector<std::pair<std::string, Outcome>>& results, double total) {
  int failures = 0, skipped = 0;
  for (const auto& [name, o] : results) {
    failures += o.verdict == Outcome::Verdict::failed;
    skipped += o.verdict == Outcome::Verdict::skipped;
  }
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += fmt::format("<testsuite name=\"ipcsh\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3f}\">\n",
                     results.size(), failures, skipped, total);
  for (const auto& [name, o] : results) {
    std::string classname = name.substr(0, name.rfind('/') == std::string::npos ? 0 : name.rfind('/'));
    std::replace(classname.begin(), classname.end(), '/', '.');
    xml += fmt::format("  <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\">\n", xml_escape(classname),
                       xml_escape(name), o.seconds);
    if (o.verdict == Outcome::Verdict::failed)
      xml += fmt::format("    <failure message=\"{}\" type=\"{}\">{}</failure>\n", xml_escape(o.message),
                         xml_escape(o.summary), xml_escape(o.output));
    if (o.verdict == Outcome::Verdict::skipped) xml += fmt::format("    <skipped message=\"{}\"/>\n", xml_escape(o.message));
    std::string out = o.output;
    for (const auto& leak : o.leaks) out += "leaked: " + leak + "\n";
    if (!out.empty()) xml += fmt::format("    <system-out>{}</system-out>\n", xml_escape(out));
    xml += "  </testcase>\n";
  }
  xml += "</testsuite>\n";
  std::ofstream file(fs::path(to_wide(path)), std::ios::binary);
  file << xml;
  if (!file) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int run_tests(Session& session, const TestOptions& options) {
  Output& output = *session.output;
  std::vector<fs::path> files;
  try {
    files = collect(options.paths, options.filter);
  } catch (const std::exception& e) {
    write_err(output, fmt::format("ipcsh --test: {}\n", e.what()));
    return 2;
  }
  if (files.empty()) {
    std::string where;
    for (const auto& p : options.paths) where += (where.empty() ? "" : ", ") + p;
    write_out(output, fmt::format("no tests: no *.lua file under {}{}\n0 passed, 0 failed, 0 skipped\n", where,
                          options.filter.empty() ? "" : " matching '" + options.filter + "'"));
    return 1;
  }
  ULONGLONG started = GetTickCount64();
  std::vector<std::pair<std::string, Outcome>> results;
  std::vector<Running> running;
  std::size_t next = 0;
  int passed = 0, failed = 0, skipped = 0;
  auto report = [&](const std::string& name, Outcome outcome) {
    switch (outcome.verdict) {
      case Outcome::Verdict::passed:
        ++passed;
        write_out(output, fmt::format("ok    {} ({:.1f} s)\n", name, outcome.seconds));
        break;
      case Outcome::Verdict::skipped:
        ++skipped;
        write_out(output, fmt::format("skip  {} ({:.1f} s): {}\n", name, outcome.seconds, outcome.message));
        break;
      case Outcome::Verdict::failed:
        ++failed;
        write_out(output, fmt::format("FAIL  {} ({}, {:.1f} s)\n{}", name, outcome.summary, outcome.seconds, indent(outcome.output)));
        break;
    }
    for (const auto& leak : outcome.leaks) write_out(output, fmt::format("      leaked: {}\n", leak));
    results.emplace_back(name, std::move(outcome));
  };
  while (next < files.size() || !running.empty()) {
    while (next < files.size() && running.size() < options.jobs) {
      const fs::path& file = files[next++];
      try {
        running.push_back(start_one(session, file));
      } catch (const Win32Error& e) {
        Outcome outcome;
        outcome.summary = e.what();
        outcome.message = e.what();
        report(to_utf8(file.generic_wstring()), std::move(outcome));
      }
    }
    if (running.empty()) break;
    std::vector<HANDLE> processes;
    for (auto& r : running) processes.push_back(r.process.get());
    // Wake for the first to end, or for the nearest time limit.
    ULONGLONG now = GetTickCount64(), soonest = ~0ULL;
    for (auto& r : running) soonest = std::min<ULONGLONG>(soonest, r.started + options.limit_seconds * 1000ULL);
    DWORD wait_ms = soonest > now ? static_cast<DWORD>(std::min<ULONGLONG>(soonest - now, 0xFFFFFFF0ULL)) : 0;
    DWORD waited = session.wait_sliced(processes, false, wait_ms);
    now = GetTickCount64();
    for (std::size_t i = 0; i < running.size();) {
      bool ended = win::wait_now(running[i].process.get()) == WAIT_OBJECT_0;
      bool timed_out = !ended && now >= running[i].started + options.limit_seconds * 1000ULL;
      if (!ended && !timed_out) {
        ++i;
        continue;
      }
      Running r = std::move(running[i]);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      report(to_utf8(r.file.generic_wstring()), finish_one(r, timed_out, options.limit_seconds, options.strict));
    }
    (void)waited;
  }
  double total = static_cast<double>(GetTickCount64() - started) / 1000.0;
  if (!options.junit.empty()) {
    try {
      write_junit(options.junit, results, total);
    } catch (const std::exception& e) {
      write_err(output, fmt::format("ipcsh --test: --junit: {}\n", e.what()));
      failed += 1;
    }
  }
  write_out(output, fmt::format("{} passed, {} failed, {} skipped\n", passed, failed, skipped));
  return failed == 0 && passed + skipped > 0 ? 0 : 1;
}

}  // namespace ipcsh
