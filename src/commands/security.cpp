// The security family: an object's security descriptor read (security),
// changed (set-security), and asked whether this process's token may open
// it with an access (access-check), next to what a real open answers.
#include "access.hpp"
#include "core/shapes.hpp"
#include "win32/unique_handle.hpp"

namespace ipcsh {
namespace {

// What a command is about: a handle the user holds, or an object opened
// here by name (READ_CONTROL) and closed after.
struct Target {
  HANDLE handle = nullptr;
  UniqueHandle opened;
  Kind kind = Kind::other;
  std::string name;   // the object's name, for a real open ("" when unnamed)
  DWORD pid = 0;      // a process's, for a real open
  std::string shown;  // "event 0x6c sec-demo", "event sec-demo"
  std::string type;   // the kernel's type name ("Event"), whose rights name masks
  GENERIC_MAPPING mapping{};  // its generic rights in its specific ones
};

// A window is not the kernel's: refused where a descriptor is read or set.
void refuse_window(const HandleObject& h) {
  if (h.kind == Kind::window)
    throw UsageError("a window is a USER object, not a kernel object: it has no security descriptor (its desktop does)");
}

// The kinds a name could be in the session's object directory, by the
// types the kernel lists there (a mailslot lives elsewhere: --type).
Kind kind_in_directory(const std::string& name) {
  Kind found = Kind::other;
  int count = 0;
  // Local\ is this session's directory, Global\ the machine's
  std::string dir = win::session_named_objects(), leaf = name;
  if (leaf.rfind("Local\\", 0) == 0) leaf = leaf.substr(6);
  else if (leaf.rfind("Global\\", 0) == 0) dir = "\\BaseNamedObjects", leaf = leaf.substr(7);
  std::vector<win::DirectoryEntry> entries;
  try {
    entries = win::list_object_directory(dir);
  } catch (const Win32Error&) {
    return Kind::other;
  }
  for (const auto& e : entries) {
    if (e.name != leaf) continue;
    for (Kind k : directory_kinds)
      if (e.type == kernel_type(k)) {
        found = k;
        ++count;
      }
  }
  return count == 1 ? found : Kind::other;
}

Target named_target(Session& s, const Args& a, const char* param, ACCESS_MASK access, std::string_view command);

// The target, and its type and mapping as the kernel gives them.
Target target_of(Session& s, const Args& a, const char* param, ACCESS_MASK access, std::string_view command) {
  Target t = named_target(s, a, param, access, command);
  win::ObjectFacts facts = win::query_object(t.handle);
  t.type = facts.type.empty() ? std::string(kernel_type(t.kind)) : facts.type;
  t.mapping = facts.mapping;
  return t;
}

Target named_target(Session& s, const Args& a, const char* param, ACCESS_MASK access, std::string_view command) {
  Target t;
  const Value* given = a.find(param);
  // $e.value and other described results stand for their value
  if (auto r = given ? given->as<Result>() : nullptr; r && !r->values.empty()) given = &r->values[0];
  HandleRef held = given ? (given->as<HandleRef>() ? *given->as<HandleRef>() : nullptr) : nullptr;
  if (!held && given && given->as<std::int64_t>()) held = s.resolve(*given->as<std::int64_t>());
  // a word without --type: a handle value (0x6c, -1) or `self`, as handles are typed
  if (!held && given && given->as<std::string>() && !a.has("type")) {
    const std::string& word = *given->as<std::string>();
    if (word == "self") held = s.self();
    else if (auto value = parse_number(word)) held = s.resolve(*value);
  }
  if (held) {
    if (held->closed()) s.closed_handle(held, command);
    refuse_window(*held);
    t.handle = held->handle();
    t.kind = held->kind;
    t.pid = held->kind == Kind::process ? (held->pseudo ? GetCurrentProcessId() : held->pid) : 0;
    if (!held->nameless && named_kinds.has(held->kind)) t.name = held->name;
    t.shown = fmt::format("{} {}{}", kind_name(held->kind), held->value_text(), held->name.empty() || held->nameless ? "" : " " + held->name);
    return t;
  }
  std::string name = given && given->as<std::string>() ? *given->as<std::string>() : "";
  if (name.empty()) throw UsageError(fmt::format("{}: a handle ($e) or an object's name expected", param));
  // (--type is one of its choices: the binder saw to it)
  t.kind = a.has("type") ? kind_from_name(a.string("type")) : kind_in_directory(name);
  if (t.kind == Kind::other)
    throw UsageError(fmt::format("{}: no single event, mutex, semaphore, timer or mapping is named '{}' here; say which "
                                 "with --type (a mailslot needs --type mailslot)", param, one_line(name, 60)));
  t.opened = UniqueHandle(open_explained(t.kind, name, access, [&] { return open_by_name(t.kind, name, access).release(); }));
  t.handle = t.opened.get();
  t.name = name;
  t.shown = fmt::format("{} {}", kind_name(t.kind), name);
  if (t.kind == Kind::mailslot) t.shown += " (a writer opened by name: under Wine its own object, see docs/wine.md)";
  return t;
}

Record ace_record(const win::Ace& ace, int index, std::string_view type, const GENERIC_MAPPING& mapping) {
  bool label = ace.type == SYSTEM_MANDATORY_LABEL_ACE_TYPE;
  Record r;
  r.fields.push_back({"index", index});
  r.fields.push_back({"line", ace_line(ace, type, mapping)});
  r.fields.push_back({"sddl", ace.sddl});
  r.fields.push_back({"who", who(ace.sid)});
  r.fields.push_back({"sid", ace.sid.text});
  r.fields.push_back({"mask", static_cast<std::int64_t>(ace.mask), Show::hex});
  // a label's mask is its policy, not rights
  r.fields.push_back({"rights", label ? win::flag_text(ace.mask, label_policy_names) : rights_text(ace.mask, type)});
  r.fields.push_back({"means", label ? Value() : Value(rights_text(map_generic(ace.mask, mapping), type))});
  return r;
}

Value sid_value(const std::optional<win::Sid>& sid) {
  if (!sid) return Value();
  return sid->account.empty() ? sid->text : fmt::format("{} ({})", sid->account, sid->text);
}

// The target's descriptor; a handle without READ_CONTROL is refused, and
// the error says so (its own access, not the object's DACL).
win::Descriptor security_of_target(const Target& t) {
  try {
    return win::get_security(t.handle);
  } catch (const Win32Error& e) {
    if (e.code() != ERROR_ACCESS_DENIED || t.opened) throw;
    ACCESS_MASK granted = win::query_object(t.handle).granted_access;
    std::string type(kernel_type(t.kind));
    throw e.with_hint(fmt::format("this handle was opened without READ_CONTROL (its access: {}): a handle's access, "
                                  "not the object's DACL{}", rights_text(granted, type),
                                  t.name.empty() ? "" : "; security " + t.name + " opens the object anew"));
  }
}

Value security(Session& s, const Args& a) {
  Target t = target_of(s, a, "TARGET", READ_CONTROL, "security");
  win::Descriptor d = security_of_target(t);
  const std::string& type = t.type;
  Record r;
  r.fields.push_back({"object", t.shown});
  r.fields.push_back({"type", type});
  r.fields.push_back({"sddl", d.sddl});
  r.fields.push_back({"owner", sid_value(d.owner)});
  r.fields.push_back({"group", sid_value(d.group)});
  std::string dacl = !d.dacl_present ? "none"
                     : d.dacl_null  ? "NULL"
                                    : fmt::format("{} ACE{}", d.dacl.size(), d.dacl.size() == 1 ? "" : "s");
  r.fields.push_back({"dacl", dacl});
  List aces, labels;
  for (std::size_t i = 0; i < d.dacl.size(); ++i)
    aces.items.push_back(ace_record(d.dacl[i], static_cast<int>(i) + 1, type, t.mapping));
  for (std::size_t i = 0; i < d.label.size(); ++i)
    labels.items.push_back(ace_record(d.label[i], static_cast<int>(i) + 1, type, t.mapping));
  r.fields.push_back({"aces", std::move(aces)});
  r.fields.push_back({"label", d.label_read ? Value(std::move(labels)) : Value()});
  return result(shape::security, {std::move(r)}, {}, 1);
}

Value set_security(Session&, const Args& a) {
  HandleRef h = a.handle("H");
  refuse_window(*h);
  win::set_security(h->handle(), a.string("SDDL"));
  return report(shape::security_set, {h, a.string("SDDL")}, {field::handle, field::sddl});
}

Value access_check(Session& s, const Args& a) {
  Target t = target_of(s, a, "TARGET", READ_CONTROL, "access-check");
  const std::string& type = t.type;
  const GENERIC_MAPPING& mapping = t.mapping;
  if (!a.has("access")) throw UsageError("--access MASK: the access to check is needed (GENERIC_READ, MODIFY_STATE, 0x2)");
  ACCESS_MASK desired = parse_access(a.string("access"), type, "--access");
  win::Descriptor d = security_of_target(t);
  win::TokenFacts token = win::token_facts();
  win::AccessAnswer answer = win::access_check(d, desired, mapping, win::rights_of(type));
  Decision why = decide(d, desired, mapping, token, type);
  Record r;
  r.fields.push_back({"object", t.shown});
  r.fields.push_back({"access", rights_text(desired, type)});
  r.fields.push_back({"wanted", rights_text(map_generic(desired, mapping) & ~MAXIMUM_ALLOWED, type)});
  r.fields.push_back({"granted", answer.granted});
  r.fields.push_back({"granted_access", rights_text(answer.granted_mask, type)});
  // The DACL walked as Windows documents it; where the kernel answers
  // otherwise (Wine grants SYNCHRONIZE whatever the DACL says) both show.
  r.fields.push_back({"dacl_grants", why.granted});
  r.fields.push_back({"decided_by", why.why});
  r.fields.push_back({"ace", why.ace ? Value(why.ace) : Value()});
  // The real open beside it: by name, or a process by its pid; a pipe is
  // not opened (a client open would take an instance from its server).
  Value opened, open_text;
  auto try_open = [&](auto&& open) {
    try {
      UniqueHandle real(open());
      opened = true;
      open_text = "opened";
    } catch (const Win32Error& e) {
      opened = false;
      open_text = fmt::format("{}: {} ({})", e.api(), e.name(), e.code());
    }
  };
  if (t.kind == Kind::pipe) {
    open_text = "not tried: opening a pipe by name connects to one of its instances";
  } else if (t.kind == Kind::process && t.pid) {
    try_open([&] {
      HANDLE h = win::open_process(t.pid, desired);
      if (!h) throw Win32Error("OpenProcess", GetLastError());
      return h;
    });
  } else if (!t.name.empty()) {
    try_open([&] { return open_by_name(t.kind, t.name, desired).release(); });
  }
  r.fields.push_back({"opened", opened});
  r.fields.push_back({"open", open_text});
  return result(shape::access_check, {std::move(r)}, {}, 1);
}

const Param target{.name = "TARGET", .type = ArgType::any};
const Flag type_of_name{.name = "type",
                        .type = ArgType::choice,
                        .value_name = "event|mutex|semaphore|timer|mapping|mailslot|pipe",
                        .help = "what kind of object NAME is (found in the object directory when only one holds it)",
                        .choices = {"event", "mutex", "semaphore", "timer", "mapping", "mailslot", "pipe"}};
const FamilyRegistration family{"security", "security descriptors: who may open an object, and why one was refused"};
const CommandRegistration registration{
    {.name = "security",
     .family = "security",
     .summary = "an object's owner, group, DACL and label, as SDDL and one line per ACE (GetKernelObjectSecurity)",
     .params = {target},
     .flags = {type_of_name},
     .handler = security,
     .stable = false,
     .returns = {.values = {{.name = "descriptor",
                             .type = LuaType::record,
                             .fields = {{.name = "object", .type = LuaType::string},
                                        {.name = "type", .type = LuaType::string, .about = "the kernel's: Event, Section, File"},
                                        {.name = "sddl", .type = LuaType::string},
                                        {.name = "owner", .type = LuaType::string, .optional = true},
                                        {.name = "group", .type = LuaType::string, .optional = true},
                                        {.name = "dacl", .type = LuaType::string, .about = "none, NULL or \"N ACEs\""},
                                        {.name = "aces", .type = LuaType::rows, .about = "the DACL's ACEs, in order"},
                                        {.name = "label", .type = LuaType::rows, .optional = true,
                                         .about = "the integrity label's ACEs (nil when it could not be read)"}}}},
                 .note = "Each ACE row has the fields index, line, sddl, who, sid, mask, rights and means"}},
    {.name = "set-security",
     .family = "security",
     .summary = "change an object's descriptor: the parts SDDL names (SetKernelObjectSecurity)",
     .params = {{.name = "H", .type = ArgType::handle}, {.name = "SDDL", .type = ArgType::name}},
     .handler = set_security,
     .stable = false,
     .returns = {.note = "The shell prints what was set; `security H` reads the whole descriptor back"}},
    {.name = "access-check",
     .family = "security",
     .summary = "may this process's token open TARGET with --access? AccessCheck, the deciding ACE, and a real open "
                "(Wine grants SYNCHRONIZE whatever the DACL says: docs/wine.md)",
     .params = {target},
     .flags = {{.name = "access",
                .type = ArgType::name,
                .value_name = "MASK",
                .help = "rights by name joined with | (GENERIC_READ|SYNCHRONIZE, MODIFY_STATE) or a number"},
               type_of_name},
     .handler = access_check,
     .stable = false,
     .returns = {.values = {{.name = "answer",
                             .type = LuaType::record,
                             .fields = {{.name = "object", .type = LuaType::string},
                                        {.name = "access", .type = LuaType::string},
                                        {.name = "wanted", .type = LuaType::string, .about = "generic rights mapped"},
                                        {.name = "granted", .type = LuaType::boolean, .about = "AccessCheck's answer"},
                                        {.name = "granted_access", .type = LuaType::string},
                                        {.name = "dacl_grants", .type = LuaType::boolean,
                                         .about = "the DACL walked as Windows documents it"},
                                        {.name = "decided_by", .type = LuaType::string},
                                        {.name = "ace", .type = LuaType::integer, .optional = true,
                                         .about = "the deciding ACE's number"},
                                        {.name = "opened", .type = LuaType::boolean, .optional = true,
                                         .about = "whether a real open with that access succeeded (nil: unnamed)"},
                                        {.name = "open", .type = LuaType::string, .optional = true}}}}}},
};

}  // namespace
}  // namespace ipcsh
