#include "signal_state.hpp"

#include "win32/win32_api.hpp"

namespace ipcsh {

std::optional<bool> signaled_now(const HandleObject& h) {
  switch (h.kind) {
    case Kind::event:
    case Kind::io: {  // (an io handle is its I/O's event: signaled when the I/O completed)
      win::EventState s;
      if (!win::query_event(h.handle(), s)) return std::nullopt;
      return s.signaled != 0;
    }
    case Kind::semaphore: {
      win::SemaphoreState s;
      if (!win::query_semaphore(h.handle(), s)) return std::nullopt;
      return s.count > 0;
    }
    case Kind::mutex: {
      win::MutexState s;
      if (!win::query_mutex(h.handle(), s)) return std::nullopt;
      return s.count > 0;  // 1: free; 0 or less: owned (recursion depth)
    }
    case Kind::timer: {
      win::TimerState s;
      if (!win::query_timer(h.handle(), s)) return std::nullopt;
      return s.signaled != 0;
    }
    case Kind::process:
    case Kind::thread:
      // Waiting does not change a process or thread object.
      return win::wait_now(h.handle()) == WAIT_OBJECT_0;
    default:
      return std::nullopt;
  }
}

}  // namespace ipcsh
