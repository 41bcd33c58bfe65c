# Cross build for 64-bit Windows with Debian's mingw-w64 (posix thread model), run under Wine.
# Packages: g++-mingw-w64-x86-64-posix, wine64 (+ wine for /usr/bin/wine). Used by the `mingw`
# preset; docs/windows-under-wine.md says what runs for real under Wine and what does not.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(HCIATTEST_MINGW_TRIPLET x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${HCIATTEST_MINGW_TRIPLET}-gcc-posix)
set(CMAKE_CXX_COMPILER ${HCIATTEST_MINGW_TRIPLET}-g++-posix)
set(CMAKE_RC_COMPILER ${HCIATTEST_MINGW_TRIPLET}-windres)

# Headers and libraries from the mingw sysroot and the Windows dependencies built by
# scripts/deps-mingw (OpenSSL, cpprestsdk, nlohmann_json, CLI11: a ";"-list of prefixes, from
# -DHCIATTEST_MINGW_DEPS=... or the environment variable of that name) only; never /usr/include,
# whose glibc headers would leak into a Windows compile. Programs (wine) from the build machine.
if(NOT DEFINED HCIATTEST_MINGW_DEPS AND DEFINED ENV{HCIATTEST_MINGW_DEPS})
  set(HCIATTEST_MINGW_DEPS "$ENV{HCIATTEST_MINGW_DEPS}")
endif()
set(HCIATTEST_MINGW_DEPS "${HCIATTEST_MINGW_DEPS}" CACHE STRING
    "Prefixes of the mingw-w64 dependencies (scripts/deps-mingw prints them)")
set(CMAKE_FIND_ROOT_PATH /usr/${HCIATTEST_MINGW_TRIPLET} ${HCIATTEST_MINGW_DEPS})
set(CMAKE_PREFIX_PATH ${HCIATTEST_MINGW_DEPS})
set(OPENSSL_USE_STATIC_LIBS ON)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Static: otherwise every executable needs libstdc++-6.dll, libgcc_s_seh-1.dll and
# libwinpthread-1.dll next to it, which Wine does not find (FACTS.md, Wine 8.0).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static")

# ctest and gtest_discover_tests run the .exe files through Wine. Debian's `wine` package
# provides /usr/bin/wine; `wine64` alone only /usr/lib/wine/wine64.
find_program(HCIATTEST_WINE NAMES wine wine64 PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(HCIATTEST_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${HCIATTEST_WINE})
endif()
