// Two Sessions in one process are independent: each has its own
// variables, handles, output and fit, snapshots, windows and their
// messages, recordings, Ctrl+C and Lua engine. Linked against the layers
// (the command rows included), run under Wine like the program.
#include <windows.h>

#include <cstdio>
#include <string>
#include <vector>

#include "console/console.hpp"
#include "core/error.hpp"
#include "core/syntax.hpp"
#include "lua/lua_binding.hpp"
#include "session/executor.hpp"
#include "session/format.hpp"
#include "session/handle.hpp"
#include "session/session.hpp"

using namespace ipcsh;

static int passed = 0, failed = 0;

static void check(bool ok, const char* what, int line, const std::string& got = {}) {
  if (ok) {
    ++passed;
    return;
  }
  ++failed;
  std::printf("FAIL %s:%d: %s%s%s\n", __FILE__, line, what, got.empty() ? "" : "\n  got: ", got.c_str());
}
#define CHECK(cond) check((cond), #cond, __LINE__)
#define CHECK_EQ(actual, expected)                                                                       \
  do {                                                                                                   \
    std::string a_ = (actual), e_ = (expected);                                                          \
    check(a_ == e_, #actual " == " #expected, __LINE__, quote_bytes(a_) + "\n  expected: " + quote_bytes(e_)); \
  } while (0)

// Runs one line; the text its results print as (fitted to the session's fit).
static std::string run(Session& s, std::string_view line) {
  std::string out;
  execute_line(s, line, [&](const CommandText& command, const Value& result) {
    out += result_text(command, result, s.output->fit);
  });
  return out;
}

// The message a line fails with, or "no error".
static std::string failure(Session& s, std::string_view line) {
  try {
    run(s, line);
    return "no error";
  } catch (const std::exception& e) {
    return e.what();
  }
}

static std::string text_of(const Value* v) { return v && v->as<std::string>() ? *v->as<std::string>() : "?"; }
static std::int64_t int_of(const Value& v) { return v.as<std::int64_t>() ? *v.as<std::int64_t>() : -1; }
static std::int64_t int_field(const Value* v, std::string_view name) {
  auto r = v ? v->as<Record>() : nullptr;
  auto f = r ? r->get(name) : nullptr;
  return f ? int_of(*f) : -1;
}

int main() {
  Session a, b;
  LuaEngine lua_a(a), lua_b(b);

  // Variables.
  run(a, "x = echo alpha");
  run(b, "x = echo beta");
  run(a, "only_a = echo here");
  CHECK_EQ(text_of(a.variable("x")), "alpha");
  CHECK_EQ(text_of(b.variable("x")), "beta");
  CHECK(a.variable("only_a") != nullptr);
  CHECK(b.variable("only_a") == nullptr);
  CHECK_EQ(failure(b, "echo $only_a"), "no variable $only_a (see `vars`)");
  CHECK_EQ(text_of(&a.variables.last), "here");
  CHECK_EQ(text_of(&b.variables.last), "beta");

  // Handles: an event made in a is a's, with its name; b does not know it
  // (asked for the value, b adopts the kernel's object as a stranger).
  run(a, "ev = create-event session-test-a");
  auto ev = a.variable("ev")->as<HandleRef>();
  CHECK(ev != nullptr);
  std::int64_t value = (*ev)->value();
  CHECK(a.handles().count(value) == 1);
  CHECK(b.handles().count(value) == 0);
  CHECK(a.resolve(value) == *ev);
  CHECK(!a.resolve(value)->adopted);
  HandleRef seen_by_b = b.resolve(value);
  CHECK(seen_by_b != *ev);
  CHECK(seen_by_b->adopted);
  CHECK_EQ(seen_by_b->role, "adopted");
  CHECK_EQ(failure(b, "set-event $ev"), "no variable $ev (see `vars`)");

  // Output: each session's text goes through its own hook.
  std::string to_a, to_b;
  set_output_hook(*a.output, [&](int, std::string_view text) { return to_a += text, true; });
  set_output_hook(*b.output, [&](int, std::string_view text) { return to_b += text, true; });
  write_out(*a.output, "for a\n");
  write_err(*b.output, "for b\n");
  lua_a.run_chunk("print('lua of a')", "=a");
  lua_b.run_chunk("print('lua of b')", "=b");
  CHECK_EQ(to_a, "for a\nlua of a\n");
  CHECK_EQ(to_b, "for b\nlua of b\n");

  // Fit: a is fitted to 40 columns, b to none; the same bytes are cut in a only.
  a.output->fit = {40, false};
  b.output->fit = {0, true};
  std::string long_text(200, 'z');
  Value bytes = Bytes{long_text};
  std::string in_a = format_result(bytes, a.output->fit), in_b = format_result(bytes, b.output->fit);
  CHECK(in_a.find("`show $_` prints all of it") != std::string::npos);
  CHECK_EQ(in_b, "\"" + long_text + "\" (200 bytes)");
  CHECK(a.output->fit.width == 40 && !a.output->fit.colour);
  CHECK(b.output->fit.width == 0 && b.output->fit.colour);
  // Where the cursor stands is each session's own.
  set_output_hook(*a.output, nullptr);  // a's text goes to stdout: its column moves
  write_out(*a.output, "start ");
  CHECK(a.output->column == 6);
  CHECK(b.output->column == 0);
  write_out(*a.output, "\n");
  CHECK(a.output->column == 0);

  // Snapshots of the handle table are kept by the session that took them.
  CHECK_EQ(run(a, "handles --snapshot before").substr(0, 16), "snapshot before:");
  CHECK(a.snapshots.count("before") == 1);
  CHECK(b.snapshots.empty());
  CHECK_EQ(failure(b, "handles --since before"),
           "--since: no snapshot 'before' (take one with handles --snapshot NAME)");
  run(a, "ev2 = create-event");
  std::string since = run(a, "handles --since before");
  CHECK(since.find("opened") != std::string::npos);

  // Windows: each session's window queues what it receives, even when the
  // other session's wait pumps the thread's messages.
  run(a, "wa = create-window session-test-a");
  run(b, "wb = create-window session-test-b");
  CHECK(a.windows.open == 1 && b.windows.open == 1);
  run(a, "post-message $wa 0x401 1 2");
  run(b, "post-message $wb 0x402 3 4");
  run(b, "sleep 10");  // b pumps: a's message goes to a's queue
  run(a, "ma = get-message --timeout 2000");
  run(b, "mb = get-message --timeout 2000");
  CHECK(int_field(a.variable("ma"), "msg") == 0x401 && int_field(a.variable("ma"), "wparam") == 1);
  CHECK(int_field(b.variable("mb"), "msg") == 0x402 && int_field(b.variable("mb"), "lparam") == 4);
  CHECK(a.windows.messages.empty() && b.windows.messages.empty());
  CHECK(a.windows.received == 1 && b.windows.received == 1);
  CHECK_EQ(run(a, "get-message --timeout 0"), "no message within 0 ms");

  // Recordings: a records, b does not.
  wchar_t temp[MAX_PATH];
  GetTempPathW(MAX_PATH, temp);
  std::wstring file = std::wstring(temp) + L"session_test_" + std::to_wstring(GetCurrentProcessId()) + L".lua";
  std::string path = std::string(file.begin(), file.end());
  run(a, "record '" + path + "'");
  CHECK(a.observers.lua_recording.has_value());
  CHECK(!b.observers.lua_recording.has_value());
  CHECK_EQ(failure(b, "record off"), "nothing is being recorded");
  run(a, "record off");
  CHECK(!a.observers.lua_recording.has_value());
  DeleteFileW(file.c_str());

  // Ctrl+C: interrupting a leaves b running.
  a.interrupted = false, b.interrupted = false;
  a.interrupt();
  CHECK(a.interrupted && !b.interrupted);
  a.interrupted = false;

  // Lua: each engine its own state.
  lua_a.run_chunk("shared = 'a'", "=a");
  lua_b.run_chunk("shared = 'b'", "=b");
  auto got_a = lua_a.run_chunk("shared", "=a"), got_b = lua_b.run_chunk("shared", "=b");
  CHECK(got_a.size() == 1 && got_b.size() == 1);
  if (got_a.size() == 1 && got_b.size() == 1) {
    CHECK_EQ(text_of(&got_a[0]), "a");
    CHECK_EQ(text_of(&got_b[0]), "b");
  }
  CHECK(a.lua == &lua_a && b.lua == &lua_b);

  run(a, "close $ev; close $ev2");
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
