#include "executor.hpp"

#include <fmt/format.h>
#include <optional>

#include "command.hpp"
#include "error.hpp"
#include "format.hpp"
#include "handle.hpp"
#include "session.hpp"

namespace ipcsh {
namespace {

bool takes_value(const Flag& f) { return f.type != ArgType::boolean && f.type != ArgType::boolean_or_handles; }

// $NAME.FIELD: a field of a record ($i.handle_count) or a named part of a
// result ($p.read, $p.write after `p = pipe`).
Value field_of(const Value& v, const std::string& field, const std::string& word) {
  if (auto r = v.as<Record>())
    if (auto f = r->get(field)) return *f;
  if (auto h = v.as<HandleRef>()) {
    if (field == "value") return (*h)->value();
    if (field == "name") return (*h)->name;
    if (field == "kind") return std::string(kind_name((*h)->kind));
    if (field == "pid" && (*h)->kind == Kind::process) return static_cast<std::int64_t>((*h)->pid);
  }
  if (auto m = v.as<Multi>())
    for (std::size_t i = 0; i < m->names.size() && i < m->values.size(); ++i)
      if (m->names[i] == field) return m->values[i];
  throw UsageError(fmt::format("{}: no field '{}'", word, field));
}

Value word_value(Session& session, const Word& word) {
  if (!word.is_variable()) return word.text;
  std::string name = word.text.substr(1), field;
  if (auto dot = name.find('.'); dot != std::string::npos) {
    field = name.substr(dot + 1);
    name.resize(dot);
  }
  Value value;
  if (name == "_") {
    value = session.last;
  } else {
    auto it = session.vars.find(name);
    if (it == session.vars.end()) throw UsageError(fmt::format("no variable ${} (see `vars`)", name));
    value = it->second;
  }
  return field.empty() ? value : field_of(value, field, word.text);
}

RawArgs shell_args(Session& session, const Command& command, const CommandText& text) {
  RawArgs raw;
  const auto& words = text.words;
  bool flags_done = false;
  bool rest_is_text = !command.params.empty() && command.params.back().type == ArgType::text;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const Word& w = words[i];
    if (!flags_done && w.is("--")) {
      flags_done = true;
      continue;
    }
    if (!flags_done && !w.quoted && w.text.size() > 2 && w.text.rfind("--", 0) == 0) {
      std::string name = w.text.substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name.resize(eq);
      }
      auto f = std::find_if(command.flags.begin(), command.flags.end(), [&](const Flag& f) { return f.name == name; });
      if (f == command.flags.end())
        throw UsageError(fmt::format("unknown option --{}; usage: {}", name, command.usage()));
      if (!takes_value(*f)) {
        raw.flags.emplace_back(name, true);
      } else if (inline_value) {
        raw.flags.emplace_back(name, *inline_value);
      } else {
        if (i + 1 >= words.size())
          throw UsageError(fmt::format("--{} needs a value ({}); usage: {}", name, f->value_name, command.usage()));
        raw.flags.emplace_back(name, word_value(session, words[++i]));
      }
      continue;
    }
    // The last parameter may take the rest of the line verbatim, once every
    // earlier positional has its word.
    if (rest_is_text && raw.positional.size() + 1 == command.params.size()) {
      if (i + 1 == words.size() && w.quoted)
        raw.positional.emplace_back(w.text);  // one quoted word: its contents
      else
        raw.positional.emplace_back(text.raw_from(i));
      break;
    }
    raw.positional.push_back(word_value(session, w));
  }
  return raw;
}

}  // namespace

void execute_line(Session& session, std::string_view line, const ResultSink& sink) {
  for (const CommandText& text : parse_line(line)) {
    Value result;
    if (text.words.empty())
      throw UsageError("'" + text.assign_to + " =' needs a command after it");
    const std::string& name = text.words[0].text;
    if (text.words[0].is_variable() && text.words.size() == 1) {
      result = word_value(session, text.words[0]);  // `$x` shows a variable
    } else {
      const Command* command = find_command(name);
      if (!command) {
        auto nearest = nearest_commands(name);
        std::string hint;
        for (auto n : nearest) hint += (hint.empty() ? "; did you mean " : " or ") + std::string(n);
        throw UsageError(fmt::format("unknown command '{}'{}{}", name, hint.empty() ? "; try `help`" : hint,
                                     hint.empty() ? "" : "?"));
      }
      try {
        Args args = bind_args(*command, shell_args(session, *command, text), session);
        result = command->run(session, args);
      } catch (const UsageError& e) {
        throw UsageError(fmt::format("{}: {}", command->name, e.what()), e.position());
      }
      session.forget_closed();
    }
    if (!text.assign_to.empty()) session.vars[text.assign_to] = result;
    if (!result.is_nil() && !result.as<Note>()) session.last = result;
    if (sink) sink(text, result);
  }
}

std::string result_text(const CommandText& command, const Value& result) {
  std::string body = format_result(result);
  if (command.assign_to.empty()) return body;
  return command.assign_to + " = " + (body.empty() ? "none" : body);
}

std::string error_text(const std::exception& error) {
  if (dynamic_cast<const SyntaxError*>(&error)) return fmt::format("syntax error: {}", error.what());
  return error.what();
}

}  // namespace ipcsh
