// The Win32 layer's trace: argument rendering, the current sink, repeated
// calls folded into one line, and the sliced waits and polls.
#include <winsock2.h>

#include <atomic>

#include <fmt/format.h>

#include "core/syntax.hpp"
#include "core/escape.hpp"
#include "win32.hpp"

namespace ipcsh::win {
namespace {

// One thread_local for all of a thread's trace state: MinGW's thread_local
// is emulated (a function call per variable reached), and every call made
// asks it.
struct TraceState {
  const TraceSink* sink = nullptr;
  const CallSink* calls = nullptr;
  RepeatScope* repeat = nullptr;
  bool own = false;  // inside an OwnScope
};
thread_local TraceState trace_state;
// Set by the first scope with a sink: until then no thread's trace state is
// anything but empty, and the calls skip it (the common case: no trace).
std::atomic<bool> trace_ever_used{false};
bool never_traced() { return !trace_ever_used.load(std::memory_order_relaxed); }

// Text as the call received it: backslashes as typed, control bytes escaped.
std::string quoted_text(std::string_view s) {
  return escape(s, escapes::as_received);
}

std::string data_text(std::string_view bytes) {
  constexpr std::size_t shown = 32;
  std::string q = quote_bytes(bytes.substr(0, shown));
  if (bytes.size() > shown) q.insert(q.size() - 1, "...");
  return fmt::format("{}, {}", q, bytes.size());
}

}  // namespace

std::string flag_text(std::uint64_t value, const NameTable& names) {
  for (const auto& n : names)
    if (n.value == value) return std::string(n.name);
  if (value == 0) return "0";
  std::string out;
  std::uint64_t left = value;
  for (const auto& n : names) {
    if (n.value == 0 || (left & n.value) != n.value) continue;
    out += (out.empty() ? "" : "|") + std::string(n.name);
    left &= ~n.value;
  }
  if (left) out += (out.empty() ? "" : "|") + fmt::format("{:#x}", left);
  return out;
}

std::string value_text(std::uint64_t value, const NameTable& names) {
  for (const auto& n : names)
    if (n.value == value) return std::string(n.name);
  return value > 0xFFFF ? fmt::format("{:#x}", value) : std::to_string(value);
}

std::string handle_text(const void* h) {
  auto v = reinterpret_cast<std::intptr_t>(h);
  if (v == 0) return "NULL";
  return v < 0 ? std::to_string(v) : fmt::format("{:#x}", v);
}

std::string show(const Arg& a) {
  switch (a.as) {
    case Arg::As::number: return std::to_string(a.n);
    case Arg::As::hex: return fmt::format("{:#x}", static_cast<std::uint64_t>(a.n));
    case Arg::As::text: return quoted_text(a.s);
    case Arg::As::flags: return flag_text(static_cast<std::uint64_t>(a.n), *a.names);
    case Arg::As::value: return value_text(static_cast<std::uint64_t>(a.n), *a.names);
    case Arg::As::inherit: return a.n ? "inherit=yes" : "inherit=no";
    case Arg::As::security:
      return fmt::format("SECURITY_ATTRIBUTES{{bInheritHandle={}, sd={}}}", a.n ? "TRUE" : "FALSE", quoted_text(a.s));
    case Arg::As::handle: return handle_text(reinterpret_cast<const void*>(static_cast<std::intptr_t>(a.n)));
    case Arg::As::data: return data_text(a.s);
    case Arg::As::literal: return std::string(a.s);
  }
  return "?";
}

TraceScope::TraceScope(const TraceSink* lines, const CallSink* calls) {
  if (!lines && !calls && never_traced()) return;
  if (lines || calls) trace_ever_used.store(true, std::memory_order_relaxed);
  active_ = true;
  TraceState& t = trace_state;
  previous_lines_ = t.sink;
  previous_calls_ = t.calls;
  t.sink = lines;
  t.calls = calls;
}
TraceScope::~TraceScope() {
  if (!active_) return;
  TraceState& t = trace_state;
  t.sink = previous_lines_;
  t.calls = previous_calls_;
}

bool tracing() {
  if (never_traced()) return false;
  const TraceState& t = trace_state;
  return (t.sink && *t.sink) || (t.calls && *t.calls);
}

void trace(const std::string& line) {
  if (never_traced()) return;
  const TraceState& t = trace_state;
  if (t.sink && *t.sink) (*t.sink)(line);
}

std::string CallEvent::line() const {
  std::string out = api + "(";
  for (std::size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + show(args[i].arg);
  out += ") = " + result;
  if (error) out += fmt::format(" {} ({})", error_name(error), error);
  if (!detail.empty()) out += " " + detail;
  if (own) out += " (ipcsh's own)";
  return out;
}

void emit(CallEvent event) {
  if (never_traced()) return;
  TraceState& t = trace_state;
  event.own = event.own || t.own;
  if (t.repeat) {
    t.repeat->last_ = std::move(event);
    ++t.repeat->count_;
    return;
  }
  if (t.sink && *t.sink) (*t.sink)(event.line());
  if (t.calls && *t.calls) (*t.calls)(event);
}

OwnScope::OwnScope() : outer_(trace_state.own) { trace_state.own = true; }
OwnScope::~OwnScope() { trace_state.own = outer_; }

RepeatScope::RepeatScope() {
  if (never_traced()) return;
  active_ = true;
  started_ = GetTickCount64();
  outer_ = trace_state.repeat;
  trace_state.repeat = this;
}

RepeatScope::~RepeatScope() {
  if (!active_) return;
  trace_state.repeat = outer_;
  if (!last_) return;
  if (count_ > 1)
    last_->detail += (last_->detail.empty() ? "" : " ") +
                     fmt::format("(asked {} times in {} ms)", count_, GetTickCount64() - started_);
  emit(std::move(*last_));
}

void emit_call(const char* api, std::initializer_list<Arg> args, const std::string& result, DWORD error,
               const std::string& detail) {
  CallEvent event{api, {}, result, error, detail};
  event.args.reserve(args.size());
  for (const auto& a : args) {
    event.args.push_back({a, std::string(a.s)});
  }
  for (auto& owned : event.args) owned.arg.s = owned.text;  // after the vector stopped moving
  emit(std::move(event));
}

void throw_nt(const char* api, LONG status) {
  static auto to_error = ntdll<ULONG(NTAPI*)(LONG)>("RtlNtStatusToDosError");
  auto code = static_cast<ULONG>(status);
  std::string name = value_text(code, ntstatus_names);
  throw Win32Error(api, to_error ? to_error(status) : ERROR_GEN_FAILURE,
                   fmt::format("the kernel said {}{:#x}", name.rfind("STATUS_", 0) == 0 ? name + ", " : "NTSTATUS ", code));
}

DWORD socket_error() { return static_cast<DWORD>(WSAGetLastError()); }

DWORD wait(const std::vector<HANDLE>& handles, bool all, DWORD timeout_ms, const Between& between, bool traced,
           const std::vector<std::string>* shown) {
  // The handles in words only for a trace line (a wait in a loop must not
  // format them each time).
  auto list = [&] {
    std::string text;
    for (std::size_t i = 0; i < handles.size(); ++i)
      text += (text.empty() ? "" : ", ") + (shown && i < shown->size() ? (*shown)[i] : handle_text(handles[i]));
    return text;
  };
  ULONGLONG started = GetTickCount64(), deadline = started + timeout_ms;
  auto count = static_cast<DWORD>(handles.size());
  auto finish = [&](DWORD result, DWORD error) {
    if (traced && tracing())
      emit_call("WaitForMultipleObjects",
                {num(count), literal("[" + list() + "]"), literal(all ? "TRUE" : "FALSE"), named(timeout_ms, timeout_names)},
                value_text(result, wait_names), error,
                fmt::format("(after {} ms)", GetTickCount64() - started));
    return result;
  };
  for (;;) {
    if (between) {
      try {
        between();
      } catch (const Interrupted&) {
        if (traced) trace(fmt::format("WaitForMultipleObjects([{}]) interrupted by Ctrl+C after {} ms", list(), GetTickCount64() - started));
        throw;
      }
    }
    // Slices only when there is something to do between them: a waiter
    // with nothing to check (a channel's reader thread) sleeps in one wait.
    DWORD slice = between ? slice_ms : timeout_ms;
    if (timeout_ms != INFINITE) {
      ULONGLONG now = GetTickCount64();
      slice = now >= deadline ? 0 : static_cast<DWORD>(std::min<ULONGLONG>(slice, deadline - now));
    }
    DWORD result = WaitForMultipleObjects(count, handles.data(), all, slice);
    if (result == WAIT_FAILED) {
      DWORD error = GetLastError();
      finish(result, error);
      throw Win32Error("WaitForMultipleObjects", error);
    }
    if (result != WAIT_TIMEOUT) return finish(result, 0);
    if (timeout_ms != INFINITE && GetTickCount64() >= deadline) return finish(WAIT_TIMEOUT, 0);
  }
}

bool wait_or_message(HANDLE h) {
  DWORD result = MsgWaitForMultipleObjects(1, &h, FALSE, INFINITE, QS_ALLINPUT);
  if (result == WAIT_FAILED) throw Win32Error("MsgWaitForMultipleObjects", GetLastError());
  return result == WAIT_OBJECT_0;
}

bool poll(DWORD timeout_ms, const std::function<bool()>& ready, const Between& between, DWORD nap_ms) {
  RepeatScope repeated;
  ULONGLONG started = GetTickCount64(), deadline = started + timeout_ms;
  unsigned asked = 0;
  for (;;) {
    if (ready()) return true;
    if (between) between();
    ULONGLONG now = GetTickCount64();
    if (timeout_ms != INFINITE && now >= deadline) return false;
    // What has no handle to wait on is asked again at once at first, then
    // every millisecond, and only after 50 ms every `nap_ms`: an answer
    // that comes quickly is seen quickly, a long wait costs little.
    ULONGLONG waited = now - started;
    DWORD want = asked++ < 16 ? 0 : waited < 50 ? 1 : nap_ms;
    DWORD nap = timeout_ms == INFINITE ? want : static_cast<DWORD>(std::min<ULONGLONG>(want, deadline - now));
    Sleep(nap);
  }
}

void pause(DWORD timeout_ms, const Between& between) {
  ULONGLONG deadline = GetTickCount64() + timeout_ms;
  for (;;) {
    if (between) between();
    ULONGLONG now = GetTickCount64();
    if (timeout_ms != INFINITE && now >= deadline) return;
    Sleep(timeout_ms == INFINITE ? slice_ms : static_cast<DWORD>(std::min<ULONGLONG>(slice_ms, deadline - now)));
  }
}

}  // namespace ipcsh::win
