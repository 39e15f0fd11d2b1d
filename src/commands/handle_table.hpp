// Handle tables as the notes draw them: a process's handles - by default
// the user's part, those the user created, inherited, received or
// duplicated - each with its inherit flag, the usage count of its object,
// and an object id that is the same for the same kernel object in every
// table. Used by `handles`, `handles --compare` and `graph`.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "common.hpp"
#include "win32/unique_handle.hpp"

namespace ipcsh {

struct TableRow {
  std::int64_t value = 0;
  std::string type;   // the kernel's: File, Event, Mutant, ...
  std::string kind;   // ours, where known: "mailslot writer", "event"
  std::string name, var, origin;
  bool inherit = false;
  bool user = false;  // the user's part of the table, not the runtime's own
  std::int64_t access = 0;
  std::optional<std::int64_t> count;  // the object's usage count, less our own look
  int object = 0;                     // the object id; 0: not known
};

struct ProcessTable {
  DWORD pid = 0;
  std::string label;             // "shell 236", "kid 264"
  std::vector<TableRow> rows;    // every row; `user` says which are the user's
  std::optional<DWORD> exited;   // the process has ended with this code: no handles left
  std::size_t user_rows() const;
};

// Object ids for one reading of tables. The shell's own handles keep their
// ids for as long as they are open (Session::object_ids); other objects are
// compared (CompareObjectHandles) through duplicates held until the reading
// ends, and the usage counts shown leave those duplicates out.
class ObjectIds {
 public:
  explicit ObjectIds(Session& s);
  // The id of the object `local` names; `temporary` is a duplicate made to
  // look at another process's handle: kept if later rows need it.
  int identify(HANDLE local, UniqueHandle* temporary);
  // A handle opened only to look (a grandchild's process): kept until the
  // reading ends, and left out of the usage counts like a duplicate.
  void hold(UniqueHandle handle);
  int copies(int id) const;                   // our duplicates of object `id` now
  const HandleObject* held_by_user(int id) const;  // the shell's user handle to it, if any
  bool runtime_object(int id) const;  // our console or our children's output pipes: the runtime's
 private:
  struct Known {
    int id;
    HANDLE handle;
    const HandleObject* user;
  };
  Session& s_;
  std::vector<Known> known_;
  std::vector<std::pair<int, UniqueHandle>> temporaries_;
  std::vector<int> runtime_;
};

// The table of `process`; null or the pseudo handle: this shell.
ProcessTable read_table(Session& s, const HandleRef& process, ObjectIds& ids);
std::string process_label(Session& s, const HandleRef& process);

// `handles --compare`: the tables side by side, one row per object.
Table compare_tables(const std::vector<ProcessTable>& tables, bool all, bool wide);

}  // namespace ipcsh
