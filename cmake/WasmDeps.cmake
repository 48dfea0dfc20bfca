# WebAssembly dependencies: libsodium and QR-Code-generator compiled with emcc
# from the Debian source packages that scripts/fetch-wasm-sources verifies and
# unpacks under .deps/. They are exposed under the same target names the
# native build uses (sls::sodium, sls::qrcodegen, see NativeDeps.cmake), so
# src/ and wasm/ never know which build they are in.

# Code generation for everything linked into the WebAssembly modules (these
# libraries, sls_core in src/, the bindings and the link in wasm/): size first,
# since the module is downloaded on every login page (issue 3: the component
# must stay under 120 KiB gzipped), and link-time optimisation. With -flto the
# objects are LLVM bitcode, optimised together at link with Emscripten's LTO
# builds of its own libraries, so code is inlined and dropped across library
# boundaries: about 8 KB gzipped less than optimising each object alone.
# -Oz beats -Os by a few hundred bytes; -fno-rtti does not pay (Embind then
# needs its RTTI-free variant, which came out larger).
set(SLS_WASM_CODEGEN_OPTIONS -Oz -flto)

set(SLS_WASM_DEPS_DIR "${PROJECT_SOURCE_DIR}/.deps" CACHE PATH
    "Folder holding the unpacked dependency sources (filled by scripts/fetch-wasm-sources)")

# Finds .deps/<package>-<version>/ that fetch-wasm-sources has verified (it
# leaves a .sls-verified stamp); the newest version wins.
function(sls_find_wasm_source out package)
  file(GLOB _candidates LIST_DIRECTORIES true "${SLS_WASM_DEPS_DIR}/${package}-*")
  set(_verified "")
  foreach(_dir IN LISTS _candidates)
    if(IS_DIRECTORY "${_dir}" AND EXISTS "${_dir}/.sls-verified")
      list(APPEND _verified "${_dir}")
    endif()
  endforeach()
  if(NOT _verified)
    message(FATAL_ERROR
      "The WebAssembly build needs the ${package} sources in ${SLS_WASM_DEPS_DIR}/${package}-<version>/.\n"
      "Run scripts/fetch-wasm-sources (as root, or with sudo available) to download, verify and unpack them.")
  endif()
  list(SORT _verified COMPARE NATURAL ORDER DESCENDING)
  list(GET _verified 0 _newest)
  set(${out} "${_newest}" PARENT_SCOPE)
endfunction()

# ---------------------------------------------------------------------------
# libsodium
#
# The tarball is the upstream git tree (no generated configure), so instead of
# running autotools under emconfigure we compile every src/libsodium/**/*.c
# with the results its configure script reaches for Emscripten, as used by
# dist-build/emscripten.sh (--disable-asm --without-pthreads --disable-ssp
# --disable-pie): no CPU-specific code paths (the SSE/AVX files compile to
# nothing without HAVE_*INTRIN_H), no mmap/mlock/getrandom checks (skipped for
# Emscripten; randomness comes from the JS host's crypto), little endian.
sls_find_wasm_source(SLS_SODIUM_SOURCE_DIR libsodium)
message(STATUS "libsodium sources for WebAssembly: ${SLS_SODIUM_SOURCE_DIR}")

set(_sodium_src "${SLS_SODIUM_SOURCE_DIR}/src/libsodium")
set(_sodium_gen "${CMAKE_BINARY_DIR}/wasm-deps/libsodium/include")

