// The one Win32 layer: every Win32 and NT call a command makes goes through
// here. A call knows its API's name, shows its arguments symbolically (flags
// and access masks by name, strace-style), and reports its result or error -
// to `trace` while a command runs, and as a Win32Error when it fails. The
// wrappers themselves (win32_api.hpp) are thin: one API each.
//
// GetLastError is read right after the API returns, nothing between, and set
// back after tracing, so a caller can still look at ERROR_ALREADY_EXISTS.
#pragma once
#include <windows.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace ipcsh::win {

// ---- Names for flags and values, as the headers spell them --------------

struct Name {
  std::uint64_t value;
  std::string_view name;
};
using NameTable = std::vector<Name>;

// "GENERIC_WRITE|FILE_SHARE_READ": exact match first, then bit by bit in
// table order, anything left as hex; 0 is the table's 0 entry or "0".
std::string flag_text(std::uint64_t value, const NameTable& names);
// One value by name ("OPEN_EXISTING", "WAIT_OBJECT_0+1"), else the number.
std::string value_text(std::uint64_t value, const NameTable& names);

extern const NameTable access_names, share_names, disposition_names, file_flag_names, pipe_open_names,
    pipe_mode_names, pipe_state_names, duplicate_names, handle_flag_names, wait_names, mailslot_timeout_names,
    page_names, map_names, creation_names, startf_names, process_access_names,
    smto_names, wsa_flag_names, ntstatus_names, timeout_names, move_method_names;

// A kernel type's access rights by name ("Event": EVENT_MODIFY_STATE, ...,
// then DELETE ... GENERIC_ALL); a type not listed gets the standard ones.
struct TypeRights {
  std::string_view type;  // as NtQueryObject names it: "Event", "Mutant", "Section", "File"
  NameTable names;
};
extern const std::vector<TypeRights> type_rights;
const NameTable& rights_of(std::string_view type);
// The type's all-access right (EVENT_ALL_ACCESS): its table's first name.
inline DWORD all_access(std::string_view type) { return static_cast<DWORD>(rights_of(type).front().value); }

// ---- Arguments as the trace shows them (rendered only when traced) -------

struct Arg {
  enum class As { number, hex, text, flags, value, inherit, security, handle, data, literal };
  As as;
  std::int64_t n = 0;
  std::string_view s = {};
  const NameTable* names = nullptr;
};
inline Arg num(std::int64_t n) { return {Arg::As::number, n}; }
inline Arg hex(std::uint64_t n) { return {Arg::As::hex, static_cast<std::int64_t>(n)}; }
inline Arg text(std::string_view s) { return {Arg::As::text, 0, s}; }      // "\\.\pipe\x"
inline Arg flags(std::uint64_t v, const NameTable& t) { return {Arg::As::flags, static_cast<std::int64_t>(v), {}, &t}; }
inline Arg named(std::uint64_t v, const NameTable& t) { return {Arg::As::value, static_cast<std::int64_t>(v), {}, &t}; }
inline Arg inherit(bool yes) { return {Arg::As::inherit, yes}; }            // the SECURITY_ATTRIBUTES
// The SECURITY_ATTRIBUTES with a descriptor: SECURITY_ATTRIBUTES{bInheritHandle=TRUE, sd="D:(A;;GR;;;WD)"};
// without one, as inherit().
inline Arg security_attributes(bool inherit, std::string_view sddl) {
  return sddl.empty() ? Arg{Arg::As::inherit, inherit} : Arg{Arg::As::security, inherit, sddl};
}
inline Arg handle(const void* h) { return {Arg::As::handle, reinterpret_cast<std::intptr_t>(h)}; }
inline Arg data(std::string_view bytes) { return {Arg::As::data, 0, bytes}; }  // "hi" (2 bytes)
inline Arg literal(std::string_view s) { return {Arg::As::literal, 0, s}; }  // NULL, &overlapped
inline Arg optional_text(std::string_view s) { return s.empty() ? literal("NULL") : text(s); }

std::string show(const Arg& arg);
std::string handle_text(const void* h);  // 0x60, -1, NULL

// ---- Trace ----------------------------------------------------------------

