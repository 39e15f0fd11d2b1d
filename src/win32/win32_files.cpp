// Files, mailslots, named and anonymous pipes, and the one I/O routine that
// lets any read, write, connect or transact time out and be interrupted.
#include <memory>

#include <fmt/format.h>

#include "core/text.hpp"
#include "unique_handle.hpp"
#include "win32_api.hpp"

namespace ipcsh::win {
namespace {

// One manual-reset event per thread for overlapped I/O, made once and
// closed when the thread ends (an agent runs each request on a thread of
// its own: a raw handle here was one event left behind per request).
HANDLE io_event() {
  thread_local UniqueHandle event(CreateEventW(nullptr, TRUE, FALSE, nullptr));
  return event.get();
}

BOOL start_io(const IoRequest& r, OVERLAPPED* ov) {
  switch (r.op) {
    case Io::read: return ReadFile(r.h, r.buffer, r.size, nullptr, ov);
    case Io::write: return WriteFile(r.h, r.out, r.out_size, nullptr, ov);
    case Io::connect: return ConnectNamedPipe(r.h, ov);
    case Io::transact:
      return TransactNamedPipe(r.h, const_cast<char*>(r.out), r.out_size, r.buffer, r.size, nullptr, ov);
    case Io::flush: return FlushFileBuffers(r.h);  // (no OVERLAPPED: it is synchronous on any handle)
  }
  return FALSE;
}

void trace_io(const IoRequest& r, DWORD error, DWORD transferred, const char* how) {
  if (!tracing()) return;
  std::string detail = error && error != ERROR_MORE_DATA ? std::string(how) : fmt::format("({} bytes{})", transferred, how);
  switch (r.op) {
    case Io::read: emit_call("ReadFile", {handle(r.h), num(r.size)}, error ? "FALSE" : "TRUE", error, detail); break;
    case Io::write:
      emit_call("WriteFile", {handle(r.h), data(std::string_view(r.out, r.out_size))}, error ? "FALSE" : "TRUE", error,
                detail);
      break;
    case Io::connect: emit_call("ConnectNamedPipe", {handle(r.h)}, error ? "FALSE" : "TRUE", error, how); break;
    case Io::transact:
      emit_call("TransactNamedPipe", {handle(r.h), data(std::string_view(r.out, r.out_size)), num(r.size)},
                error ? "FALSE" : "TRUE", error, detail);
      break;
    case Io::flush: emit_call("FlushFileBuffers", {handle(r.h)}, error ? "FALSE" : "TRUE", error, how); break;
  }
}

// Waits for an overlapped operation in slices; cancels it on time-out or
// Ctrl+C. Returns the bytes moved; `error` as io() says.
DWORD finish_overlapped(const IoRequest& r, OVERLAPPED& ov, DWORD& error, const Between& between) {
  DWORD transferred = 0;
  auto cancel = [&] {
    CancelIoEx(r.h, &ov);
    return GetOverlappedResult(r.h, &ov, &transferred, TRUE);  // TRUE: it finished before the cancel
  };
  DWORD waited;
  try {
    waited = wait({without_tag(ov.hEvent)}, false, r.timeout, between, false);  // this call's line says how it ended
  } catch (const Interrupted&) {
    cancel();
    trace_io(r, ERROR_OPERATION_ABORTED, 0, "(cancelled: Ctrl+C)");
    throw;
  }
  if (waited == WAIT_TIMEOUT) {
    if (cancel()) {
      error = 0;
    } else {
      error = WAIT_TIMEOUT;
      trace_io(r, WAIT_TIMEOUT, 0, fmt::format("(nothing within {} ms; cancelled)", r.timeout).c_str());
      return 0;
    }
  } else {
    error = GetOverlappedResult(r.h, &ov, &transferred, FALSE) ? 0 : GetLastError();
  }
  trace_io(r, error, transferred, ", completed later");
  return transferred;
}

// A synchronous handle cannot be waited on: the call runs on a helper
// thread, which CancelSynchronousIo stops on time-out or Ctrl+C. The
// request's buffers outlive the thread because it is always joined.
struct SyncCall {
  IoRequest request;
  DWORD transferred = 0, error = 0;
  volatile bool done = false;  // the call returned (a flush moves no bytes to tell by)
};

DWORD WINAPI run_sync(void* p) {
  auto* call = static_cast<SyncCall*>(p);
  if (call->request.op == Io::flush) {
    call->error = FlushFileBuffers(call->request.h) ? 0 : GetLastError();
    call->done = true;
    return 0;
  }
  // Its own event, closed when the call is done (io_event() would leave
  // one behind per helper thread).
  OVERLAPPED ov{};
  UniqueHandle event(CreateEventW(nullptr, TRUE, FALSE, nullptr));
  ov.hEvent = event.get();
  if (start_io(call->request, &ov)) {
    GetOverlappedResult(call->request.h, &ov, &call->transferred, TRUE);
    return 0;
  }
  call->error = GetLastError();
  if (call->error == ERROR_IO_PENDING)
    call->error = GetOverlappedResult(call->request.h, &ov, &call->transferred, TRUE) ? 0 : GetLastError();
  else if (call->error == ERROR_MORE_DATA)
    call->transferred = static_cast<DWORD>(ov.InternalHigh);
  return 0;
}

DWORD threaded_io(const IoRequest& r, DWORD& error, const Between& between) {
  SyncCall call{r};
  HANDLE thread = CreateThread(nullptr, 0, run_sync, &call, 0, nullptr);
  if (!thread) throw Win32Error("CreateThread", GetLastError());
  auto stop = [&] {
    CancelSynchronousIo(thread);
    CancelIoEx(r.h, nullptr);
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
  };
  DWORD waited;
  try {
    waited = wait({thread}, false, r.timeout, between, false);
  } catch (const Interrupted&) {
    stop();
    trace_io(r, ERROR_OPERATION_ABORTED, call.transferred, "(cancelled: Ctrl+C)");
    throw;
  }
  if (waited == WAIT_TIMEOUT) {
    stop();
    bool finished = r.op == Io::flush ? call.done && call.error == 0
                                      : call.error == 0 && call.transferred == r.out_size + r.size;
    if (finished) {  // it finished at the last moment
      error = 0;
      return call.transferred;
    }
    error = WAIT_TIMEOUT;
    trace_io(r, WAIT_TIMEOUT, call.transferred, fmt::format("(not done within {} ms; cancelled)", r.timeout).c_str());
    return call.transferred;
  }
  CloseHandle(thread);
  error = call.error;
  trace_io(r, error, call.transferred, "");
  return call.transferred;
}

}  // namespace

HANDLE create_file(std::string_view name, DWORD access, DWORD share, bool inheritable, DWORD disposition,
                   DWORD attributes) {
  // (a security descriptor given to CreateFile applies to a new file only;
  // every use here opens an existing pipe or mailslot)
  SECURITY_ATTRIBUTES sa{sizeof sa, nullptr, inheritable ? TRUE : FALSE};
  return make("CreateFileW",
              {text(name), flags(access, access_names), flags(share, share_names), inherit(inheritable),
               named(disposition, disposition_names), flags(attributes, file_flag_names), literal("NULL")},
              INVALID_HANDLE_VALUE, [&] {
                return CreateFileW(to_wide(name).c_str(), access, share, &sa, disposition, attributes, nullptr);
              });
}

HANDLE create_mailslot(std::string_view name, DWORD max_size, DWORD timeout, const Security& security) {
  SecurityAttributes sa(security);
  return make("CreateMailslotW",
              {text(name), num(max_size), named(timeout, mailslot_timeout_names), security_attributes(security.inherit, security.sddl)},
              INVALID_HANDLE_VALUE,
              [&] { return CreateMailslotW(to_wide(name).c_str(), max_size, timeout, sa.get()); });
}

std::optional<MailslotInfo> try_mailslot_info(HANDLE h) {
  MailslotInfo m;
  DWORD error = attempt("GetMailslotInfo", {handle(h)}, [&] {
    return GetMailslotInfo(h, &m.max_size, &m.next_size, &m.count, &m.timeout);
  }, [&] {
    return m.next_size == MAILSLOT_NO_MESSAGE ? fmt::format("(count {}, no message)", m.count)
                                              : fmt::format("(count {}, next {} bytes)", m.count, m.next_size);
  });
  if (error) return std::nullopt;
  return m;
}

MailslotInfo get_mailslot_info(HANDLE h) {
  auto m = try_mailslot_info(h);
  if (!m) throw Win32Error("GetMailslotInfo", GetLastError());
  return *m;
}

void set_mailslot_info(HANDLE h, DWORD timeout) {
  check("SetMailslotInfo", {handle(h), named(timeout, mailslot_timeout_names)},
        [&] { return SetMailslotInfo(h, timeout); });
}

HANDLE create_named_pipe(std::string_view name, DWORD open_mode, DWORD pipe_mode, DWORD instances, DWORD out_buffer,
                         DWORD in_buffer, const Security& security) {
  SecurityAttributes sa(security);
  static const NameTable instances_names{{PIPE_UNLIMITED_INSTANCES, "PIPE_UNLIMITED_INSTANCES"}};
  return make("CreateNamedPipeW",
              {text(name), flags(open_mode, pipe_open_names), flags(pipe_mode, pipe_mode_names),
               named(instances, instances_names), num(out_buffer), num(in_buffer), num(0), security_attributes(security.inherit, security.sddl)},
              INVALID_HANDLE_VALUE, [&] {
                return CreateNamedPipeW(to_wide(name).c_str(), open_mode, pipe_mode, instances, out_buffer, in_buffer,
                                        0, sa.get());
              });
}

HANDLE create_private_pipe(std::string_view name, bool duplex) {
  OwnScope own;
  HANDLE token = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token)) throw Win32Error("OpenProcessToken", GetLastError());
  UniqueHandle held_token(token);
  alignas(8) unsigned char user[512];
  DWORD size = 0;
  if (!GetTokenInformation(token, TokenUser, user, sizeof user, &size))
    throw Win32Error("GetTokenInformation", GetLastError());
  PSID sid = reinterpret_cast<TOKEN_USER*>(user)->User.Sid;
  alignas(8) unsigned char acl_bytes[512];
  auto* acl = reinterpret_cast<PACL>(acl_bytes);
  SECURITY_DESCRIPTOR sd;
  if (!InitializeAcl(acl, sizeof acl_bytes, ACL_REVISION) || !AddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, sid) ||
      !InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION) || !SetSecurityDescriptorDacl(&sd, TRUE, acl, FALSE))
    throw Win32Error("InitializeAcl", GetLastError());
  SECURITY_ATTRIBUTES only_us{sizeof only_us, &sd, FALSE};
  DWORD open_mode = (duplex ? PIPE_ACCESS_DUPLEX : PIPE_ACCESS_INBOUND) | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE;
  DWORD pipe_mode = PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS;
  constexpr DWORD buffer = 64 * 1024;
  return make("CreateNamedPipeW",
              {text(name), flags(open_mode, pipe_open_names), flags(pipe_mode, pipe_mode_names), num(1), num(buffer),
               num(buffer), num(0), literal("&only_this_user")},
              INVALID_HANDLE_VALUE, [&] {
                return CreateNamedPipeW(to_wide(name).c_str(), open_mode, pipe_mode, 1, buffer, buffer, 0, &only_us);
              });
}

