// The one escaper: bytes made safe inside another language's text - a
// shell or Lua string, a C literal, a DOT label, HTML, XML - each language
// a table of rules, not a function of its own.
#pragma once
#include <array>
#include <string>
#include <string_view>

namespace ipcsh {

struct EscapeRules {
  std::string_view open, close;  // around the text: "\"" for a string literal, none for markup
  // Bytes written another way: "\n\\n" maps '\n' to \n. Searched first.
  std::array<std::string_view, 8> named;
  // Any other control byte (below 0x20, and 0x7f).
  enum class Other { keep, hex, octal, unicode, drop } control = Other::hex;  // unicode: \u00NN
  // Bytes from 0x80: kept (UTF-8 stays readable), only as well-formed UTF-8,
  // or as escapes.
  enum class High { keep, utf8, escape } high = High::keep;
};

std::string escape(std::string_view bytes, const EscapeRules& rules);

namespace escapes {
// As the shell's "..." reads them back: \n \t \r \0 \\ \" \xNN, UTF-8 kept.
inline const EscapeRules shell{"\"", "\"", {"\n\\n", "\t\\t", "\r\\r", std::string_view("\0\\0", 3), "\\\\\\", "\"\\\""},
                               EscapeRules::Other::hex, EscapeRules::High::utf8};
// A Lua string literal for any bytes.
inline const EscapeRules lua{"\"", "\"", {"\n\\n", "\t\\t", "\r\\r", "\\\\\\", "\"\\\""}, EscapeRules::Other::hex,
                             EscapeRules::High::keep};
// Text as a Win32 call received it (the trace): backslashes as typed.
inline const EscapeRules as_received{"\"", "\"", {"\"\\\""}, EscapeRules::Other::hex, EscapeRules::High::keep};
// Inside a C string literal whose bytes are all that matter: octal never
// runs into the next character.
inline const EscapeRules c_bytes{"\"", "\"", {"\\\\\\", "\"\\\""}, EscapeRules::Other::octal,
                                 EscapeRules::High::escape};
// Text inside a C string (a #pragma message): control bytes dropped.
inline const EscapeRules c_text{"", "", {"\\\\\\", "\"\\\""}, EscapeRules::Other::drop, EscapeRules::High::keep};
// A Graphviz DOT string.
inline const EscapeRules dot{"\"", "\"", {"\n\\n", "\\\\\\", "\"\\\""}, EscapeRules::Other::keep,
                             EscapeRules::High::keep};
// A JSON string, byte for byte: control bytes and bytes from 0x80 as
// \u00NN (a byte's value as the code point), so any bytes go.
inline const EscapeRules json{"\"", "\"", {"\"\\\"", "\\\\\\", "\n\\n", "\t\\t", "\r\\r"},
                              EscapeRules::Other::unicode, EscapeRules::High::escape};
// HTML and XML text and attribute values (XML allows no other control
// bytes, not even as references: they are written as \xNN).
inline const EscapeRules markup{"", "", {"&&amp;", "<&lt;", ">&gt;", "\"&quot;", "\n\n", "\t\t", "\r\r"},
                                EscapeRules::Other::hex, EscapeRules::High::keep};
}  // namespace escapes

}  // namespace ipcsh