// One call as it happened, owning its text: what `trace` prints and what
// `record --c` turns back into C.
struct OwnedArg {
  Arg arg;              // arg.s points into `text`
  std::string text;
};
struct CallEvent {
  std::string api;
  std::vector<OwnedArg> args;
  std::string result;   // "0x68", "TRUE", "INVALID_HANDLE_VALUE", "WAIT_OBJECT_0"
  DWORD error = 0;
  std::string detail;   // "(5 bytes)", "(copy 0x70)", "(asked 3 times in 12 ms)"
  // Made for ipcsh's own machinery (an agent's channel, a child's output
  // pipe), not for an object of the user's: shown, marked so, never exported.
  bool own = false;
  std::string line() const;  // API(args) = result [ERROR (code)] [detail] [(ipcsh's own)]
};

using TraceSink = std::function<void(const std::string&)>;
using CallSink = std::function<void(const CallEvent&)>;

// While alive, the calls on this thread go to `lines` and `calls` (either
// may be nullptr). invoke() opens one around each command's handler.
class TraceScope {
 public:
  TraceScope(const TraceSink* lines, const CallSink* calls = nullptr);
  ~TraceScope();
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;
 private:
  const TraceSink* previous_lines_ = nullptr;
  const CallSink* previous_calls_ = nullptr;
  bool active_ = false;  // false: nothing was ever traced here, and nothing is now (no state touched)
};
bool tracing();
void trace(const std::string& line);  // a note to the line sink, if any

// A loop that asks the same thing again and again (poll a mailslot, wait in
// slices): inside it, repeated calls are counted, and one line says what
// the last one answered and how often it was asked.
class RepeatScope {
 public:
  RepeatScope();
  ~RepeatScope();  // emits the last call with "(asked N times in T ms)"
  RepeatScope(const RepeatScope&) = delete;
  RepeatScope& operator=(const RepeatScope&) = delete;
 private:
  std::optional<CallEvent> last_;
  int count_ = 0;
  ULONGLONG started_ = 0;
  RepeatScope* outer_ = nullptr;
  bool active_ = false;  // false: no trace was ever asked for, so nothing to fold
  friend void emit(CallEvent event);
};

// While alive, the calls on this thread are ipcsh's own (CallEvent::own).
class OwnScope {
 public:
  OwnScope();
  ~OwnScope();
  OwnScope(const OwnScope&) = delete;
  OwnScope& operator=(const OwnScope&) = delete;
 private:
  bool outer_;
};

// One call: API(args) = result [ERROR_NAME (code)] [detail].
void emit_call(const char* api, std::initializer_list<Arg> args, const std::string& result, DWORD error,
               const std::string& detail = {});

// An OVERLAPPED's event with its low bit set: the I/O's completion is not
// queued to a completion port its handle is associated with (ipcsh's own
// I/O on a user's handle); waits take the plain value (without_tag).
inline HANDLE not_for_ports(HANDLE event) {
  return reinterpret_cast<HANDLE>(reinterpret_cast<std::uintptr_t>(event) | 1);
}
inline HANDLE without_tag(HANDLE event) {
  return reinterpret_cast<HANDLE>(reinterpret_cast<std::uintptr_t>(event) & ~static_cast<std::uintptr_t>(1));
}

// ---- Calls --------------------------------------------------------------

// A call returning a handle, `bad` on failure (NULL or INVALID_HANDLE_VALUE).
// Throws Win32Error; `fallback` is the error when the API set none.
template <class F>
HANDLE make(const char* api, std::initializer_list<Arg> args, HANDLE bad, F&& f, DWORD fallback = ERROR_GEN_FAILURE) {
  HANDLE h = f();
  DWORD error = GetLastError();
  bool failed = h == bad;
  if (tracing())
    emit_call(api, args, failed ? (bad == INVALID_HANDLE_VALUE ? "INVALID_HANDLE_VALUE" : "NULL") : handle_text(h),
              failed ? error : 0);
  if (failed)
    throw Win32Error(api, error ? error : fallback,
                     bad == INVALID_HANDLE_VALUE ? "it returned INVALID_HANDLE_VALUE" : "it returned NULL");
  SetLastError(error);
  return h;
}

// A BOOL call whose failure is an answer the caller handles (I/O pending,
// a client already connected, more data): returns 0 or the error code.
template <class F>
DWORD attempt(const char* api, std::initializer_list<Arg> args, F&& f,
              const std::function<std::string()>& detail = {}) {
  BOOL ok = f();
  DWORD error = ok ? 0 : GetLastError();
  if (!ok && error == 0) error = ERROR_GEN_FAILURE;
  if (tracing()) emit_call(api, args, ok ? "TRUE" : "FALSE", error, detail ? detail() : std::string());
  SetLastError(error);
  return error;
}

