// Binding: the words of a typed line or the values of a Lua call, checked
// against a command's row and converted to typed Args - the only place
// arguments are checked. It asks the session for variables and handles
// through BindContext, so it builds without Windows (fuzzed natively).
#include <algorithm>
#include <charconv>
#include <optional>
#include <fmt/format.h>

#include "command.hpp"
#include "error.hpp"
#include "messages.hpp"
#include "syntax.hpp"

namespace ipcsh {
namespace {

// A number as typed: decimal or 0x hex, optionally negative. Never wraps:
// 2^63 and more do not fit (except -2^63 itself).
std::optional<std::int64_t> parse_integer(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  if (negative) text.remove_prefix(1);
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  std::uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  constexpr auto limit = static_cast<std::uint64_t>(INT64_MAX);
  if (magnitude > limit + (negative ? 1 : 0)) return std::nullopt;
  if (negative) return magnitude == limit + 1 ? INT64_MIN : -static_cast<std::int64_t>(magnitude);
  return static_cast<std::int64_t>(magnitude);
}

}  // namespace

std::string describe_argument(const Value& v, BindContext* context) {
  constexpr std::size_t shown = 40;
  auto clip = [&](std::string_view text) {
    std::string quoted = quote_bytes(text.substr(0, shown));
    quoted = "'" + quoted.substr(1, quoted.size() - 2) + "'";
    return text.size() <= shown ? quoted : fmt::format("{}... ({} bytes)", quoted, text.size());
  };
  if (v.is_nil()) return "nothing";
  if (auto s = v.as<std::string>()) return clip(*s);
  if (auto b = v.as<Bytes>()) return clip(b->data);
  if (auto lent = v.as<Borrowed>()) return clip(lent->data);
  if (v.as<List>()) return "a list";
  if (v.as<Record>() || v.as<Table>()) return "a table";
  if (v.as<Callback>()) return "a function";
  if (auto b = v.as<bool>()) return *b ? "yes" : "no";
  if (auto i = v.as<std::int64_t>()) return std::to_string(*i);
  return context ? context->describe(v) : "a value";
}

namespace {

std::string range_text(Range r) {
  auto n = [](std::int64_t x) {
    return x == INT64_MAX ? std::string("2^63-1") : x == INT64_MIN ? std::string("-2^63") : std::to_string(x);
  };
  return fmt::format("{}..{}", n(r.min), n(r.max));
}


std::string choices_text(const Choices& choices) {
  std::string out;
  for (std::size_t i = 0; i < choices.size(); ++i)
    out += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + std::string(choices[i]);
  return out;
}

// The most UTF-16 units a name may have: a UNICODE_STRING holds 32,767,
// and CreateProcessW's command line as many with its terminating NUL.
constexpr std::size_t longest_name = 32766;

// UTF-16 units of UTF-8 text (a 4-byte sequence is a surrogate pair).
std::size_t utf16_units(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte
    n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

struct Spec {
  ArgType type;
  KindSet kinds = {};
  Range range = {};
  const Choices* choices = nullptr;
};

// Converts one raw argument to its declared type. `what` names it in errors.
class Binder {
 public:
  Binder(const Command& command, BindContext& context) : command_(command), context_(context) {}

  Value convert(const Spec& spec, const Value& given, const std::string& what, int position) {
    // A variable holding a described result ($v = dup ... --to P) stands for
    // its value - except where any value is taken as it is (echo shows it).
    bool unwrap = spec.type != ArgType::any && spec.type != ArgType::variables && given.as<Result>() && !given.as<Result>()->values.empty();
    const Value* picked = unwrap ? &given.as<Result>()->values[0] : &given;
    // Lent bytes are read in place only as text; any other type parses them
    // (a number, a choice) from a copy.
    Value copy;
    if (auto lent = picked->as<Borrowed>(); lent && spec.type != ArgType::string && spec.type != ArgType::text) {
      copy = std::string(lent->data);
      picked = &copy;
    }
    const Value& raw = *picked;
    auto fail = [&](std::string_view expected) -> UsageError {
      return UsageError(fmt::format("{}: {} expected, got {}", what, expected, describe_argument(raw, &context_)), position);
    };
    auto number = [&]() -> std::optional<std::int64_t> {
      if (auto i = raw.as<std::int64_t>()) return *i;
      if (auto s = raw.as<std::string>()) return parse_integer(*s);
      return std::nullopt;
    };
    switch (spec.type) {
      case ArgType::text:
        // A range on text is its longest length in UTF-16 units (spawn's
        // command line): refused rather than cut by the API.
        if (spec.range.max != Range{}.max) {
          Value text = convert({ArgType::string}, raw, what, position);
          std::string_view t = text.as<Borrowed>() ? text.as<Borrowed>()->data : std::string_view(*text.as<std::string>());
          if (std::size_t units = utf16_units(t); units > static_cast<std::size_t>(spec.range.max))
            throw UsageError(fmt::format("{}: at most {} UTF-16 characters (the API would cut it), got {}", what,
                                         spec.range.max, units),
                             position);
          return text;
        }
        [[fallthrough]];
      case ArgType::string:
        if (raw.as<Borrowed>()) return raw;  // read in place by the handler (Args::bytes)
        if (auto s = raw.as<std::string>()) return *s;
        if (auto b = raw.as<Bytes>()) return b->data;
        if (auto i = raw.as<std::int64_t>()) return std::to_string(*i);
        throw fail("text");
      case ArgType::name: return name(raw, what, position, false);
      case ArgType::integer: {
        auto n = number();
        if (!n) throw fail(fmt::format("a number {}", range_text(spec.range)));
        if (*n < spec.range.min || *n > spec.range.max)
          throw UsageError(fmt::format("{}: {} is out of range {}", what, *n, range_text(spec.range)), position);
        return *n;
      }
      case ArgType::message: {
        if (auto n = number(); n && *n >= 0 && *n <= 0xFFFFFFFF) return *n;
        if (auto s = raw.as<std::string>())
          if (auto m = message_number(*s)) return static_cast<std::int64_t>(*m);
        throw fail("a message number, or a name like WM_USER+1 or WM_CLOSE");
      }
      case ArgType::timeout: {
        if (auto s = raw.as<std::string>(); s && (*s == "forever" || *s == "infinite")) return std::int64_t{forever};
        if (auto n = number(); n && *n >= 0 && *n < forever) return *n;
        throw fail("milliseconds 0..4294967294 or 'forever'");
      }
      case ArgType::choice:
        if (auto s = raw.as<std::string>())
          for (auto c : *spec.choices)
            if (c == *s) return *s;
        throw fail(choices_text(*spec.choices));
      case ArgType::boolean:
        if (auto b = raw.as<bool>()) return *b;
        if (auto s = raw.as<std::string>())
          if (auto b = boolean_word(*s)) return *b;
        throw fail("on/off, yes/no or true/false");
      case ArgType::callback:
        if (raw.as<Callback>()) return raw;
        return convert({ArgType::boolean}, raw, what, position);
      case ArgType::boolean_or_handles:
        if (auto b = raw.as<bool>()) return *b;
        if (raw.as<List>()) return convert({ArgType::handles, spec.kinds}, raw, what, position);
        throw fail("true or an array of handles");
      case ArgType::handle: return handle(spec.kinds, raw, what, position);
      case ArgType::handles: {
        List out;
        if (auto list = raw.as<List>()) {
          for (const auto& item : list->items) out.items.push_back(handle(spec.kinds, item, what, position));
        } else if (auto s = raw.as<std::string>()) {
          std::string_view rest = *s;
          while (!rest.empty()) {
            auto comma = rest.find(',');
            std::string piece(rest.substr(0, comma));
            Value item = piece;
            if (piece.size() > 1 && piece[0] == '$') item = variable(piece.substr(1), what, position);
            out.items.push_back(handle(spec.kinds, item, what, position));
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
          }
        } else {
          out.items.push_back(handle(spec.kinds, raw, what, position));
        }
        if (out.items.empty()) throw fail("one handle or more");
        return out;
      }
      case ArgType::any:
      case ArgType::variables:
        if (auto lent = raw.as<Borrowed>()) return std::string(lent->data);  // may be kept: a copy
        return raw;
      case ArgType::strings: {
        List out;
        auto list = raw.as<List>();
        if (!list) throw fail("a list of strings");
        for (const auto& item : list->items) out.items.push_back(name(item, what, position, true));  // "" is an argument
        return out;
      }
    }
    throw fail("a value");
  }

 private:
  // A name goes to a W API whole or not at all: a NUL would end it there,
  // an empty one opens a device's root (\Device\NamedPipe) or no object,
  // and past 32,766 UTF-16 units the kernel's UNICODE_STRING (and
  // CreateProcessW's command line) cuts it without a word.
  Value name(const Value& raw, const std::string& what, int position, bool empty_ok) {
    Value text = convert({ArgType::string}, raw, what, position);
    if (auto lent = text.as<Borrowed>()) text = std::string(lent->data);  // a name is kept: a copy
    const std::string& s = *text.as<std::string>();
    if (s.find('\0') != std::string::npos)
      throw UsageError(fmt::format("{}: a name cannot hold a NUL byte (the API would end it there), got {}", what,
                                   describe_argument(raw, &context_)),
                       position);
    if (s.empty() && !empty_ok)
      throw UsageError(fmt::format("{}: a name cannot be empty (the API would open the device itself, or nothing)", what),
                       position);
    if (std::size_t units = utf16_units(s); units > longest_name)
      throw UsageError(fmt::format("{}: a name is at most {} UTF-16 characters (the kernel would cut it), got {}", what,
                                   longest_name, units),
                       position);
    return text;
  }

  Value variable(const std::string& name, const std::string& what, int position) {
    const Value* value = context_.variable(name);
    if (!value) throw UsageError(fmt::format("{}: no variable ${}", what, name), position);
    return *value;
  }

  HandleRef literal(std::int64_t value, const std::string& what, int position) {
    check_handle_literal(value, what, position);
    return context_.handle_at(value);
  }

  Value handle(KindSet kinds, const Value& raw, const std::string& what, int position) {
    HandleRef ref;
    if (auto h = raw.as<HandleRef>()) {
      ref = *h;
      if (context_.facts(ref).closed) context_.closed_handle(ref, command_.name);
    } else if (auto i = raw.as<std::int64_t>()) {
      ref = literal(*i, what, position);
    } else if (auto s = raw.as<std::string>(); s && *s == "self") {
      ref = context_.this_process();
    } else if (auto s = raw.as<std::string>(); s && parse_integer(*s)) {
      ref = literal(*parse_integer(*s), what, position);
    } else {
      throw UsageError(fmt::format("{}: a handle expected ($variable or a value like 0x34), got {}", what,
                                   describe_argument(raw, &context_)),
                       position);
    }
    // A value that is no handle goes to the API, which says so; but an
    // address (a view) is never guessed from a number.
    HandleFacts facts = context_.facts(ref);
    bool unknown_ok = facts.kind == Kind::other && kinds.has_kernel_kind();
    if (!unknown_ok && !kinds.has(facts.kind)) {
      if (facts.kind == Kind::other)
        throw UsageError(fmt::format("{}: {} is not a {} of this shell", what, context_.value_text(ref), kinds.describe()),
                         position);
      throw UsageError(fmt::format("{}: {} handle expected, got {} {}", what, kinds.describe(),
                                   kind_name(facts.kind), context_.value_text(ref)),
                       position);
    }
    return ref;
  }

  const Command& command_;
  BindContext& context_;
};

}  // namespace

const Value* Args::find(std::string_view name) const {
  for (const auto& [key, value] : entries_)
    if (key == name) return &value;
  return nullptr;
}

void Args::set(std::string_view name, Value v) {
  if (auto* found = const_cast<Value*>(find(name))) {
    *found = std::move(v);
    return;
  }
  entries_.emplace_back(name, std::move(v));
}

HandleRef Args::handle(std::string_view name) const {
  auto v = find(name);
  return v && v->as<HandleRef>() ? *v->as<HandleRef>() : nullptr;
}

std::vector<HandleRef> Args::handles(std::string_view name) const {
  std::vector<HandleRef> out;
  if (auto v = find(name); v && v->as<List>())
    for (const auto& item : v->as<List>()->items) out.push_back(*item.as<HandleRef>());
  return out;
}

std::int64_t Args::integer(std::string_view name, std::int64_t fallback) const {
  auto v = find(name);
  return v && v->as<std::int64_t>() ? *v->as<std::int64_t>() : fallback;
}

std::uint32_t Args::timeout(std::string_view name, std::uint32_t fallback) const {
  return static_cast<std::uint32_t>(integer(name, fallback));
}

const std::string& Args::string(std::string_view name) const {
  static const std::string empty;
  auto v = find(name);
  if (v && v->as<Borrowed>()) return copies_.emplace_back(v->as<Borrowed>()->data);
  return v && v->as<std::string>() ? *v->as<std::string>() : empty;
}

std::string_view Args::bytes(std::string_view name) const {
  auto v = find(name);
  if (!v) return {};
  if (auto lent = v->as<Borrowed>()) return lent->data;
  if (auto s = v->as<std::string>()) return *s;
  return {};
}

std::string Args::string_or(std::string_view name, std::string fallback) const {
  return has(name) ? string(name) : fallback;
}

bool Args::flag(std::string_view name) const {
  auto v = find(name);
  return v && v->as<bool>() && *v->as<bool>();
}

std::string timeout_text(std::uint32_t ms) { return ms == forever ? "forever" : fmt::format("{} ms", ms); }

void check_handle_literal(std::int64_t value, std::string_view what, int position) {
  if (value != -1 && (value < 0 || value > largest_handle_value))
    throw UsageError(fmt::format("{}: a handle value is 0..{:#x}, or -1 for this process; got {}", what,
                                 largest_handle_value, format_handle_value(value)),
                     position);
}

SmallVector<LineItem, 4> line_items(const Command& command, const CommandText& text, LineReading reading) {
  SmallVector<LineItem, 4> items;
  bool strict = reading == LineReading::strict;
  const auto& words = text.words;
  bool flags_done = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const Word& w = words[i];
    if (!w.verbatim && !flags_done && w.is("--")) {
      flags_done = true;
      continue;
    }
    if (w.verbatim || flags_done || w.quoted || w.text.size() <= 2 || w.text.rfind("--", 0) != 0) {
      items.push_back(LineItem{.word = i});
      continue;
    }
    std::string_view name = std::string_view(w.text).substr(2);
    std::optional<std::string_view> inline_value;
    if (auto eq = name.find('='); eq != std::string_view::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto f = std::find_if(command.flags.begin(), command.flags.end(), [&](const Flag& f) { return f.name == name; });
    if (f == command.flags.end()) {
      if (strict) throw UsageError(fmt::format("unknown option --{}; usage: {}", name.substr(0, 40), command.usage()));
      continue;
    }
    LineItem item{.flag = &*f, .inline_value = inline_value};
    if (!f->takes_value()) {
      if (inline_value && !boolean_word(*inline_value)) {
        if (strict)
          throw UsageError(fmt::format("--{}: yes/no, true/false or on/off expected after '=', got '{}'", name,
                                       inline_value->substr(0, 40)));
        continue;
      }
    } else if (!inline_value) {
      if (i + 1 >= words.size()) {
        if (strict) throw UsageError(fmt::format("--{} needs a value ({}); usage: {}", name, f->value_name, command.usage()));
        continue;
      }
      item.word = ++i;
      item.words = 1;
      if (f->type == ArgType::handles && command.params.empty())
        while (i + 1 < words.size() && !words[i + 1].verbatim &&
               (words[i + 1].quoted || words[i + 1].text.rfind("--", 0) != 0)) {
          ++i;
          ++item.words;
        }
    }
    items.push_back(item);
  }
  return items;
}

RawArgs shell_args(const Command& command, const CommandText& text, BindContext& context) {
  RawArgs raw;
  for (const LineItem& item : line_items(command, text, LineReading::strict)) {
    if (!item.flag) {
      raw.positional.push_back(context.word_value(text.words[item.word]));
    } else if (!item.flag->takes_value()) {
      raw.flags.emplace_back(std::string(item.flag->name), item.inline_value ? *boolean_word(*item.inline_value) : true);
    } else if (item.inline_value) {
      raw.flags.emplace_back(std::string(item.flag->name), std::string(*item.inline_value));
    } else if (item.words == 1) {
      raw.flags.emplace_back(std::string(item.flag->name), context.word_value(text.words[item.word]));
    } else {
      List list;
      for (std::size_t k = 0; k < item.words; ++k) list.items.push_back(context.word_value(text.words[item.word + k]));
      raw.flags.emplace_back(std::string(item.flag->name), std::move(list));
    }
  }
  return raw;
}

namespace {
Args bind(const Command& command, RawArgs& raw, BindContext& context, bool move);
}  // namespace

Args bind_args_moving(const Command& command, RawArgs& raw, BindContext& context) {
  return bind(command, raw, context, true);
}

Args bind_args(const Command& command, const RawArgs& raw, BindContext& context) {
  return bind(command, const_cast<RawArgs&>(raw), context, false);  // (nothing is moved out of it)
}

namespace {
Args bind(const Command& command, RawArgs& raw, BindContext& context, bool move) {
  Binder binder(command, context);
  Args args;
  std::size_t next = 0;
  for (std::size_t i = 0; i < command.params.size(); ++i) {
    const Param& p = command.params[i];
    int position = static_cast<int>(next + 1);
    std::string what(p.name);
    if (p.variadic) {
      List items;
      for (; next < raw.positional.size(); ++next) {
        Value item = binder.convert({p.type, p.kinds, p.range, &p.choices}, raw.positional[next], what,
                                    static_cast<int>(next + 1));
        if (auto lent = item.as<Borrowed>()) item = std::string(lent->data);  // a list's items are kept: copies
        items.items.push_back(std::move(item));
      }
      if (items.items.empty() && !p.optional)
        throw UsageError(fmt::format("missing {}; usage: {}", p.name, command.usage()), position);
      args.set(p.name, std::move(items));
      continue;
    }
    if (next < raw.positional.size() && raw.positional[next].is_nil() && p.optional) {
      ++next;  // Lua's nil for an optional parameter: not given
      continue;
    }
    if (next >= raw.positional.size()) {
      if (p.optional) continue;
      throw UsageError(fmt::format("missing {}; usage: {}", p.name, command.usage()), position);
    }
    // Text given as a string is the argument itself: moved when the caller
    // needs it no more (a 64 KB message is not copied twice).
    if (move && (p.type == ArgType::string || p.type == ArgType::text) && raw.positional[next].as<std::string>())
      args.set(p.name, std::move(raw.positional[next]));
    else
      args.set(p.name, binder.convert({p.type, p.kinds, p.range, &p.choices}, raw.positional[next], what, position));
    ++next;
  }
  if (next < raw.positional.size())
    throw UsageError(fmt::format("too many arguments ({} extra); usage: {}", raw.positional.size() - next,
                                 command.usage()),
                     static_cast<int>(next + 1));
  for (const auto& given : raw.flags) {
    const std::string& name = given.first;
    const Value& value = given.second;
    auto f = std::find_if(command.flags.begin(), command.flags.end(),
                          [&](const Flag& f) { return f.name == name || dashes_to_underscores(f.name) == name; });
    if (f == command.flags.end())
      throw UsageError(fmt::format("unknown option --{}; usage: {}", name, command.usage()));
    std::string what = "--" + std::string(f->name);
    args.set(f->name, binder.convert({f->type, f->kinds, f->range, &f->choices}, value, what, 0));
  }
  return args;
}
}  // namespace

std::optional<std::int64_t> parse_number(std::string_view text) { return parse_integer(text); }

}  // namespace ipcsh
