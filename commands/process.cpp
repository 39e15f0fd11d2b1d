// Processes: spawn (with handle inheritance made explicit), exit codes, the
// pseudo handle. Children join the session's kill-on-close job unless
// detached, so they end with the shell.
#include <algorithm>

#include "../shell/launch.hpp"
#include "common.hpp"

namespace ipcsh {
namespace {

std::string child_command_line(Session& s, const Args& a) {
  int given = a.has("ipcsh") + a.has("cmd") + a.has("args") + a.has("CMDLINE");
  if (given != 1)
    throw UsageError("give exactly one of --ipcsh CMDS, -- CMDLINE (Lua: cmd =, args =, ipcsh =)");
  if (a.has("ipcsh")) return quote_argument(s.self_path) + " -c " + quote_argument(a.string("ipcsh"));
  if (a.has("cmd")) return a.string("cmd");
  if (a.has("CMDLINE")) return a.string("CMDLINE");
  std::string line;
  for (const auto& item : a.find("args")->as<List>()->items)
    line += (line.empty() ? "" : " ") + quote_argument(*item.as<std::string>());
  if (line.empty()) throw UsageError("args: at least the program expected");
  return line;
}

// --stdin/--stdout/--stderr: the child's standard handles
// (STARTF_USESTDHANDLES). They reach the child by inheritance, so they must
// be inheritable; without --inherit they are the only handles passed.
void redirect_std_handles(const Args& a, LaunchOptions& options) {
  HandleRef in = a.handle("stdin"), out = a.handle("stdout"), err = a.handle("stderr");
  if (!in && !out && !err) return;
  bool list_mode = !options.inherit_all;
  auto pass = [&](const HandleRef& h, const char* flag, DWORD fallback) -> HANDLE {
    if (!h) return GetStdHandle(fallback);  // the shell's own, as the child would have had
    if (!h->inheritable())
      throw UsageError(fmt::format("--{}: {} is not inheritable (create it with --inherit, or set-inherit H on)",
                                   flag, h->value_text()));
    auto& list = options.inherit_only;
    if (list_mode && std::find(list.begin(), list.end(), h->handle()) == list.end()) list.push_back(h->handle());
    return h->handle();
  };
  options.std_in = pass(in, "stdin", STD_INPUT_HANDLE);
  options.std_out = pass(out, "stdout", STD_OUTPUT_HANDLE);
  options.std_err = pass(err, "stderr", STD_ERROR_HANDLE);
}

Value spawn(Session& s, const Args& a) {
  LaunchOptions options;
  options.command_line = child_command_line(s, a);
  if (const Value* inherit = a.find("inherit")) {
    if (auto all = inherit->as<bool>()) options.inherit_all = *all;
    else
      for (const auto& h : a.handles("inherit")) options.inherit_only.push_back(h->handle());
  }
  for (const auto& h : a.handles("inherit-only")) options.inherit_only.push_back(h->handle());
  // Windows fails CreateProcess with ERROR_INVALID_PARAMETER for a handle in
  // the list that is not inheritable (Wine accepts it): say so first.
  std::vector<HandleRef> listed = a.handles("inherit-only");
  if (const Value* inherit = a.find("inherit"); inherit && inherit->as<List>()) listed = a.handles("inherit");
  for (const auto& h : listed)
    if (!h->inheritable())
      throw UsageError(fmt::format("--inherit-only: {} {} is not inheritable, and Windows refuses such a handle "
                                   "(ERROR_INVALID_PARAMETER); set-inherit it on first",
                                   kind_name(h->kind), h->value_text()));
  if (a.has("inherit-only") && options.inherit_only.empty())
    throw UsageError("--inherit-only: at least one handle expected");
  redirect_std_handles(a, options);
  options.stay_suspended = a.flag("suspended");
  // Its own console process group: a Ctrl+C at this shell interrupts this
  // shell's command, not the children (kill P ends one on purpose).
  options.extra_flags = CREATE_NEW_PROCESS_GROUP;
  if (!a.flag("detach")) options.job = s.child_job();
  Launched child = launch(options);
  auto ref = s.add(Kind::process, child.process, options.command_line);
  ref->pid = child.pid;
  ref->thread.reset(child.thread);
  if (options.stay_suspended) ref->role = "(suspended)";
  return ref;
}

// This process itself: waiting on it or killing it from inside would never
// return or would skip the normal exit.
void refuse_self(const HandleRef& p, std::string_view what, std::string_view instead) {
  if (p->pseudo || GetProcessId(p->handle()) == GetCurrentProcessId())
    throw UsageError(fmt::format("P: {} is this shell itself; {} ({})", p->value_text(), what, instead), 1);
}

Value exit_code(Session&, const Args& a) {
  auto p = a.handle("P");
  DWORD code = win::get_exit_code(p->handle());
  // STILL_ACTIVE is also a code a process may really exit with: ask the
  // process object whether it is signaled (exited) to tell them apart.
  if (code == STILL_ACTIVE && win::wait_now(p->handle()) == WAIT_TIMEOUT)
    return result("still-active", {Value(), "still active", as_int(STILL_ACTIVE)}, {"code", "state", "raw"}, 2);
  return as_int(code);
}

Value kill(Session&, const Args& a) {
  auto p = a.handle("P");
  refuse_self(p, "it cannot be killed from inside", "use `exit CODE`");
  auto code = static_cast<UINT>(a.integer("CODE", 1));
  DWORD pid = win::get_process_id(p->handle());
  // An exited process cannot be terminated again: say so, with the code it
  // really exited with, instead of claiming a kill.
  if (win::wait_now(p->handle()) == WAIT_OBJECT_0)
    return report("already-exited", {as_int(pid), as_int(win::get_exit_code(p->handle()))}, {"pid", "code"});
  win::terminate_process(p->handle(), code);
  return report("terminated", {as_int(pid), as_int(code)}, {"pid", "code"});
}

Value resume(Session&, const Args& a) {
  auto p = a.handle("P");
  if (!p->thread)
    throw UsageError(fmt::format("P: {} was not started by this shell, so its thread is unknown", p->value_text()), 1);
  DWORD previous = win::resume_thread(p->thread.get());
  p->role.clear();
  return result("resumed", {as_int(previous)}, {"previous"});
}

Value pid(Session&, const Args& a) { return as_int(win::get_process_id(a.handle("P")->handle())); }

Value self(Session& s, const Args&) { return s.self(); }

const KindSet process_only{Kind::process};

const CommandRegistration registration{
    {"spawn", "process",
     "start a process (CreateProcessW); it ends with the shell unless --detach",
     {{"CMDLINE", ArgType::text, {}, true}},
     {{"inherit", ArgType::boolean_or_handles, "", "bInheritHandles=TRUE: every inheritable handle goes along"},
      {"inherit-only", ArgType::handles, "H,H...", "pass exactly these (inheritable) handles (HANDLE_LIST)"},
      {"suspended", ArgType::boolean, "", "leave the main thread suspended (see resume)"},
      {"ipcsh", ArgType::name, "CMDS", "run a child ipcsh with -c CMDS"},
      {"cmd", ArgType::name, "CMDLINE", "the command line (Lua form of -- CMDLINE)"},
      {"args", ArgType::strings, "LIST", "Lua: arguments, quoted the Windows way"},
      {"stdin", ArgType::handle, "H", "the child's standard input (an inheritable handle)", file_like},
      {"stdout", ArgType::handle, "H", "the child's standard output", file_like},
      {"stderr", ArgType::handle, "H", "the child's standard error", file_like},
      {"detach", ArgType::boolean, "", "do not end the child when the shell ends"}},
     spawn},
    {"exit-code", "process", "a process's exit code, or still active (GetExitCodeProcess)",
     {{"P", ArgType::handle, process_only}}, {}, exit_code},
    {"kill", "process", "end a process with exit code CODE, default 1 (TerminateProcess)",
     {{"P", ArgType::handle, process_only}, {"CODE", ArgType::integer, {}, true}}, {}, kill},
    {"resume", "process", "resume a process spawned --suspended (ResumeThread)",
     {{"P", ArgType::handle, process_only}}, {}, resume},
    {"pid", "process", "the process id (GetProcessId)", {{"P", ArgType::handle, process_only}}, {}, pid},
    {"self", "process", "the pseudo handle of this process (GetCurrentProcess, value -1)", {}, {}, self},
};

}  // namespace
}  // namespace ipcsh
