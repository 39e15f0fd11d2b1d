// Mailslots: a one-way, message-oriented channel. The creator holds the
// reader (server) end; writers open it by name with CreateFile.
#include "common.hpp"
#include "core/shapes.hpp"

namespace ipcsh {
namespace {


Value create_mailslot(Session& s, const Args& a) {
  std::string name = object_path(a.string("NAME"), mailslot_prefix);
  bool inherit = a.flag("inherit");
  HANDLE h = win::create_mailslot(name, static_cast<DWORD>(a.integer("max-size", 0)),
                                  a.timeout("timeout", MAILSLOT_WAIT_FOREVER), security_of(a));
  // Windows honours bInheritHandle here; Wine ignores it, so the flag is set
  // afterwards when the handle did not get it (README: Wine differences).
  if (inherit && !(win::get_handle_information(h).value_or(0) & HANDLE_FLAG_INHERIT))
    win::set_handle_information(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
  auto ref = s.add(Kind::mailslot, h, name);
  ref->message_limit = static_cast<DWORD>(a.integer("max-size", 0));  // fixed for the slot's life
  return ref;
}

Value open_mailslot(Session& s, const Args& a) {
  std::string name = object_path(a.string("NAME"), mailslot_prefix);
  HANDLE h = nullptr;
  try {
    h = win::create_file(name, GENERIC_WRITE, share_mode(a, FILE_SHARE_READ | FILE_SHARE_WRITE), a.flag("inherit"), OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL);
  } catch (const Win32Error& e) {
    if (name.rfind("\\\\*\\", 0) == 0 && win::running_on_wine())
      throw e.with_hint("broadcast mailslots (\\\\*\\mailslot\\...) are not available under Wine");
    if (e.code() == ERROR_FILE_NOT_FOUND) throw e.with_hint("no mailslot by that name: its reader creates it (create-mailslot)");
    if (remote_name(name) && win::running_on_wine())
      throw e.with_hint("Wine has no SMB redirector, so a mailslot on another computer cannot be opened here; on Windows "
                        "CreateFileW opens \\\\host\\mailslot\\name as a writer whose messages go as datagrams "
                        "(it succeeds whether or not the host has that mailslot)");
    throw;
  }
  auto ref = s.add(Kind::mailslot, h, name);
  ref->role = "writer";
  ref->end = HandleObject::End::mailslot_writer;
  return ref;
}

Value mailslot_info(Session&, const Args& a) {
  win::MailslotInfo m = win::get_mailslot_info(a.handle("H")->handle());
  Record r;
  r.fields.push_back({"max_size", as_int(m.max_size), Show::zero_any_size});
  r.fields.push_back({"next_size", m.next_size == MAILSLOT_NO_MESSAGE ? Value() : Value(m.next_size)});
  r.fields.push_back({"count", as_int(m.count)});
  r.fields.push_back({"timeout", m.timeout == MAILSLOT_WAIT_FOREVER ? Value() : Value(m.timeout), Show::ms_or_forever});
  return r;
}

Value set_mailslot_timeout(Session&, const Args& a) {
  DWORD ms = a.timeout("MS", 0);
  win::set_mailslot_info(a.handle("H")->handle(), ms);
  return report(shape::read_timeout, {ms == INFINITE ? Value() : Value(ms)}, {field::timeout});
}

const FamilyRegistration family{"mailslot", "one-way message slots: a reader creates, writers open by name"};
const CommandRegistration registration{
    {.name = "create-mailslot",
     .family = "mailslot",
     .summary = "create a mailslot and hold its reader end (CreateMailslotW)",
     .params = {{.name = "NAME", .type = ArgType::name}},
     .flags = {{.name = "max-size",
                .type = ArgType::integer,
                .value_name = "N",
                .help = "largest message in bytes (0: any)"},
               {.name = "timeout",
                .type = ArgType::timeout,
                .value_name = "MS|forever",
                .help = "read timeout (default forever)"},
               inherit_flag, sddl_flag},
     .handler = create_mailslot,
     .returns = {.values = {{.name = "slot", .type = LuaType::handle, .kind = Kind::mailslot, .about = "its reader end"}}}},
    {.name = "open-mailslot",
     .family = "mailslot",
     .summary = "open a mailslot's writer end by name (CreateFileW)",
     .params = {{.name = "NAME", .type = ArgType::name}},
     .flags = {share_flag("CreateFileW's share mode (default both: FILE_SHARE_READ|FILE_SHARE_WRITE)"), inherit_flag},
     .handler = open_mailslot,
     .returns = {.values = {{.name = "writer", .type = LuaType::handle, .kind = Kind::mailslot, .about = "a writer end"}}}},
    {.name = "mailslot-info",
     .family = "mailslot",
     .summary = "max size, next message size, count, read timeout (GetMailslotInfo)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = {Kind::mailslot}}},
     .handler = mailslot_info,
     .returns = {.values = {{.name = "info",
                             .type = LuaType::record,
                             .fields = {{.name = "max_size", .type = LuaType::integer, .about = "0: any size"},
                                        {.name = "next_size", .type = LuaType::integer, .optional = true, .about = "nil: no message waits"},
                                        {.name = "count", .type = LuaType::integer, .about = "messages waiting"},
                                        {.name = "timeout", .type = LuaType::integer, .optional = true, .about = "ms; nil: forever"}}}}}},
    {.name = "set-mailslot-timeout",
     .family = "mailslot",
     .summary = "set the read timeout (SetMailslotInfo)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = {Kind::mailslot}},
                {.name = "MS", .type = ArgType::timeout}},
     .handler = set_mailslot_timeout,
     .returns = {.note = "The shell prints the new read timeout"}},
};

}  // namespace
}  // namespace ipcsh
