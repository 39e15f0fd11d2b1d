// record: write the session from now on as a Lua scenario (record.hpp).
#include <memory>

#include "../shell/recorder.hpp"
#include "common.hpp"

namespace ipcsh {
namespace {

std::shared_ptr<LuaRecorder> recording;  // the one recording under way

Value record(Session& s, const Args& a) {
  const std::string& target = a.string("FILE");
  if (target.empty()) throw UsageError("FILE: a file name (FILE.lua) or off expected", 1);
  if (target == "off") {
    if (!recording) throw UsageError("nothing is being recorded", 1);
    std::string path = recording->path();
    s.observers.erase("record");
    recording.reset();
    return report("record-off", {path}, {"file"});
  }
  if (recording) throw UsageError(fmt::format("already recording to {}; `record off` first", recording->path()), 1);
  std::string how = "record " + target + (a.flag("assert") ? " --assert" : "");
  recording = std::make_shared<LuaRecorder>(s, target, a.flag("assert"), how);
  std::weak_ptr<LuaRecorder> weak = recording;
  s.observers["record"] = [weak](const Invocation& call) {
    if (auto r = weak.lock()) r->observe(call);
  };
  return report("record-on", {target, a.flag("assert")}, {"file", "assert"});
}

const CommandRegistration registration{
    {"record", "session", "write every command from now on as Lua to FILE (a scenario to replay); `record off` stops",
     {{"FILE", ArgType::name}},
     {{"assert", ArgType::boolean, "", "also write what each result was, as assertions"}},
     record},
};

}  // namespace
}  // namespace ipcsh
