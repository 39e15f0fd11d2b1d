// TCP sockets on the same footing as the other file-like handles.
#pragma once
#include "common.hpp"

namespace ipcsh {
DWORD socket_send(Session& session, const HandleObject& h, std::string_view data, DWORD timeout);
// "" when the peer has closed the connection.
std::string socket_recv(Session& session, const HandleObject& h, DWORD max, DWORD timeout);
}  // namespace ipcsh
