// `record --c FILE.c`: the session as one standalone C program using only
// the Win32 API - the calls the trace layer saw, with the same arguments,
// each printing its result and error the way the trace does, under a comment
// naming the shell command it came from. What C cannot say (Lua code, calls
// made only to show something) is written as a comment instead.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "session/invoke.hpp"
#include "win32/win32.hpp"

namespace ipcsh {

class CExporter {
 public:
  CExporter(const std::string& path, const std::string& how);
  void call(const win::CallEvent& event);   // a Win32 call of the command under way
  void observe(const Invocation& call);     // the command ended: its calls become C
  const std::string& path() const { return path_; }

 private:
  std::string statement(const win::CallEvent& e);
  std::string arg(const win::OwnedArg& a);
  std::string handle_expr(std::int64_t value);
  std::string new_var(std::int64_t value, const char* prefix);
  void save();

  std::string path_, how_;
  std::vector<win::CallEvent> pending_;
  std::map<std::int64_t, std::string> vars_;  // handle value -> C variable holding it
  std::vector<std::string> declarations_, body_;
  std::map<std::string, std::string> descriptors_;  // SDDL -> the C variable holding it converted
  std::string last_descriptor_;                     // the one converted last (set-security's)
  std::string handle_list_;                    // the last PROC_THREAD_ATTRIBUTE_HANDLE_LIST
  int counter_ = 0;
};

}  // namespace ipcsh
