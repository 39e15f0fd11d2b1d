// Synchronization objects: events, mutexes, semaphores, waitable timers.
// Each create-* opens the existing object when the name is taken (and says
// so); open-* needs the name to exist. A name taken by another kind of object
// is the kernel's ERROR_INVALID_HANDLE.
#include "access.hpp"
#include "common.hpp"
#include "core/shapes.hpp"

namespace ipcsh {
namespace {

Handler opener(win::SyncKind sync, Kind kind) {
  return [=](Session& s, const Args& a) -> Value {
    const std::string& name = a.string("NAME");
    std::optional<ACCESS_MASK> access;
    if (a.has("access")) access = parse_access(a.string("access"), kernel_type(kind), "--access");
    auto asked = access.value_or(win::all_access(kernel_type(kind)));
    HANDLE h = open_explained(kind, name, asked, [&] { return win::open_sync(sync, a.flag("inherit"), name, access); });
    return s.add(kind, h, name);
  };
}

const Flag open_access_flag{.name = "access",
                             .type = ArgType::name,
                             .value_name = "MASK",
                             .help = "the access to ask for: rights joined with | (SYNCHRONIZE|MODIFY_STATE, "
                                     "GENERIC_READ) or a number; default all access"};

Value create_event(Session& s, const Args& a) {
  HANDLE h = win::create_event(security_of(a), a.flag("manual"), a.flag("set"), a.string("NAME"));
  auto ref = add_created(s, Kind::event, h, a.string("NAME"), a.flag("manual") ? "manual-reset" : "auto-reset", a);
  if (!ref->existed) ref->manual = a.flag("manual");
  return ref;
}

Value create_mutex(Session& s, const Args& a) {
  HANDLE h = win::create_mutex(security_of(a), a.flag("owned"), a.string("NAME"));
  return add_created(s, Kind::mutex, h, a.string("NAME"), a.flag("owned") ? "created owned" : "", a);
}

Value create_semaphore(Session& s, const Args& a) {
  auto initial = static_cast<LONG>(a.integer("initial", 0)), maximum = static_cast<LONG>(a.integer("max", 1));
  HANDLE h = win::create_semaphore(security_of(a), initial, maximum, a.string("NAME"));
  return add_created(s, Kind::semaphore, h, a.string("NAME"), fmt::format("count {} of {}", initial, maximum), a);
}

Value create_timer(Session& s, const Args& a) {
  HANDLE h = win::create_waitable_timer(security_of(a), a.flag("manual"), a.string("NAME"));
  auto ref = add_created(s, Kind::timer, h, a.string("NAME"), a.flag("manual") ? "manual-reset" : "auto-reset", a);
  if (!ref->existed) ref->manual = a.flag("manual");
  return ref;
}

// set-event, reset-event, pulse-event, release-mutex, cancel-timer: one
// call on one handle, reported as done.
Handler one_call(void (*call)(HANDLE), std::string_view shape) {
  return [=](Session&, const Args& a) -> Value {
    auto h = a.handle("H");
    call(h->handle());
    return report(shape, {h}, {field::handle});
  };
}

Value release_semaphore(Session&, const Args& a) {
  auto count = static_cast<LONG>(a.integer("N", 1));
  LONG previous = win::release_semaphore(a.handle("H")->handle(), count);
  return result(shape::released, {static_cast<std::int64_t>(previous), static_cast<std::int64_t>(count)}, {field::previous, field::released});
}

Value set_timer(Session&, const Args& a) {
  std::int64_t ms = a.integer("MS"), period = a.integer("period", 0);
  win::set_waitable_timer(a.handle("H")->handle(), -ms * 10000, static_cast<LONG>(period));  // negative: relative, 100 ns units
  return report(shape::timer_set, {ms, period}, {field::due, field::period});
}

const Param optional_name_param{.name = "NAME", .type = ArgType::name, .optional = true};
const Param name_param{.name = "NAME", .type = ArgType::name};
const KindSet event_only{Kind::event}, mutex_only{Kind::mutex}, semaphore_only{Kind::semaphore},
    timer_only{Kind::timer};
constexpr Range count_range{0, 0x7FFFFFFF};

const FamilyRegistration family{"sync", "events, mutexes, semaphores and waitable timers"};
const CommandRegistration registration{
    {.name = "create-event",
     .family = "sync",
     .summary = "create (or open, if the name exists) an event (CreateEventW)",
     .params = {optional_name_param},
     .flags = {{.name = "manual",
                .type = ArgType::boolean,
                .help = "manual-reset: stays signaled until reset (default auto-reset)"},
               {.name = "set", .type = ArgType::boolean, .help = "start signaled"},
               inherit_flag, sddl_flag},
     .handler = create_event,
     .returns = {.values = {{.name = "event", .type = LuaType::handle, .kind = Kind::event, .about = "new, or the existing one of that name (its line says opened existing)"}}}},
    {.name = "open-event",
     .family = "sync",
     .summary = "open a named event (OpenEventW)",
     .params = {name_param},
     .flags = {inherit_flag, open_access_flag},
     .handler = opener(win::SyncKind::event, Kind::event),
     .returns = {.values = {{.name = "event", .type = LuaType::handle, .kind = Kind::event}}}},
    {.name = "set-event",
     .family = "sync",
     .summary = "signal an event (SetEvent)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = event_only}},
     .handler = one_call(win::set_event, shape::set),
     .method = "set",
     .returns = {}},
    {.name = "reset-event",
     .family = "sync",
     .summary = "make an event non-signaled (ResetEvent)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = event_only}},
     .handler = one_call(win::reset_event, shape::reset),
     .method = "reset",
     .returns = {}},
    {.name = "pulse-event",
     .family = "sync",
     .summary = "release the waiters there are now, then reset (PulseEvent)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = event_only}},
     .handler = one_call(win::pulse_event, shape::pulsed),
     .method = "pulse",
     .returns = {}},
    {.name = "create-mutex",
     .family = "sync",
     .summary = "create (or open) a mutex (CreateMutexW)",
     .params = {optional_name_param},
     .flags = {{.name = "owned", .type = ArgType::boolean, .help = "this shell's thread owns it from the start"},
               inherit_flag, sddl_flag},
     .handler = create_mutex,
     .returns = {.values = {{.name = "mutex", .type = LuaType::handle, .kind = Kind::mutex, .about = "new, or the existing one of that name"}}}},
    {.name = "open-mutex",
     .family = "sync",
     .summary = "open a named mutex (OpenMutexW)",
     .params = {name_param},
     .flags = {inherit_flag, open_access_flag},
     .handler = opener(win::SyncKind::mutex, Kind::mutex),
     .returns = {.values = {{.name = "mutex", .type = LuaType::handle, .kind = Kind::mutex}}}},
    {.name = "release-mutex",
     .family = "sync",
     .summary = "give up ownership (ReleaseMutex; ERROR_NOT_OWNER if not the owner)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = mutex_only}},
     .handler = one_call(win::release_mutex, shape::released_mutex),
     .method = "release",
     .returns = {}},
    {.name = "create-semaphore",
     .family = "sync",
     .summary = "create (or open) a semaphore (CreateSemaphoreW)",
     .params = {optional_name_param},
     .flags = {{.name = "initial",
                .type = ArgType::integer,
                .value_name = "N",
                .help = "initial count (default 0)",
                .range = count_range},
               {.name = "max",
                .type = ArgType::integer,
                .value_name = "N",
                .help = "maximum count (default 1)",
                .range = {1, 0x7FFFFFFF}},
               inherit_flag, sddl_flag},
     .handler = create_semaphore,
     .returns = {.values = {{.name = "semaphore", .type = LuaType::handle, .kind = Kind::semaphore, .about = "new, or the existing one of that name"}}}},
    {.name = "open-semaphore",
     .family = "sync",
     .summary = "open a named semaphore (OpenSemaphoreW)",
     .params = {name_param},
     .flags = {inherit_flag, open_access_flag},
     .handler = opener(win::SyncKind::semaphore, Kind::semaphore),
     .returns = {.values = {{.name = "semaphore", .type = LuaType::handle, .kind = Kind::semaphore}}}},
    {.name = "release-semaphore",
     .family = "sync",
     .summary = "add N (default 1) to the count; prints the previous count (ReleaseSemaphore)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = semaphore_only},
                {.name = "N", .type = ArgType::integer, .optional = true, .range = {1, 0x7FFFFFFF}}},
     .handler = release_semaphore,
     .method = "release",
     .returns = {.values = {{.name = "previous", .type = LuaType::integer, .about = "the count before"},
                            {.name = "released", .type = LuaType::integer, .about = "N"}}}},
    {.name = "create-timer",
     .family = "sync",
     .summary = "create (or open) a waitable timer (CreateWaitableTimerW)",
     .params = {optional_name_param},
     .flags = {{.name = "manual", .type = ArgType::boolean, .help = "manual-reset: stays signaled until set again"},
               inherit_flag, sddl_flag},
     .handler = create_timer,
     .returns = {.values = {{.name = "timer", .type = LuaType::handle, .kind = Kind::timer, .about = "new, or the existing one of that name"}}}},
    {.name = "open-timer",
     .family = "sync",
     .summary = "open a named waitable timer (OpenWaitableTimerW)",
     .params = {name_param},
     .flags = {inherit_flag, open_access_flag},
     .handler = opener(win::SyncKind::timer, Kind::timer),
     .returns = {.values = {{.name = "timer", .type = LuaType::handle, .kind = Kind::timer}}}},
    {.name = "set-timer",
     .family = "sync",
     .summary = "signal the timer in MS milliseconds, then every --period MS (SetWaitableTimer)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = timer_only},
                {.name = "MS", .type = ArgType::integer, .range = {0, 0x7FFFFFFFFFFFFLL / 10000}}},
     .flags = {{.name = "period",
                .type = ArgType::integer,
                .value_name = "MS",
                .help = "repeat every MS milliseconds",
                .range = count_range}},
     .handler = set_timer,
     .method = "set",
     .returns = {}},
    {.name = "cancel-timer",
     .family = "sync",
     .summary = "stop the timer (CancelWaitableTimer)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = timer_only}},
     .handler = one_call(win::cancel_waitable_timer, shape::cancelled),
     .method = "cancel",
     .returns = {}},
};

}  // namespace
}  // namespace ipcsh
