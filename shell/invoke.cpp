#include "invoke.hpp"

#include <windows.h>

#include "error.hpp"
#include "session.hpp"
#include "win32.hpp"

namespace ipcsh {

Value invoke(Session& session, const Command& command, const RawArgs& raw) {
  Invocation call{command, raw};
  LARGE_INTEGER start{}, end{}, frequency{};
  QueryPerformanceCounter(&start);
  auto finish = [&] {
    QueryPerformanceCounter(&end);
    QueryPerformanceFrequency(&frequency);
    call.milliseconds = static_cast<double>(end.QuadPart - start.QuadPart) * 1000.0 / static_cast<double>(frequency.QuadPart);
    for (const auto& observer : session.observers) observer(call);
  };
  try {
    Args args = bind_args(command, raw, session);
    Value result;
    {
      win::TraceScope trace(session.tracer());  // the command's own calls, not the rendering's
      result = command.run(session, args);
    }
    session.forget_closed();
    call.result = &result;
    finish();
    return result;
  } catch (UsageError& e) {
    session.forget_closed();
    if (e.command().empty()) e.set_command(command.name, command.lua_name());
    call.error = &e;
    finish();
    throw;
  } catch (const std::exception& e) {
    session.forget_closed();
    call.error = &e;
    finish();
    throw;
  }
}

}  // namespace ipcsh
