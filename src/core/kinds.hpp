// The kinds of object a handle can be, and sets of them - what a parameter
// accepts. Free of Windows headers: the argument binder (command.cpp) uses
// them, and builds natively for fuzzing.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace ipcsh {

enum class Kind {
  mailslot, file, pipe, event, mutex, semaphore, timer, mapping, view, process, thread,
  socket, window, job,
  io,    // an overlapped I/O started with --async: its event, signaled when it completes
  port,  // an I/O completion port
  other
};
std::string_view kind_name(Kind kind);
Kind kind_from_name(std::string_view name);  // Kind::other for an unknown name

// A set of kinds a parameter accepts; empty means any.
class KindSet {
 public:
  constexpr KindSet() = default;
  constexpr KindSet(std::initializer_list<Kind> kinds) {
    for (Kind k : kinds) bits_ |= 1u << static_cast<unsigned>(k);
  }
  constexpr bool any() const { return bits_ == 0; }
  constexpr bool has(Kind k) const { return any() || (bits_ & (1u << static_cast<unsigned>(k))); }
  // Whether some accepted kind is a kernel handle (not a view's address):
  // then a value that is no handle may go to the API, which says so.
  constexpr bool has_kernel_kind() const {
    return any() || (bits_ & ~(1u << static_cast<unsigned>(Kind::view))) != 0;
  }
  std::string describe() const;  // "mailslot, file, pipe or socket"
 private:
  unsigned bits_ = 0;
};

inline constexpr KindSet file_like{Kind::mailslot, Kind::file, Kind::pipe, Kind::socket};
inline constexpr KindSet waitable{Kind::event, Kind::mutex, Kind::semaphore, Kind::timer,
                                  Kind::process, Kind::thread, Kind::file, Kind::pipe,
                                  Kind::mailslot, Kind::job, Kind::io};

// "0x30", or "-1" for the pseudo handle.
std::string format_handle_value(std::int64_t value);

}  // namespace ipcsh
