// The operator's policy file (slsd --policy FILE): lower withdrawal limits per
// device kind than the catalog's (e.g. for SMS, a restricted authenticator in
// the sense of NIST SP 800-63B 5.1.3.3). It can only lower limits, never
// raise them.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "sls/device.hpp"
#include "sls/result.hpp"

namespace sls::server {

/// Per device kind, the limits that replace the catalog's (withdrawal_limits);
/// nullopt keeps the catalog's.
struct LimitPolicy {
  std::array<std::optional<WithdrawalLimits>, kAllDeviceKinds.size()> lowered{};
};

/// Parses a policy file's text:
///   {"withdrawal_limits": {"sms": {"daily_usd": 20000, "five_day_usd": 50000}, ...}}
/// Keys of "withdrawal_limits" are device kind ids; "daily_usd" and
/// "five_day_usd" are whole US dollars, each optional (an absent one keeps
/// the catalog's). Fails with Errc::policy_invalid, args {what is wrong},
/// on malformed JSON, an unknown key or kind, a value that is not an integer
/// in 0..10^12, a value above the catalog's limit for that kind, or a daily
/// limit above the five-day one.
Result<LimitPolicy> parse_limit_policy(std::string_view json_text);

/// The limits of `kind` under `policy`: the catalog's unless lowered.
WithdrawalLimits effective_limits(DeviceKind kind, const LimitPolicy& policy) noexcept;

}  // namespace sls::server
