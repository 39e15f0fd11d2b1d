// Access masks by name, generic rights mapped, and the DACL walk that says
// which ACE decides (access.hpp).
#include "access.hpp"

#include <cctype>

namespace ipcsh {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

// The token holds `sid`: as its user, or as a group enabled (or, for a
// deny ACE, kept for deny only).
bool holds(const win::TokenFacts& token, const std::string& sid, bool deny) {
  if (sid.empty()) return false;
  if (sid == token.user.text) return true;
  for (const auto& g : token.groups)
    if (g.sid.text == sid && ((g.attributes & SE_GROUP_ENABLED) || (deny && (g.attributes & SE_GROUP_USE_FOR_DENY_ONLY))))
      return true;
  return false;
}

std::string who(const win::Sid& sid) { return sid.account.empty() ? sid.text : sid.account; }

}  // namespace

std::string_view kernel_type(Kind kind) {
  switch (kind) {
    case Kind::event: return "Event";
    case Kind::mutex: return "Mutant";
    case Kind::semaphore: return "Semaphore";
    case Kind::timer: return "Timer";
    case Kind::mapping: return "Section";
    case Kind::mailslot:
    case Kind::pipe:
    case Kind::file: return "File";
    case Kind::process: return "Process";
    case Kind::thread: return "Thread";
    default: return "";
  }
}

