// Synchronization objects: events, mutexes, semaphores, waitable timers.
// Each create-* opens the existing object when the name is taken (and says
// so); open-* needs the name to exist. A name taken by another kind of object
// is the kernel's ERROR_INVALID_HANDLE.
#include "common.hpp"

namespace ipcsh {
namespace {

// open-event, open-mutex, ...: the Open* APIs share one shape.
using OpenApi = HANDLE(WINAPI*)(DWORD, BOOL, LPCWSTR);
Handler opener(OpenApi open, DWORD access, const char* api, Kind kind) {
  return [=](Session& s, const Args& a) -> Value {
    HANDLE h = open(access, a.flag("inherit"), to_wide(a.string("NAME")).c_str());
    if (!h) throw_last_error(api);
    return s.add(kind, h, a.string("NAME"));
  };
}

Value create_event(Session& s, const Args& a) {
  return create_named(s, a, "CreateEventW", Kind::event, a.flag("manual") ? "manual-reset" : "auto-reset",
                      [&](SECURITY_ATTRIBUTES* sa, const wchar_t* name) {
                        return CreateEventW(sa, a.flag("manual"), a.flag("set"), name);
                      });
}

Value create_mutex(Session& s, const Args& a) {
  return create_named(s, a, "CreateMutexW", Kind::mutex, a.flag("owned") ? "created owned" : "",
                      [&](SECURITY_ATTRIBUTES* sa, const wchar_t* name) {
                        return CreateMutexW(sa, a.flag("owned"), name);
                      });
}

Value create_semaphore(Session& s, const Args& a) {
  LONG initial = static_cast<LONG>(a.integer("initial", 0)), maximum = static_cast<LONG>(a.integer("max", 1));
  return create_named(s, a, "CreateSemaphoreW", Kind::semaphore, fmt::format("count {} of {}", initial, maximum),
                      [&](SECURITY_ATTRIBUTES* sa, const wchar_t* name) {
                        return CreateSemaphoreW(sa, initial, maximum, name);
                      });
}

Value create_timer(Session& s, const Args& a) {
  return create_named(s, a, "CreateWaitableTimerW", Kind::timer, a.flag("manual") ? "manual-reset" : "auto-reset",
                      [&](SECURITY_ATTRIBUTES* sa, const wchar_t* name) {
                        return CreateWaitableTimerW(sa, a.flag("manual"), name);
                      });
}

Value event_call(const Args& a, BOOL (*api)(HANDLE), const char* api_name, const char* done) {
  auto h = a.handle("H");
  if (!api(h->handle())) throw_last_error(api_name);
  return Note{fmt::format("{} {} {}", done, kind_name(h->kind), h->value_text())};
}
Value set_event(Session&, const Args& a) { return event_call(a, SetEvent, "SetEvent", "set"); }
Value reset_event(Session&, const Args& a) { return event_call(a, ResetEvent, "ResetEvent", "reset"); }
Value pulse_event(Session&, const Args& a) { return event_call(a, PulseEvent, "PulseEvent", "pulsed"); }
Value release_mutex(Session&, const Args& a) { return event_call(a, ReleaseMutex, "ReleaseMutex", "released"); }

Value release_semaphore(Session&, const Args& a) {
  LONG previous = 0;
  LONG count = static_cast<LONG>(a.integer("N", 1));
  if (!ReleaseSemaphore(a.handle("H")->handle(), count, &previous)) throw_last_error("ReleaseSemaphore");
  return described(static_cast<std::int64_t>(previous),
                   fmt::format("released {}; the count was {}, now {}", count, previous, previous + count));
}

Value set_timer(Session&, const Args& a) {
  std::int64_t ms = a.integer("MS"), period = a.integer("period", 0);
  LARGE_INTEGER due;
  due.QuadPart = -ms * 10000;  // negative: relative, in 100 ns units
  if (!SetWaitableTimer(a.handle("H")->handle(), &due, static_cast<LONG>(period), nullptr, nullptr, FALSE))
    throw_last_error("SetWaitableTimer");
  return Note{period ? fmt::format("due in {} ms, then every {} ms", ms, period) : fmt::format("due in {} ms", ms)};
}

Value cancel_timer(Session&, const Args& a) {
  return event_call(a, CancelWaitableTimer, "CancelWaitableTimer", "cancelled");
}

const Flag inherit_flag{"inherit", ArgType::boolean, "", "make the new handle inheritable"};
const Param optional_name_param{"NAME", ArgType::string, {}, true};
const Param name_param{"NAME", ArgType::string};
const KindSet event_only{Kind::event}, mutex_only{Kind::mutex}, semaphore_only{Kind::semaphore},
    timer_only{Kind::timer};

const CommandRegistration registration{
    {"create-event", "sync", "create (or open, if the name exists) an event (CreateEventW)",
     {optional_name_param},
     {{"manual", ArgType::boolean, "", "manual-reset: stays signaled until reset (default auto-reset)"},
      {"set", ArgType::boolean, "", "start signaled"}, inherit_flag},
     create_event},
    {"open-event", "sync", "open a named event (OpenEventW)", {name_param}, {inherit_flag},
     opener(OpenEventW, EVENT_ALL_ACCESS, "OpenEventW", Kind::event)},
    {"set-event", "sync", "signal an event (SetEvent)", {{"H", ArgType::handle, event_only}}, {}, set_event},
    {"reset-event", "sync", "make an event non-signaled (ResetEvent)", {{"H", ArgType::handle, event_only}}, {},
     reset_event},
    {"pulse-event", "sync", "release the waiters there are now, then reset (PulseEvent)",
     {{"H", ArgType::handle, event_only}}, {}, pulse_event},
    {"create-mutex", "sync", "create (or open) a mutex (CreateMutexW)", {optional_name_param},
     {{"owned", ArgType::boolean, "", "this shell's thread owns it from the start"}, inherit_flag}, create_mutex},
    {"open-mutex", "sync", "open a named mutex (OpenMutexW)", {name_param}, {inherit_flag},
     opener(OpenMutexW, MUTEX_ALL_ACCESS, "OpenMutexW", Kind::mutex)},
    {"release-mutex", "sync", "give up ownership (ReleaseMutex; ERROR_NOT_OWNER if not the owner)",
     {{"H", ArgType::handle, mutex_only}}, {}, release_mutex},
    {"create-semaphore", "sync", "create (or open) a semaphore (CreateSemaphoreW)", {optional_name_param},
     {{"initial", ArgType::integer, "N", "initial count (default 0)"},
      {"max", ArgType::integer, "N", "maximum count (default 1)"}, inherit_flag},
     create_semaphore},
    {"open-semaphore", "sync", "open a named semaphore (OpenSemaphoreW)", {name_param}, {inherit_flag},
     opener(OpenSemaphoreW, SEMAPHORE_ALL_ACCESS, "OpenSemaphoreW", Kind::semaphore)},
    {"release-semaphore", "sync", "add N (default 1) to the count; prints the previous count (ReleaseSemaphore)",
     {{"H", ArgType::handle, semaphore_only}, {"N", ArgType::integer, {}, true}}, {}, release_semaphore},
    {"create-timer", "sync", "create (or open) a waitable timer (CreateWaitableTimerW)", {optional_name_param},
     {{"manual", ArgType::boolean, "", "manual-reset: stays signaled until set again"}, inherit_flag},
     create_timer},
    {"open-timer", "sync", "open a named waitable timer (OpenWaitableTimerW)", {name_param}, {inherit_flag},
     opener(OpenWaitableTimerW, TIMER_ALL_ACCESS, "OpenWaitableTimerW", Kind::timer)},
    {"set-timer", "sync", "signal the timer in MS milliseconds, then every --period MS (SetWaitableTimer)",
     {{"H", ArgType::handle, timer_only}, {"MS", ArgType::integer}},
     {{"period", ArgType::integer, "MS", "repeat every MS milliseconds"}}, set_timer},
    {"cancel-timer", "sync", "stop the timer (CancelWaitableTimer)", {{"H", ArgType::handle, timer_only}}, {},
     cancel_timer},
};

}  // namespace
}  // namespace ipcsh
