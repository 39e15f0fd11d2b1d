#include "recorder.hpp"
#include "core/escape.hpp"

#include <windows.h>

#include <filesystem>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "lua/lua_binding.hpp"
#include "session/handle.hpp"
#include "session/session.hpp"

#ifndef IPCSH_VERSION
#define IPCSH_VERSION "0.0.0"
#endif

namespace ipcsh {
namespace {

// Fields that differ from run to run in any result: recorded, never asserted
// (whether a command's results are stable at all is its row's `stable`).
bool unstable_field(std::string_view key) {
  for (auto k : {"value", "pointer_count", "pid", "thread", "window", "address", "port", "peer", "parent", "queued",
                 "access", "protect"})
    if (key == k) return true;
  // any process id: client_pid, server_pid, parent_pid
  return key.size() > 4 && key.substr(key.size() - 4) == "_pid";
}

std::string lua_scalar(const Value& v) {
  if (auto b = v.as<bool>()) return *b ? "true" : "false";
  if (auto i = v.as<std::int64_t>()) return std::to_string(*i);
  if (auto s = v.as<std::string>()) return lua_quote(*s);
  if (auto b = v.as<Bytes>()) return lua_quote(b->data);
  return {};
}

bool lua_keyword(std::string_view s) {
  for (auto k : {"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in", "local",
                 "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"})
    if (s == k) return true;
  return false;
}

bool lua_name(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])) || lua_keyword(s)) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '_') return false;
  return true;
}

const Param* param_at(const Command& c, std::size_t index) {
  if (c.params.empty()) return nullptr;
  if (index < c.params.size()) return &c.params[index];
  return c.params.back().variadic ? &c.params.back() : nullptr;
}

// What expect_error is given for a failure seen now: the error's name, or
// the usage message up to what the user typed.
std::string expected_error(const std::exception& error) {
  if (auto w = dynamic_cast<const Win32Error*>(&error)) return lua_quote(w->name());
  std::string m = error.what();
  if (dynamic_cast<const UsageError*>(&error)) {
    if (auto got = m.find(", got "); got != std::string::npos) m.resize(got);
    if (auto semi = m.find("; usage:"); semi != std::string::npos) m.resize(semi);
  }
  return lua_quote(m);
}

}  // namespace

std::string lua_quote(std::string_view bytes) {
  return escape(bytes, escapes::lua);
}

std::string lua_local(std::string_view name) {
  return lua_keyword(name) ? std::string(name) + "_" : std::string(name);
}

std::string lua_field(std::string_view object, std::string_view key) {
  if (lua_name(key)) return fmt::format("{}.{}", object, key);
  return fmt::format("{}[{}]", object, lua_quote(key));
}

LuaRecorder::LuaRecorder(Session& session, const std::string& path, bool assertions, const std::string& how, int depth)
    : session_(session), path_(path), out_(std::filesystem::path(to_wide(path)), std::ios::binary), assert_(assertions),
      depth_(depth) {
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
  if (locals_.insert(name).second) return "local " + lua_local(name);
  return lua_local(name);
}

std::string LuaRecorder::variable(std::string_view name) {
  // $x, $x.field, $_ (the last result), $_.field
  std::string_view base = name.substr(0, name.find('.'));
  std::string out;
  if (base == "_") {
    out = last_;
  } else {
    if (!locals_.count(std::string(base)) && unknown_.insert(std::string(base)).second)
      write(fmt::format("-- ${} was made before this recording started: define {} before replaying", base,
                        lua_local(base)));
    out = lua_local(base);
  }
  std::string_view rest = name.substr(base.size());
  while (!rest.empty()) {  // .field.field
    rest.remove_prefix(1);
    std::string_view key = rest.substr(0, rest.find('.'));
    out = lua_field(out, key);
    rest.remove_prefix(key.size());
  }
  return out;
}

std::string LuaRecorder::pass_table(const Word& w) {
  // spawn --pass a,$b: the child binds the same names; in Lua {a = a, b = b},
  // the recording's own locals (a string would name shell variables the
  // replay does not have).
  std::string out;
  std::string_view rest = w.text;
  while (!rest.empty()) {
    std::string_view name = rest.substr(0, rest.find(','));
    rest.remove_prefix(std::min(rest.size(), name.size() + 1));
    if (!name.empty() && name[0] == '$') name.remove_prefix(1);
    if (name.empty()) continue;
    std::string key = lua_name(name) ? std::string(name) : "[" + lua_quote(name) + "]";
    out += (out.empty() ? "" : ", ") + key + " = " + variable(name);
  }
  return "{" + out + "}";
}

std::string LuaRecorder::word_lua(const Word& w, ArgType type) {
  if (w.is_variable()) return variable(std::string_view(w.text).substr(1));  // $x -> x, $x.field -> x.field
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
      out += (out.size() > 1 ? ", " : "") + (piece.size() > 1 && piece[0] == '$' ? variable(piece.substr(1)) : piece);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return out + "}";
  }
  if (!w.quoted && (type == ArgType::boolean || type == ArgType::callback))
    if (auto b = boolean_word(t)) return *b ? "true" : "false";
  return with_handle_values(t);
}

