// graph: this shell, its children and grandchildren, their handle tables
// and the kernel objects they share, drawn the way the notes draw them -
// the tables side by side, each object once, with the value and inherit
// flag it has in every table that holds it, and its usage count. As text,
// as Graphviz source (--dot), or rendered by Graphviz's dot (--svg, --png).
#include <functional>
#include <map>

#include "agents/child_link.hpp"
#include "core/shapes.hpp"
#include "core/escape.hpp"
#include "core/text.hpp"
#include "handle_table.hpp"
#include "session/format.hpp"
#include "win32/files.hpp"

namespace ipcsh {
namespace {

struct Member {
  HandleRef process;  // null: this shell
  DWORD pid, parent;
  std::string image;
  int depth;
};

// The shell, the living children the user started (not the runtime's own,
// such as Wine's conhost.exe), and their descendants, parents before
// children. A process the user holds is looked at through that handle;
// another (a grandchild) through one opened for the moment.
std::vector<Member> family(Session& s, std::vector<UniqueHandle>& opened) {
  std::vector<Member> out{{nullptr, GetCurrentProcessId(), 0, "ipcsh.exe", 0}};
  std::map<DWORD, HandleRef> held;
  for (const auto& [value, h] : s.handles())
    if (h->kind == Kind::process && !h->closed() && !h->pseudo && h->pid && win::wait_now(h->handle()) == WAIT_TIMEOUT)
      held.emplace(h->pid, h);
  auto all = win::processes();
  std::function<void(DWORD, int)> add_children = [&](DWORD parent, int depth) {
    for (const auto& p : all) {
      if (p.parent != parent || p.pid == parent || depth > 8) continue;
      auto it = held.find(p.pid);
      if (depth == 1 && it == held.end()) continue;
      HandleRef process;
      if (it != held.end()) {
        process = it->second;
      } else {
        HANDLE h = win::open_process(p.pid, PROCESS_DUP_HANDLE | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE);
        if (!h) continue;  // not reachable: not drawn
        opened.emplace_back(h);
        process = std::make_shared<HandleObject>(Kind::process, h, p.image);
        process->pid = p.pid;
      }
      out.push_back({process, p.pid, parent, p.image, depth});
      add_children(p.pid, depth + 1);
    }
  };
  add_children(GetCurrentProcessId(), 1);
  return out;
}

struct Picture {
  std::vector<Member> members;
  std::vector<ProcessTable> tables;
  Table objects;
};

Picture take_picture(Session& s, std::vector<UniqueHandle>& opened, bool all) {
  Picture p;
  p.members = family(s, opened);
  ObjectIds ids(s);
  for (auto& h : opened) ids.hold(std::move(h));  // our look at a grandchild is not counted
  for (const auto& m : p.members) {
    ProcessTable t = read_table(s, m.process, ids);
    if (m.process && s.variable_of(*m.process).empty())
      t.label = fmt::format("pid {} {}", m.pid, m.image);  // a grandchild: say what it is
    p.tables.push_back(std::move(t));
  }
  p.objects = compare_tables(p.tables, all, false);  // fitted to a console, whole elsewhere
  return p;
}

std::string as_text(const Picture& p, const Fit& fit) {
  std::string out = "processes:\n";
  for (std::size_t i = 0; i < p.members.size(); ++i) {
    const Member& m = p.members[i];
    std::string what = i == 0 ? "this shell" : m.process && m.process->link && m.process->link->agent() ? "agent" : m.image;
    std::size_t n = p.tables[i].user_rows();
    // ├─ for a child with a sibling after it, └─ for the last one
    bool last = true;
    for (std::size_t j = i + 1; j < p.members.size() && p.members[j].depth >= m.depth; ++j)
      if (p.members[j].depth == m.depth && p.members[j].parent == m.parent) {
        last = false;
        break;
      }
    out += fmt::format("  {}{}{}  ({}; {} {})\n", std::string(static_cast<std::size_t>(m.depth) * 2, ' '),
                       m.depth ? (last ? "└─ " : "├─ ") : "", p.tables[i].label, what, n,
                       n == 1 ? "handle of the user's" : "handles of the user's");
  }
  out += "objects, one row each; per table: value, Y/N inherit flag, variable\n";
  out += format_result(p.objects, fit);
  return out;
}

std::string dot_quote(std::string_view s) {
  return escape(s, escapes::dot);
}

std::string html_escape(std::string_view s) {
  return escape(s, escapes::markup);
}

// The notes' picture: the shell's table on the left, the kernel objects in
// the middle (each once, with its usage count), the children's tables on
// the right, a line from every row to its object; each table a column of
// rows (value, inherit flag Y/N, variable) under the process's name.
std::string as_dot(const Picture& p, bool all) {
  std::string out =
      "digraph ipcsh {\n  rankdir=LR;\n  nodesep=0.3;\n  ranksep=1.0;\n"
      "  node [fontname=\"monospace\", fontsize=10];\n  edge [fontname=\"monospace\", fontsize=9];\n";
  auto shown = [&](const TableRow& r) { return (r.user || all) && r.object; };
  for (std::size_t i = 0; i < p.tables.size(); ++i) {
    const ProcessTable& t = p.tables[i];
    std::string label = fmt::format(
        "<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">"
        "<tr><td colspan=\"3\" port=\"head\" bgcolor=\"#e8e8e8\"><b>{}</b></td></tr>"
        "<tr><td>value</td><td>inherit</td><td>variable</td></tr>",
        html_escape(t.label));
    std::size_t rows = 0;
    for (const auto& r : t.rows) {
      if (!shown(r)) continue;
      ++rows;
      label += fmt::format("<tr><td port=\"v{0}\">{1}</td><td>{2}</td><td port=\"r{0}\">{3}</td></tr>", r.value,
                           format_handle_value(r.value), r.inherit ? "Y" : "N", html_escape(r.var.empty() ? " " : r.var));
    }
    if (rows == 0) label += "<tr><td colspan=\"3\">(none of the user's)</td></tr>";
    out += fmt::format("  p{} [shape=plaintext, label=<{}</table>>];\n", t.pid, label);
  }
  for (const auto& row : p.objects.rows) {
    std::string id = row[0].as<std::string>() ? row[0].as<std::string>()->substr(1) : "0";
    std::string kind = row[1].as<std::string>() ? *row[1].as<std::string>() : "";
    std::string name = row[2].as<std::string>() ? *row[2].as<std::string>() : "";
    if (name.empty()) {  // a nameless object (a process, an anonymous pipe): the variable that holds it
      int object = std::atoi(id.c_str());
      for (const auto& t : p.tables) {
        for (const auto& r : t.rows)
          if (r.object == object && !r.var.empty()) {
            name = r.var;
            break;
          }
        if (!name.empty()) break;
      }
    }
    auto usage = row.back().as<std::int64_t>();
    out += fmt::format("  o{} [shape=box, style=rounded, label={}];\n", id,
                       dot_quote(fmt::format("#{} {}{}{}", id, kind, name.empty() ? "" : "\n" + name,
                                             usage ? fmt::format("\nusage count {}", *usage) : "")));
  }
  // The shell's rows point right at their objects; a child's rows point
  // left (drawn object -> row, arrow reversed), so children sit on the right.
  for (std::size_t i = 0; i < p.tables.size(); ++i)
    for (const auto& r : p.tables[i].rows) {
      if (!shown(r)) continue;
      if (i == 0) out += fmt::format("  p{}:r{}:e -> o{};\n", p.tables[i].pid, r.value, r.object);
      else out += fmt::format("  o{} -> p{}:v{}:w [dir=back];\n", r.object, p.tables[i].pid, r.value);
    }
  for (const auto& m : p.members)
    if (m.parent)
      out += fmt::format("  p{}:head -> p{}:head [style=dashed, color=gray40, label=\"child\", constraint=false];\n",
                         m.parent, m.pid);
  return out + "}\n";
}

// Graphviz's dot renders the source. On Windows dot.exe is found on the
// PATH and waited for. Under Wine, a Unix program is started by its Unix
// path (Wine execs it), but there is no process handle to wait on and its
// standard handles do not reach it; so /bin/sh runs dot on files in /tmp
// and renames the output when dot is done, which is what is waited for.
std::string render(Session& s, const std::string& dot, const std::string& format) {
  std::string stem = fmt::format("ipcsh-graph-{}-{}", GetCurrentProcessId(), GetTickCount64());
  bool wine = win::running_on_wine();
  std::string dir = wine ? "Z:\\tmp\\" : temp_dir();
  std::string source = dir + stem + ".dot", out = dir + stem + "." + format;
  write_file(source, dot);
  struct Remove {
    std::vector<std::string> paths;
    ~Remove() {
      for (const auto& p : paths) remove_file(p);
    }
  } remove{{source, out, out + ".part"}};
  const char* hint = "Graphviz's dot is needed for --svg/--png (Debian: apt-get install graphviz); graph --dot FILE writes the source";
  try {
    if (wine) {
      std::string unix_stem = "/tmp/" + stem;
      win::run_program(fmt::format("/bin/sh -c \"(dot -T{0} -o {1}.{0}.part {1}.dot && mv {1}.{0}.part {1}.{0}) || "
                                   "echo failed > {1}.failed\"",
                                   format, unix_stem),
                       30000);
      remove.paths.push_back(dir + stem + ".failed");
      s.poll_until(30000, [&] { return file_exists(out) || file_exists(dir + stem + ".failed"); });
    } else {
      auto code = win::run_program(fmt::format("dot -T{} -o \"{}\" \"{}\"", format, out, source), 30000);
      if (code && *code != 0) throw Win32Error("dot", ERROR_BAD_FORMAT, fmt::format("dot exited with code {}", *code));
    }
  } catch (const Win32Error& e) {
    throw e.with_hint(hint);
  }
  std::string picture = read_file(out).value_or("");
  if (picture.empty()) throw Win32Error("dot", ERROR_FILE_NOT_FOUND, hint);
  return picture;
}

Value graph(Session& s, const Args& a) {
  std::vector<UniqueHandle> opened;  // grandchildren looked at, closed after
  bool all = a.flag("all");
  bool dot = a.flag("dot");
  if (a.has("FILE") && !dot) throw UsageError("FILE: give --dot to write the Graphviz source to a file (or --svg/--png FILE)", 1);
  if (a.has("svg") && a.has("png")) throw UsageError("--svg and --png: one picture at a time");
  if (dot && (a.has("svg") || a.has("png")))
    throw UsageError("--dot writes the Graphviz source, --svg/--png a picture: one at a time");
  Picture p = take_picture(s, opened, all);
  if (a.has("svg") || a.has("png")) {
    std::string format = a.has("svg") ? "svg" : "png";
    std::string path = a.string(format);
    std::string picture = render(s, as_dot(p, all), format);
    write_file(path, picture);
    return result(shape::graph_file, {path, static_cast<std::int64_t>(picture.size()), format}, {field::file, field::bytes, field::format}, 1);
  }
  if (dot) {
    std::string source = as_dot(p, all);
    if (!a.has("FILE")) return source;
    write_file(a.string("FILE"), source);
    return result(shape::graph_file, {a.string("FILE"), static_cast<std::int64_t>(source.size()), "dot"}, {field::file, field::bytes, field::format}, 1);
  }
  return as_text(p, s.output->fit);
}

const CommandRegistration registration{
    {.name = "graph",
     .family = "handle",
     .summary = "this shell, its children and the kernel objects they share, like the textbook's handle-table drawings",
     .params = {{.name = "FILE", .type = ArgType::name, .optional = true}},
     .flags = {{.name = "dot", .type = ArgType::boolean, .help = "Graphviz source instead of text (to FILE if given)"},
               {.name = "svg",
                .type = ArgType::name,
                .value_name = "FILE",
                .help = "render with Graphviz's dot to an SVG file"},
               {.name = "png",
                .type = ArgType::name,
                .value_name = "FILE",
                .help = "render with Graphviz's dot to a PNG file"},
               {.name = "all", .type = ArgType::boolean, .help = "the runtime's own handles too"}},
     .handler = graph,
     .stable = false,
     .returns = {.values = {{.name = "text", .type = LuaType::string, .about = "the picture as text, or with `--dot` the Graphviz source; written to a file: its name"}}}},
};

}  // namespace
}  // namespace ipcsh
