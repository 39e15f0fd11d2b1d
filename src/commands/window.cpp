// Window message queues with message-only windows (they need no display).
// Our window procedure records every message it gets - posted or sent - in
// the queue of the session that made the window (kept in the window's own
// data, GWLP_USERDATA); get-message takes them out. A sent message is
// answered with its sequence number in that queue.
#include "object_info.hpp"
#include "core/shapes.hpp"

namespace ipcsh {
namespace {

constexpr const wchar_t* window_class = L"ipcsh.message-window";

// The session that made one of our windows; nullptr for another's.
Session* session_of(HWND window) { return static_cast<Session*>(win::window_data(window)); }

LRESULT CALLBACK record_message(HWND window, UINT msg, WPARAM wparam, LPARAM lparam) {
  Session* session = msg < WM_USER ? nullptr : session_of(window);
  if (!session) return win::default_window_procedure(window, msg, wparam, lparam);
  Session::Windows& windows = session->windows;
  bool sent = !windows.dispatching_posted;
  std::int64_t received = ++windows.received;
  Record r;
  r.fields = {{"msg", as_int(msg), Show::message},
              {"wparam", static_cast<std::int64_t>(wparam)},
              {"lparam", static_cast<std::int64_t>(lparam)},
              {"window", reinterpret_cast<std::intptr_t>(window), Show::hex},
              {"how", sent ? "sent" : "posted"}};
  windows.messages.push_back(std::move(r));
  return static_cast<LRESULT>(received);
}

HWND window_of(const Args& a) { return static_cast<HWND>(a.handle("W")->handle()); }

Value create_window(Session& s, const Args& a) {
  // Window text is at most 32767 characters; Wine hands back a bogus HWND
  // for more instead of failing.
  if (to_wide(a.string("NAME")).size() > 32767) throw UsageError("NAME: at most 32767 characters for a window", 1);
  // The class is the process's, registered once, for every session.
  static bool registered = false;
  if (!registered) win::register_window_class(window_class, record_message);
  registered = true;
  HWND w = win::create_message_window(window_class, a.string("NAME"));
  win::set_window_data(w, &s);
  ++s.windows.open;
  auto ref = s.add(Kind::window, w, a.string("NAME"));
  ref->role = "(message-only)";
  return ref;
}

Value find_window(Session& s, const Args& a) {
  HWND w = win::find_message_window(a.string("NAME"));
  if (!w) throw_error("FindWindowExW", ERROR_FILE_NOT_FOUND, "no message-only window '" + a.string("NAME") + "'");
  auto known = s.handles().find(reinterpret_cast<std::intptr_t>(w));
  if (known != s.handles().end() && !known->second->closed()) return known->second;  // one of ours
  DWORD pid = win::window_process(w);
  auto ref = s.add(Kind::window, w, a.string("NAME"));
  ref->role = fmt::format("(pid {})", pid);
  return ref;
}

Value post_message(Session&, const Args& a) {
  auto msg = static_cast<UINT>(a.integer("MSG"));
  win::post_message(window_of(a), msg, static_cast<WPARAM>(a.integer("WPARAM")), static_cast<LPARAM>(a.integer("LPARAM")));
  return report(shape::posted, {as_int(msg)}, {field::msg});
}

Value send_message(Session&, const Args& a) {
  auto msg = static_cast<UINT>(a.integer("MSG"));
  LRESULT r = win::send_message(window_of(a), msg, static_cast<WPARAM>(a.integer("WPARAM")),
                                static_cast<LPARAM>(a.integer("LPARAM")), a.timeout("timeout", 5000));
  return result(shape::message_result, {static_cast<std::int64_t>(r)}, {field::result});
}

Value get_message(Session& s, const Args& a) {
  // Without a window of ours nothing can arrive: waiting would never end.
  if (s.windows.open == 0 && s.windows.messages.empty())
    throw UsageError("no window of this shell to receive messages: create-window NAME first");
  DWORD timeout = a.timeout("timeout", INFINITE);
  if (!s.poll_until(timeout, [&] {
        s.pump_messages();
        return !s.windows.messages.empty();
      }))
    return result(shape::no_message, {Value(), "timeout", timeout == INFINITE ? Value() : Value(timeout)},
                  {field::message, field::status, field::timeout}, 2);
  Record r = std::move(s.windows.messages.front());
  s.windows.messages.pop_front();
  return r;
}

const KindSet window_only{Kind::window};
const Param window_param{.name = "W", .type = ArgType::handle, .kinds = window_only};
const std::vector<Param> message_params{window_param,
                                        {"MSG", ArgType::message},
                                        {"WPARAM", ArgType::integer, {}, true, false, any_integer},
                                        {"LPARAM", ArgType::integer, {}, true, false, any_integer}};

const FamilyRegistration family{"window", "message-only windows and their message queues"};
const CommandRegistration registration{
    {.name = "create-window",
     .family = "window",
     .summary = "create a message-only window named NAME (CreateWindowExW, HWND_MESSAGE; no SECURITY_ATTRIBUTES: "
                "a window is secured by its desktop, so no --sddl)",
     .params = {{.name = "NAME", .type = ArgType::name}},
     .handler = create_window,
     .returns = {.values = {{.name = "window", .type = LuaType::handle, .kind = Kind::window}}}},
    {.name = "find-window",
     .family = "window",
     .summary = "find a message-only window by name, in any process (FindWindowExW)",
     .params = {{.name = "NAME", .type = ArgType::name}},
     .handler = find_window,
     .stable = false,
     .returns = {.values = {{.name = "window", .type = LuaType::handle, .kind = Kind::window}}}},
    {.name = "post-message",
     .family = "window",
     .summary = "queue message MSG (0x400 = WM_USER and up) and return (PostMessageW)",
     .params = message_params,
     .handler = post_message,
     .returns = {}},
    {.name = "send-message",
     .family = "window",
     .summary = "deliver MSG and wait for the window's answer (SendMessageTimeoutW)",
     .params = message_params,
     .flags =
         {{.name = "timeout", .type = ArgType::timeout, .value_name = "MS", .help = "give up after MS (default 5000)"}},
     .handler = send_message,
     .returns = {.values = {{.name = "result", .type = LuaType::integer, .about = "what the window procedure answered"}}}},
    {.name = "get-message",
     .family = "window",
     .summary = "take the next message our windows received: msg, wparam, lparam",
     .flags = {{.name = "timeout",
                .type = ArgType::timeout,
                .value_name = "MS|forever",
                .help = "wait at most MS (default forever; Ctrl+C ends it)"}},
     .handler = get_message,
     .returns = {.values = {{.name = "message",
                             .type = LuaType::record,
                             .optional = true,
                             .about = "nil on timeout",
                             .fields = {{.name = "msg", .type = LuaType::integer},
                                        {.name = "wparam", .type = LuaType::integer},
                                        {.name = "lparam", .type = LuaType::integer},
                                        {.name = "window", .type = LuaType::integer, .about = "the HWND"},
                                        {.name = "how", .type = LuaType::string, .about = "\"posted\" or \"sent\""}}},
                            {.name = "status", .type = LuaType::string, .optional = true, .about = "\"timeout\" when none came"}}}},
};

}  // namespace

Record window_info(const HandleObject& window) {
  HWND w = static_cast<HWND>(window.handle());
  if (!win::is_window(w)) throw_error("IsWindow", ERROR_INVALID_WINDOW_HANDLE, window.value_text() + " is no window");
  DWORD thread = 0;
  DWORD pid = win::window_process(w, &thread);
  Session* owner = pid == GetCurrentProcessId() ? session_of(w) : nullptr;
  Record r;
  r.fields = {{"kind", "window"},
              {"value", window.value(), Show::hex},
              {"name", win::window_text(w)},
              {"pid", as_int(pid)},
              {"thread", as_int(thread)},
              {"queued", static_cast<std::int64_t>(owner ? owner->windows.messages.size() : 0)}};
  return r;
}

}  // namespace ipcsh
