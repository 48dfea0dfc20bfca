// The service's construction: the configured suites and origin are checked once, before any request.
#include "server/service.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include "server/assertion_keys.hpp"
#include "server/encoding.hpp"
#include "server/password.hpp"
#include "sls/ocra.hpp"
#include "sls/response.hpp"
#include "sls/secure.hpp"
#include "sls/signed_payload.hpp"

namespace sls::server {

// --- construction ----------------------------------------------------------------------------

namespace {

/// A token bucket that lets `per_hour` requests through in a rolling hour.
RateLimitPolicy per_hour_policy(std::int64_t per_hour) {
  RateLimitPolicy p;
  p.burst = static_cast<double>(std::max<std::int64_t>(per_hour, 1));
  p.per_second = p.burst / 3600.0;
  return p;
}

}  // namespace

Status validate_assertion_audience(std::string_view audience) {
  if (audience.empty() || audience.size() > kMaxAssertionAudienceBytes ||
      !std::all_of(audience.begin(), audience.end(), [](char c) { return c > 0x20 && c < 0x7f; }))
    return fail(Errc::bad_argument, {"assertion audience", std::string(audience)});
  return ok_status();
}

AuthService::AuthService(Store& store, const Keyring& keys, const Clock& clock, SmsGateway& sms, ServiceConfig config)
    : store_(store),
      keys_(keys),
      clock_(clock),
      sms_(sms),
      config_(std::move(config)),
      challenge_opens_by_address_(make_address_budget(store, config_.shared_address_budgets, "challenge_opens",
                                                      per_hour_policy(config_.challenges_per_hour_per_address))),
      failures_per_address_(
          make_address_budget(store, config_.shared_address_budgets, "failures", config_.failures_per_address)) {}

Result<std::unique_ptr<AuthService>> AuthService::create(Store& store, const Keyring& keys, const Clock& clock,
                                                         SmsGateway& sms, ServiceConfig config) {
  for (const std::string* suite :
       {&config.mobile_key_suite, &config.dsc_suite, &config.dsc_plus_suite, &config.platinum_gold_suite}) {
    auto parsed = OcraSuite::parse(*suite);
    if (!parsed) return parsed.error();
    if (parsed->digits() != kResponseOcraDigits || parsed->question_format() != OcraQuestionFormat::numeric ||
        parsed->question_length() < kChallengeDigits || parsed->has_counter() || parsed->has_timestamp() ||
        parsed->session_length() != 0)
      return fail(Errc::ocra_suite_malformed, {*suite, "device suites are HOTP-SHAx-7:QN06[-PSHAx]"});
  }
  auto calendar = market_calendar(config.market);
  if (!calendar) return calendar.error();
  if (auto s = validate_payload_origin(config.origin); !s) return s.error();
  for (std::size_t i = 0; i < config.assertion_audiences.size(); ++i) {
    const std::string& aud = config.assertion_audiences[i];
    if (auto s = validate_assertion_audience(aud); !s) return s.error();
    if (std::find(config.assertion_audiences.begin(),
                  config.assertion_audiences.begin() + static_cast<std::ptrdiff_t>(i),
                  aud) != config.assertion_audiences.begin() + static_cast<std::ptrdiff_t>(i))
      return fail(Errc::bad_argument, {"assertion audience", aud, "given twice"});
  }
  if (config.assertion_ttl < 1 || config.assertion_ttl > kMaxAssertionTtl)
    return fail(Errc::bad_argument, {"assertion ttl", std::to_string(config.assertion_ttl)});
  std::unique_ptr<AuthService> service(new AuthService(store, keys, clock, sms, std::move(config)));
  auto dummy = hash_password(random_token(16), service->config_.password);
  if (!dummy) return dummy.error();
  service->dummy_password_hash_ = std::move(*dummy);
  service->calendar_ = std::move(*calendar);
  return service;
}

std::vector<std::string> AuthService::assertion_audiences() const {
  if (config_.assertion_audiences.empty()) return {config_.origin};
  return config_.assertion_audiences;
}

Status AuthService::set_origin(std::string origin) {
  if (auto s = validate_payload_origin(origin); !s) return s;
  config_.origin = std::move(origin);
  return ok_status();
}

}  // namespace sls::server
