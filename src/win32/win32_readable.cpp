// wait on pipe ends as well as on objects the kernel signals: a pipe end
// counts as signaled when a read would not wait. Nothing in Win32 signals
// that (a pipe's file handle is signaled when an I/O on it completes), so:
//
// - first a peek (FSCTL_PIPE_PEEK, what PeekNamedPipe sends, asked
//   directly for the number of messages too), in the list's order: bytes or
//   a message waiting, or a peek that fails (the other end gone), is
//   readable at once, with no read started;
// - then a zero-byte ReadFile: on an overlapped end with an OVERLAPPED and
//   an event of its own, on a synchronous end (anonymous pipes, handles
//   opened by C programs) on a helper thread, since a synchronous handle's
//   read blocks even when given an OVERLAPPED. Such a read completes when
//   data comes or the other end goes and moves no bytes: the message or
//   the bytes stay (in message mode Wine answers ERROR_MORE_DATA, Windows'
//   NPFS TRUE). What it can take is an empty message, read whole: one that
//   comes while it is pending, on both systems (the writer hands it the
//   whole message, 0 bytes), and under Wine also one already at the head of
//   the queue (server/named_pipe.c reads a message whose size equals the
//   read's whole). Windows' peek counts an empty message, so there no read
//   is started while one waits; Wine's peek counts no messages (0, always).
//   Either way a zero-byte read that returns TRUE in message read mode took
//   an empty message, and the caller keeps it for the next read;
// - the events and threads join the objects in one sliced
//   WaitForMultipleObjects;
// - every read still pending then is cancelled - CancelIoEx for an
//   overlapped one, CancelSynchronousIo on the helper for a synchronous
//   one - and reaped (GetOverlappedResult, the thread's end) before this
//   returns, also on a time-out, an error or Ctrl+C: no read stays pending
//   behind the caller, and a later read, recv or transact behaves as if
//   there had been no wait.
#include <functional>
#include <memory>

#include <fmt/format.h>

#include "unique_handle.hpp"
#include "win32_api.hpp"

namespace ipcsh::win {
namespace {

// This thread's events for zero-byte reads (manual-reset, made as needed
// and kept: every read is reaped before a wait returns, so the next wait
// finds them free; ReadFile resets an event as it starts), and one event
// that is always set, which stands in the wait for a pipe found readable
// before waiting.
struct WaitEvents {
  std::vector<HANDLE> reads;
  HANDLE ready = nullptr;
};
WaitEvents& wait_events() {
  thread_local WaitEvents events;  // (one thread_local: each costs a call under MinGW)
  return events;
}
HANDLE make_event(bool set) {
  HANDLE h = CreateEventW(nullptr, TRUE, set, nullptr);
  if (!h) throw Win32Error("CreateEventW", GetLastError());
  return h;
}

// A synchronous end's zero-byte read, on its own thread; the thread is
// always joined before this is freed.
struct HelperRead {
  HANDLE h;
  BOOL ok = FALSE;
  DWORD error = 0;
};
DWORD WINAPI helper_read(void* p) {
  auto* r = static_cast<HelperRead*>(p);
  char none[1];
  DWORD moved = 0;
  r->ok = ReadFile(r->h, none, 0, &moved, nullptr);
  r->error = r->ok ? 0 : GetLastError();
  return 0;
}

enum class State { idle, pending, done };

struct Probe {
  std::size_t item = 0;
  HANDLE h = nullptr;
  State state = State::idle;
  DWORD error = 0;           // when done: the read's answer
  // overlapped
  OVERLAPPED ov{};
  // synchronous
  UniqueHandle thread;
  std::unique_ptr<HelperRead> helper;
};

// An answer a pipe end gives that says it cannot be waited on.
[[noreturn]] void not_waitable(const char* api, DWORD error, const Probe& p) {
  if (error == ERROR_NO_DATA)
    throw Win32Error(api, error,
                     fmt::format("pipe {} (#{} in the list) is in PIPE_NOWAIT mode: a read never waits there, so no "
                                 "wait can tell when it becomes readable (set-pipe-mode H MODE --wait)",
                                 handle_text(p.h), p.item + 1));
  throw Win32Error(api, error,
                   fmt::format("pipe {} (#{} in the list) cannot be read from here (a write end, or opened "
                               "--access out): wait takes pipe ends that read",
                               handle_text(p.h), p.item + 1));
}

bool cannot_wait_on(DWORD error) { return error == ERROR_ACCESS_DENIED || error == ERROR_NO_DATA; }

class Probes {
 public:
  Probes(std::size_t n, const std::function<void(std::size_t)>& took_empty) : probes_(n), took_empty_(took_empty) {}
  // The last resort (reap() itself failed part way, say a trace function
  // raised an error): the same, untraced, so no read and no helper thread
  // outlives the wait.
  ~Probes() {
    quiet_ = true;
    try {
      reap();
    } catch (...) {
    }
  }
  Probes(const Probes&) = delete;
  Probes& operator=(const Probes&) = delete;

