// The error model. A failed Win32 call is a Win32Error (API, code, symbolic
// name, system text); bad arguments are a UsageError naming the parameter.
// The shell prints either as one line; Lua gets an error object or an
// argument error.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ipcsh {

class Win32Error : public std::runtime_error {
 public:
  Win32Error(std::string api, unsigned long code, std::string note = {});
  const std::string& api() const { return api_; }
  unsigned long code() const { return code_; }
  const std::string& name() const { return name_; }        // "ERROR_SEM_TIMEOUT"
  const std::string& message() const { return message_; }  // the system's text
  const std::string& note() const { return note_; }        // what ipcsh adds, may be empty
  const char* what() const noexcept override { return line_.c_str(); }  // the shell's line
  // The same error with a hint added to the note: what the lesson is.
  Win32Error with_hint(std::string_view hint) const {
    return Win32Error(api_, code_, note_.empty() ? std::string(hint) : note_ + "; " + std::string(hint));
  }
 private:
  std::string api_, name_, message_, note_, line_;
  unsigned long code_;
};

// Reads GetLastError() - call it right after the failing API, nothing between.
[[noreturn]] void throw_last_error(std::string_view api);
// For APIs that return the error code instead of setting it.
[[noreturn]] void throw_error(std::string_view api, unsigned long code, std::string note = {});

std::string error_name(unsigned long code);       // symbolic name, or "error N"
std::string system_message(unsigned long code);   // FormatMessage text, one line

// Bad arguments: which parameter (1-based position; 0 for a flag) and why.
// Text from the user inside an error line: control bytes escaped, clipped,
// so an error is always one readable line.
std::string one_line(std::string_view text, std::size_t most = 200);

// invoke() adds the command it came from; the shell prints
// "COMMAND: message", Lua "bad argument #N to 'lua_name' (message)".
class UsageError : public std::runtime_error {
 public:
  UsageError(std::string message, int position = 0)
      : std::runtime_error(one_line(message, 400)), position_(position) {}
  int position() const { return position_; }
  const std::string& command() const { return command_; }
  const std::string& lua_name() const { return lua_name_; }
  void set_command(std::string_view shell, std::string_view lua) {
    command_ = shell;
    lua_name_ = lua;
  }
  bool invoked() const { return invoked_; }  // raised inside invoke(): its observers know
  void mark_invoked() { invoked_ = true; }
 private:
  int position_;
  bool invoked_ = false;
  std::string command_, lua_name_;
};

// A command that failed inside another process (an agent child): the
// child's error as it reported it, labelled with the child ("[kid 264]").
// Lua gets an error object with the child's code, name, api, message, pid.
class RemoteError : public std::runtime_error {
 public:
  RemoteError(std::string label, unsigned long pid, std::optional<long long> code, std::string name, std::string api,
              std::string message, std::string line, std::string note = {})
      : std::runtime_error("[" + label + "] " + line), pid_(pid), code_(code), name_(std::move(name)),
        api_(std::move(api)), message_(std::move(message)), note_(std::move(note)) {}
  unsigned long pid() const { return pid_; }
  std::optional<long long> code() const { return code_; }  // none: not a Win32 error (a usage error)
  const std::string& name() const { return name_; }
  const std::string& api() const { return api_; }
  const std::string& message() const { return message_; }
  const std::string& note() const { return note_; }
 private:
  unsigned long pid_;
  std::optional<long long> code_;
  std::string name_, api_, message_, note_;
};

// Ctrl+C during a blocking command or a running Lua chunk.
struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

// `exit [CODE]`: leaves through the normal path (every frame unwinds, the
// mode returns CODE from main, handles close and children end at exit).
struct ExitRequest : std::runtime_error {
  explicit ExitRequest(int code) : std::runtime_error("exit"), code(code) {}
  int code;
};

// An exception of the C++ runtime (std::length_error, std::out_of_range,
// std::bad_alloc, ...) that reached a command's edge: never shown in the
// library's words ("basic_string::_M_create"), but as
// "COMMAND: internal error (out of range)".
bool runtime_library_error(const std::exception& e);
class InternalError : public std::runtime_error {
 public:
  InternalError(std::string_view command, const std::exception& cause);
};
// What the shell prints for an exception that is not one of ipcsh's own.
std::string internal_error_text(std::string_view command, const std::exception& cause);

}  // namespace ipcsh
