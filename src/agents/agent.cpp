#include "agent.hpp"

#include <winsock2.h>
#include <ws2tcpip.h>

#include <atomic>
#include <cstring>
#include <deque>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <thread>

#include "agent_wire.hpp"
#include "console/console.hpp"
#include "core/command.hpp"
#include "core/error.hpp"
#include "core/syntax.hpp"
#include "core/text.hpp"
#include "session/executor.hpp"
#include "session/format.hpp"
#include "session/session.hpp"
#include "win32/win32.hpp"

namespace ipcsh {

namespace {

// Our end of the parent's private pipe. Busy means another process opened
// it first: the parent turns it away at once, so the pipe is tried again
// (WaitNamedPipe) for a few seconds.
HANDLE open_parent_pipe(const std::string& pipe_name, DWORD access, DWORD flags) {
  constexpr ULONGLONG patience_ms = 10000;
  std::wstring name = to_wide(pipe_name);
  ULONGLONG deadline = GetTickCount64() + patience_ms;
  for (;;) {
    HANDLE pipe = CreateFileW(name.c_str(), access, 0, nullptr, OPEN_EXISTING, flags, nullptr);
    if (pipe != INVALID_HANDLE_VALUE || GetLastError() != ERROR_PIPE_BUSY || GetTickCount64() >= deadline) return pipe;
    WaitNamedPipeW(name.c_str(), 500);
  }
}

}  // namespace

void send_output_to(Session& session, const std::string& pipe_name) {
  HANDLE pipe = open_parent_pipe(pipe_name, GENERIC_WRITE, 0);
  if (pipe == INVALID_HANDLE_VALUE) return;
  set_output_hook(*session.output, [pipe](int, std::string_view text) {
    while (!text.empty()) {
      DWORD written = 0;
      if (!WriteFile(pipe, text.data(), static_cast<DWORD>(text.size()), &written, nullptr) || written == 0) break;
      text.remove_prefix(written);
    }
    return true;
  });
}

HandleRef bind_received(Session& session, const std::string& name, std::int64_t value, std::string_view kind,
                        std::string role, std::string object_name) {
  if (!is_identifier(name)) throw UsageError(fmt::format("'{}' is not a variable name", one_line(name, 40)));
  HANDLE raw = reinterpret_cast<HANDLE>(static_cast<std::intptr_t>(value));
  Kind k = kind_from_name(kind);
  if (k == Kind::other && !kind.empty() && kind != kind_name(Kind::other))
    throw UsageError(fmt::format("{}: '{}' is not a kind of handle", name, one_line(kind, 40)));
  if (k != Kind::window && k != Kind::view && value != -1 && value != -2) {
    // The value must be a handle held here, of the kind declared (the
    // File-type kinds are told apart by name, so any File object will do
    // for one of them).
    win::ObjectFacts facts = win::query_object(raw);
    if (!facts.valid)
      throw Win32Error("bind", ERROR_INVALID_HANDLE,
                       fmt::format("{}: {} is not a handle this process holds", name, format_handle_value(value)));
    Kind held = kind_of(facts);
    auto file_like = [](Kind x) { return x == Kind::file || x == Kind::pipe || x == Kind::mailslot || x == Kind::socket; };
    bool fits = k == Kind::other || held == k || (file_like(k) && facts.type == "File") ||
                (k == Kind::socket && held == Kind::other);
    if (!fits)
      throw Win32Error("bind", ERROR_INVALID_HANDLE,
                       fmt::format("{}: {} is {} here, not {}", name, format_handle_value(value),
                                   held == Kind::other ? "a " + facts.type : std::string(kind_name(held)), kind));
    if (k == Kind::other) k = held;
  }
  auto ref = session.add(k, raw, std::move(object_name));
  ref->end = end_from_word(role);  // the wire's word for what it is ("writer")
  ref->role = std::move(role);
  ref->received = true;
  if (k == Kind::process) {
    // Described from here, where it is held: the sender's "(this process)"
    // is our parent.
    ref->pid = win::get_process_id(raw);
    auto parent = win::parent_process_id(GetCurrentProcess());
    if (ref->pid == GetCurrentProcessId()) ref->name = "(this process)";
    else if (parent && ref->pid == *parent) ref->name = "(parent)";
    else ref->name.clear();
  }
  session.set_var(name, ref);
  return ref;
}

std::string computer_name() {
  wchar_t name[MAX_COMPUTERNAME_LENGTH + 1];
  DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
  return GetComputerNameW(name, &n) ? to_utf8(std::wstring(name, n)) : std::string();
}

namespace {

// What the reader thread hands the loop, shared so the thread may outlive it.
struct Inbox {
  std::mutex lock;
  std::deque<std::string> frames;  // an empty frame: the parent has gone
  UniqueHandle arrived{CreateEventW(nullptr, FALSE, FALSE, nullptr)};
  std::atomic<std::uint32_t> running{0};  // the request being run
};

void reply(Stream& stream, Frame type, std::uint32_t id, const std::vector<Value>& values,
           const std::vector<std::string>& assigned = {}) {
  WireWriter w(type);
  w.u32(id).u32(static_cast<std::uint32_t>(values.size()));
  for (const auto& v : values) w.value(v);
  if (!assigned.empty()) {
    w.u32(static_cast<std::uint32_t>(assigned.size()));
    for (const auto& name : assigned) w.str(name);
  }
  stream.send(w.bytes());
}

int serve(Session& session, std::shared_ptr<Stream> stream) {
  session.output->fit = {0, false};  // the parent shows our lines; nothing is cut here
  auto inbox = std::make_shared<Inbox>();
  Session* owner = &session;
  std::thread([stream, inbox, owner] {
    for (;;) {
      auto frame = stream->receive();
      if (frame && !frame->empty() && static_cast<Frame>((*frame)[0]) == Frame::interrupt) {
        try {
          WireReader r(*frame);
          if (r.u32() == inbox->running.load()) owner->interrupt();
        } catch (const std::exception&) {
        }
        continue;
      }
      std::lock_guard lock(inbox->lock);
      inbox->frames.push_back(frame ? std::move(*frame) : std::string());
      SetEvent(inbox->arrived.get());
      if (!frame) return;
    }
  }).detach();
  set_output_hook(*session.output, [stream](int which, std::string_view text) {
    WireWriter w(Frame::output);
    w.u32(static_cast<std::uint32_t>(which)).str(text);
    stream->send(w.bytes());
    return true;
  });
  struct Unhook {
    Output& output;
    ~Unhook() { set_output_hook(output, nullptr); }
  } unhook{*session.output};
  WireWriter hello(Frame::hello);
  hello.u32(GetCurrentProcessId()).str(computer_name());
  stream->send(hello.bytes());
  for (;;) {
    std::string frame;
    for (;;) {
      {
        std::lock_guard lock(inbox->lock);
        if (!inbox->frames.empty()) {
          frame = std::move(inbox->frames.front());
          inbox->frames.pop_front();
          break;
        }
      }
      // Idle: asleep until a frame or a message for our windows (they
      // answer while we idle); a Ctrl+C for us comes as an interrupt frame.
      if (!win::wait_or_message(inbox->arrived.get())) session.pump_messages();
    }
    if (frame.empty()) return 0;  // the parent closed the channel, or exited
    std::uint32_t id = 0;
    try {
      WireReader r(frame);
      id = r.u32();
      inbox->running = id;
      session.interrupted = false;
      switch (r.type()) {
        case Frame::run: {
          // The results go back as data, each with the variable it was
          // stored in: the parent lays them out at its own width (or
          // hands them to Lua); nothing is printed here.
          std::string text = r.str();
          std::vector<Value> values;
          std::vector<std::string> assigned;
          OriginScope origin(session, "");
          execute_line(session, text, [&](const CommandText& command, const Value& result) {
            if (result.is_nil()) return;
            values.push_back(result);
            assigned.push_back(command.assign_to);
          });
          reply(*stream, Frame::values, id, values, assigned);
          break;
        }
        case Frame::bind: {
          std::string name = r.str();
          std::int64_t value = r.i64();
          std::string kind = r.str(), role = r.str(), object = r.str();
          reply(*stream, Frame::values, id, {bind_received(session, name, value, kind, role, object)});
          break;
        }
        case Frame::user_handles: {
          std::vector<Value> values;
          for (const auto& [value, h] : session.handles()) {
            if (h->closed() || h->pseudo) continue;
            std::string var = session.variable_of(*h);
            Record r;
            r.fields = {{"value", value},
                        {"kind", std::string(kind_name(h->kind))},
                        {"role", h->role},
                        {"end", std::string(end_word(h->end))},
                        {"name", h->name},
                        {"var", var}};
            values.emplace_back(std::move(r));
          }
          reply(*stream, Frame::values, id, values);
          break;
        }
        case Frame::prove: {
          // A mapping the parent duplicated into this process: its nonce
          // read through that handle shows this is the process we said.
          HANDLE mapping = reinterpret_cast<HANDLE>(static_cast<std::intptr_t>(r.i64()));
          if (!win::query_object(mapping).valid || win::query_object(mapping).type != "Section")
            throw Win32Error("prove", ERROR_INVALID_HANDLE, "not a mapping this process holds");
          std::string nonce(proof_bytes, '\0');
          void* view = win::map_view(mapping, FILE_MAP_READ, 0, proof_bytes);
          std::memcpy(nonce.data(), view, proof_bytes);
          win::unmap_view(view);
          win::close_handle(mapping);  // the runtime's, put here for this
          reply(*stream, Frame::values, id, {Bytes{std::move(nonce)}});
          break;
        }
        default: throw std::runtime_error("agent: an unknown request");
      }
    } catch (const ExitRequest& e) {
      WireWriter w(Frame::exited);
      w.u32(static_cast<std::uint32_t>(e.code));
      stream->send(w.bytes());
      stream->drain(2000);  // the parent reads `exited` before the channel ends with this process
      return e.code;
    } catch (const std::exception& e) {
      WireWriter w(Frame::failure);
      w.u32(id);
      write_failure(w, e);
      stream->send(w.bytes());
    }
    inbox->running = 0;
  }
}

}  // namespace

int run_agent_pipe(Session& session, const std::string& pipe_name) {
  HANDLE pipe = open_parent_pipe(pipe_name, GENERIC_READ | GENERIC_WRITE, FILE_FLAG_OVERLAPPED);
  if (pipe == INVALID_HANDLE_VALUE) throw_last_error("CreateFileW");
  return serve(session, pipe_stream(pipe));
}

ConnectedAgent connect_agent(const std::string& host, std::uint16_t port, const std::string& token, DWORD timeout_ms) {
  WSADATA data;
  if (int error = WSAStartup(MAKEWORD(2, 2), &data)) throw_error("WSAStartup", static_cast<DWORD>(error));
  addrinfo hints{}, *found = nullptr;
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  if (int error = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found))
    throw_error("getaddrinfo", static_cast<DWORD>(error), one_line(host, 60));
  sockaddr_in at = *reinterpret_cast<sockaddr_in*>(found->ai_addr);
  freeaddrinfo(found);
  SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET) throw_error("WSASocketW", static_cast<DWORD>(WSAGetLastError()));
  std::shared_ptr<Stream> stream = socket_stream(s);  // closes it on every way out
  // Connect without blocking past the timeout.
  u_long non_blocking = 1;
  ioctlsocket(s, FIONBIO, &non_blocking);
  if (connect(s, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 && WSAGetLastError() != WSAEWOULDBLOCK)
    throw_error("connect", static_cast<DWORD>(WSAGetLastError()));
  fd_set writable, failed;
  FD_ZERO(&writable);
  FD_SET(s, &writable);
  FD_ZERO(&failed);
  FD_SET(s, &failed);
  timeval limit{static_cast<long>(timeout_ms / 1000), static_cast<long>(timeout_ms % 1000) * 1000};
  int ready = select(0, nullptr, &writable, &failed, &limit);
  if (ready == 0) throw_error("connect", WSAETIMEDOUT, fmt::format("no agent answered at {}:{} within {} ms", host, port, timeout_ms));
  int error = 0, length = sizeof error;
  getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&error), &length);
  if (ready < 0 || FD_ISSET(s, &failed) || error)
    throw_error("connect", error ? static_cast<DWORD>(error) : WSAECONNREFUSED, fmt::format("{}:{}", host, port));
  // The handshake has the same deadline as the connect: a peer that
  // accepts and says nothing, or dribbles, is given up on (the socket stays
  // non-blocking until the agent has answered).
  ULONGLONG deadline = GetTickCount64() + timeout_ms;
  auto read_exact = [&](char* data, std::size_t n) {
    while (n > 0) {
      int got = recv(s, data, static_cast<int>(n), 0);
      if (got > 0) {
        data += got;
        n -= static_cast<std::size_t>(got);
        continue;
      }
      if (got == 0 || WSAGetLastError() != WSAEWOULDBLOCK)
        throw_error("connect-agent", ERROR_ACCESS_DENIED, "the agent hung up: a wrong token, or no ipcsh agent there");
      ULONGLONG now = GetTickCount64();
      if (now >= deadline)
        throw_error("connect-agent", WSAETIMEDOUT,
                    fmt::format("{}:{} accepted but did not answer as an ipcsh agent within {} ms", host, port, timeout_ms));
      fd_set readable;
      FD_ZERO(&readable);
      FD_SET(s, &readable);
      ULONGLONG left = deadline - now;
      timeval wait{static_cast<long>(left / 1000), static_cast<long>(left % 1000) * 1000};
      select(0, &readable, nullptr, nullptr, &wait);
    }
  };
  WireWriter presented(Frame::hello);
  presented.str(token);
  stream->send(presented.bytes());
  unsigned char size[4];
  read_exact(reinterpret_cast<char*>(size), 4);
  std::uint32_t n = size[0] | size[1] << 8 | size[2] << 16 | static_cast<std::uint32_t>(size[3]) << 24;
  if (n == 0 || n > 4096) throw_error("connect-agent", ERROR_INVALID_DATA, "not an ipcsh agent (a malformed hello)");
  auto hello = std::make_optional<std::string>(n, '\0');
  read_exact(hello->data(), n);
  non_blocking = 0;
  ioctlsocket(s, FIONBIO, &non_blocking);
  WireReader r(*hello);
  ConnectedAgent out;
  if (r.type() != Frame::hello) throw_error("connect-agent", ERROR_INVALID_DATA, "not an ipcsh agent");
  out.pid = r.u32();
  out.computer = r.str();
  out.stream = std::move(stream);
  return out;
}

