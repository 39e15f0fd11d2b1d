// The few native (ntdll) calls ipcsh uses to show what the kernel knows:
// object type, name and usage counts, the system handle table, and the
// non-consuming state queries of sync objects. Resolved at run time so the
// same code builds with MinGW-w64 and MSVC headers.
#pragma once
#include <windows.h>

namespace ipcsh::nt {

using NTSTATUS = LONG;

struct UnicodeString {
  USHORT Length, MaximumLength;
  PWSTR Buffer;
};

enum ObjectInfoClass { ObjectBasicInformation = 0, ObjectNameInformation = 1, ObjectTypeInformation = 2 };

struct ObjectBasicInfo {
  ULONG Attributes;
  ACCESS_MASK GrantedAccess;
  ULONG HandleCount;
  ULONG PointerCount;
  ULONG Reserved[10];
};

// SystemExtendedHandleInformation (class 64): every handle of every process.
struct SystemHandleEntryEx {
  PVOID Object;
  ULONG_PTR UniqueProcessId;
  ULONG_PTR HandleValue;
  ACCESS_MASK GrantedAccess;
  USHORT CreatorBackTraceIndex;
  USHORT ObjectTypeIndex;
  ULONG HandleAttributes;  // OBJ_INHERIT = 2
  ULONG Reserved;
};
struct SystemHandleInfoEx {
  ULONG_PTR NumberOfHandles;
  ULONG_PTR Reserved;
  SystemHandleEntryEx Handles[1];
};
constexpr int SystemExtendedHandleInformation = 64;
constexpr ULONG OBJ_INHERIT_FLAG = 2;

NTSTATUS query_object(HANDLE handle, ObjectInfoClass what, void* buffer, ULONG size, ULONG* returned);
NTSTATUS query_system_information(int what, void* buffer, ULONG size, ULONG* returned);
// NtQueryEvent / NtQuerySemaphore / NtQueryMutant / NtQueryTimer, class 0:
// the state without waiting on (and so consuming) the object.
NTSTATUS query_state(const char* function, HANDLE handle, void* buffer, ULONG size);
ULONG status_to_error(NTSTATUS status);  // RtlNtStatusToDosError

}  // namespace ipcsh::nt
