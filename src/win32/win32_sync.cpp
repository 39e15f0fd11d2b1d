// Events, mutexes, semaphores, waitable timers, and the NtQuery* calls that
// read their state without consuming it.
#include <fmt/format.h>

#include "core/text.hpp"
#include "win32_api.hpp"

namespace ipcsh::win {
namespace {

std::wstring wide_or_empty(std::string_view name) { return to_wide(name); }
const wchar_t* name_or_null(const std::wstring& w) { return w.empty() ? nullptr : w.c_str(); }
Arg yes_no(bool b) { return literal(b ? "TRUE" : "FALSE"); }

template <class T>
bool query_state(const char* api, HANDLE h, T& out) {
  using Fn = LONG(NTAPI*)(HANDLE, int, void*, ULONG, ULONG*);
  static HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  auto fn = reinterpret_cast<Fn>(reinterpret_cast<void*>(GetProcAddress(ntdll, api)));
  if (!fn) return false;
  ULONG returned = 0;
  return nt(api, {handle(h), num(0)}, [&] { return fn(h, 0, &out, sizeof out, &returned); }) >= 0;
}

}  // namespace

HANDLE create_event(const Security& security, bool manual, bool initial, std::string_view name) {
  SecurityAttributes sa(security);
  std::wstring w = wide_or_empty(name);
  return make("CreateEventW", {security_attributes(security.inherit, security.sddl), yes_no(manual), yes_no(initial), optional_text(name)}, nullptr,
              [&] { return CreateEventW(sa.get(), manual, initial, name_or_null(w)); });
}

HANDLE create_mutex(const Security& security, bool owned, std::string_view name) {
  SecurityAttributes sa(security);
  std::wstring w = wide_or_empty(name);
  return make("CreateMutexW", {security_attributes(security.inherit, security.sddl), yes_no(owned), optional_text(name)}, nullptr,
              [&] { return CreateMutexW(sa.get(), owned, name_or_null(w)); });
}

HANDLE create_semaphore(const Security& security, LONG initial, LONG maximum, std::string_view name) {
  SecurityAttributes sa(security);
  std::wstring w = wide_or_empty(name);
  return make("CreateSemaphoreW", {security_attributes(security.inherit, security.sddl), num(initial), num(maximum), optional_text(name)}, nullptr,
              [&] { return CreateSemaphoreW(sa.get(), initial, maximum, name_or_null(w)); });
}

HANDLE create_waitable_timer(const Security& security, bool manual, std::string_view name) {
  SecurityAttributes sa(security);
  std::wstring w = wide_or_empty(name);
  return make("CreateWaitableTimerW", {security_attributes(security.inherit, security.sddl), yes_no(manual), optional_text(name)}, nullptr,
              [&] { return CreateWaitableTimerW(sa.get(), manual, name_or_null(w)); });
}

HANDLE open_sync(SyncKind kind, bool inheritable, std::string_view name, std::optional<DWORD> asked) {
  using Open = HANDLE(WINAPI*)(DWORD, BOOL, LPCWSTR);
  struct Row { const char* api; Open open; const char* type; };  // (type: the kernel's, whose rights the trace names)
  static const Row rows[] = {{"OpenEventW", OpenEventW, "Event"},
                             {"OpenMutexW", OpenMutexW, "Mutant"},
                             {"OpenSemaphoreW", OpenSemaphoreW, "Semaphore"},
                             {"OpenWaitableTimerW", OpenWaitableTimerW, "Timer"}};
  const Row& row = rows[static_cast<int>(kind)];
  const NameTable& rights = rights_of(row.type);
  DWORD access = asked.value_or(all_access(row.type));
  std::wstring w = to_wide(name);
  return make(row.api, {flags(access, rights), yes_no(inheritable), text(name)},
              nullptr, [&] { return row.open(access, inheritable, w.c_str()); });
}

void set_event(HANDLE h) { check("SetEvent", {handle(h)}, [&] { return SetEvent(h); }); }
void reset_event(HANDLE h) { check("ResetEvent", {handle(h)}, [&] { return ResetEvent(h); }); }
void pulse_event(HANDLE h) { check("PulseEvent", {handle(h)}, [&] { return PulseEvent(h); }); }
void release_mutex(HANDLE h) { check("ReleaseMutex", {handle(h)}, [&] { return ReleaseMutex(h); }); }

LONG release_semaphore(HANDLE h, LONG count) {
  LONG previous = 0;
  check("ReleaseSemaphore", {handle(h), num(count), literal("&previous")},
        [&] { return ReleaseSemaphore(h, count, &previous); }, [&] { return fmt::format("(previous {})", previous); });
  return previous;
}

DWORD signal_object_and_wait(HANDLE signal, HANDLE wait, DWORD timeout) {
  return number("SignalObjectAndWait", {handle(signal), handle(wait), named(timeout, timeout_names), literal("FALSE")},
                WAIT_FAILED, [&] { return SignalObjectAndWait(signal, wait, timeout, FALSE); }, &wait_names);
}

void set_waitable_timer(HANDLE h, LONGLONG due_100ns, LONG period_ms) {
  LARGE_INTEGER due;
  due.QuadPart = due_100ns;
  check("SetWaitableTimer", {handle(h), num(due_100ns), num(period_ms), literal("NULL"), literal("NULL"), literal("FALSE")},
        [&] { return SetWaitableTimer(h, &due, period_ms, nullptr, nullptr, FALSE); });
}

void cancel_waitable_timer(HANDLE h) {
  check("CancelWaitableTimer", {handle(h)}, [&] { return CancelWaitableTimer(h); });
}

bool query_event(HANDLE h, EventState& out) { return query_state("NtQueryEvent", h, out); }
bool query_semaphore(HANDLE h, SemaphoreState& out) { return query_state("NtQuerySemaphore", h, out); }
bool query_mutex(HANDLE h, MutexState& out) { return query_state("NtQueryMutant", h, out); }
bool query_timer(HANDLE h, TimerState& out) { return query_state("NtQueryTimer", h, out); }

DWORD wait_now(HANDLE h) {
  return number("WaitForSingleObject", {handle(h), num(0)}, WAIT_FAILED, [&] { return WaitForSingleObject(h, 0); },
                &wait_names);
}

}  // namespace ipcsh::win
