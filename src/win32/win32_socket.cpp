// Winsock: TCP sockets, created non-inheritable like every other handle.
#include <ws2tcpip.h>

#include <fmt/format.h>

#include "win32_api.hpp"

namespace ipcsh::win {
namespace {

std::string sockaddr_text(const sockaddr_in& a) { return "{" + address_text(a) + "}"; }

}  // namespace

void start_winsock() {
  static bool started = false;
  if (started) return;
  WSADATA data;
  int error = WSAStartup(MAKEWORD(2, 2), &data);
  if (tracing()) emit_call("WSAStartup", {literal("MAKEWORD(2, 2)"), literal("&data")}, std::to_string(error), 0);
  if (error) throw Win32Error("WSAStartup", static_cast<DWORD>(error));
  started = true;
}

SOCKET new_socket(DWORD flags_value) {
  start_winsock();
  SOCKET s = socket("WSASocketW",
                    {literal("AF_INET"), literal("SOCK_STREAM"), literal("IPPROTO_TCP"), literal("NULL"), num(0),
                     flags(flags_value, wsa_flag_names)},
                    INVALID_SOCKET, [&] { return WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, flags_value); });
  SetHandleInformation(reinterpret_cast<HANDLE>(s), HANDLE_FLAG_INHERIT, 0);
  return s;
}

sockaddr_in resolve(std::string_view host, std::uint16_t port) {
  start_winsock();
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::string h(host);
  int error = getaddrinfo(h.c_str(), nullptr, &hints, &found);
  if (tracing()) emit_call("getaddrinfo", {text(host), literal("NULL"), literal("{AF_INET, SOCK_STREAM}")}, std::to_string(error), static_cast<DWORD>(error));
  if (error) throw Win32Error("getaddrinfo", static_cast<DWORD>(error), h);
  sockaddr_in a = *reinterpret_cast<sockaddr_in*>(found->ai_addr);
  freeaddrinfo(found);
  a.sin_port = htons(port);
  return a;
}

void bind_socket(SOCKET s, const sockaddr_in& at) {
  socket("bind", {num(static_cast<std::int64_t>(s)), literal(sockaddr_text(at))}, SOCKET_ERROR,
         [&] { return bind(s, reinterpret_cast<const sockaddr*>(&at), sizeof at); });
}

void listen_socket(SOCKET s, int backlog) {
  socket("listen", {num(static_cast<std::int64_t>(s)), num(backlog)}, SOCKET_ERROR, [&] { return listen(s, backlog); });
}

DWORD start_connect(SOCKET s, const sockaddr_in& to) {
  int r = connect(s, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  DWORD error = r == SOCKET_ERROR ? socket_error() : 0;
  if (tracing())
    emit_call("connect", {num(static_cast<std::int64_t>(s)), literal(sockaddr_text(to))}, r == SOCKET_ERROR ? "SOCKET_ERROR" : "0",
              error);
  return error;
}

std::optional<DWORD> connect_result(SOCKET s) {
  fd_set done, failed;
  FD_ZERO(&done);
  FD_SET(s, &done);
  FD_ZERO(&failed);
  FD_SET(s, &failed);
  timeval none{0, 0};
  std::string one = fmt::format("{{{}}}", s);
  int n = socket("select", {num(0), literal("NULL"), literal(one), literal(one), literal("{0, 0}")}, SOCKET_ERROR,
                 [&] { return select(0, nullptr, &done, &failed, &none); });
  if (n == 0) return std::nullopt;
  if (FD_ISSET(s, &done)) return 0;
  int error = 0, len = sizeof error;
  getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&error), &len);
  return static_cast<DWORD>(error ? error : WSAECONNREFUSED);
}

SOCKET accept_socket(SOCKET s, sockaddr_in& peer) {
  int len = sizeof peer;
  SOCKET a = socket("accept", {num(static_cast<std::int64_t>(s)), literal("&peer")}, INVALID_SOCKET,
                    [&] { return accept(s, reinterpret_cast<sockaddr*>(&peer), &len); });
  SetHandleInformation(reinterpret_cast<HANDLE>(a), HANDLE_FLAG_INHERIT, 0);
  return a;
}

int send_socket(SOCKET s, const char* bytes, int size) {
  return socket("send", {num(static_cast<std::int64_t>(s)), data(std::string_view(bytes, size)), num(0)}, SOCKET_ERROR,
                [&] { return send(s, bytes, size, 0); });
}

int recv_socket(SOCKET s, char* buffer, int size) {
  return socket("recv", {num(static_cast<std::int64_t>(s)), num(size), num(0)}, SOCKET_ERROR,
                [&] { return recv(s, buffer, size, 0); });
}

namespace {
bool ready(SOCKET s, bool for_write) {
  fd_set set;
  FD_ZERO(&set);
  FD_SET(s, &set);
  timeval none{0, 0};
  std::string one = fmt::format("{{{}}}", s);
  int n = socket("select", {num(0), literal(for_write ? "NULL" : one), literal(for_write ? one : "NULL"),
                            literal("NULL"), literal("{0, 0}")},
                 SOCKET_ERROR, [&] { return select(0, for_write ? nullptr : &set, for_write ? &set : nullptr, nullptr, &none); });
  return n > 0;
}
}  // namespace

bool socket_readable(SOCKET s) { return ready(s, false); }
bool socket_writable(SOCKET s) { return ready(s, true); }

void set_non_blocking(SOCKET s) {
  u_long yes = 1;
  socket("ioctlsocket", {num(static_cast<std::int64_t>(s)), literal("FIONBIO"), literal("&1")}, SOCKET_ERROR,
         [&] { return ioctlsocket(s, FIONBIO, &yes); });
}

void close_socket(SOCKET s) {
  socket("closesocket", {num(static_cast<std::int64_t>(s))}, SOCKET_ERROR, [&] { return closesocket(s); });
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

std::string address_text(const sockaddr_in& a) {
  char host[INET_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET, &a.sin_addr, host, sizeof host);
  return fmt::format("{}:{}", host, ntohs(a.sin_port));
}

bool socket_listening(SOCKET s) {
  BOOL listening = FALSE;
  int len = sizeof listening;
  return getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, reinterpret_cast<char*>(&listening), &len) == 0 && listening;
}

}  // namespace ipcsh::win
