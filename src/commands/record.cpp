// record: write the session from now on as a Lua scenario (record.hpp).
#include <memory>

#include "common.hpp"
#include "core/shapes.hpp"
#include "record/c_exporter.hpp"
#include "record/recorder.hpp"

namespace ipcsh {
namespace {

// The one Lua recording and the one C export under way are the session's
// (session.observers.lua_recording, session.observers.c_recording), which holds the writers.

Value start_c(Session& s, const Args& a) {
  if (s.observers.c_recording) throw UsageError(fmt::format("--c: already exporting to {}; `record off` first", s.observers.c_recording->path));
  std::string path = a.string("c");
  auto exporting = std::make_shared<CExporter>(path, "record --c " + path);
  s.observers.c_recording = Session::Observers::Recording{exporting, exporting->path()};
  std::weak_ptr<CExporter> weak = exporting;
  s.observers.call_sink = [weak](const win::CallEvent& e) {
    if (auto x = weak.lock()) x->call(e);
  };
  s.observers.by_name["record-c"] = [weak](const Invocation& call) {
    if (auto x = weak.lock()) x->observe(call);
  };
  return report(shape::record_on, {path, false}, {field::file, field::assert_});
}

Value record(Session& s, const Args& a) {
  const std::string& target = a.string("FILE");
  if (target == "off") {
    if (a.flag("assert") || a.has("c")) throw UsageError("off: no --assert or --c with off; `record off` ends every recording", 1);
    if (!s.observers.lua_recording && !s.observers.c_recording) throw UsageError("nothing is being recorded", 1);
    std::string path = s.observers.lua_recording ? s.observers.lua_recording->path : s.observers.c_recording->path;
    if (s.observers.lua_recording && s.observers.c_recording) path += " and " + s.observers.c_recording->path;
    s.observers.by_name.erase("record");
    s.observers.by_name.erase("record-c");
    s.observers.call_sink = nullptr;
    s.observers.lua_recording.reset();
    s.observers.c_recording.reset();
    return report(shape::record_off, {path}, {field::file});
  }
  if (a.has("c")) {
    if (!target.empty()) throw UsageError("give FILE.lua or --c FILE.c, not both; record each in turn", 1);
    // The C program prints each call's outcome; it has no assertions.
    if (a.flag("assert"))
      throw UsageError("--assert: only with FILE.lua (the C of --c prints each result instead)", 1);
    return start_c(s, a);
  }
  if (target.empty()) throw UsageError("FILE: a file name (FILE.lua), --c FILE.c, or off expected", 1);
  if (s.observers.lua_recording)
    throw UsageError(fmt::format("already recording to {}; `record off` first", s.observers.lua_recording->path), 1);
  std::string how = "record " + target + (a.flag("assert") ? " --assert" : "");
  auto recording = std::make_shared<LuaRecorder>(s, target, a.flag("assert"), how, s.observers.depth);
  s.observers.lua_recording = Session::Observers::Recording{recording, recording->path()};
  std::weak_ptr<LuaRecorder> weak = recording;
  s.observers.by_name["record"] = [weak](const Invocation& call) {
    if (auto r = weak.lock()) r->observe(call);
  };
  return report(shape::record_on, {target, a.flag("assert")}, {field::file, field::assert_});
}

const CommandRegistration registration{
    {.name = "record",
     .family = "session",
     .summary = "write every command from now on as Lua to FILE (a scenario to replay); `record off` stops",
     .params = {{.name = "FILE", .type = ArgType::name, .optional = true}},
     .flags = {{.name = "assert", .type = ArgType::boolean, .help = "also write what each result was, as assertions"},
               {.name = "c",
                .type = ArgType::name,
                .value_name = "FILE.c",
                .help = "write the session's Win32 calls as a standalone C program instead"}},
     .handler = record,
     .lua_record = LuaRecord::nothing,
     .c_export = CExport::nothing,
     .returns = {}},
};

}  // namespace
}  // namespace ipcsh
