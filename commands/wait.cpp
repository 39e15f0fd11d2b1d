// wait: WaitForMultipleObjects on one or many handles, in slices so Ctrl+C
// brings the shell back.
#include "../shell/format.hpp"
#include "common.hpp"

namespace ipcsh {
namespace {

Value wait(Session& s, const Args& a) {
  std::vector<HandleRef> targets = a.handles("H");
  if (targets.size() > MAXIMUM_WAIT_OBJECTS)
    throw UsageError(fmt::format("H: at most {} handles", MAXIMUM_WAIT_OBJECTS), 1);
  std::vector<HANDLE> raw;
  for (const auto& h : targets) raw.push_back(h->handle());
  DWORD timeout = a.timeout("timeout", INFINITE);
  bool all = a.flag("all");
  DWORD result = s.wait_sliced(static_cast<DWORD>(raw.size()), raw.data(), all, timeout);
  if (result == WAIT_TIMEOUT) return Multi{{"timeout"}, "timeout after " + timeout_text(timeout)};
  bool abandoned = result >= WAIT_ABANDONED_0 && result < WAIT_ABANDONED_0 + raw.size();
  DWORD index = result - (abandoned ? WAIT_ABANDONED_0 : WAIT_OBJECT_0);
  const char* status = abandoned ? "abandoned" : "signaled";
  const HandleObject& which = *targets[index];
  std::string var = s.variable_of(which);
  std::string text = all ? fmt::format("{}: all {} handles", status, raw.size())
                         : fmt::format("{}: [{}] {}{}{}", status, index + 1, var, var.empty() ? "" : " ",
                                       handle_line(which));
  return Multi{{status, static_cast<std::int64_t>(index + 1)}, text};
}

const CommandRegistration registration{
    {"wait", "wait", "wait until a handle (any, or --all) is signaled (WaitForMultipleObjects)",
     {{"H", ArgType::handle, waitable, false, true}},
     {{"all", ArgType::boolean, "", "wait for all of them"},
      {"timeout", ArgType::timeout, "MS|forever", "give up after MS (default forever; Ctrl+C ends it)"}},
     wait,
     {"timeout"}},
};

}  // namespace
}  // namespace ipcsh
