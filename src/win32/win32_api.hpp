// The Win32 and NT calls ipcsh makes, one wrapper each, grouped by family.
// Names are UTF-8 (converted to UTF-16 here); failures throw Win32Error
// naming the API unless the wrapper says it returns the error. Each is
// traced as the API's own name with its arguments (win32.hpp).
#pragma once
#include <winsock2.h>
#include <windows.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "win32.hpp"

namespace ipcsh::win {

// ---- SECURITY_ATTRIBUTES (win32_security.cpp) ---------------------------
// What a create call's SECURITY_ATTRIBUTES says: bInheritHandle, and a
// descriptor written as SDDL ("" for none: the creator's default).
struct Security {
  bool inherit = false;
  std::string sddl;
};
// The SECURITY_ATTRIBUTES itself, the descriptor converted from SDDL
// (ConvertStringSecurityDescriptorToSecurityDescriptorW, traced) and freed
// with it. A string that does not convert throws Win32Error whose note
// names the position of the first part that does not.
class SecurityAttributes {
 public:
  explicit SecurityAttributes(const Security& security);
  ~SecurityAttributes();
  SecurityAttributes(const SecurityAttributes&) = delete;
  SecurityAttributes& operator=(const SecurityAttributes&) = delete;
  SECURITY_ATTRIBUTES* get() { return &sa_; }
 private:
  SECURITY_ATTRIBUTES sa_;
  PSECURITY_DESCRIPTOR descriptor_ = nullptr;
};
// ---- Files, mailslots, pipes (win32_files.cpp) ---------------------------
HANDLE create_file(std::string_view name, DWORD access, DWORD share, bool inherit, DWORD disposition, DWORD flags);
HANDLE create_mailslot(std::string_view name, DWORD max_size, DWORD timeout, const Security& security);
struct MailslotInfo {
  DWORD max_size = 0, next_size = MAILSLOT_NO_MESSAGE, count = 0, timeout = 0;
};
MailslotInfo get_mailslot_info(HANDLE h);
std::optional<MailslotInfo> try_mailslot_info(HANDLE h);  // nullopt: not a mailslot's reader
void set_mailslot_info(HANDLE h, DWORD timeout);
HANDLE create_named_pipe(std::string_view name, DWORD open_mode, DWORD pipe_mode, DWORD instances, DWORD out_buffer,
                         DWORD in_buffer, const Security& security);
void create_pipe(HANDLE& read, HANDLE& write, DWORD size, const Security& security = {});
DWORD disconnect_named_pipe(HANDLE h);  // 0 or the error
void cancel_io(HANDLE h);
// A pipe only this user's processes may open (a DACL granting GENERIC_ALL
// to the token's user alone), one instance created here first
// (FILE_FLAG_FIRST_PIPE_INSTANCE), overlapped, no remote clients, not
// inheritable: an agent's private channel.
HANDLE create_private_pipe(std::string_view name, bool duplex);               // CancelIoEx(h, NULL): every pending I/O on h, of any thread
struct PeekResult {
  std::string data;
  DWORD available = 0, left_in_message = 0;
};
// nullopt and `error` set when PeekNamedPipe fails (broken, not connected).
std::optional<PeekResult> peek_named_pipe(HANDLE h, DWORD size, DWORD* error = nullptr);
// FSCTL_PIPE_PEEK through NtFsControlFile, with no data: PeekNamedPipe's
// facts plus the number of messages waiting, which PeekNamedPipe does not
// pass on (Windows' NPFS counts an empty message there; Wine 8 always says
// 0). nullopt and `error` (a Win32 error) when the end cannot be peeked:
// the other end gone, not connected, no read access.
struct PipePeek {
  DWORD available = 0, messages = 0, message_length = 0;
};
std::optional<PipePeek> peek_pipe_messages(HANDLE h, DWORD& error);
struct PipeInfo {
  DWORD flags = 0, out_buffer = 0, in_buffer = 0, max_instances = 0;
};
std::optional<PipeInfo> get_named_pipe_info(HANDLE h);
// SetNamedPipeHandleState's lpMode: PIPE_READMODE_BYTE|MESSAGE, PIPE_WAIT|NOWAIT.
void set_named_pipe_mode(HANDLE h, DWORD mode);
DWORD wait_named_pipe(std::string_view name, DWORD timeout);  // 0 or the error
// The names FindFirstFileW/FindNextFileW give for `pattern` ("\\.\pipe\*",
// "C:\x\*.lua"), and whether each is a folder; `error` gets the first
// call's error (0: listed; ERROR_FILE_NOT_FOUND: nothing matches).
struct FoundFile {
  std::string name;
  bool folder = false;
};
std::vector<FoundFile> find_files(std::string_view pattern, DWORD& error);
// GetNamedPipe{Client,Server}{ProcessId,SessionId}; nullopt (and the error)
// where the call fails (an anonymous pipe, an unconnected instance).
struct PipeEndIds {
  std::optional<ULONG> client_pid, server_pid, client_session, server_session;
};
PipeEndIds named_pipe_end_ids(HANDLE h);
DWORD pipe_write_quota(HANDLE h);
struct PipeState {
  DWORD state = 0, instances = 0;
};
std::optional<PipeState> get_named_pipe_state(HANDLE h);  // GetNamedPipeHandleStateW  // bytes a write can put in the pipe now (FilePipeLocalInformation)

// I/O that may block, done so it can time out and Ctrl+C can stop it:
// overlapped handles through an OVERLAPPED and a sliced wait, synchronous
// ones on a helper thread that CancelSynchronousIo stops. `error` gets the
// call's error (0: done); WAIT_TIMEOUT when the time ran out (the I/O was
// cancelled). Returns the bytes moved.
enum class Io { read, write, connect, transact, flush };  // flush: FlushFileBuffers, always on a helper thread
struct IoRequest {
  Io op;
  HANDLE h;
  bool overlapped;              // the handle was opened with FILE_FLAG_OVERLAPPED
  char* buffer = nullptr;       // read into / transact reply
  DWORD size = 0;
  const char* out = nullptr;    // write / transact request
  DWORD out_size = 0;
  DWORD timeout = INFINITE;
  bool never_blocks = false;    // a synchronous handle this operation cannot block (a mailslot, a disk file)
  HANDLE event = nullptr;       // the OVERLAPPED's (manual-reset) event; nullptr: this thread's own
};
DWORD io(const IoRequest& request, DWORD& error, const Between& between);

// ---- Overlapped I/O as objects (win32_async.cpp) -------------------------
// One ReadFile, WriteFile or ConnectNamedPipe on an overlapped handle,
// started and left running: its OVERLAPPED, buffer and event live here
// until it completes, whatever happens to the handle or the caller. The
// event (manual-reset) is signaled when it completes; a completion port the
// handle is associated with gets a packet for it.
class AsyncIo {
 public:
  enum class Op { read, write, connect };
  // Starts it: ERROR_IO_PENDING or done at once are both a started I/O;
  // any other failure throws the API's Win32Error. `event` is taken over.
  static std::shared_ptr<AsyncIo> start(Op op, HANDLE file, DWORD size, std::string bytes, HANDLE event);
  ~AsyncIo();
  AsyncIo(const AsyncIo&) = delete;
  AsyncIo& operator=(const AsyncIo&) = delete;
  struct State {
    bool pending = true;
    DWORD error = 0;      // the Win32 error it completed with (0: success)
    LONG status = 0x103;  // its NTSTATUS (STATUS_PENDING while pending)
    DWORD bytes = 0;
  };
  State state();   // GetOverlappedResult(..., FALSE), traced
  DWORD cancel();  // CancelIoEx for this I/O: 0, or ERROR_NOT_FOUND when nothing is pending
  // Cancels it if pending and waits (up to `ms`) for it to complete; an I/O
  // the kernel does not complete stays alive (its memory is never freed)
  // rather than leave the kernel writing into freed memory.
  static void retire(std::shared_ptr<AsyncIo> io, DWORD ms = 5000);
  Op op() const { return op_; }
  HANDLE file() const { return file_; }
  HANDLE event() const { return event_; }
  const OVERLAPPED* overlapped() const { return &ov_; }
  LONG status() const { return static_cast<LONG>(ov_.Internal); }  // its NTSTATUS now (STATUS_PENDING while pending)
  std::string_view data() const { return std::string_view(buffer_).substr(0, done_bytes_); }  // a read's bytes, once done
  DWORD size() const { return static_cast<DWORD>(buffer_.size()); }
 private:
  AsyncIo(Op op, HANDLE file, std::string buffer, HANDLE event);
  Op op_;
  HANDLE file_;
  std::string buffer_;
  HANDLE event_;
  OVERLAPPED ov_{};
  DWORD done_bytes_ = 0;
};

// ---- Completion ports (win32_async.cpp) ----------------------------------
HANDLE create_io_completion_port(DWORD threads);
void associate_with_port(HANDLE port, HANDLE file, ULONG_PTR key);
struct Completion {
  ULONG_PTR key;
  DWORD bytes;
  const OVERLAPPED* overlapped;  // nullptr: a posted packet (never read here: it may be gone)
};
// GetQueuedCompletionStatusEx for up to `most` packets, waiting up to
// `timeout_ms` in slices (Ctrl+C between); none within it: an empty list.
std::vector<Completion> get_completions(HANDLE port, ULONG most, DWORD timeout_ms, const Between& between);
void post_completion(HANDLE port, ULONG_PTR key, DWORD bytes);

// ---- A wait on pipe ends and objects together (win32_readable.cpp) -------
// One entry of the list: an object the kernel signals, or a pipe end, which
// counts as signaled when a read would not wait - data or a message is
// there, or a read fails at once (the other end gone: ERROR_BROKEN_PIPE).
struct WaitItem {
  HANDLE h;
  bool pipe = false;
  bool overlapped = false;  // (a pipe end) opened with FILE_FLAG_OVERLAPPED
  bool held = false;        // (a pipe end) a message kept for its next read: readable now
};
// WaitForMultipleObjects' answer for the list (WAIT_OBJECT_0+i,
// WAIT_ABANDONED_0+i, WAIT_TIMEOUT), in slices (Ctrl+C). A pipe is looked
// at with PeekNamedPipe, then watched with a zero-byte ReadFile (overlapped,
// or on a helper thread for a synchronous end), and every such read still
// pending at the end is cancelled and reaped before this returns. A
// zero-byte read takes one thing: an empty message at the head of a
// message-mode queue; `took_empty(i)` is told, for the caller to keep it.
// Throws for a pipe end that cannot be waited on (no read access,
// PIPE_NOWAIT).
DWORD wait_readable(const std::vector<WaitItem>& items, bool all, DWORD timeout_ms, const Between& between,
                    const std::function<void(std::size_t)>& took_empty);

// ---- The object namespace (win32_namespace.cpp) --------------------------
struct DirectoryEntry {
  std::string name, type;  // "demo", "Event"
};
// An object directory's entries, in the kernel's order; throws Win32Error
// with the NTSTATUS in the note (STATUS_OBJECT_NAME_NOT_FOUND, ...).
std::vector<DirectoryEntry> list_object_directory(std::string_view path);
// A symbolic link's target; nullopt when it cannot be opened or read.
std::optional<std::string> symbolic_link_target(std::string_view path);
// Where this session's named objects live: \Sessions\N\BaseNamedObjects
// (\BaseNamedObjects in session 0).
std::string session_named_objects();

// ---- Sync objects (win32_sync.cpp) ---------------------------------------
HANDLE create_event(const Security& security, bool manual, bool initial, std::string_view name);
HANDLE create_mutex(const Security& security, bool owned, std::string_view name);
HANDLE create_semaphore(const Security& security, LONG initial, LONG maximum, std::string_view name);
HANDLE create_waitable_timer(const Security& security, bool manual, std::string_view name);
enum class SyncKind { event, mutex, semaphore, timer };
// OpenEventW, ...: with `access`, or the type's all-access right.
HANDLE open_sync(SyncKind kind, bool inherit, std::string_view name, std::optional<DWORD> access = std::nullopt);
void set_event(HANDLE h);
void reset_event(HANDLE h);
void pulse_event(HANDLE h);
void release_mutex(HANDLE h);
LONG release_semaphore(HANDLE h, LONG count);  // the previous count
// SignalObjectAndWait(signal, wait, timeout, FALSE): WAIT_OBJECT_0,
// WAIT_ABANDONED or WAIT_TIMEOUT; throws on WAIT_FAILED.
DWORD signal_object_and_wait(HANDLE signal, HANDLE wait, DWORD timeout);
void set_waitable_timer(HANDLE h, LONGLONG due_100ns, LONG period_ms);
void cancel_waitable_timer(HANDLE h);
// The NtQuery* state calls (class 0, basic information); false if they fail.
struct EventState { LONG type = 0, signaled = 0; };
struct SemaphoreState { LONG count = 0, maximum = 0; };
struct MutexState { LONG count = 0; BOOLEAN owned_by_caller = 0, abandoned = 0; };
struct TimerState { LARGE_INTEGER remaining{}; BOOLEAN signaled = 0; };
bool query_event(HANDLE h, EventState& out);
bool query_semaphore(HANDLE h, SemaphoreState& out);
bool query_mutex(HANDLE h, MutexState& out);
bool query_timer(HANDLE h, TimerState& out);
DWORD wait_now(HANDLE h);  // WaitForSingleObject(h, 0): for processes and threads, which waiting does not change

// ---- Memory (win32_memory.cpp) -------------------------------------------
HANDLE create_file_mapping(const Security& security, DWORD protect, std::uint64_t size, std::string_view name);
HANDLE open_file_mapping(DWORD access, bool inherit, std::string_view name);
void* map_view(HANDLE mapping, DWORD access, std::uint64_t offset, SIZE_T size);
void unmap_view(void* view);
MEMORY_BASIC_INFORMATION virtual_query(const void* address);

// ---- Processes and jobs (win32_process.cpp) ------------------------------
struct ProcessStart {
  std::string command_line;
  bool inherit_handles = false;
  std::vector<HANDLE> handle_list;  // PROC_THREAD_ATTRIBUTE_HANDLE_LIST
  DWORD flags = 0;
  HANDLE std_in = nullptr, std_out = nullptr, std_err = nullptr;  // any set: STARTF_USESTDHANDLES
  std::string sddl;  // lpProcessAttributes' and lpThreadAttributes' descriptor ("": NULL, the default)
};
PROCESS_INFORMATION create_process(const ProcessStart& start);
HANDLE create_job(bool kill_on_close);
void assign_to_job(HANDLE job, HANDLE process);
DWORD resume_thread(HANDLE thread);  // the previous suspend count
void terminate_process(HANDLE process, UINT code);
DWORD get_exit_code(HANDLE process);
DWORD get_process_id(HANDLE process);
// Untraced, for checks that decide nothing the user asked (is this handle
// this very process? the pid a handle shows): 0 when it cannot be read.
DWORD query_process_id(HANDLE process);
bool is_this_process(HANDLE process);
std::optional<DWORD> parent_process_id(HANDLE process);  // NtQueryInformationProcess, basic information
std::string process_image(HANDLE process);                 // QueryFullProcessImageNameW; "" if it cannot be read
// GetProcessHandleCount and GetProcessMemoryInfo: what a soak test watches.
struct ProcessMemory {
  DWORD handles = 0;
  SIZE_T private_bytes = 0, working_set = 0, peak_working_set = 0, pagefile = 0, virtual_size = 0;
};
std::optional<ProcessMemory> process_memory(HANDLE process);
// Every process now (CreateToolhelp32Snapshot): pid, parent pid, image name.
struct ProcessEntry {
  DWORD pid, parent;
  std::string image;
};
std::vector<ProcessEntry> processes();
HANDLE open_process(DWORD pid, DWORD access);  // NULL if it may not be opened
// Runs a program to its end (at most `timeout_ms`) and returns its exit
// code; nullopt when Wine started `command_line` as a Unix program
// (/bin/sh ...), which gives no process handle to wait on.
std::optional<DWORD> run_program(const std::string& command_line, DWORD timeout_ms);
std::optional<DWORD> thread_id(HANDLE thread);             // GetThreadId
// Runs `f` on this thread while thread `tid` of this process is stopped
// (SuspendThread, then GetThreadContext, which returns once it really is),
// as a signal handler runs while its thread waits; untraced: the runtime's
// own. If the thread cannot be stopped, `f` runs anyway.
void with_thread_stopped(DWORD tid, void (*f)(void*), void* data);

// ---- Security descriptors (win32_security.cpp) ---------------------------
// An SDDL string cut into its parts: owner (O:), group (G:), each list's
// head (D:P) and each ACE, with where it starts; `alone` is the part as a
// descriptor by itself ("" and `error` set where the text leaves SDDL's
// shape). Pure text: used to find where a bad string goes wrong, which
// parts a change names, and each ACE's own text.
struct SddlPart {
  std::size_t offset;
  std::string text, alone, error;
  char list;  // 'O', 'G', 'D', 'S'; 0 where no part could be read
  bool is_ace;
};
std::vector<SddlPart> sddl_parts(const std::string& sddl);
struct Sid {
  std::string text;     // "S-1-1-0"
  std::string account;  // "Everyone", "VM\\root"; "" when LookupAccountSid knows none
};
struct Ace {
  BYTE type = 0, flags = 0;  // ACCESS_ALLOWED_ACE_TYPE, ...; OBJECT_INHERIT_ACE, ...
  ACCESS_MASK mask = 0;
  Sid sid;
  std::string sddl;  // "(A;;GR;;;WD)"
};
// GetKernelObjectSecurity for the owner, group, DACL and (when it may be
// read) the integrity label; the handle needs READ_CONTROL.
struct Descriptor {
  std::string sddl;
  std::optional<Sid> owner, group;
  bool dacl_present = false, dacl_null = false;
  std::vector<Ace> dacl, label;
  bool label_read = false;
  std::vector<BYTE> self_relative;
};
Descriptor get_security(HANDLE h);
// SetKernelObjectSecurity with the parts the converted SDDL holds (a UsageError
// when it holds none).
void set_security(HANDLE h, const std::string& sddl);
// This process's token: who it is and the groups it holds
// (SE_GROUP_ENABLED, SE_GROUP_USE_FOR_DENY_ONLY in `attributes`).
struct TokenGroup {
  Sid sid;
  DWORD attributes;
};
struct TokenFacts {
  Sid user, owner, primary_group;
  Sid integrity;  // the integrity level's SID: S-1-16-8192 (medium), S-1-16-12288 (high)
  std::vector<TokenGroup> groups;
};
TokenFacts token_facts();
// AccessCheck of this process's token (duplicated for impersonation)
// against a descriptor, with the type's generic mapping.
struct AccessAnswer {
  bool granted = false;
  ACCESS_MASK granted_mask = 0;
};
AccessAnswer access_check(const Descriptor& d, ACCESS_MASK desired, const GENERIC_MAPPING& mapping,
                          const NameTable& rights);  // (the type's rights, for the trace)

// ---- Handles and objects (win32_handles.cpp) -----------------------------
HANDLE duplicate_handle(HANDLE source_process, HANDLE source, HANDLE target_process, DWORD access, bool inherit,
                        DWORD options, DWORD* error = nullptr);  // with `error`: NULL and the error instead of a throw
void close_handle(HANDLE h);
void set_handle_information(HANDLE h, DWORD mask, DWORD flags);
std::optional<DWORD> get_handle_information(HANDLE h);  // untraced: read for display
// NtQueryObject: type, name, counts, access; `valid` false if no handle.
struct ObjectFacts {
  bool valid = false;
  std::string type;  // "File", "Event", "Mutant", ...
  std::string name;  // "\Device\MailSlot\demo", "" if unnamed
  ULONG handle_count = 0, pointer_count = 0;
  ACCESS_MASK granted_access = 0;
  GENERIC_MAPPING mapping{};  // the type's generic rights in its specific ones
  ACCESS_MASK valid_access = 0;
};
ObjectFacts query_object(HANDLE h);
// Whether a file handle (file, pipe, mailslot) was opened for overlapped
// I/O: NtQueryInformationFile's FileModeInformation has neither
// FILE_SYNCHRONOUS_IO_ALERT nor _NONALERT. Untraced (the mechanism of
// every I/O command on a handle this shell did not open itself); nullopt
// for a handle that is no file.
std::optional<bool> is_overlapped(HANDLE h);
// CompareObjectHandles (Windows 10; Wine 8 has it): whether two handles of
// this process name one kernel object; nullopt where the API is missing.
std::optional<bool> same_object(HANDLE a, HANDLE b);
struct HandleEntry {
  ULONG_PTR pid, value;
  ACCESS_MASK access;
  ULONG attributes;  // OBJ_INHERIT = 2
  unsigned type_index = 0;  // the object type's number, the same for every process
};
std::vector<HandleEntry> system_handles();  // NtQuerySystemInformation class 16
inline constexpr ULONG obj_inherit = 2;
bool running_on_wine();  // ntdll exports wine_get_version

// ---- Windows and messages (win32_window.cpp) -----------------------------
void register_window_class(const wchar_t* name, WNDPROC procedure);
HWND create_message_window(const wchar_t* class_name, std::string_view title);
void destroy_window(HWND w);
HWND find_message_window(std::string_view title);  // NULL if none
void post_message(HWND w, UINT msg, WPARAM wparam, LPARAM lparam);
LRESULT send_message(HWND w, UINT msg, WPARAM wparam, LPARAM lparam, DWORD timeout);
bool is_window(HWND w);
// The runtime's own word kept in a window (GWLP_USERDATA), untraced: our
// windows keep their session there.
void set_window_data(HWND w, void* data);
void* window_data(HWND w);
LRESULT default_window_procedure(HWND w, UINT msg, WPARAM wparam, LPARAM lparam);  // DefWindowProcW
DWORD window_process(HWND w, DWORD* thread = nullptr);
std::string window_text(HWND w);
void pump_messages(bool& dispatching_posted);  // untraced: runs between wait slices

// ---- Sockets (win32_socket.cpp) ------------------------------------------
void start_winsock();
SOCKET new_socket(DWORD flags);
sockaddr_in resolve(std::string_view host, std::uint16_t port);
void bind_socket(SOCKET s, const sockaddr_in& at);
void listen_socket(SOCKET s, int backlog);
// Starts a connect on a non-blocking socket: 0, WSAEWOULDBLOCK (pending),
// or the error.
DWORD start_connect(SOCKET s, const sockaddr_in& to);
// A pending connect: nullopt while pending, then 0 or the error (SO_ERROR).
std::optional<DWORD> connect_result(SOCKET s);
SOCKET accept_socket(SOCKET s, sockaddr_in& peer);
int send_socket(SOCKET s, const char* data, int size);
int recv_socket(SOCKET s, char* buffer, int size);
bool socket_readable(SOCKET s);  // select with a zero timeout
bool socket_writable(SOCKET s);
void set_non_blocking(SOCKET s);  // ioctlsocket FIONBIO
void close_socket(SOCKET s);
std::optional<sockaddr_in> local_address(SOCKET s);
std::optional<sockaddr_in> peer_address(SOCKET s);
std::string address_text(const sockaddr_in& a);
bool socket_listening(SOCKET s);

}  // namespace ipcsh::win
