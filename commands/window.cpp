// Window message queues with message-only windows (they need no display).
// Our window procedure records every message it gets - posted or sent - in
// the session's queue; get-message takes them out. A sent message is
// answered with its sequence number in that queue.
#include "object_info.hpp"

namespace ipcsh {
namespace {

constexpr const wchar_t* window_class = L"ipcsh.message-window";
Session* window_session = nullptr;
std::int64_t received = 0;

LRESULT CALLBACK record_message(HWND window, UINT msg, WPARAM wparam, LPARAM lparam) {
  if (msg < WM_USER || !window_session) return DefWindowProcW(window, msg, wparam, lparam);
  bool sent = !window_session->dispatching_posted;
  ++received;
  Record r;
  r.fields = {{"msg", static_cast<std::int64_t>(msg), fmt::format("{:#x}", msg)},
              {"wparam", static_cast<std::int64_t>(wparam)},
              {"lparam", static_cast<std::int64_t>(lparam)},
              {"window", reinterpret_cast<std::intptr_t>(window), fmt::format("{:#x}", reinterpret_cast<std::uintptr_t>(window))},
              {"how", sent ? "sent" : "posted"}};
  window_session->messages.push_back(std::move(r));
  return static_cast<LRESULT>(received);
}

void register_class() {
  static bool done = false;
  if (done) return;
  WNDCLASSEXW wc{};
  wc.cbSize = sizeof wc;
  wc.lpfnWndProc = record_message;
  wc.hInstance = GetModuleHandleW(nullptr);
  wc.lpszClassName = window_class;
  if (!RegisterClassExW(&wc)) throw_last_error("RegisterClassExW");
  done = true;
}

HWND window_of(const Args& a) { return static_cast<HWND>(a.handle("W")->handle()); }

Value create_window(Session& s, const Args& a) {
  register_class();
  window_session = &s;
  HWND w = CreateWindowExW(0, window_class, to_wide(a.string("NAME")).c_str(), 0, 0, 0, 0, 0, HWND_MESSAGE,
                           nullptr, GetModuleHandleW(nullptr), nullptr);
  if (!w) throw_last_error("CreateWindowExW");
  ++s.windows_open;
  auto ref = s.add(Kind::window, w, a.string("NAME"));
  ref->role = "(message-only)";
  return ref;
}

Value find_window(Session& s, const Args& a) {
  HWND w = FindWindowExW(HWND_MESSAGE, nullptr, nullptr, to_wide(a.string("NAME")).c_str());
  if (!w) {
    DWORD error = GetLastError();
    throw_error("FindWindowExW", error ? error : ERROR_FILE_NOT_FOUND, "no message-only window '" + a.string("NAME") + "'");
  }
  auto known = s.handles().find(reinterpret_cast<std::intptr_t>(w));
  if (known != s.handles().end() && !known->second->closed()) return known->second;  // one of ours
  DWORD pid = 0;
  GetWindowThreadProcessId(w, &pid);
  auto ref = s.add(Kind::window, w, a.string("NAME"));
  ref->role = fmt::format("(pid {})", pid);
  return ref;
}

Value post_message(Session&, const Args& a) {
  UINT msg = static_cast<UINT>(a.integer("MSG"));
  if (!PostMessageW(window_of(a), msg, static_cast<WPARAM>(a.integer("WPARAM")), static_cast<LPARAM>(a.integer("LPARAM"))))
    throw_last_error("PostMessageW");
  return Note{fmt::format("posted {:#x}", msg)};
}

Value send_message(Session&, const Args& a) {
  UINT msg = static_cast<UINT>(a.integer("MSG"));
  DWORD_PTR result = 0;
  DWORD timeout = a.timeout("timeout", 5000);
  if (!SendMessageTimeoutW(window_of(a), msg, static_cast<WPARAM>(a.integer("WPARAM")),
                           static_cast<LPARAM>(a.integer("LPARAM")), SMTO_NORMAL, timeout, &result)) {
    DWORD error = GetLastError();
    throw_error("SendMessageTimeoutW", error ? error : ERROR_TIMEOUT);
  }
  return described(static_cast<std::int64_t>(result), fmt::format("result {}", static_cast<std::int64_t>(result)));
}

Value get_message(Session& s, const Args& a) {
  DWORD timeout = a.timeout("timeout", INFINITE);
  if (!s.poll_until(timeout, [&] {
        s.pump_messages();
        return !s.messages.empty();
      }))
    return Multi{{Value(), "timeout"}, "no message within " + timeout_text(timeout)};
  Record r = std::move(s.messages.front());
  s.messages.pop_front();
  return r;
}

const KindSet window_only{Kind::window};
const Param window_param{"W", ArgType::handle, window_only};
const std::vector<Param> message_params{window_param, {"MSG", ArgType::integer},
                                        {"WPARAM", ArgType::integer, {}, true}, {"LPARAM", ArgType::integer, {}, true}};

const CommandRegistration registration{
    {"create-window", "window", "create a message-only window named NAME (CreateWindowExW, HWND_MESSAGE)",
     {{"NAME", ArgType::string}}, {}, create_window},
    {"find-window", "window", "find a message-only window by name, in any process (FindWindowExW)",
     {{"NAME", ArgType::string}}, {}, find_window},
    {"post-message", "window", "queue message MSG (0x400 = WM_USER and up) and return (PostMessageW)",
     message_params, {}, post_message},
    {"send-message", "window", "deliver MSG and wait for the window's answer (SendMessageTimeoutW)",
     message_params, {{"timeout", ArgType::timeout, "MS", "give up after MS (default 5000)"}}, send_message},
    {"get-message", "window", "take the next message our windows received: msg, wparam, lparam",
     {}, {{"timeout", ArgType::timeout, "MS|forever", "wait at most MS (default forever; Ctrl+C ends it)"}},
     get_message},
};

}  // namespace

Record window_info(const HandleObject& window) {
  HWND w = static_cast<HWND>(window.handle());
  if (!IsWindow(w)) throw_error("IsWindow", ERROR_INVALID_WINDOW_HANDLE, window.value_text() + " is no window");
  DWORD pid = 0;
  DWORD thread = GetWindowThreadProcessId(w, &pid);
  wchar_t title[256] = L"";
  GetWindowTextW(w, title, 256);
  Record r;
  r.fields = {{"kind", "window"},
              {"value", window.value(), window.value_text()},
              {"name", to_utf8(title)},
              {"pid", static_cast<std::int64_t>(pid)},
              {"thread", static_cast<std::int64_t>(thread)},
              {"queued", static_cast<std::int64_t>(pid == GetCurrentProcessId() && window_session ? window_session->messages.size() : 0)}};
  return r;
}

}  // namespace ipcsh