  Probe& operator[](std::size_t i) { return probes_[i]; }

  // A zero-byte read on pipe `p`: true when it has completed at once
  // (readable now: data, an empty message taken, or an error a read reports).
  bool start(Probe& p, bool overlapped, HANDLE event) {
    if (overlapped) {
      p.ov = {};
      p.ov.hEvent = not_for_ports(event);  // (a completion port the end is associated with gets nothing)
      char none[1];
      BOOL ok = ReadFile(p.h, none, 0, nullptr, &p.ov);
      DWORD error = ok ? 0 : GetLastError();
      if (tracing())
        emit_call("ReadFile", {handle(p.h), num(0), literal("&overlapped")}, ok ? "TRUE" : "FALSE", error,
                  error == ERROR_IO_PENDING ? "(zero bytes: readable when it completes)" : "");
      if (error == ERROR_IO_PENDING) {
        p.state = State::pending;
        return false;
      }
      if (cannot_wait_on(error)) not_waitable("ReadFile", error, p);
      finish(p, error);
      return true;
    }
    // (a PIPE_NOWAIT end's read would return at once, over and over)
    if (auto mode = get_named_pipe_state(p.h); mode && (mode->state & PIPE_NOWAIT))
      not_waitable("ReadFile", ERROR_NO_DATA, p);
    p.helper = std::make_unique<HelperRead>(HelperRead{p.h});
    HANDLE t = CreateThread(nullptr, 64 * 1024, helper_read, p.helper.get(), STACK_SIZE_PARAM_IS_A_RESERVATION, nullptr);
    if (!t) throw Win32Error("CreateThread", GetLastError(), "a helper thread for a synchronous pipe end's read");
    p.thread.reset(t);
    p.state = State::pending;
    return false;
  }

  // The handle a pending probe is waited on by.
  static HANDLE waitable(const Probe& p) { return p.thread ? p.thread.get() : without_tag(p.ov.hEvent); }

  // Cancels what is still pending and reaps every read started: first
  // every cancel, then every result, so the cancels run side by side.
  void reap() {
    for (auto& p : probes_)
      if (p.state == State::pending && !p.thread && !HasOverlappedIoCompleted(&p.ov)) {
        // (ERROR_NOT_FOUND: it completed meanwhile; its result says how)
        if (quiet_) CancelIoEx(p.h, &p.ov);
        else attempt("CancelIoEx", {handle(p.h), literal("&overlapped")}, [&] { return CancelIoEx(p.h, &p.ov); });
      }
    for (auto& p : probes_) {
      if (p.state != State::pending) continue;
      if (p.thread) {
        reap_helper(p);
        continue;
      }
      DWORD moved = 0;
      DWORD error;
      if (quiet_) {
        error = GetOverlappedResult(p.h, &p.ov, &moved, TRUE) ? 0 : GetLastError();
      } else {
        error = attempt("GetOverlappedResult", {handle(p.h), literal("&overlapped"), literal("TRUE")},
                        [&] { return GetOverlappedResult(p.h, &p.ov, &moved, TRUE); },
                        [&] { return fmt::format("({} bytes)", moved); });
      }
      finish(p, error);
    }
  }

 private:
  void reap_helper(Probe& p) {
    // A cancel that came before the read began finds nothing (ERROR_NOT_FOUND)
    // and is made again: one trace line for them all.
    {
      RepeatScope repeated;
      while (WaitForSingleObject(p.thread.get(), 0) == WAIT_TIMEOUT) {
        if (quiet_) CancelSynchronousIo(p.thread.get());
        else attempt("CancelSynchronousIo", {handle(p.thread.get())}, [&] { return CancelSynchronousIo(p.thread.get()); });
        if (WaitForSingleObject(p.thread.get(), 10) == WAIT_OBJECT_0) break;
      }
    }
    p.thread.reset();
    DWORD error = p.helper->error;
    if (!quiet_ && tracing())
      emit_call("ReadFile", {handle(p.h), num(0), literal("NULL")}, p.helper->ok ? "TRUE" : "FALSE", error,
                "(on a helper thread: a synchronous end's zero-byte read)");
    finish(p, error);
  }

  void finish(Probe& p, DWORD error) {
    p.state = State::done;
    p.error = error;
    if (error) return;
    // TRUE from a zero-byte read: in byte mode, bytes wait (none moved); in
    // message mode, it read an empty message whole.
    DWORD mode = 0;
    if (quiet_) GetNamedPipeHandleStateW(p.h, &mode, nullptr, nullptr, nullptr, nullptr, 0);
    else if (auto state = get_named_pipe_state(p.h)) mode = state->state;
    if ((mode & PIPE_READMODE_MESSAGE) && took_empty_) took_empty_(p.item);
  }