ACCESS_MASK parse_access(std::string_view text, std::string_view type, std::string_view what) {
  const win::NameTable& names = win::rights_of(type);
  ACCESS_MASK mask = 0;
  std::size_t start = 0;
  if (trimmed(text).empty()) throw UsageError(fmt::format("{}: an access mask expected (GENERIC_READ, 0x100000)", what));
  while (start <= text.size()) {
    std::size_t bar = text.find('|', start);
    std::string word = trimmed(text.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    start = bar == std::string_view::npos ? text.size() + 1 : bar + 1;
    if (word.empty()) throw UsageError(fmt::format("{}: an empty right in '{}'", what, one_line(text, 80)));
    if (std::isdigit(static_cast<unsigned char>(word[0]))) {
      std::size_t used = 0;
      unsigned long long n = 0;
      try {
        n = std::stoull(word, &used, 0);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != word.size() || n > 0xFFFFFFFFull)
        throw UsageError(fmt::format("{}: '{}' is no 32-bit access mask", what, one_line(word, 40)));
      mask |= static_cast<ACCESS_MASK>(n);
      continue;
    }
    std::string wanted = upper(word);
    std::optional<ACCESS_MASK> found;
    for (const auto& n : names) {
      std::string_view name = n.name;
      // EVENT_MODIFY_STATE also answers to MODIFY_STATE
      auto prefix = name.find('_');
      bool short_match = prefix != std::string_view::npos && name.substr(prefix + 1) == wanted &&
                         name.substr(0, prefix) != "GENERIC" && name.substr(0, prefix) != "STANDARD";
      if (name == wanted || short_match) {
        found = static_cast<ACCESS_MASK>(n.value);
        break;
      }
    }
    if (!found) {
      std::string known;
      for (const auto& n : names) known += (known.empty() ? "" : ", ") + std::string(n.name);
      throw UsageError(fmt::format("{}: '{}' is no access right of {} objects (known: {}; or a number)", what,
                                   one_line(word, 40), type.empty() ? "these" : type, known));
    }
    mask |= *found;
  }
  return mask;
}

std::string rights_text(ACCESS_MASK mask, std::string_view type) { return win::flag_text(mask, win::rights_of(type)); }

ACCESS_MASK map_generic(ACCESS_MASK mask, const GENERIC_MAPPING& m) {
  ACCESS_MASK out = mask & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
  if (mask & GENERIC_READ) out |= m.GenericRead;
  if (mask & GENERIC_WRITE) out |= m.GenericWrite;
  if (mask & GENERIC_EXECUTE) out |= m.GenericExecute;
  if (mask & GENERIC_ALL) out |= m.GenericAll;
  return out;
}

UniqueHandle open_by_name(Kind kind, const std::string& name, ACCESS_MASK access) {
  switch (kind) {
    case Kind::event: return UniqueHandle(win::open_sync(win::SyncKind::event, false, name, access));
    case Kind::mutex: return UniqueHandle(win::open_sync(win::SyncKind::mutex, false, name, access));
    case Kind::semaphore: return UniqueHandle(win::open_sync(win::SyncKind::semaphore, false, name, access));
    case Kind::timer: return UniqueHandle(win::open_sync(win::SyncKind::timer, false, name, access));
    case Kind::mapping: return UniqueHandle(win::open_file_mapping(access, false, name));
    case Kind::mailslot:
      return UniqueHandle(win::create_file(object_path(name, mailslot_prefix), access,
                                           FILE_SHARE_READ | FILE_SHARE_WRITE, false, OPEN_EXISTING, 0));
    case Kind::pipe:
      throw UsageError("a pipe by name: opening one connects to an instance of it; give a handle to it instead ($p)");
    default:
      throw UsageError(fmt::format("--type: {} objects are not opened by name here (event, mutex, semaphore, timer, "
                                   "mapping or mailslot)", kind_name(kind)));
  }
}

std::string ace_line(const win::Ace& ace, std::string_view type, const GENERIC_MAPPING& mapping) {
  std::string kind;
  switch (ace.type) {
    case ACCESS_ALLOWED_ACE_TYPE: kind = "allow"; break;
    case ACCESS_DENIED_ACE_TYPE: kind = "deny"; break;
    case SYSTEM_AUDIT_ACE_TYPE: kind = "audit"; break;
    case SYSTEM_MANDATORY_LABEL_ACE_TYPE: kind = "label"; break;
    default: kind = fmt::format("ACE type {}", ace.type);
  }
  std::string rights = rights_text(ace.mask, type);
  ACCESS_MASK mapped = map_generic(ace.mask, mapping);
  std::string line = fmt::format("{} {}: {}", kind, who(ace.sid), rights);
  if (ace.type == SYSTEM_MANDATORY_LABEL_ACE_TYPE) {
    static const win::NameTable policy{{SYSTEM_MANDATORY_LABEL_NO_WRITE_UP, "NO_WRITE_UP"},
                                       {SYSTEM_MANDATORY_LABEL_NO_READ_UP, "NO_READ_UP"},
                                       {SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP, "NO_EXECUTE_UP"}};
    line = fmt::format("label {}: {}", who(ace.sid), win::flag_text(ace.mask, policy));
  } else if (mapped != ace.mask && mapping.GenericAll) {
    line += " -> " + rights_text(mapped, type);
  }
  if (ace.flags & INHERIT_ONLY_ACE) line += " (inherit only: not for this object)";
  return line;
}

Decision decide(const win::Descriptor& d, ACCESS_MASK desired, const GENERIC_MAPPING& mapping,
                const win::TokenFacts& token, std::string_view type) {
  if (!d.dacl_present || d.dacl_null) return {true, 0, "no DACL: every access is granted to everyone"};
  ACCESS_MASK wanted = map_generic(desired, mapping) & ~MAXIMUM_ALLOWED;
  bool owner = d.owner && holds(token, d.owner->text, false);
  constexpr ACCESS_MASK implied = READ_CONTROL | WRITE_DAC;
  if (desired & MAXIMUM_ALLOWED) {
    ACCESS_MASK granted = owner ? implied : 0, denied = 0;
    for (const auto& ace : d.dacl) {
      if ((ace.flags & INHERIT_ONLY_ACE) || !holds(token, ace.sid.text, ace.type == ACCESS_DENIED_ACE_TYPE)) continue;
      ACCESS_MASK m = map_generic(ace.mask, mapping);
      if (ace.type == ACCESS_ALLOWED_ACE_TYPE) granted |= m & ~denied;
      if (ace.type == ACCESS_DENIED_ACE_TYPE) denied |= m & ~granted;
    }
    return {granted != 0, 0,
            granted ? "the DACL grants at most " + rights_text(granted, type) : "the DACL grants nothing"};
  }
  if (!wanted) return {true, 0, "nothing was asked"};
  ACCESS_MASK left = wanted;
  if (owner && (left & implied)) {
    left &= ~implied;
    if (!left) return {true, 0, "the owner's implied READ_CONTROL|WRITE_DAC"};
  }
  for (std::size_t i = 0; i < d.dacl.size(); ++i) {
    const auto& ace = d.dacl[i];
    bool deny = ace.type == ACCESS_DENIED_ACE_TYPE;
    if ((ace.flags & INHERIT_ONLY_ACE) || (!deny && ace.type != ACCESS_ALLOWED_ACE_TYPE) || !holds(token, ace.sid.text, deny))
      continue;
    ACCESS_MASK m = map_generic(ace.mask, mapping);
    int number = static_cast<int>(i) + 1;
    if (deny && (m & left))
      return {false, number, fmt::format("ACE {} {}: {}", number, ace.sddl, ace_line(ace, type, mapping))};
    if (!deny && (m & left)) {
      left &= ~m;
      if (!left) return {true, number, fmt::format("ACE {} {}: {}", number, ace.sddl, ace_line(ace, type, mapping))};
    }
  }
  return {false, 0, "no ACE grants " + rights_text(left, type) + " to this token"};
}

std::optional<std::string> access_denied_hint(Kind kind, const std::string& name, ACCESS_MASK access) {
  win::OwnScope own;  // looking, to explain: not calls of the user's
  try {
    UniqueHandle h = open_by_name(kind, name, READ_CONTROL);
    win::Descriptor d = win::get_security(h.get());
    win::ObjectFacts facts = win::query_object(h.get());
    std::string_view type = kernel_type(kind);
    Decision why = decide(d, access, facts.mapping, win::token_facts(), type);
    std::string see = fmt::format("see security {} --type {}", name, kind_name(kind));
    if (why.granted) return fmt::format("its DACL grants {} to this token, yet the kernel refused; {}", rights_text(access, type), see);
    return fmt::format("the object's DACL does not grant {}: {}; {}", rights_text(access, type),
                       why.ace ? "denied by " + why.why : why.why, see);
  } catch (const std::exception&) {
    return std::nullopt;  // the descriptor cannot be read: no more to say
  }
}

}  // namespace ipcsh
