// The argument binder under libFuzzer: a typed line is split by the real
// syntax code, its words become raw arguments (shell_args: --flag VALUE,
// --flag=VALUE, --switch=yes|no, `--`, $variables) and are bound against a
// command table (bind_args: counts, types, ranges, choices, handle kinds,
// handle lists, variadics, window messages, timeouts). The table here has
// the shapes of the real rows (commands/*.cpp call Win32, so they stay out
// of a native build) and a session of a few variables. A UsageError is the
// binder doing its job; a crash, a sanitizer report, another exception or a
// bound value outside what its parameter allows is a finding.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "../../src/core/command.hpp"
#include "../../src/core/error.hpp"
#include "../../src/core/syntax.hpp"

namespace ipcsh {
// The fuzzer's stand-in for a kernel handle: the binder sees handles only
// through BindContext::facts, so this is all a handle needs to be here.
class HandleObject {
 public:
  Kind kind;
  std::int64_t value;
  bool closed;
};
}  // namespace ipcsh

namespace {

using namespace ipcsh;

void require(bool ok) {
  if (!ok) std::abort();  // an invariant broke: libFuzzer reports the input
}

struct ClosedHandle : std::runtime_error {
  using std::runtime_error::runtime_error;
};

HandleRef make(Kind kind, std::int64_t value, bool closed = false) {
  return std::make_shared<HandleObject>(HandleObject{kind, value, closed});
}

class FakeSession : public BindContext {
 public:
  FakeSession() {
    vars_ = {{"w", make(Kind::mailslot, 0x40)},  {"ev", make(Kind::event, 0x44)}, {"gone", make(Kind::event, 0x48, true)},
             {"kid", make(Kind::process, 0x4c)}, {"win", make(Kind::window, 0x10020)}, {"v", make(Kind::view, 0x2a0000)},
             {"n", std::int64_t{7}},             {"s", std::string("hello")},      {"big", std::string(300, 'b')},
             {"r", Result{"dup", {make(Kind::event, 0x50)}, {"value"}}}, {"rep", Result{"closed", {}, {}, 0}},
             {"list", List{{make(Kind::event, 0x44), std::int64_t{3}}}}};
  }
  const Value* variable(std::string_view name) override {
    auto it = vars_.find(name);
    return it == vars_.end() ? nullptr : &it->second;
  }
  Value word_value(const Word& word) override {
    if (!word.is_variable() || word.text.find(',') != std::string::npos) return word.text;
    std::string name = word.text.substr(1);
    bool field = false;
    if (auto dot = name.find('.'); dot != std::string::npos) {
      field = true;
      name.resize(dot);
    }
    const Value* v = name == "_" ? &last_ : variable(name);
    if (!v) throw UsageError("no variable $" + name);
    if (!field) return *v;
    if (auto h = v->as<HandleRef>()) return (*h)->value;
    throw UsageError(word.text + ": no such field");
  }
  HandleRef handle_at(std::int64_t value) override {
    require(value == -1 || (value >= 0 && value <= largest_handle_value));  // the binder checked it
    return make(value == 0x44 ? Kind::event : Kind::other, value);
  }
  HandleRef this_process() override { return make(Kind::process, -1); }
  HandleFacts facts(const HandleRef& h) override { return {h->kind, h->closed}; }
  std::string value_text(const HandleRef& h) override { return format_handle_value(h->value); }
  std::string describe(const Value&) override { return "a result"; }
  [[noreturn]] void closed_handle(const HandleRef&, std::string_view command) override {
    throw ClosedHandle(std::string(command));
  }

