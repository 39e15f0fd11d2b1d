// The agent channel: how a parent and an agent child (spawn --agent, or
// ipcsh --agent-listen over TCP) talk. A byte stream - a named pipe or a
// socket - carries frames: a 4-byte little-endian length, then a type byte
// and its fields. Values travel as data; a handle becomes a record that
// says which process holds it.
#pragma once
#include <windows.h>
#include <winsock2.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"

namespace ipcsh {

// Frame types. Parent -> child: run, interrupt, bind, user_handles, prove.
// Child -> parent: hello, output, values, failure, exited.
enum class Frame : char {
  hello = 'H',         // pid
  run = 'R',           // id, shell text
  interrupt = 'I',     // id: Ctrl+C for that request
  bind = 'B',          // id, variable name, value, kind, role, object name
  user_handles = 'U',  // id: the values of the handles the child's user holds
  prove = 'P',         // id, a handle value: a mapping the parent put into the agent's process; the agent
                       // answers with its first bytes, which shows it is that process
  output = 'O',        // stream (1 out, 2 err), text
  values = 'V',        // id, the results; for a run, then each one's variable ('x = ...')
  failure = 'F',       // id, the error (see RemoteFailure)
  exited = 'E',        // exit code: the child leaves after this frame
};

// A connected byte stream. Reads block (a reader thread does them); close()
// from another thread makes a blocked read return false.
class Stream {
 public:
  virtual ~Stream() = default;
  virtual bool read_some(char* data, std::size_t n, std::size_t& got) = 0;  // false at the end
  bool read_exact(char* data, std::size_t n);
  virtual bool write_all(std::string_view data) = 0;
  virtual void close() = 0;
  // Waits (up to `ms`) until the other side has read all that was sent: the
  // last frame before this process exits is not lost with it.
  virtual void drain(DWORD ms) { (void)ms; }
  // A pipe server: waits for its client, process `pid` (0: any); close()
  // stops the wait. Another process that opens the pipe first is
  // disconnected at once, handed to `refused` (its pid, 0 if unknown), and
  // the wait goes on. False if the wait was stopped.
  virtual bool accept(DWORD pid, const std::function<void(DWORD)>& refused) {
    (void)pid, (void)refused;
    return true;
  }
  // One frame out (whole, under a lock: several threads may send); one in,
  // of at most `most` bytes (a longer declared length ends the channel at
  // once; the frame's memory grows as its bytes arrive, not as declared).
  bool send(std::string_view frame);
  std::optional<std::string> receive(std::uint32_t most = most_frame);
  static constexpr std::uint32_t most_frame = 64u << 20;  // a 60 MB message still fits
  // Why receive() ended the channel when the peer broke the framing (a
  // zero or oversized length); "" when the stream simply ended.
  std::string fault() const;
 private:
  std::mutex send_lock_;
  mutable std::mutex fault_lock_;
  std::string fault_;
};
// `pipe`: a named pipe end opened with FILE_FLAG_OVERLAPPED; owned.
std::unique_ptr<Stream> pipe_stream(HANDLE pipe);
// Random bytes as hex, for private pipe names and agent tokens.
std::string random_hex(std::size_t bytes);
// A connected socket; owned.
std::unique_ptr<Stream> socket_stream(SOCKET socket);

// The bytes a `prove` frame's mapping holds (a random nonce).
constexpr std::size_t proof_bytes = 32;

// Builds a frame's fields.
class WireWriter {
 public:
  explicit WireWriter(Frame type) { out_ += static_cast<char>(type); }
  WireWriter& u32(std::uint32_t v);
  WireWriter& i64(std::int64_t v);
  WireWriter& str(std::string_view s);
  WireWriter& value(const Value& v);
  const std::string& bytes() const { return out_; }
 private:
  std::string out_;
};

// A peer broke the protocol: a frame too short, a value that makes no sense.
struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads a frame's fields; a malformed frame throws ProtocolError. Values are
// checked as they are read, so what comes out is as well-formed as what a
// command here returns (a result has a value per name, a table a cell per
// column), whatever the peer sent.
class WireReader {
 public:
  explicit WireReader(std::string_view frame);
  Frame type() const { return type_; }
  std::uint32_t u32();
  std::int64_t i64();
  std::string str();
  bool at_end() const { return in_.empty(); }
  // `pid`: the process the values come from (handles in them live there).
  Value value(std::uint32_t pid, int depth = 0);
 private:
  std::string_view in_;
  Frame type_;
};

// A handle that lives in another process, as the parent sees it: a record
// with kind, value, name, role, pid and remote = true.
// `line`: how the holder describes it ("event 0x50 auto-reset (inherit: no)").
Value remote_handle(std::int64_t value, std::string kind, std::string name, std::string role, std::uint32_t pid,
                    std::string line = {});

// The error a child's command failed with, as it travels.
struct RemoteFailure {
  std::optional<std::int64_t> code;  // a Win32 error; none for a usage error
  std::string name, api, message, note, line;
};
void write_failure(WireWriter& w, const std::exception& error);
RemoteFailure read_failure(WireReader& r);

}  // namespace ipcsh
