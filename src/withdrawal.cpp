// Rolling withdrawal windows: what a user may still withdraw over one and five business days (withdrawal.hpp).
#include "sls/withdrawal.hpp"

#include <algorithm>
#include <cstdint>

namespace sls {
namespace {

constexpr std::int64_t saturating_add(std::int64_t a, std::int64_t b) noexcept {
  if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
  if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
  return a + b;
}

std::int64_t remaining_under(const UsdLimit& limit, std::int64_t used) noexcept {
  return std::max<std::int64_t>(0, *limit.cents() - used);  // both >= 0: no overflow
}

// The smaller of two remainders; unlimited only when both are.
UsdLimit smaller(const WithdrawalLimits& left) noexcept {
  if (left.one_day.is_unlimited()) return left.five_day;
  if (left.five_day.is_unlimited()) return left.one_day;
  return UsdLimit::of_cents(std::min(*left.one_day.cents(), *left.five_day.cents()));
}

}  // namespace

Result<WithdrawalUsage> withdrawal_usage(std::span<const LedgerEntry> ledger, std::int64_t now_unix_seconds,
                                         const MarketCalendar& calendar) {
  Result<std::int64_t> one_day_start = calendar.window_start(now_unix_seconds, 1);
  if (!one_day_start) return one_day_start.error();
  Result<std::int64_t> five_day_start = calendar.window_start(now_unix_seconds, kWithdrawalWindowBusinessDays);
  if (!five_day_start) return five_day_start.error();
  WithdrawalUsage usage;
  for (const auto& entry : ledger) {
    if (entry.cents <= 0) continue;
    if (entry.unix_seconds >= *one_day_start) usage.one_day_cents = saturating_add(usage.one_day_cents, entry.cents);
    if (entry.unix_seconds >= *five_day_start) usage.five_day_cents = saturating_add(usage.five_day_cents, entry.cents);
  }
  return usage;
}

Result<WithdrawalLimits> remaining_withdrawal(DeviceKind kind, std::span<const LedgerEntry> ledger,
                                              std::int64_t now_unix_seconds, const MarketCalendar& calendar) {
  Result<WithdrawalUsage> usage = withdrawal_usage(ledger, now_unix_seconds, calendar);
  if (!usage) return usage.error();
  WithdrawalLimits limits = withdrawal_limits(kind);
  if (!limits.one_day.is_unlimited())
    limits.one_day = UsdLimit::of_cents(remaining_under(limits.one_day, usage->one_day_cents));
  if (!limits.five_day.is_unlimited())
    limits.five_day = UsdLimit::of_cents(remaining_under(limits.five_day, usage->five_day_cents));
  return limits;
}

Result<UsdLimit> available_withdrawal(DeviceKind kind, std::span<const LedgerEntry> ledger,
                                      std::int64_t now_unix_seconds, const MarketCalendar& calendar) {
  Result<WithdrawalLimits> left = remaining_withdrawal(kind, ledger, now_unix_seconds, calendar);
  if (!left) return left.error();
  return smaller(*left);
}

Status check_withdrawal(DeviceKind kind, std::span<const LedgerEntry> ledger, std::int64_t now_unix_seconds,
                        std::int64_t amount_cents, const MarketCalendar& calendar) {
  if (amount_cents <= 0) return fail(Errc::limit_bad_amount);
  Result<WithdrawalLimits> left = remaining_withdrawal(kind, ledger, now_unix_seconds, calendar);
  if (!left) return left.error();
  UsdLimit available = smaller(*left);
  if (available.allows(amount_cents)) return ok_status();
  // `available` is finite here, and equals the remainder of the binding window.
  Errc error = left->one_day == available ? Errc::limit_daily_exceeded : Errc::limit_five_day_exceeded;
  return fail(error, {format_usd_cents(*available.cents())});
}

std::string format_usd_cents(std::int64_t cents) {
  // Work on the magnitude as unsigned so that INT64_MIN has one too.
  const bool negative = cents < 0;
  const std::uint64_t magnitude =
      negative ? std::uint64_t{0} - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  const std::uint64_t dollars = magnitude / 100;
  const std::uint64_t rest = magnitude % 100;

  std::string digits = std::to_string(dollars);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3 + 4);
  if (negative) out += '-';
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  out += '.';
  out += static_cast<char>('0' + rest / 10);
  out += static_cast<char>('0' + rest % 10);
  return out;
}

}  // namespace sls
