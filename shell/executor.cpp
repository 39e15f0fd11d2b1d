#include "executor.hpp"

#include <fmt/format.h>
#include <optional>

#include "command.hpp"
#include "error.hpp"
#include "fields.hpp"
#include "format.hpp"
#include "handle.hpp"
#include "invoke.hpp"
#include "session.hpp"

namespace ipcsh {
namespace {

Value word_value(Session& session, const Word& word) {
  if (!word.is_variable()) return word.text;
  // $a,$b: a list of handles, which the binder reads variable by variable.
  if (word.text.find(',') != std::string::npos) return word.text;
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
  if (field.empty()) return value;
  if (auto f = field_of(value, field)) return *f;
  throw UsageError(fmt::format("{}: no field '{}'", word.text, field));
}

// Whether the rest of the line after `words` is one verbatim argument: the
// command's last parameter is text, and every earlier positional has its
// word (after `--` for a command with flags: spawn -- CMDLINE).
bool rest_is_verbatim(const std::vector<Word>& words) {
  std::size_t first = words.size() >= 2 && words[1].is("=") && !words[0].quoted ? 2 : 0;
  if (words.size() <= first) return false;
  const Command* command = find_command(words[first].text);
  if (!command || command->params.empty() || command->params.back().type != ArgType::text) return false;
  if (!command->flags.empty()) return words.back().is("--");
  return words.size() - first == command->params.size();
}

RawArgs shell_args(Session& session, const Command& command, const CommandText& text) {
  RawArgs raw;
  const auto& words = text.words;
  bool flags_done = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const Word& w = words[i];
    if (w.verbatim) {
      raw.positional.emplace_back(w.text);
      continue;
    }
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
        throw UsageError(fmt::format("unknown option --{}; usage: {}", name.substr(0, 40), command.usage()));
      if (!f->takes_value()) {
        // --switch, or --switch=yes|no|true|false|on|off
        if (inline_value && !boolean_word(*inline_value))
          throw UsageError(fmt::format("--{}: yes/no, true/false or on/off expected after '=', got '{}'", name,
                                       inline_value->substr(0, 40)));
        raw.flags.emplace_back(name, inline_value ? *boolean_word(*inline_value) : true);
      } else if (inline_value) {
        raw.flags.emplace_back(name, *inline_value);
      } else {
        if (i + 1 >= words.size())
          throw UsageError(fmt::format("--{} needs a value ({}); usage: {}", name, f->value_name, command.usage()));
        raw.flags.emplace_back(name, word_value(session, words[++i]));
      }
      continue;
    }
    raw.positional.push_back(word_value(session, w));
  }
  return raw;
}

}  // namespace

namespace {
void run_text(Session& session, const CommandText& text, const ResultSink& sink) {
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
        throw UsageError(fmt::format("unknown command '{}'{}{}", name.substr(0, 40), hint.empty() ? "; try `help`" : hint,
                                     hint.empty() ? "" : "?"));
      }
      RawArgs raw;
      try {
        raw = shell_args(session, *command, text);
      } catch (UsageError& e) {
        e.set_command(command->name, command->lua_name());
        throw;
      }
      // From Lua (ipc.run) the script's line says more than the text.
      std::string origin = session.origin_now();
      if (origin.empty())
        for (const auto& w : text.words) {
          if (origin.size() > 80) break;
          origin += (origin.empty() ? "" : " ") + (w.quoted ? "\"" + w.text + "\"" : w.text);
        }
      OriginScope scope(session, origin.substr(0, 80));
      result = invoke(session, *command, raw, &text);
    }
    if (!text.assign_to.empty()) session.set_var(text.assign_to, result);
    bool report = result.as<Result>() && result.as<Result>()->lua_count == 0;
    if (!result.is_nil() && !report) session.last = result;
    if (sink) sink(text, result);
}
}  // namespace

void execute_line(Session& session, std::string_view line, const ResultSink& sink) {
  std::vector<CommandText> commands;
  try {
    commands = parse_line(line, rest_is_verbatim);
  } catch (const SyntaxError& e) {
    report_unrun(session, nullptr, line, e);
    throw;
  }
  for (const CommandText& text : commands) {
    try {
      run_text(session, text, sink);
    } catch (const UsageError& e) {
      if (!e.invoked()) report_unrun(session, &text, line, e);
      throw;
    }
  }
}


std::string result_text(const CommandText& command, const Value& result) {
  std::string body = format_result(result);
  if (command.assign_to.empty()) return body;
  return command.assign_to + " = " + (body.empty() ? "none" : body);
}

std::string error_text(const std::exception& error) {
  if (dynamic_cast<const SyntaxError*>(&error)) return fmt::format("syntax error: {}", error.what());
  if (auto usage = dynamic_cast<const UsageError*>(&error); usage && !usage->command().empty())
    return fmt::format("{}: {}", usage->command(), usage->what());
  return error.what();
}

}  // namespace ipcsh
