// The handle family: what a handle is, who else holds the object, and
// DuplicateHandle/CloseHandle/SetHandleInformation.
#include "../shell/nt.hpp"
#include "../shell/unique_handle.hpp"
#include "object_info.hpp"
#include "signal_state.hpp"

namespace ipcsh {
namespace {

Value info(Session&, const Args& a) {
  auto h = a.handle("H");
  if (h->kind == Kind::view) return view_info(*h);
  if (h->kind == Kind::window) return window_info(*h);
  ObjectFacts facts = query_object(h->handle());
  if (!facts.valid) throw_error("NtQueryObject", ERROR_INVALID_HANDLE, h->value_text() + " is not a handle here");
  auto signaled = signaled_now(*h);
  Record r;
  r.fields = {{"kind", std::string(kind_name(h->kind))},
              {"value", h->value(), h->value_text()},
              {"type", facts.type},
              {"name", facts.name.empty() ? Value() : Value(facts.name), facts.name.empty() ? "(none)" : ""},
              {"access", static_cast<std::int64_t>(facts.granted_access), fmt::format("{:#x}", facts.granted_access)},
              {"inherit", h->inheritable()},
              {"handle_count", static_cast<std::int64_t>(facts.handle_count)},
              {"pointer_count", static_cast<std::int64_t>(facts.pointer_count)},
              {"signaled", signaled ? Value(*signaled) : Value(), signaled ? "" : "n/a"}};
  if (h->kind == Kind::process) r.fields.push_back({"pid", static_cast<std::int64_t>(GetProcessId(h->handle()))});
  if (h->kind == Kind::socket) add_socket_facts(*h, r);
  return r;
}

Value close(Session&, const Args& a) {
  auto h = a.handle("H");
  std::string line = fmt::format("closed {} {}", kind_name(h->kind), h->value_text());
  h->close();
  if (h->pseudo) line = "CloseHandle(-1) succeeded and did nothing: -1 is the pseudo handle";
  return Note{line};
}

Value set_inherit(Session&, const Args& a) {
  auto h = a.handle("H");
  // on/off in the shell; Lua may also say true/false
  const Value& given = *a.find("STATE");
  std::string state = given.as<bool>() ? (*given.as<bool>() ? "on" : "off")
                      : given.as<std::string>() ? *given.as<std::string>() : "";
  if (state != "on" && state != "off") throw UsageError("STATE: on or off expected", 2);
  if (!SetHandleInformation(h->handle(), HANDLE_FLAG_INHERIT, state == "on" ? HANDLE_FLAG_INHERIT : 0))
    throw_last_error("SetHandleInformation");
  return h;
}

std::int64_t value_of(const Value& v) {
  if (auto h = v.as<HandleRef>()) return (*h)->value();
  if (auto i = v.as<std::int64_t>()) return *i;
  throw UsageError("H: a handle expected", 1);
}

Value dup(Session& s, const Args& a) {
  HandleRef from = a.handle("from"), to = a.handle("to");
  HANDLE source_process = from ? from->handle() : GetCurrentProcess();
  HANDLE target_process = to ? to->handle() : GetCurrentProcess();
  // Without --from, H is ours: resolve it so its kind and closing are known.
  HandleRef source = from ? nullptr : (a.find("H")->as<HandleRef>() ? *a.find("H")->as<HandleRef>()
                                                                     : s.resolve(value_of(*a.find("H"))));
  if (source && source->closed())
    throw_error("DuplicateHandle", ERROR_INVALID_HANDLE, source->value_text() + " was closed");
  HANDLE value = source ? source->handle()
                        : reinterpret_cast<HANDLE>(static_cast<std::intptr_t>(value_of(*a.find("H"))));
  DWORD options = a.flag("close-source") ? DUPLICATE_CLOSE_SOURCE : 0;
  DWORD access = 0;
  std::string access_text = a.string_or("access", "same");
  if (access_text == "same") {
    options |= DUPLICATE_SAME_ACCESS;
  } else {
    char* end = nullptr;
    access = static_cast<DWORD>(std::strtoul(access_text.c_str(), &end, 0));
    if (!end || *end) throw UsageError("--access: 'same' or a mask like 0x1f0003 expected, got '" + access_text + "'");
  }
  HANDLE result = nullptr;
  BOOL ok = DuplicateHandle(source_process, value, target_process, &result, access, a.flag("inherit"), options);
  DWORD error = ok ? 0 : GetLastError();
  // DUPLICATE_CLOSE_SOURCE closes the source even when duplication fails.
  if (source && (options & DUPLICATE_CLOSE_SOURCE) && !source->pseudo) source->mark_closed();
  if (!ok) throw_error("DuplicateHandle", error);
  if (to) {
    std::int64_t v = reinterpret_cast<std::intptr_t>(result);
    return described(v, fmt::format("{} in pid {}", format_handle_value(v), GetProcessId(to->handle())));
  }
  ObjectFacts facts = query_object(result);
  auto ref = s.add(source ? source->kind : facts.kind, result, source ? source->name : facts.name);
  if (source && source->pseudo) {
    ref->pid = GetCurrentProcessId();
    ref->name = "(this process)";
  } else if (ref->kind == Kind::process) {
    ref->pid = GetProcessId(result);
  }
  if (source) ref->role = source->role == "writer" ? "writer" : "";
  return ref;
}

// The handle table of one process, from NtQuerySystemInformation class 64.
std::vector<nt::SystemHandleEntryEx> handle_entries(DWORD pid) {
  std::vector<unsigned char> buffer(1 << 20);
  for (;;) {
    ULONG needed = 0;
    nt::NTSTATUS status = nt::query_system_information(nt::SystemExtendedHandleInformation, buffer.data(),
                                                       static_cast<ULONG>(buffer.size()), &needed);
    if (status == static_cast<nt::NTSTATUS>(0xC0000004L)) {  // STATUS_INFO_LENGTH_MISMATCH
      buffer.resize(std::max<std::size_t>(buffer.size() * 2, needed + 4096));
      continue;
    }
    if (status < 0) throw_error("NtQuerySystemInformation", nt::status_to_error(status));
    break;
  }
  auto* info = reinterpret_cast<nt::SystemHandleInfoEx*>(buffer.data());
  std::vector<nt::SystemHandleEntryEx> out;
  for (ULONG_PTR i = 0; i < info->NumberOfHandles; ++i)
    if (info->Handles[i].UniqueProcessId == pid) out.push_back(info->Handles[i]);
  return out;
}

Value handles(Session& s, const Args& a) {
  HandleRef process = a.handle("process");
  bool own = !process || process->pseudo || GetProcessId(process->handle()) == GetCurrentProcessId();
  DWORD pid = own ? GetCurrentProcessId() : GetProcessId(process->handle());
  Table t{{"value", "type", "name", "inherit", "access", "count", "var"}, {}, {"value", "access"}};
  for (const auto& e : handle_entries(pid)) {
    HANDLE h = reinterpret_cast<HANDLE>(e.HandleValue);
    // Another process's handle is looked at through a duplicate of our own.
    UniqueHandle duplicate;
    if (!own) {
      HANDLE copy = nullptr;
      if (DuplicateHandle(process->handle(), h, GetCurrentProcess(), &copy, 0, FALSE, DUPLICATE_SAME_ACCESS))
        duplicate.reset(copy);
    }
    HANDLE local = own ? h : duplicate.get();
    ObjectFacts facts = local ? query_object(local) : ObjectFacts{};
    ULONG count = facts.handle_count - (own || !local ? 0 : 1);  // less our duplicate
    std::string var;
    if (own) {
      auto known = s.handles().find(static_cast<std::int64_t>(e.HandleValue));
      if (known != s.handles().end()) var = s.variable_of(*known->second);
    }
    t.rows.push_back({static_cast<std::int64_t>(e.HandleValue),
                      facts.type.empty() ? Value() : Value(facts.type), facts.name.empty() ? Value() : Value(facts.name),
                      (e.HandleAttributes & nt::OBJ_INHERIT_FLAG) != 0, static_cast<std::int64_t>(e.GrantedAccess),
                      facts.valid ? Value(static_cast<std::int64_t>(count)) : Value(),
                      var.empty() ? Value() : Value(var)});
  }
  return t;
}

const CommandRegistration registration{
    {"dup", "handle", "duplicate a handle, within or across processes (DuplicateHandle)",
     {{"H", ArgType::any}},
     {{"from", ArgType::handle, "P", "H is a value in process P", {Kind::process}},
      {"to", ArgType::handle, "P", "put the copy in process P (prints its value there)", {Kind::process}},
      {"access", ArgType::string, "same|MASK", "access of the copy (default same)"},
      {"inherit", ArgType::boolean, "", "make the copy inheritable"},
      {"close-source", ArgType::boolean, "", "close H as it is copied (DUPLICATE_CLOSE_SOURCE)"}},
     dup},
    {"close", "handle", "close a handle (CloseHandle)", {{"H", ArgType::handle}}, {}, close},
    {"set-inherit", "handle", "turn a handle's inherit flag on or off (SetHandleInformation)",
     {{"H", ArgType::handle}, {"STATE", ArgType::any}}, {}, set_inherit},
    {"info", "handle", "type, kernel name, access, inherit, handle and pointer counts, signaled now",
     {{"H", ArgType::handle}}, {}, info},
    {"handles", "handle", "the handle table of this process (or --process P)", {},
     {{"process", ArgType::handle, "P", "another process's table", {Kind::process}}}, handles},
};

}  // namespace
}  // namespace ipcsh
