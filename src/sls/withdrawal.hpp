// Rolling withdrawal windows (SPEC §2): how much a user may still withdraw or
// transfer, given the limits of their device and a ledger of what they took
// out recently.
//
// Definitions
//  - Business days follow a market calendar (market_calendar.hpp): the
//    market's time zone with its daylight-saving changes, Monday to Friday
//    minus the market's holidays. A moment on a weekend or a holiday belongs
//    to the next business day.
//  - The current business day is the business day `now` belongs to (so on a
//    weekend it is the coming Monday).
//  - The 1-day window is the current business day. The 5-day window is the
//    current business day and the 4 business days before it. Each starts at
//    the local midnight after the business day before it, so the weekends
//    and holidays in between count toward the day after them.
//    Example (New York): now = Wednesday 10:00 → the 1-day window holds
//    what was taken out since Wednesday 00:00; the 5-day window reaches back
//    to the Thursday of the previous week at 00:00 (to the Wednesday when a
//    holiday fell in between), and takes in the weekend too.
//  - When the calendar cannot answer for a day it needs (a date outside its
//    supported years), every function below fails with
//    Errc::calendar_out_of_range instead of guessing.
//  - Ledger entries dated after the current business day still count (a
//    clock stepping backwards must not free a limit). Entries of zero or
//    negative cents are ignored: a reversal does not restore the allowance.
//  - Sums saturate at the int64 maximum, so any ledger is safe to total.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "sls/device.hpp"
#include "sls/market_calendar.hpp"
#include "sls/result.hpp"

namespace sls {

/// One past withdrawal or transfer out of the account.
struct LedgerEntry {
  std::int64_t unix_seconds;  ///< when it was made (UTC)
  std::int64_t cents;         ///< how much, in US cents (> 0 to count)
};

/// Business days in the longer window.
inline constexpr std::int64_t kWithdrawalWindowBusinessDays = 5;

/// Cents counted in each window at `now` (see the definitions above);
/// saturating at INT64_MAX.
struct WithdrawalUsage {
  std::int64_t one_day_cents = 0;
  std::int64_t five_day_cents = 0;
};
Result<WithdrawalUsage> withdrawal_usage(std::span<const LedgerEntry> ledger, std::int64_t now_unix_seconds,
                                         const MarketCalendar& calendar);

/// What is left under each limit of `kind` at `now`: limit minus usage, never
/// below 0; an unlimited limit stays unlimited.
Result<WithdrawalLimits> remaining_withdrawal(DeviceKind kind, std::span<const LedgerEntry> ledger,
                                              std::int64_t now_unix_seconds, const MarketCalendar& calendar);

/// The most that can be withdrawn now: the smaller of the two remainders.
Result<UsdLimit> available_withdrawal(DeviceKind kind, std::span<const LedgerEntry> ledger,
                                      std::int64_t now_unix_seconds, const MarketCalendar& calendar);

/// Whether a withdrawal of `amount_cents` may be made now. Failure modes:
///  - Errc::limit_bad_amount when amount_cents <= 0;
///  - the calendar's error when it cannot answer for `now` (see above);
///  - when the amount is more than available_withdrawal(): the error of the
///    window that binds, Errc::limit_daily_exceeded when the 1-day remainder
///    is the smaller (or they are equal), else Errc::limit_five_day_exceeded;
///    its argument is the available amount formatted by format_usd_cents
///    ("12,345.67").
/// Does not record anything: the caller appends to its ledger on success.
Status check_withdrawal(DeviceKind kind, std::span<const LedgerEntry> ledger, std::int64_t now_unix_seconds,
                        std::int64_t amount_cents, const MarketCalendar& calendar);

/// Formats cents as US dollars with thousands separators and two decimals:
/// 1234567 → "12,345.67", 5 → "0.05", -250 → "-2.50". Defined for every
/// int64 (INT64_MIN included).
std::string format_usd_cents(std::int64_t cents);

}  // namespace sls
