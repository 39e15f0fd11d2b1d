// The async family: overlapped I/O as objects (read/write/connect --async,
// cancel; `result` reads one) and completion ports (create-iocp,
// associate, get-completion, post-completion).
#include "async_io.hpp"

#include "core/shapes.hpp"

namespace ipcsh {
namespace {

const char* op_name(win::AsyncIo::Op op) {
  switch (op) {
    case win::AsyncIo::Op::read: return "read";
    case win::AsyncIo::Op::write: return "write";
    case win::AsyncIo::Op::connect: return "connect";
  }
  return "?";
}

std::string status_name(LONG status) { return win::value_text(static_cast<ULONG>(status), win::ntstatus_names); }

HandleRef io_handle(const Args& a, const char* param) {
  HandleRef io = a.handle(param);
  if (!io->async) throw UsageError(fmt::format("{}: not an I/O started with --async", param), 1);
  return io;
}

Value cancel(Session&, const Args& a) {
  HandleRef io = io_handle(a, "IO");
  DWORD error = io->async->cancel();
  if (error == ERROR_NOT_FOUND) return report(shape::io_cancelled, {false}, {field::pending});
  if (error) throw_error("CancelIoEx", error);
  return report(shape::io_cancelled, {true}, {field::pending});
}

Value create_iocp(Session& s, const Args& a) {
  HANDLE port = win::create_io_completion_port(static_cast<DWORD>(a.integer("threads", 0)));
  auto ref = s.add(Kind::port, port, "(completion port)");
  ref->nameless = true;
  return ref;
}

Value associate(Session&, const Args& a) {
  HandleRef port = a.handle("PORT"), h = a.handle("H");
  win::associate_with_port(port->handle(), h->handle(), static_cast<ULONG_PTR>(a.integer("key", 0)));
  return report(shape::associated, {h, a.integer("key", 0)}, {field::handle, field::key});
}

Value get_completion(Session& s, const Args& a) {
  HandleRef port = a.handle("PORT");
  auto most = static_cast<ULONG>(a.integer("max", 1));
  auto got = win::get_completions(port->handle(), most, a.timeout("timeout", INFINITE), s.between());
  Table t{{"key", "bytes", "io", "status"}};
  for (const auto& c : got) {
    HandleRef io;  // the io handle whose OVERLAPPED it is (none for a posted packet)
    if (c.overlapped)
      for (const auto& [value, h] : s.handles())
        if (h->async && !h->closed() && h->async->overlapped() == c.overlapped) io = h;
    Value status = !c.overlapped ? Value("posted")
                   : io          ? Value(status_name(io->async->status()))
                                 : Value("an I/O this shell did not start");
    t.rows.push_back({static_cast<std::int64_t>(c.key), static_cast<std::int64_t>(c.bytes), io ? Value(io) : Value(),
                      status});
  }
  if (got.empty()) t.note = "nothing within the timeout";
  return t;
}

Value post_completion(Session&, const Args& a) {
  HandleRef port = a.handle("PORT");
  win::post_completion(port->handle(), static_cast<ULONG_PTR>(a.integer("KEY")), static_cast<DWORD>(a.integer("BYTES", 0)));
  return report(shape::completion_posted, {a.integer("KEY"), a.integer("BYTES", 0)}, {field::key, field::bytes});
}

const Param io_param{.name = "IO", .type = ArgType::handle, .kinds = {Kind::io}};
const Param port_param{.name = "PORT", .type = ArgType::handle, .kinds = {Kind::port}};

const FamilyRegistration family{"async", "overlapped I/O as objects, and completion ports"};
const CommandRegistration registration{
    {.name = "cancel",
     .family = "async",
     .summary = "cancel an I/O started with --async (CancelIoEx); it completes with ERROR_OPERATION_ABORTED",
     .params = {io_param},
     .handler = cancel,
     .stable = false,
     .returns = {.note = "The shell says whether it was still pending; `result` then gives its status"}},
    {.name = "create-iocp",
     .family = "async",
     .summary = "create an I/O completion port (CreateIoCompletionPort)",
     .flags = {{.name = "threads",
                .type = ArgType::integer,
                .value_name = "N",
                .help = "how many threads it lets run at once (0: one per processor)"}},
     .handler = create_iocp,
     .returns = {.values = {{.name = "port", .type = LuaType::handle, .kind = Kind::port}}}},
    {.name = "associate",
     .family = "async",
     .summary = "send H's overlapped I/O completions to PORT, with KEY (CreateIoCompletionPort)",
     .params = {port_param, {.name = "H", .type = ArgType::handle, .kinds = file_like}},
     .flags = {{.name = "key", .type = ArgType::integer, .value_name = "K", .help = "the completion key (default 0)",
                .range = {0, 0x7FFFFFFFFFFFFFFF}}},
     .handler = associate,
     .returns = {.note = "The shell says which handle and key"}},
    {.name = "get-completion",
     .family = "async",
     .summary = "take completion packets from PORT: key, bytes, the io it was, status (GetQueuedCompletionStatusEx)",
     .params = {port_param},
     .flags = {{.name = "timeout", .type = ArgType::timeout, .value_name = "MS|forever", .help = "how long to wait (default forever; Ctrl+C ends it)"},
               {.name = "max", .type = ArgType::integer, .value_name = "N", .help = "take up to N packets (default 1)",
                .range = {1, 1024}}},
     .handler = get_completion,
     .stable = false,
     .returns = {.values = {{.name = "table",
                             .type = LuaType::rows,
                             .about = "one row per packet (none within the timeout: no rows)",
                             .fields = {{.name = "key", .type = LuaType::integer},
                                        {.name = "bytes", .type = LuaType::integer},
                                        {.name = "io", .type = LuaType::handle, .optional = true,
                                         .about = "the io handle it completes (nil: posted)"},
                                        {.name = "status", .type = LuaType::string,
                                         .about = "the NTSTATUS by name, or \"posted\""}}}}}},
    {.name = "post-completion",
     .family = "async",
     .summary = "queue a packet of your own on PORT (PostQueuedCompletionStatus)",
     .params = {port_param,
                {.name = "KEY", .type = ArgType::integer, .range = {0, 0x7FFFFFFFFFFFFFFF}},
                {.name = "BYTES", .type = ArgType::integer, .optional = true}},
     .handler = post_completion,
     .returns = {}},
};

}  // namespace

Value start_async(Session& s, const HandleRef& file, win::AsyncIo::Op op, DWORD size, std::string data) {
  bool overlapped = file->overlapped || win::is_overlapped(file->handle()).value_or(false);
  if (!overlapped)
    throw UsageError(fmt::format("--async: {} {} was not opened for overlapped I/O (FILE_FLAG_OVERLAPPED)",
                                 kind_name(file->kind), file->value_text()));
  HANDLE event = win::create_event({}, true, false, {});
  std::shared_ptr<win::AsyncIo> io;
  try {
    io = win::AsyncIo::start(op, file->handle(), size, std::move(data), event);
  } catch (...) {
    win::close_handle(event);
    throw;
  }
  auto ref = s.add(Kind::io, event, fmt::format("{} on {} {}", op_name(op), kind_name(file->kind), file->value_text()));
  ref->nameless = true;
  ref->async = std::move(io);
  return ref;
}

Value async_result(const HandleObject& h) {
  win::AsyncIo::State state = h.async->state();
  Record r;
  r.fields.push_back({"op", op_name(h.async->op())});
  r.fields.push_back({"pending", state.pending});
  r.fields.push_back({"status", status_name(state.status)});
  r.fields.push_back({"error", state.pending || !state.error ? Value() : Value(error_name(state.error))});
  r.fields.push_back({"bytes", state.pending ? Value() : Value(static_cast<std::int64_t>(state.bytes))});
  if (h.async->op() == win::AsyncIo::Op::read)
    r.fields.push_back({"data", state.pending ? Value() : Value(Bytes{std::string(h.async->data())})});
  return r;
}

}  // namespace ipcsh
