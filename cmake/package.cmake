# `cmake --build build --target package`: ipcsh-VERSION-win64.zip, what a
# Windows user unzips and runs - the one self-contained ipcsh.exe (static:
# no runtime DLLs), the shipped scripts, the README and docs/, this project's LICENSE,
# and the licences of the two libraries compiled into it (Lua's, from its
# own lua.h; fmt's LICENSE.rst).
set(PACKAGE_LICENSES ${CMAKE_BINARY_DIR}/licenses)
# Lua's licence is the notice at the end of lua.h (its Debian source has no
# separate file of it).
file(READ ${LUA_SOURCE_DIR}/src/lua.h LUA_H)
string(FIND "${LUA_H}" "* Copyright (C)" LUA_NOTICE_AT)
if(LUA_NOTICE_AT EQUAL -1)
  message(FATAL_ERROR "no licence notice found in ${LUA_SOURCE_DIR}/src/lua.h")
endif()
string(SUBSTRING "${LUA_H}" ${LUA_NOTICE_AT} -1 LUA_NOTICE)
string(REGEX REPLACE "\n\\*+/.*$" "\n" LUA_NOTICE "${LUA_NOTICE}")
string(REGEX REPLACE "(^|\n)\\* ?" "\\1" LUA_NOTICE "${LUA_NOTICE}")
file(WRITE ${PACKAGE_LICENSES}/lua-LICENSE.txt "${LUA_NOTICE}")
configure_file(${FMT_SOURCE_DIR}/LICENSE.rst ${PACKAGE_LICENSES}/fmt-LICENSE.rst COPYONLY)

install(TARGETS ipcsh RUNTIME DESTINATION .)
install(DIRECTORY scripts/ DESTINATION scripts FILES_MATCHING PATTERN "*.lua")
install(FILES README.md LICENSE DESTINATION .)
install(DIRECTORY docs/ DESTINATION docs FILES_MATCHING PATTERN "*.md")
install(FILES ${PACKAGE_LICENSES}/lua-LICENSE.txt ${PACKAGE_LICENSES}/fmt-LICENSE.rst DESTINATION licenses)

set(CPACK_GENERATOR ZIP)
set(CPACK_PACKAGE_NAME ipcsh)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_SYSTEM_NAME win64)
set(CPACK_PACKAGE_FILE_NAME ipcsh-${PROJECT_VERSION}-win64)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/package)
set(CPACK_INCLUDE_TOPLEVEL_DIRECTORY ON)
include(CPack)
