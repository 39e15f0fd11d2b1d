// Security descriptors: the SECURITY_ATTRIBUTES a create call is given,
// reading and changing an object's descriptor, and AccessCheck with this
// process's token.
#include "win32_api.hpp"

#include <sddl.h>

#include <fmt/format.h>

#include "core/text.hpp"
#include "unique_handle.hpp"

namespace ipcsh::win {
namespace {

bool converts(const std::string& sddl) {
  std::wstring w = to_wide(sddl);
  PSECURITY_DESCRIPTOR sd = nullptr;
  BOOL ok = ConvertStringSecurityDescriptorToSecurityDescriptorW(w.c_str(), SDDL_REVISION_1, &sd, nullptr);
  if (sd) LocalFree(sd);
  return ok != FALSE;
}

// Where a string of SDDL's shape that does not convert goes wrong: the
// first part that does not convert by itself (an owner, a group, a list's
// flags, one ACE).
std::string where_sddl_fails(const std::vector<SddlPart>& parts) {
  for (const auto& part : parts)
    if (!converts(part.alone))
      return fmt::format("at position {}: '{}' does not convert", part.offset + 1, one_line(part.text, 80));
  return "the parts convert one by one, but not together";
}

const NameTable info_names{{OWNER_SECURITY_INFORMATION, "OWNER_SECURITY_INFORMATION"},
                           {GROUP_SECURITY_INFORMATION, "GROUP_SECURITY_INFORMATION"},
                           {DACL_SECURITY_INFORMATION, "DACL_SECURITY_INFORMATION"},
                           {SACL_SECURITY_INFORMATION, "SACL_SECURITY_INFORMATION"},
                           {LABEL_SECURITY_INFORMATION, "LABEL_SECURITY_INFORMATION"}};

Sid sid_of(PSID sid) {
  Sid out;
  if (!sid) return out;
  LPWSTR text = nullptr;
  if (ConvertSidToStringSidW(sid, &text)) {
    out.text = to_utf8(text);
    LocalFree(text);
  }
  wchar_t name[256], domain[256];
  DWORD name_size = 256, domain_size = 256;
  SID_NAME_USE use;
  if (LookupAccountSidW(nullptr, sid, name, &name_size, domain, &domain_size, &use))
    out.account = domain_size && domain[0] ? to_utf8(domain) + "\\" + to_utf8(name) : to_utf8(name);
  return out;
}

std::vector<Ace> aces_of(PACL acl, const std::vector<SddlPart>& texts, char list) {
  std::vector<Ace> out;
  if (!acl) return out;
  std::vector<const SddlPart*> mine;
  for (const auto& p : texts)
    if (p.list == list && p.is_ace) mine.push_back(&p);
  for (DWORD i = 0; i < acl->AceCount; ++i) {
    void* raw = nullptr;
    if (!GetAce(acl, i, &raw)) break;
    auto header = static_cast<ACE_HEADER*>(raw);
    Ace ace;
    ace.type = header->AceType;
    ace.flags = header->AceFlags;
    // Every ACE has its mask after the header. Allowed, denied, audit and
    // label ACEs then have the SID; object ACEs carry GUIDs between, and
    // their SID is not read.
    auto plain = static_cast<ACCESS_ALLOWED_ACE*>(raw);
    ace.mask = plain->Mask;
    if (ace.type == ACCESS_ALLOWED_ACE_TYPE || ace.type == ACCESS_DENIED_ACE_TYPE ||
        ace.type == SYSTEM_AUDIT_ACE_TYPE || ace.type == SYSTEM_MANDATORY_LABEL_ACE_TYPE)
      ace.sid = sid_of(&plain->SidStart);
    if (i < mine.size()) ace.sddl = mine[i]->text;
    out.push_back(std::move(ace));
  }
  return out;
}

}  // namespace

std::vector<SddlPart> sddl_parts(const std::string& s) {
  std::vector<SddlPart> parts;
  std::size_t i = 0, n = s.size();
  auto add = [&](std::size_t offset, std::string text, std::string alone, char list, bool is_ace, std::string error = {}) {
    parts.push_back({offset, std::move(text), std::move(alone), std::move(error), list, is_ace});
  };
  auto component_at = [&](std::size_t j) {
    return j + 1 < n && s[j + 1] == ':' && std::string_view("OGDS").find(s[j]) != std::string_view::npos;
  };
  while (i < n) {
    if (!component_at(i)) {
      add(i, s.substr(i, 1), "", 0, false, "expected O:, G:, D: or S: (owner, group, DACL, SACL)");
      return parts;
    }
    char list = s[i];
    std::size_t start = i;
    i += 2;
    if (list == 'O' || list == 'G') {
      std::size_t end = i;
      while (end < n && !component_at(end)) ++end;
      std::string text = s.substr(start, end - start);
      if (end == i)
        add(start, text, "", list, false, fmt::format("{}: names no SID", list));
      else
        add(start, text, text, list, false);
      i = end;
      continue;
    }
    std::size_t flags_end = i;
    while (flags_end < n && s[flags_end] != '(' && !component_at(flags_end)) ++flags_end;
    std::string head = s.substr(start, flags_end - start);
    add(start, head, head, list, false);
    i = flags_end;
    while (i < n && s[i] == '(') {
      // An ACE ends at its own ")": a conditional ACE's expression and a
      // resource attribute nest parentheses and quote strings inside it.
      std::size_t close = std::string::npos;
      int depth = 0;
      bool quoted = false;
      for (std::size_t j = i; j < n && close == std::string::npos; ++j) {
        if (s[j] == '"') quoted = !quoted;
        else if (!quoted && s[j] == '(') ++depth;
        else if (!quoted && s[j] == ')' && --depth == 0) close = j;
      }
      if (close == std::string::npos) {
        add(i, s.substr(i), "", list, true, "an ACE opened with ( is not closed with )");
        return parts;
      }
      std::string ace = s.substr(i, close + 1 - i);
      add(i, ace, std::string(1, list) + ":" + ace, list, true);
      i = close + 1;
    }
  }
  return parts;
}

SecurityAttributes::SecurityAttributes(const Security& security)
    : sa_{sizeof sa_, nullptr, security.inherit ? TRUE : FALSE} {
  if (security.sddl.empty()) return;
  // Text that leaves SDDL's shape is refused here: Wine's converter accepts
  // and drops what trails a valid descriptor, where Windows refuses it.
  auto parts = sddl_parts(security.sddl);
  for (const auto& part : parts)
    if (!part.error.empty())
      throw UsageError(fmt::format("SDDL '{}': at position {}: {}", one_line(security.sddl, 80), part.offset + 1,
                                   part.error));
  std::wstring w = to_wide(security.sddl);
  DWORD error = attempt("ConvertStringSecurityDescriptorToSecurityDescriptorW",
                        {text(security.sddl), literal("SDDL_REVISION_1"), literal("&sd"), literal("NULL")},
                        [&] { return ConvertStringSecurityDescriptorToSecurityDescriptorW(w.c_str(), SDDL_REVISION_1,
                                                                                           &descriptor_, nullptr); });
  if (error)
    throw Win32Error("ConvertStringSecurityDescriptorToSecurityDescriptorW", error, where_sddl_fails(parts));
  sa_.lpSecurityDescriptor = descriptor_;
}

SecurityAttributes::~SecurityAttributes() {
  if (descriptor_) LocalFree(descriptor_);
}

Descriptor get_security(HANDLE h) {
  SECURITY_INFORMATION asked = OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION |
                               LABEL_SECURITY_INFORMATION;
  Descriptor d;
  std::vector<BYTE> buffer(256);
  for (int attempt_number = 0;; ++attempt_number) {
    DWORD needed = 0;
    DWORD error = attempt("GetKernelObjectSecurity",
                          {handle(h), flags(asked, info_names), literal("&sd"), num(static_cast<std::int64_t>(buffer.size()))},
                          [&] { return GetKernelObjectSecurity(h, asked, buffer.data(), static_cast<DWORD>(buffer.size()), &needed); });
    if (!error) break;
    if (error == ERROR_INSUFFICIENT_BUFFER && needed > buffer.size() && attempt_number < 4) {
      buffer.resize(needed);
      continue;
    }
    // The label needs more than READ_CONTROL on some systems: ask without it.
    if (error == ERROR_ACCESS_DENIED && (asked & LABEL_SECURITY_INFORMATION)) {
      asked &= ~LABEL_SECURITY_INFORMATION;
      continue;
    }
    throw Win32Error("GetKernelObjectSecurity", error);
  }
  d.label_read = (asked & LABEL_SECURITY_INFORMATION) != 0;
  auto sd = static_cast<PSECURITY_DESCRIPTOR>(buffer.data());
  LPWSTR text = nullptr;
  if (ConvertSecurityDescriptorToStringSecurityDescriptorW(sd, SDDL_REVISION_1, asked, &text, nullptr)) {
    d.sddl = to_utf8(text);
    LocalFree(text);
  }
  auto parts = sddl_parts(d.sddl);
  PSID owner = nullptr, group = nullptr;
  BOOL defaulted = FALSE;
  if (GetSecurityDescriptorOwner(sd, &owner, &defaulted) && owner) d.owner = sid_of(owner);
  if (GetSecurityDescriptorGroup(sd, &group, &defaulted) && group) d.group = sid_of(group);
  BOOL present = FALSE;
  PACL acl = nullptr;
  if (GetSecurityDescriptorDacl(sd, &present, &acl, &defaulted) && present) {
    d.dacl_present = true;
    d.dacl_null = acl == nullptr;
    d.dacl = aces_of(acl, parts, 'D');
  }
  if (d.label_read && GetSecurityDescriptorSacl(sd, &present, &acl, &defaulted) && present)
    d.label = aces_of(acl, parts, 'S');
  d.self_relative = std::move(buffer);
  return d;
}

void set_security(HANDLE h, const std::string& sddl) {
  SecurityAttributes converted(Security{false, sddl});
  // The parts to change are the ones the converted descriptor has.
  PSECURITY_DESCRIPTOR sd = converted.get()->lpSecurityDescriptor;
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  GetSecurityDescriptorControl(sd, &control, &revision);
  SECURITY_INFORMATION parts = 0;
  PSID sid = nullptr;
  BOOL defaulted = FALSE, present = FALSE;
  if (GetSecurityDescriptorOwner(sd, &sid, &defaulted) && sid) parts |= OWNER_SECURITY_INFORMATION;
  if (GetSecurityDescriptorGroup(sd, &sid, &defaulted) && sid) parts |= GROUP_SECURITY_INFORMATION;
  if (control & SE_DACL_PRESENT)
    parts |= DACL_SECURITY_INFORMATION | (control & SE_DACL_PROTECTED ? PROTECTED_DACL_SECURITY_INFORMATION : 0);
  PACL sacl = nullptr;
  if (GetSecurityDescriptorSacl(sd, &present, &sacl, &defaulted) && present) {
    // a label ACE is the label's; an audit ACE is the SACL's (which needs SeSecurityPrivilege)
    bool label = false, audit = sacl == nullptr || sacl->AceCount == 0;
    for (DWORD i = 0; sacl && i < sacl->AceCount; ++i) {
      void* ace = nullptr;
      if (!GetAce(sacl, i, &ace)) break;
      (static_cast<ACE_HEADER*>(ace)->AceType == SYSTEM_MANDATORY_LABEL_ACE_TYPE ? label : audit) = true;
    }
    if (label) parts |= LABEL_SECURITY_INFORMATION;
    if (audit) parts |= SACL_SECURITY_INFORMATION;
  }
  if (!parts) throw UsageError("SDDL: names no owner (O:), group (G:), DACL (D:) or SACL (S:) to set", 2);
  check("SetKernelObjectSecurity", {handle(h), flags(parts, info_names), literal("sd")},
        [&] { return SetKernelObjectSecurity(h, parts, sd); });
}

namespace {

UniqueHandle open_token(DWORD access, const char* access_text) {
  HANDLE opened = nullptr;
  check("OpenProcessToken", {literal("GetCurrentProcess()"), literal(access_text), literal("&token")},
        [&] { return OpenProcessToken(GetCurrentProcess(), access, &opened); });
  return UniqueHandle(opened);
}

// One GetTokenInformation answer, in a buffer that grows to fit.
std::vector<BYTE> token_information(HANDLE token, TOKEN_INFORMATION_CLASS what) {
  std::vector<BYTE> buffer(512);
  for (;;) {
    DWORD size = 0;
    if (GetTokenInformation(token, what, buffer.data(), static_cast<DWORD>(buffer.size()), &size)) return buffer;
    if (GetLastError() != ERROR_INSUFFICIENT_BUFFER || size <= buffer.size()) return {};
    buffer.resize(size);
  }
}

}  // namespace

TokenFacts token_facts() {
  TokenFacts facts;
  UniqueHandle token = open_token(TOKEN_QUERY, "TOKEN_QUERY");
  if (auto b = token_information(token.get(), TokenUser); !b.empty())
    facts.user = sid_of(reinterpret_cast<TOKEN_USER*>(b.data())->User.Sid);
  if (auto b = token_information(token.get(), TokenOwner); !b.empty())
    facts.owner = sid_of(reinterpret_cast<TOKEN_OWNER*>(b.data())->Owner);
  if (auto b = token_information(token.get(), TokenPrimaryGroup); !b.empty())
    facts.primary_group = sid_of(reinterpret_cast<TOKEN_PRIMARY_GROUP*>(b.data())->PrimaryGroup);
  if (auto b = token_information(token.get(), TokenIntegrityLevel); !b.empty())
    facts.integrity = sid_of(reinterpret_cast<TOKEN_MANDATORY_LABEL*>(b.data())->Label.Sid);
  if (auto b = token_information(token.get(), TokenGroups); !b.empty()) {
    auto groups = reinterpret_cast<TOKEN_GROUPS*>(b.data());
    for (DWORD i = 0; i < groups->GroupCount; ++i)
      facts.groups.push_back({sid_of(groups->Groups[i].Sid), groups->Groups[i].Attributes});
  }
  return facts;
}

AccessAnswer access_check(const Descriptor& d, ACCESS_MASK desired, const GENERIC_MAPPING& mapping,
                          const NameTable& rights) {
  UniqueHandle token = open_token(TOKEN_DUPLICATE | TOKEN_QUERY, "TOKEN_DUPLICATE|TOKEN_QUERY");
  // The object's own descriptor, in an absolute copy whose parts point into
  // it; AccessCheck needs an owner and a group, which a descriptor may lack
  // (Wine gives objects made without one none): the token's stand in.
  auto self_relative = reinterpret_cast<PSECURITY_DESCRIPTOR>(const_cast<BYTE*>(d.self_relative.data()));
  std::vector<BYTE> owner_info = token_information(token.get(), TokenOwner);
  std::vector<BYTE> group_info = token_information(token.get(), TokenPrimaryGroup);
  SECURITY_DESCRIPTOR absolute;
  InitializeSecurityDescriptor(&absolute, SECURITY_DESCRIPTOR_REVISION);
  PSID owner = nullptr, group = nullptr;
  PACL dacl = nullptr, sacl = nullptr;
  BOOL defaulted = FALSE, dacl_present = FALSE, sacl_present = FALSE;
  if (!d.self_relative.empty()) {
    GetSecurityDescriptorOwner(self_relative, &owner, &defaulted);
    GetSecurityDescriptorGroup(self_relative, &group, &defaulted);
    GetSecurityDescriptorDacl(self_relative, &dacl_present, &dacl, &defaulted);
    GetSecurityDescriptorSacl(self_relative, &sacl_present, &sacl, &defaulted);
  }
  if (!owner && !owner_info.empty()) owner = reinterpret_cast<TOKEN_OWNER*>(owner_info.data())->Owner;
  if (!group && !group_info.empty()) group = reinterpret_cast<TOKEN_PRIMARY_GROUP*>(group_info.data())->PrimaryGroup;
  SetSecurityDescriptorOwner(&absolute, owner, FALSE);
  SetSecurityDescriptorGroup(&absolute, group, FALSE);
  SetSecurityDescriptorDacl(&absolute, dacl_present, dacl, FALSE);
  if (sacl_present) SetSecurityDescriptorSacl(&absolute, TRUE, sacl, FALSE);
  HANDLE duplicated = nullptr;
  // AccessCheck takes an impersonation token; the process's is primary.
  check("DuplicateToken", {handle(token.get()), literal("SecurityImpersonation"), literal("&impersonation")},
        [&] { return DuplicateToken(token.get(), SecurityImpersonation, &duplicated); });
  UniqueHandle impersonation(duplicated);
  GENERIC_MAPPING map = mapping;
  // AccessCheck refuses generic rights (ERROR_GENERIC_NOT_MAPPED): mapped first.
  MapGenericMask(&desired, &map);
  PRIVILEGE_SET privileges{};
  DWORD privileges_size = sizeof privileges;
  AccessAnswer answer;
  BOOL status = FALSE;
  check("AccessCheck",
        {literal("sd"), handle(duplicated), flags(desired, rights), literal("&mapping"), literal("&privileges"),
         literal("&size"), literal("&granted"), literal("&status")},
        [&] {
          return AccessCheck(&absolute, duplicated, desired, &map, &privileges, &privileges_size, &answer.granted_mask,
                             &status);
        },
        [&] { return fmt::format("(granted {:#x}, status {})", answer.granted_mask, status ? "TRUE" : "FALSE"); });
  answer.granted = status != FALSE;
  return answer;
}

}  // namespace ipcsh::win
