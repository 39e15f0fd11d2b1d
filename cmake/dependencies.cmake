# Lua 5.4 and fmt, compiled from source for the target.
#
# On Debian, tools/setup.sh unpacks their Debian source packages into deps/.
# Elsewhere (a native Windows build) pass -DLUA_SOURCE_DIR=<lua-5.4.x> and
# -DFMT_SOURCE_DIR=<fmt-9.x>, from the upstream tarballs.
set(LUA_SOURCE_DIR ${PROJECT_SOURCE_DIR}/deps/lua CACHE PATH "Lua 5.4 source tree (with src/)")
set(FMT_SOURCE_DIR ${PROJECT_SOURCE_DIR}/deps/fmt CACHE PATH "fmt source tree (with include/ and src/)")

foreach(required ${LUA_SOURCE_DIR}/src/lua.h ${FMT_SOURCE_DIR}/include/fmt/format.h)
  if(NOT EXISTS ${required})
    message(FATAL_ERROR "${required} is missing: run tools/setup.sh (or set LUA_SOURCE_DIR / FMT_SOURCE_DIR)")
  endif()
endforeach()

# Lua is compiled as C++ on purpose: lua_error then unwinds with a C++
# exception instead of longjmp, so destructors of C++ objects between a Lua
# error and its pcall run (RAII handles, strings) - see src/lua/lua_binding.cpp.
file(GLOB LUA_SOURCES ${LUA_SOURCE_DIR}/src/*.c)
list(FILTER LUA_SOURCES EXCLUDE REGEX "/(lua|luac|onelua)\\.c$")
set_source_files_properties(${LUA_SOURCES} PROPERTIES LANGUAGE CXX)
add_library(lua54 STATIC ${LUA_SOURCES})
target_include_directories(lua54 PUBLIC ${LUA_SOURCE_DIR}/src)
target_compile_definitions(lua54 PUBLIC LUA_COMPAT_5_3)
set_target_properties(lua54 PROPERTIES LINKER_LANGUAGE CXX)
if(MSVC)
  target_compile_options(lua54 PRIVATE /TP /w)
else()
  target_compile_options(lua54 PRIVATE -x c++ -w)
endif()

add_library(fmt STATIC ${FMT_SOURCE_DIR}/src/format.cc ${FMT_SOURCE_DIR}/src/os.cc)
target_include_directories(fmt PUBLIC ${FMT_SOURCE_DIR}/include)
target_compile_options(fmt PRIVATE $<$<NOT:$<CXX_COMPILER_ID:MSVC>>:-w>)
