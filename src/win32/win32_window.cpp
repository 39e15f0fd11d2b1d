// Message-only windows and their messages.
#include <fmt/format.h>

#include "core/text.hpp"
#include "win32_api.hpp"

namespace ipcsh::win {
namespace {

// user32 is loaded the first time a window is used, not linked: linking it
// costs every ipcsh process about 15 ms of start-up under Wine, and most
// sessions never make a window.
template <class F>
F from_user32(const char* name) {
  static HMODULE user32 = LoadLibraryW(L"user32.dll");
  auto f = user32 ? reinterpret_cast<F>(reinterpret_cast<void*>(GetProcAddress(user32, name))) : nullptr;
  if (!f) throw Win32Error("GetProcAddress", ERROR_PROC_NOT_FOUND, std::string("user32.dll!") + name);
  return f;
}
#define USER32(fn) ([] { static const auto f = from_user32<decltype(&::fn)>(#fn); return f; }())

}  // namespace

void register_window_class(const wchar_t* name, WNDPROC procedure) {
  WNDCLASSEXW wc{};
  wc.cbSize = sizeof wc;
  wc.lpfnWndProc = procedure;
  wc.hInstance = GetModuleHandleW(nullptr);
  wc.lpszClassName = name;
  std::string shown = to_utf8(name);
  number("RegisterClassExW", {literal("&{" + shown + "}")}, ATOM{0}, [&] { return USER32(RegisterClassExW)(&wc); });
}

HWND create_message_window(const wchar_t* class_name, std::string_view title) {
  std::wstring w = to_wide(title);
  std::string cls = to_utf8(class_name);
  return static_cast<HWND>(make("CreateWindowExW",
                                {num(0), text(cls), text(title), num(0), literal("0, 0, 0, 0"), literal("HWND_MESSAGE"),
                                 literal("NULL"), literal("hInstance"), literal("NULL")},
                                nullptr, [&] {
                                  return static_cast<HANDLE>(USER32(CreateWindowExW)(0, class_name, w.c_str(), 0, 0, 0, 0, 0,
                                                                             HWND_MESSAGE, nullptr,
                                                                             GetModuleHandleW(nullptr), nullptr));
                                }));
}

void destroy_window(HWND w) { check("DestroyWindow", {handle(w)}, [&] { return USER32(DestroyWindow)(w); }); }

HWND find_message_window(std::string_view title) {
  std::wstring t = to_wide(title);
  HWND w = USER32(FindWindowExW)(HWND_MESSAGE, nullptr, nullptr, t.c_str());
  DWORD error = w ? 0 : GetLastError();
  if (tracing()) emit_call("FindWindowExW", {literal("HWND_MESSAGE"), literal("NULL"), literal("NULL"), text(title)}, handle_text(w), error);
  return w;
}

void post_message(HWND w, UINT msg, WPARAM wparam, LPARAM lparam) {
  check("PostMessageW", {handle(w), hex(msg), num(static_cast<std::int64_t>(wparam)), num(lparam)},
        [&] { return USER32(PostMessageW)(w, msg, wparam, lparam); });
}

LRESULT send_message(HWND w, UINT msg, WPARAM wparam, LPARAM lparam, DWORD timeout) {
  DWORD_PTR result = 0;
  DWORD error = attempt("SendMessageTimeoutW",
                        {handle(w), hex(msg), num(static_cast<std::int64_t>(wparam)), num(lparam),
                         flags(SMTO_NORMAL, smto_names), num(timeout), literal("&result")},
                        [&] { return USER32(SendMessageTimeoutW)(w, msg, wparam, lparam, SMTO_NORMAL, timeout, &result) != 0; },
                        [&] { return fmt::format("(result {})", static_cast<std::int64_t>(result)); });
  if (error) throw Win32Error("SendMessageTimeoutW", error == ERROR_GEN_FAILURE ? ERROR_TIMEOUT : error);
  return static_cast<LRESULT>(result);
}

bool is_window(HWND w) { return USER32(IsWindow)(w); }

void set_window_data(HWND w, void* data) {
  USER32(SetWindowLongPtrW)(w, GWLP_USERDATA, reinterpret_cast<LONG_PTR>(data));
}

void* window_data(HWND w) { return reinterpret_cast<void*>(USER32(GetWindowLongPtrW)(w, GWLP_USERDATA)); }

LRESULT default_window_procedure(HWND w, UINT msg, WPARAM wparam, LPARAM lparam) {
  return USER32(DefWindowProcW)(w, msg, wparam, lparam);
}

DWORD window_process(HWND w, DWORD* thread) {
  DWORD pid = 0;
  DWORD t = USER32(GetWindowThreadProcessId)(w, &pid);
  if (thread) *thread = t;
  return pid;
}

std::string window_text(HWND w) {
  wchar_t title[256] = L"";
  USER32(GetWindowTextW)(w, title, 256);
  return to_utf8(title);
}

void pump_messages(bool& dispatching_posted) {
  MSG msg;
  while (USER32(PeekMessageW)(&msg, nullptr, 0, 0, PM_REMOVE)) {
    USER32(TranslateMessage)(&msg);
    dispatching_posted = true;
    USER32(DispatchMessageW)(&msg);
    dispatching_posted = false;
  }
}

}  // namespace ipcsh::win
