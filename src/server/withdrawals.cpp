// The withdrawal ledger's routes for the back office (POST and GET /withdrawals) and each account's usage of its
// limits (docs/withdrawals.md).
#include <algorithm>
#include <cctype>
#include <charconv>

#include "server/encoding.hpp"
#include "server/request_scope.hpp"
#include "server/service_credentials.hpp"
#include "sls/civil_date.hpp"
#include "sls/withdrawal.hpp"

namespace sls::server {
namespace {

/// Largest amount one withdrawal may ask: 10^15 cents (10 trillion USD), so
/// that no sum of a window's entries comes near overflowing.
constexpr std::int64_t kMaxWithdrawalCents = 1'000'000'000'000'000;
/// Longest idempotency key, in bytes (printable ASCII).
constexpr std::size_t kMaxIdempotencyKey = 128;
/// Withdrawals GET lists by default and at most.
constexpr std::int64_t kDefaultListLimit = 50;
constexpr std::int64_t kMaxListLimit = 1000;

JsonValue usd_limit_json(const UsdLimit& limit) {
  JsonValue v = JsonValue::object();
  v.set("unlimited", limit.is_unlimited());
  if (auto cents = limit.cents())
    v.set("cents", *cents);
  else
    v.set("cents", nullptr);
  return v;
}

/// What applies to an account's withdrawals at `now` (docs/withdrawals.md,
/// "Stand-ins"): the limits of the kind account_kind (accounts.cpp) picks,
/// lowered by the operator's policy; none at all while the best usable
/// device is a temporary code for account management only.
struct WithdrawalRule {
  DeviceKind kind = DeviceKind::none;
  WithdrawalLimits limits = withdrawal_limits(DeviceKind::none);
  bool blocked = false;
};

WithdrawalRule withdrawal_rule(const AccountRecord& account, const std::vector<DeviceRecord>& primary_devices,
                               std::int64_t now, const LimitPolicy& policy) {
  WithdrawalRule rule;
  bool full_access = true;
  if (!account.opted_out)
    for (const DeviceRecord& d : primary_devices) {
      if (!device_usable(d, now)) continue;
      const bool full = d.access == Access::full;
      if (security_rank(d.kind) > security_rank(rule.kind) || (d.kind == rule.kind && full && !full_access)) {
        rule.kind = d.kind;
        full_access = full;
      }
    }
  rule.limits = effective_limits(rule.kind, policy);
  rule.blocked = !full_access;
  if (rule.blocked) rule.limits = {UsdLimit::of_cents(0), UsdLimit::of_cents(0)};
  return rule;
}

/// limit - used, never below 0; unlimited stays unlimited.
UsdLimit remaining(const UsdLimit& limit, std::int64_t used) {
  if (limit.is_unlimited()) return limit;
  return UsdLimit::of_cents(*limit.cents() - std::min(used, *limit.cents()));
}

JsonValue usage_json(const WithdrawalRule& rule, const WithdrawalUsage& used, Market market) {
  JsonValue v = JsonValue::object();
  v.set("daily", JsonValue::object()
                     .set("used_cents", used.one_day_cents)
                     .set("remaining", usd_limit_json(remaining(rule.limits.one_day, used.one_day_cents))));
  v.set("five_day", JsonValue::object()
                        .set("used_cents", used.five_day_cents)
                        .set("remaining", usd_limit_json(remaining(rule.limits.five_day, used.five_day_cents))));
  v.set("market", market_name(market));
  return v;
}

JsonValue withdrawal_json(const WithdrawalRecord& w) {
  JsonValue v = JsonValue::object();
  v.set("id", w.id).set("account", w.account_id).set("amount_cents", w.amount_cents).set("created_at", w.at);
  v.set("device_kind", w.device_kind).set("credential", w.credential).set("idempotency_key", w.idempotency_key);
  return v;
}

/// The bearer token of an Authorization header ("Bearer TOKEN", the scheme
/// in any case); empty when there is none.
std::string_view bearer_token(std::string_view header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (static_cast<char>(std::tolower(static_cast<unsigned char>(header[i]))) != kScheme[i]) return {};
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return token;
}

/// 401 service.unauthorized with its WWW-Authenticate challenge.
Refusal unauthorized() { return refuse(Errc::service_unauthorized); }

ApiResponse with_challenge(ApiResponse r) {
  if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"sls-withdrawals\"");
  return r;
}

/// A refusal as stored for a retry: its code, arguments and extra fields.
std::string stored_refusal(const Error& error, const JsonValue& extra) {
  JsonValue args = JsonValue::array();
  for (const std::string& a : error.args) args.push_back(a);
  return json_serialize(JsonValue::object()
                            .set("code", std::string(errc_name(error.code)))
                            .set("args", std::move(args))
                            .set("extra", extra));
}

/// The answer of a stored request, in the language of this one.
Outcome<ApiResponse> replay(const WithdrawalRequestRecord& r, Lang lang) {
  auto parsed = json_parse(r.reply);
  if (!parsed || !parsed->is_object()) return fail(Errc::internal, {"withdrawal request", "stored reply"});
  if (r.status == 201) return ApiResponse{201, std::move(*parsed), {}, {}};
  auto code = parsed->get_string("code");
  const std::optional<Errc> errc = code ? errc_from_name(*code) : std::nullopt;
  const JsonValue* args = parsed->find("args");
  if (!errc || args == nullptr || !args->is_array()) return fail(Errc::internal, {"withdrawal request", "stored code"});
  Error error{*errc, {}};
  for (const JsonValue& a : *args->as_array())
    if (const std::string* text = a.as_string()) error.args.push_back(*text);
  ApiResponse out = error_response(error, lang, {}, r.status);
  if (const JsonValue* extra = parsed->find("extra"); extra != nullptr && extra->is_object())
    for (const auto& [key, value] : *extra->as_object()) out.body.find("error")->set(key, value);
  return out;
}

/// The local date a window starts on, "YYYY-MM-DD".
std::string window_date(const MarketCalendar& calendar, std::int64_t start) {
  auto day = calendar.local_day(start);
  return day ? format_civil_date(civil_from_days(*day)) : std::string("?");
}

/// A well-formed POST /withdrawals body.
struct WithdrawalAsk {
  std::string account;
  std::int64_t amount_cents = 0;
  std::string key;
};

Outcome<WithdrawalAsk> parse_ask(const JsonValue& body) {
  WithdrawalAsk ask;
  auto account = body.get_string("account");
  if (!account || account->empty() || account->size() > 64) return refuse(Errc::request_bad_field, {"account"});
  ask.account = std::string(*account);
  const JsonValue* amount = body.find("amount_cents");
  if (amount == nullptr || !amount->is_number()) return refuse(Errc::request_bad_field, {"amount_cents"});
  auto cents = amount->as_int();
  if (!cents || *cents <= 0 || *cents > kMaxWithdrawalCents) return refuse(Errc::limit_bad_amount);
  ask.amount_cents = *cents;
  auto key = body.get_string("idempotency_key");
  if (!key || key->empty() || key->size() > kMaxIdempotencyKey ||
      !std::all_of(key->begin(), key->end(), [](char c) { return c > ' ' && c < 0x7f; }))
    return refuse(Errc::request_bad_field, {"idempotency_key"});
  ask.key = std::string(*key);
  return ask;
}

}  // namespace