std::string LuaRecorder::with_handle_values(const std::string& t) {
  // Text naming a handle value a recorded local holds (spawn --ipcsh "send
  // 0x48 hi" after w = ...): the replay's value may differ, so it is put in
  // at run time: ("send 0x%x hi"):format(w.value).
  std::string format, values;
  for (std::size_t i = 0; i < t.size();) {
    if (t.compare(i, 2, "0x") == 0 && (i == 0 || !std::isalnum(static_cast<unsigned char>(t[i - 1])))) {
      std::size_t end = i + 2;
      while (end < t.size() && std::isxdigit(static_cast<unsigned char>(t[end]))) ++end;
      auto v = parse_number(t.substr(i, end - i));
      std::string holder;
      for (const auto& [name, value] : session_.variables.named) {
        auto h = value.as<HandleRef>();
        if (v && h && !(*h)->closed() && (*h)->value() == *v && locals_.count(name)) holder = lua_local(name);
      }
      if (!holder.empty() && end > i + 2) {
        format += "0x%x";
        values += ", " + holder + ".value";
        i = end;
        continue;
      }
    }
    format += t[i] == '%' ? "%%" : std::string(1, t[i]);
    ++i;
  }
  if (values.empty()) return lua_quote(t);
  return "(" + lua_quote(format) + "):format(" + values.substr(2) + ")";
}

std::string LuaRecorder::call_text(const Command& c, const CommandText& text) {
  std::vector<std::string> positional, options;
  for (const LineItem& item : line_items(c, text, LineReading::lenient)) {
    if (!item.flag) {
      const Word& w = text.words[item.word];
      if (w.verbatim) {
        positional.push_back(lua_quote(w.text));
        continue;
      }
      const Param* p = param_at(c, positional.size());
      positional.push_back(word_lua(w, p ? p->type : ArgType::string));
      continue;
    }
    const Flag& f = *item.flag;
    std::string option = dashes_to_underscores(f.name) + " = ";
    if (!f.takes_value()) {
      option += item.inline_value && !*boolean_word(*item.inline_value) ? "false" : "true";
    } else {
      Word value = item.inline_value ? Word{std::string(*item.inline_value)} : text.words[item.word];
      if (f.type == ArgType::variables) {
        option += pass_table(value);
      } else if (item.words > 1) {  // handles given as several words: a list
        std::string list;
        for (std::size_t k = 0; k < item.words; ++k)
          list += (list.empty() ? "" : ", ") + word_lua(text.words[item.word + k], ArgType::handle);
        option += "{" + list + "}";
      } else {
        option += word_lua(value, f.type);
      }
    }
    options.push_back(std::move(option));
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
  if (!assert_ || !c.stable) return;
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
      std::string field = lua_field(var, f.key);
      write(fmt::format("assert({} == {}, {} .. tostring({}))", field, v, lua_quote(f.key + ": "), field));
    }
  }
}

void LuaRecorder::observe(const Invocation& call) {
  // Shell lines typed, or run at the depth `record` ran at (ipc.run in a
  // script); what a Lua line or ipc.run did inside is in their own lines.
  if (call.depth != 1 && call.depth != depth_) return;
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
  if (c.lua_record == LuaRecord::nothing) return;
  if (!call.text) {
    // Called from Lua, not a shell line (ipc.run's lines are shell lines):
    // an ipc.* call takes Lua values the recording cannot name.
    write(fmt::format("-- not recorded: ipc.{} was called from Lua, not as a shell line (use ipc.run(\"...\"))",
                      c.lua_name()));
    return;
  }
  const CommandText& text = *call.text;
  // `lua CODE` is Lua already: as a statement, or printed as the shell did.
  if (c.lua_record == LuaRecord::code && !call.error && text.words.size() == 2) {
    const std::string& code = text.words[1].text;
    write(session_.lua->is_statement(code) ? code : "print(" + code + ")");
    return;
  }
  std::string invocation = call_text(c, text);
  if (call.error) {
    if (dynamic_cast<const Interrupted*>(call.error)) {
      write("-- interrupted by Ctrl+C: " + invocation);
      return;
    }
    std::string expected = expected_error(*call.error);
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
        names += (names.empty() ? "" : ", ") + lua_field(lua_local(text.assign_to), r->names[i]);
      write(fmt::format("{} = {{}}", target(text.assign_to)));
      write(fmt::format("{} = {}", names, invocation));
      last_ = lua_local(text.assign_to);
      return;
    }
    write(fmt::format("{} = {}", target(text.assign_to), invocation));
    assertions(c, lua_local(text.assign_to), result);
    if (has_value) last_ = lua_local(text.assign_to);
  } else if (has_value) {
    write("_ = " + invocation);
    assertions(c, "_", result);
    last_ = "_";
  } else {
    write(invocation);
  }
}

}  // namespace ipcsh