void create_pipe(HANDLE& read, HANDLE& write, DWORD size, const Security& security) {
  SecurityAttributes sa(security);
  bool none = !security.inherit && security.sddl.empty();
  check("CreatePipe", {literal("&read"), literal("&write"), none ? literal("NULL") : win::security_attributes(security.inherit, security.sddl), num(size)},
        [&] { return CreatePipe(&read, &write, none ? nullptr : sa.get(), size); },
        [&] { return fmt::format("(read {}, write {})", handle_text(read), handle_text(write)); });
}

DWORD disconnect_named_pipe(HANDLE h) {
  return attempt("DisconnectNamedPipe", {handle(h)}, [&] { return DisconnectNamedPipe(h); });
}

std::optional<PeekResult> peek_named_pipe(HANDLE h, DWORD size, DWORD* error) {
  PeekResult p;
  p.data.assign(size, '\0');
  DWORD read = 0;
  DWORD e = attempt("PeekNamedPipe", {handle(h), num(size)}, [&] {
    return PeekNamedPipe(h, size ? p.data.data() : nullptr, size, &read, &p.available, &p.left_in_message);
  }, [&] { return fmt::format("(available {}, left in message {})", p.available, p.left_in_message); });
  if (error) *error = e;
  if (e) return std::nullopt;
  p.data.resize(read);
  return p;
}

