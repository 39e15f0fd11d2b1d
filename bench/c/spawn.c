/* spawn: N x (CreateProcess a trivial program + wait for it).
   usage: spawn.exe N PROGRAM */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 50;
  wchar_t program[MAX_PATH];
  MultiByteToWideChar(CP_UTF8, 0, argc > 2 ? argv[2] : "trivial.exe", -1, program, MAX_PATH);
  for (int i = 0; i < n; ++i) {
    STARTUPINFOW si = {sizeof si};
    PROCESS_INFORMATION pi;
    wchar_t line[MAX_PATH + 2];
    wcscpy(line, program);
    if (!CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
      printf("CreateProcessW failed at process %d: error %lu\n", i + 1, GetLastError());
      return 2;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
  }
  printf("%d processes\n", n);
  return 0;
}
