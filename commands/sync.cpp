// Synchronization objects. Events: manual-reset stays signaled until reset;
// auto-reset releases one waiter and resets itself.
#include "common.hpp"

namespace ipcsh {
namespace {

const wchar_t* optional_name(const std::wstring& name) { return name.empty() ? nullptr : name.c_str(); }

Value create_event(Session& s, const Args& a) {
  std::wstring name = to_wide(a.string("NAME"));
  InheritAttributes attributes(a.flag("inherit"));
  HANDLE h = CreateEventW(attributes.get(), a.flag("manual"), a.flag("set"), optional_name(name));
  if (!h) throw_last_error("CreateEventW");
  bool existed = GetLastError() == ERROR_ALREADY_EXISTS;
  auto ref = s.add(Kind::event, h, a.string("NAME"));
  ref->role = std::string(a.flag("manual") ? "manual-reset" : "auto-reset") + (existed ? " (opened existing)" : "");
  return ref;
}

Value event_call(const Args& a, BOOL (*api)(HANDLE), const char* api_name, const char* done) {
  auto h = a.handle("H");
  if (!api(h->handle())) throw_last_error(api_name);
  return Note{fmt::format("{} {} {}", done, kind_name(h->kind), h->value_text())};
}

Value set_event(Session&, const Args& a) { return event_call(a, SetEvent, "SetEvent", "set"); }
Value reset_event(Session&, const Args& a) { return event_call(a, ResetEvent, "ResetEvent", "reset"); }

const KindSet event_only{Kind::event};

const CommandRegistration registration{
    {"create-event", "sync", "create (or open, if the name exists) an event (CreateEventW)",
     {{"NAME", ArgType::string, {}, true}},
     {{"manual", ArgType::boolean, "", "manual-reset (default auto-reset)"},
      {"set", ArgType::boolean, "", "start signaled"},
      {"inherit", ArgType::boolean, "", "make the new handle inheritable"}},
     create_event},
    {"set-event", "sync", "signal an event (SetEvent)", {{"H", ArgType::handle, event_only}}, {}, set_event},
    {"reset-event", "sync", "make an event non-signaled (ResetEvent)", {{"H", ArgType::handle, event_only}}, {},
     reset_event},
};

}  // namespace
}  // namespace ipcsh
