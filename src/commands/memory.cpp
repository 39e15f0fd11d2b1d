// Shared memory: a pagefile-backed section (file mapping) that processes open
// by name and map into their address space as views.
#include "access.hpp"
#include "object_info.hpp"
#include "core/shapes.hpp"
#include "session/format.hpp"

namespace ipcsh {
namespace {

bool writable(DWORD protect) {
  return protect & (PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY);
}

// A view's size and protection, asked once: a view keeps both while mapped.
void learn_region(HandleObject& view) {
  if (view.view_size) return;
  MEMORY_BASIC_INFORMATION region = win::virtual_query(view.handle());
  view.view_size = region.RegionSize;
  view.view_protect = region.Protect;
}

// The bytes [offset, offset+length) of a view, checked against its size
// before any memory is touched (overflow-safe: offset+length is never formed).
char* span(HandleObject& view, std::int64_t offset, std::int64_t length, int position) {
  learn_region(view);
  auto size = static_cast<std::int64_t>(view.view_size);
  if (offset < 0 || length < 0 || offset > size || length > size - offset)
    throw UsageError(fmt::format("OFFSET: {} bytes at {} are outside the view ({} bytes)", length, offset, size),
                     position);
  return static_cast<char*>(view.handle()) + offset;
}

Value create_mapping(Session& s, const Args& a) {
  auto size = static_cast<std::uint64_t>(a.integer("size"));
  if (!a.has("size")) throw UsageError("--size: a size in bytes is needed");
  HANDLE h = win::create_file_mapping(security_of(a), PAGE_READWRITE, size, a.string("NAME"));
  return add_created(s, Kind::mapping, h, a.string("NAME"), fmt::format("{} bytes", size), a);
}

DWORD map_access(const Args& a) {
  return a.string_or("access", "write") == "read" ? FILE_MAP_READ : FILE_MAP_READ | FILE_MAP_WRITE;
}

Value open_mapping(Session& s, const Args& a) {
  HANDLE h = open_explained(Kind::mapping, a.string("NAME"), map_access(a),
                            [&] { return win::open_file_mapping(map_access(a), a.flag("inherit"), a.string("NAME")); });
  auto ref = s.add(Kind::mapping, h, a.string("NAME"));
  ref->role = a.string_or("access", "write") == "read" ? "read-only" : "";
  return ref;
}

Value map(Session& s, const Args& a) {
  auto mapping = a.handle("H");
  void* view = win::map_view(mapping->handle(), map_access(a), static_cast<std::uint64_t>(a.integer("offset", 0)),
                             static_cast<SIZE_T>(a.integer("size", 0)));
  auto ref = s.add(Kind::view, view, mapping->name);
  learn_region(*ref);
  ref->role = fmt::format("{} bytes {}", ref->view_size, writable(ref->view_protect) ? "read-write" : "read-only");
  return ref;
}

Value unmap(Session&, const Args& a) {
  auto view = a.handle("VIEW");
  view->close();
  return report(shape::unmapped, {view}, {field::view});
}

Value write_mem(Session&, const Args& a) {
  auto view = a.handle("VIEW");
  std::string_view data = a.bytes("DATA");
  char* at = span(*view, a.integer("OFFSET"), static_cast<std::int64_t>(data.size()), 2);
  // Writing a read-only page would be an access violation: refuse first.
  if (!writable(view->view_protect)) throw_error("write-mem", ERROR_ACCESS_DENIED, "the view is mapped read-only");
  std::copy(data.begin(), data.end(), at);
  return result(shape::wrote, {static_cast<std::int64_t>(data.size()), a.integer("OFFSET")}, {field::bytes, field::offset}, 1);
}

Value read_mem(Session&, const Args& a) {
  auto view = a.handle("VIEW");
  std::int64_t length = a.integer("LEN");
  const char* at = span(*view, a.integer("OFFSET"), length, 2);
  // Straight from the view into Lua's string when the caller takes it at once.
  if (a.lend_result) return Borrowed{{at, static_cast<std::size_t>(length)}};
  return Bytes{std::string(at, static_cast<std::size_t>(length))};
}

// The classic hex layout, with the bytes and where they start.
Value hexdump(Session&, const Args& a) {
  auto view = a.handle("VIEW");
  learn_region(*view);
  auto size = static_cast<std::int64_t>(view->view_size);
  std::int64_t offset = a.integer("OFFSET", 0);
  std::int64_t length = a.has("LEN") ? a.integer("LEN") : std::clamp<std::int64_t>(size - offset, 0, 256);
  const char* at = span(*view, offset, length, 2);
  std::string_view bytes(at, static_cast<std::size_t>(length));
  // Lua gets the dump as text only, so print(ipc.hexdump(v)) prints the
  // dump and not the raw bytes after it (ipc.read_mem gives those); the
  // bytes and where they start stay fields of the result ($_.data).
  return result(shape::hexdump, {hexdump_text(bytes, offset), Bytes{std::string(bytes)}, offset}, {field::text, field::data, field::offset}, 1);
}

const KindSet mapping_only{Kind::mapping}, view_only{Kind::view};
const Param view_param{.name = "VIEW", .type = ArgType::handle, .kinds = view_only};
const Flag map_access_flag{.name = "access",
                           .type = ArgType::choice,
                           .value_name = "read|write",
                           .help = "the access asked for (default write)",
                           .choices = {"read", "write"}};

const FamilyRegistration family{"memory", "shared memory: sections and the views mapped from them"};
const CommandRegistration registration{
    {.name = "create-mapping",
     .family = "memory",
     .summary = "create (or open) a pagefile-backed section of N bytes (CreateFileMappingW)",
     .params = {{.name = "NAME", .type = ArgType::name}},
     .flags = {{.name = "size",
                .type = ArgType::integer,
                .value_name = "N",
                .help = "size in bytes",
                .range = {1, INT64_MAX}},
               inherit_flag, sddl_flag},
     .handler = create_mapping,
     .returns = {.values = {{.name = "mapping", .type = LuaType::handle, .kind = Kind::mapping, .about = "new, or the existing one of that name"}}}},
    {.name = "open-mapping",
     .family = "memory",
     .summary = "open a named section (OpenFileMappingW)",
     .params = {{.name = "NAME", .type = ArgType::name}},
     .flags = {map_access_flag, inherit_flag},
     .handler = open_mapping,
     .returns = {.values = {{.name = "mapping", .type = LuaType::handle, .kind = Kind::mapping}}}},
    {.name = "map",
     .family = "memory",
     .summary = "map a view of a section into this process (MapViewOfFile)",
     .params = {{.name = "H", .type = ArgType::handle, .kinds = mapping_only}},
     .flags = {{.name = "offset",
                .type = ArgType::integer,
                .value_name = "N",
                .help = "start (a multiple of 64 KB)",
                .range = offset_range},
               {.name = "size",
                .type = ArgType::integer,
                .value_name = "N",
                .help = "bytes to map (default: to the end)",
                .range = offset_range},
               map_access_flag},
     .handler = map,
     .returns = {.values = {{.name = "view", .type = LuaType::handle, .kind = Kind::view, .about = "the mapped view (an address, not a kernel handle)"}}}},
    {.name = "unmap",
     .family = "memory",
     .summary = "unmap a view (UnmapViewOfFile)",
     .params = {view_param},
     .handler = unmap,
     .returns = {}},
    {.name = "write-mem",
     .family = "memory",
     .summary = "copy DATA into a view at OFFSET",
     .params = {view_param,
                {.name = "OFFSET", .type = ArgType::integer, .range = offset_range},
                {.name = "DATA", .type = ArgType::string}},
     .handler = write_mem,
     .method = "write",
     .returns = {.values = {{.name = "bytes", .type = LuaType::integer, .about = "bytes written"}},
                 .note = "The shell also reaches `$w.offset`"}},
    {.name = "read-mem",
     .family = "memory",
     .summary = "LEN bytes of a view from OFFSET",
     .params = {view_param,
                {.name = "OFFSET", .type = ArgType::integer, .range = offset_range},
                {.name = "LEN", .type = ArgType::integer, .range = offset_range}},
     .handler = read_mem,
     .method = "read",
     .returns = {.values = {{.name = "data", .type = LuaType::string, .about = "LEN bytes from OFFSET"}}}},
    {.name = "hexdump",
     .family = "memory",
     .summary = "offset, hex and ASCII, 16 bytes a line (default: the first 256 bytes)",
     .params = {view_param,
                {.name = "OFFSET", .type = ArgType::integer, .optional = true, .range = offset_range},
                {.name = "LEN", .type = ArgType::integer, .optional = true, .range = offset_range}},
     .handler = hexdump,
     .stable = false,
     .returns = {.values = {{.name = "text", .type = LuaType::string, .about = "the dump, lines of offset, hex and text"}},
                 .note = "The shell also reaches `$d.data` (the bytes) and `$d.offset`"}},
};

}  // namespace

Record view_info(const HandleObject& view) {
  MEMORY_BASIC_INFORMATION region = win::virtual_query(view.handle());
  Record r;
  r.fields = {{"kind", "view"},
              {"value", view.value(), Show::hex},
              {"mapping", view.name},
              {"size", static_cast<std::int64_t>(region.RegionSize)},
              {"writable", writable(region.Protect)},
              {"protect", static_cast<std::int64_t>(region.Protect), Show::hex}};
  return r;
}

}  // namespace ipcsh
