// Overlapped I/O started with --async (read, write, connect): an `io`
// handle the user holds, whose event `wait` takes like any object's, and
// `result`, `cancel` and completion ports read (async_io.cpp).
#pragma once
#include "common.hpp"

namespace ipcsh {

const Flag async_flag{.name = "async",
                      .type = ArgType::boolean,
                      .help = "start it and return at once an io handle (wait, result, cancel, a completion port)"};

// Starts `op` on an overlapped handle; returns the io handle.
Value start_async(Session& s, const HandleRef& file, win::AsyncIo::Op op, DWORD size, std::string data);
// `result $io`: where the I/O is (pending, or its status, bytes and data).
Value async_result(const HandleObject& io);

}  // namespace ipcsh
