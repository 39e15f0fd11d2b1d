// wait: WaitForMultipleObjects on one or many handles, in slices so Ctrl+C
// brings the shell back; a pipe end in the list counts as signaled when it
// is readable (a read would not wait).
#include "agents/child_link.hpp"
#include "core/shapes.hpp"
#include "common.hpp"

#include <algorithm>

namespace ipcsh {
namespace {

Value wait(Session& s, const Args& a) {
  std::vector<HandleRef> targets = a.handles("H");
  if (targets.size() > MAXIMUM_WAIT_OBJECTS)
    throw UsageError(fmt::format("H: at most {} handles", MAXIMUM_WAIT_OBJECTS), 1);
  std::vector<HANDLE> raw;
  for (const auto& h : targets) raw.push_back(h->handle());
  DWORD timeout = a.timeout("timeout", INFINITE);
  bool all = a.flag("all");
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (timeout == INFINITE && targets[i]->kind == Kind::process &&
        (targets[i]->pseudo || win::is_this_process(targets[i]->handle())))
      throw UsageError(fmt::format("H: {} is this shell itself, which cannot end while it waits; give --timeout MS",
                                   targets[i]->value_text()),
                       static_cast<int>(i + 1));
  // Pipe ends are waited for readable (win32_readable.cpp); a list without
  // one is one WaitForMultipleObjects, as ever.
  bool pipes = std::any_of(targets.begin(), targets.end(), [](const HandleRef& h) { return h->kind == Kind::pipe; });
  DWORD code;
  if (!pipes) {
    code = s.wait_sliced(raw, all, timeout);
  } else {
    std::vector<win::WaitItem> items;
    items.reserve(targets.size());
    for (const auto& h : targets) {
      bool pipe = h->kind == Kind::pipe;
      items.push_back({h->handle(), pipe, pipe && h->overlapped, pipe && h->kept_empty_messages > 0});
    }
    code = win::wait_readable(items, all, timeout, s.between(),
                              [&targets](std::size_t i) { ++targets[i]->kept_empty_messages; });
  }
  // A child that ended has printed its last lines: they come before what
  // follows the wait.
  for (const auto& h : targets)
    if (h->kind == Kind::process && h->link && !h->link->agent() && win::wait_now(h->handle()) == WAIT_OBJECT_0)
      h->link->settle(1000);
  if (code == WAIT_TIMEOUT)
    return result(shape::wait, {"timeout", Value(), as_int(code), timeout == INFINITE ? Value() : Value(timeout), all},
                  {field::status, field::index, field::code, field::timeout, field::all}, 1);
  bool abandoned = code >= WAIT_ABANDONED_0 && code < WAIT_ABANDONED_0 + raw.size();
  DWORD index = code - (abandoned ? WAIT_ABANDONED_0 : WAIT_OBJECT_0);
  std::string var = s.variable_of(*targets[index]);
  return result(shape::wait,
                {abandoned ? "abandoned" : "signaled", as_int(index + 1), as_int(code), Value(), all, targets[index],
                 var.empty() ? Value() : Value(var)},
                {field::status, field::index, field::code, field::timeout, field::all, field::handle, field::var}, 2);
}

// SignalObjectAndWait: signal one object and start waiting on another in
// one step (no one can slip between). The first slice is the API's own
// wait; the rest, if any, a sliced wait on the same handle, so Ctrl+C works.
Value signal_and_wait(Session& s, const Args& a) {
  auto signal = a.handle("SIGNAL"), target = a.handle("WAIT");
  DWORD timeout = a.timeout("timeout", INFINITE);
  if (timeout == INFINITE && target->kind == Kind::process &&
      (target->pseudo || win::is_this_process(target->handle())))
    throw UsageError(fmt::format("WAIT: {} is this shell itself, which cannot end while it waits; give --timeout MS",
                                 target->value_text()),
                     2);
  DWORD first = std::min<DWORD>(timeout, win::slice_ms);
  DWORD code = win::signal_object_and_wait(signal->handle(), target->handle(), first);
  if (code == WAIT_TIMEOUT && timeout != first)
    code = s.wait_sliced({target->handle()}, false, timeout == INFINITE ? INFINITE : timeout - first);
  if (code == WAIT_TIMEOUT)
    return result(shape::wait, {"timeout", Value(), as_int(code), timeout == INFINITE ? Value() : Value(timeout), false},
                  {field::status, field::index, field::code, field::timeout, field::all}, 1);
  std::string var = s.variable_of(*target);
  return result(shape::wait,
                {code == WAIT_ABANDONED ? "abandoned" : "signaled", as_int(1), as_int(code), Value(), false, target,
                 var.empty() ? Value() : Value(var)},
                {field::status, field::index, field::code, field::timeout, field::all, field::handle, field::var}, 2);
}

// What SignalObjectAndWait can wait for: objects the kernel signals (a
// pipe end's readiness is wait's own doing, not the kernel's).
constexpr KindSet signaled_only{Kind::event, Kind::mutex,   Kind::semaphore, Kind::timer, Kind::process,
                                Kind::thread, Kind::file, Kind::mailslot,  Kind::job};

// wait and signal-and-wait answer alike.
const Returns wait_returns{
    .values = {{.name = "status", .type = LuaType::string, .about = "\"signaled\", \"abandoned\" or \"timeout\""},
               {.name = "index", .type = LuaType::integer, .optional = true, .about = "which handle (1-based); nil on timeout"}},
    .note = "The shell also reaches `$w.handle`, `$w.code` (the WAIT_* value) and `$w.var`"};

const FamilyRegistration family{"wait", "wait for handles to be signaled"};
const CommandRegistration registration{
    {.name = "wait",
     .family = "wait",
     .summary = "wait until a handle (any, or --all) is signaled (WaitForMultipleObjects); a pipe end: until a read "
                "would not wait",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = waitable, .variadic = true}},
     .flags = {{.name = "all", .type = ArgType::boolean, .help = "wait for all of them"},
               {.name = "timeout",
                .type = ArgType::timeout,
                .value_name = "MS|forever",
                .help = "give up after MS (default forever; Ctrl+C ends it)"}},
     .handler = wait,
     .method_args = {"timeout"},
     .returns = wait_returns},
    {.name = "signal-and-wait",
     .family = "wait",
     .summary = "signal SIGNAL and wait for WAIT in one step (SignalObjectAndWait)",
     .params = {{.name = "SIGNAL", .type = ArgType::handle, .kinds = {Kind::event, Kind::mutex, Kind::semaphore}},
                {.name = "WAIT", .type = ArgType::handle, .kinds = signaled_only}},
     .flags = {{.name = "timeout",
                .type = ArgType::timeout,
                .value_name = "MS|forever",
                .help = "give up after MS (default forever; Ctrl+C ends it)"}},
     .handler = signal_and_wait,
     .returns = wait_returns},
};

}  // namespace
}  // namespace ipcsh
