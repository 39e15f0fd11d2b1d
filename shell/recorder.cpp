#include "recorder.hpp"

#include <windows.h>

#include <filesystem>
#include <fmt/format.h>

#include "error.hpp"
#include "handle.hpp"
#include "lua_binding.hpp"
#include "session.hpp"
#include "text.hpp"

#ifndef IPCSH_VERSION
#define IPCSH_VERSION "0.0.0"
#endif

namespace ipcsh {
namespace {

// Results that differ from run to run: recorded, never asserted.
bool unstable_command(std::string_view name) {
  for (auto n : {"pid", "self", "handles", "vars", "help", "dup", "spawn", "find-window", "hexdump", "lua", "run"})
    if (name == n) return true;
  return false;
}
bool unstable_field(std::string_view key) {
  for (auto k : {"value", "pointer_count", "pid", "thread", "window", "address", "port", "peer", "parent", "queued",
                 "access", "protect"})
    if (key == k) return true;
  return false;
}

std::string lua_scalar(const Value& v) {
  if (auto b = v.as<bool>()) return *b ? "true" : "false";
  if (auto i = v.as<std::int64_t>()) return std::to_string(*i);
  if (auto s = v.as<std::string>()) return lua_quote(*s);
  if (auto b = v.as<Bytes>()) return lua_quote(b->data);
  return {};
}

const Param* param_at(const Command& c, std::size_t index) {
  if (c.params.empty()) return nullptr;
  if (index < c.params.size()) return &c.params[index];
  return c.params.back().variadic ? &c.params.back() : nullptr;
}

}  // namespace

std::string lua_quote(std::string_view bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
        else out += static_cast<char>(c);  // UTF-8 stays readable
    }
  }
  return out + "\"";
}

LuaRecorder::LuaRecorder(Session& session, const std::string& path, bool assertions, const std::string& how)
    : session_(session), path_(path), out_(std::filesystem::path(to_wide(path)), std::ios::binary), assert_(assertions) {
  if (!out_) throw Win32Error("CreateFileW", ERROR_PATH_NOT_FOUND, "cannot write " + path);
  SYSTEMTIME t;
  GetLocalTime(&t);
  write(fmt::format("-- Recorded by ipcsh {} on {:04}-{:02}-{:02} {:02}:{:02}:{:02} ({}).", IPCSH_VERSION, t.wYear,
                    t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond, how));
  write("-- Replay it in a fresh process: ipcsh " + path + "  (or ipcsh --test " + path + ")");
  write("local _");
}

void LuaRecorder::write(const std::string& line) {
  out_ << line << "\n";
  out_.flush();
}

std::string LuaRecorder::target(const std::string& name) {
  if (locals_.insert(name).second) return "local " + name;
  return name;
}

std::string LuaRecorder::word_lua(const Word& w, ArgType type) {
  if (w.is_variable()) {
    std::string name = w.text.substr(1);  // $x -> x, $x.field -> x.field
    if (name == "_" || name.rfind("_.", 0) == 0) name = last_ + name.substr(1);
    std::string base = name.substr(0, name.find('.'));
    if (base != "_" && !locals_.count(base) && unknown_.insert(base).second)
      write(fmt::format("-- ${} was made before this recording started: define {} before replaying", base, base));
    return name;
  }
  const std::string& t = w.text;
  bool numeric = type == ArgType::integer || type == ArgType::timeout || type == ArgType::handle ||
                 type == ArgType::handles || type == ArgType::any;
  if (!w.quoted && numeric && parse_number(t)) return t;
  if (!w.quoted && (type == ArgType::handle || type == ArgType::any) && t == "self") return "ipc.self()";
  if (!w.quoted && type == ArgType::handles && t.find(',') != std::string::npos) {
    std::string out = "{";
    std::string_view rest = t;
    while (!rest.empty()) {
      auto comma = rest.find(',');
      std::string piece(rest.substr(0, comma));
      out += (out.size() > 1 ? ", " : "") + (piece.size() > 1 && piece[0] == '$' ? piece.substr(1) : piece);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return out + "}";
  }
  if (!w.quoted && (type == ArgType::boolean || type == ArgType::callback))
    if (auto b = boolean_word(t)) return *b ? "true" : "false";
  return lua_quote(t);
}

std::string LuaRecorder::call_text(const Command& c, const CommandText& text) {
  std::vector<std::string> positional, options;
  bool flags_done = false;
  for (std::size_t i = 1; i < text.words.size(); ++i) {
    const Word& w = text.words[i];
    if (w.verbatim) {
      positional.push_back(lua_quote(w.text));
      continue;
    }
    if (!flags_done && w.is("--")) {
      flags_done = true;
      continue;
    }
    if (!flags_done && !w.quoted && w.text.size() > 2 && w.text.rfind("--", 0) == 0) {
      std::string name = w.text.substr(2), value;
      bool inline_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
        inline_value = true;
      }
      auto f = std::find_if(c.flags.begin(), c.flags.end(), [&](const Flag& f) { return f.name == name; });
      if (f == c.flags.end()) continue;
      if (!f->takes_value()) {
        auto b = inline_value ? boolean_word(value) : std::optional<bool>(true);
        options.push_back(fmt::format("{} = {}", dashes_to_underscores(name), b.value_or(true) ? "true" : "false"));
      } else if (inline_value) {
        options.push_back(fmt::format("{} = {}", dashes_to_underscores(name), word_lua(Word{value}, f->type)));
      } else if (i + 1 < text.words.size()) {
        options.push_back(fmt::format("{} = {}", dashes_to_underscores(name), word_lua(text.words[++i], f->type)));
      }
      continue;
    }
    const Param* p = param_at(c, positional.size());
    positional.push_back(word_lua(w, p ? p->type : ArgType::string));
  }
  std::string args;
  for (const auto& p : positional) args += (args.empty() ? "" : ", ") + p;
  if (!options.empty()) {
    std::string table;
    for (const auto& o : options) table += (table.empty() ? "" : ", ") + o;
    args += (args.empty() ? "{" : ", {") + table + "}";
  }
  return fmt::format("ipc.{}({})", c.lua_name(), args);
}

