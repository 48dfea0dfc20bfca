# The project's one warning set, as the INTERFACE library `sls_warnings`
# (alias sls::warnings): a target that links it compiles its C++ with these
# flags, and with -Werror when SLS_WARNINGS_AS_ERRORS is ON (every preset turns
# it on). Third-party headers come in through imported targets, whose include
# directories are SYSTEM, so their warnings do not count.
# After cpp-best-practices/cmake_template's CompilerWarnings.cmake.

option(SLS_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" OFF)

add_library(sls_warnings INTERFACE)
add_library(sls::warnings ALIAS sls_warnings)

if(MSVC)
  # Not a supported toolchain; the nearest strict set, so a build still says something.
  set(_sls_warnings /W4 /permissive-)
  set(_sls_werror /WX)
else()
  # GCC, Clang and Emscripten's clang.
  set(_sls_warnings
    -Wall
    -Wextra
    -Wpedantic
    -Wshadow                # a local hiding a member or an outer name
    -Wconversion            # implicit narrowing of integers and floats
    -Wsign-conversion       # implicit signed <-> unsigned
    -Wnon-virtual-dtor      # a class with virtual functions and a non-virtual destructor
    -Wold-style-cast        # C casts hide what kind of cast is meant
    -Wnull-dereference      # a path that dereferences null (GCC sees these when optimising)
    -Wdouble-promotion      # float silently widened to double
    -Wformat=2              # printf-style calls with non-literal or mismatched formats
    -Wimplicit-fallthrough  # a switch case running into the next without [[fallthrough]]
  )
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    list(APPEND _sls_warnings
      -Wuseless-cast        # a cast to the type the value already has (GCC only)
    )
  endif()
  set(_sls_werror -Werror)
endif()

# C++ only: the C sources compiled for WebAssembly are third-party.
target_compile_options(sls_warnings INTERFACE "$<$<COMPILE_LANGUAGE:CXX>:${_sls_warnings}>")
if(SLS_WARNINGS_AS_ERRORS)
  target_compile_options(sls_warnings INTERFACE "$<$<COMPILE_LANGUAGE:CXX>:${_sls_werror}>")
endif()
# GCC 12 finds null dereferences in the optimised code only, and there reports
# paths through std::variant's copy, std::get_if and std::optional behind
# checks that exclude null, and inside libstdc++ streams and Asio (632 reports
# in a native-release build of slsd; the nine places in the project's code are
# all behind such checks). Optimised GCC builds leave it
# out; Clang's check (fuzz and tidy presets, WebAssembly) runs on the source
# and keeps it everywhere.
# Likewise GCC 12's -Wrestrict and -Wstringop-overflow (in -Wall) at -O3 on
# std::string concatenation and std::copy inlined into the tests (GCC bug
# 105329 and its kin): printed, not errors, in optimised GCC builds.
target_compile_options(sls_warnings INTERFACE
  "$<$<AND:$<COMPILE_LANGUAGE:CXX>,$<CXX_COMPILER_ID:GNU>,$<NOT:$<CONFIG:Debug>>>:-Wno-null-dereference;-Wno-error=restrict;-Wno-error=stringop-overflow>")
unset(_sls_warnings)
unset(_sls_werror)
