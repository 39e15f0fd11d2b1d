// Mailslots: a one-way, message-oriented channel. The creator holds the
// reader (server) end; writers open it by name with CreateFile.
#include "common.hpp"

namespace ipcsh {
namespace {

constexpr std::string_view mailslot_prefix = "\\\\.\\mailslot\\";

Value create_mailslot(Session& s, const Args& a) {
  std::string name = object_path(a.string("NAME"), mailslot_prefix);
  InheritAttributes attributes(a.flag("inherit"));
  HANDLE h = CreateMailslotW(to_wide(name).c_str(), static_cast<DWORD>(a.integer("max-size", 0)),
                             a.timeout("timeout", MAILSLOT_WAIT_FOREVER), attributes.get());
  if (h == INVALID_HANDLE_VALUE) throw_last_error("CreateMailslotW");
  return s.add(Kind::mailslot, h, name);
}

Value open_mailslot(Session& s, const Args& a) {
  std::string name = object_path(a.string("NAME"), mailslot_prefix);
  InheritAttributes attributes(a.flag("inherit"));
  HANDLE h = CreateFileW(to_wide(name).c_str(), GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                         attributes.get(), OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE) throw_last_error("CreateFileW");
  auto ref = s.add(Kind::mailslot, h, name);
  ref->role = "writer";
  return ref;
}

Value mailslot_info(Session&, const Args& a) {
  DWORD max_size = 0, next = 0, count = 0, timeout = 0;
  if (!GetMailslotInfo(a.handle("H")->handle(), &max_size, &next, &count, &timeout))
    throw_last_error("GetMailslotInfo");
  Record r;
  r.fields.push_back({"max_size", static_cast<std::int64_t>(max_size), max_size ? "" : "0 (any size)"});
  r.fields.push_back({"next_size", next == MAILSLOT_NO_MESSAGE ? Value() : Value(next),
                      next == MAILSLOT_NO_MESSAGE ? "none" : ""});
  r.fields.push_back({"count", static_cast<std::int64_t>(count)});
  r.fields.push_back({"timeout", timeout == MAILSLOT_WAIT_FOREVER ? Value() : Value(timeout),
                      timeout_text(timeout)});
  return r;
}

Value set_mailslot_timeout(Session&, const Args& a) {
  DWORD ms = a.timeout("MS", 0);
  if (!SetMailslotInfo(a.handle("H")->handle(), ms)) throw_last_error("SetMailslotInfo");
  return Note{"read timeout " + timeout_text(ms)};
}

const Flag inherit_flag{"inherit", ArgType::boolean, "", "make the new handle inheritable"};

const CommandRegistration registration{
    {"create-mailslot", "mailslot", "create a mailslot and hold its reader end (CreateMailslotW)",
     {{"NAME", ArgType::string}},
     {{"max-size", ArgType::integer, "N", "largest message in bytes (0: any)"},
      {"timeout", ArgType::timeout, "MS|forever", "read timeout (default forever)"},
      inherit_flag},
     create_mailslot},
    {"open-mailslot", "mailslot", "open a mailslot's writer end by name (CreateFileW, share read+write)",
     {{"NAME", ArgType::string}}, {inherit_flag}, open_mailslot},
    {"mailslot-info", "mailslot", "max size, next message size, count, read timeout (GetMailslotInfo)",
     {{"H", ArgType::handle, {Kind::mailslot}}}, {}, mailslot_info},
    {"set-mailslot-timeout", "mailslot", "set the read timeout (SetMailslotInfo)",
     {{"H", ArgType::handle, {Kind::mailslot}}, {"MS", ArgType::timeout}}, {}, set_mailslot_timeout},
};

}  // namespace
}  // namespace ipcsh