namespace {

constexpr DWORD handshake_ms = 3000;      // a peer's whole hello, from accept to the token's last byte
constexpr std::uint32_t most_hello = 256; // before the token a frame is tiny
constexpr std::size_t most_pending = 16;  // peers in their handshake at once

// Equal, in a time that does not depend on where they differ.
bool same_secret(std::string_view given, std::string_view secret) {
  volatile unsigned char differ = given.size() != secret.size();
  for (std::size_t i = 0; i < secret.size(); ++i)
    differ = differ | static_cast<unsigned char>(secret[i] ^ (i < given.size() ? given[i] : 0));
  return differ == 0;
}

}  // namespace

int run_agent_listen(Session& session, const std::string& address) {
  // [ADDR:]PORT; without an address, loopback only.
  std::string host = "127.0.0.1", port = address;
  if (auto colon = address.rfind(':'); colon != std::string::npos) {
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
  }
  auto number = parse_number(port);
  if (!number || *number < 0 || *number > 65535)
    throw UsageError(fmt::format("--agent-listen: [ADDR:]PORT expected, got '{}'", one_line(address, 60)));
  WSADATA data;
  if (int error = WSAStartup(MAKEWORD(2, 2), &data)) throw_error("WSAStartup", static_cast<DWORD>(error));
  sockaddr_in at{};
  at.sin_family = AF_INET;
  at.sin_port = htons(static_cast<u_short>(*number));
  if (inet_pton(AF_INET, host.c_str(), &at.sin_addr) != 1)
    throw UsageError(fmt::format("--agent-listen: '{}' is not an IPv4 address", one_line(host, 60)));
  SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (listener == INVALID_SOCKET) throw_error("socket", static_cast<DWORD>(WSAGetLastError()));
  SetHandleInformation(reinterpret_cast<HANDLE>(listener), HANDLE_FLAG_INHERIT, 0);
  if (bind(listener, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 || listen(listener, 1) != 0)
    throw_error("bind", static_cast<DWORD>(WSAGetLastError()));
  int length = sizeof at;
  getsockname(listener, reinterpret_cast<sockaddr*>(&at), &length);
  std::string token = random_hex(16);
  write_out(*session.output, fmt::format("ipcsh agent pid {} listening on {}:{} token {}\n", GetCurrentProcessId(), host,
                        ntohs(at.sin_port), token));
  if ((ntohl(at.sin_addr.s_addr) >> 24) != 127)
    write_err(*session.output, fmt::format("ipcsh agent: listening on {}, not loopback: whoever can reach it may try the token\n", host));
  // The one parent that presents the token; anyone else is hung up on.
  // Peers are handled side by side, without blocking (a stalled one never
  // holds up another), and each has one deadline for its whole hello.
  struct Pending {
    SOCKET socket;
    ULONGLONG deadline;
    std::string got;
  };
  std::vector<Pending> pending;
  auto refuse = [&](std::size_t i, std::string_view why) {
    closesocket(pending[i].socket);
    pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(i));
    write_err(*session.output, fmt::format("ipcsh agent: a peer was refused: {}\n", why));
  };
  u_long non_blocking = 1;
  ioctlsocket(listener, FIONBIO, &non_blocking);
  for (;;) {
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(listener, &readable);
    ULONGLONG now = GetTickCount64(), first = ~0ull;
    for (const auto& p : pending) {
      FD_SET(p.socket, &readable);
      first = std::min(first, p.deadline);
    }
    timeval wait{};
    if (first != ~0ull) {
      ULONGLONG left = first > now ? first - now : 0;
      wait = {static_cast<long>(left / 1000), static_cast<long>(left % 1000) * 1000};
    }
    if (select(0, &readable, nullptr, nullptr, first == ~0ull ? nullptr : &wait) == SOCKET_ERROR)
      throw_error("select", static_cast<DWORD>(WSAGetLastError()));
    now = GetTickCount64();
    for (std::size_t i = 0; i < pending.size();) {
      Pending& p = pending[i];
      if (FD_ISSET(p.socket, &readable)) {
        // Only what the hello can hold: its length, then at most its bytes.
        std::size_t want = p.got.size() < 4 ? 4 - p.got.size() : 0;
        if (p.got.size() >= 4) {
          auto* b = reinterpret_cast<const unsigned char*>(p.got.data());
          std::uint32_t n = b[0] | b[1] << 8 | b[2] << 16 | static_cast<std::uint32_t>(b[3]) << 24;
          want = 4 + n - p.got.size();
        }
        char buffer[most_hello];
        int r = recv(p.socket, buffer, static_cast<int>(std::min<std::size_t>(want, sizeof buffer)), 0);
        if (r == 0 || (r < 0 && WSAGetLastError() != WSAEWOULDBLOCK)) {
          refuse(i, "it hung up before presenting the token");
          continue;
        }
        if (r > 0) p.got.append(buffer, static_cast<std::size_t>(r));
        if (p.got.size() >= 4) {
          auto* b = reinterpret_cast<const unsigned char*>(p.got.data());
          std::uint32_t n = b[0] | b[1] << 8 | b[2] << 16 | static_cast<std::uint32_t>(b[3]) << 24;
          if (n == 0 || n > most_hello) {
            refuse(i, fmt::format("it declared a {}-byte frame before the token (at most {})", n, most_hello));
            continue;
          }
          if (p.got.size() == 4 + n) {
            bool accepted = false;
            try {
              WireReader reader(std::string_view(p.got).substr(4));
              accepted = reader.type() == Frame::hello && same_secret(reader.str(), token);
            } catch (const std::exception&) {
            }
            if (!accepted) {
              refuse(i, "a wrong token");
              continue;
            }
            SOCKET peer = p.socket;
            pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(i));
            for (const auto& other : pending) closesocket(other.socket);
            closesocket(listener);
            u_long blocking = 0;
            ioctlsocket(peer, FIONBIO, &blocking);
            return serve(session, socket_stream(peer));
          }
        }
      }
      if (now >= p.deadline) {
        refuse(i, fmt::format("no token within {} ms", handshake_ms));
        continue;
      }
      ++i;
    }
    if (FD_ISSET(listener, &readable)) {
      SOCKET peer = accept(listener, nullptr, nullptr);
      if (peer != INVALID_SOCKET) {
        SetHandleInformation(reinterpret_cast<HANDLE>(peer), HANDLE_FLAG_INHERIT, 0);
        ioctlsocket(peer, FIONBIO, &non_blocking);
        if (pending.size() >= most_pending) refuse(0, "too many peers at once (the oldest goes)");
        pending.push_back({peer, GetTickCount64() + handshake_ms, {}});
      } else if (WSAGetLastError() != WSAEWOULDBLOCK) {
        throw_error("accept", static_cast<DWORD>(WSAGetLastError()));
      }
    }
  }
}

}  // namespace ipcsh
