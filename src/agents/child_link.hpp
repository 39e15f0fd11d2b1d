// The parent's side of a child it started: the child's output, read by a
// thread of its own and printed labelled ("[kid 264] sent 5 bytes") so it
// never lands inside the prompt; and, for an agent child, the channel that
// runs commands inside it (agent_wire.hpp). The link is the runtime's own:
// its pipe is never inherited and holds no handle to the user's objects.
#pragma once
#include <windows.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agent_wire.hpp"
#include "core/error.hpp"
#include "core/value.hpp"
#include "session/output.hpp"
#include "win32/unique_handle.hpp"

namespace ipcsh {

class Session;

// A named pipe only we and the child we name it to know; the parent's end.
struct PrivatePipe {
  std::string name;  // \\.\pipe\ipcsh-<pid>-<random>
  HANDLE server;     // overlapped, not inheritable
};
PrivatePipe make_private_pipe(bool duplex);
// The other end, for a program that is no ipcsh: write-only and
// inheritable, to be its stdout and stderr; nullptr if it cannot be opened.
HANDLE open_child_end(const PrivatePipe& pipe);

class ChildLink : public std::enable_shared_from_this<ChildLink> {
 public:
  enum class Mode { text, agent };
  // `stream` is connected, or a pipe server the child will connect to
  // (`connect_first`; the client must be process `pid` when
  // `check_client`: a child that is no ipcsh gets an end we opened). The
  // reader thread keeps the link alive until the channel ends, so a child's
  // last lines still print after its handle closed, through `output` (the
  // session's, shared: it may outlive the session).
  static std::shared_ptr<ChildLink> start(std::shared_ptr<Output> output, Mode mode, std::shared_ptr<Stream> stream,
                                          bool connect_first, DWORD pid, bool check_client = true);
  ChildLink(std::shared_ptr<Output> output, Mode mode, std::shared_ptr<Stream> stream, bool connect_first, DWORD pid,
            bool check_client);
  ChildLink(const ChildLink&) = delete;
  ChildLink& operator=(const ChildLink&) = delete;

  bool agent() const { return mode_ == Mode::agent; }
  DWORD pid() const { return pid_; }
  // The label's name: the variable the parent holds the child in.
  void set_name(std::string name);
  std::string label() const;  // "kid 264", or "pid 264"

  // Text children: after the child exited, wait up to `ms` for its last
  // lines to be printed.
  void settle(DWORD ms);

  // Agents. Each waits for the child to connect and to answer, with
  // Ctrl+C: the first sends the child a Ctrl+C of its own, a second
  // (or no answer in 3 s) gives up waiting. A failure in the child throws
  // RemoteError; a child that has gone throws Win32Error.
  // What one run returned: each command's result (nil ones left out), and
  // the variable it was stored in there ('x = ...'), or "".
  struct Results {
    std::vector<Value> values;
    std::vector<std::string> assigned;
  };
  // `timeout_ms`: no answer by then sends the agent the interrupt frame
  // (as Ctrl+C does), so it is usable again, and throws WAIT_TIMEOUT; its
  // late answer is discarded (it carries the old request's id).
  Results run(Session& session, std::string_view text, DWORD timeout_ms = INFINITE);
  // on --async: sends `text` and returns its request id at once; `done`
  // (owned here: a copy of the caller's event) is set when the answer
  // arrives or the channel ends. One at a time: another request before
  // collect() is refused. collect() waits up to `timeout_ms` for it and
  // returns what run() would have (or throws what run() would have).
  std::uint32_t begin_run(Session& session, std::string_view text, HANDLE done);
  Results collect(Session& session, std::uint32_t id, DWORD timeout_ms);
  // Its request handle was closed untaken: its answer will be discarded.
  void abandon(std::uint32_t id);
  // Lines printed labelled with the child, as its own output is.
  void show(std::string_view lines);
  // bind and user_handles are the runtime's own questions: an agent that
  // does not answer within `timeout_ms` fails them with WAIT_TIMEOUT.
  static constexpr DWORD question_ms = 10000;
  Value bind(Session& session, std::string_view name, std::int64_t value, std::string_view kind,
             std::string_view role, std::string_view object_name);
  // Whether the agent is `process` (one on this computer whose pid it
  // gave): a mapping holding a nonce is put into that process and the
  // agent must read it back through its handle there. A peer that cannot
  // (another process, another user, an older agent) answers false.
  bool proves_process(Session& session, HANDLE process);
  // The handles the agent's user holds: records of value, kind, role, var.
  std::vector<Value> user_handles(Session& session, DWORD timeout_ms = question_ms);
  std::optional<int> exit_code() const;  // once the agent said it is leaving

  // An event (owned) set when the channel ends: a remote agent's stand-in.
  void signal_at_end(HANDLE event);
  // The child's process (a handle of the link's own, owned): a request
  // waits on it too, so an agent that ended before it connected, or
  // whose channel outlives it, is reported at once.
  void watch_process(HANDLE process);

  // The parent closed the child's handle: the channel ends, and so does an
  // agent. When the reader has nothing more to read, close waits (briefly)
  // for its thread to end, so the runtime's handles go with the user's.
  void close();

 private:
  void read_loop();
  std::string label_locked() const;  // with lock_ held
  // The error for a channel that has ended (with lock_ held): the peer
  // broke the protocol, or it has gone.
  Win32Error gone_locked() const;
  // A reply decoded; one that breaks the protocol ends the channel.
  Results answer(const std::string& reply);
  void print(int stream, std::string_view text);
  // `frame` nullptr: only wait for the answer to `id` (sent before);
  // `send_only`: return "" once the frame is sent.
  std::string request(Session& session, WireWriter* frame, std::uint32_t id, DWORD timeout_ms = INFINITE,
                      bool send_only = false);

  std::shared_ptr<Output> output_;
  Mode mode_;
  std::shared_ptr<Stream> stream_;
  bool connect_first_;
  DWORD pid_;
  bool check_client_;

  mutable std::mutex lock_;
  std::string name_;
  std::string partial_[3];               // an unfinished line per stream
  bool connected_ = false, ended_ = false;
  std::optional<int> exit_code_;
  std::string broken_;                   // how the peer broke the protocol
  std::deque<std::string> replies_;      // values / failure frames
  UniqueHandle changed_;                 // set when any of the above changes
  UniqueHandle at_end_;
  UniqueHandle process_;                 // the child, when on this computer
  UniqueHandle thread_;                  // the reader
  std::uint32_t next_id_ = 1;
  std::uint32_t pending_ = 0;            // begin_run's request, not yet collected
  UniqueHandle pending_done_;
};

}  // namespace ipcsh
