// The child's side of what a parent ipcsh set up for it (child_link.hpp):
// where its output goes, the handles it was passed by name, and - as an
// agent - the loop that runs the commands its parent sends.
#pragma once
#include <windows.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/value.hpp"
#include "session/handle.hpp"

namespace ipcsh {

class Session;

// --output-pipe NAME: everything this ipcsh prints goes to the parent,
// which labels it. If the pipe cannot be opened, output stays where it is.
void send_output_to(Session& session, const std::string& pipe_name);

// --bind NAME VALUE KIND ROLE OBJECT (spawn --pass) and dup --to P --as NAME:
// a handle value this process holds, bound to the variable NAME.
HandleRef bind_received(Session& session, const std::string& name, std::int64_t value, std::string_view kind,
                        std::string role, std::string object_name);

// --agent-pipe NAME: runs what the parent sends until it goes; the exit code.
int run_agent_pipe(Session& session, const std::string& pipe_name);
// --agent-listen [ADDR:]PORT: prints the address and a token, serves the one
// parent that presents it over TCP, then exits.
int run_agent_listen(Session& session, const std::string& address);

// connect-agent: the channel to an agent listening over TCP, after the
// token was accepted; the agent's pid and computer name.
class Stream;
struct ConnectedAgent {
  std::shared_ptr<Stream> stream;
  unsigned long pid = 0;
  std::string computer;
};
ConnectedAgent connect_agent(const std::string& host, std::uint16_t port, const std::string& token, DWORD timeout_ms);
std::string computer_name();

}  // namespace ipcsh
