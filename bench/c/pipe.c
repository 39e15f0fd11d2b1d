/* pipe: N message round trips on a named pipe - the client's
   TransactNamedPipe to a server that echoes each message - then BYTES of
   bulk data one way in 64 KB writes; with "byte" after BYTES, the pipe is
   a byte-mode pipe (no round trips then). The server is this program with
   "server NAME [byte]".  usage: pipe.exe N BYTES [byte] */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(int code, const char *what) {
  fprintf(stderr, "pipe.exe: %s failed: error %lu\n", what, GetLastError());
  return code;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10000;
  long long bytes = argc > 2 ? atoll(argv[2]) : 64ll << 20;
  int byte_mode = (argc > 3 && strcmp(argv[argc - 1], "byte") == 0);
  if (argc > 4 && strcmp(argv[3], "server") == 0) {
    char narrow[128];
    wchar_t name[128];
    snprintf(narrow, sizeof narrow, "\\\\.\\pipe\\%s", argv[4]);
    MultiByteToWideChar(CP_ACP, 0, narrow, -1, name, 128);
    DWORD type = byte_mode ? PIPE_TYPE_BYTE | PIPE_READMODE_BYTE : PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE;
    HANDLE msg = CreateNamedPipeW(name, PIPE_ACCESS_DUPLEX, type, 1, 65536, 65536, 0, NULL);
    if (!ConnectNamedPipe(msg, NULL) && GetLastError() != ERROR_PIPE_CONNECTED) return 2;
    char buffer[65536];
    DWORD got, put;
    for (int i = 0; i < n; ++i) {
      if (!ReadFile(msg, buffer, sizeof buffer, &got, NULL)) return 3;
      WriteFile(msg, buffer, got, &put, NULL);
    }
    long long total = 0;
    while (total < bytes && ReadFile(msg, buffer, sizeof buffer, &got, NULL) && got > 0) total += got;
    return total == bytes ? 0 : 4;
  }
  char tag[64];
  snprintf(tag, sizeof tag, "bench-pipe-%lu", GetCurrentProcessId());
  char self[MAX_PATH], narrow[MAX_PATH + 128];
  wchar_t line[MAX_PATH + 128], name[128];
  GetModuleFileNameA(NULL, self, MAX_PATH);
  snprintf(narrow, sizeof narrow, "\"%s\" %d %lld server %s%s", self, n, bytes, tag, byte_mode ? " byte" : "");
  MultiByteToWideChar(CP_ACP, 0, narrow, -1, line, MAX_PATH + 128);
  snprintf(narrow, sizeof narrow, "\\\\.\\pipe\\%s", tag);
  MultiByteToWideChar(CP_ACP, 0, narrow, -1, name, 128);
  STARTUPINFOW si = {sizeof si};
  PROCESS_INFORMATION pi;
  if (!CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return fail(5, "CreateProcessW");
  HANDLE client = INVALID_HANDLE_VALUE;
  /* until the server has made the pipe (WaitNamedPipe returns at once while
     the name does not exist yet), for up to 10 s, as ipcsh's open-pipe --wait */
  for (ULONGLONG deadline = GetTickCount64() + 10000; client == INVALID_HANDLE_VALUE && GetTickCount64() < deadline;) {
    if (!WaitNamedPipeW(name, 20) && GetLastError() == ERROR_FILE_NOT_FOUND) Sleep(1);
    client = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
  }
  if (client == INVALID_HANDLE_VALUE) return fail(6, "CreateFileW");
  DWORD mode = PIPE_READMODE_MESSAGE;
  if (!byte_mode) SetNamedPipeHandleState(client, &mode, NULL, NULL);
  char message[64], buffer[65536];
  memset(message, 'p', sizeof message);
  DWORD got;
  for (int i = 0; i < n; ++i)
    if (!TransactNamedPipe(client, message, sizeof message, buffer, sizeof buffer, &got, NULL) || got != sizeof message) return fail(7, "TransactNamedPipe");
  LARGE_INTEGER t0, t1, f;
  QueryPerformanceCounter(&t0);
  for (long long sent = 0; sent < bytes; sent += 65536) WriteFile(client, buffer, 65536, &got, NULL);
  WaitForSingleObject(pi.hProcess, 60000);
  QueryPerformanceCounter(&t1);
  QueryPerformanceFrequency(&f);
  DWORD code = 1;
  GetExitCodeProcess(pi.hProcess, &code);
  printf("%d round trips, %lld bytes (exit %lu)\n", n, bytes, code);
  return (int)code;
}
