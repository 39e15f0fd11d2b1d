#include "child_link.hpp"

#include <fmt/format.h>

#include <cstring>

#include "console/console.hpp"
#include "core/error.hpp"
#include "core/text.hpp"
#include "session/format.hpp"
#include "session/handle.hpp"
#include "session/session.hpp"
#include "win32/win32.hpp"
#include "win32/win32_api.hpp"

namespace ipcsh {
namespace {

constexpr DWORD connect_limit_ms = 30000;  // an agent that never connects
constexpr DWORD answer_after_ctrl_c_ms = 3000;
constexpr DWORD reader_end_ms = 1000;  // a reader whose channel has ended

}  // namespace

PrivatePipe make_private_pipe(bool duplex) {
  // Only this shell and the child it names the pipe to know the name; one
  // instance, no remote clients, not inheritable.
  std::string name = fmt::format("\\\\.\\pipe\\ipcsh-{}-{}", GetCurrentProcessId(), random_hex(12));
  // A DACL for this user only, so no other account's process can open it
  // (FILE_FLAG_FIRST_PIPE_INSTANCE: nor create it first).
  return {name, win::create_private_pipe(name, duplex)};
}

HANDLE open_child_end(const PrivatePipe& pipe) {
  win::OwnScope own;
  try {
    return win::create_file(pipe.name, GENERIC_WRITE, 0, true, OPEN_EXISTING, 0);
  } catch (const Win32Error&) {
    return nullptr;
  }
}

ChildLink::ChildLink(std::shared_ptr<Output> output, Mode mode, std::shared_ptr<Stream> stream, bool connect_first,
                     DWORD pid, bool check_client)
    : output_(std::move(output)),
      mode_(mode), stream_(std::move(stream)), connect_first_(connect_first), pid_(pid), check_client_(check_client),
      changed_(CreateEventW(nullptr, FALSE, FALSE, nullptr)) {}

std::shared_ptr<ChildLink> ChildLink::start(std::shared_ptr<Output> output, Mode mode, std::shared_ptr<Stream> stream,
                                            bool connect_first, DWORD pid, bool check_client) {
  auto link = std::make_shared<ChildLink>(std::move(output), mode, std::move(stream), connect_first, pid, check_client);
  // The thread holds the link until the channel ends; its handle is ours
  // (a detached std::thread's is not), so close() can wait for it.
  auto* keep = new std::shared_ptr<ChildLink>(link);
  HANDLE thread = CreateThread(nullptr, 0, [](void* p) -> DWORD {
    std::shared_ptr<ChildLink> self = std::move(*static_cast<std::shared_ptr<ChildLink>*>(p));
    delete static_cast<std::shared_ptr<ChildLink>*>(p);
    self->read_loop();
    return 0;
  }, keep, 0, nullptr);
  if (!thread) {
    delete keep;
    throw_last_error("CreateThread");
  }
  link->thread_.reset(thread);
  return link;
}

void end_link(ChildLink& link) { link.close(); }
void name_link(ChildLink& link, std::string name) { link.set_name(std::move(name)); }

void ChildLink::set_name(std::string name) {
  std::lock_guard lock(lock_);
  name_ = std::move(name);
}

std::string ChildLink::label() const {
  std::lock_guard lock(lock_);
  return label_locked();
}

std::string ChildLink::label_locked() const { return fmt::format("{} {}", name_.empty() ? "pid" : name_, pid_); }

void ChildLink::print(int stream, std::string_view text) {
  std::string& partial = partial_[stream == 2 ? 2 : 1];
  partial += text;
  std::string out;
  std::size_t start = 0;
  bool colour = output_->fit.colour;
  std::string label = "[" + label_locked() + "]";
  if (colour) label = "\x1b[36m" + label + "\x1b[0m";
  for (std::size_t end; (end = partial.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string_view line(partial.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (colour && stream == 2) out += fmt::format("{} \x1b[31m{}\x1b[0m\n", label, line);
    else out += fmt::format("{} {}\n", label, line);
  }
  partial.erase(0, start);
  if (!out.empty()) write_async(*output_, out);
}

void ChildLink::read_loop() {
  bool connected = !connect_first_ || stream_->accept(check_client_ ? pid_ : 0, [this](DWORD intruder) {
    std::lock_guard lock(lock_);
    print(2, fmt::format("refused a process ({}) that opened this agent's private pipe first; still waiting for the "
                         "agent\n",
                         intruder ? fmt::format("pid {}", intruder) : std::string("pid unknown")));
  });
  {
    std::lock_guard lock(lock_);
    connected_ = connected;
    ended_ = !connected;
  }
  SetEvent(changed_.get());
  if (!connected) return;
  if (mode_ == Mode::text) {
    char buffer[4096];
    for (;;) {
      std::size_t got = 0;
      if (!stream_->read_some(buffer, sizeof buffer, got)) break;
      std::lock_guard lock(lock_);
      print(1, std::string_view(buffer, got));
    }
  } else {
    while (auto frame = stream_->receive()) {
      try {
        WireReader r(*frame);
        std::lock_guard lock(lock_);
        switch (r.type()) {
          case Frame::output: {
            int stream = static_cast<int>(r.u32());
            print(stream, r.str());
            break;
          }
          case Frame::values: case Frame::failure: {
            std::uint32_t id = r.u32();  // every answer starts with its request's id
            if (pending_ && id == pending_ && pending_done_) SetEvent(pending_done_.get());
            replies_.push_back(std::move(*frame));
            break;
          }
          case Frame::exited: exit_code_ = static_cast<int>(r.u32()); break;
          default: break;  // hello, and what a newer child may send
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(lock_);
        broken_ = e.what();  // not our protocol: end the channel
        break;
      }
      SetEvent(changed_.get());
    }
  }
  std::string fault = stream_->fault();
  stream_->close();  // the channel's handle goes before anyone hears it ended
  std::lock_guard lock(lock_);
  if (broken_.empty()) broken_ = fault;
  for (int s : {1, 2})
    if (!partial_[s].empty()) print(s, "\n");
  ended_ = true;
  if (at_end_) SetEvent(at_end_.get());
  if (pending_done_) SetEvent(pending_done_.get());
  SetEvent(changed_.get());
}

void ChildLink::watch_process(HANDLE process) { process_.reset(process); }

void ChildLink::signal_at_end(HANDLE event) {
  std::lock_guard lock(lock_);
  at_end_.reset(event);
  if (ended_) SetEvent(event);
}

void ChildLink::settle(DWORD ms) {
  ULONGLONG deadline = GetTickCount64() + ms;
  for (;;) {
    {
      std::lock_guard lock(lock_);
      if (ended_) return;
    }
    ULONGLONG now = GetTickCount64();
    if (now >= deadline) return;
    WaitForSingleObject(changed_.get(), static_cast<DWORD>(deadline - now));
  }
}

std::optional<int> ChildLink::exit_code() const {
  std::lock_guard lock(lock_);
  return exit_code_;
}

void ChildLink::close() {
  // A text child goes on printing until it exits; an agent's channel ends,
  // and the agent with it.
  bool ending;
  {
    std::lock_guard lock(lock_);
    ending = mode_ == Mode::agent || !connected_ || ended_;
    if (mode_ == Mode::agent || !connected_) stream_->close();
  }
  if (ending) WaitForSingleObject(thread_.get(), reader_end_ms);
}

std::string ChildLink::request(Session& session, WireWriter* frame, std::uint32_t id, DWORD timeout_ms,
                               bool send_only) {
  {
    std::lock_guard lock(lock_);
    if (frame && pending_)
      throw Win32Error("agent", ERROR_BUSY,
                       fmt::format("the agent {} is running a request started with --async (one at a time): take "
                                   "its answer with `result` first",
                                   label_locked()));
  }
  // (with lock_ held: label_locked)
  auto gone = [&] { return gone_locked(); };
  // Connected? An agent whose process ended first never will.
  std::vector<HANDLE> waits{changed_.get()};
  if (process_) waits.push_back(process_.get());
  auto process_ended = [&] {
    return process_ && win::wait_now(process_.get()) == WAIT_OBJECT_0;
  };
  const ULONGLONG started = GetTickCount64();
  const ULONGLONG answer_by = timeout_ms == INFINITE ? ~0ULL : started + timeout_ms;
  auto timed_out = [&] {
    return Win32Error("agent", WAIT_TIMEOUT,
                      fmt::format("the agent {} did not answer within {} ms; its request was interrupted", label(),
                                  timeout_ms));
  };
  ULONGLONG deadline = started + connect_limit_ms;
  for (; frame;) {
    {
      std::lock_guard lock(lock_);
      if (connected_) break;
      if (ended_) throw gone();
    }
    if (process_ended())
      throw Win32Error("agent", ERROR_PIPE_NOT_CONNECTED,
                       fmt::format("the agent {} ended (exit code {}) before it connected", label(),
                                   win::get_exit_code(process_.get())));
    if (GetTickCount64() >= answer_by)
      throw Win32Error("agent", WAIT_TIMEOUT,
                       fmt::format("the agent {} did not connect within {} ms", label(), timeout_ms));
    if (GetTickCount64() >= deadline)
      throw Win32Error("agent", ERROR_PIPE_NOT_CONNECTED,
                       fmt::format("the agent {} did not connect within {} s", label(), connect_limit_ms / 1000));
    win::wait(waits, false, 200, session.between(), false);
  }
  if (frame && !stream_->send(frame->bytes())) {
    std::lock_guard lock(lock_);
    throw gone();
  }
  if (send_only) return {};
  bool ctrl_c_sent = false;
  ULONGLONG give_up = 0;
  // Once the process has ended, the reader gets what it sent last and the
  // channel's end within moments; waiting on the process no more.
  ULONGLONG drained_by = 0;
  for (;;) {
    {
      std::lock_guard lock(lock_);
      while (!replies_.empty()) {
        std::string reply = std::move(replies_.front());
        replies_.pop_front();
        WireReader r(reply);
        if (r.u32() == id) return reply;  // older ones answer requests given up on
      }
      if (exit_code_ || ended_) {
        if (exit_code_) return {};  // `exit N` ran: no answer but the exit
        throw gone();
      }
    }
    if (ctrl_c_sent && GetTickCount64() >= give_up) throw Interrupted();
    if (!ctrl_c_sent && GetTickCount64() >= answer_by) {
      // Stop the agent's request, as Ctrl+C would; its late answer (this
      // id) is discarded by the next request.
      WireWriter stop(Frame::interrupt);
      stop.u32(id);
      stream_->send(stop.bytes());
      throw timed_out();
    }
    if (!drained_by && process_ended()) {
      drained_by = GetTickCount64() + reader_end_ms;
      waits.resize(1);
    }
    if (drained_by && GetTickCount64() >= drained_by) {
      std::lock_guard lock(lock_);
      throw gone();
    }
    try {
      ULONGLONG now = GetTickCount64();
      DWORD step = answer_by > now && answer_by - now < 200 ? static_cast<DWORD>(answer_by - now) : 200;
      win::wait(waits, false, step, session.between(), false);
    } catch (const Interrupted&) {
      if (ctrl_c_sent) throw;
      // The child's own Ctrl+C for this request; its answer says the rest.
      WireWriter ctrl_c(Frame::interrupt);
      ctrl_c.u32(id);
      stream_->send(ctrl_c.bytes());
      ctrl_c_sent = true;
      give_up = GetTickCount64() + answer_after_ctrl_c_ms;
    }
  }
}

namespace {

// The child's answer: its values, or its error thrown here.
ChildLink::Results decode(const std::string& reply, const std::string& label, DWORD pid) {
  WireReader r(reply);
  r.u32();  // the id
  if (r.type() == Frame::failure) {
    RemoteFailure f = read_failure(r);
    throw RemoteError(label, pid, f.code, f.name, f.api, f.message, f.line, f.note);
  }
  ChildLink::Results out;
  for (std::uint32_t i = 0, n = r.u32(); i < n; ++i) out.values.push_back(r.value(pid));
  if (!r.at_end())
    for (std::uint32_t i = 0, n = r.u32(); i < n; ++i) out.assigned.push_back(r.str());
  if (out.assigned.size() > out.values.size())
    throw ProtocolError(fmt::format("{} variable names for {} values", out.assigned.size(), out.values.size()));
  out.assigned.resize(out.values.size());
  return out;
}

}  // namespace

Win32Error ChildLink::gone_locked() const {
  if (!broken_.empty())
    return Win32Error("agent", ERROR_INVALID_DATA,
                      fmt::format("the agent {} broke the agent protocol ({}): its channel was closed", label_locked(),
                                  broken_));
  std::string how;
  if (process_ && win::wait_now(process_.get()) == WAIT_OBJECT_0)
    how = fmt::format(" (exit code {})", win::get_exit_code(process_.get()));
  return Win32Error("agent", ERROR_BROKEN_PIPE, fmt::format("the agent {} has ended{}", label_locked(), how));
}

ChildLink::Results ChildLink::answer(const std::string& reply) {
  try {
    return decode(reply, label(), pid_);
  } catch (const ProtocolError& e) {
    // A peer that answers with what no command returns is not believed
    // again: the channel ends (and a local agent with it).
    {
      std::lock_guard lock(lock_);
      broken_ = e.what();
    }
    stream_->close();
    std::lock_guard lock(lock_);
    throw gone_locked();
  }
}


ChildLink::Results ChildLink::run(Session& session, std::string_view text, DWORD timeout_ms) {
  std::uint32_t id = next_id_++;
  WireWriter frame(Frame::run);
  frame.u32(id).str(text);
  std::string reply = request(session, &frame, id, timeout_ms);
  if (reply.empty()) return {};
  return answer(reply);
}

std::uint32_t ChildLink::begin_run(Session& session, std::string_view text, HANDLE done) {
  std::uint32_t id = next_id_++;
  WireWriter frame(Frame::run);
  frame.u32(id).str(text);
  try {
    request(session, &frame, id, INFINITE, true);
  } catch (...) {
    win::close_handle(done);
    throw;
  }
  std::lock_guard lock(lock_);
  pending_ = id;
  pending_done_.reset(done);
  for (const auto& reply : replies_) {  // answered already
    WireReader peek(reply);
    if (peek.u32() == id) SetEvent(done);
  }
  if (ended_ || exit_code_) SetEvent(done);
  return id;
}

void ChildLink::abandon(std::uint32_t id) {
  std::lock_guard lock(lock_);
  if (pending_ == id) pending_ = 0, pending_done_.reset();
}

ChildLink::Results ChildLink::collect(Session& session, std::uint32_t id, DWORD timeout_ms) {
  {
    std::lock_guard lock(lock_);
    if (pending_ != id)
      throw Win32Error("agent", ERROR_INVALID_PARAMETER,
                       fmt::format("this request's answer was already taken (the agent {})", label_locked()));
  }
  std::string reply;
  try {
    reply = request(session, nullptr, id, timeout_ms);
  } catch (const Win32Error& e) {
    if (e.code() == WAIT_TIMEOUT) throw;  // interrupted there; still this request's to collect
    std::lock_guard lock(lock_);
    pending_ = 0;
    throw;
  } catch (...) {
    std::lock_guard lock(lock_);
    pending_ = 0;
    throw;
  }
  {
    std::lock_guard lock(lock_);
    pending_ = 0;
  }
  if (reply.empty()) return {};
  return answer(reply);
}

void ChildLink::show(std::string_view lines) {
  std::lock_guard lock(lock_);
  print(1, std::string(lines) + "\n");
}

Value ChildLink::bind(Session& session, std::string_view name, std::int64_t value, std::string_view kind,
                      std::string_view role, std::string_view object_name) {
  std::uint32_t id = next_id_++;
  WireWriter frame(Frame::bind);
  frame.u32(id).str(name).i64(value).str(kind).str(role).str(object_name);
  std::string reply = request(session, &frame, id, question_ms);
  if (reply.empty()) throw Win32Error("agent", ERROR_BROKEN_PIPE, fmt::format("the agent {} has exited", label()));
  auto values = answer(reply).values;
  return values.empty() ? Value() : values.front();
}

bool ChildLink::proves_process(Session& session, HANDLE process) {
  constexpr DWORD answer_ms = 5000;
  std::string nonce = random_hex(proof_bytes / 2);
  UniqueHandle mapping(win::create_file_mapping({}, PAGE_READWRITE, proof_bytes, {}));
  void* view = win::map_view(mapping.get(), FILE_MAP_WRITE, 0, proof_bytes);
  std::memcpy(view, nonce.data(), proof_bytes);
  win::unmap_view(view);
  DWORD error = 0;
  HANDLE there = win::duplicate_handle(GetCurrentProcess(), mapping.get(), process, FILE_MAP_READ, false, 0, &error);
  if (error) return false;
  std::uint32_t id = next_id_++;
  WireWriter frame(Frame::prove);
  frame.u32(id).i64(static_cast<std::int64_t>(reinterpret_cast<std::intptr_t>(there)));
  bool shown = false;
  try {
    std::string reply = request(session, &frame, id, answer_ms);
    auto values = reply.empty() ? std::vector<Value>{} : answer(reply).values;
    auto bytes = values.size() == 1 ? values[0].as<Bytes>() : nullptr;
    shown = bytes && bytes->data == nonce;
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception&) {
  }
  // The agent closes its copy when it reads it; anyone else's is taken back.
  if (!shown) win::duplicate_handle(process, there, nullptr, 0, false, DUPLICATE_CLOSE_SOURCE, &error);
  return shown;
}

std::vector<Value> ChildLink::user_handles(Session& session, DWORD timeout_ms) {
  std::uint32_t id = next_id_++;
  WireWriter frame(Frame::user_handles);
  frame.u32(id);
  std::string reply = request(session, &frame, id, timeout_ms);
  if (reply.empty()) return {};
  return answer(reply).values;
}

}  // namespace ipcsh
