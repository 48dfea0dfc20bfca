# Native dependencies come from Debian's -dev packages (installed by
# scripts/setup). Each is exposed as an imported target so that the rest of the
# build names targets, never paths.
find_package(PkgConfig REQUIRED)
pkg_check_modules(sodium REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
add_library(sls::sodium ALIAS PkgConfig::sodium)

# QR-Code-generator's C library (libqrcodegen-dev); its pkg-config file puts
# the qrcodegen/ include folder on the path, so the header is <qrcodegen.h>.
pkg_check_modules(qrcodegen REQUIRED IMPORTED_TARGET qrcodegen>=1.8)
add_library(sls::qrcodegen ALIAS PkgConfig::qrcodegen)

if(SLS_BUILD_SERVER OR SLS_BUILD_FUZZ)
  # slsd's HTTP front end (and its request fuzz target): Boost.Beast and
  # Boost.Asio, header-only (so is Boost.System since 1.69), as the
  # Boost::headers target.
  find_package(Boost 1.81 REQUIRED CONFIG)
endif()
if(SLS_BUILD_SERVER)
  # PostgreSQL's client library (libpq-dev): the shared store of several
  # slsd nodes, their push listener, and the tests that set them up.
  pkg_check_modules(libpq REQUIRED IMPORTED_TARGET libpq)
endif()

if(SLS_BUILD_TESTS)
  find_package(GTest REQUIRED)
  if(SLS_BUILD_SERVER)
    # The server tests' HTTP client (the server itself does not use it).
    # Debian's cpp-httplib ships a compiled library; its pkg-config file
    # carries the feature macros the library was built with, which the
    # header must see.
    pkg_check_modules(httplib REQUIRED IMPORTED_TARGET cpp-httplib>=0.11)
  endif()
endif()
if(SLS_BUILD_TESTS OR SLS_BUILD_FUZZ)
  # Test vectors are JSON files shared with the Jest suites (and the seeds of
  # the fuzz corpora).
  find_package(nlohmann_json 3 REQUIRED)
endif()
if(SLS_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
