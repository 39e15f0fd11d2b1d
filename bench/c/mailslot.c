/* mailslot: N x (send a 64-byte message to a mailslot + receive it), the
   raw Win32 calls ipcsh's `w:send(m); slot:recv()` stands for: WriteFile on
   the writer end; on the reader end GetMailslotInfo, then ReadFile of the
   size it gives - the way the Windows documentation's mailslot reader
   (ReadSlot) reads, and what ipcsh does so that a read never blocks where
   nothing waits (a blocked mailslot read cannot be cancelled under Wine).
   With "block" after N: a plain ReadFile into a 64 KB buffer instead.
   usage: mailslot.exe N [block] */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 100000;
  int block = argc > 2 && strcmp(argv[2], "block") == 0;
  wchar_t name[64];
  swprintf(name, 64, L"\\\\.\\mailslot\\bench-c-%lu", GetCurrentProcessId());
  HANDLE slot = CreateMailslotW(name, 0, MAILSLOT_WAIT_FOREVER, NULL);
  HANDLE w = CreateFileW(name, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
  if (slot == INVALID_HANDLE_VALUE || w == INVALID_HANDLE_VALUE) return 2;
  char message[64], buffer[65536];
  memset(message, 'm', sizeof message);
  for (int i = 0; i < n; ++i) {
    DWORD done = 0, next = 0, count = 0;
    if (!WriteFile(w, message, sizeof message, &done, NULL) || done != sizeof message) return 3;
    DWORD size = sizeof buffer;
    if (!block) {
      if (!GetMailslotInfo(slot, NULL, &next, &count, NULL) || next == MAILSLOT_NO_MESSAGE) return 5;
      size = next;
    }
    if (!ReadFile(slot, buffer, size, &done, NULL) || done != sizeof message) return 4;
  }
  printf("%d messages\n", n);
  return 0;
}
