#include "executor.hpp"

#include <fmt/format.h>
#include <cctype>
#include <optional>

#include "core/command.hpp"
#include "core/error.hpp"
#include "fields.hpp"
#include "format.hpp"
#include "handle.hpp"
#include "invoke.hpp"
#include "session.hpp"

namespace ipcsh {
namespace {

// Whether the rest of the line after `words` is one verbatim argument: the
// command's last parameter is text, and every earlier positional has its
// word (after `--` for a command with flags: spawn -- CMDLINE).
// A command with positionals before its text and flags (on P CMD) also
// takes its flags before the text without `--`: the text begins at the
// first word after the positionals that is no --flag (or its value).
bool rest_is_verbatim(const std::vector<Word>& words, std::string_view rest) {
  std::size_t first = words.size() >= 2 && words[1].is("=") && !words[0].quoted ? 2 : 0;
  if (words.size() <= first) return false;
  const Command* command = find_command(words[first].text);
  if (!command || command->params.empty() || command->params.back().type != ArgType::text) return false;
  if (command->flags.empty()) return words.size() - first == command->params.size();
  if (words.back().is("--")) return true;
  if (command->params.size() < 2) return false;  // spawn: flags, then -- CMDLINE
  std::size_t positionals = 0;
  bool wants_value = false;
  for (std::size_t i = first + 1; i < words.size(); ++i) {
    const Word& w = words[i];
    if (wants_value) {
      wants_value = false;
      continue;
    }
    if (!w.quoted && w.text.size() > 2 && w.text.rfind("--", 0) == 0) {
      std::string_view name = std::string_view(w.text).substr(2);
      if (name.find('=') != std::string_view::npos) continue;
      for (const Flag& f : command->flags)
        if (f.name == name) wants_value = f.takes_value();
      continue;
    }
    ++positionals;
  }
  if (wants_value || positionals != command->params.size() - 1) return false;
  return rest.rfind("--", 0) != 0;  // a flag (or --) comes next: a word
}


}  // namespace

namespace {
void run_text(Session& session, const CommandText& text, const ResultSink& sink) {
    Value result;
    if (text.words.empty())
      throw UsageError("'" + text.assign_to + " =' needs a command after it");
    const std::string& name = text.words[0].text;
    if (text.words[0].is_variable() && text.words.size() == 1) {
      result = session.word_value(text.words[0]);  // `$x` shows a variable
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
        raw = shell_args(*command, text, session);
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
    if (!result.is_nil() && !report) session.variables.last = result;
    if (sink) sink(text, result);
}
}  // namespace

namespace {
// "a = create-event x" out of "b = pipe; a = create-event x; ..." (as typed).
std::string own_text(const CommandText& text, std::string_view line) {
  if (text.words.empty()) return std::string(line);
  std::size_t begin = text.words.front().begin, end = text.words.back().end;
  if (begin > end || end > text.line.size()) return std::string(line);
  std::string own = text.line.substr(begin, end - begin);
  return text.assign_to.empty() ? own : text.assign_to + " = " + own;
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
      // The failing command's own text, not the line's: a recording replays
      // it, and must not run again the commands before it on the line.
      if (!e.invoked()) report_unrun(session, &text, own_text(text, line), e);
      throw;
    }
  }
}


std::string result_text(const CommandText& command, const Value& result, const Fit& fit) {
  std::string body = format_result(result, fit);
  if (command.assign_to.empty()) return body;
  return command.assign_to + " = " + (body.empty() ? "none" : body);
}

namespace {

// A value as a word of shell text; `in_quotes`: inside "...", without its own.
std::string value_word(const Value& v, std::string_view ref, bool in_quotes) {
  auto quoted = [&](std::string_view s) {
    std::string out = in_quotes ? "" : "\"";
    for (unsigned char c : s) {
      if (c == '"' || c == '\\' || c == '$') out += '\\', out += static_cast<char>(c);
      else if (c == '\n') out += "\\n";
      else if (c == '\t') out += "\\t";
      else if (c == '\r') out += "\\r";
      else if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
      else out += static_cast<char>(c);
    }
    return in_quotes ? out : out + "\"";
  };
  if (auto i = v.as<std::int64_t>()) return std::to_string(*i);
  if (auto b = v.as<bool>()) return *b ? "true" : "false";
  if (auto s = v.as<std::string>()) return quoted(*s);
  if (auto b = v.as<Bytes>()) return quoted(b->data);
  if (auto h = v.as<HandleRef>()) return (*h)->value_text();
  throw UsageError(fmt::format("{}: a {} cannot be put into a line (use a field: {}.value, {}.port, ...)", ref,
                               v.is_nil() ? "nil" : "table or record", ref, ref));
}

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::string expand_own_values(Session& session, std::string_view text) {
  std::string out;
  char quote = 0;
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0;
      out += c;
      ++i;
      continue;
    }
    if (quote == '"' && c == '\\' && i + 1 < text.size()) {
      out.append(text.substr(i, 2));
      i += 2;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = quote == c ? 0 : (quote ? quote : c);
      out += c;
      ++i;
      continue;
    }
    if (c != '$' || i + 2 >= text.size() || text[i + 1] != '^' || !name_char(text[i + 2])) {
      out += c;
      ++i;
      continue;
    }
    std::size_t end = i + 2;
    while (end < text.size() && (name_char(text[end]) || (text[end] == '.' && end + 1 < text.size() && name_char(text[end + 1]))))
      ++end;
    std::string ref(text.substr(i, end - i));
    Word word{"$" + ref.substr(2)};
    out += value_word(session.word_value(word), ref, quote == '"');
    i = end;
  }
  return out;
}

std::string error_text(const std::exception& error) {
  if (dynamic_cast<const SyntaxError*>(&error)) return fmt::format("syntax error: {}", error.what());
  if (auto usage = dynamic_cast<const UsageError*>(&error); usage && !usage->command().empty())
    return fmt::format("{}: {}", usage->command(), usage->what());
  if (runtime_library_error(error)) return internal_error_text("", error);
  return error.what();
}

}  // namespace ipcsh
