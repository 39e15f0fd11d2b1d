// What commands return and take: one value type shared by the shell (which
// renders it as a line or a table), Lua (which gets Lua values) and, later,
// a parent process or a recording. Values are data: no wording lives here;
// shell/format.cpp owns every sentence the shell prints.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fields.hpp"
#include "small_vector.hpp"

namespace ipcsh {

class HandleObject;
using HandleRef = std::shared_ptr<HandleObject>;
struct Value;
struct Field;

// Bytes that came out of an object (a message, memory): printed quoted and
// escaped, with their length; a plain Lua string.
struct Bytes { std::string data; };
// Named fields, in order: a Lua table; one 'key: value' line in the shell.
struct Record { std::vector<Field> fields; const Value* get(std::string_view key) const; };
// Rows under named columns: a Lua array of row tables; an aligned table.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  std::vector<std::string> hex_columns = {};  // integers the shell shows as 0x...
  bool wide = false;  // shown whole even where it is wider than the console (--wide)
  std::string note = {};  // said after the row count: "3 of the runtime's own hidden"
  // Second names a Lua row also answers to, one name per fact across
  // results: {"usage_count", "usage"} (info calls it usage_count).
  std::vector<std::pair<std::string, std::string>> also = {};
};
// A result with a meaning the shell puts into words: `shape` picks the
// renderer's sentence ("sent", "closed", "wait", ...). Lua receives the
// first `lua_count` values in order (0: a report for the shell only); the
// shell reaches each by name as $VAR.NAME.
struct Result {
  static constexpr std::size_t all = static_cast<std::size_t>(-1);
  std::string shape;
  std::vector<Value> values;
  // Names are text that lives as long as the program: literals, or the
  // wire decoder's interned copies (agent_wire.cpp). Kept in place.
  SmallVector<std::string_view, 2> names = {};
  std::size_t lua_count = all;
  // A field a handler named (fields.hpp); find: one a user named ($r.bytes).
  const Value* get(FieldName name) const { return find(name.text); }
  const Value* find(std::string_view name) const;
};
// Lua's own bytes lent to one call (a long string argument, when no
// observer keeps the arguments): the handler reads them in place. Never
// outlives the call: the binder copies it wherever a value is kept.
struct Borrowed { std::string_view data; };
// A Lua array passed as an argument (args = {...}, inherit = {h, ...}).
struct List { std::vector<Value> items; };
// A function given from Lua (ipc.trace(fn)): called with one line of text.
struct Callback { std::shared_ptr<std::function<void(const std::string&)>> call; };

using ValueBase = std::variant<std::monostate, bool, std::int64_t, std::string, Bytes, HandleRef,
                               Record, Table, Result, List, Callback, Borrowed>;
struct Value : ValueBase {
  using ValueBase::ValueBase;
  using ValueBase::operator=;
  Value() = default;
  // (defined below Field: a Record's fields must be complete by then)
  Value(int v);
  Value(long v);
  Value(unsigned long v);
  Value(unsigned v);
  Value(unsigned long long v);
  Value(const char* s);
  bool is_nil() const { return std::holds_alternative<std::monostate>(*this); }
  template <class T> const T* as() const { return std::get_if<T>(this); }
};

// How the shell shows a field; Lua always gets the plain value.
enum class Show {
  plain,
  hex,           // 0x1f0003
  ms_or_forever, // nil: forever; else "500 ms"
  zero_any_size, // 0: "0 (any size)"
  not_applicable, // nil: "n/a"
  still_active,   // nil: "still active (259)"
  lua_only,       // not shown in the shell (a second name for another field)
  message         // a window message: WM_USER+1 (0x401)
};

struct Field {
  std::string key;
  Value value;
  Show show = Show::plain;
};

inline Value::Value(int v) : ValueBase(std::int64_t{v}) {}
inline Value::Value(long v) : ValueBase(static_cast<std::int64_t>(v)) {}
inline Value::Value(unsigned long v) : ValueBase(static_cast<std::int64_t>(v)) {}
inline Value::Value(unsigned v) : ValueBase(static_cast<std::int64_t>(v)) {}
inline Value::Value(unsigned long long v) : ValueBase(static_cast<std::int64_t>(v)) {}
inline Value::Value(const char* s) : ValueBase(std::string(s)) {}

inline const Value* Record::get(std::string_view key) const {
  for (const auto& f : fields)
    if (f.key == key) return &f.value;
  return nullptr;
}

inline const Value* Result::find(std::string_view name) const {
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i)
    if (names[i] == name) return &values[i];
  return nullptr;
}

}  // namespace ipcsh
