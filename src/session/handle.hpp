// Handle objects: one per kernel handle (or view, socket, window) the user
// holds. They are shared by shell variables and Lua values and closed only by
// an explicit close, a Lua <close> variable, or process exit - never by the
// garbage collector, so usage counts stay exact.
#pragma once
#include <atomic>
#include <windows.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/kinds.hpp"
#include "core/value.hpp"
#include "win32/unique_handle.hpp"
#include "win32/win32_api.hpp"

namespace ipcsh {

// A child's link is the agents layer's (agents/child_link.hpp), above this
// one: what a handle and the session do to it, that layer provides.
class ChildLink;
void end_link(ChildLink& link);                     // the parent closed the child's handle
void name_link(ChildLink& link, std::string name);  // the variable that now holds the child

class HandleObject {
 public:
  HandleObject(Kind kind, HANDLE handle, std::string name = {});
  ~HandleObject();  // closes nothing: see the header comment
  HandleObject(const HandleObject&) = delete;
  HandleObject& operator=(const HandleObject&) = delete;

  Kind kind;
  std::string name;    // kernel or user-facing name, may be empty
  std::string role;    // how it is described after its name ("server (byte)"): words to show, never to test
  // What the handle is, as state to decide by (the role only says it):
  enum class End : unsigned char { none, mailslot_writer, pipe_server, pipe_client, pipe_read, pipe_write };
  End end = End::none;
  bool adopted = false;    // wrapped from a value this process already held (a literal, ipc.handle)
  bool suspended = false;  // a process spawned --suspended, not resumed since
  bool nameless = false;   // an object with no name (an anonymous pipe's ends)
  bool existed = false;    // a Create* call opened an object of that name that existed (ERROR_ALREADY_EXISTS)
  std::optional<bool> manual;  // an event's or timer's manual reset, as created here (unknown when opened)
  std::string origin;  // what made it: "test.lua:12", or the shell command
  bool pseudo = false; // GetCurrentProcess(): value -1, closing does nothing
  DWORD pid = 0;       // for processes
  UniqueHandle thread;  // a spawned process's main thread, closed with it
  std::shared_ptr<ChildLink> link;  // a spawned process's output and, for an agent, its channel
  std::shared_ptr<win::AsyncIo> async;  // an io handle's I/O (its event is the handle)
  bool received = false;  // passed to this process by name (spawn --pass, dup --as)
  // An agent over TCP whose process is not held here (on another computer,
  // or it could not show it is the pid it gave): an event stands in,
  // signaled when the channel ends; `pid` is the one it gave.
  bool stand_in = false;

  HANDLE handle() const { return handle_; }
  std::int64_t value() const { return reinterpret_cast<std::intptr_t>(handle_); }
  bool closed() const { return closed_; }
  bool inheritable() const;        // read live with GetHandleInformation
  bool has_inherit_flag() const;   // views and windows are not kernel handles
  bool overlapped = false;         // opened with FILE_FLAG_OVERLAPPED
  DWORD message_limit = 0;         // a mailslot reader's max message size as created here (0: any)
  // A pipe end's empty messages that a wait's zero-byte read took (in
  // message mode such a read takes an empty message whole): the next reads
  // return them first, as the kernel would have.
  unsigned kept_empty_messages = 0;
  // A view's region as mapped (size 0 until known): read-mem and write-mem
  // check against it without asking the kernel on every call.
  std::size_t view_size = 0;
  DWORD view_protect = 0;
  void close();                    // the one place handles, views, windows, sockets are closed
  const char* close_api() const;
  void mark_closed() { closed_ = true; ++closings; }  // closed by the kernel (DUPLICATE_CLOSE_SOURCE)
  // How many handle objects have been closed so far (Session::forget_closed
  // looks through its table only when this has moved). Process-wide on
  // purpose: a count, not state; each session keeps where it last looked,
  // and another session's closing only costs it one look.
  static inline std::atomic<unsigned long> closings{0};
  std::string value_text() const;  // "0x30", or "-1" for the pseudo handle

 private:
  HANDLE handle_;
  bool closed_ = false;
};

// The End as a word of the agent wire (bind, user_handles) and back.
const char* end_word(HandleObject::End end);
HandleObject::End end_from_word(std::string_view word);

// A handle value given as a handle, a number, a literal ("0x7c", "-1") or
// "self", checked as every handle parameter is (0..0x3ffffff or -1) but
// not looked up: `dup VALUE --from P` names a value in another process.
std::int64_t handle_value_arg(const Value& v, std::string_view what, int position);

// The kind of object behind a handle, from the kernel's type and object
// name (win::query_object); Kind::other if the value is no handle.
Kind kind_of(const win::ObjectFacts& facts);
// And back: the kernel's type name of a kind ("Event", "Mutant", "Section",
// "File" for files, pipes and mailslots), "" for a kind it has none for.
std::string_view kernel_type(Kind kind);
// The kinds whose names live in an object directory (\BaseNamedObjects).
inline constexpr Kind directory_kinds[] = {Kind::event, Kind::mutex, Kind::semaphore, Kind::timer, Kind::mapping};


}  // namespace ipcsh
