// The command table: every command is declared once, in the file of its
// family, as a Command row. The shell parser, `help`, the suggestions for an
// unknown name and the Lua functions ipc.<name> are all generated from it.
#pragma once
#include <cstdint>
#include <list>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kinds.hpp"
#include "small_vector.hpp"
#include "syntax.hpp"
#include "value.hpp"

namespace ipcsh {

class Session;

enum class ArgType {
  string,   // bytes; a $variable holding a number or text also serves
  name,     // an object, file or host name, or a command line: text without NUL
  integer,  // 52, 0x34, -1; never wraps: checked against the Range
  choice,   // one word of Choices
  callback, // Lua: a function; shell: on/off (see trace)
  message,  // a window message: 0x401, WM_USER+1, WM_CLOSE
  handle,   // $var or a handle value; checked against Param::kinds
  handles,  // shell: H,H,... ; Lua: a handle or an array of them
  timeout,  // milliseconds or "forever"
  boolean,  // a --switch (--x=yes|no|true|false|on|off); positional on/off; Lua: true/false
  boolean_or_handles,  // a --switch; Lua: true, or an array of handles
  text,     // the rest of the line verbatim (a Lua chunk, a command line)
  strings,  // Lua only: an array of strings
  any,      // taken as given: a $variable's value or the word
  variables,  // shell: NAME,$NAME... of shell variables; Lua: a table name = handle (spawn --pass)
};

// The values an integer may take; a number outside is an error naming the
// parameter, never wrapped.
struct Range {
  std::int64_t min = 0, max = 0xFFFFFFFF;  // default: a DWORD
};
inline constexpr Range dword_range{0, 0xFFFFFFFF};
inline constexpr Range long_range{0, 0x7FFFFFFF};           // a LONG count, non-negative
inline constexpr Range size_range{1, 16 * 1024 * 1024};     // a buffer ipcsh allocates
inline constexpr Range offset_range{0, INT64_MAX};
inline constexpr Range any_integer{INT64_MIN, INT64_MAX};   // WPARAM, LPARAM

using Choices = std::vector<std::string_view>;

// What Tab offers for a parameter beyond its kinds and choices.
enum class Complete {
  none,
  files,     // Lua files and folders (run FILE)
  commands,  // every command and family name (help COMMAND)
  object_directories,  // the object manager's directories (objects DIR)
};

// How `record FILE.lua` writes a command into the Lua scenario.
enum class LuaRecord {
  call,     // ipc.<name>(arguments), with assertions on its result when stable
  code,     // its text is Lua already (lua CODE): written as itself
  nothing,  // leaves no line (record itself)
};

// How `record --c` writes a command into C.
enum class CExport {
  calls,    // its Win32 calls, each in the C form of its API (an API with none: a NOT EXPORTED comment)
  lua,      // Lua code: no C equivalent; the calls it made are listed in a comment
  agent,    // an agent runs it over ipcsh's own channel: NOT EXPORTED comment and #pragma message
  nothing,  // leaves no trace in the C (record itself)
};

// What a command gives back, as Lua receives it: its values in order (the
// shell shows the same result as one line and reaches a named part as
// $v.NAME). docs/commands.md and `ipcsh --lua-defs` are written from it.
enum class LuaType {
  handle,   // a handle object (of `kind` when the row knows it)
  string,   // text or bytes
  integer,
  boolean,
  record,   // a table of named fields
  rows,     // an array of row tables, one per row of the shell's table
  any,      // whatever the commands or the code gave back (any Lua values)
};
// A field of a record (or of a row).
struct ReturnedField {
  std::string_view name;
  LuaType type;
  bool optional = false;        // may be nil
  std::string_view about = {};  // a phrase
};
struct Returned {
  std::string_view name;        // "data", "status": the part's name
  LuaType type;
  std::optional<Kind> kind = {};  // a handle's kind, when it is always the same
  bool optional = false;        // may be nil
  std::string_view about = {};  // a phrase: "signaled, abandoned or timeout"
  std::vector<ReturnedField> fields = {};  // a record's (or each row's) fields
};
struct Returns {
  std::vector<Returned> values = {};  // none: Lua gets nothing back
  std::string_view note = {};         // more, in words (docs/commands.md)
  bool given = true;                  // (false only in a row that says nothing)
};

struct Param {
  std::string_view name;  // as shown in usage: "H", "DATA"
  ArgType type;
  KindSet kinds = {};     // for handle params: which kinds fit
  bool optional = false;
  bool variadic = false;  // collects every remaining positional into a List
  Range range = {};       // for integers
  Choices choices = {};   // for choices
  Complete complete = Complete::none;
};

struct Flag {
  std::string_view name;        // "max-size"; Lua option max_size
  ArgType type;
  std::string_view value_name = {};  // "N", "MS|forever"; empty for a switch
  std::string_view help = {};
  KindSet kinds = {};
  Range range = {};
  Choices choices = {};
  // Given, the command is written into C this way instead of its row's
  // (spawn --agent: an agent).
  std::optional<CExport> c_export = {};
  // A --switch takes no word after it (but --switch=yes|no).
  bool takes_value() const {
    return type != ArgType::boolean && type != ArgType::boolean_or_handles && type != ArgType::callback;
  }
};

// Arguments after binding: typed Values keyed by parameter or flag name.
class Args {
 public:
  Args() = default;
  const Value* find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name) != nullptr; }
  HandleRef handle(std::string_view name) const;
  std::vector<HandleRef> handles(std::string_view name) const;
  std::int64_t integer(std::string_view name, std::int64_t fallback = 0) const;
  std::uint32_t timeout(std::string_view name, std::uint32_t fallback) const;
  const std::string& string(std::string_view name) const;
  // Text or bytes as given, without a copy: Lua's own bytes, lent for the
  // call, when a long string came from Lua (value.hpp, Borrowed).
  std::string_view bytes(std::string_view name) const;
  std::string string_or(std::string_view name, std::string fallback) const;
  bool flag(std::string_view name) const;
  // `name` is the command table's (static text): kept as a view.
  void set(std::string_view name, Value v);
  // Typed at the shell (or ipc.run), not called from Lua: results are shown.
  bool from_shell = false;
  // The caller turns the result into a Lua value at once and no observer
  // sees it: a handler may return bytes it does not own (Borrowed, such as
  // a view's memory) instead of a copy.
  bool lend_result = false;

 private:
  // A handful of entries, searched in order: room for the usual few in
  // place (a call allocates nothing for its arguments, and makes only the
  // entries it has).
  using Entry = std::pair<std::string_view, Value>;
  SmallVector<Entry, 6> entries_;
  mutable std::list<std::string> copies_;  // string() of a lent argument (a list: made empty without allocating)
};

