// Rolling withdrawal windows (SPEC §2): how much a user may still withdraw or
// transfer, given the limits of their device and a ledger of what they took
// out recently.
//
// Definitions
//  - Business days are counted in a fixed UTC offset, by default UTC-5 (US
//    Eastern standard time, all year: no daylight saving shift, so a day is
//    always 86,400 seconds and a window never moves by an hour in spring).
//    A local day runs from 00:00:00 to 23:59:59 in that offset.
//  - Monday to Friday are business days; public holidays are not modelled.
//    A moment on a Saturday or Sunday belongs to the following Monday.
//  - The current business day is the business day `now` belongs to (so on a
//    weekend it is the coming Monday).
//  - The 1-day window is the current business day. The 5-day window is the
//    current business day and the 4 business days before it.
//    Example (offset UTC-5): now = Wednesday 10:00 → the 1-day window holds
//    what was taken out since Wednesday 00:00; the 5-day window reaches back
//    to the Thursday of the previous week at 00:00, and also takes in the
//    weekend between, which counts toward Monday.
//  - Ledger entries dated after the current business day still count (a
//    clock stepping backwards must not free a limit). Entries of zero or
//    negative cents are ignored: a reversal does not restore the allowance.
//  - Sums saturate at the int64 maximum, so any ledger is safe to total.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sls/device.hpp"
#include "sls/result.hpp"

namespace sls {

/// One past withdrawal or transfer out of the account.
struct LedgerEntry {
  std::int64_t unix_seconds;  ///< when it was made (UTC)
  std::int64_t cents;         ///< how much, in US cents (> 0 to count)
};

/// Which UTC offset business days are counted in. Immutable; the default is
/// UTC-5.
class BusinessCalendar {
 public:
  /// US Eastern standard time: UTC-5.
  static constexpr std::int32_t kDefaultUtcOffsetSeconds = -5 * 3600;
  /// The widest offset accepted either side of UTC (civil offsets span
  /// UTC-12 to UTC+14).
  static constexpr std::int32_t kMaxUtcOffsetSeconds = 14 * 3600;

  constexpr BusinessCalendar() noexcept = default;

  /// A calendar in another fixed offset, in seconds east of UTC (e.g. +28800
  /// for Hong Kong). Errc::bad_argument when |offset| > 14 hours.
  static Result<BusinessCalendar> with_utc_offset(std::int32_t seconds_east_of_utc);

  constexpr std::int32_t utc_offset_seconds() const noexcept { return offset_; }

  /// The number of the business day a moment belongs to: consecutive
  /// business days have consecutive numbers (Friday n, the next Monday
  /// n + 1); a Saturday or Sunday gets the following Monday's number.
  /// Day 0 is Monday 29 December 1969 (local). Defined for every int64.
  std::int64_t business_day(std::int64_t unix_seconds) const noexcept;

 private:
  constexpr explicit BusinessCalendar(std::int32_t offset) noexcept : offset_(offset) {}
  std::int32_t offset_ = kDefaultUtcOffsetSeconds;
};

/// Business days in the longer window.
inline constexpr std::int64_t kWithdrawalWindowBusinessDays = 5;

/// Cents counted in each window at `now` (see the definitions above);
/// saturating at INT64_MAX.
struct WithdrawalUsage {
  std::int64_t one_day_cents = 0;
  std::int64_t five_day_cents = 0;
};
WithdrawalUsage withdrawal_usage(std::span<const LedgerEntry> ledger, std::int64_t now_unix_seconds,
                                 const BusinessCalendar& calendar = {}) noexcept;

/// What is left under each limit of `kind` at `now`: limit minus usage, never
/// below 0; an unlimited limit stays unlimited.
WithdrawalLimits remaining_withdrawal(DeviceKind kind, std::span<const LedgerEntry> ledger,
                                      std::int64_t now_unix_seconds, const BusinessCalendar& calendar = {}) noexcept;

/// The most that can be withdrawn now: the smaller of the two remainders.
UsdLimit available_withdrawal(DeviceKind kind, std::span<const LedgerEntry> ledger, std::int64_t now_unix_seconds,
                              const BusinessCalendar& calendar = {}) noexcept;

/// Whether a withdrawal of `amount_cents` may be made now. Failure modes:
///  - Errc::limit_bad_amount when amount_cents <= 0;
///  - when the amount is more than available_withdrawal(): the error of the
///    window that binds, Errc::limit_daily_exceeded when the 1-day remainder
///    is the smaller (or they are equal), else Errc::limit_five_day_exceeded;
///    its argument is the available amount formatted by format_usd_cents
///    ("12,345.67").
/// Does not record anything: the caller appends to its ledger on success.
Status check_withdrawal(DeviceKind kind, std::span<const LedgerEntry> ledger, std::int64_t now_unix_seconds,
                        std::int64_t amount_cents, const BusinessCalendar& calendar = {});

/// Formats cents as US dollars with thousands separators and two decimals:
/// 1234567 → "12,345.67", 5 → "0.05", -250 → "-2.50". Defined for every
/// int64 (INT64_MIN included).
std::string format_usd_cents(std::int64_t cents);

}  // namespace sls
