// What an access mask means for a type of object, and which ACE of a
// descriptor decides whether this process's token gets it: shared by the
// security family (security, access-check) and by the open-* commands,
// whose ERROR_ACCESS_DENIED says why.
#pragma once
#include <optional>
#include <string>

#include "common.hpp"
#include "win32/unique_handle.hpp"

namespace ipcsh {

// The kinds whose objects are opened by name here (their kernel type names:
// kernel_type, session/handle.hpp).
inline constexpr KindSet named_kinds{Kind::event, Kind::mutex, Kind::semaphore, Kind::timer, Kind::mapping,
                                     Kind::mailslot};

// "GENERIC_READ|SYNCHRONIZE", "EVENT_MODIFY_STATE", "MODIFY_STATE" (the
// type's prefix may be left out), "0x100000", any of them joined with |;
// a word that names no right of the type is a UsageError naming `what`.
ACCESS_MASK parse_access(std::string_view text, std::string_view type, std::string_view what);
// A mask by the type's names, and with its generic rights mapped.
std::string rights_text(ACCESS_MASK mask, std::string_view type);
ACCESS_MASK map_generic(ACCESS_MASK mask, const GENERIC_MAPPING& mapping);

// Opens a named object of `kind` (named_kinds) with `access`; throws the
// open's Win32Error (a pipe is refused: opening one by name connects to it).
UniqueHandle open_by_name(Kind kind, const std::string& name, ACCESS_MASK access);

// An integrity label ACE's mask: its policy (NO_WRITE_UP, ...), not rights.
extern const win::NameTable label_policy_names;
// Who an ACE or owner names: its account ("Everyone"), else its SID.
std::string who(const win::Sid& sid);
// One ACE as a line: "deny Everyone: GENERIC_ALL -> EVENT_ALL_ACCESS".
std::string ace_line(const win::Ace& ace, std::string_view type, const GENERIC_MAPPING& mapping);

// Walks the DACL the way the kernel does for `desired`: the owner's implied
// READ_CONTROL|WRITE_DAC, then each ACE whose SID the token holds, in
// order, until one denies a wanted right or all are granted. `ace` is the
// deciding ACE's number (1-based; 0: none decided - no DACL, the owner, or
// the end of the list).
struct Decision {
  bool granted = false;
  int ace = 0;
  std::string why;
};
Decision decide(const win::Descriptor& d, ACCESS_MASK desired, const GENERIC_MAPPING& mapping,
                const win::TokenFacts& token, std::string_view type);

// For an open refused with ERROR_ACCESS_DENIED: what the object's DACL
// says about `access`, when its descriptor can be read; nullopt otherwise.
std::optional<std::string> access_denied_hint(Kind kind, const std::string& name, ACCESS_MASK access);
// An open-* by name: `open()`'s handle, or its error, with that hint added
// when it is ERROR_ACCESS_DENIED and the descriptor says why.
template <class Open>
HANDLE open_explained(Kind kind, const std::string& name, ACCESS_MASK access, Open&& open) {
  try {
    return open();
  } catch (const Win32Error& e) {
    // one directory holds every kind's names: the name is another kind's
    if (e.code() == ERROR_INVALID_HANDLE)
      throw e.with_hint(fmt::format("'{}' is held by another kind of object; see where {}", name, name));
    if (e.code() != ERROR_ACCESS_DENIED) throw;
    auto hint = access_denied_hint(kind, name, access);
    if (!hint) throw;
    throw e.with_hint(*hint);
  }
}

}  // namespace ipcsh
