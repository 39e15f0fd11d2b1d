// Whether an object is signaled right now, read without consuming it: an
// auto-reset event, a semaphore or a free mutex is not changed by looking.
#pragma once
#include <optional>

#include "session/handle.hpp"

namespace ipcsh {
// nullopt: the kind has no signaled state worth showing (files, sections).
std::optional<bool> signaled_now(const HandleObject& h);
}  // namespace ipcsh