Outcome<JsonValue> AuthService::account_usage(StoreTx& tx, const AccountRecord& account,
                                              const std::vector<DeviceRecord>& primary_devices,
                                              std::int64_t now) const {
  const WithdrawalRule rule = withdrawal_rule(account, primary_devices, now, config_.limits);
  auto since = calendar_->window_start(now, kWithdrawalWindowBusinessDays);
  if (!since) return JsonValue(nullptr);
  SLS_TRY_ASSIGN(rows, tx.list_withdrawals(account.id, *since, static_cast<std::size_t>(INT64_MAX)));
  std::vector<LedgerEntry> ledger;
  ledger.reserve(rows.size());
  for (const WithdrawalRecord& w : rows) ledger.push_back({w.at, w.amount_cents});
  auto used = withdrawal_usage(ledger, now, *calendar_);
  if (!used) return JsonValue(nullptr);
  return usage_json(rule, *used, config_.market);
}

ApiResponse AuthService::record_withdrawal(const RequestContext& ctx, std::string_view authorization,
                                           const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  return with_challenge(op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(credential, service_credential_of_token(tx, keys_, bearer_token(authorization)));
    if (!credential) return unauthorized();
    SLS_TRY_ASSIGN(ask, parse_ask(body));

    // The same key of the same credential: the same answer, or a refusal
    // when the body differs.
    SLS_TRY_ASSIGN(earlier, tx.get_withdrawal_request(credential->id, ask.key));
    if (earlier) {
      if (earlier->account_id != ask.account || earlier->amount_cents != ask.amount_cents)
        return refuse(Errc::withdrawal_idempotency_mismatch);
      return replay(*earlier, op.lang());
    }
    WithdrawalRequestRecord request{credential->id, ask.key, ask.account, ask.amount_cents, 0, {}, op.now};
    const std::string who = "credential " + credential->name;

    // A refusal that a retry must get again: stored, audited, answered.
    auto refused = [&](const Error& error, const JsonValue& extra, std::int64_t user_id,
                       std::string_view username) -> Outcome<ApiResponse> {
      request.status = errc_http_status(error.code);
      request.reply = stored_refusal(error, extra);
      SLS_TRY(tx.insert_withdrawal_request(request));
      SLS_TRY(op.audit(tx, "withdrawal.refused", "fail", user_id, username, "",
                       std::string(errc_name(error.code)) + "; account " + ask.account + ", " +
                           std::to_string(ask.amount_cents) + " cents, " + who));
      return replay(request, op.lang());
    };

    SLS_TRY_ASSIGN(account, tx.get_account(ask.account));
    if (!account) return refused(fail(Errc::withdrawal_unknown_account), JsonValue::object(), 0, "");
    SLS_TRY_ASSIGN(members, tx.list_account_users(account->id));
    if (members.empty() || !members.front().is_primary) return fail(Errc::internal, {"account without primary user"});
    SLS_TRY_ASSIGN(primary, op.load_user(tx, members.front().user_id));
    SLS_TRY_ASSIGN(devices, tx.list_devices(primary.id));
    const WithdrawalRule rule = withdrawal_rule(*account, devices, op.now, config_.limits);
    if (rule.blocked)
      return refused(fail(Errc::withdrawal_account_management_only), JsonValue::object(), primary.id, primary.username);

    // The ledger of the longer window, summed in the market's business days.
    // A calendar that cannot answer is a 503 that is not kept: a retry once
    // the files cover the date may succeed.
    auto since = calendar_->window_start(op.now, kWithdrawalWindowBusinessDays);
    if (!since) return refuse(since.error());
    auto day_start = calendar_->window_start(op.now, 1);
    if (!day_start) return refuse(day_start.error());
    SLS_TRY_ASSIGN(rows, tx.list_withdrawals(account->id, *since, static_cast<std::size_t>(INT64_MAX)));
    std::vector<LedgerEntry> ledger;
    ledger.reserve(rows.size());
    for (const WithdrawalRecord& w : rows) ledger.push_back({w.at, w.amount_cents});
    auto used = withdrawal_usage(ledger, op.now, *calendar_);
    if (!used) return refuse(used.error());

    const UsdLimit daily_left = remaining(rule.limits.one_day, used->one_day_cents);
    const UsdLimit five_left = remaining(rule.limits.five_day, used->five_day_cents);
    const bool over_daily = !daily_left.allows(ask.amount_cents);
    const bool over_five = !five_left.allows(ask.amount_cents);
    if (over_daily || over_five) {
      // The window that binds: the one with less left (the 1-day one on a tie).
      const bool daily = over_daily && (!over_five || *daily_left.cents() <= *five_left.cents());
      const UsdLimit& limit = daily ? rule.limits.one_day : rule.limits.five_day;
      const UsdLimit& left = daily ? daily_left : five_left;
      const std::int64_t start = daily ? *day_start : *since;
      JsonValue extra = JsonValue::object();
      extra.set("window", daily ? "daily" : "five_day").set("window_start", start);
      extra.set("limit", usd_limit_json(limit)).set("amount_cents", ask.amount_cents);
      extra.set(
          "remaining",
          JsonValue::object().set("daily", usd_limit_json(daily_left)).set("five_day", usd_limit_json(five_left)));
      extra.set("device_kind", device_kind_id(rule.kind));
      return refused(fail(daily ? Errc::withdrawal_daily_limit : Errc::withdrawal_five_day_limit,
                          {format_usd_cents(ask.amount_cents), format_usd_cents(*limit.cents()),
                           window_date(*calendar_, start), format_usd_cents(*left.cents())}),
                     extra, primary.id, primary.username);
    }

    WithdrawalRecord w{random_id(),      account->id, ask.amount_cents, op.now, std::string(device_kind_id(rule.kind)),
                       credential->name, ask.key};
    SLS_TRY(tx.insert_withdrawal(w));
    WithdrawalUsage after = *used;
    after.one_day_cents += ask.amount_cents;
    after.five_day_cents += ask.amount_cents;
    JsonValue reply = JsonValue::object();
    reply.set("withdrawal", withdrawal_json(w));
    reply.set("usage", usage_json(rule, after, config_.market));
    request.status = 201;
    request.reply = json_serialize(reply);
    SLS_TRY(tx.insert_withdrawal_request(request));
    SLS_TRY(op.audit(tx, "withdrawal.recorded", "ok", primary.id, primary.username, "",
                     "account " + account->name + ", " + std::to_string(w.amount_cents) + " cents, " + who));
    return ApiResponse{201, std::move(reply), {}, {}};
  })));
}