std::optional<PipePeek> peek_pipe_messages(HANDLE h, DWORD& error) {
  constexpr ULONG fsctl_pipe_peek = 0x0011400C;  // CTL_CODE(FILE_DEVICE_NAMED_PIPE, 3, METHOD_BUFFERED, FILE_READ_DATA)
  struct { ULONG state, available, messages, message_length; } buffer{};  // FILE_PIPE_PEEK_BUFFER without Data
  struct { LONG_PTR status; ULONG_PTR information; } iosb{};
  using Fn = LONG(NTAPI*)(HANDLE, HANDLE, void*, void*, void*, ULONG, void*, ULONG, void*, ULONG);
  static auto control = ntdll<Fn>("NtFsControlFile");
  static auto to_dos = ntdll<ULONG(NTAPI*)(LONG)>("RtlNtStatusToDosError");
  LONG status = control(h, nullptr, nullptr, nullptr, &iosb, fsctl_pipe_peek, nullptr, 0, &buffer, sizeof buffer);
  if (status == 0x103) {  // STATUS_PENDING: NPFS answers a peek at once, but as PeekNamedPipe does, wait
    WaitForSingleObject(h, INFINITE);
    status = static_cast<LONG>(iosb.status);
  }
  // STATUS_BUFFER_OVERFLOW is a warning: a message waits that the 0 bytes asked for do not hold.
  bool ok = status >= 0 || static_cast<ULONG>(status) == 0x80000005;
  if (tracing())
    emit_call("NtFsControlFile", {handle(h), literal("FSCTL_PIPE_PEEK")},
              value_text(static_cast<ULONG>(status), ntstatus_names), 0,
              ok ? fmt::format("(available {}, messages {})", buffer.available, buffer.messages) : std::string());
  if (!ok) {
    error = to_dos ? to_dos(status) : ERROR_GEN_FAILURE;
    return std::nullopt;
  }
  error = 0;
  return PipePeek{buffer.available, buffer.messages, buffer.message_length};
}