 private:
  std::map<std::string, Value, std::less<>> vars_;
  Value last_;
};

Value no_run(Session&, const Args&) { return {}; }

const KindSet file_kinds = file_like, waitable_kinds = waitable, window_only{Kind::window},
              process_only{Kind::process}, view_only{Kind::view}, event_only{Kind::event};
const Flag timeout_flag{"timeout", ArgType::timeout, "MS|forever", "give up after MS"};

const CommandRegistration rows{
    {"send", "file-like", "write DATA", {{"H", ArgType::handle, file_kinds}, {"DATA", ArgType::string}},
     {timeout_flag}, no_run, {}, {}, false, "send"},
    {"recv", "file-like", "read", {{"H", ArgType::handle, file_kinds}},
     {{"max", ArgType::integer, "N", "at most N", {}, size_range}, timeout_flag}, no_run},
    {"wait", "wait", "wait", {{"H", ArgType::handle, waitable_kinds, false, true}},
     {{"all", ArgType::boolean, "", "all"}, timeout_flag}, no_run, {"timeout"}},
    {"post", "window", "post a message",
     {{"W", ArgType::handle, window_only}, {"MSG", ArgType::message},
      {"WPARAM", ArgType::integer, {}, true, false, any_integer}, {"LPARAM", ArgType::integer, {}, true, false, any_integer}},
     {}, no_run},
    {"create-pipe", "pipe", "create", {{"NAME", ArgType::name}},
     {{"access", ArgType::choice, "duplex|in|out", "way", {}, {}, {"duplex", "in", "out"}},
      {"instances", ArgType::integer, "N", "most", {}, {1, 255}}, {"inherit", ArgType::boolean, "", "inheritable"}},
     no_run},
    {"spawn", "process", "start", {{"CMDLINE", ArgType::text, {}, true}},
     {{"inherit", ArgType::boolean_or_handles, "", "all"}, {"inherit-only", ArgType::handles, "H,H...", "these"},
      {"pass", ArgType::any, "NAME,NAME...", "names"}, {"agent", ArgType::boolean, "", "agent"},
      {"args", ArgType::strings, "LIST", "Lua"}, {"cmd", ArgType::name, "CMDLINE", "line"}, {"stdout", ArgType::handle, "H", "out"}},
     no_run},
    {"dup", "handle", "duplicate", {{"H", ArgType::handle}},
     {{"to", ArgType::handle, "P", "into", process_only}, {"as", ArgType::name, "NAME", "bind"},
      {"close-source", ArgType::boolean, "", "move"}},
     no_run},
    {"read-mem", "memory", "read", {{"VIEW", ArgType::handle, view_only},
                                    {"OFFSET", ArgType::integer, {}, false, false, offset_range},
                                    {"LEN", ArgType::integer, {}, false, false, offset_range}},
     {}, no_run, {}, {}, false, "read"},
    {"set-event", "sync", "set", {{"H", ArgType::handle, event_only}}, {}, no_run, {}, {}, false, "set"},
    {"echo", "session", "words", {{"TEXT", ArgType::any, {}, true, true}}, {}, no_run},
    {"sleep", "session", "pause", {{"MS", ArgType::timeout}}, {}, no_run},
    {"trace", "session", "trace", {{"ON", ArgType::callback}}, {}, no_run},
    {"lua", "session", "Lua", {{"CODE", ArgType::text}}, {}, no_run},
};

// Every bound value is what its parameter allows.
void check(const Command& command, const Args& args) {
  auto in_range = [&](std::string_view name, ArgType type, Range range) {
    const Value* v = args.find(name);
    if (!v) return;
    if (type == ArgType::integer) require(v->as<std::int64_t>() && *v->as<std::int64_t>() >= range.min &&
                                          *v->as<std::int64_t>() <= range.max);
    if (type == ArgType::timeout) require(v->as<std::int64_t>() && *v->as<std::int64_t>() >= 0 &&
                                          *v->as<std::int64_t>() <= forever);
    if (type == ArgType::name) require(v->as<std::string>() && v->as<std::string>()->find('\0') == std::string::npos);
    if (type == ArgType::handle) require(v->as<HandleRef>() && !(*v->as<HandleRef>())->closed);
  };
  for (const auto& p : command.params)
    if (!p.variadic) in_range(p.name, p.type, p.range);
  for (const auto& f : command.flags) in_range(f.name, f.type, f.range);
}

bool verbatim(const std::vector<Word>& words, std::string_view rest) {
  std::size_t first = words.size() >= 2 && words[1].is("=") ? 2 : 0;
  if (words.size() <= first) return false;
  if (words[first].is("lua")) return words.size() == first + 1;
  // on P [--flag VALUE] TEXT: the text starts at the first word that is no flag
  if (words[first].is("on") && words.size() >= first + 2) return rest.rfind("--", 0) != 0;
  return words[first].is("spawn") && words.back().is("--");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static FakeSession session;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<CommandText> commands;
  try {
    commands = parse_line(input, verbatim);
  } catch (const SyntaxError&) {
    return 0;
  }
  for (const auto& text : commands) {
    if (text.words.empty()) continue;
    const Command* command = find_command(text.words[0].text);
    if (!command) continue;
    try {
      RawArgs raw = shell_args(*command, text, session);
      Args args = (size & 1) ? bind_args_moving(*command, raw, session) : bind_args(*command, raw, session);
      check(*command, args);
    } catch (const UsageError&) {
    } catch (const ClosedHandle&) {
    }
  }
  return 0;
}
