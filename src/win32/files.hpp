// Whole files by UTF-8 path: the shell's own files (history, graph output
// and its temporary files), read and written in one call each.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ipcsh {

std::optional<std::string> read_file(const std::string& path);  // nullopt if it cannot be opened
void write_file(const std::string& path, std::string_view data);  // throws Win32Error
bool file_exists(const std::string& path);
void remove_file(const std::string& path);  // quietly: it may not be there
std::string temp_dir();                      // GetTempPathW, ending in a backslash

}  // namespace ipcsh
