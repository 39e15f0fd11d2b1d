/* memory: write then read a 64 MB view in 64 KB blocks, ROUNDS times:
   what ipcsh's write-mem/read-mem do, as memcpy.  usage: memory.exe ROUNDS */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 4;
  const SIZE_T size = 64u << 20, block = 64u << 10;
  wchar_t name[64];  /* named, as ipcsh's create-mapping NAME makes it */
  swprintf(name, 64, L"bench-mem-c-%lu", GetCurrentProcessId());
  HANDLE mapping = CreateFileMappingW(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, (DWORD)size, name);
  char *view = (char *)MapViewOfFile(mapping, FILE_MAP_WRITE, 0, 0, size);
  if (!view) return 2;
  char *data = malloc(block), *back = malloc(block);
  memset(data, 'd', block);
  unsigned long sum = 0;
  for (int r = 0; r < rounds; ++r)
    for (SIZE_T off = 0; off < size; off += block) {
      memcpy(view + off, data, block);
      memcpy(back, view + off, block);
      sum += (unsigned char)back[block - 1];
    }
  printf("%d rounds, %lu\n", rounds, sum);
  return 0;
}
