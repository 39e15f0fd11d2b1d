#include "nt.hpp"

namespace ipcsh::nt {
namespace {

template <class F>
F ntdll(const char* name) {
  static HMODULE module = GetModuleHandleW(L"ntdll.dll");
  return reinterpret_cast<F>(reinterpret_cast<void*>(GetProcAddress(module, name)));
}

}  // namespace

NTSTATUS query_object(HANDLE handle, ObjectInfoClass what, void* buffer, ULONG size, ULONG* returned) {
  using Fn = NTSTATUS(NTAPI*)(HANDLE, int, void*, ULONG, ULONG*);
  static Fn fn = ntdll<Fn>("NtQueryObject");
  return fn(handle, what, buffer, size, returned);
}

NTSTATUS query_system_information(int what, void* buffer, ULONG size, ULONG* returned) {
  using Fn = NTSTATUS(NTAPI*)(int, void*, ULONG, ULONG*);
  static Fn fn = ntdll<Fn>("NtQuerySystemInformation");
  return fn(what, buffer, size, returned);
}

NTSTATUS query_state(const char* function, HANDLE handle, void* buffer, ULONG size) {
  using Fn = NTSTATUS(NTAPI*)(HANDLE, int, void*, ULONG, ULONG*);
  Fn fn = ntdll<Fn>(function);
  ULONG returned = 0;
  return fn ? fn(handle, 0, buffer, size, &returned) : static_cast<NTSTATUS>(0xC0000002L);
}

ULONG status_to_error(NTSTATUS status) {
  using Fn = ULONG(NTAPI*)(NTSTATUS);
  static Fn fn = ntdll<Fn>("RtlNtStatusToDosError");
  return fn(status);
}

}  // namespace ipcsh::nt
