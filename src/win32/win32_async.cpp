// Overlapped I/O as objects that outlive the call that started them, and
// completion ports (win32_api.hpp).
#include <mutex>

#include <fmt/format.h>

#include "win32_api.hpp"

namespace ipcsh::win {
namespace {

const char* api_of(AsyncIo::Op op) {
  switch (op) {
    case AsyncIo::Op::read: return "ReadFile";
    case AsyncIo::Op::write: return "WriteFile";
    case AsyncIo::Op::connect: return "ConnectNamedPipe";
  }
  return "?";
}

// I/O the kernel would not complete when it was retired: kept, never freed.
std::mutex kept_lock;
std::vector<std::shared_ptr<AsyncIo>>& kept() {
  static auto* list = new std::vector<std::shared_ptr<AsyncIo>>;  // (never destroyed: the kernel may still write)
  return *list;
}

}  // namespace

AsyncIo::AsyncIo(Op op, HANDLE file, std::string buffer, HANDLE event)
    : op_(op), file_(file), buffer_(std::move(buffer)), event_(event) {
  ov_.hEvent = event;
}

AsyncIo::~AsyncIo() = default;  // (retire() saw to a pending one; the event is the handle object's)

std::shared_ptr<AsyncIo> AsyncIo::start(Op op, HANDLE file, DWORD size, std::string bytes, HANDLE event) {
  std::string buffer = op == Op::write ? std::move(bytes) : std::string(op == Op::read ? size : 0, '\0');
  std::shared_ptr<AsyncIo> io(new AsyncIo(op, file, std::move(buffer), event));
  OVERLAPPED* ov = &io->ov_;
  auto length = static_cast<DWORD>(io->buffer_.size());
  BOOL ok = FALSE;
  switch (op) {
    case Op::read: ok = ReadFile(file, io->buffer_.data(), length, nullptr, ov); break;
    case Op::write: ok = WriteFile(file, io->buffer_.data(), length, nullptr, ov); break;
    case Op::connect: ok = ConnectNamedPipe(file, ov); break;
  }
  DWORD error = ok ? 0 : GetLastError();
  if (tracing()) {
    if (op == Op::connect)
      emit_call(api_of(op), {handle(file), literal("&overlapped")}, ok ? "TRUE" : "FALSE", error);
    else
      emit_call(api_of(op),
                {handle(file), op == Op::write ? win::data(io->buffer_) : literal("buffer"), num(length), literal("NULL"),
                 literal("&overlapped")},
                ok ? "TRUE" : "FALSE", error);
  }
  // Started: pending, or done at once (its result is read as any other's).
  // A client already there (ERROR_PIPE_CONNECTED) is a connect done at once
  // that the kernel does not signal: the event is set for it.
  if (op == Op::connect && error == ERROR_PIPE_CONNECTED) {
    io->ov_.Internal = 0;
    SetEvent(event);
    return io;
  }
  if (!ok && error != ERROR_IO_PENDING && error != ERROR_MORE_DATA) throw Win32Error(api_of(op), error);
  return io;
}

AsyncIo::State AsyncIo::state() {
  State s;
  DWORD bytes = 0;
  BOOL ok = GetOverlappedResult(file_, &ov_, &bytes, FALSE);
  DWORD error = ok ? 0 : GetLastError();
  s.pending = error == ERROR_IO_INCOMPLETE;
  s.error = s.pending ? 0 : error;
  s.status = s.pending ? 0x103 : static_cast<LONG>(ov_.Internal);
  s.bytes = s.pending ? 0 : bytes;
  if (!s.pending) done_bytes_ = bytes;
  if (tracing())
    emit_call("GetOverlappedResult", {handle(file_), literal("&overlapped"), literal("&bytes"), literal("FALSE")},
              ok ? "TRUE" : "FALSE", error, ok ? fmt::format("({} bytes)", bytes) : std::string());
  return s;
}

DWORD AsyncIo::cancel() {
  return attempt("CancelIoEx", {handle(file_), literal("&overlapped")}, [&] { return CancelIoEx(file_, &ov_); });
}

void AsyncIo::retire(std::shared_ptr<AsyncIo> io, DWORD ms) {
  if (!io || HasOverlappedIoCompleted(&io->ov_)) return;
  CancelIoEx(io->file_, &io->ov_);
  if (WaitForSingleObject(io->event_, ms) == WAIT_OBJECT_0 || HasOverlappedIoCompleted(&io->ov_)) return;
  std::lock_guard<std::mutex> hold(kept_lock);
  kept().push_back(std::move(io));
}

HANDLE create_io_completion_port(DWORD threads) {
  return make("CreateIoCompletionPort", {literal("INVALID_HANDLE_VALUE"), literal("NULL"), num(0), num(threads)},
              nullptr, [&] { return CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, threads); });
}

void associate_with_port(HANDLE port, HANDLE file, ULONG_PTR key) {
  make("CreateIoCompletionPort", {handle(file), handle(port), num(static_cast<std::int64_t>(key)), num(0)}, nullptr,
       [&] { return CreateIoCompletionPort(file, port, key, 0); });
}

std::vector<Completion> get_completions(HANDLE port, ULONG most, DWORD timeout_ms, const Between& between) {
  std::vector<OVERLAPPED_ENTRY> entries(most ? most : 1);
  ULONG removed = 0;
  ULONGLONG start = GetTickCount64();
  for (;;) {
    ULONGLONG spent = GetTickCount64() - start;
    DWORD left = timeout_ms == INFINITE ? INFINITE : (spent >= timeout_ms ? 0 : static_cast<DWORD>(timeout_ms - spent));
    DWORD slice = left < slice_ms ? left : slice_ms;
    BOOL ok = GetQueuedCompletionStatusEx(port, entries.data(), static_cast<ULONG>(entries.size()), &removed, slice, FALSE);
    DWORD error = ok ? 0 : GetLastError();
    if (ok || error != WAIT_TIMEOUT || left == 0 || slice == left) {
      if (tracing())
        emit_call("GetQueuedCompletionStatusEx",
                  {handle(port), literal("entries"), num(static_cast<std::int64_t>(entries.size())), literal("&removed"),
                   num(timeout_ms == INFINITE ? -1 : timeout_ms), literal("FALSE")},
                  ok ? "TRUE" : "FALSE", error, ok ? fmt::format("({} removed)", removed) : std::string());
      if (!ok && error != WAIT_TIMEOUT) throw Win32Error("GetQueuedCompletionStatusEx", error);
      if (!ok) return {};
      break;
    }
    if (between) between();
  }
  std::vector<Completion> out;
  for (ULONG i = 0; i < removed; ++i) {
    const OVERLAPPED_ENTRY& e = entries[i];
    // (the OVERLAPPED is not read here: only its owner knows it is alive)
    out.push_back({e.lpCompletionKey, e.dwNumberOfBytesTransferred, e.lpOverlapped});
  }
  return out;
}

void post_completion(HANDLE port, ULONG_PTR key, DWORD bytes) {
  check("PostQueuedCompletionStatus", {handle(port), num(bytes), num(static_cast<std::int64_t>(key)), literal("NULL")},
        [&] { return PostQueuedCompletionStatus(port, bytes, key, nullptr); });
}

}  // namespace ipcsh::win
