// What the login flow reads from and writes to the server (internal to the flow): the challenge and device
// records of the replies, one classifier of an HTTP reply, and the JSON bodies of the requests.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sls/device.hpp"
#include "sls/json.hpp"
#include "sls/login_flow.hpp"
#include "sls/messages.hpp"
#include "sls/secure.hpp"

namespace sls::flow {

/// True for 1..64 characters of [A-Za-z0-9_-]: safe to put into a URL path
/// and a header as they are.
bool is_url_safe_id(std::string_view id) noexcept;

/// A JSON object of string members, built in one buffer reserved at its
/// exact size (and beyond any small-string buffer), then moved into a
/// SecretString: no copy of a secret member is left behind.
SecretString json_object_body(std::initializer_list<std::pair<std::string_view, std::string_view>> members);
/// The same for a list built at run time.
SecretString json_object_body(std::span<const std::pair<std::string_view, std::string_view>> members);

/// One of the user's second-factor devices, as listed by the /login reply.
struct Device {
  std::string id;
  std::optional<DeviceKind> kind;  ///< nullopt for a kind this build does not know
  std::string label;
};

/// The devices of a /login reply body (members without a device_id are
/// skipped), the one named by default_device_id first.
std::vector<Device> read_devices(const JsonValue& body);

enum class Method : std::uint8_t { code_card, ocra, push, sms, temp_code };

/// "code_card", "ocra", "push", "sms", "temp_code".
std::string_view method_id(Method m) noexcept;

/// An open challenge (openapi: components/schemas/Challenge); only the
/// members of its method are set.
struct Challenge {
  Method method = Method::push;
  std::string challenge_id;
  std::int64_t expires_at_ms = 0;
  std::int64_t opened_at_ms = 0;
  std::int64_t index_a = 0, index_b = 0;
  std::string card_serial;
  std::optional<std::int64_t> logins_left;
  std::string challenge;
  std::string qr_payload;
  bool pin_on_device = false;
  std::string tx_id;
  std::string number;
  std::string sent_to;
  std::int64_t resend_after_ms = 0;
};

/// Reads a Challenge object opened at now_ms; nullopt when a member its
/// method needs is missing or malformed.
std::optional<Challenge> read_challenge(const JsonValue& v, std::int64_t now_ms);

/// True for the error codes that say the login itself is over (not only
/// the challenge or request at hand).
bool is_login_gone(Errc code) noexcept;

/// What an HTTP reply means to the flow, by its status alone.
enum class ReplyClass : std::uint8_t {
  ok,            ///< 2xx: the body holds the answer
  unreachable,   ///< status 0: no reply arrived (network failure)
  retry_later,   ///< 429: throttled; ask again after retry_after_s
  locked,        ///< 423: too many failures
  unauthorised,  ///< 401: credentials or code refused
  gone,          ///< 404: the login (or what was asked about) does not exist
  ended,         ///< 410: what was asked about is over; the login may live on
  server_fault,  ///< 5xx
  refused,       ///< any other status: the request was refused
};

/// A classified reply with the error its body carries.
struct ReplyVerdict {
  ReplyClass kind = ReplyClass::unreachable;
  /// The HTTP status (0 for no reply).
  int status = 0;
  /// The body's {"error": {"code"}} when it names a known error other than
  /// ok; nullopt for a success, an empty or malformed body or an unknown code.
  std::optional<Errc> code;
  /// The body's error.attempts_left.
  std::optional<std::int64_t> attempts_left;
  /// The Retry-After header, else the body's error.retry_after (seconds).
  std::optional<std::int64_t> retry_after_s;
  /// 400: the error is about the content of what was sent (the field).
  bool field = false;

  Errc code_or(Errc fallback) const noexcept { return code.value_or(fallback); }
  /// True when the body says the login itself is over, whatever the status.
  bool login_gone() const noexcept { return code && is_login_gone(*code); }
  /// 404, 410 or a body saying the login is over: a request about the login
  /// itself cannot go on.
  bool login_over() const noexcept { return kind == ReplyClass::gone || kind == ReplyClass::ended || login_gone(); }
};

/// Classifies any reply (any status, any body: never fails). The body is
/// read only for an error status: a success body may hold secrets and is
/// left to the caller.
ReplyVerdict classify_reply(const HttpReply& reply);

}  // namespace sls::flow
