// Text generated from the command table: docs/commands.md's reference part
// (ipcsh --commands-md) and a LuaLS definition file (ipcsh --lua-defs).
#pragma once
#include <string>

namespace ipcsh {

std::string commands_markdown();
std::string lua_definitions();

}  // namespace ipcsh
