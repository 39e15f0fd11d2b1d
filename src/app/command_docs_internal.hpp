// What command_docs.cpp (docs/commands.md) and lua_defs.cpp (the LuaLS
// definitions) share: words and LuaLS types for rows.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/command.hpp"

namespace ipcsh::docs {

inline constexpr Kind every_kind[] = {Kind::mailslot, Kind::file,    Kind::pipe,   Kind::event,  Kind::mutex,
                               Kind::semaphore, Kind::timer,  Kind::mapping, Kind::view,  Kind::process,
                               Kind::thread,   Kind::socket,  Kind::window, Kind::job};

std::string joined(const std::vector<std::string>& parts, std::string_view between);
std::string one_line(std::string_view text);  // a row's text as one line
std::string lua_identifier(std::string_view name);
void check_rows();  // every row says what it returns, or throws
std::string kind_class(Kind kind);          // "ipcsh.event"
std::string handle_type(const KindSet& kinds);
std::string lua_type(const Param& p);
std::string lua_type(const Flag& f);
std::string lua_type(LuaType t);
std::string options_class(const Command& c);
std::string result_class(const Command& c, const Returned& r);
std::string returned_type(const Command& c, const Returned& r);

}  // namespace ipcsh::docs