// A BOOL call that must succeed: throws Win32Error when it returns FALSE.
template <class F>
void check(const char* api, std::initializer_list<Arg> args, F&& f, const std::function<std::string()>& detail = {}) {
  if (DWORD error = attempt(api, args, std::forward<F>(f), detail)) throw Win32Error(api, error);
}

// A call returning a number: `failure` (e.g. (DWORD)-1, WAIT_FAILED) is an
// error; the result is shown through `names` when given.
template <class R, class F>
R number(const char* api, std::initializer_list<Arg> args, R failure, F&& f, const NameTable* names = nullptr) {
  R r = f();
  DWORD error = r == failure ? GetLastError() : 0;
  if (tracing()) {
    auto u = static_cast<std::uint64_t>(r);
    emit_call(api, args, names ? value_text(u, *names) : std::to_string(static_cast<std::int64_t>(r)), error);
  }
  if (r == failure) throw Win32Error(api, error ? error : ERROR_GEN_FAILURE);
  return r;
}

// A function of ntdll.dll by name (nullptr if this Windows has none): the
// NT calls the Win32 API does not export.
template <class F>
F ntdll(const char* name) {
  static HMODULE module = GetModuleHandleW(L"ntdll.dll");
  return reinterpret_cast<F>(reinterpret_cast<void*>(GetProcAddress(module, name)));
}
// A failed NTSTATUS as the error the shell reports: the Win32 code
// (RtlNtStatusToDosError) with the status by name in the note -
// "STATUS_OBJECT_NAME_NOT_FOUND (0xc0000034)".
[[noreturn]] void throw_nt(const char* api, LONG status);

// An NT call: returns the NTSTATUS (negative: failed), traced by name.
template <class F>
LONG nt(const char* api, std::initializer_list<Arg> args, F&& f) {
  LONG status = f();
  if (tracing()) emit_call(api, args, value_text(static_cast<ULONG>(status), ntstatus_names), 0);
  return status;
}

// A Winsock call returning SOCKET_ERROR (or INVALID_SOCKET) on failure; the
// error is WSAGetLastError's. Throws unless `answer` is set.
DWORD socket_error();  // WSAGetLastError
template <class R, class F>
R socket(const char* api, std::initializer_list<Arg> args, R failure, F&& f, std::string note = {}) {
  R r = f();
  DWORD error = r == failure ? socket_error() : 0;
  if (tracing()) emit_call(api, args, r == failure ? "SOCKET_ERROR" : std::to_string(static_cast<std::int64_t>(r)), error);
  if (r == failure) throw Win32Error(api, error, std::move(note));
  return r;
}

// ---- Waiting, once for every family -------------------------------------

// Called between slices: throws Interrupted on Ctrl+C, pumps messages.
using Between = std::function<void()>;
inline constexpr DWORD slice_ms = 50;  // how long Ctrl+C may go unnoticed

// WaitForMultipleObjects in slices; one trace line for the whole wait.
// Returns WAIT_OBJECT_0+i, WAIT_ABANDONED_0+i or WAIT_TIMEOUT.
// `traced` false: a wait that is part of another call's mechanism (an
// overlapped read's event, a helper thread), which that call's line covers.
// `shown`: the handles as the trace line names them (a pipe's event says
// which pipe it stands for), instead of their values.
DWORD wait(const std::vector<HANDLE>& handles, bool all, DWORD timeout_ms, const Between& between, bool traced = true,
           const std::vector<std::string>* shown = nullptr);
// Blocks until `h` is signaled (true) or a message arrives for this
// thread's windows (false): MsgWaitForMultipleObjects, no timeout, no
// slices, so an idle waiter costs no CPU. Untraced (an agent's idling).
bool wait_or_message(HANDLE h);
// Asks `ready` until it says yes or `timeout_ms` passes (INFINITE: no end),
// napping `nap_ms` between; the calls inside are traced as one repeated
// line. Returns ready's last answer.
bool poll(DWORD timeout_ms, const std::function<bool()>& ready, const Between& between, DWORD nap_ms = 5);
// Sleeps `timeout_ms` (INFINITE: until `between` throws) in slices, calling
// `between` after each: a long sleep wakes 20 times a second, not 200.
void pause(DWORD timeout_ms, const Between& between);

}  // namespace ipcsh::win
