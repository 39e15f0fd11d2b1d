// The state commands share, all of it, in parts: the handles the user
// holds (add, resolve), `variables`, `children` (their job, handles sent
// to them, agents' pending requests), Ctrl+C, `observers` (trace,
// recordings), `windows` and their messages, `object_ids` and handle-table
// `snapshots`, `output` (the console's settings). Nothing of a session lives in a
// file-level variable: two Sessions in one process are independent
// (tests/unit/session_test.cpp).
#pragma once
#include <windows.h>

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>
#include <string>
#include <string_view>

#include "core/value.hpp"
#include "handle.hpp"
#include "invoke.hpp"
#include "output.hpp"
#include "win32/win32.hpp"

namespace ipcsh {

class LuaEngine;

class Session : public BindContext {
 public:
  Session();
  ~Session();

  // Handles: every handle object the user created or adopted, by value.
  HandleRef add(Kind kind, HANDLE handle, std::string name = {});
  // A handle value typed by the user or found in a variable: the known
  // object, the pseudo handle for -1, or the value adopted with its kind read
  // from the kernel (an inherited handle). A value that is no handle becomes
  // an unregistered object so the API call reports ERROR_INVALID_HANDLE.
  HandleRef resolve(std::int64_t value);
  HandleRef self();

  // What the argument binder asks (command.hpp).
  const Value* variable(std::string_view name) override;
  Value word_value(const Word& word) override;
  HandleRef handle_at(std::int64_t value) override { return resolve(value); }
  HandleRef this_process() override { return self(); }
  HandleFacts facts(const HandleRef& handle) override;
  std::string value_text(const HandleRef& handle) override;
  std::string describe(const Value& value) override;
  [[noreturn]] void closed_handle(const HandleRef& handle, std::string_view command) override;
  void forget_closed();
  const std::map<std::int64_t, HandleRef>& handles() const { return handles_; }
  std::string variable_of(const HandleObject& h) const;  // "$slot" or ""

  // Shell variables: `$name`s, and `$_`, the last result.
  struct Variables {
    std::map<std::string, Value, std::less<>> named;
    Value last;
  };
  Variables variables;
  // Sets a variable; a child's output is labelled with the variable that
  // holds it ("[kid 264]").
  void set_var(const std::string& name, Value value);

  // The job (kill on close) every non-detached child joins.
  HANDLE child_job();

  // Ctrl+C: set by the console handler, checked by every blocking loop and,
  // while Lua runs, by a hook the handler installs.
  std::atomic<bool> interrupted{false};
  void check_interrupt();
  // Ctrl+C from any thread (the console's handler, an agent's parent): sets
  // `interrupted` and calls what on_interrupt set, which the Lua engine sets
  // to stop a running script at its next instruction (nullptr: nothing).
  void interrupt();
  void on_interrupt(std::function<void()> stop);
  // The blocking loops of every family, with Ctrl+C and the message pump
  // between slices (win32.hpp): WaitForMultipleObjects' result or throws
  // Interrupted; a poll returns ready's last answer.
  DWORD wait_sliced(const std::vector<HANDLE>& handles, bool all, DWORD timeout_ms);
  bool poll_until(DWORD timeout_ms, const std::function<bool()>& ready);
  win::Between between();

  // What watches commands run: `trace on`, `record`, timing.
  struct Observers {
    // `trace on`: where each Win32 call's line goes while a command runs.
    win::TraceSink trace_sink;
    // `record --c`: every Win32 call, as data.
    win::CallSink call_sink;
    // Told about every invocation (invoke.hpp): timing, recording.
    std::map<std::string, InvokeObserver, std::less<>> by_name;  // "record"
    int depth = 0;  // invocations under way: 1 while a typed command runs
    // `record FILE.lua` and `record --c FILE.c` under way: the writer (of
    // record/, held here without its type, below it) and its file. The
    // observers and the call sink hold the writer weakly.
    struct Recording {
      std::shared_ptr<void> writer;
      std::string path;
    };
    std::optional<Recording> lua_recording, c_recording;
  };
  Observers observers;
  const win::TraceSink* tracer() const { return observers.trace_sink ? &observers.trace_sink : nullptr; }
  const win::CallSink* call_tracer() const { return observers.call_sink ? &observers.call_sink : nullptr; }