void LuaRecorder::assertions(const Command& c, const std::string& var, const Value& result) {
  if (!assert_ || unstable_command(c.name)) return;
  if (auto h = result.as<HandleRef>()) {
    const HandleObject& o = **h;
    std::string check = fmt::format("{}.kind == \"{}\"", var, kind_name(o.kind));
    if (o.has_inherit_flag()) check += fmt::format(" and {}.inherit == {}", var, o.inheritable() ? "true" : "false");
    write(fmt::format("assert({}, tostring({}))", check, var));
    return;
  }
  std::string scalar = lua_scalar(result);
  if (!scalar.empty()) {
    write(fmt::format("assert({} == {}, tostring({}))", var, scalar, var));
    return;
  }
  if (auto r = result.as<Result>()) {
    if (r->lua_count == 0 || r->values.empty()) return;
    std::string first = lua_scalar(r->values[0]);
    if (!first.empty()) write(fmt::format("assert({} == {}, tostring({}))", var, first, var));
    return;
  }
  if (auto r = result.as<Record>()) {
    for (const auto& f : r->fields) {
      if (unstable_field(f.key)) continue;
      std::string v = f.value.is_nil() ? "nil" : lua_scalar(f.value);
      if (v.empty()) continue;
      write(fmt::format("assert({}.{} == {}, \"{}: \" .. tostring({}.{}))", var, f.key, v, f.key, var, f.key));
    }
  }
}

void LuaRecorder::observe(const Invocation& call) {
  if (call.depth != 1) return;  // what Lua or ipc.run did inside is in their own lines
  if (!call.command) {
    // Text that failed before a command ran: replayed through ipc.run.
    std::string text = call.text ? std::string(call.line) : std::string(call.line);
    std::string message = call.error ? call.error->what() : "";
    if (auto u = dynamic_cast<const UsageError*>(call.error)) message = u->what();
    if (auto got = message.find(", got "); got != std::string::npos) message.resize(got);
    if (auto semi = message.find("; "); semi != std::string::npos) message.resize(semi);
    write(fmt::format("expect_error({}, ipc.run, {})", lua_quote(message), lua_quote(text)));
    return;
  }
  const Command& c = *call.command;
  if (c.name == "record") return;
  if (!call.text) return;
  const CommandText& text = *call.text;
  // `lua CODE` is Lua already: as a statement, or printed as the shell did.
  if (c.name == "lua" && !call.error && text.words.size() == 2) {
    const std::string& code = text.words[1].text;
    write(session_.lua->is_statement(code) ? code : "print(" + code + ")");
    return;
  }
  std::string invocation = call_text(c, text);
  if (call.error) {
    std::string expected;
    if (auto w = dynamic_cast<const Win32Error*>(call.error)) {
      expected = lua_quote(w->name());
    } else if (auto u = dynamic_cast<const UsageError*>(call.error)) {
      std::string m = u->what();
      if (auto got = m.find(", got "); got != std::string::npos) m.resize(got);
      if (auto semi = m.find("; usage:"); semi != std::string::npos) m.resize(semi);
      expected = lua_quote(m);
    } else if (dynamic_cast<const Interrupted*>(call.error)) {
      write("-- interrupted by Ctrl+C: " + invocation);
      return;
    } else {
      expected = lua_quote(call.error->what());
    }
    // expect_error(WHAT, fn, args...): the call's arguments after the function.
    std::string args = invocation.substr(invocation.find('(') + 1);
    args.pop_back();
    write(fmt::format("expect_error({}, ipc.{}{})", expected, c.lua_name(), args.empty() ? "" : ", " + args));
    return;
  }
  const Value& result = *call.result;
  bool has_value = !result.is_nil() && !(result.as<Result>() && result.as<Result>()->lua_count == 0);
  if (!text.assign_to.empty()) {
    const auto* r = result.as<Result>();
    if (r && r->names.size() > 1 && r->lua_count > 1) {
      // p = pipe: p.read, p.write
      std::string names;
      for (std::size_t i = 0; i < r->names.size() && i < r->lua_count; ++i)
        names += (names.empty() ? "" : ", ") + text.assign_to + "." + std::string(r->names[i]);
      write(fmt::format("{} = {{}}", target(text.assign_to)));
      write(fmt::format("{} = {}", names, invocation));
      last_ = text.assign_to;
      return;
    }
    write(fmt::format("{} = {}", target(text.assign_to), invocation));
    assertions(c, text.assign_to, result);
    if (has_value) last_ = text.assign_to;
  } else if (has_value) {
    write("_ = " + invocation);
    assertions(c, "_", result);
    last_ = "_";
  } else {
    write(invocation);
  }
}

}  // namespace ipcsh