# include/sodium/version.h from version.h.in, with the numbers configure.ac sets.
file(READ "${SLS_SODIUM_SOURCE_DIR}/configure.ac" _sodium_configure_ac)
string(REGEX MATCH "AC_INIT\\(\\[libsodium\\],\\[([0-9.]+)\\]" _m "${_sodium_configure_ac}")
set(VERSION "${CMAKE_MATCH_1}")
string(REGEX MATCH "SODIUM_LIBRARY_VERSION_MAJOR=([0-9]+)" _m "${_sodium_configure_ac}")
set(SODIUM_LIBRARY_VERSION_MAJOR "${CMAKE_MATCH_1}")
string(REGEX MATCH "SODIUM_LIBRARY_VERSION_MINOR=([0-9]+)" _m "${_sodium_configure_ac}")
set(SODIUM_LIBRARY_VERSION_MINOR "${CMAKE_MATCH_1}")
if(NOT VERSION OR NOT SODIUM_LIBRARY_VERSION_MAJOR OR NOT SODIUM_LIBRARY_VERSION_MINOR)
  message(FATAL_ERROR "Could not read libsodium's version numbers from ${SLS_SODIUM_SOURCE_DIR}/configure.ac")
endif()
set(SODIUM_LIBRARY_MINIMAL_DEF "")  # the full library: the core needs crypto_kx and Ed25519
configure_file("${_sodium_src}/include/sodium/version.h.in"
               "${_sodium_gen}/sodium/version.h" @ONLY)
# version.h includes "export.h" from its own folder.
configure_file("${_sodium_src}/include/sodium/export.h"
               "${_sodium_gen}/sodium/export.h" COPYONLY)
unset(VERSION)

file(GLOB_RECURSE _sodium_sources CONFIGURE_DEPENDS "${_sodium_src}/*.c")
add_library(sls_wasm_sodium STATIC ${_sodium_sources})
target_include_directories(sls_wasm_sodium
  PUBLIC "${_sodium_gen}" "${_sodium_src}/include"
  PRIVATE "${_sodium_gen}/sodium" "${_sodium_src}/include/sodium")
target_compile_definitions(sls_wasm_sodium PRIVATE
  CONFIGURED=1             # "the build system was properly configured"
  NATIVE_LITTLE_ENDIAN=1
  HAVE_ALLOCA_H=1 HAVE_ALLOCA=1 HAVE_C_VARARRAYS=1
  HAVE_ATOMIC_OPS=1
  HAVE_SYS_MMAN_H=1 HAVE_SYS_RANDOM_H=1
  HAVE_POSIX_MEMALIGN=1 HAVE_GETPID=1 HAVE_NANOSLEEP=1
  HAVE_EXPLICIT_BZERO=1)
# Size first, like the rest of the module (SLS_WASM_CODEGEN_OPTIONS above);
# third-party code is not ours to warn about.
target_compile_options(sls_wasm_sodium PRIVATE ${SLS_WASM_CODEGEN_OPTIONS} -w)
set_target_properties(sls_wasm_sodium PROPERTIES C_STANDARD 99 C_EXTENSIONS ON)
add_library(sls::sodium ALIAS sls_wasm_sodium)

# ---------------------------------------------------------------------------
# QR-Code-generator (the C library: one source file, compiled unchanged)
#
# Its C API reports data too long for any symbol as a return value and works
# in caller-supplied buffers: no exceptions, no heap, and none of libc++'s
# iostream or locale machinery in the module. Its asserts compile away
# (NDEBUG) in the size-first MinSizeRel build.
sls_find_wasm_source(SLS_QRCODEGEN_SOURCE_DIR qr-code-generator)
message(STATUS "QR-Code-generator sources for WebAssembly: ${SLS_QRCODEGEN_SOURCE_DIR}")

add_library(sls_wasm_qrcodegen STATIC "${SLS_QRCODEGEN_SOURCE_DIR}/c/qrcodegen.c")
target_include_directories(sls_wasm_qrcodegen SYSTEM PUBLIC "${SLS_QRCODEGEN_SOURCE_DIR}/c")
target_compile_options(sls_wasm_qrcodegen PRIVATE ${SLS_WASM_CODEGEN_OPTIONS} -w)
set_target_properties(sls_wasm_qrcodegen PROPERTIES C_STANDARD 99)
add_library(sls::qrcodegen ALIAS sls_wasm_qrcodegen)
