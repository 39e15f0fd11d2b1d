// RAII for the kernel handles ipcsh uses internally (a temporary event, a
// test's job, a duplicate looked at and dropped). The handles a user holds
// are HandleObjects instead, closed only when the user says so.
#pragma once
#include <windows.h>

#include <utility>

namespace ipcsh {

class UniqueHandle {
 public:
  explicit UniqueHandle(HANDLE h = nullptr) noexcept : h_(h) {}
  ~UniqueHandle() { reset(); }
  UniqueHandle(UniqueHandle&& other) noexcept : h_(other.release()) {}
  UniqueHandle& operator=(UniqueHandle&& other) noexcept {
    reset(other.release());
    return *this;
  }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;

  HANDLE get() const noexcept { return h_; }
  HANDLE release() noexcept { return std::exchange(h_, nullptr); }
  void reset(HANDLE h = nullptr) noexcept {
    // nullptr and INVALID_HANDLE_VALUE both mean "none" for the APIs used here.
    if (h_ && h_ != INVALID_HANDLE_VALUE) CloseHandle(h_);
    h_ = h;
  }
  explicit operator bool() const noexcept { return h_ && h_ != INVALID_HANDLE_VALUE; }

 private:
  HANDLE h_;
};

}  // namespace ipcsh
