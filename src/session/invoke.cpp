#include "invoke.hpp"

#include <windows.h>

#include "core/error.hpp"
#include "session.hpp"
#include "win32/win32.hpp"

namespace ipcsh {
namespace {

void tell(Session& session, const Invocation& call) {
  // An observer that fails must not turn a command's outcome into another.
  for (const auto& [name, observer] : session.observers.by_name) {
    try {
      observer(call);
    } catch (const std::exception&) {
    }
  }
}

}  // namespace

namespace {
Value run_invoke(Session& session, const Command& command, RawArgs& raw, const CommandText* text, bool may_move);
}  // namespace

Value invoke(Session& session, const Command& command, const RawArgs& raw, const CommandText* text) {
  return run_invoke(session, command, const_cast<RawArgs&>(raw), text, false);
}

Value invoke(Session& session, const Command& command, RawArgs&& raw, const CommandText* text) {
  return run_invoke(session, command, raw, text, session.observers.by_name.empty());
}

namespace {
Value run_invoke(Session& session, const Command& command, RawArgs& raw, const CommandText* text, bool may_move) {
  struct Depth {
    int& d;
    explicit Depth(int& d) : d(++d) {}
    ~Depth() { --d; }
  } depth(session.observers.depth);
  Invocation call{&command, &raw, text, {}, session.observers.depth};
  // Timed only for observers: with none, a call costs no clock reads.
  LARGE_INTEGER start{}, end{}, frequency{};
  bool timed = !session.observers.by_name.empty();
  if (timed) QueryPerformanceCounter(&start);
  auto finish = [&] {
    if (session.observers.by_name.empty()) return;
    if (timed) {  // (an observer added by this very command was not timing it)
      QueryPerformanceCounter(&end);
      QueryPerformanceFrequency(&frequency);
      call.milliseconds =
          static_cast<double>(end.QuadPart - start.QuadPart) * 1000.0 / static_cast<double>(frequency.QuadPart);
    }
    tell(session, call);
  };
  try {
    Args args = may_move ? bind_args_moving(command, raw, session) : bind_args(command, raw, session);
    args.from_shell = text != nullptr;
    args.lend_result = may_move;
    Value result;
    {
      win::TraceScope trace(session.tracer(), session.call_tracer());  // the command's own calls, not the rendering's
      result = command.handler(session, args);
    }
    session.forget_closed();
    call.result = &result;
    finish();
    return result;
  } catch (UsageError& e) {
    session.forget_closed();
    if (e.command().empty()) e.set_command(command.name, command.lua_name());
    e.mark_invoked();
    call.error = &e;
    finish();
    throw;
  } catch (const std::exception& e) {
    session.forget_closed();
    if (runtime_library_error(e)) {  // never the library's words: the command's
      InternalError internal(command.name, e);
      call.error = &internal;
      finish();
      throw internal;
    }
    call.error = &e;
    finish();
    throw;
  }
}

}  // namespace

void report_unrun(Session& session, const CommandText* text, std::string_view line, const std::exception& error) {
  Invocation call;
  call.text = text;
  call.line = line;
  call.depth = session.observers.depth + 1;
  call.error = &error;
  tell(session, call);
}

}  // namespace ipcsh
