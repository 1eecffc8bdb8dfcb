# Cross-building for 64-bit Windows with Debian's mingw-w64 (the `windows` preset). The static
# dependencies come from scripts/windows-deps, whose prefix is given in JPKI_MINGW_PREFIX
# (a cache variable, or the environment variable of that name):
#   JPKI_MINGW_PREFIX=$(scripts/windows-deps) cmake --preset windows
# Tests run under Wine through scripts/windows/wine-run.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(JPKI_MINGW_HOST x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${JPKI_MINGW_HOST}-gcc)
set(CMAKE_RC_COMPILER ${JPKI_MINGW_HOST}-windres)

if(NOT JPKI_MINGW_PREFIX)
  set(JPKI_MINGW_PREFIX "$ENV{JPKI_MINGW_PREFIX}")
endif()
if(NOT IS_DIRECTORY "${JPKI_MINGW_PREFIX}/lib/pkgconfig")
  message(FATAL_ERROR "JPKI_MINGW_PREFIX ('${JPKI_MINGW_PREFIX}') is not a prefix of "
    "scripts/windows-deps: run JPKI_MINGW_PREFIX=$(scripts/windows-deps) cmake --preset windows")
endif()
set(JPKI_MINGW_PREFIX "${JPKI_MINGW_PREFIX}" CACHE PATH "scripts/windows-deps' prefix")

set(CMAKE_FIND_ROOT_PATH /usr/${JPKI_MINGW_HOST} ${JPKI_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config reads only the Windows libraries' files, and everything links statically, so
# it must give their private dependencies too (GLib's ws2_32, ole32...).
set(ENV{PKG_CONFIG_LIBDIR} "${JPKI_MINGW_PREFIX}/lib/pkgconfig:/usr/${JPKI_MINGW_HOST}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(PKG_CONFIG_ARGN --static CACHE STRING "pkg-config's arguments: static libraries")

set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/../scripts/windows/wine-run)
