// Rolling withdrawal windows: what a user may still withdraw over one and five business days (withdrawal.hpp).
#include "sls/withdrawal.hpp"

#include <algorithm>
#include <cstdint>

namespace sls {
namespace {

constexpr std::int64_t kSecondsPerDay = 86'400;
// Unix day 0 (1 January 1970) was a Thursday; Monday 29 December 1969 is
// 3 days earlier, so day + 3 counts days from a Monday.
constexpr std::int64_t kDaysFromMondayToEpoch = 3;

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

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

Result<BusinessCalendar> BusinessCalendar::with_utc_offset(std::int32_t seconds_east_of_utc) {
  if (seconds_east_of_utc > kMaxUtcOffsetSeconds || seconds_east_of_utc < -kMaxUtcOffsetSeconds)
    return fail(Errc::bad_argument);
  return BusinessCalendar(seconds_east_of_utc);
}

std::int64_t BusinessCalendar::business_day(std::int64_t unix_seconds) const noexcept {
  std::int64_t local_day = floor_div(saturating_add(unix_seconds, offset_), kSecondsPerDay);
  std::int64_t days_since_monday0 = local_day + kDaysFromMondayToEpoch;
  std::int64_t week = floor_div(days_since_monday0, 7);
  std::int64_t weekday = days_since_monday0 - week * 7;  // 0 = Monday … 6 = Sunday
  if (weekday >= 5) return (week + 1) * 5;               // weekend: the next Monday
  return week * 5 + weekday;
}

WithdrawalUsage withdrawal_usage(std::span<const LedgerEntry> ledger, std::int64_t now_unix_seconds,
                                 const BusinessCalendar& calendar) noexcept {
  const std::int64_t today = calendar.business_day(now_unix_seconds);
  const std::int64_t window_start = today - (kWithdrawalWindowBusinessDays - 1);
  WithdrawalUsage usage;
  for (const auto& entry : ledger) {
    if (entry.cents <= 0) continue;
    std::int64_t day = calendar.business_day(entry.unix_seconds);
    if (day >= today) usage.one_day_cents = saturating_add(usage.one_day_cents, entry.cents);
    if (day >= window_start) usage.five_day_cents = saturating_add(usage.five_day_cents, entry.cents);
  }
  return usage;
}

WithdrawalLimits remaining_withdrawal(DeviceKind kind, std::span<const LedgerEntry> ledger,
                                      std::int64_t now_unix_seconds, const BusinessCalendar& calendar) noexcept {
  WithdrawalLimits limits = withdrawal_limits(kind);
  WithdrawalUsage usage = withdrawal_usage(ledger, now_unix_seconds, calendar);
  if (!limits.one_day.is_unlimited())
    limits.one_day = UsdLimit::of_cents(remaining_under(limits.one_day, usage.one_day_cents));
  if (!limits.five_day.is_unlimited())
    limits.five_day = UsdLimit::of_cents(remaining_under(limits.five_day, usage.five_day_cents));
  return limits;
}

UsdLimit available_withdrawal(DeviceKind kind, std::span<const LedgerEntry> ledger, std::int64_t now_unix_seconds,
                              const BusinessCalendar& calendar) noexcept {
  return smaller(remaining_withdrawal(kind, ledger, now_unix_seconds, calendar));
}

Status check_withdrawal(DeviceKind kind, std::span<const LedgerEntry> ledger, std::int64_t now_unix_seconds,
                        std::int64_t amount_cents, const BusinessCalendar& calendar) {
  if (amount_cents <= 0) return fail(Errc::limit_bad_amount);
  WithdrawalLimits left = remaining_withdrawal(kind, ledger, now_unix_seconds, calendar);
  UsdLimit available = smaller(left);
  if (available.allows(amount_cents)) return ok_status();
  // `available` is finite here, and equals the remainder of the binding window.
  Errc error = left.one_day == available ? Errc::limit_daily_exceeded : Errc::limit_five_day_exceeded;
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
