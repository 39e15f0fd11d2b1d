// Session commands: help, vars, show, echo, sleep, run, lua, trace, exit.
// (ipc.run, shell text from Lua, is the Lua library's: lua/lua_library.cpp.)
#include <algorithm>
#include <set>

#include "common.hpp"
#include "core/shapes.hpp"
#include "console/console.hpp"
#include "lua/lua_binding.hpp"
#include "session/format.hpp"

namespace ipcsh {
namespace {

Value help_result(const Args& a) {
  if (!a.has("COMMAND")) return result(shape::help, {});
  const std::string& name = a.string("COMMAND");
  if (name.size() > 1 && name[0] == '/') {
    // help /WORD: commands whose name or summary holds WORD
    std::string word = name.substr(1);
    auto lower = [](std::string t) {
      for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return t;
    };
    List found;
    for (const auto& c : all_commands())
    {
      std::string text = std::string(c.name) + " " + std::string(c.summary);
      for (const auto& f : c.flags) text += " --" + std::string(f.name) + " " + std::string(f.help);
      if (lower(text).find(lower(word)) != std::string::npos) found.items.push_back(std::string(c.name));
    }
    return result(shape::help_search, {word, found}, {field::word, field::commands});
  }
  for (auto family : families())
    if (family == name) return result(shape::help_family, {name}, {field::family});
  const Command* c = find_command(name);
  if (!c) c = find_lua_command(name);
  if (!c) {
    std::vector<std::string_view> words = families();
    for (auto n : nearest_commands(name)) words.push_back(n);
    std::string hint;
    for (auto n : nearest_words(name, words)) hint += (hint.empty() ? "; did you mean " : " or ") + std::string(n);
    throw UsageError("no command or family '" + name.substr(0, 40) + "'" + (hint.empty() ? "; try `help`" : hint + "?"), 1);
  }
  return result(shape::help_command, {std::string(c->name)}, {field::command});
}

// At the prompt help prints; from Lua, ipc.help returns the same text.
Value help(Session& s, const Args& a) {
  Value found = help_result(a);
  if (a.from_shell) return found;
  return format_whole(found, s.output->fit);
}

Value show(Session&, const Args& a) { return result(shape::show, {*a.find("VALUE")}, {field::value}); }

Value vars(Session& s, const Args&) {
  // A handle that was closed is still a variable, marked so.
  Table t{{"name", "value", "state"}, {}};
  for (const auto& [name, value] : s.variables.named) {
    auto h = value.as<HandleRef>();
    t.rows.push_back({"$" + name, value, h && (*h)->closed() ? Value("closed") : Value()});
  }
  return t;
}

Value echo(Session& s, const Args& a) {
  std::string out;
  for (const auto& item : a.find("TEXT")->as<List>()->items)
    out += (out.empty() ? "" : " ") + (item.as<std::string>() ? *item.as<std::string>() : format_result(item, s.output->fit));
  return out;
}

Value sleep_ms(Session& s, const Args& a) {
  win::pause(a.timeout("MS", 0), s.between());
  return {};
}


// Whether `v` holds `h` (a returned value keeps its handle open).
bool holds(const Value& v, const HandleObject* h) {
  if (auto r = v.as<HandleRef>()) return r->get() == h;
  if (auto l = v.as<List>()) return std::any_of(l->items.begin(), l->items.end(), [&](const Value& x) { return holds(x, h); });
  if (auto r = v.as<Result>()) return std::any_of(r->values.begin(), r->values.end(), [&](const Value& x) { return holds(x, h); });
  if (auto r = v.as<Record>())
    return std::any_of(r->fields.begin(), r->fields.end(), [&](const Field& f) { return holds(f.value, h); });
  return false;
}

// run FILE: like a process, a script's handles close when it ends, except
// those it returns or stored in shell variables (ipc.vars.x = h), or all
// of them with --keep.
Value run_file(Session& s, const Args& a) {
  std::vector<std::string> args;
  if (auto list = a.find("ARG"))
    for (const auto& item : list->as<List>()->items) args.push_back(*item.as<std::string>());
  std::set<const HandleObject*> before;
  for (const auto& [value, h] : s.handles()) before.insert(h.get());
  std::vector<Value> values;
  auto close_left = [&] {
    if (a.flag("keep")) return std::int64_t{0};
    std::vector<HandleRef> left;
    for (const auto& [value, h] : s.handles())
      if (!before.count(h.get()) && !h->closed() && !h->pseudo && !s.variable_of(*h).size() &&
          std::none_of(values.begin(), values.end(), [&](const Value& v) { return holds(v, h.get()); }))
        left.push_back(h);
    for (const auto& h : left) {
      try {
        h->close();
      } catch (const std::exception&) {  // one that cannot be closed stays; the rest close
      }
    }
    s.forget_closed();
    return static_cast<std::int64_t>(left.size());
  };
  try {
    values = s.lua->run_file(a.string("FILE"), args);
  } catch (...) {
    close_left();
    throw;
  }
  std::int64_t closed = close_left();
  std::size_t returned = values.size();
  if (!a.from_shell) return lua_values(std::move(values));
  // The shell says what it closed, after the script's values.
  values.push_back(closed);
  return Result{std::string(shape::ran), std::move(values), {}, returned};
}

Value run_lua(Session& s, const Args& a) { return lua_values(s.lua->run_chunk(a.string("CODE"), "=lua")); }

Value trace(Session& s, const Args& a) {
  const Value& state = *a.find("STATE");
  if (auto callback = state.as<Callback>()) {
    // While the function runs, the calls it makes itself are not traced:
    // a trace function that calls a command would otherwise trace its own
    // calls, without end.
    auto call = callback->call;
    auto busy = std::make_shared<bool>(false);
    s.observers.trace_sink = [call, busy](const std::string& line) {
      if (*busy) return;
      *busy = true;
      struct Done { bool& flag; ~Done() { flag = false; } } done{*busy};
      (*call)(line);
    };
  } else if (*state.as<bool>()) {
    s.observers.trace_sink = [output = s.output](const std::string& line) { write_out(*output, line + "\n"); };
  } else {
    s.observers.trace_sink = nullptr;
  }
  return report(shape::trace, {static_cast<bool>(s.observers.trace_sink)}, {field::on});
}

Value exit_shell(Session&, const Args& a) {
  // Unwinds to the mode that is running, which returns CODE from main.
  throw ExitRequest(static_cast<int>(static_cast<std::uint32_t>(a.integer("CODE", 0))));
}

const FamilyRegistration family{"session", "help, variables, Lua, trace, record, exit"};
const CommandRegistration registration{
    {.name = "help",
     .family = "session",
     .summary = "the families; help FAMILY, help COMMAND, help /WORD (search)",
     .params = {{.name = "COMMAND", .type = ArgType::string, .optional = true, .complete = Complete::commands}},
     .handler = help,
     .stable = false,
     .returns = {.values = {{.name = "text", .type = LuaType::string, .about = "the help text (the shell prints it)"}}}},
    {.name = "vars", .family = "session", .summary = "list the shell variables", .handler = vars, .stable = false,
     .returns = {.values = {{.name = "table",
                             .type = LuaType::rows,
                             .fields = {{.name = "name", .type = LuaType::string, .about = "$NAME"},
                                        {.name = "value", .type = LuaType::any},
                                        {.name = "state", .type = LuaType::string, .optional = true, .about = "\"closed\" for a closed handle"}}}}}},
    {.name = "show",
     .family = "session",
     .summary = "print all of a value, however long (results on a console are fitted to its width)",
     .params = {{.name = "VALUE", .type = ArgType::any}},
     .handler = show,
     .returns = {.values = {{.name = "value", .type = LuaType::any, .about = "VALUE (the shell prints all of it)"}}}},
    {.name = "echo",
     .family = "session",
     .summary = "print the words (and variables) given",
     .params = {{.name = "TEXT", .type = ArgType::any, .optional = true, .variadic = true}},
     .handler = echo,
     .returns = {.values = {{.name = "text", .type = LuaType::string, .about = "the words joined by blanks"}}}},
    {.name = "sleep",
     .family = "session",
     .summary = "pause for MS milliseconds (Ctrl+C ends it early)",
     .params = {{.name = "MS", .type = ArgType::timeout}},
     .handler = sleep_ms,
     .returns = {}},
    {.name = "run",
     .family = "session",
     .summary = "run a Lua scenario file in this shell's Lua state (Lua: ipc.run_file)",
     .params = {{.name = "FILE", .type = ArgType::name, .complete = Complete::files},
                {.name = "ARG", .type = ArgType::string, .optional = true, .variadic = true}},
     .flags = {{.name = "keep",
                .type = ArgType::boolean,
                .help = "keep the handles the script leaves open (by default they close when it ends)"}},
     .handler = run_file,
     .lua_alias = "run_file",
     .stable = false,
     .c_export = CExport::lua,
     .returns = {.values = {{.name = "...", .type = LuaType::any, .about = "what the script returned"}},
                 .note = "The shell also says how many handles it closed"}},
    {.name = "lua",
     .family = "session",
     .summary = "run Lua code, the rest of the line as typed (an expression's values are printed)",
     .params = {{.name = "CODE", .type = ArgType::text}},
     .handler = run_lua,
     .stable = false,
     .lua_record = LuaRecord::code,
     .c_export = CExport::lua,
     .returns = {.values = {{.name = "...", .type = LuaType::any, .about = "what the code returned"}}}},
    {.name = "trace",
     .family = "session",
     .summary = "print every Win32 call each command makes (Lua: ipc.trace(true|false|function))",
     .params = {{.name = "STATE", .type = ArgType::callback}},
     .handler = trace,
     .returns = {}},
    {.name = "exit",
     .family = "session",
     .summary = "leave the shell with exit code CODE (default 0)",
     .params = {{.name = "CODE", .type = ArgType::integer, .optional = true}},
     .handler = exit_shell,
     .returns = {.note = "It does not return: the shell (or the script) ends with CODE"}},
};

}  // namespace
}  // namespace ipcsh
