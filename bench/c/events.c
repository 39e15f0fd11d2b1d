/* events: N set/wait round trips between two processes. The parent sets
   `ping` and waits on `pong`; the child (this program with "child")
   waits on `ping` and sets `pong`.  usage: events.exe N */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10000;
  if (argc > 3 && strcmp(argv[2], "child") == 0) {
    wchar_t a[64], b[64];
    swprintf(a, 64, L"bench-ping-%S", argv[3]);
    swprintf(b, 64, L"bench-pong-%S", argv[3]);
    HANDLE ping = OpenEventW(SYNCHRONIZE, FALSE, a), pong = OpenEventW(EVENT_MODIFY_STATE, FALSE, b);
    if (!ping || !pong) return 2;
    for (int i = 0; i < n; ++i) {
      if (WaitForSingleObject(ping, 10000) != WAIT_OBJECT_0) return 3;
      SetEvent(pong);
    }
    return 0;
  }
  char tag[32];
  snprintf(tag, sizeof tag, "%lu", GetCurrentProcessId());
  wchar_t a[64], b[64];
  swprintf(a, 64, L"bench-ping-%S", tag);
  swprintf(b, 64, L"bench-pong-%S", tag);
  HANDLE ping = CreateEventW(NULL, FALSE, FALSE, a), pong = CreateEventW(NULL, FALSE, FALSE, b);
  wchar_t self[MAX_PATH], line[MAX_PATH + 64];
  GetModuleFileNameW(NULL, self, MAX_PATH);
  swprintf(line, MAX_PATH + 64, L"\"%s\" %d child %S", self, n, tag);
  STARTUPINFOW si = {sizeof si};
  PROCESS_INFORMATION pi;
  if (!CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return 4;
  for (int i = 0; i < n; ++i) {
    SetEvent(ping);
    if (WaitForSingleObject(pong, 10000) != WAIT_OBJECT_0) return 5;
  }
  WaitForSingleObject(pi.hProcess, 10000);
  printf("%d round trips\n", n);
  return 0;
}
