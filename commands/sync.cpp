// Synchronization objects: events, mutexes, semaphores, waitable timers.
// Each create-* opens the existing object when the name is taken (and says
// so); open-* needs the name to exist. A name taken by another kind of object
// is the kernel's ERROR_INVALID_HANDLE.
#include "common.hpp"

namespace ipcsh {
namespace {

Handler opener(win::SyncKind sync, Kind kind) {
  return [=](Session& s, const Args& a) -> Value {
    return s.add(kind, win::open_sync(sync, a.flag("inherit"), a.string("NAME")), a.string("NAME"));
  };
}

Value create_event(Session& s, const Args& a) {
  HANDLE h = win::create_event(a.flag("inherit"), a.flag("manual"), a.flag("set"), a.string("NAME"));
  return add_created(s, Kind::event, h, a.string("NAME"), a.flag("manual") ? "manual-reset" : "auto-reset");
}

Value create_mutex(Session& s, const Args& a) {
  HANDLE h = win::create_mutex(a.flag("inherit"), a.flag("owned"), a.string("NAME"));
  return add_created(s, Kind::mutex, h, a.string("NAME"), a.flag("owned") ? "created owned" : "");
}

Value create_semaphore(Session& s, const Args& a) {
  auto initial = static_cast<LONG>(a.integer("initial", 0)), maximum = static_cast<LONG>(a.integer("max", 1));
  HANDLE h = win::create_semaphore(a.flag("inherit"), initial, maximum, a.string("NAME"));
  return add_created(s, Kind::semaphore, h, a.string("NAME"), fmt::format("count {} of {}", initial, maximum));
}

Value create_timer(Session& s, const Args& a) {
  HANDLE h = win::create_waitable_timer(a.flag("inherit"), a.flag("manual"), a.string("NAME"));
  return add_created(s, Kind::timer, h, a.string("NAME"), a.flag("manual") ? "manual-reset" : "auto-reset");
}

// set-event, reset-event, pulse-event, release-mutex, cancel-timer: one
// call on one handle, reported as done.
Handler one_call(void (*call)(HANDLE), std::string shape) {
  return [=](Session&, const Args& a) -> Value {
    auto h = a.handle("H");
    call(h->handle());
    return report(shape, {h}, {"handle"});
  };
}

Value release_semaphore(Session&, const Args& a) {
  auto count = static_cast<LONG>(a.integer("N", 1));
  LONG previous = win::release_semaphore(a.handle("H")->handle(), count);
  return result("released", {static_cast<std::int64_t>(previous), static_cast<std::int64_t>(count)}, {"previous", "released"});
}

Value set_timer(Session&, const Args& a) {
  std::int64_t ms = a.integer("MS"), period = a.integer("period", 0);
  win::set_waitable_timer(a.handle("H")->handle(), -ms * 10000, static_cast<LONG>(period));  // negative: relative, 100 ns units
  return report("timer-set", {ms, period}, {"due", "period"});
}

const Param optional_name_param{"NAME", ArgType::name, {}, true};
const Param name_param{"NAME", ArgType::name};
const KindSet event_only{Kind::event}, mutex_only{Kind::mutex}, semaphore_only{Kind::semaphore},
    timer_only{Kind::timer};
constexpr Range count_range{0, 0x7FFFFFFF};

const CommandRegistration registration{
    {"create-event", "sync", "create (or open, if the name exists) an event (CreateEventW)",
     {optional_name_param},
     {{"manual", ArgType::boolean, "", "manual-reset: stays signaled until reset (default auto-reset)"},
      {"set", ArgType::boolean, "", "start signaled"}, inherit_flag},
     create_event},
    {"open-event", "sync", "open a named event (OpenEventW)", {name_param}, {inherit_flag},
     opener(win::SyncKind::event, Kind::event)},
    {"set-event", "sync", "signal an event (SetEvent)", {{"H", ArgType::handle, event_only}}, {},
     one_call(win::set_event, "set"), {}, {}, false, "set"},
    {"reset-event", "sync", "make an event non-signaled (ResetEvent)", {{"H", ArgType::handle, event_only}}, {},
     one_call(win::reset_event, "reset"), {}, {}, false, "reset"},
    {"pulse-event", "sync", "release the waiters there are now, then reset (PulseEvent)",
     {{"H", ArgType::handle, event_only}}, {}, one_call(win::pulse_event, "pulsed"), {}, {}, false, "pulse"},
    {"create-mutex", "sync", "create (or open) a mutex (CreateMutexW)", {optional_name_param},
     {{"owned", ArgType::boolean, "", "this shell's thread owns it from the start"}, inherit_flag}, create_mutex},
    {"open-mutex", "sync", "open a named mutex (OpenMutexW)", {name_param}, {inherit_flag},
     opener(win::SyncKind::mutex, Kind::mutex)},
    {"release-mutex", "sync", "give up ownership (ReleaseMutex; ERROR_NOT_OWNER if not the owner)",
     {{"H", ArgType::handle, mutex_only}}, {}, one_call(win::release_mutex, "released-mutex"), {}, {}, false, "release"},
    {"create-semaphore", "sync", "create (or open) a semaphore (CreateSemaphoreW)", {optional_name_param},
     {{"initial", ArgType::integer, "N", "initial count (default 0)", {}, count_range},
      {"max", ArgType::integer, "N", "maximum count (default 1)", {}, {1, 0x7FFFFFFF}}, inherit_flag},
     create_semaphore},
    {"open-semaphore", "sync", "open a named semaphore (OpenSemaphoreW)", {name_param}, {inherit_flag},
     opener(win::SyncKind::semaphore, Kind::semaphore)},
    {"release-semaphore", "sync", "add N (default 1) to the count; prints the previous count (ReleaseSemaphore)",
     {{"H", ArgType::handle, semaphore_only}, {"N", ArgType::integer, {}, true, false, {1, 0x7FFFFFFF}}}, {},
     release_semaphore, {}, {}, false, "release"},
    {"create-timer", "sync", "create (or open) a waitable timer (CreateWaitableTimerW)", {optional_name_param},
     {{"manual", ArgType::boolean, "", "manual-reset: stays signaled until set again"}, inherit_flag},
     create_timer},
    {"open-timer", "sync", "open a named waitable timer (OpenWaitableTimerW)", {name_param}, {inherit_flag},
     opener(win::SyncKind::timer, Kind::timer)},
    {"set-timer", "sync", "signal the timer in MS milliseconds, then every --period MS (SetWaitableTimer)",
     {{"H", ArgType::handle, timer_only}, {"MS", ArgType::integer, {}, false, false, {0, 0x7FFFFFFFFFFFFLL / 10000}}},
     {{"period", ArgType::integer, "MS", "repeat every MS milliseconds", {}, count_range}}, set_timer, {}, {}, false, "set"},
    {"cancel-timer", "sync", "stop the timer (CancelWaitableTimer)", {{"H", ArgType::handle, timer_only}}, {},
     one_call(win::cancel_waitable_timer, "cancelled"), {}, {}, false, "cancel"},
};

}  // namespace
}  // namespace ipcsh
