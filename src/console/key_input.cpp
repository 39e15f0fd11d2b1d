// A console key event as the line editor's Key (line_editor.hpp).
#include "console_internal.hpp"

namespace ipcsh::console {

std::optional<Key> key_of(const KEY_EVENT_RECORD& k, bool& escape_pending) {
  if (!k.bKeyDown) return std::nullopt;
  bool ctrl = k.dwControlKeyState & (LEFT_CTRL_PRESSED | RIGHT_CTRL_PRESSED);
  bool alt = k.dwControlKeyState & (LEFT_ALT_PRESSED | RIGHT_ALT_PRESSED);
  wchar_t ch = k.uChar.UnicodeChar;
  switch (k.wVirtualKeyCode) {
    case VK_LEFT: return Key{ctrl ? Key::alt_b : Key::left};
    case VK_RIGHT: return Key{ctrl ? Key::alt_f : Key::right};
    case VK_UP: return Key{Key::up};
    case VK_DOWN: return Key{Key::down};
    case VK_HOME: return Key{Key::home};
    case VK_END: return Key{Key::end};
    case VK_DELETE: return Key{Key::del};
    case VK_SHIFT: case VK_CONTROL: case VK_MENU: case VK_CAPITAL: return std::nullopt;
    default: break;
  }
  if (escape_pending) {
    escape_pending = false;
    if (ch == L'b') return Key{Key::alt_b};
    if (ch == L'f') return Key{Key::alt_f};
  }
  if (alt && (ch == L'b' || ch == L'f')) return Key{ch == L'b' ? Key::alt_b : Key::alt_f};
  switch (ch) {
    case 0: return std::nullopt;
    case L'\r': case L'\n': return Key{Key::enter};
    case 8: case 127: return Key{Key::backspace};
    case L'\t': return Key{Key::tab};
    case 1: return Key{Key::home};
    case 3: return Key{Key::ctrl_c};
    case 4: return Key{Key::ctrl_d};
    case 5: return Key{Key::end};
    case 7: return Key{Key::ctrl_g};
    case 11: return Key{Key::ctrl_k};
    case 12: return Key{Key::ctrl_l};
    case 18: return Key{Key::ctrl_r};
    case 21: return Key{Key::ctrl_u};
    case 23: return Key{Key::ctrl_w};
    case 26: return Key{Key::ctrl_z};
    case 27:
      escape_pending = true;
      return Key{Key::escape};
    default: break;
  }
  if (ch < 0x20) return Key{Key::other};
  return Key{Key::character, static_cast<char32_t>(ch)};
}

}  // namespace ipcsh::console
