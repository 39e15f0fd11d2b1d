// Agents: a child ipcsh (spawn --agent) or one listening over TCP
// (ipcsh --agent-listen, connect-agent) that runs the shell text its parent
// sends. `on P CMD...` prints the child's results, labelled with it; in Lua,
// kid:run("CMD") returns them, handles as records that say which process
// holds them, and a failure in the child raises its error with its pid.
#include "agents/agent.hpp"
#include "async_io.hpp"
#include "core/shapes.hpp"
#include "agents/child_link.hpp"
#include "async_io.hpp"
#include "common.hpp"
#include "session/executor.hpp"
#include "session/format.hpp"

#include <map>

namespace ipcsh {
namespace {

void forget_closed_requests(Session& s);

// The agent behind P, or a usage error saying why there is none.
ChildLink& agent_of(Session& s, const HandleRef& p) {
  forget_closed_requests(s);
  if (!p->link || !p->link->agent())
    throw UsageError(fmt::format("P: {} is not an agent (start one with spawn --agent, or connect-agent)",
                                 p->pid ? "pid " + std::to_string(p->pid) : p->value_text()),
                     1);
  if (p->suspended)
    throw UsageError(fmt::format("P: pid {} is suspended and cannot answer; resume it first", p->pid), 1);
  return *p->link;
}

// The child's results as this shell shows them: laid out here, at this
// console's width less the label, each line labelled with the child.
void show_results(const Fit& fit, ChildLink& agent, const ChildLink::Results& got) {
  std::string label = "[" + agent.label() + "] ";
  Fit narrower = fit;
  // (one column spare: a line exactly as wide as the console wraps there)
  if (fit.width > 0) narrower.width = std::max(20, fit.width - static_cast<int>(label.size()) - 1);
  std::string lines;
  for (std::size_t i = 0; i < got.values.size(); ++i) {
    CommandText command;
    command.assign_to = got.assigned[i];
    std::string text = result_text(command, got.values[i], narrower);
    if (!text.empty()) lines += (lines.empty() ? "" : "\n") + text;
  }
  // Broken between words here, so every line of it gets the label.
  std::size_t column = 0;
  if (narrower.width > 0) lines = wrap_text(lines, static_cast<std::size_t>(narrower.width), column);
  if (!lines.empty()) agent.show(lines);
}

// What `on` returns for the child's results (Lua: its values as ipc.run
// there returns them; the shell: printed, labelled).
Value shown(Session& s, const Args& a, const HandleRef& p, ChildLink& agent, ChildLink::Results got) {
  if (auto code = agent.exit_code(); code && got.values.empty()) {
    // `exit N` ran there: the child is leaving; its handles close with it.
    if (p->handle() && !p->closed()) win::wait({p->handle()}, false, 5000, s.between(), false);
    return report(shape::agent_exited, {agent.label(), static_cast<std::int64_t>(*code)}, {field::agent, field::code});
  }
  // Lua gets exactly what ipc.run of the same text returns there: one
  // command's result whole (every value), one value per command for several.
  if (!a.from_shell) return lua_values(std::move(got.values));
  show_results(s.output->fit, agent, got);
  if (got.values.empty()) return {};
  return Result{std::string(shape::remote), std::move(got.values), {}, Result::all};
}

// A request started with --async (session.children.async_requests) whose handle
// was closed before `result` no longer holds its agent: its answer is
// discarded when it comes.
void forget_closed_requests(Session& s) {
  for (auto it = s.children.async_requests.begin(); it != s.children.async_requests.end();) {
    auto req = it->second.request.lock();
    if (req && !req->closed()) {
      ++it;
      continue;
    }
    if (it->second.agent->link) it->second.agent->link->abandon(it->second.id);
    it = s.children.async_requests.erase(it);
  }
}

Value start_on(Session& s, const HandleRef& p, ChildLink& agent, const std::string& text) {
  HANDLE done = win::create_event({}, true, false, {});
  DWORD error = 0;
  HANDLE copy = win::duplicate_handle(GetCurrentProcess(), done, GetCurrentProcess(), 0, false, DUPLICATE_SAME_ACCESS,
                                      &error);
  if (error) {
    win::close_handle(done);
    throw_error("DuplicateHandle", error);
  }
  std::uint32_t id;
  try {
    id = agent.begin_run(s, text, copy);
  } catch (...) {
    win::close_handle(done);
    throw;
  }
  auto req = s.add(Kind::event, done);
  req->role = fmt::format("(request {} to {}: signaled when answered; result takes it)", id, agent.label());
  s.children.async_requests[req.get()] = {req, p, id};
  return req;
}

Value on(Session& s, const Args& a) {
  auto p = a.handle("P");
  ChildLink& agent = agent_of(s, p);
  std::string text = expand_own_values(s, a.string("CMD"));
  if (a.flag("async")) return start_on(s, p, agent, text);
  return shown(s, a, p, agent, agent.run(s, text, a.timeout("timeout", INFINITE)));
}

Value agent_start(Session& s, const Args& a) {
  auto p = a.handle("P");
  return start_on(s, p, agent_of(s, p), expand_own_values(s, a.string("CMD")));
}

Value result_command(Session& s, const Args& a) {
  auto req = a.handle("REQ");
  if (req->kind == Kind::io) return async_result(*req);
  auto it = s.children.async_requests.find(req.get());
  if (it == s.children.async_requests.end() || it->second.request.lock() != req)
    throw UsageError("REQ: not a request started with on --async (Lua: kid:start(CMD))", 1);
  Session::Children::AsyncRequest what = it->second;
  ChildLink& agent = agent_of(s, what.agent);
  ChildLink::Results got = agent.collect(s, what.id, a.timeout("timeout", INFINITE));
  return shown(s, a, what.agent, agent, std::move(got));
}

Value connect_agent_command(Session& s, const Args& a) {
  if (!a.has("token")) throw UsageError("--token T: the token the agent printed when it started is required");
  std::string host = a.string("HOST");
  auto port = static_cast<std::uint16_t>(a.integer("PORT"));
  ConnectedAgent agent = connect_agent(host, port, a.string("token"), a.timeout("timeout", 10000));
  auto link = ChildLink::start(s.output, ChildLink::Mode::agent, agent.stream, false, agent.pid);
  // On this computer the agent is a process we can hold (wait, kill, its
  // handle table) - once it has shown it is the process it says (a peer
  // may give any pid); elsewhere an event stands in, set when the channel
  // ends.
  HANDLE process = nullptr;
  bool unproven = false;
  if (agent.computer == computer_name()) {
    process = win::open_process(agent.pid, SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_QUERY_INFORMATION |
                                               PROCESS_DUP_HANDLE | PROCESS_TERMINATE);
    if (process && !link->proves_process(s, process)) {
      win::close_handle(process);
      process = nullptr;
      unproven = true;
    }
  }
  bool stand_in = !process;
  if (stand_in) process = win::create_event({}, true, false, {});
  auto ref = s.add(Kind::process, process,
                   fmt::format("ipcsh agent at {}:{}{}", host, port, stand_in ? " on " + agent.computer : ""));
  ref->pid = agent.pid;
  ref->link = std::move(link);
  ref->stand_in = stand_in;
  if (stand_in) {
    DWORD error = 0;
    HANDLE copy = win::duplicate_handle(GetCurrentProcess(), process, GetCurrentProcess(), 0, false,
                                        DUPLICATE_SAME_ACCESS, &error);
    if (!error) ref->link->signal_at_end(copy);
    ref->role = unproven ? fmt::format("(says it is pid {} here but could not show it: treated as remote; wait "
                                       "returns when the channel ends)",
                                       agent.pid)
                         : "(remote: wait returns when the channel ends)";
  }
  return ref;
}


const CommandRegistration registration{
    {.name = "on",
     .family = "process",
     .summary =
         "run shell text inside an agent child and print its results, labelled (Lua: kid:run(CMD)); $x in CMD is the "
         "child's variable, $^x this shell's value put into the text",
     .params = {{.name = "P", .type = ArgType::handle, .kinds = process_only}, {.name = "CMD", .type = ArgType::text}},
     .flags =
         {{.name = "timeout",
           .type = ArgType::timeout,
           .value_name = "MS|forever",
           .help =
               "no answer within MS: interrupt the request there (as Ctrl+C does) and fail with WAIT_TIMEOUT (default "
               "forever); in the shell flags come before CMD: on $k --timeout 500 CMD..."},
          {.name = "async",
           .type = ArgType::boolean,
           .help = "return at once a request (an event, signaled when answered) for wait and result"}},
     .handler = on,
     .method = "run",
     .c_export = CExport::agent,
     .returns = {.values = {{.name = "...", .type = LuaType::any, .about = "what the commands returned there, as ipc.run there returns them (a handle there: an ipcsh.remote_handle table)"}},
                 .note = "With `--async`: an event handle (the request), signaled when the answer is there; `result` takes it"}},
    {.name = "agent-start",
     .family = "process",
     .summary = "start CMD in an agent and return at once a request for wait and result (kid:start)",
     .params = {{.name = "P", .type = ArgType::handle, .kinds = process_only}, {.name = "CMD", .type = ArgType::text}},
     .handler = agent_start,
     .lua_only = true,
     .method = "start",
     .returns = {.values = {{.name = "request", .type = LuaType::handle, .kind = Kind::event, .about = "signaled when the answer is there; `result` takes it"}}}},
    {.name = "result",
     .family = "process",
     .summary =
         "the results of a request started with on --async (kid:start): what on would have returned, or its error; "
         "of an io started with --async: pending, status, bytes, data",
     .params = {{.name = "REQ", .type = ArgType::handle, .kinds = {Kind::event, Kind::io}}},
     .flags = {{.name = "timeout",
                .type = ArgType::timeout,
                .value_name = "MS|forever",
                .help = "no answer within MS: interrupt it there, fail with WAIT_TIMEOUT"}},
     .handler = result_command,
     .method = "result",
     .returns = {.values = {{.name = "...", .type = LuaType::any, .about = "what `on` would have returned"}}}},
    {.name = "connect-agent",
     .family = "process",
     .summary = "connect to `ipcsh --agent-listen` over TCP; use it with on/run like a child",
     .params = {{.name = "HOST", .type = ArgType::name},
                {.name = "PORT", .type = ArgType::integer, .range = {1, 65535}}},
     .flags = {{.name = "token",
                .type = ArgType::name,
                .value_name = "T",
                .help = "the token the agent printed when it started"},
               {.name = "timeout",
                .type = ArgType::timeout,
                .value_name = "MS",
                .help = "give up connecting after MS (default 10000)"}},
     .handler = connect_agent_command,
     .c_export = CExport::agent,
     .returns = {.values = {{.name = "agent", .type = LuaType::handle, .kind = Kind::process, .about = "the agent's process (or, when it cannot be held, an event standing in for it), for `on`/`run`"}}}},
};

}  // namespace
}  // namespace ipcsh
