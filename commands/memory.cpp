// Shared memory: a pagefile-backed section (file mapping) that processes open
// by name and map into their address space as views.
#include "object_info.hpp"

namespace ipcsh {
namespace {

MEMORY_BASIC_INFORMATION region_of(const HandleObject& view) {
  MEMORY_BASIC_INFORMATION info{};
  if (!VirtualQuery(view.handle(), &info, sizeof info)) throw_last_error("VirtualQuery");
  return info;
}

bool writable(DWORD protect) {
  return protect & (PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY);
}

// The bytes [offset, offset+length) of a view, checked against its size.
char* span(const HandleObject& view, std::int64_t offset, std::int64_t length, const MEMORY_BASIC_INFORMATION& region) {
  auto size = static_cast<std::int64_t>(region.RegionSize);
  if (offset < 0 || length < 0 || offset + length > size)
    throw UsageError(fmt::format("OFFSET: {}+{} is outside the view ({} bytes)", offset, length, size), 2);
  return static_cast<char*>(view.handle()) + offset;
}

Value create_mapping(Session& s, const Args& a) {
  auto size = static_cast<std::uint64_t>(a.integer("size"));
  if (size == 0) throw UsageError("--size: a size in bytes is needed");
  return create_named(s, a, "CreateFileMappingW", Kind::mapping, fmt::format("{} bytes", size),
                      [&](SECURITY_ATTRIBUTES* sa, const wchar_t* name) {
                        return CreateFileMappingW(INVALID_HANDLE_VALUE, sa, PAGE_READWRITE,
                                                  static_cast<DWORD>(size >> 32), static_cast<DWORD>(size), name);
                      });
}

DWORD map_access(const Args& a) {
  std::string access = a.string_or("access", "write");
  if (access == "read") return FILE_MAP_READ;
  if (access == "write") return FILE_MAP_READ | FILE_MAP_WRITE;
  throw UsageError("--access: read or write expected, got '" + access + "'");
}

Value open_mapping(Session& s, const Args& a) {
  HANDLE h = OpenFileMappingW(map_access(a), a.flag("inherit"), to_wide(a.string("NAME")).c_str());
  if (!h) throw_last_error("OpenFileMappingW");
  auto ref = s.add(Kind::mapping, h, a.string("NAME"));
  ref->role = a.string_or("access", "write") == "read" ? "read-only" : "";
  return ref;
}

Value map(Session& s, const Args& a) {
  auto mapping = a.handle("H");
  auto offset = static_cast<std::uint64_t>(a.integer("offset", 0));
  void* view = MapViewOfFile(mapping->handle(), map_access(a), static_cast<DWORD>(offset >> 32),
                             static_cast<DWORD>(offset), static_cast<SIZE_T>(a.integer("size", 0)));
  if (!view) throw_last_error("MapViewOfFile");
  auto ref = s.add(Kind::view, view, mapping->name);
  MEMORY_BASIC_INFORMATION region = region_of(*ref);
  ref->role = fmt::format("{} bytes {}", region.RegionSize, writable(region.Protect) ? "read-write" : "read-only");
  return ref;
}

Value write_mem(Session&, const Args& a) {
  auto view = a.handle("VIEW");
  const std::string& data = a.string("DATA");
  MEMORY_BASIC_INFORMATION region = region_of(*view);
  char* at = span(*view, a.integer("OFFSET"), static_cast<std::int64_t>(data.size()), region);
  // Writing a read-only page would be an access violation: refuse first.
  if (!writable(region.Protect)) throw_error("write-mem", ERROR_ACCESS_DENIED, "the view is mapped read-only");
  std::copy(data.begin(), data.end(), at);
  return described(static_cast<std::int64_t>(data.size()),
                   fmt::format("wrote {} bytes at offset {}", data.size(), a.integer("OFFSET")));
}

Value read_mem(Session&, const Args& a) {
  auto view = a.handle("VIEW");
  std::int64_t length = a.integer("LEN");
  const char* at = span(*view, a.integer("OFFSET"), length, region_of(*view));
  return Bytes{std::string(at, static_cast<std::size_t>(length))};
}

Value hexdump(Session&, const Args& a) {
  auto view = a.handle("VIEW");
  MEMORY_BASIC_INFORMATION region = region_of(*view);
  std::int64_t offset = a.integer("OFFSET", 0);
  std::int64_t length = a.integer("LEN", std::min<std::int64_t>(256, static_cast<std::int64_t>(region.RegionSize) - offset));
  const auto* bytes = reinterpret_cast<const unsigned char*>(span(*view, offset, length, region));
  std::string out;
  for (std::int64_t row = 0; row < length; row += 16) {
    std::string hex, text;
    for (std::int64_t i = row; i < row + 16; ++i) {
      if (i - row == 8) hex += ' ';
      if (i < length) {
        hex += fmt::format("{:02x} ", bytes[i]);
        text += bytes[i] >= 0x20 && bytes[i] < 0x7f ? static_cast<char>(bytes[i]) : '.';
      } else {
        hex += "   ";
      }
    }
    out += fmt::format("{}{:08x}  {} |{}|", out.empty() ? "" : "\n", offset + row, hex, text);
  }
  return out;
}

const KindSet mapping_only{Kind::mapping}, view_only{Kind::view};
const Flag inherit_flag{"inherit", ArgType::boolean, "", "make the new handle inheritable"};
const Param view_param{"VIEW", ArgType::handle, view_only};

const CommandRegistration registration{
    {"create-mapping", "memory", "create (or open) a pagefile-backed section of N bytes (CreateFileMappingW)",
     {{"NAME", ArgType::string}}, {{"size", ArgType::integer, "N", "size in bytes"}, inherit_flag}, create_mapping},
    {"open-mapping", "memory", "open a named section (OpenFileMappingW)", {{"NAME", ArgType::string}},
     {{"access", ArgType::string, "read|write", "the access asked for (default write)"}, inherit_flag}, open_mapping},
    {"map", "memory", "map a view of a section into this process (MapViewOfFile)",
     {{"H", ArgType::handle, mapping_only}},
     {{"offset", ArgType::integer, "N", "start (a multiple of 64 KB)"},
      {"size", ArgType::integer, "N", "bytes to map (default: to the end)"},
      {"access", ArgType::string, "read|write", "view access (default write)"}},
     map},
    {"unmap", "memory", "unmap a view (UnmapViewOfFile)", {view_param}, {},
     [](Session&, const Args& a) -> Value {
       auto view = a.handle("VIEW");
       view->close();
       return Note{"unmapped the view at " + view->value_text()};
     }},
    {"write-mem", "memory", "copy DATA into a view at OFFSET",
     {view_param, {"OFFSET", ArgType::integer}, {"DATA", ArgType::string}}, {}, write_mem},
    {"read-mem", "memory", "LEN bytes of a view from OFFSET", {view_param, {"OFFSET", ArgType::integer}, {"LEN", ArgType::integer}},
     {}, read_mem},
    {"hexdump", "memory", "offset, hex and ASCII, 16 bytes a line (default: the first 256 bytes)",
     {view_param, {"OFFSET", ArgType::integer, {}, true}, {"LEN", ArgType::integer, {}, true}}, {}, hexdump},
};

}  // namespace

Record view_info(const HandleObject& view) {
  MEMORY_BASIC_INFORMATION region = region_of(view);
  Record r;
  r.fields = {{"kind", "view"},
              {"value", view.value(), view.value_text()},
              {"mapping", view.name},
              {"size", static_cast<std::int64_t>(region.RegionSize)},
              {"writable", writable(region.Protect)},
              {"protect", static_cast<std::int64_t>(region.Protect), fmt::format("{:#x}", region.Protect)}};
  return r;
}

}  // namespace ipcsh
