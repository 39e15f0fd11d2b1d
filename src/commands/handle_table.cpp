#include "handle_table.hpp"

#include <set>

#include <algorithm>
#include <map>

#include "agents/child_link.hpp"

namespace ipcsh {

std::size_t ProcessTable::user_rows() const {
  return static_cast<std::size_t>(std::count_if(rows.begin(), rows.end(), [](const TableRow& r) { return r.user; }));
}

namespace {

bool kernel_handle(const HandleObject& h) {
  return !h.closed() && !h.pseudo && h.kind != Kind::view && h.kind != Kind::window;
}

std::string kind_label(Kind kind, HandleObject::End end) {
  std::string k(kind_name(kind));
  return end == HandleObject::End::mailslot_writer ? k + " writer" : k;
}

}  // namespace

ObjectIds::ObjectIds(Session& s) : s_(s) {
  std::erase_if(s.object_ids.held, [](const Session::ObjectIds::Held& o) {
    auto h = o.handle.lock();
    return !h || h->closed();
  });
  // The shell's own handles first: their ids are kept from earlier tables.
  for (const auto& [value, h] : s.handles()) {
    if (!kernel_handle(*h)) continue;
    int id = 0;
    for (const auto& held : s.object_ids.held)
      if (held.handle.lock() == h) id = held.id;
    if (!id) {
      for (const auto& k : known_)
        if (win::same_object(h->handle(), k.handle).value_or(false)) id = k.id;
      if (!id) id = ++s.object_ids.last;
      s.object_ids.held.push_back({h, id});
    }
    known_.push_back({id, h->handle(), h.get()});
  }
  // Our standard handles: a child's copies of them are the runtime's too.
  for (DWORD which : {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE}) {
    HANDLE h = GetStdHandle(which);
    if (h && h != INVALID_HANDLE_VALUE && win::query_object(h).valid) runtime_.push_back(identify(h, nullptr));
  }
}

bool ObjectIds::runtime_object(int id) const { return std::find(runtime_.begin(), runtime_.end(), id) != runtime_.end(); }

int ObjectIds::identify(HANDLE local, UniqueHandle* temporary) {
  for (const auto& k : known_)
    if (k.handle == local || win::same_object(local, k.handle).value_or(false)) return k.id;
  int id = ++s_.object_ids.last;
  if (temporary) {
    known_.push_back({id, temporary->get(), nullptr});
    temporaries_.emplace_back(id, std::move(*temporary));
  } else {
    known_.push_back({id, local, nullptr});
  }
  return id;
}

void ObjectIds::hold(UniqueHandle handle) {
  HANDLE h = handle.get();
  int id = identify(h, &handle);
  if (handle) temporaries_.emplace_back(id, std::move(handle));  // an object already known: held all the same
}

int ObjectIds::copies(int id) const {
  return static_cast<int>(std::count_if(temporaries_.begin(), temporaries_.end(), [&](const auto& t) { return t.first == id; }));
}

const HandleObject* ObjectIds::held_by_user(int id) const {
  for (const auto& k : known_)
    if (k.id == id && k.user) return k.user;
  return nullptr;
}

std::string process_label(Session& s, const HandleRef& process) {
  if (!process || process->pseudo) return fmt::format("shell {}", GetCurrentProcessId());
  std::string var = s.variable_of(*process);
  DWORD pid = process->pid ? process->pid : win::get_process_id(process->handle());
  return fmt::format("{} {}", var.empty() ? "pid" : var.substr(1), pid);
}

ProcessTable read_table(Session& s, const HandleRef& process, ObjectIds& ids) {
  bool own = !process || process->pseudo || win::get_process_id(process->handle()) == GetCurrentProcessId();
  ProcessTable table;
  table.pid = own ? GetCurrentProcessId() : win::get_process_id(process->handle());
  table.label = process_label(s, own ? nullptr : process);
  // A process that has ended holds nothing (its handles closed with it),
  // and an agent that has ended answers nothing.
  if (!own && win::wait_now(process->handle()) == WAIT_OBJECT_0) {
    table.exited = win::get_exit_code(process->handle());
    table.label += " (exited)";
    return table;
  }
  // What the user holds there: an agent says; values we put there, we know.
  std::map<std::int64_t, Record> theirs;
  if (!own && process->link && process->link->agent())
    for (const auto& v : process->link->user_handles(s))
      if (auto r = v.as<Record>(); r && r->get("value") && r->get("value")->as<std::int64_t>())
        theirs[*r->get("value")->as<std::int64_t>()] = *r;
  const std::set<std::int64_t>& sent = s.children.sent_to[table.pid];
  HANDLE std_handles[] = {GetStdHandle(STD_INPUT_HANDLE), GetStdHandle(STD_OUTPUT_HANDLE), GetStdHandle(STD_ERROR_HANDLE)};
  // Wine 8: closing a copy of another process's console connection (type
  // Device) ends this process's console, so such a copy would have to be
  // kept for the life of the shell. The type's number is learnt from our
  // own handles (looked at without copying), or from the first copy made;
  // from then on another process's Device handles are not copied at all.
  // (Process-wide on purpose: the kernel's type numbers are the same for
  // every session of this process.)
  static std::set<unsigned> device_types, types_seen;
  auto entries = win::system_handles();
  for (const auto& e : entries)
    if (e.pid == GetCurrentProcessId() && types_seen.insert(e.type_index).second &&
        win::query_object(reinterpret_cast<HANDLE>(e.value)).type == "Device")
      device_types.insert(e.type_index);
  for (const auto& e : entries) {
    if (e.pid != table.pid) continue;
    HANDLE h = reinterpret_cast<HANDLE>(e.value);
    // Another process's handle is looked at through a duplicate of our own.
    UniqueHandle duplicate;
    HANDLE local = own ? h : nullptr;
    bool device = !own && win::running_on_wine() && device_types.count(e.type_index);
    if (!own && !device) {
      DWORD error = 0;
      HANDLE copy = win::duplicate_handle(process->handle(), h, GetCurrentProcess(), 0, false, DUPLICATE_SAME_ACCESS,
                                          &error);
      if (!error) {
        local = copy;
        duplicate.reset(copy);
      }
    }
    TableRow row;
    row.value = static_cast<std::int64_t>(e.value);
    row.inherit = (e.attributes & win::obj_inherit) != 0;
    row.access = static_cast<std::int64_t>(e.access);
    if (device) row.type = "Device";
    if (local) {
      win::ObjectFacts facts = win::query_object(local);
      bool ours = !own;  // `local` is a duplicate we made to look
      if (facts.type == "Device" && duplicate && win::running_on_wine()) {
        // (see device_types above: the first copy, kept; README: Wine differences)
        device_types.insert(e.type_index);
        s.keep_internal(duplicate.release());
      }
      bool had = static_cast<bool>(duplicate);
      row.object = ids.identify(local, duplicate ? &duplicate : nullptr);
      bool moved = had && !duplicate;  // now one of the reading's kept duplicates
      row.type = facts.type;
      row.name = facts.name;
      // The count left out our own look: duplicates made before this one, and this one.
      if (facts.valid)
        row.count = static_cast<std::int64_t>(facts.handle_count) - (ids.copies(row.object) - (moved ? 1 : 0)) - (ours ? 1 : 0);
      Kind k = kind_of(facts);
      if (k != Kind::other) row.kind = kind_name(k);
    }
    const HandleObject* user = row.object ? ids.held_by_user(row.object) : nullptr;
    if (own) {
      auto known = s.handles().find(row.value);
      bool ours = known != s.handles().end() && !known->second->closed();
      if (ours) {
        row.var = s.variable_of(*known->second);
        row.origin = known->second->origin;
        row.kind = kind_label(known->second->kind, known->second->end);
      }
      bool is_std = std::find(std::begin(std_handles), std::end(std_handles), h) != std::end(std_handles);
      // The user's: what they made or adopted here, and what was inherited.
      row.user = ours || (row.inherit && !is_std);
    } else {
      auto agent_row = theirs.find(row.value);
      if (agent_row != theirs.end()) {
        const Record& r = agent_row->second;
        row.var = r.get("var") && r.get("var")->as<std::string>() ? *r.get("var")->as<std::string>() : "";
        std::string kind = r.get("kind") && r.get("kind")->as<std::string>() ? *r.get("kind")->as<std::string>() : "";
        std::string end = r.get("end") && r.get("end")->as<std::string>() ? *r.get("end")->as<std::string>() : "";
        row.kind = kind_label(kind_from_name(kind), end_from_word(end));
      } else if (user) {
        row.kind = kind_label(user->kind, user->end);
      }
      // The user's: inherited (it keeps its flag), shared with the user's
      // handles here, put there by dup --to, or held by the agent's user.
      bool runtime = ids.runtime_object(row.object) || row.name.rfind("\\Device\\NamedPipe\\ipcsh-", 0) == 0;
      // An agent knows what its user holds; what it inherited from us shares
      // an object with one of ours.
      bool inherited = row.inherit && !runtime && theirs.empty() && !(process->link && process->link->agent());
      row.user = inherited || user || sent.count(row.value) || agent_row != theirs.end();
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

Table compare_tables(const std::vector<ProcessTable>& tables, bool all, bool wide) {
  // One row per object, in the order objects were first seen.
  struct ObjectRow {
    int id;
    std::string kind, name;
    std::optional<std::int64_t> count;
    std::vector<std::string> cells;
  };
  std::vector<ObjectRow> objects;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    for (const auto& r : tables[t].rows) {
      if (!(r.user || all) || !r.object) continue;
      auto it = std::find_if(objects.begin(), objects.end(), [&](const ObjectRow& o) { return o.id == r.object; });
      if (it == objects.end()) {
        objects.push_back({r.object, r.kind.empty() ? r.type : r.kind, r.name, r.count, std::vector<std::string>(tables.size())});
        it = objects.end() - 1;
      }
      if (it->kind.empty() || it->kind == r.type) it->kind = r.kind.empty() ? it->kind : r.kind;
      if (r.count && (!it->count || *r.count > *it->count)) it->count = r.count;
      std::string& cell = it->cells[t];
      cell += (cell.empty() ? "" : ", ") + format_handle_value(r.value) + (r.inherit ? " Y" : " N") +
              (r.var.empty() ? "" : " " + (r.var[0] == '$' ? r.var : "$" + r.var));
    }
  }
  Table out;
  out.columns = {"object", "kind", "name"};
  for (const auto& t : tables) out.columns.push_back(t.label);
  out.columns.push_back("usage");
  out.also = {{"usage_count", "usage"}};
  out.wide = wide;
  for (const auto& o : objects) {
    std::vector<Value> row{"#" + std::to_string(o.id), o.kind, o.name.empty() ? Value() : Value(o.name)};
    for (const auto& c : o.cells) row.push_back(c.empty() ? Value() : Value(c));
    row.push_back(o.count ? Value(*o.count) : Value());
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace ipcsh
