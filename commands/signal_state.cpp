#include "signal_state.hpp"

#include "../shell/nt.hpp"

namespace ipcsh {

std::optional<bool> signaled_now(const HandleObject& h) {
  switch (h.kind) {
    case Kind::event: {
      struct { LONG type; LONG state; } info{};  // EVENT_BASIC_INFORMATION
      if (nt::query_state("NtQueryEvent", h.handle(), &info, sizeof info) < 0) return std::nullopt;
      return info.state != 0;
    }
    case Kind::semaphore: {
      struct { LONG current; LONG maximum; } info{};  // SEMAPHORE_BASIC_INFORMATION
      if (nt::query_state("NtQuerySemaphore", h.handle(), &info, sizeof info) < 0) return std::nullopt;
      return info.current > 0;
    }
    case Kind::mutex: {
      struct { LONG current; BOOLEAN owned_by_caller; BOOLEAN abandoned; } info{};  // MUTANT_BASIC_INFORMATION
      if (nt::query_state("NtQueryMutant", h.handle(), &info, sizeof info) < 0) return std::nullopt;
      return info.current > 0;  // 1: free; 0 or less: owned (recursion depth)
    }
    case Kind::timer: {
      struct { LARGE_INTEGER remaining; BOOLEAN state; } info{};  // TIMER_BASIC_INFORMATION
      if (nt::query_state("NtQueryTimer", h.handle(), &info, sizeof info) < 0) return std::nullopt;
      return info.state != 0;
    }
    case Kind::process:
    case Kind::thread:
      // Waiting does not change a process or thread object.
      return WaitForSingleObject(h.handle(), 0) == WAIT_OBJECT_0;
    default:
      return std::nullopt;
  }
}

}  // namespace ipcsh
