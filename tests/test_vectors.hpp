// Reads the JSON test vectors under tests/vectors/, which the Jest suites
// read too (one data set for the native and the WebAssembly builds).
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <string_view>

namespace sls::testing {

/// The parsed file tests/vectors/<name>; a missing file fails the test.
inline nlohmann::json load_test_vectors(std::string_view name) {
  const std::string path = std::string(SLS_TEST_VECTORS_DIR) + "/" + std::string(name);
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  return nlohmann::json::parse(in);
}

}  // namespace sls::testing
