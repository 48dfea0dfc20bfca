# Precompressed copies of the files slsd (or any web server) serves from web/:
# FILE.gz (gzip -9) and FILE.br (brotli, quality 11) beside every .html .js
# .mjs .css .svg .json and .wasm under WEB_DIR, the built web/dist included.
# slsd picks one by the request's Accept-Encoding (docs/server-http.md); nginx's
# gzip_static and brotli_static read the same files. A copy is remade only
# when it is older than its file, and one left by a deleted file is removed.
# The copies are build output: .gitignore keeps them out of the repository.
#
#   cmake -DWEB_DIR=<dir> -DGZIP=<gzip> -DBROTLI=<brotli> -P PrecompressWeb.cmake
cmake_minimum_required(VERSION 3.25)
if(NOT WEB_DIR OR NOT GZIP OR NOT BROTLI)
  message(FATAL_ERROR "PrecompressWeb.cmake needs WEB_DIR, GZIP and BROTLI")
endif()

file(GLOB_RECURSE _files LIST_DIRECTORIES false
  "${WEB_DIR}/*.html" "${WEB_DIR}/*.js" "${WEB_DIR}/*.mjs" "${WEB_DIR}/*.css"
  "${WEB_DIR}/*.svg" "${WEB_DIR}/*.json" "${WEB_DIR}/*.wasm")

foreach(_f IN LISTS _files)
  # Not served: the tests, the build scripts, the Node flavour of the module.
  file(RELATIVE_PATH _rel "${WEB_DIR}" "${_f}")
  if(_rel MATCHES "^(test|scripts|test-results|node_modules|dist/node)/")
    continue()
  endif()
  if(NOT EXISTS "${_f}.gz" OR "${_f}" IS_NEWER_THAN "${_f}.gz")
    # -n: no name or time stamp inside, so equal files give equal copies.
    execute_process(COMMAND "${GZIP}" -9 -n -k -f -c "${_f}" OUTPUT_FILE "${_f}.gz.tmp" RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "gzip failed on ${_f}")
    endif()
    file(RENAME "${_f}.gz.tmp" "${_f}.gz")
  endif()
  if(NOT EXISTS "${_f}.br" OR "${_f}" IS_NEWER_THAN "${_f}.br")
    execute_process(COMMAND "${BROTLI}" -q 11 -f -o "${_f}.br.tmp" "${_f}" RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "brotli failed on ${_f}")
    endif()
    file(RENAME "${_f}.br.tmp" "${_f}.br")
    file(TOUCH_NOCREATE "${_f}.br")  # brotli gives the copy its file's time
  endif()
endforeach()

# Copies whose file is gone.
file(GLOB_RECURSE _copies LIST_DIRECTORIES false "${WEB_DIR}/*.gz" "${WEB_DIR}/*.br")
foreach(_c IN LISTS _copies)
  string(REGEX REPLACE "\\.(gz|br)$" "" _orig "${_c}")
  if(NOT EXISTS "${_orig}")
    file(REMOVE "${_c}")
  endif()
endforeach()
