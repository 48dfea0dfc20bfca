// The service's construction: the configured suites and origin are checked once, before any request.
#include "server/service.hpp"

#include <algorithm>
#include <memory>
#include <string>

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

AuthService::AuthService(Store& store, const Keyring& keys, const Clock& clock, SmsGateway& sms, ServiceConfig config)
    : store_(store),
      keys_(keys),
      clock_(clock),
      sms_(sms),
      config_(std::move(config)),
      challenge_opens_by_address_(per_hour_policy(config_.challenges_per_hour_per_address)),
      failures_per_address_(config_.failures_per_address) {}

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
  if (auto s = validate_payload_origin(config.origin); !s) return s.error();
  std::unique_ptr<AuthService> service(new AuthService(store, keys, clock, sms, std::move(config)));
  auto dummy = hash_password(random_token(16), service->config_.password);
  if (!dummy) return dummy.error();
  service->dummy_password_hash_ = std::move(*dummy);
  return service;
}

Status AuthService::set_origin(std::string origin) {
  if (auto s = validate_payload_origin(origin); !s) return s;
  config_.origin = std::move(origin);
  return ok_status();
}

}  // namespace sls::server
