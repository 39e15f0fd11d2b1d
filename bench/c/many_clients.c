/* many_clients: one server process serving K pipe clients (default 8), N
   round trips each. The server makes K instances of a message pipe
   (overlapped), starts K clients (this program with "client NAME N"),
   keeps a read pending on every instance and waits on all of them with
   WaitForMultipleObjects: the instance that got a message echoes it and
   reads again; a client that is done closes its end (ERROR_BROKEN_PIPE),
   and its instance leaves the wait. A client opens the pipe and makes N
   TransactNamedPipe calls of 64 bytes. bench/ipcsh/many_clients.lua is
   the same server in ipcsh, with the same clients.
   usage: many_clients.exe N [K]   |   many_clients.exe client NAME N */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLIENTS 32

static int fail(int code, const char *what) {
  fprintf(stderr, "many_clients.exe: %s failed: error %lu\n", what, GetLastError());
  return code;
}

static int client(const char *tag, int n) {
  char narrow[160];
  wchar_t name[160];
  snprintf(narrow, sizeof narrow, "\\\\.\\pipe\\%s", tag);
  MultiByteToWideChar(CP_ACP, 0, narrow, -1, name, 160);
  HANDLE pipe = INVALID_HANDLE_VALUE;
  /* every instance may be taken by a sibling for a moment: wait for one, up to 10 s */
  for (ULONGLONG deadline = GetTickCount64() + 10000; pipe == INVALID_HANDLE_VALUE && GetTickCount64() < deadline;) {
    pipe = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (pipe == INVALID_HANDLE_VALUE && !WaitNamedPipeW(name, 20) && GetLastError() == ERROR_FILE_NOT_FOUND) Sleep(1);
  }
  if (pipe == INVALID_HANDLE_VALUE) return fail(2, "CreateFileW");
  DWORD mode = PIPE_READMODE_MESSAGE;
  if (!SetNamedPipeHandleState(pipe, &mode, NULL, NULL)) return fail(3, "SetNamedPipeHandleState");
  char message[64], reply[256];
  DWORD got;
  for (int i = 0; i < n; ++i) {
    snprintf(message, sizeof message, "%08d", i);
    memset(message + 8, 'm', sizeof message - 8);
    if (!TransactNamedPipe(pipe, message, sizeof message, reply, sizeof reply, &got, NULL)) return fail(4, "TransactNamedPipe");
    if (got != sizeof message || memcmp(reply, message, sizeof message) != 0) return fail(5, "the echo");
  }
  CloseHandle(pipe);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 3 && strcmp(argv[1], "client") == 0) return client(argv[2], atoi(argv[3]));
  int n = argc > 1 ? atoi(argv[1]) : 10000;
  int k = argc > 2 ? atoi(argv[2]) : 8;
  if (k < 1 || k > MAX_CLIENTS) return 2;
  char tag[64], narrow[MAX_PATH + 200], self[MAX_PATH];
  wchar_t name[160], line[MAX_PATH + 200];
  snprintf(tag, sizeof tag, "bench-many-%lu", GetCurrentProcessId());
  snprintf(narrow, sizeof narrow, "\\\\.\\pipe\\%s", tag);
  MultiByteToWideChar(CP_ACP, 0, narrow, -1, name, 160);
  GetModuleFileNameA(NULL, self, MAX_PATH);

  HANDLE pipes[MAX_CLIENTS], events[MAX_CLIENTS], kids[MAX_CLIENTS];
  OVERLAPPED ov[MAX_CLIENTS];
  char buffers[MAX_CLIENTS][4096];
  int slot[MAX_CLIENTS];  /* the wait's index -> the instance */
  for (int i = 0; i < k; ++i) {
    pipes[i] = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, k, 4096, 4096, 0, NULL);
    if (pipes[i] == INVALID_HANDLE_VALUE) return fail(3, "CreateNamedPipeW");
    events[i] = CreateEventW(NULL, TRUE, FALSE, NULL);
  }
  for (int i = 0; i < k; ++i) {
    STARTUPINFOW si = {sizeof si};
    PROCESS_INFORMATION pi;
    snprintf(narrow, sizeof narrow, "\"%s\" client %s %d", self, tag, n);
    MultiByteToWideChar(CP_ACP, 0, narrow, -1, line, MAX_PATH + 200);
    if (!CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return fail(4, "CreateProcessW");
    CloseHandle(pi.hThread);
    kids[i] = pi.hProcess;
  }
  for (int i = 0; i < k; ++i) {
    memset(&ov[i], 0, sizeof ov[i]);
    ov[i].hEvent = events[i];
    if (!ConnectNamedPipe(pipes[i], &ov[i])) {
      DWORD e = GetLastError(), ignored;
      if (e == ERROR_IO_PENDING) {
        if (!GetOverlappedResult(pipes[i], &ov[i], &ignored, TRUE)) return fail(5, "ConnectNamedPipe");
      } else if (e != ERROR_PIPE_CONNECTED) {
        return fail(5, "ConnectNamedPipe");
      }
    }
  }
  /* a read pending on every instance */
  for (int i = 0; i < k; ++i) {
    slot[i] = i;
    if (!ReadFile(pipes[i], buffers[i], sizeof buffers[i], NULL, &ov[i]) && GetLastError() != ERROR_IO_PENDING)
      return fail(6, "ReadFile");
  }
  long long served = 0;
  int live = k;
  HANDLE waited[MAX_CLIENTS];
  for (int i = 0; i < k; ++i) waited[i] = events[i];
  while (live > 0) {
    DWORD w = WaitForMultipleObjects(live, waited, FALSE, 30000);
    if (w >= WAIT_OBJECT_0 + (DWORD)live) return fail(7, "WaitForMultipleObjects");
    int at = (int)(w - WAIT_OBJECT_0), i = slot[at];
    DWORD got, put;
    BOOL ok = GetOverlappedResult(pipes[i], &ov[i], &got, FALSE);
    if (ok) {
      ++served;
      if (!WriteFile(pipes[i], buffers[i], got, &put, &ov[i]) &&
          (GetLastError() != ERROR_IO_PENDING || !GetOverlappedResult(pipes[i], &ov[i], &put, TRUE)))
        return fail(9, "WriteFile");
      ok = ReadFile(pipes[i], buffers[i], sizeof buffers[i], NULL, &ov[i]) || GetLastError() == ERROR_IO_PENDING;
    }
    if (!ok) {
      if (GetLastError() != ERROR_BROKEN_PIPE) return fail(8, "ReadFile");
      /* this client is done: its instance leaves the wait */
      CloseHandle(pipes[i]);
      --live;
      waited[at] = waited[live];
      slot[at] = slot[live];
    }
  }
  int bad = 0;
  for (int i = 0; i < k; ++i) {
    DWORD code = 1;
    WaitForSingleObject(kids[i], 30000);
    GetExitCodeProcess(kids[i], &code);
    if (code != 0) ++bad;
  }
  printf("%lld messages from %d clients (%d failed)\n", served, k, bad);
  return served == (long long)n * k && bad == 0 ? 0 : 1;
}
