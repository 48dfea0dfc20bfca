// Command-line parsing shared by slsd and slsctl: "--name value",
// "--name=value", boolean "--flag", and positional words.
#pragma once

#include <charconv>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sls::server {

class CommandLine {
 public:
  /// `flags` are the names that take no value; every other "--name" takes one.
  CommandLine(int argc, char** argv, const std::set<std::string>& flags) {
    for (int i = 1; i < argc; ++i) {
      std::string_view a = argv[i];
      if (a.size() > 2 && a.substr(0, 2) == "--") {
        std::string name(a.substr(2));
        if (auto eq = name.find('='); eq != std::string::npos) {
          set(name.substr(0, eq), name.substr(eq + 1));
        } else if (flags.contains(name)) {
          set(name, "");
        } else if (i + 1 < argc) {
          set(name, argv[++i]);
        } else {
          errors_.push_back("--" + name + " needs a value");
        }
      } else {
        positional_.emplace_back(a);
      }
    }
  }

  bool has(const std::string& name) const { return options_.contains(name); }
  std::string get(const std::string& name, const std::string& fallback = {}) const {
    auto it = options_.find(name);
    used_.insert(name);
    return it == options_.end() ? fallback : it->second;
  }
  /// Every value of a repeatable option, in the order given (the others
  /// keep only their last value).
  std::vector<std::string> get_all(const std::string& name) const {
    used_.insert(name);
    auto it = repeated_.find(name);
    return it == repeated_.end() ? std::vector<std::string>{} : it->second;
  }
  /// An integer option; records an error and returns the fallback when the
  /// value is not a whole number in [min, max].
  std::int64_t get_int(const std::string& name, std::int64_t fallback, std::int64_t min, std::int64_t max) {
    used_.insert(name);
    auto it = options_.find(name);
    if (it == options_.end()) return fallback;
    std::int64_t v = 0;
    const auto& s = it->second;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v < min || v > max) {
      errors_.push_back("--" + name + " must be a whole number from " + std::to_string(min) + " to " +
                        std::to_string(max));
      return fallback;
    }
    return v;
  }
  bool flag(const std::string& name) const {
    used_.insert(name);
    return has(name);
  }
  const std::vector<std::string>& positional() const { return positional_; }
  /// Errors so far, plus one per option never asked for (a typo).
  std::vector<std::string> errors() const {
    std::vector<std::string> out = errors_;
    for (const auto& [name, value] : options_)
      if (!used_.contains(name)) out.push_back("unknown option --" + name);
    return out;
  }

 private:
  void set(const std::string& name, std::string value) {
    repeated_[name].push_back(value);
    options_[name] = std::move(value);
  }
  std::map<std::string, std::string> options_;
  std::map<std::string, std::vector<std::string>> repeated_;
  std::vector<std::string> positional_;
  std::vector<std::string> errors_;
  mutable std::set<std::string> used_;
};

}  // namespace sls::server