  // Window messages: what this shell's windows received, oldest first. Every
  // wait and poll pumps the thread's queue while a window exists, so other
  // processes' SendMessage calls are answered. A window finds its session
  // through its own data (commands/window.cpp).
  struct Windows {
    std::deque<Record> messages;
    int open = 0;
    bool dispatching_posted = false;  // the window procedure runs for a posted message
    std::int64_t received = 0;        // messages received so far: a sent one is answered with its number
  };
  Windows windows;
  void pump_messages();

  // `exit` inside Lua: the code waiting to leave with once Lua has unwound.
  std::optional<int> exit_code;

  // Where text goes and how results are fitted (output.hpp). Shared: a
  // child's reader thread (agents/child_link.cpp) prints through it and
  // may outlive the session.
  std::shared_ptr<Output> output = std::make_shared<Output>();
  bool no_fit = false;  // --wide at start: results never cut to the console's width

  // What is running now, for handles made now: "test.lua:12" or the
  // shell command's text (see OriginScope). A Lua call leaves its script
  // and line, made into text only when a handle is made.
  std::string origin;
  // The script position of the Lua call running now, worked out only when a
  // handle is made (most calls make none): `describe(state)` says "file:line".
  struct LuaWhere {
    void* state = nullptr;
    std::string (*describe)(void* state) = nullptr;
  };
  LuaWhere lua_where;
  std::string origin_now() const;
  class LuaWhereScope {
   public:
    LuaWhereScope(Session& s, LuaWhere where) : s_(s), previous_(s.lua_where), outer_(std::move(s.origin)) {
      s.lua_where = where;
      s.origin.clear();
    }
    ~LuaWhereScope() {
      s_.lua_where = previous_;
      s_.origin = std::move(outer_);
    }
    LuaWhereScope(const LuaWhereScope&) = delete;
    LuaWhereScope& operator=(const LuaWhereScope&) = delete;
   private:
    Session& s_;
    LuaWhere previous_;
    std::string outer_;
  };

  // Object ids (handles, graph): the id of each kernel object the user
  // holds here, kept while that handle is open, so an object has one id in
  // every table.
  struct ObjectIds {
    struct Held {
      std::weak_ptr<HandleObject> handle;
      int id;
    };
    std::vector<Held> held;
    int last = 0;
  };
  ObjectIds object_ids;
  // `handles --snapshot NAME`: a process's handle table as it was, by name,
  // for `handles --since NAME`.
  struct Snapshot {
    struct Row {
      std::int64_t value;
      std::string type, name, origin;
    };
    DWORD pid;
    std::vector<Row> rows;
  };
  std::map<std::string, Snapshot, std::less<>> snapshots;

  // Other processes: handle values this shell put into them (dup --to),
  // by pid, and requests sent to agents with `on --async` (the event handle
  // the user holds, by its object, and the agent and request id it stands
  // for). The job they join is child_job().
  struct Children {
    std::map<DWORD, std::set<std::int64_t>> sent_to;
    struct AsyncRequest {
      std::weak_ptr<HandleObject> request;
      HandleRef agent;
      std::uint32_t id;
    };
    std::map<const HandleObject*, AsyncRequest> async_requests;
  };
  Children children;

  // A handle the runtime must keep open until exit (see handles --process).
  void keep_internal(HANDLE h) { kept_.push_back(h); }

  LuaEngine* lua = nullptr;
  std::string self_path;  // this ipcsh.exe, for spawn --ipcsh and --test

 private:
  std::map<std::int64_t, HandleRef> handles_;
  unsigned long closings_seen_ = 0;  // HandleObject::closings at the last forget_closed
  HandleRef self_;
  HANDLE job_ = nullptr;
  std::vector<HANDLE> kept_;
  std::mutex interrupt_lock_;  // interrupt() runs on other threads
  std::function<void()> on_interrupt_;
};

// Sets session.origin for the life of a call and puts the outer one back.
class OriginScope {
 public:
  OriginScope(Session& s, std::string origin) : s_(s), previous_(std::move(s.origin)) { s.origin = std::move(origin); }
  ~OriginScope() { s_.origin = std::move(previous_); }
  OriginScope(const OriginScope&) = delete;
  OriginScope& operator=(const OriginScope&) = delete;
 private:
  Session& s_;
  std::string previous_;
};

}  // namespace ipcsh
