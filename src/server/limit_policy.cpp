// Reading the operator's policy file, which can lower withdrawal limits per device kind (limit_policy.hpp).
#include "server/limit_policy.hpp"

#include <string>

#include "server/user_name.hpp"
#include "sls/json.hpp"

namespace sls::server {
namespace {

constexpr std::int64_t kMaxUsd = 1'000'000'000'000;

Error invalid(const std::string& what) { return fail(Errc::policy_invalid, {what}); }

std::size_t index_of(DeviceKind kind) noexcept { return static_cast<std::size_t>(kind); }

/// `requested` when it is a lowering of `catalog`, else the reason it is not.
Result<UsdLimit> lowered_limit(const JsonValue& value, UsdLimit catalog, const std::string& where) {
  const auto usd = value.as_int();
  if (!usd || *usd < 0 || *usd > kMaxUsd) return invalid(where + " must be a whole number of US dollars");
  const UsdLimit requested = UsdLimit::of_usd(*usd);
  if (!catalog.is_unlimited() && *requested.cents() > *catalog.cents())
    return invalid(where + " is above the catalog's " + std::to_string(*catalog.cents() / kCentsPerUsd) +
                   " USD: a policy can only lower limits");
  return requested;
}

}  // namespace

Result<LimitPolicy> parse_limit_policy(std::string_view json_text) {
  auto root = json_parse(json_text);
  if (!root || !root->is_object()) return invalid("not a JSON object");
  LimitPolicy policy;
  for (const JsonMember& top : *root->as_object()) {
    if (top.key != "withdrawal_limits") return invalid("unknown key \"" + escape_for_terminal(top.key) + "\"");
    if (!top.value.is_object()) return invalid("withdrawal_limits must be an object");
    for (const JsonMember& entry : *top.value.as_object()) {
      auto kind = parse_device_kind(entry.key);
      if (!kind) return invalid("unknown device kind \"" + escape_for_terminal(entry.key) + "\"");
      if (!entry.value.is_object()) return invalid("withdrawal_limits." + entry.key + " must be an object");
      WithdrawalLimits limits = withdrawal_limits(*kind);
      const WithdrawalLimits catalog = limits;
      for (const JsonMember& field : *entry.value.as_object()) {
        const std::string where = "withdrawal_limits." + entry.key + "." + escape_for_terminal(field.key);
        if (field.key == "daily_usd") {
          auto l = lowered_limit(field.value, catalog.one_day, where);
          if (!l) return l.error();
          limits.one_day = *l;
        } else if (field.key == "five_day_usd") {
          auto l = lowered_limit(field.value, catalog.five_day, where);
          if (!l) return l.error();
          limits.five_day = *l;
        } else {
          return invalid("unknown key \"" + where + "\"");
        }
      }
      if (!limits.five_day.is_unlimited() &&
          (limits.one_day.is_unlimited() || *limits.one_day.cents() > *limits.five_day.cents()))
        return invalid("withdrawal_limits." + entry.key + ": the daily limit is above the five-day limit");
      policy.lowered[index_of(*kind)] = limits;
    }
  }
  return policy;
}

WithdrawalLimits effective_limits(DeviceKind kind, const LimitPolicy& policy) noexcept {
  const std::size_t i = index_of(kind);
  if (i < policy.lowered.size() && policy.lowered[i]) return *policy.lowered[i];
  return withdrawal_limits(kind);
}

}  // namespace sls::server
