// Sending text messages. The server only needs "send this text to this
// phone"; a deployment plugs in its provider by implementing SmsGateway.
// The default gateway writes to the sms_outbox table, which the demo shows
// in place of a phone (slsctl outbox, or GET /api/v1/demo/outbox with
// slsd --demo).
#pragma once

#include <string>
#include <string_view>

#include "server/clock.hpp"
#include "server/store.hpp"
#include "sls/lang.hpp"
#include "sls/result.hpp"

namespace sls::server {

class SmsGateway {
 public:
  virtual ~SmsGateway() = default;
  /// Sends `text` to `phone`. Called after the state change that made the
  /// code has committed, outside any transaction. A failure is reported to
  /// the client as a server fault; the code stays valid and can be re-sent.
  virtual Status send(std::string_view phone, std::string_view text) = 0;
};

/// Appends every message to the store's outbox.
class OutboxSmsGateway final : public SmsGateway {
 public:
  OutboxSmsGateway(Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  Status send(std::string_view phone, std::string_view text) override;

 private:
  Store& store_;
  const Clock& clock_;
};

/// The text of a login code message in a language, e.g. "SLS login code:
/// 123456. It expires in 10 minutes. Never share it."
std::string sms_login_text(std::string_view code, std::int64_t valid_minutes, Lang lang);

/// The text of a Mobile Key activation code message.
std::string sms_activation_text(std::string_view code, Lang lang);

/// A phone number for display, all but the last 4 digits masked:
/// "+85291234567" → "•••••••4567". Never fails.
std::string mask_phone(std::string_view phone);

}  // namespace sls::server
