#include "session.hpp"

#include <algorithm>

#include "error.hpp"
#include "launch.hpp"

namespace ipcsh {

namespace {
constexpr DWORD slice_ms = 50;  // how long Ctrl+C may go unnoticed
constexpr DWORD poll_ms = 5;    // how often a poll looks again
}

Session::Session() {
  self_ = std::make_shared<HandleObject>(Kind::process, GetCurrentProcess());
  self_->pseudo = true;
  self_->pid = GetCurrentProcessId();
  self_->role = "pseudo handle of this process";
}

Session::~Session() = default;  // the process exit closes what is left

HandleRef Session::add(Kind kind, HANDLE handle, std::string name) {
  auto ref = std::make_shared<HandleObject>(kind, handle, std::move(name));
  handles_[ref->value()] = ref;
  return ref;
}

HandleRef Session::self() { return self_; }

HandleRef Session::resolve(std::int64_t value) {
  if (value == -1) return self_;
  auto it = handles_.find(value);
  if (it != handles_.end() && !it->second->closed()) return it->second;
  HANDLE raw = reinterpret_cast<HANDLE>(static_cast<std::intptr_t>(value));
  ObjectFacts facts = query_object(raw);
  if (!facts.valid) return std::make_shared<HandleObject>(Kind::other, raw);
  auto ref = add(facts.kind, raw, facts.name);
  ref->role = "adopted";
  if (facts.kind == Kind::process) ref->pid = GetProcessId(raw);
  return ref;
}

void Session::forget_closed() {
  std::erase_if(handles_, [](const auto& entry) { return entry.second->closed(); });
}

std::string Session::variable_of(const HandleObject& h) const {
  for (const auto& [name, value] : vars)
    if (auto ref = value.as<HandleRef>(); ref && ref->get() == &h) return "$" + name;
  return {};
}

HANDLE Session::child_job() {
  // Kept open for the life of the shell: its closing at exit ends the children.
  if (!job_) job_ = make_kill_on_close_job().release();
  return job_;
}

void Session::check_interrupt() {
  pump_messages();
  if (interrupted.exchange(false)) throw Interrupted();
}

void Session::pump_messages() {
  if (windows_open == 0) return;
  MSG msg;
  while (PeekMessageW(&msg, nullptr, 0, 0, PM_REMOVE)) {
    TranslateMessage(&msg);
    dispatching_posted = true;
    DispatchMessageW(&msg);
    dispatching_posted = false;
  }
}

DWORD Session::wait_sliced(DWORD count, const HANDLE* handles, bool all, DWORD timeout_ms) {
  ULONGLONG deadline = GetTickCount64() + timeout_ms;
  for (;;) {
    check_interrupt();
    DWORD slice = slice_ms;
    if (timeout_ms != INFINITE) {
      ULONGLONG now = GetTickCount64();
      slice = now >= deadline ? 0 : static_cast<DWORD>(std::min<ULONGLONG>(slice_ms, deadline - now));
    }
    DWORD result = WaitForMultipleObjects(count, handles, all, slice);
    if (result == WAIT_FAILED) throw_last_error("WaitForMultipleObjects");
    if (result != WAIT_TIMEOUT) return result;
    if (timeout_ms != INFINITE && GetTickCount64() >= deadline) return WAIT_TIMEOUT;
  }
}

bool Session::poll_until(DWORD timeout_ms, const std::function<bool()>& ready) {
  ULONGLONG deadline = GetTickCount64() + timeout_ms;
  for (;;) {
    if (ready()) return true;
    check_interrupt();
    ULONGLONG now = GetTickCount64();
    if (timeout_ms != INFINITE && now >= deadline) return false;
    DWORD nap = timeout_ms == INFINITE ? poll_ms
                                       : static_cast<DWORD>(std::min<ULONGLONG>(poll_ms, deadline - now));
    Sleep(nap);
  }
}

}  // namespace ipcsh