std::optional<PipeInfo> get_named_pipe_info(HANDLE h) {
  PipeInfo info;
  if (attempt("GetNamedPipeInfo", {handle(h)}, [&] {
        return GetNamedPipeInfo(h, &info.flags, &info.out_buffer, &info.in_buffer, &info.max_instances);
      }))
    return std::nullopt;
  return info;
}

void set_named_pipe_mode(HANDLE h, DWORD mode) {
  // (flags, not text: the C exporter writes them back as an expression;
  // PIPE_READMODE_BYTE and PIPE_WAIT are 0, so byte|nowait shows as PIPE_NOWAIT)
  check("SetNamedPipeHandleState", {handle(h), flags(mode, pipe_state_names), literal("NULL"), literal("NULL")},
        [&] { return SetNamedPipeHandleState(h, &mode, nullptr, nullptr); });
}

std::vector<FoundFile> find_files(std::string_view pattern, DWORD& error) {
  std::vector<FoundFile> out;
  WIN32_FIND_DATAW found;
  HANDLE search = FindFirstFileW(to_wide(pattern).c_str(), &found);
  error = search == INVALID_HANDLE_VALUE ? GetLastError() : 0;
  if (tracing()) emit_call("FindFirstFileW", {text(pattern), literal("&found")}, error ? "INVALID_HANDLE_VALUE" : handle_text(search), error);
  if (error) return out;
  do {
    out.push_back({to_utf8(found.cFileName), (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0});
  } while (FindNextFileW(search, &found));
  FindClose(search);
  return out;
}

DWORD wait_named_pipe(std::string_view name, DWORD timeout) {
  return attempt("WaitNamedPipeW", {text(name), named(timeout, timeout_names)},
                 [&] { return WaitNamedPipeW(to_wide(name).c_str(), timeout); });
}

void cancel_io(HANDLE h) {
  attempt("CancelIoEx", {handle(h), literal("NULL")}, [&] { return CancelIoEx(h, nullptr); });
}

PipeEndIds named_pipe_end_ids(HANDLE h) {
  PipeEndIds ids;
  auto ask = [&](const char* api, BOOL(WINAPI * call)(HANDLE, PULONG), std::optional<ULONG>& out) {
    ULONG id = 0;
    if (!attempt(api, {handle(h), literal("&id")}, [&] { return call(h, &id); },
                 [&] { return fmt::format("(id {})", id); }))
      out = id;
  };
  ask("GetNamedPipeClientProcessId", GetNamedPipeClientProcessId, ids.client_pid);
  ask("GetNamedPipeServerProcessId", GetNamedPipeServerProcessId, ids.server_pid);
  ask("GetNamedPipeClientSessionId", GetNamedPipeClientSessionId, ids.client_session);
  ask("GetNamedPipeServerSessionId", GetNamedPipeServerSessionId, ids.server_session);
  return ids;
}

std::optional<PipeState> get_named_pipe_state(HANDLE h) {
  PipeState st;
  if (attempt("GetNamedPipeHandleStateW", {handle(h)}, [&] {
        return GetNamedPipeHandleStateW(h, &st.state, &st.instances, nullptr, nullptr, nullptr, 0);
      }))
    return std::nullopt;
  return st;
}

DWORD pipe_write_quota(HANDLE h) {
  // FILE_PIPE_LOCAL_INFORMATION (class 24): WriteQuotaAvailable is the room
  // left in the pipe's buffer for this end's writes.
  struct {
    ULONG NamedPipeType, NamedPipeConfiguration, MaximumInstances, CurrentInstances, InboundQuota, ReadDataAvailable,
        OutboundQuota, WriteQuotaAvailable, NamedPipeState, NamedPipeEnd;
  } info{};
  struct { LONG_PTR status; ULONG_PTR information; } iosb{};
  using Fn = LONG(NTAPI*)(HANDLE, void*, void*, ULONG, int);
  static auto query = ntdll<Fn>("NtQueryInformationFile");
  if (!query || query(h, &iosb, &info, sizeof info, 24) < 0) return 0;
  return info.WriteQuotaAvailable;
}

DWORD io(const IoRequest& r, DWORD& error, const Between& between) {
  error = 0;
  DWORD transferred = 0;
  if (!r.overlapped) {
    // A synchronous handle: reads are started once data is there, and a
    // write that fits the pipe's room cannot block; the rest go on a helper
    // thread that can be cancelled.
    bool cannot_block = r.op != Io::flush && (r.never_blocks || r.op == Io::read ||
                        (r.op == Io::write && r.out_size <= pipe_write_quota(r.h)));
    if (!cannot_block) return threaded_io(r, error, between);
    if (r.never_blocks && (r.op == Io::read || r.op == Io::write)) {
      // A mailslot or a disk file: a plain call, as a C program makes it
      // (an OVERLAPPED would cost an event operation and a completion per call).
      BOOL ok = r.op == Io::read ? ReadFile(r.h, r.buffer, r.size, &transferred, nullptr)
                                 : WriteFile(r.h, r.out, r.out_size, &transferred, nullptr);
      error = ok ? 0 : GetLastError();
      trace_io(r, error, transferred, "");
      return transferred;
    }
  }
  // FlushFileBuffers waits until the other end has read everything, even on
  // an overlapped handle: a helper thread, so it can time out.
  if (r.op == Io::flush) return threaded_io(r, error, between);
  OVERLAPPED ov{};
  // (the call itself resets it as it begins: no ResetEvent). The low bit
  // set: its completion is not queued to a completion port the user
  // associated the handle with - only the user's own --async I/O is.
  ov.hEvent = not_for_ports(r.event ? r.event : io_event());
  BOOL ok = start_io(r, &ov);
  error = ok ? 0 : GetLastError();
  if (ok) {
    GetOverlappedResult(r.h, &ov, &transferred, TRUE);
  } else if (error == ERROR_MORE_DATA) {
    transferred = static_cast<DWORD>(ov.InternalHigh);  // the part that was read
  } else if (error == ERROR_IO_PENDING) {
    return finish_overlapped(r, ov, error, between);
  }
  trace_io(r, error, transferred, "");
  return transferred;
}

}  // namespace ipcsh::win
