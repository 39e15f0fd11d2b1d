// Access masks by name, generic rights mapped, and the DACL walk that says
// which ACE decides (access.hpp).
#include "access.hpp"

#include <cctype>
#include <cstdlib>

namespace ipcsh {
namespace {

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

}  // namespace

const win::NameTable label_policy_names{{SYSTEM_MANDATORY_LABEL_NO_WRITE_UP, "NO_WRITE_UP"},
                                        {SYSTEM_MANDATORY_LABEL_NO_READ_UP, "NO_READ_UP"},
                                        {SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP, "NO_EXECUTE_UP"}};

std::string who(const win::Sid& sid) { return sid.account.empty() ? sid.text : sid.account; }

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
    if (std::isdigit(static_cast<unsigned char>(word[0])) || word[0] == '-' || word[0] == '+') {
      // decimal or 0x hex, as every number here (no octal: 010 is ten)
      bool hex = word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X');
      std::string digits = hex ? word.substr(2) : word;
      bool ok = !digits.empty() && digits.size() <= 10 &&
                digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") == std::string::npos;
      unsigned long long n = ok ? std::stoull(digits, nullptr, hex ? 16 : 10) : 0;
      if (!ok || n > 0xFFFFFFFFull)
        throw UsageError(fmt::format("{}: '{}' is no 32-bit access mask (decimal or 0x hex, 0 to 0xffffffff)", what,
                                     one_line(word, 40)));
      mask |= static_cast<ACCESS_MASK>(n);
      continue;
    }
    std::string wanted = upper_ascii(word);
    std::optional<ACCESS_MASK> found;
    // The type's own rights also answer without its prefix: MODIFY_STATE
    // for EVENT_MODIFY_STATE (the type's all-access name first in the table)
    std::string_view all = names.empty() ? std::string_view() : names.front().name;
    std::string prefix = all.find('_') == std::string_view::npos ? "" : std::string(all.substr(0, all.find('_') + 1));
    for (const auto& n : names) {
      std::string_view name = n.name;
      bool short_match = !prefix.empty() && name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix &&
                         name.substr(prefix.size()) == wanted;
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
  if (!m.GenericAll) return mask;  // no mapping known: the generic rights stay as they are
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
  std::string line;
  if (ace.type == SYSTEM_MANDATORY_LABEL_ACE_TYPE) {
    line = fmt::format("label {}: {}", who(ace.sid), win::flag_text(ace.mask, label_policy_names));
  } else {
    line = fmt::format("{} {}: {}", kind, who(ace.sid), rights_text(ace.mask, type));
    if (ACCESS_MASK mapped = map_generic(ace.mask, mapping); mapped != ace.mask && mapping.GenericAll)
      line += " -> " + rights_text(mapped, type);
  }
  if (ace.flags & INHERIT_ONLY_ACE) line += " (inherit only: not for this object)";
  return line;
}

namespace {

constexpr const char* owner_rights_sid = "S-1-3-4";  // OWNER RIGHTS (OW)

// The last sub-authority of an integrity level's SID (S-1-16-8192: 8192).
long integrity_rid(const std::string& sid) {
  auto dash = sid.rfind('-');
  return sid.rfind("S-1-16-", 0) == 0 && dash != std::string::npos ? std::strtol(sid.c_str() + dash + 1, nullptr, 10) : -1;
}

// What the integrity label refuses this token (Windows checks it before
// the DACL): NO_WRITE_UP, NO_READ_UP, NO_EXECUTE_UP for a token below the
// label's level, in the type's rights.
ACCESS_MASK label_refuses(const win::Descriptor& d, const GENERIC_MAPPING& m, const win::TokenFacts& token) {
  ACCESS_MASK refused = 0;
  long mine = integrity_rid(token.integrity.text);
  for (const auto& ace : d.label) {
    if (ace.type != SYSTEM_MANDATORY_LABEL_ACE_TYPE || mine < 0 || integrity_rid(ace.sid.text) <= mine) continue;
    if (ace.mask & SYSTEM_MANDATORY_LABEL_NO_WRITE_UP) refused |= m.GenericWrite;
    if (ace.mask & SYSTEM_MANDATORY_LABEL_NO_READ_UP) refused |= m.GenericRead;
    if (ace.mask & SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP) refused |= m.GenericExecute;
  }
  return refused & ~(READ_CONTROL | SYNCHRONIZE);  // (never refused by a label)
}

}  // namespace

Decision decide(const win::Descriptor& d, ACCESS_MASK desired, const GENERIC_MAPPING& mapping,
                const win::TokenFacts& token, std::string_view type) {
  ACCESS_MASK wanted = map_generic(desired, mapping) & ~MAXIMUM_ALLOWED;
  if (wanted & ACCESS_SYSTEM_SECURITY)
    return {false, 0, "ACCESS_SYSTEM_SECURITY comes from SeSecurityPrivilege, which no ACE grants"};
  if (ACCESS_MASK refused = label_refuses(d, mapping, token) & wanted)
    return {false, 0, "the integrity label refuses " + rights_text(refused, type) + " to this token's lower level"};
  if (!d.dacl_present || d.dacl_null) return {true, 0, "no DACL: every access is granted to everyone"};
  // The owner may read and change the DACL - unless an OWNER RIGHTS ACE
  // says what the owner gets, in which case its ACEs do.
  bool owner = d.owner && holds(token, d.owner->text, false);
  bool owner_rights_ace = false;
  for (const auto& ace : d.dacl) owner_rights_ace = owner_rights_ace || ace.sid.text == owner_rights_sid;
  auto applies = [&](const win::Ace& ace, bool deny) {
    if (ace.flags & INHERIT_ONLY_ACE) return false;
    if (ace.sid.text == owner_rights_sid) return owner;
    return holds(token, ace.sid.text, deny);
  };
  constexpr ACCESS_MASK implied = READ_CONTROL | WRITE_DAC;
  ACCESS_MASK implied_here = owner && !owner_rights_ace ? implied : 0;
  if (desired & MAXIMUM_ALLOWED) {
    ACCESS_MASK granted = implied_here, denied = 0;
    for (const auto& ace : d.dacl) {
      bool deny = ace.type == ACCESS_DENIED_ACE_TYPE;
      if ((!deny && ace.type != ACCESS_ALLOWED_ACE_TYPE) || !applies(ace, deny)) continue;
      ACCESS_MASK m = map_generic(ace.mask, mapping);
      if (deny) denied |= m & ~granted;
      else granted |= m & ~denied;
    }
    bool all = granted != 0 && (granted & wanted) == wanted;  // the other bits asked must be granted too
    std::string why = granted ? "the DACL grants at most " + rights_text(granted, type) : "the DACL grants nothing";
    if (granted && !all) why += ", not " + rights_text(wanted & ~granted, type);
    return {all, 0, why};
  }
  if (!wanted) return {false, 0, "no access was asked"};
  ACCESS_MASK left = wanted;
  if (left & implied_here) {
    left &= ~implied_here;
    if (!left) return {true, 0, "the owner's implied READ_CONTROL|WRITE_DAC"};
  }
  for (std::size_t i = 0; i < d.dacl.size(); ++i) {
    const auto& ace = d.dacl[i];
    bool deny = ace.type == ACCESS_DENIED_ACE_TYPE;
    if ((!deny && ace.type != ACCESS_ALLOWED_ACE_TYPE) || !applies(ace, deny)) continue;
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
