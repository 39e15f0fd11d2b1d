#include "session.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"
#include "fields.hpp"
#include "format.hpp"
#include "win32/launch.hpp"
#include "win32/win32_api.hpp"

namespace ipcsh {

Session::Session() {
  self_ = std::make_shared<HandleObject>(Kind::process, GetCurrentProcess());
  self_->pseudo = true;
  self_->pid = GetCurrentProcessId();
  self_->role = "pseudo handle of this process";
}

// The process exit closes the handles left. Our windows outlive the
// session too: they stop telling it their messages.
Session::~Session() {
  if (windows.open == 0) return;
  for (const auto& [value, h] : handles_) {
    HWND w = static_cast<HWND>(h->handle());
    if (h->kind == Kind::window && !h->closed() && win::window_data(w) == this) win::set_window_data(w, nullptr);
  }
}

HandleRef Session::add(Kind kind, HANDLE handle, std::string name) {
  auto ref = std::make_shared<HandleObject>(kind, handle, std::move(name));
  ref->origin = origin_now();
  // Its I/O mode, from the kernel: a handle opened overlapped stays so when
  // it is inherited, passed or duplicated, and synchronous calls on it
  // would complete falsely (TransactNamedPipe returning before the reply).
  if (kind == Kind::file || kind == Kind::pipe || kind == Kind::mailslot)
    ref->overlapped = win::is_overlapped(handle).value_or(false);
  handles_[ref->value()] = ref;
  return ref;
}

HandleRef Session::self() { return self_; }

const Value* Session::variable(std::string_view name) {
  auto it = variables.named.find(name);
  return it == variables.named.end() ? nullptr : &it->second;
}

Value Session::word_value(const Word& word) {
  if (!word.is_variable()) return word.text;
  // $a,$b: a list of handles, which the binder reads variable by variable.
  if (word.text.find(',') != std::string::npos) return word.text;
  std::string name = word.text.substr(1), field;
  if (auto dot = name.find('.'); dot != std::string::npos) {
    field = name.substr(dot + 1);
    name.resize(dot);
  }
  Value value;
  if (name == "_") {
    value = variables.last;
  } else {
    auto it = variables.named.find(name);
    if (it == variables.named.end()) throw UsageError(fmt::format("no variable ${} (see `vars`)", name));
    value = it->second;
  }
  if (field.empty()) return value;
  if (auto f = field_of(value, field)) return *f;
  throw UsageError(fmt::format("{}: no field '{}'", word.text, field));
}

HandleFacts Session::facts(const HandleRef& handle) { return {handle->kind, handle->closed()}; }

std::string Session::value_text(const HandleRef& handle) { return handle->value_text(); }

std::string Session::describe(const Value& value) { return format_cell(value, output->fit); }

void Session::closed_handle(const HandleRef& handle, std::string_view command) {
  throw_error(command, handle->kind == Kind::window ? ERROR_INVALID_WINDOW_HANDLE : ERROR_INVALID_HANDLE,
              fmt::format("{} {} was closed", kind_name(handle->kind), handle->value_text()));
}

std::string Session::origin_now() const {
  if (!origin.empty() || !lua_where.describe) return origin;
  return lua_where.describe(lua_where.state);
}

HandleRef Session::resolve(std::int64_t value) {
  if (value == -1) return self_;
  auto it = handles_.find(value);
  if (it != handles_.end() && !it->second->closed()) return it->second;
  HANDLE raw = reinterpret_cast<HANDLE>(static_cast<std::intptr_t>(value));
  win::ObjectFacts facts = win::query_object(raw);
  if (!facts.valid) return std::make_shared<HandleObject>(Kind::other, raw);
  Kind kind = kind_of(facts);
  auto ref = add(kind, raw, facts.name);
  ref->role = "adopted";
  ref->adopted = true;
  if (kind == Kind::process) ref->pid = win::query_process_id(raw);  // 0 when the handle may not ask
  return ref;
}

void Session::forget_closed() {
  // (after every call: a table of many handles is not searched when nothing closed)
  if (closings_seen_ == HandleObject::closings) return;
  closings_seen_ = HandleObject::closings;
  std::erase_if(handles_, [](const auto& entry) { return entry.second->closed(); });
}

void Session::set_var(const std::string& name, Value value) {
  if (auto h = value.as<HandleRef>(); h && (*h)->link) name_link(*(*h)->link, name);
  variables.named[name] = std::move(value);
}

std::string Session::variable_of(const HandleObject& h) const {
  for (const auto& [name, value] : variables.named)
    if (auto ref = value.as<HandleRef>(); ref && ref->get() == &h) return "$" + name;
  return {};
}

HANDLE Session::child_job() {
  // Kept open for the life of the shell: its closing at exit ends the children.
  if (!job_) job_ = make_kill_on_close_job().release();
  return job_;
}

void Session::interrupt() {
  interrupted = true;
  std::lock_guard lock(interrupt_lock_);
  if (on_interrupt_) on_interrupt_();
}

void Session::on_interrupt(std::function<void()> stop) {
  std::lock_guard lock(interrupt_lock_);
  on_interrupt_ = std::move(stop);
}

void Session::check_interrupt() {
  pump_messages();
  if (interrupted.exchange(false)) throw Interrupted();
}

void Session::pump_messages() {
  if (windows.open > 0) win::pump_messages(windows.dispatching_posted);
}

win::Between Session::between() {
  return [this] { check_interrupt(); };
}

DWORD Session::wait_sliced(const std::vector<HANDLE>& handles, bool all, DWORD timeout_ms) {
  return win::wait(handles, all, timeout_ms, between());
}

bool Session::poll_until(DWORD timeout_ms, const std::function<bool()>& ready) {
  return win::poll(timeout_ms, ready, between());
}

}  // namespace ipcsh
