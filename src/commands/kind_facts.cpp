// What `info` adds for each kind: the object's own state, read without
// changing it (a mailslot's sizes, a pipe's ends and modes, an event's type,
// a semaphore's count, a process's parent and image, ...).
#include "async_io.hpp"
#include "object_info.hpp"
#include "signal_state.hpp"

namespace ipcsh {

namespace {

void mailslot_facts(const HandleObject& h, Record& r) {
  auto m = win::try_mailslot_info(h.handle());
  if (!m) {
    r.fields.push_back({"end", "writer"});  // GetMailslotInfo is for the reader only
    return;
  }
  r.fields.push_back({"end", "reader"});
  r.fields.push_back({"max_size", as_int(m->max_size), Show::zero_any_size});
  r.fields.push_back({"next_size", m->next_size == MAILSLOT_NO_MESSAGE ? Value() : Value(m->next_size)});
  r.fields.push_back({"count", as_int(m->count)});
  r.fields.push_back({"timeout", m->timeout == MAILSLOT_WAIT_FOREVER ? Value() : Value(m->timeout), Show::ms_or_forever});
}

void pipe_facts(const HandleObject& h, Record& r) {
  auto info = win::get_named_pipe_info(h.handle());
  if (!info) return;
  bool anonymous = h.nameless;
  r.fields.push_back({"end", anonymous ? (h.end == HandleObject::End::pipe_read ? "read" : "write")
                                       : (info->flags & PIPE_SERVER_END) ? "server" : "client"});
  r.fields.push_back({"mode", (info->flags & PIPE_TYPE_MESSAGE) ? "message" : "byte"});
  if (auto st = win::get_named_pipe_state(h.handle())) {
    r.fields.push_back({"read_mode", (st->state & PIPE_READMODE_MESSAGE) ? "message" : "byte"});
    r.fields.push_back({"instances", as_int(st->instances)});
  }
  // Windows says 255 (PIPE_UNLIMITED_INSTANCES), Wine 0xffffffff.
  r.fields.push_back({"max_instances", info->max_instances >= PIPE_UNLIMITED_INSTANCES ? Value("unlimited")
                                                                                       : Value(info->max_instances)});
  r.fields.push_back({"in_buffer", as_int(info->in_buffer)});
  r.fields.push_back({"out_buffer", as_int(info->out_buffer)});
  if (anonymous) return;
  // Who is at each end (GetNamedPipe{Client,Server}{ProcessId,SessionId});
  // nil where the kernel cannot say (no client yet).
  auto ids = win::named_pipe_end_ids(h.handle());
  auto id = [](const std::optional<ULONG>& v) { return v ? Value(as_int(*v)) : Value(); };
  r.fields.push_back({"client_pid", id(ids.client_pid), Show::not_applicable});
  r.fields.push_back({"server_pid", id(ids.server_pid), Show::not_applicable});
  r.fields.push_back({"client_session", id(ids.client_session), Show::not_applicable});
  r.fields.push_back({"server_session", id(ids.server_session), Show::not_applicable});
}

void process_facts(const HandleObject& h, Record& r) {
  if (h.stand_in) {  // an agent over TCP: an event here, the pid it gave
    r.fields.push_back({"pid", as_int(h.pid)});
    r.fields.push_back({"remote", true});
    return;
  }
  r.fields.push_back({"pid", as_int(win::get_process_id(h.handle()))});
  if (auto parent = win::parent_process_id(h.handle())) r.fields.push_back({"parent_pid", as_int(*parent)});
  std::string image = win::process_image(h.handle());
  if (!image.empty()) r.fields.push_back({"image", image});
  DWORD code = win::get_exit_code(h.handle());
  bool running = code == STILL_ACTIVE && win::wait_now(h.handle()) == WAIT_TIMEOUT;
  r.fields.push_back({"exit_code", running ? Value() : Value(code), Show::still_active});
  if (running)
    if (auto m = win::process_memory(h.handle())) {
      // Wine 8 reports no handle count and no private bytes (0): left out there.
      if (m->handles) r.fields.push_back({"handles", as_int(m->handles)});
      if (m->private_bytes) r.fields.push_back({"private_bytes", static_cast<std::int64_t>(m->private_bytes)});
      r.fields.push_back({"working_set", static_cast<std::int64_t>(m->working_set)});
      r.fields.push_back({"peak_working_set", static_cast<std::int64_t>(m->peak_working_set)});
      if (m->pagefile) r.fields.push_back({"pagefile_usage", static_cast<std::int64_t>(m->pagefile)});
    }
}

}  // namespace

void add_kind_facts(const HandleObject& h, Record& r) {
  switch (h.kind) {
    case Kind::mailslot: mailslot_facts(h, r); break;
    case Kind::io:  // where the I/O is: op, pending, status, error, bytes (data is result's)
      if (h.async && !h.closed()) {
        Value now = async_result(h);  // (kept alive while its fields are taken)
        for (auto& f : std::get<Record>(now).fields)
          if (f.key != "data") r.fields.push_back(std::move(f));
      }
      break;
    case Kind::pipe: pipe_facts(h, r); break;
    case Kind::event: {
      win::EventState s;
      if (win::query_event(h.handle(), s)) r.fields.push_back({"manual", s.type == 0});  // 0: NotificationEvent
      break;
    }
    case Kind::semaphore: {
      win::SemaphoreState s;
      if (win::query_semaphore(h.handle(), s)) {
        r.fields.push_back({"count", static_cast<std::int64_t>(s.count)});
        r.fields.push_back({"max", static_cast<std::int64_t>(s.maximum)});
      }
      break;
    }
    case Kind::mutex: {
      win::MutexState s;
      if (win::query_mutex(h.handle(), s)) {
        r.fields.push_back({"owned_by_us", s.owned_by_caller != 0});
        r.fields.push_back({"abandoned", s.abandoned != 0});
      }
      break;
    }
    case Kind::timer: {
      win::TimerState s;
      if (h.manual) r.fields.push_back({"manual", *h.manual});  // as created here
      if (win::query_timer(h.handle(), s))
        r.fields.push_back({"remaining_ms", static_cast<std::int64_t>(std::max<LONGLONG>(s.remaining.QuadPart, 0) / 10000)});
      break;
    }
    case Kind::process: process_facts(h, r); break;
    case Kind::thread:
      if (auto id = win::thread_id(h.handle())) r.fields.push_back({"tid", as_int(*id)});
      break;
    case Kind::socket: add_socket_facts(h, r); break;
    default: break;
  }
}

}  // namespace ipcsh
