// Agents: a child ipcsh (spawn --agent) or one listening over TCP
// (ipcsh --agent-listen, connect-agent) that runs the shell text its parent
// sends. `on P CMD...` prints the child's results, labelled with it; in Lua,
// kid:run("CMD") returns them, handles as records that say which process
// holds them, and a failure in the child raises its error with its pid.
#include "../shell/agent.hpp"
#include "../shell/child_link.hpp"
#include "common.hpp"

namespace ipcsh {
namespace {

// The agent behind P, or a usage error saying why there is none.
ChildLink& agent_of(const HandleRef& p) {
  if (!p->link || !p->link->agent())
    throw UsageError(fmt::format("P: {} is not an agent (start one with spawn --agent, or connect-agent)",
                                 p->pid ? "pid " + std::to_string(p->pid) : p->value_text()),
                     1);
  if (p->role == "(suspended)")
    throw UsageError(fmt::format("P: pid {} is suspended and cannot answer; resume it first", p->pid), 1);
  return *p->link;
}

Value on(Session& s, const Args& a) {
  auto p = a.handle("P");
  ChildLink& agent = agent_of(p);
  std::vector<Value> values = agent.run(s, a.string("CMD"), a.from_shell);
  if (auto code = agent.exit_code(); code && values.empty()) {
    // `exit N` ran there: the child is leaving; its handles close with it.
    if (p->handle() && !p->closed()) win::wait({p->handle()}, false, 5000, s.between(), false);
    return report("agent-exited", {agent.label(), static_cast<std::int64_t>(*code)}, {"agent", "code"});
  }
  // The child printed its own results (labelled); Lua gets them as values.
  if (values.empty()) return {};
  return Result{"remote", std::move(values), {}, Result::all};
}

Value connect_agent_command(Session& s, const Args& a) {
  if (!a.has("token")) throw UsageError("--token T: the token the agent printed when it started is required");
  std::string host = a.string("HOST");
  auto port = static_cast<std::uint16_t>(a.integer("PORT"));
  ConnectedAgent agent = connect_agent(host, port, a.string("token"), a.timeout("timeout", 10000));
  // On this computer the agent is a process we can hold (wait, kill, its
  // handle table); elsewhere an event stands in, set when the channel ends.
  HANDLE process = nullptr;
  if (agent.computer == computer_name())
    process = win::open_process(agent.pid, SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_QUERY_INFORMATION |
                                               PROCESS_DUP_HANDLE | PROCESS_TERMINATE);
  bool stand_in = !process;
  if (stand_in) process = win::create_event(false, true, false, {});
  auto ref = s.add(Kind::process, process,
                   fmt::format("ipcsh agent at {}:{}{}", host, port, stand_in ? " on " + agent.computer : ""));
  ref->pid = agent.pid;
  ref->link = ChildLink::start(ChildLink::Mode::agent, agent.stream, false, agent.pid);
  if (stand_in) {
    DWORD error = 0;
    HANDLE copy = win::duplicate_handle(GetCurrentProcess(), process, GetCurrentProcess(), 0, false,
                                        DUPLICATE_SAME_ACCESS, &error);
    if (!error) ref->link->signal_at_end(copy);
    ref->role = "(remote: wait returns when the channel ends)";
  }
  return ref;
}

const KindSet process_only{Kind::process};

const CommandRegistration registration{
    {"on", "process", "run shell text inside an agent child and print its results, labelled (Lua: kid:run(CMD))",
     {{"P", ArgType::handle, process_only}, {"CMD", ArgType::text}}, {}, on, {}, {}, false, "run"},
    {"connect-agent", "process", "connect to `ipcsh --agent-listen` over TCP; use it with on/run like a child",
     {{"HOST", ArgType::name}, {"PORT", ArgType::integer, {}, false, false, {1, 65535}}},
     {{"token", ArgType::name, "T", "the token the agent printed when it started"},
      {"timeout", ArgType::timeout, "MS", "give up connecting after MS (default 10000)"}},
     connect_agent_command},
};

}  // namespace
}  // namespace ipcsh
