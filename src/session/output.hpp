// A session's output: how its results are fitted and where its text goes.
// The state is here, a part of the Session; console/console.hpp writes
// through it (write_out, write_err, write_async).
#pragma once
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "format.hpp"

namespace ipcsh {

// Where the shell's output goes instead of stdout/stderr (an agent sends
// it to its parent); the hook returns false to let it through. Stream 1 is
// out, 2 is err.
using OutputHook = std::function<bool(int stream, std::string_view utf8)>;

struct Output {
  // The width and colour results are rendered for: set at start (colour,
  // --no-color), before each line (the console's width now, or none with
  // --wide), none in an agent (its parent lays its results out).
  Fit fit;

  // Output from several threads (children's lines) goes out a line at a
  // time, under `lock`, which guards everything below.
  std::mutex lock;
  // Where the cursor stands in the line being written (for wrapping):
  // stdout and stderr share the screen.
  std::size_t column = 0;
  // While the line editor shows the prompt, other threads' lines wait in
  // `held` and the editor prints them above a redrawn prompt.
  bool editor_showing = false;
  std::string held;
  OutputHook hook;
};

}  // namespace ipcsh
