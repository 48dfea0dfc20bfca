// Writes the seed corpora of the fuzz targets from the JSON test vectors
// (tests/vectors/), one file per input: run by the build, never committed.
//
// Usage: fuzz_make_seeds VECTORS_DIR OUT_DIR
// Writes OUT_DIR/<target>/<n> for each target below, replacing what was
// there. Exits 1 when a vector file cannot be read.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The strings found at `path` in `node`: keys separated by '/', "*" for
// every element of an array or every member of an object.
void collect(const json& node, std::string_view path, std::vector<std::string>& out) {
  if (path.empty()) {
    if (node.is_string()) out.push_back(node.get<std::string>());
    return;
  }
  const auto slash = path.find('/');
  const std::string key(path.substr(0, slash));
  const std::string_view rest = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  if (key == "*") {
    for (const auto& child : node) collect(child, rest, out);
  } else if (node.is_object() && node.contains(key)) {
    collect(node[key], rest, out);
  }
}

// Every value inside `node` (objects and arrays included), compact.
void collect_values(const json& node, std::vector<std::string>& out) {
  out.push_back(node.dump());
  if (node.is_structured())
    for (const auto& child : node) collect_values(child, out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: fuzz_make_seeds VECTORS_DIR OUT_DIR\n";
    return 2;
  }
  const fs::path vectors = argv[1];
  const fs::path out = argv[2];

  std::map<std::string, json> files;
  std::map<std::string, std::string> texts;
  for (const char* name :
       {"card_entries.json", "response_strings.json", "pins.json", "signed_payloads.json", "ocra_rfc6287.json"}) {
    std::ifstream in(vectors / name, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in.good()) {
      std::cerr << "fuzz_make_seeds: cannot read " << (vectors / name).string() << "\n";
      return 1;
    }
    texts[name] = text.str();
    files[name] = json::parse(texts[name]);
  }
  auto strings = [&](const std::string& file, std::string_view path) {
    std::vector<std::string> found;
    collect(files.at(file), path, found);
    return found;
  };

  std::map<std::string, std::set<std::string>> seeds;

  // JSON: the vector files whole, and every value in them on its own.
  for (const auto& [name, text] : texts) {
    seeds["json_fuzz"].insert(text);
    std::vector<std::string> values;
    collect_values(files.at(name), values);
    seeds["json_fuzz"].insert(values.begin(), values.end());
  }

  // Typed codes and PINs: what the vectors type, and what they expect back.
  for (const auto* path : {"cases/*/typed", "cases/*/normalized", "cases/*/display"})
    for (auto& s : strings("card_entries.json", path)) seeds["typed_code_fuzz"].insert(s);
  for (const auto* section : {"responses", "challenges"})
    for (const auto* field : {"/*/typed", "/*/normalized", "/*/display"})
      for (auto& s : strings("response_strings.json", std::string(section) + field)) seeds["typed_code_fuzz"].insert(s);
  for (const auto* path : {"recovery/*/pin", "soft/*/pin"})
    for (auto& s : strings("pins.json", path)) {
      seeds["pin_fuzz"].insert(s);
      seeds["typed_code_fuzz"].insert(s);
    }
  for (auto& s : seeds["typed_code_fuzz"]) seeds["pin_fuzz"].insert(s);

  // Signed payloads: valid and invalid texts, and origins (checked alone).
  for (const auto* path : {"valid/*/text", "invalid/*/text", "origins/valid/*", "origins/invalid/*"})
    for (auto& s : strings("signed_payloads.json", path)) seeds["signed_payload_fuzz"].insert(s);

  // OCRA: each suite alone, and followed by its question.
  for (const auto* section : {"vectors", "refused", "cross_checked"}) {
    for (const auto& v : files.at("ocra_rfc6287.json")[section]) {
      const std::string suite = v.value("suite", "");
      seeds["ocra_suite_fuzz"].insert(suite);
      if (v.contains("question")) seeds["ocra_suite_fuzz"].insert(suite + "\n" + v["question"].get<std::string>());
    }
  }

  // Accept-Language has no vector file: the headers of the server's tests
  // and of common browsers.
  seeds["accept_language_fuzz"] = {"",
                                   "zh-TW",
                                   "zh-HK,zh;q=0.8",
                                   "en;q=0.5, zh-CN;q=0.9",
                                   "zh-Hant;q=0.1, fr",
                                   "*;q=1, zh",
                                   ";;;,,,zh-;q=abc",
                                   "zh;q=abc, en;q=0.001",
                                   "zh-TW,zh;q=0.9,en-US;q=0.8,en;q=0.7",
                                   "en-US,en;q=0.9",
                                   "zh-Hans-CN;q=1.000, zh_TW;q=0.999"};

  for (const auto& [target, inputs] : seeds) {
    const fs::path dir = out / target;
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::size_t n = 0;
    for (const auto& input : inputs) {
      std::ofstream file(dir / ("seed-" + std::to_string(++n)), std::ios::binary);
      file << input;
    }
  }
  return 0;
}