  bool quiet_ = false;
  std::vector<Probe> probes_;
  const std::function<void(std::size_t)>& took_empty_;
};

}  // namespace

DWORD wait_readable(const std::vector<WaitItem>& items, bool all, DWORD timeout_ms, const Between& between,
                    const std::function<void(std::size_t)>& took_empty) {
  const std::size_t n = items.size();
  WaitEvents& events = wait_events();
  if (!events.ready) events.ready = make_event(true);
  Probes probes(n, took_empty);
  std::vector<bool> ready(n, false);

  for (std::size_t i = 0; i < n; ++i) {
    probes[i].item = i;
    probes[i].h = items[i].h;
  }
  // The pipes found readable without a read: a kept message, data, or a
  // peek that fails (the read reports why). Without --all the first one
  // ends the search: a lower index wins, as in WaitForMultipleObjects.
  auto first_ready = [&]() -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < n; ++i) {
      if (!items[i].pipe) continue;
      if (items[i].held) {
        ready[i] = true;
      } else {
        DWORD error = 0;
        auto peeked = peek_pipe_messages(items[i].h, error);
        if (!peeked && cannot_wait_on(error)) not_waitable("NtFsControlFile", error, probes[i]);
        ready[i] = !peeked || peeked->available > 0 || peeked->messages > 0;
      }
      if (ready[i] && !all) return i;
    }
    return std::nullopt;
  };
  std::optional<std::size_t> found = first_ready();
  // Zero-byte reads on the others, in order, until one completes at once.
  std::size_t events_used = 0;
  if (!found) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!items[i].pipe || ready[i]) continue;
      HANDLE event = nullptr;
      if (items[i].overlapped) {
        if (events.reads.size() <= events_used) events.reads.push_back(make_event(false));
        event = events.reads[events_used++];
      }
      if (probes.start(probes[i], items[i].overlapped, event)) {
        ready[i] = true;
        if (!all) {
          found = i;
          break;
        }
      }
    }
  }
  // One wait: objects as they are, pending reads by their events or
  // threads, a pipe already readable by the event that is always set (once;
  // with --all those are left out, being satisfied). Without --all, what
  // comes after a readable pipe cannot win.
  std::vector<HANDLE> handles;
  std::vector<std::size_t> slot;  // handles[k] stands for items[slot[k]]
  std::vector<std::string> shown;
  const bool tracing_now = tracing();
  std::size_t end = found && !all ? *found + 1 : n;
  for (std::size_t i = 0; i < end; ++i) {
    HANDLE h = nullptr;
    std::string label;
    if (!items[i].pipe) {
      h = items[i].h;
    } else if (ready[i]) {
      if (all) continue;
      h = events.ready;
      if (tracing_now) label = fmt::format("{} ({} readable now)", handle_text(h), handle_text(items[i].h));
    } else if (probes[i].state == State::pending) {
      h = Probes::waitable(probes[i]);
      if (tracing_now)
        label = fmt::format("{} ({} readable{})", handle_text(h), handle_text(items[i].h),
                            items[i].overlapped ? "" : ": its helper thread");
    } else {
      continue;  // peeked empty before the readable one: no read started
    }
    handles.push_back(h);
    slot.push_back(i);
    if (tracing_now) shown.push_back(label.empty() ? handle_text(h) : label);
  }
  DWORD code;
  if (handles.empty()) {
    code = WAIT_OBJECT_0;  // --all, and every one a pipe readable now
  } else if (handles.size() == 1 && handles[0] == events.ready) {
    code = WAIT_OBJECT_0 + static_cast<DWORD>(slot[0]);  // a pipe readable now, nothing before it to ask
  } else {
    try {
      code = wait(handles, all, timeout_ms, between, true, tracing_now ? &shown : nullptr);
    } catch (...) {
      probes.reap();  // (Ctrl+C: the reads are cancelled and reaped before the shell goes on)
      throw;
    }
    if (code != WAIT_TIMEOUT) {
      bool abandoned = code >= WAIT_ABANDONED_0 && code < WAIT_ABANDONED_0 + handles.size();
      std::size_t k = code - (abandoned ? WAIT_ABANDONED_0 : WAIT_OBJECT_0);
      if (abandoned) code = WAIT_ABANDONED_0 + static_cast<DWORD>(slot[k]);
      else code = all ? WAIT_OBJECT_0 : WAIT_OBJECT_0 + static_cast<DWORD>(slot[k]);
    }
  }
  probes.reap();
  return code;
}

}  // namespace ipcsh::win