ApiResponse AuthService::list_withdrawals(const RequestContext& ctx, std::string_view authorization,
                                          std::string_view account_id, std::optional<std::string_view> limit_text) {
  RequestScope op{*this, ctx, clock_.now()};
  return with_challenge(op.respond(op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(credential, service_credential_of_token(tx, keys_, bearer_token(authorization)));
    if (!credential) return unauthorized();
    std::int64_t limit = kDefaultListLimit;
    if (limit_text) {
      const auto [end, ec] = std::from_chars(limit_text->data(), limit_text->data() + limit_text->size(), limit);
      if (limit_text->empty() || ec != std::errc() || end != limit_text->data() + limit_text->size() || limit < 1 ||
          limit > kMaxListLimit)
        return refuse(Errc::request_bad_field, {"limit"});
    }
    if (account_id.empty() || account_id.size() > 64) return refuse(Errc::withdrawal_unknown_account);
    SLS_TRY_ASSIGN(account, tx.get_account(account_id));
    if (!account) return refuse(Errc::withdrawal_unknown_account);
    SLS_TRY_ASSIGN(members, tx.list_account_users(account->id));
    if (members.empty() || !members.front().is_primary) return fail(Errc::internal, {"account without primary user"});
    SLS_TRY_ASSIGN(devices, tx.list_devices(members.front().user_id));
    SLS_TRY_ASSIGN(rows, tx.list_withdrawals(account->id, INT64_MIN, static_cast<std::size_t>(limit)));
    JsonValue list = JsonValue::array();
    for (const WithdrawalRecord& w : rows) list.push_back(withdrawal_json(w));
    SLS_TRY_ASSIGN(usage, account_usage(tx, *account, devices, op.now));
    JsonValue reply = JsonValue::object();
    reply.set("account", account->id).set("withdrawals", std::move(list)).set("usage", std::move(usage));
    return ok_json(std::move(reply));
  })));
}

}  // namespace sls::server
