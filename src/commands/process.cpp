// Processes: spawn (with handle inheritance made explicit), exit codes, the
// pseudo handle. Children join the session's kill-on-close job unless
// detached, so they end with the shell.
#include <algorithm>

#include "agents/child_link.hpp"
#include "core/shapes.hpp"
#include "common.hpp"
#include "session/executor.hpp"
#include "win32/launch.hpp"
#include "win32/unique_handle.hpp"

namespace ipcsh {
namespace {

// A handle passed by name (spawn --pass): the child binds NAME to it.
struct Passed {
  std::string name;  // empty: inherited, but bound to no variable
  HandleRef handle;
};

std::vector<Passed> passed_handles(Session& s, const Args& a) {
  std::vector<Passed> out;
  const Value* given = a.find("pass");
  if (!given) return out;
  auto add = [&](std::string name, const Value& v) {
    auto h = v.as<HandleRef>();
    if (!h) throw UsageError(fmt::format("--pass: {} does not hold a handle", name.empty() ? "an item" : "$" + name));
    if ((*h)->kind == Kind::view || (*h)->kind == Kind::window || (*h)->pseudo)
      throw UsageError(fmt::format("--pass: {} is a {}, which cannot be inherited", name.empty() ? (*h)->value_text() : "$" + name,
                                   (*h)->pseudo ? "pseudo handle" : kind_name((*h)->kind)));
    if ((*h)->closed()) throw UsageError(fmt::format("--pass: {} was closed", (*h)->value_text()));
    out.push_back({std::move(name), *h});
  };
  if (auto text = given->as<std::string>()) {
    // NAME,NAME... (or $NAME): the shell's variables
    std::string_view rest = *text;
    while (!rest.empty()) {
      std::string name(rest.substr(0, rest.find(',')));
      rest.remove_prefix(std::min(rest.size(), name.size() + 1));
      if (!name.empty() && name[0] == '$') name.erase(0, 1);
      auto it = s.variables.named.find(name);
      if (it == s.variables.named.end()) throw UsageError(fmt::format("--pass: no variable ${} (see `vars`)", one_line(name, 40)));
      add(name, it->second);
    }
  } else if (auto record = given->as<Record>()) {  // Lua: pass = {w = w, go = ev}
    for (const auto& f : record->fields) add(f.key, f.value);
  } else if (auto list = given->as<List>()) {  // Lua: pass = {w, ev}: bound to the shell variable holding each, if any
    for (const auto& item : list->items) {
      std::string var;
      if (auto h = item.as<HandleRef>()) var = s.variable_of(**h);
      add(var.empty() ? "" : var.substr(1), item);
    }
  } else {
    throw UsageError("--pass: NAME,NAME... expected (Lua: a table of name = handle)");
  }
  if (out.empty()) throw UsageError("--pass: at least one handle expected");
  return out;
}

// How the child is started: the command line as the user sees it and as
// it is run (a child ipcsh also gets where to send its output, and the
// variables it is passed).
struct ChildLine {
  std::string shown, program, args;  // run: program + args
  enum { plain, ipcsh, agent } kind = plain;
};

ChildLine child_command_line(Session& s, const Args& a, const std::vector<Passed>& passed) {
  int given = a.has("ipcsh") + a.has("cmd") + a.has("args") + a.has("CMDLINE") + a.flag("agent");
  if (given != 1)
    throw UsageError("give exactly one of --agent, --ipcsh CMDS, -- CMDLINE (Lua: agent =, cmd =, args =, ipcsh =)");
  std::string binds;
  for (const auto& p : passed)
    if (!p.name.empty())
      binds += fmt::format(" --bind {} {} {} {} {}", p.name, p.handle->value_text(), kind_name(p.handle->kind),
                           quote_argument(p.handle->role.empty() ? "" : p.handle->role),
                           quote_argument(p.handle->name));
  std::string self = quote_argument(s.self_path);
  if (a.flag("agent")) return {"ipcsh agent", self, binds, ChildLine::agent};
  if (a.has("ipcsh")) {
    // The child's $variables are its own; $^NAME is ours, put in here.
    std::string cmds = " -c " + quote_argument(expand_own_values(s, a.string("ipcsh")));
    return {self + cmds, self, binds + cmds, ChildLine::ipcsh};
  }
  if (!passed.empty() && std::any_of(passed.begin(), passed.end(), [](const Passed& p) { return !p.name.empty(); }))
    throw UsageError("--pass binds variables in a child ipcsh: use it with --ipcsh or --agent (--inherit-only for other programs)");
  std::string line;
  if (a.has("cmd")) line = a.string("cmd");
  else if (a.has("CMDLINE")) line = a.string("CMDLINE");
  else
    for (const auto& item : a.find("args")->as<List>()->items)
      line += (line.empty() ? "" : " ") + quote_argument(*item.as<std::string>());
  if (line.empty()) throw UsageError("args: at least the program expected");
  return {line, line, "", ChildLine::plain};
}

// A handle list names each handle once.
void add_once(std::vector<HANDLE>& list, HANDLE h) {
  if (std::find(list.begin(), list.end(), h) == list.end()) list.push_back(h);
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
    if (list_mode) add_once(options.inherit_only, h->handle());
    return h->handle();
  };
  options.std_in = pass(in, "stdin", STD_INPUT_HANDLE);
  options.std_out = pass(out, "stdout", STD_OUTPUT_HANDLE);
  options.std_err = pass(err, "stderr", STD_ERROR_HANDLE);
}

// Where the child's output goes: a private pipe this shell drains, each
// line labelled with the child. A child ipcsh opens the pipe by name; another
// program gets it as its stdout and stderr. Not for --detach (the child
// outlives the pipe) or when the user chose the standard handles.
struct OutputPipe {
  PrivatePipe pipe{};
  UniqueHandle client;  // for another program: its stdout/stderr, inheritable
};

std::optional<OutputPipe> output_pipe(const Args& a, ChildLine& line, LaunchOptions& options) {
  bool chosen = a.flag("detach") || a.has("stdout") || a.has("stderr") || a.has("stdin");
  if (chosen && line.kind != ChildLine::agent) return std::nullopt;  // an agent needs its channel
  OutputPipe out;
  out.pipe = make_private_pipe(line.kind == ChildLine::agent);
  if (line.kind == ChildLine::agent) {
    options.command_line = line.program + line.args + " --agent-pipe " + quote_argument(out.pipe.name);
  } else if (line.kind == ChildLine::ipcsh) {
    // ipcsh.exe --output-pipe NAME [--bind ...] -c CMDS
    options.command_line = line.program + " --output-pipe " + quote_argument(out.pipe.name) + line.args;
  } else {
    out.client.reset(open_child_end(out.pipe));
    if (!out.client) {
      win::close_handle(out.pipe.server);
      return std::nullopt;
    }
    options.std_in = GetStdHandle(STD_INPUT_HANDLE);
    options.std_out = options.std_err = out.client.get();
    if (!options.inherit_all) options.inherit_only.push_back(out.client.get());
  }
  return out;
}

Value spawn(Session& s, const Args& a) {
  LaunchOptions options;
  std::vector<Passed> passed = passed_handles(s, a);
  ChildLine line = child_command_line(s, a, passed);
  options.command_line = line.program + line.args;
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
  // --pass: exactly these go along (with whatever else was asked for). A
  // handle must be inheritable while CreateProcess copies it; one that was
  // not is made so for that moment only.
  std::vector<HandleRef> made_inheritable;
  for (const auto& p : passed) {
    if (!options.inherit_all) add_once(options.inherit_only, p.handle->handle());
    if (!p.handle->inheritable()) {
      win::set_handle_information(p.handle->handle(), HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
      made_inheritable.push_back(p.handle);
    }
  }
  struct Restore {
    std::vector<HandleRef>& handles;
    ~Restore() {
      // Never throws out of a destructor: a handle the call closed meanwhile
      // has no flag left to clear.
      for (const auto& h : handles) {
        try {
          win::set_handle_information(h->handle(), HANDLE_FLAG_INHERIT, 0);
        } catch (const Win32Error&) {
        }
      }
    }
  } restore{made_inheritable};
  std::optional<OutputPipe> output = output_pipe(a, line, options);
  options.stay_suspended = a.flag("suspended");
  options.sddl = a.string_or("sddl", "");
  // Its own console process group: a Ctrl+C at this shell interrupts this
  // shell's command, not the children (kill P ends one on purpose).
  options.extra_flags = CREATE_NEW_PROCESS_GROUP;
  if (!a.flag("detach")) options.job = s.child_job();
  Launched child;
  try {
    child = launch(options);
  } catch (...) {
    if (output) win::close_handle(output->pipe.server);
    throw;
  }
  auto ref = s.add(Kind::process, child.process, line.shown);
  ref->pid = child.pid;
  ref->thread.reset(child.thread);
  if (output) {
    output->client.reset();  // the child's copy is the one that counts
    auto mode = line.kind == ChildLine::agent ? ChildLink::Mode::agent : ChildLink::Mode::text;
    bool check_client = line.kind != ChildLine::plain;  // we opened a plain child's end ourselves
    ref->link = ChildLink::start(s.output, mode, pipe_stream(output->pipe.server), true, child.pid, check_client);
    // An agent's requests wait on its process too (the link's own handle:
    // the user may close theirs).
    if (mode == ChildLink::Mode::agent)
      ref->link->watch_process(win::duplicate_handle(GetCurrentProcess(), child.process, GetCurrentProcess(),
                                                     SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, false, 0));
  }
  if (options.stay_suspended) {
    ref->role = "(suspended)";
    ref->suspended = true;
  }
  return ref;
}

// This process itself: waiting on it or killing it from inside would never
// return or would skip the normal exit.
void refuse_self(const HandleRef& p, std::string_view what, std::string_view instead) {
  if (p->pseudo || win::is_this_process(p->handle()))
    throw UsageError(fmt::format("P: {} is this shell itself; {} ({})", p->value_text(), what, instead), 1);
}

// A remote agent's stand-in is no process: say so rather than hand an event
// to a process API.
HandleRef held_process(const Args& a, std::string_view api) {
  auto p = a.handle("P");
  if (p->stand_in)
    throw Win32Error(std::string(api), ERROR_NOT_SUPPORTED,
                     fmt::format("{} is an agent over TCP whose process is not held here (pid {} it says): an event "
                                 "stands in for it",
                                 p->value_text(), p->pid));
  return p;
}

Value exit_code(Session&, const Args& a) {
  auto p = held_process(a, "GetExitCodeProcess");
  DWORD code = win::get_exit_code(p->handle());
  // STILL_ACTIVE is also a code a process may really exit with: ask the
  // process object whether it is signaled (exited) to tell them apart.
  if (code == STILL_ACTIVE && win::wait_now(p->handle()) == WAIT_TIMEOUT)
    return result(shape::still_active, {Value(), "still active", as_int(STILL_ACTIVE)}, {field::code, field::state, field::raw}, 2);
  return as_int(code);
}

Value kill(Session&, const Args& a) {
  auto p = held_process(a, "TerminateProcess");
  refuse_self(p, "it cannot be killed from inside", "use `exit CODE`");
  auto code = static_cast<UINT>(a.integer("CODE", 1));
  DWORD pid = win::get_process_id(p->handle());
  // An exited process cannot be terminated again: say so, with the code it
  // really exited with, instead of claiming a kill.
  if (win::wait_now(p->handle()) == WAIT_OBJECT_0)
    return report(shape::already_exited, {as_int(pid), as_int(win::get_exit_code(p->handle()))}, {field::pid, field::code});
  win::terminate_process(p->handle(), code);
  return report(shape::terminated, {as_int(pid), as_int(code)}, {field::pid, field::code});
}

Value resume(Session&, const Args& a) {
  auto p = a.handle("P");
  if (!p->thread)
    throw UsageError(fmt::format("P: {} was not started by this shell, so its thread is unknown", p->value_text()), 1);
  DWORD previous = win::resume_thread(p->thread.get());
  p->role.clear();
  p->suspended = false;
  return result(shape::resumed, {as_int(previous)}, {field::previous});
}

Value pid(Session&, const Args& a) {
  auto p = a.handle("P");
  return as_int(p->stand_in ? p->pid : win::get_process_id(p->handle()));
}

Value self(Session& s, const Args&) { return s.self(); }


const FamilyRegistration family{"process", "spawn children (with the handles they inherit), exit codes, self"};
const CommandRegistration registration{
    {.name = "spawn",
     .family = "process",
     .summary = "start a process (CreateProcessW); it ends with the shell unless --detach",
     // (CMDLINE's range: its longest length, in UTF-16 units)
     .params = {{.name = "CMDLINE", .type = ArgType::text, .optional = true, .range = {0, 32766}}},
     .flags = {{.name = "inherit",
                .type = ArgType::boolean_or_handles,
                .help = "bInheritHandles=TRUE: every inheritable handle goes along"},
               {.name = "inherit-only",
                .type = ArgType::handles,
                .value_name = "H,H...",
                .help = "pass exactly these (inheritable) handles (HANDLE_LIST)"},
               {.name = "suspended", .type = ArgType::boolean, .help = "leave the main thread suspended (see resume)"},
               {.name = "sddl",
                .type = ArgType::name,
                .value_name = "SDDL",
                .help = "the security descriptor of the new process and its thread (lpProcessAttributes, "
                        "lpThreadAttributes)"},
               {.name = "pass",
                .type = ArgType::variables,
                .value_name = "NAME,NAME...",
                .help = "inherit exactly these variables' handles; a child ipcsh has them under the same names"},
               {.name = "agent",
                .type = ArgType::boolean,
                .help = "a child ipcsh that runs what `on P CMD` sends it",
                .c_export = CExport::agent},
               {.name = "ipcsh",
                .type = ArgType::name,
                .value_name = "CMDS",
                .help = "run a child ipcsh with -c CMDS ($x there is the child's; $^x is this shell's value)"},
               {.name = "cmd",
                .type = ArgType::name,
                .value_name = "CMDLINE",
                .help = "the command line (Lua form of -- CMDLINE)"},
               {.name = "args",
                .type = ArgType::strings,
                .value_name = "LIST",
                .help = "Lua: arguments, quoted the Windows way"},
               {.name = "stdin",
                .type = ArgType::handle,
                .value_name = "H",
                .help = "the child's standard input (an inheritable handle)",
                .kinds = file_like},
               {.name = "stdout",
                .type = ArgType::handle,
                .value_name = "H",
                .help = "the child's standard output",
                .kinds = file_like},
               {.name = "stderr",
                .type = ArgType::handle,
                .value_name = "H",
                .help = "the child's standard error",
                .kinds = file_like},
               {.name = "detach", .type = ArgType::boolean, .help = "do not end the child when the shell ends"}},
     .handler = spawn,
     .stable = false,
     .returns = {.values = {{.name = "process", .type = LuaType::handle, .kind = Kind::process, .about = "the child (its `pid` field; an agent's `run`)"}}}},
    {.name = "exit-code",
     .family = "process",
     .summary = "a process's exit code, or still active (GetExitCodeProcess)",
     .params = {{.name = "P", .type = ArgType::handle, .kinds = process_only}},
     .handler = exit_code,
     .returns = {.values = {{.name = "code", .type = LuaType::integer, .optional = true, .about = "the exit code; nil while the process runs"},
                            {.name = "state", .type = LuaType::string, .optional = true, .about = "\"still active\" while it runs"}}}},
    {.name = "kill",
     .family = "process",
     .summary = "end a process with exit code CODE, default 1 (TerminateProcess)",
     .params = {{.name = "P", .type = ArgType::handle, .kinds = process_only},
                {.name = "CODE", .type = ArgType::integer, .optional = true}},
     .handler = kill,
     .returns = {.note = "The shell prints the pid and code, or that it had already exited and with which code"}},
    {.name = "resume",
     .family = "process",
     .summary = "resume a process spawned --suspended (ResumeThread)",
     .params = {{.name = "P", .type = ArgType::handle, .kinds = process_only}},
     .handler = resume,
     .returns = {.values = {{.name = "previous", .type = LuaType::integer, .about = "the suspend count before (1: it was suspended)"}}}},
    {.name = "pid",
     .family = "process",
     .summary = "the process id (GetProcessId)",
     .params = {{.name = "P", .type = ArgType::handle, .kinds = process_only}},
     .handler = pid,
     .stable = false,
     .returns = {.values = {{.name = "pid", .type = LuaType::integer}}}},
    {.name = "self",
     .family = "process",
     .summary = "the pseudo handle of this process (GetCurrentProcess, value -1)",
     .handler = self,
     .stable = false,
     .returns = {.values = {{.name = "self", .type = LuaType::handle, .kind = Kind::process, .about = "the pseudo handle (-1)"}}}},
};

}  // namespace
}  // namespace ipcsh
