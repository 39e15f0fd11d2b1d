// Sockets: TCP over loopback (or any address given). Every wait is a poll
// in slices so Ctrl+C and timeouts work; sockets are non-blocking after
// they connect, so a full send buffer never blocks the shell. Sockets are
// created non-inheritable (WSA_FLAG_NO_HANDLE_INHERIT), like every other
// handle.
#include "object_info.hpp"
#include "socket_io.hpp"

namespace ipcsh {
namespace {

SOCKET socket_of(const HandleObject& h) { return reinterpret_cast<SOCKET>(h.handle()); }

HandleRef add_socket(Session& session, SOCKET s, std::string name, std::string role) {
  win::set_non_blocking(s);
  auto ref = session.add(Kind::socket, reinterpret_cast<HANDLE>(s), std::move(name));
  ref->role = std::move(role);
  return ref;
}

// Closes a socket that failed half way, keeping the error that matters.
template <class F>
void or_close(SOCKET s, F&& step) {
  try {
    step();
  } catch (...) {
    win::close_socket(s);
    throw;
  }
}

Value tcp_listen(Session& session, const Args& a) {
  sockaddr_in where = win::resolve(a.string_or("host", "127.0.0.1"), static_cast<std::uint16_t>(a.integer("PORT")));
  SOCKET s = win::new_socket(WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  or_close(s, [&] {
    win::bind_socket(s, where);
    win::listen_socket(s, static_cast<int>(a.integer("backlog", SOMAXCONN)));
  });
  return add_socket(session, s, win::address_text(*win::local_address(s)), "(listening)");
}

Value tcp_connect(Session& session, const Args& a) {
  sockaddr_in where = win::resolve(a.string("HOST"), static_cast<std::uint16_t>(a.integer("PORT")));
  SOCKET s = win::new_socket(WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  DWORD timeout = a.timeout("timeout", 30000);
  or_close(s, [&] {
    // Non-blocking, so the wait is ours: bounded by --timeout, ended by Ctrl+C.
    win::set_non_blocking(s);
    DWORD error = win::start_connect(s, where);
    if (error == WSAEWOULDBLOCK) {
      std::optional<DWORD> outcome;
      if (!session.poll_until(timeout, [&] { return (outcome = win::connect_result(s)).has_value(); }))
        throw_error("connect", WSAETIMEDOUT, win::address_text(where) + ": no answer within " + timeout_text(timeout));
      error = *outcome;
    }
    if (error) throw_error("connect", error, win::address_text(where));
  });
  return add_socket(session, s, win::address_text(*win::local_address(s)) + " -> " + win::address_text(where),
                    "(connected)");
}

// Waits until the socket is readable (data, a connection to accept, or the
// peer closing); false on timeout.
bool wait_readable(Session& session, SOCKET s, DWORD timeout) {
  return session.poll_until(timeout, [&] { return win::socket_readable(s); });
}

Value accept_connection(Session& session, const Args& a) {
  SOCKET listener = socket_of(*a.handle("S"));
  DWORD timeout = a.timeout("timeout", INFINITE);
  if (!wait_readable(session, listener, timeout))
    throw_error("accept", WSAETIMEDOUT, "no connection within " + timeout_text(timeout));
  sockaddr_in peer{};
  SOCKET s = win::accept_socket(listener, peer);
  return add_socket(session, s, win::address_text(*win::local_address(s)) + " <- " + win::address_text(peer),
                    "(accepted)");
}

const FamilyRegistration family{"socket", "TCP sockets on loopback or any address"};
const CommandRegistration registration{
    {.name = "tcp-listen",
     .family = "socket",
     .summary = "listen for TCP connections on PORT (0: any free port; `info` shows it; a socket takes no "
                "SECURITY_ATTRIBUTES, so no --sddl)",
     .params = {{.name = "PORT", .type = ArgType::integer, .range = {0, 65535}}},
     .flags =
         {{.name = "host", .type = ArgType::name, .value_name = "ADDR", .help = "address to bind (default 127.0.0.1)"},
          {.name = "backlog",
           .type = ArgType::integer,
           .value_name = "N",
           .help = "pending connections queued (default SOMAXCONN)",
           .range = {1, 0x7FFFFFFF}}},
     .handler = tcp_listen,
     .returns = {.values = {{.name = "listener", .type = LuaType::handle, .kind = Kind::socket, .about = "a listening socket (its `port` field)"}}}},
    {.name = "tcp-connect",
     .family = "socket",
     .summary = "connect to HOST PORT over TCP",
     .params = {{.name = "HOST", .type = ArgType::name},
                {.name = "PORT", .type = ArgType::integer, .range = {0, 65535}}},
     .flags = {{.name = "timeout",
                .type = ArgType::timeout,
                .value_name = "MS|forever",
                .help = "wait at most MS for the connection (default 30000; Ctrl+C ends it)"}},
     .handler = tcp_connect,
     .returns = {.values = {{.name = "socket", .type = LuaType::handle, .kind = Kind::socket, .about = "connected"}}}},
    {.name = "accept",
     .family = "socket",
     .summary = "accept the next connection on a listening socket",
     .params = {{.name = "S", .type = ArgType::handle, .kinds = {Kind::socket}}},
     .flags = {{.name = "timeout",
                .type = ArgType::timeout,
                .value_name = "MS|forever",
                .help = "wait at most MS (default forever; Ctrl+C ends it)"}},
     .handler = accept_connection,
     .returns = {.values = {{.name = "socket", .type = LuaType::handle, .kind = Kind::socket, .about = "the accepted connection"}}}},
};

}  // namespace

DWORD socket_send(Session& session, const HandleObject& h, std::string_view data, DWORD timeout) {
  SOCKET s = socket_of(h);
  std::size_t sent = 0;
  ULONGLONG deadline = GetTickCount64() + timeout;
  do {
    int chunk = static_cast<int>(std::min<std::size_t>(data.size() - sent, 1 << 20));
    try {
      sent += static_cast<std::size_t>(win::send_socket(s, data.data() + sent, chunk));
    } catch (const Win32Error& e) {
      if (e.code() != WSAEWOULDBLOCK) throw;
      // The send buffer is full: wait for room, within the time left.
      DWORD left = timeout == INFINITE ? INFINITE
                                       : static_cast<DWORD>(std::max<ULONGLONG>(deadline, GetTickCount64()) - GetTickCount64());
      bool room = session.poll_until(left, [&] { return win::socket_writable(s); });
      if (!room)
        throw_error("send", WSAETIMEDOUT, fmt::format("{} of {} bytes sent within {}", sent, data.size(), timeout_text(timeout)));
    }
  } while (sent < data.size());
  return static_cast<DWORD>(sent);
}

std::string socket_recv(Session& session, const HandleObject& h, DWORD max, DWORD timeout) {
  if (!wait_readable(session, socket_of(h), timeout))
    throw_error("recv", WSAETIMEDOUT, "no data within " + timeout_text(timeout));
  std::string buffer(max, '\0');
  int n = win::recv_socket(socket_of(h), buffer.data(), static_cast<int>(max));
  buffer.resize(static_cast<std::size_t>(n));
  return buffer;
}

void add_socket_facts(const HandleObject& h, Record& record) {
  if (auto local = win::local_address(socket_of(h))) {
    record.fields.push_back({"address", win::address_text(*local)});
    record.fields.push_back({"port", static_cast<std::int64_t>(ntohs(local->sin_port))});
  }
  if (auto peer = win::peer_address(socket_of(h))) record.fields.push_back({"peer", win::address_text(*peer)});
  record.fields.push_back({"listening", win::socket_listening(socket_of(h))});
}

}  // namespace ipcsh
