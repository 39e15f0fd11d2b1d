// `info` for the objects that are not kernel handles in this process's
// table: views (addresses) and windows (HWNDs). Sockets add their addresses.
#pragma once
#include "common.hpp"

namespace ipcsh {
Record view_info(const HandleObject& view);
Record window_info(const HandleObject& window);
void add_socket_facts(const HandleObject& h, Record& record);
// The kind's own state, after the common facts (kind_facts.cpp).
void add_kind_facts(const HandleObject& h, Record& record);
}  // namespace ipcsh