using Handler = std::function<Value(Session&, const Args&)>;

struct Command {
  std::string_view name;     // "create-mailslot"; Lua ipc.create_mailslot
  std::string_view family = {};   // "mailslot", "process", ...
  std::string_view summary = {};  // one line for help
  std::vector<Param> params = {};
  std::vector<Flag> flags = {};
  Handler handler = {};  // the command itself: typed Args in, data out
  // Positional arguments of the method form (h:wait(5000)) that map to
  // flags, in order: {"timeout"} for wait.
  std::vector<std::string_view> method_args = {};
  // The Lua name when it is not the shell name with - as _ ("run" is
  // ipc.run_file: ipc.run runs shell text).
  std::string_view lua_alias = {};
  bool lua_only = false;  // no shell command: a Lua function only (ipc.run)
  // The short method name on handles of the first parameter's kinds:
  // ev:set() for set-event, view:read(off, len) for read-mem.
  std::string_view method = {};
  // Its results are the same from run to run, so `record --assert` asserts
  // them (a pid, a handle table, help text are not).
  bool stable = true;
  LuaRecord lua_record = LuaRecord::call;
  CExport c_export = CExport::calls;
  // What it returns (`.returns = {}`: nothing). Every row says.
  Returns returns = {.given = false};

  std::string usage() const;  // "send H DATA"
  std::string help() const;   // usage, summary and one line per flag
  // ipc.<name>: worked out once (every call from Lua names its function)
  const std::string& lua_name() const;
  // h:<lua name>(...) on a handle of `kind`: the command takes it first.
  bool method_of(Kind kind) const;
  // h:<method>(...), the short name, on a handle of `kind`.
  bool short_method_of(Kind kind) const;
  mutable std::string lua_name_ = {};  // (lua_name's; a public member keeps the rows aggregates)
};

// Registers a family's rows; each commands/*.cpp has one static instance.
struct CommandRegistration {
  CommandRegistration(std::initializer_list<Command> rows);
};
// Registers a family's one line for `help` ("mailslot  one-way message
// slots: ..."), in the family's file beside its rows.
struct FamilyRegistration {
  FamilyRegistration(std::string_view family, std::string_view summary);
};
std::string_view family_summary(std::string_view family);  // "" if none was registered

