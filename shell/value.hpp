// What commands return and take: one value type shared by the shell (which
// formats it as a line or a table) and Lua (which gets Lua values).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

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
};
// Several Lua results, with the shell line that says what they mean.
// `names` (optional) let the shell reach each one as $VAR.NAME.
struct Multi { std::vector<Value> values; std::string text; std::vector<std::string> names = {}; };
// A line for the shell only; Lua gets no result.
struct Note { std::string text; };
// A Lua array passed as an argument (args = {...}, inherit = {h, ...}).
struct List { std::vector<Value> items; };

using ValueBase = std::variant<std::monostate, bool, std::int64_t, std::string, Bytes, HandleRef,
                               Record, Table, Multi, Note, List>;
struct Value : ValueBase {
  using ValueBase::ValueBase;
  using ValueBase::operator=;
  Value() = default;
  Value(int v) : ValueBase(std::int64_t{v}) {}
  Value(unsigned long v) : ValueBase(static_cast<std::int64_t>(v)) {}
  Value(unsigned v) : ValueBase(static_cast<std::int64_t>(v)) {}
  Value(const char* s) : ValueBase(std::string(s)) {}
  bool is_nil() const { return std::holds_alternative<std::monostate>(*this); }
  template <class T> const T* as() const { return std::get_if<T>(this); }
};

struct Field {
  std::string key;
  Value value;
  std::string shown = {};  // what the shell prints instead, e.g. "forever" for nil
};

inline const Value* Record::get(std::string_view key) const {
  for (const auto& f : fields)
    if (f.key == key) return &f.value;
  return nullptr;
}

}  // namespace ipcsh
