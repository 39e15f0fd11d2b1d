// Sockets: TCP over loopback (or any address given). Every wait is a
// select() in slices so Ctrl+C and timeouts work. Sockets are created
// non-inheritable (WSA_FLAG_NO_HANDLE_INHERIT), like every other handle.
#include <winsock2.h>
#include <ws2tcpip.h>

#include <optional>

#include "object_info.hpp"
#include "socket_io.hpp"

namespace ipcsh {
namespace {

void ensure_winsock() {
  static bool started = false;
  if (started) return;
  WSADATA data;
  if (int error = WSAStartup(MAKEWORD(2, 2), &data)) throw_error("WSAStartup", static_cast<DWORD>(error));
  started = true;
}

[[noreturn]] void throw_wsa(const char* api, std::string note = {}) {
  DWORD code = static_cast<DWORD>(WSAGetLastError());
  throw_error(api, code, std::move(note));
}

SOCKET socket_of(const HandleObject& h) { return reinterpret_cast<SOCKET>(h.handle()); }

std::string address_text(const sockaddr_in& a) {
  char host[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &a.sin_addr, host, sizeof host);
  return fmt::format("{}:{}", host, ntohs(a.sin_port));
}

std::optional<sockaddr_in> local_address(SOCKET s) {
  sockaddr_in a{};
  int len = sizeof a;
  if (getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) return std::nullopt;
  return a;
}

std::optional<sockaddr_in> peer_address(SOCKET s) {
  sockaddr_in a{};
  int len = sizeof a;
  if (getpeername(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) return std::nullopt;
  return a;
}

sockaddr_in resolve(const std::string& host, std::int64_t port) {
  if (port < 0 || port > 65535) throw UsageError(fmt::format("PORT: 0 to 65535 expected, got {}", port), 2);
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int error = getaddrinfo(host.c_str(), nullptr, &hints, &found))
    throw_error("getaddrinfo", static_cast<DWORD>(error), host);
  sockaddr_in a = *reinterpret_cast<sockaddr_in*>(found->ai_addr);
  freeaddrinfo(found);
  a.sin_port = htons(static_cast<u_short>(port));
  return a;
}

SOCKET new_socket() {
  ensure_winsock();
  SOCKET s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET) throw_wsa("WSASocketW");
  SetHandleInformation(reinterpret_cast<HANDLE>(s), HANDLE_FLAG_INHERIT, 0);
  return s;
}

// Waits until the socket is readable (data, a connection to accept, or the
// peer closing); false on timeout.
bool wait_readable(Session& session, SOCKET s, DWORD timeout) {
  return session.poll_until(timeout, [&] {
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(s, &readable);
    timeval none{0, 0};
    int n = select(0, &readable, nullptr, nullptr, &none);
    if (n == SOCKET_ERROR) throw_wsa("select");
    return n > 0;
  });
}

HandleRef add_socket(Session& session, SOCKET s, std::string name, std::string role) {
  auto ref = session.add(Kind::socket, reinterpret_cast<HANDLE>(s), std::move(name));
  ref->role = std::move(role);
  return ref;
}

Value tcp_listen(Session& session, const Args& a) {
  sockaddr_in where = resolve(a.string_or("host", "127.0.0.1"), a.integer("PORT"));
  SOCKET s = new_socket();
  if (bind(s, reinterpret_cast<sockaddr*>(&where), sizeof where) != 0 ||
      listen(s, static_cast<int>(a.integer("backlog", SOMAXCONN))) != 0) {
    int error = WSAGetLastError();
    closesocket(s);
    WSASetLastError(error);
    throw_wsa("bind/listen");
  }
  return add_socket(session, s, address_text(*local_address(s)), "(listening)");
}

Value tcp_connect(Session& session, const Args& a) {
  sockaddr_in where = resolve(a.string("HOST"), a.integer("PORT"));
  SOCKET s = new_socket();
  if (connect(s, reinterpret_cast<sockaddr*>(&where), sizeof where) != 0) {
    int error = WSAGetLastError();
    closesocket(s);
    WSASetLastError(error);
    throw_wsa("connect", address_text(where));
  }
  return add_socket(session, s, address_text(*local_address(s)) + " -> " + address_text(where), "(connected)");
}

Value accept_connection(Session& session, const Args& a) {
  SOCKET listener = socket_of(*a.handle("S"));
  DWORD timeout = a.timeout("timeout", INFINITE);
  if (!wait_readable(session, listener, timeout))
    throw_error("accept", WSAETIMEDOUT, "no connection within " + timeout_text(timeout));
  sockaddr_in peer{};
  int len = sizeof peer;
  SOCKET s = accept(listener, reinterpret_cast<sockaddr*>(&peer), &len);
  if (s == INVALID_SOCKET) throw_wsa("accept");
  SetHandleInformation(reinterpret_cast<HANDLE>(s), HANDLE_FLAG_INHERIT, 0);
  return add_socket(session, s, address_text(*local_address(s)) + " <- " + address_text(peer), "(accepted)");
}

const CommandRegistration registration{
    {"tcp-listen", "socket", "listen for TCP connections on PORT (0: any free port; `info` shows it)",
     {{"PORT", ArgType::integer}},
     {{"host", ArgType::string, "ADDR", "address to bind (default 127.0.0.1)"},
      {"backlog", ArgType::integer, "N", "pending connections queued (default SOMAXCONN)"}},
     tcp_listen},
    {"tcp-connect", "socket", "connect to HOST PORT over TCP", {{"HOST", ArgType::string}, {"PORT", ArgType::integer}},
     {}, tcp_connect},
    {"accept", "socket", "accept the next connection on a listening socket",
     {{"S", ArgType::handle, {Kind::socket}}},
     {{"timeout", ArgType::timeout, "MS|forever", "wait at most MS (default forever; Ctrl+C ends it)"}},
     accept_connection},
};

}  // namespace

DWORD socket_send(Session&, const HandleObject& h, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size() || data.empty()) {
    int n = send(socket_of(h), data.data() + sent, static_cast<int>(data.size() - sent), 0);
    if (n == SOCKET_ERROR) throw_wsa("send");
    sent += static_cast<std::size_t>(n);
    if (data.empty()) break;
  }
  return static_cast<DWORD>(sent);
}

std::string socket_recv(Session& session, const HandleObject& h, DWORD max, DWORD timeout) {
  if (!wait_readable(session, socket_of(h), timeout))
    throw_error("recv", WSAETIMEDOUT, "no data within " + timeout_text(timeout));
  std::string buffer(max, '\0');
  int n = recv(socket_of(h), buffer.data(), static_cast<int>(max), 0);
  if (n == SOCKET_ERROR) throw_wsa("recv");
  buffer.resize(static_cast<std::size_t>(n));
  return buffer;
}

void add_socket_facts(const HandleObject& h, Record& record) {
  if (auto local = local_address(socket_of(h))) {
    record.fields.push_back({"address", address_text(*local)});
    record.fields.push_back({"port", static_cast<std::int64_t>(ntohs(local->sin_port))});
  }
  if (auto peer = peer_address(socket_of(h))) record.fields.push_back({"peer", address_text(*peer)});
}

}  // namespace ipcsh
