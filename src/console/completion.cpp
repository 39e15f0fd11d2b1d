#include "completion.hpp"

#include <algorithm>

namespace ipcsh {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

void add_matching(std::vector<std::string>& out, const std::string& prefix, const std::string& candidate) {
  if (starts_with(candidate, prefix) && std::find(out.begin(), out.end(), candidate) == out.end()) out.push_back(candidate);
}

std::vector<std::string> variables_for(const CompletionTable& t, const CompletionTable::Slot* slot, const std::string& typed) {
  std::vector<std::string> out;
  for (const auto& v : t.variables) {
    bool fits = !slot || !slot->handle || slot->kinds.empty() ||
                std::find(slot->kinds.begin(), slot->kinds.end(), v.kind) != slot->kinds.end();
    if (slot && slot->handle && v.kind.empty()) fits = false;
    if (fits) add_matching(out, typed, "$" + v.name);
  }
  return out;
}

}  // namespace

Completion complete_line(const std::string& before, const CompletionTable& t) {
  Completion c;
  // The command under the cursor starts after the last ';'.
  std::size_t start = before.rfind(';');
  start = start == std::string::npos ? 0 : start + 1;
  std::vector<std::pair<std::size_t, std::string>> words;  // (offset, text)
  std::size_t i = start;
  while (i < before.size()) {
    while (i < before.size() && (before[i] == ' ' || before[i] == '\t')) ++i;
    if (i >= before.size()) break;
    std::size_t w = i;
    while (i < before.size() && before[i] != ' ' && before[i] != '\t') ++i;
    words.emplace_back(w, before.substr(w, i - w));
  }
  bool new_word = before.empty() || before.back() == ' ' || before.back() == '\t' || before.size() == start;
  std::string typed = new_word || words.empty() ? "" : words.back().second;
  c.from = before.size() - typed.size();
  std::vector<std::string> done;  // the complete words before the one being typed
  for (std::size_t k = 0; k < words.size(); ++k)
    if (k + 1 < words.size() || new_word) done.push_back(words[k].second);
  std::size_t assigned = done.size() >= 2 && done[1] == "=" ? 2 : 0;
  if (assigned) done.erase(done.begin(), done.begin() + 2);  // NAME = COMMAND

  // on $k LINE: LINE is the agent's, completed from its variables; $^NAME
  // is this shell's.
  if (done.size() >= 2 && done[0] == "on" && done[1].size() > 1 && done[1][0] == '$') {
    std::size_t line_start = words[assigned + 1].first + words[assigned + 1].second.size();
    std::string rest = before.substr(line_start);
    CompletionTable theirs;
    theirs.commands = t.commands;
    if (t.agent_variables) theirs.variables = t.agent_variables(done[1].substr(1));
    if (starts_with(typed, "$^")) {
      std::size_t dot = typed.find('.');
      for (const auto& v : t.variables) {
        if (dot == std::string::npos) add_matching(c.candidates, typed, "$^" + v.name);
        else if (typed.substr(2, dot - 2) == v.name)
          for (const auto& f : v.fields) add_matching(c.candidates, typed, "$^" + v.name + "." + f);
      }
      return c;
    }
    Completion inner = complete_line(rest, theirs);
    inner.from += line_start;
    return inner;
  }

  // $v.field
  if (!typed.empty() && typed[0] == '$' && typed.find('.') != std::string::npos) {
    std::string name = typed.substr(1, typed.find('.') - 1);
    for (const auto& v : t.variables)
      if (v.name == name)
        for (const auto& f : v.fields) add_matching(c.candidates, typed, "$" + name + "." + f);
    return c;
  }
  if (done.empty()) {  // the command
    for (const auto& cmd : t.commands) add_matching(c.candidates, typed, cmd.name);
    return c;
  }
  const CompletionTable::Command* cmd = nullptr;
  for (const auto& x : t.commands)
    if (x.name == done[0]) cmd = &x;
  if (!cmd) return c;

  // Where the cursor is: a flag, a flag's value, or the Nth positional.
  const CompletionTable::Slot* slot = nullptr;
  std::size_t positional = 0;
  bool flags_done = false;
  for (std::size_t k = 1; k < done.size(); ++k) {
    const std::string& w = done[k];
    if (!flags_done && w == "--") {
      flags_done = true;
      continue;
    }
    if (!flags_done && starts_with(w, "--") && w.find('=') == std::string::npos) {
      auto f = std::find_if(cmd->flags.begin(), cmd->flags.end(), [&](const auto& f) { return "--" + f.name == w; });
      if (f != cmd->flags.end() && f->takes_value) {
        if (k + 1 == done.size()) slot = &f->value;  // the value is what is being typed
        else ++k;
      }
      continue;
    }
    ++positional;
  }
  if (!slot && !flags_done && starts_with(typed, "-")) {
    for (const auto& f : cmd->flags) add_matching(c.candidates, typed, "--" + f.name);
    return c;
  }
  if (!slot && !cmd->params.empty()) {
    std::size_t index = std::min(positional, cmd->params.size() - 1);
    if (positional < cmd->params.size() || cmd->variadic) slot = &cmd->params[index];
  }
  if (!typed.empty() && typed[0] == '$') {
    c.candidates = variables_for(t, slot, typed);
    return c;
  }
  if (!slot) return c;
  for (const auto& choice : slot->choices) add_matching(c.candidates, typed, choice);
  const auto& lookup = slot->names == CompletionTable::Names::files                ? t.files
                       : slot->names == CompletionTable::Names::object_directories ? t.object_directories
                                                                                  : nullptr;
  if (lookup) {
    c.candidates = lookup(typed);
    c.word_done = !(c.candidates.size() == 1 && !c.candidates[0].empty() &&
                    (c.candidates[0].back() == '/' || c.candidates[0].back() == '\\'));
  }
  if (slot->handle && typed.empty()) c.candidates = variables_for(t, slot, typed);
  return c;
}

}  // namespace ipcsh
