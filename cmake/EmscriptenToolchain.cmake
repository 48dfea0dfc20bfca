# Locates the Emscripten installation from the emcc on PATH and hands over to
# its own platform file, so that no preset names an installation path.
find_program(SLS_EMCC emcc REQUIRED)
get_filename_component(_sls_emcc_real "${SLS_EMCC}" REALPATH)
get_filename_component(_sls_em_root "${_sls_emcc_real}" DIRECTORY)
set(_sls_em_platform "${_sls_em_root}/cmake/Modules/Platform/Emscripten.cmake")
if(NOT EXISTS "${_sls_em_platform}")
  message(FATAL_ERROR "emcc found at ${SLS_EMCC}, but not its CMake platform file ${_sls_em_platform}")
endif()
include("${_sls_em_platform}")
