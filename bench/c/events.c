/* events: N set/wait round trips between two processes. The parent sets
   `ping` and waits on `pong`; the child (this program with "child")
   waits on `ping` and sets `pong`.  usage: events.exe N */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10000;
  if (argc > 3 && strcmp(argv[2], "child") == 0) {
    char a[64], b[64];
    snprintf(a, sizeof a, "bench-ping-%s", argv[3]);
    snprintf(b, sizeof b, "bench-pong-%s", argv[3]);
    HANDLE ping = OpenEventA(SYNCHRONIZE, FALSE, a), pong = OpenEventA(EVENT_MODIFY_STATE, FALSE, b);
    if (!ping || !pong) return 2;
    for (int i = 0; i < n; ++i) {
      if (WaitForSingleObject(ping, 10000) != WAIT_OBJECT_0) return 3;
      SetEvent(pong);
    }
    return 0;
  }
  char tag[32];
  snprintf(tag, sizeof tag, "%lu", GetCurrentProcessId());
  char a[64], b[64];
  snprintf(a, sizeof a, "bench-ping-%s", tag);
  snprintf(b, sizeof b, "bench-pong-%s", tag);
  HANDLE ping = CreateEventA(NULL, FALSE, FALSE, a), pong = CreateEventA(NULL, FALSE, FALSE, b);
  char self[MAX_PATH], line[MAX_PATH + 64];
  GetModuleFileNameA(NULL, self, MAX_PATH);
  snprintf(line, sizeof line, "\"%s\" %d child %s", self, n, tag);
  STARTUPINFOA si = {sizeof si};
  PROCESS_INFORMATION pi;
  if (!CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return 4;
  for (int i = 0; i < n; ++i) {
    SetEvent(ping);
    if (WaitForSingleObject(pong, 10000) != WAIT_OBJECT_0) return 5;
  }
  WaitForSingleObject(pi.hProcess, 10000);
  printf("%d round trips\n", n);
  return 0;
}
