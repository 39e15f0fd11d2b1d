// Flag and value names for the trace, as the Windows headers spell them.
// Tables, not switches: order matters only for how bits are grouped (wider
// names first).
#include <winsock2.h>

#include "win32.hpp"

namespace ipcsh::win {

#define N(x) Name{static_cast<std::uint64_t>(x), #x}

const NameTable access_names{
    N(GENERIC_ALL), N(GENERIC_READ), N(GENERIC_WRITE), N(GENERIC_EXECUTE), N(MAXIMUM_ALLOWED),
    N(FILE_ALL_ACCESS), N(FILE_GENERIC_READ), N(FILE_GENERIC_WRITE), N(STANDARD_RIGHTS_REQUIRED), N(DELETE),
    N(READ_CONTROL), N(WRITE_DAC), N(WRITE_OWNER), N(SYNCHRONIZE), N(FILE_READ_DATA), N(FILE_WRITE_DATA),
    N(FILE_APPEND_DATA), N(FILE_READ_EA), N(FILE_WRITE_EA), N(FILE_EXECUTE), N(FILE_READ_ATTRIBUTES),
    N(FILE_WRITE_ATTRIBUTES)};
const NameTable share_names{Name{0, "0"}, N(FILE_SHARE_READ), N(FILE_SHARE_WRITE), N(FILE_SHARE_DELETE)};
const NameTable disposition_names{N(CREATE_NEW), N(CREATE_ALWAYS), N(OPEN_EXISTING), N(OPEN_ALWAYS),
                                  N(TRUNCATE_EXISTING)};
const NameTable file_flag_names{Name{0, "0"},
                                N(FILE_ATTRIBUTE_NORMAL),       N(FILE_ATTRIBUTE_TEMPORARY),
                                N(FILE_FLAG_OVERLAPPED),        N(FILE_FLAG_WRITE_THROUGH),
                                N(FILE_FLAG_NO_BUFFERING),      N(FILE_FLAG_DELETE_ON_CLOSE),
                                N(FILE_FLAG_FIRST_PIPE_INSTANCE)};
const NameTable pipe_open_names{N(PIPE_ACCESS_DUPLEX), N(PIPE_ACCESS_INBOUND), N(PIPE_ACCESS_OUTBOUND),
                                N(FILE_FLAG_OVERLAPPED), N(FILE_FLAG_FIRST_PIPE_INSTANCE), N(FILE_FLAG_WRITE_THROUGH)};
const NameTable pipe_mode_names{Name{0, "PIPE_TYPE_BYTE|PIPE_READMODE_BYTE|PIPE_WAIT"}, N(PIPE_TYPE_MESSAGE),
                                N(PIPE_READMODE_MESSAGE), N(PIPE_NOWAIT), N(PIPE_REJECT_REMOTE_CLIENTS)};
const NameTable pipe_state_names{Name{0, "PIPE_READMODE_BYTE"}, N(PIPE_READMODE_MESSAGE), N(PIPE_NOWAIT)};
const NameTable duplicate_names{Name{0, "0"}, N(DUPLICATE_CLOSE_SOURCE), N(DUPLICATE_SAME_ACCESS)};
const NameTable handle_flag_names{Name{0, "0"}, N(HANDLE_FLAG_INHERIT), N(HANDLE_FLAG_PROTECT_FROM_CLOSE)};
const NameTable wait_names{N(WAIT_OBJECT_0),      Name{WAIT_OBJECT_0 + 1, "WAIT_OBJECT_0+1"},
                           Name{WAIT_OBJECT_0 + 2, "WAIT_OBJECT_0+2"},   Name{WAIT_OBJECT_0 + 3, "WAIT_OBJECT_0+3"},
                           N(WAIT_ABANDONED_0),   Name{WAIT_ABANDONED_0 + 1, "WAIT_ABANDONED_0+1"},
                           Name{WAIT_ABANDONED_0 + 2, "WAIT_ABANDONED_0+2"}, N(WAIT_TIMEOUT),
                           N(WAIT_FAILED),        N(WAIT_IO_COMPLETION)};
const NameTable mailslot_timeout_names{N(MAILSLOT_WAIT_FOREVER)};
const NameTable timeout_names{N(INFINITE)};
const NameTable page_names{N(PAGE_NOACCESS), N(PAGE_READONLY), N(PAGE_READWRITE), N(PAGE_WRITECOPY),
                           N(PAGE_EXECUTE),  N(PAGE_EXECUTE_READ), N(PAGE_EXECUTE_READWRITE), N(SEC_COMMIT)};
const NameTable map_names{N(FILE_MAP_ALL_ACCESS), N(FILE_MAP_READ), N(FILE_MAP_WRITE), N(FILE_MAP_COPY),
                          N(FILE_MAP_EXECUTE)};
const NameTable creation_names{Name{0, "0"},
                               N(CREATE_SUSPENDED),
                               N(CREATE_UNICODE_ENVIRONMENT),
                               N(EXTENDED_STARTUPINFO_PRESENT),
                               N(CREATE_NEW_PROCESS_GROUP),
                               N(CREATE_NEW_CONSOLE),
                               N(CREATE_NO_WINDOW),
                               N(DETACHED_PROCESS),
                               N(CREATE_BREAKAWAY_FROM_JOB)};
const NameTable startf_names{Name{0, "0"}, N(STARTF_USESTDHANDLES), N(STARTF_USESHOWWINDOW)};
const NameTable process_access_names{N(PROCESS_ALL_ACCESS), N(PROCESS_TERMINATE), N(PROCESS_DUP_HANDLE),
                                     N(PROCESS_QUERY_INFORMATION), N(PROCESS_QUERY_LIMITED_INFORMATION),
                                     N(PROCESS_VM_READ), N(SYNCHRONIZE)};
// Each kernel type's access rights: its all-access name first (an exact
// match), its specific rights, then the standard and generic ones.
#define STANDARD_RIGHTS N(DELETE), N(READ_CONTROL), N(WRITE_DAC), N(WRITE_OWNER), N(SYNCHRONIZE), \
    N(ACCESS_SYSTEM_SECURITY), N(MAXIMUM_ALLOWED), N(GENERIC_READ), N(GENERIC_WRITE), N(GENERIC_EXECUTE), N(GENERIC_ALL)
const std::vector<TypeRights> type_rights{
    {"Event", {N(EVENT_ALL_ACCESS), Name{0x1, "EVENT_QUERY_STATE"}, N(EVENT_MODIFY_STATE), STANDARD_RIGHTS}},
    {"Mutant", {N(MUTEX_ALL_ACCESS), N(MUTANT_QUERY_STATE), STANDARD_RIGHTS}},
    {"Semaphore", {N(SEMAPHORE_ALL_ACCESS), Name{0x1, "SEMAPHORE_QUERY_STATE"}, N(SEMAPHORE_MODIFY_STATE), STANDARD_RIGHTS}},
    {"Timer", {N(TIMER_ALL_ACCESS), N(TIMER_QUERY_STATE), N(TIMER_MODIFY_STATE), STANDARD_RIGHTS}},
    {"Section", {N(SECTION_ALL_ACCESS), N(SECTION_QUERY), N(SECTION_MAP_WRITE), N(SECTION_MAP_READ),
                 N(SECTION_MAP_EXECUTE), N(SECTION_EXTEND_SIZE), STANDARD_RIGHTS}},
    {"File", {N(FILE_ALL_ACCESS), N(FILE_READ_DATA), N(FILE_WRITE_DATA), N(FILE_APPEND_DATA), N(FILE_READ_EA),
              N(FILE_WRITE_EA), N(FILE_EXECUTE), N(FILE_READ_ATTRIBUTES), N(FILE_WRITE_ATTRIBUTES), STANDARD_RIGHTS}},
    {"Process", {N(PROCESS_ALL_ACCESS), N(PROCESS_TERMINATE), N(PROCESS_CREATE_THREAD), N(PROCESS_SET_SESSIONID),
                 N(PROCESS_VM_OPERATION), N(PROCESS_VM_READ), N(PROCESS_VM_WRITE), N(PROCESS_DUP_HANDLE),
                 N(PROCESS_CREATE_PROCESS), N(PROCESS_SET_QUOTA), N(PROCESS_SET_INFORMATION),
                 N(PROCESS_QUERY_INFORMATION), N(PROCESS_SUSPEND_RESUME), N(PROCESS_QUERY_LIMITED_INFORMATION),
                 STANDARD_RIGHTS}},
    {"Thread", {N(THREAD_ALL_ACCESS), N(THREAD_TERMINATE), N(THREAD_SUSPEND_RESUME), N(THREAD_GET_CONTEXT),
                N(THREAD_SET_CONTEXT), N(THREAD_SET_INFORMATION), N(THREAD_QUERY_INFORMATION),
                N(THREAD_SET_THREAD_TOKEN), N(THREAD_IMPERSONATE), N(THREAD_DIRECT_IMPERSONATION),
                N(THREAD_SET_LIMITED_INFORMATION), N(THREAD_QUERY_LIMITED_INFORMATION), STANDARD_RIGHTS}},
};
const NameTable& rights_of(std::string_view type) {
  static const NameTable standard{STANDARD_RIGHTS};
  for (const auto& t : type_rights)
    if (t.type == type) return t.names;
  return standard;
}
#undef STANDARD_RIGHTS
const NameTable smto_names{N(SMTO_NORMAL), N(SMTO_BLOCK), N(SMTO_ABORTIFHUNG)};
const NameTable wsa_flag_names{N(WSA_FLAG_OVERLAPPED), N(WSA_FLAG_NO_HANDLE_INHERIT)};
const NameTable ntstatus_names{Name{0, "STATUS_SUCCESS"},
                               Name{0xC0000004, "STATUS_INFO_LENGTH_MISMATCH"},
                               Name{0xC0000008, "STATUS_INVALID_HANDLE"},
                               Name{0xC0000022, "STATUS_ACCESS_DENIED"},
                               Name{0xC0000024, "STATUS_OBJECT_TYPE_MISMATCH"},
                               Name{0xC0000003, "STATUS_INVALID_INFO_CLASS"},
                               Name{0xC0000002, "STATUS_NOT_IMPLEMENTED"},
                               Name{0x00000103, "STATUS_PENDING"},
                               Name{0x80000005, "STATUS_BUFFER_OVERFLOW"},
                               Name{0xC00000AD, "STATUS_INVALID_PIPE_STATE"},
                               Name{0xC00000B0, "STATUS_PIPE_DISCONNECTED"},
                               Name{0xC00000B2, "STATUS_PIPE_CLOSING"},
                               Name{0xC00000B3, "STATUS_PIPE_LISTENING"},
                               Name{0xC00000D9, "STATUS_PIPE_EMPTY"},
                               Name{0xC000014B, "STATUS_PIPE_BROKEN"},
                               Name{0xC0000033, "STATUS_OBJECT_NAME_INVALID"},
                               Name{0xC0000034, "STATUS_OBJECT_NAME_NOT_FOUND"},
                               Name{0xC0000035, "STATUS_OBJECT_NAME_COLLISION"},
                               Name{0xC000003A, "STATUS_OBJECT_PATH_NOT_FOUND"},
                               Name{0xC000003B, "STATUS_OBJECT_PATH_SYNTAX_BAD"},
                               Name{0x8000001A, "STATUS_NO_MORE_ENTRIES"},
                               Name{0x00000105, "STATUS_MORE_ENTRIES"},
                               Name{0xC0000023, "STATUS_BUFFER_TOO_SMALL"},
                               Name{0xC0000120, "STATUS_CANCELLED"},
                               Name{0xC0000011, "STATUS_END_OF_FILE"},
                               Name{0xC00000B1, "STATUS_PIPE_CONNECTED"},
                               Name{0x00000102, "STATUS_TIMEOUT"}};
const NameTable move_method_names{N(FILE_BEGIN), N(FILE_CURRENT), N(FILE_END)};

#undef N

}  // namespace ipcsh::win