const std::vector<Command>& all_commands();  // sorted by name
const Command* find_command(std::string_view name);  // a shell command by name
const Command* find_lua_command(std::string_view lua_name);  // ipc.<lua_name>
std::vector<std::string_view> nearest_commands(std::string_view name);
// Up to three of `words` nearest to `name` (edit distance, or containing it).
std::vector<std::string_view> nearest_words(std::string_view name, const std::vector<std::string_view>& words);
std::vector<std::string_view> families();  // in the order of first registration

// Arguments as they arrive, before binding: shell words or Lua values.
struct RawArgs {
  // (in place: a call's few arguments allocate nothing)
  SmallVector<Value, 3> positional;
  SmallVector<std::pair<std::string, Value>, 2> flags;
};
// Checks counts, names and types against the table and converts; throws
// UsageError naming the parameter.
// What binding needs of the session: its variables and its handles. The
// binder asks nothing of Windows itself (it builds natively, for fuzzing);
// Session answers for the real program.
struct HandleFacts {
  Kind kind;
  bool closed;
};
class BindContext {
 public:
  virtual const Value* variable(std::string_view name) = 0;  // $name; nullptr if there is none
  // A word of a typed line as a value: its text, or what $var, $var.field
  // or $_ holds (a list $a,$b stays text for the binder).
  virtual Value word_value(const Word& word) = 0;
  virtual HandleRef handle_at(std::int64_t value) = 0;       // a handle literal; -1: this process
  virtual HandleRef this_process() = 0;                      // "self"
  virtual HandleFacts facts(const HandleRef& handle) = 0;  // asked for every handle argument: cheap
  virtual std::string value_text(const HandleRef& handle) = 0;  // "0x30", for an error
  // A value the binder does not put into words itself (a result), for an error.
  virtual std::string describe(const Value& value) = 0;
  // A handle that was closed given to `command`: throws its Win32 error.
  [[noreturn]] virtual void closed_handle(const HandleRef& handle, std::string_view command) = 0;

 protected:
  ~BindContext() = default;
};

// The flag-word grammar of a typed line, the one place it is read (the
// binder and the recorder walk a line with it): after the command name,
// --flag VALUE, --flag=VALUE, --switch[=yes|no|true|false|on|off], `--`
// ending the flags, and positionals. A list of handles for a command with no
// positionals may also be given as several words: `handles --compare $k1 $k2`.
struct LineItem {
  const Flag* flag = nullptr;     // nullptr: a positional
  std::optional<std::string_view> inline_value = {};  // --flag=VALUE (a switch's: checked, a boolean word)
  std::size_t word = 0;           // the positional's word, or the flag's first value word
  std::size_t words = 0;          // the flag's value words (0: a switch, or an inline value)
};
// strict: an unknown flag, a missing value or a bad switch word is a
// UsageError; lenient (a line already run, read again): they are left out.
enum class LineReading { strict, lenient };
SmallVector<LineItem, 4> line_items(const Command& command, const CommandText& text, LineReading reading);

// A typed line's words as raw arguments (line_items, each word's value).
RawArgs shell_args(const Command& command, const CommandText& text, BindContext& context);
Args bind_args(const Command& command, const RawArgs& raw, BindContext& context);
// The same, taking text arguments out of `raw` instead of copying them (a
// 64 KB message is not copied twice) - for when no one looks at `raw` after.
Args bind_args_moving(const Command& command, RawArgs& raw, BindContext& context);

// An argument as an error message shows it: one line, never long.
std::string describe_argument(const Value& v, BindContext* context);
// What a handle literal may be: a value in a handle table, or -1 for this
// process. A process holds at most 2^24 handles, so values end below
// 0x4000000; larger ones are refused rather than passed on (Wine keeps
// handle values in 32 bits, where 0xffffffff would also mean -1, and
// resolves 0x7fffffff to this process).
inline constexpr std::int64_t largest_handle_value = 0x3FFFFFF;
// The one check of a handle literal: throws UsageError naming `what` when
// `value` is neither -1 nor a possible handle value.
void check_handle_literal(std::int64_t value, std::string_view what, int position);

// "52", "0x34", "-1": never wraps (nullopt past 64 bits).
std::optional<std::int64_t> parse_number(std::string_view text);

// "max-size" -> "max_size": a flag's name as a Lua option, a command's as ipc.<name>.
std::string dashes_to_underscores(std::string_view s);

// true/yes/on and false/no/off: the words a --switch=VALUE or an on/off
// parameter takes.
std::optional<bool> boolean_word(std::string_view word);

inline constexpr std::uint32_t forever = 0xFFFFFFFF;  // INFINITE
std::string timeout_text(std::uint32_t ms);  // "500 ms" / "forever"

}  // namespace ipcsh
