#include "escape.hpp"

namespace ipcsh {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

// The length of a well-formed UTF-8 sequence (2-4 bytes) at bytes[i], or 0.
std::size_t utf8_length(std::string_view bytes, std::size_t i) {
  auto c = static_cast<unsigned char>(bytes[i]);
  std::size_t len = c >= 0xf5 ? 0 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
  if (len == 0 || i + len > bytes.size()) return 0;
  for (std::size_t k = 1; k < len; ++k)
    if ((static_cast<unsigned char>(bytes[i + k]) & 0xc0) != 0x80) return 0;
  return len;
}

void escaped(std::string& out, unsigned char c, EscapeRules::Other how) {
  if (how == EscapeRules::Other::hex) {
    out += "\\x";
    out += hex_digits[c >> 4];
    out += hex_digits[c & 15];
  } else if (how == EscapeRules::Other::octal) {
    out += '\\';
    out += static_cast<char>('0' + (c >> 6));
    out += static_cast<char>('0' + ((c >> 3) & 7));
    out += static_cast<char>('0' + (c & 7));
  } else if (how == EscapeRules::Other::unicode) {
    out += "\\u00";
    out += hex_digits[c >> 4];
    out += hex_digits[c & 15];
  } else if (how == EscapeRules::Other::keep) {
    out += static_cast<char>(c);
  }
}

}  // namespace

std::string escape(std::string_view bytes, const EscapeRules& rules) {
  std::string out(rules.open);
  out.reserve(bytes.size() + rules.open.size() + rules.close.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    const std::string_view* named = nullptr;
    for (const auto& rule : rules.named)
      if (!rule.empty() && static_cast<unsigned char>(rule[0]) == c) named = &rule;
    if (named) {
      out += named->substr(1);
    } else if (c < 0x20 || c == 0x7f) {
      escaped(out, c, rules.control);
    } else if (c < 0x80 || rules.high == EscapeRules::High::keep) {
      out += static_cast<char>(c);
    } else if (std::size_t len = rules.high == EscapeRules::High::utf8 ? utf8_length(bytes, i) : 0) {
      out.append(bytes.substr(i, len));
      i += len - 1;
    } else {
      // (a byte no rule keeps: escaped as the control bytes are, or in hex)
      bool as_control = rules.control == EscapeRules::Other::octal || rules.control == EscapeRules::Other::unicode;
      escaped(out, c, as_control ? rules.control : EscapeRules::Other::hex);
    }
  }
  out += rules.close;
  return out;
}

}  // namespace ipcsh
