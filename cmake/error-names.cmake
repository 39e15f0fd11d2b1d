# Generates ${OUTPUT}: one `{code, "NAME"},` line per Win32 error code, read
# from the Windows SDK's own winerror.h (the toolchain's copy), so the symbolic
# names ipcsh prints are the SDK's and nothing is hand-copied. Also takes the
# Winsock codes (WSAE...) for socket errors, and the RPC_S_ codes some
# security APIs set (an unknown SDDL ACE type: RPC_S_INVALID_STRING_UUID). The first name for a code wins.
if(NOT WINERROR_H)
  message(FATAL_ERROR "WINERROR_H not set")
endif()
# Value spellings seen: 121L (Windows SDK), __MSABI_LONG(121) and
# (WSABASEERR + 61) (MinGW-w64).
set(number "(__MSABI_LONG\\()?(\\(WSABASEERR \\+ )?([0-9]+)L?\\)?")
file(STRINGS ${WINERROR_H} lines REGEX "^#define[ \t]+(ERROR_|WSAE|WAIT_TIMEOUT|RPC_S_)[A-Z0-9_]*[ \t]+${number}[ \t]*$")
set(seen "")
set(body "")
foreach(line IN LISTS lines)
  string(REGEX MATCH "^#define[ \t]+([A-Z0-9_]+)[ \t]+${number}" _ "${line}")
  set(name ${CMAKE_MATCH_1})
  set(code ${CMAKE_MATCH_4})
  if(CMAKE_MATCH_3)
    math(EXPR code "10000 + ${code}")  # WSABASEERR
  endif()
  if(name MATCHES "^ERROR_(SUCCESS|SEVERITY)" AND NOT name STREQUAL "ERROR_SUCCESS")
    continue()
  endif()
  list(FIND seen ${code} found)
  if(found EQUAL -1)
    list(APPEND seen ${code})
    string(APPEND body "{${code}u, \"${name}\"},\n")
  endif()
endforeach()
file(WRITE ${OUTPUT}.tmp "${body}")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
