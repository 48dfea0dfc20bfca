// The request side of slsd's HTTP layer: a bounded Beast request parser, the
// read-only view of a request head that route handlers get, path splitting and
// the route table. Public so that the fuzz target (tests/fuzz) drives exactly
// the code the server runs.
#pragma once

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/fields.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/config.hpp"

namespace sls::server {

/// What one request may hold; see HttpConfig for the meaning and defaults.
struct RequestLimits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_header_fields = 100;
  std::size_t max_body_bytes = 16 * 1024;

  static RequestLimits from(const HttpConfig& config) {
    return {config.max_header_bytes, config.max_header_fields, config.max_body_bytes};
  }
};

/// Parses one HTTP/1.x request (feed it with Beast's read functions or put()).
/// Fails with http::error::header_limit when the head passes max_header_bytes
/// or max_header_fields, with http::error::body_limit when the body passes
/// max_body_bytes, and with http::error::bad_transfer_encoding for a chunked
/// body (only Content-Length bodies are taken); memory stays within about the
/// limits. The body limit is
/// enforced while the body is read, not from Content-Length, so that a caller
/// can route a request before refusing its size (see content_length()).
class RequestParser : public boost::beast::http::basic_parser<true> {
 public:
  explicit RequestParser(const RequestLimits& limits);

  std::string_view method() const { return method_; }
  /// The request target as sent ("/api/v1/push/abc?x=1").
  std::string_view target() const { return target_; }
  /// 10 for HTTP/1.0, 11 for HTTP/1.1.
  int version() const { return version_; }
  const boost::beast::http::fields& fields() const { return fields_; }
  /// The body read so far (all of it once is_done()).
  std::string& body() { return body_; }
  const std::string& body() const { return body_; }

 private:
  void on_request_impl(boost::beast::http::verb verb, boost::beast::string_view method,
                       boost::beast::string_view target, int version, boost::beast::error_code& ec) override;
  void on_response_impl(int status, boost::beast::string_view reason, int version,
                        boost::beast::error_code& ec) override;
  void on_field_impl(boost::beast::http::field name, boost::beast::string_view name_string,
                     boost::beast::string_view value, boost::beast::error_code& ec) override;
  void on_header_impl(boost::beast::error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>& content_length, boost::beast::error_code& ec) override;
  std::size_t on_body_impl(boost::beast::string_view data, boost::beast::error_code& ec) override;
  void on_chunk_header_impl(std::uint64_t size, boost::beast::string_view extensions,
                            boost::beast::error_code& ec) override;
  std::size_t on_chunk_body_impl(std::uint64_t remain, boost::beast::string_view data,
                                 boost::beast::error_code& ec) override;
  void on_finish_impl(boost::beast::error_code& ec) override;

  std::size_t append_body(boost::beast::string_view data, boost::beast::error_code& ec);

  RequestLimits limits_;
  std::string method_;
  std::string target_;
  int version_ = 11;
  std::size_t field_count_ = 0;
  boost::beast::http::fields fields_;
  std::string body_;
};

/// A read-only view of a parsed request head, for route handlers and the
/// gates. Header names are case-insensitive; a missing header reads as "".
class RequestView {
 public:
  RequestView(const RequestParser& parser, std::string_view remote_address)
      : parser_(parser), remote_address_(remote_address) {}

  std::string_view method() const { return parser_.method(); }
  std::string_view target() const { return parser_.target(); }
  /// The value of the first header `name`, or "" when there is none.
  std::string_view header(std::string_view name) const;
  /// The client's address as text ("127.0.0.1", "::1").
  std::string_view remote_address() const { return remote_address_; }

 private:
  const RequestParser& parser_;
  std::string_view remote_address_;
};

/// The path of a request target: everything before '?' (and '#').
std::string_view target_path(std::string_view target) noexcept;

/// `text` with every %XX (two hex digits) replaced by its byte; a '%' not
/// followed by two hex digits stays as it is. '+' stays '+' (paths, not forms).
std::string percent_decode(std::string_view text);

/// The segments of a path, each percent-decoded: "/a/b%2Fc/" gives
/// {"a", "b/c", ""}. A leading '/' is dropped; an empty path gives {""}.
std::vector<std::string> split_path(std::string_view path);

/// Content-Type is application/json, with any parameters, in any case.
bool is_json_content_type(std::string_view content_type) noexcept;

/// Every route of the API. Handlers live in http_dispatch.cpp, chosen by id.
enum class RouteId {
  login_start,
  login_challenge,
  login_verify,
  login_sms_resend,
  login_complete,
  login_challenge_status,
  push_status,
  push_cancel,
  push_decision,
  device_pushes,
  qr_approve,
  mobile_key_activate,
  mobile_key_enrolment_start,
  mobile_key_enrolment_sms,
  mobile_key_recover,
  mobile_key_add_user,
  phones_list,
  phones_add,
  phones_remove,
  server_key,
  session_get,
  session_delete,
  accounts_list,
  account_opt_out,
  account_opt_in,
  withdrawals_create,
  withdrawals_list,
  sharing_request,
  sharing_list,
  sharing_end,
  device_orders_create,
  device_orders_list,
  devices_list,
  devices_history,
  device_lost,
  device_remove,
  device_replace,
  device_return,
  jwks,
  assertion_redeem,
  demo_outbox,
  demo_users,
  demo_start_page,
  online_card_issue,
  online_card_page,
  online_card_activate,
  card_stylesheet,
};

struct RouteSpec {
  std::string_view method;
  /// "/api/v1/push/{}": "{}" matches one non-empty segment, captured in order.
  std::string_view pattern;
  /// The route takes a JSON object body (415 / 400 gates apply).
  bool json_body;
  RouteId id;
};

/// The value of cookie `name` in a Cookie header ("a=1; b=2"), empty when
/// it is absent.
std::string_view cookie_value(std::string_view header, std::string_view name) noexcept;

/// The routes `config` enables (the demo routes only in demo mode).
std::vector<RouteSpec> api_routes(const HttpConfig& config);

/// The outcome of matching a method and path against the routes.
struct RouteMatch {
  /// The matched route, or null: then 404 if `allow` is empty, else 405.
  const RouteSpec* route = nullptr;
  /// The captured "{}" segments, percent-decoded.
  std::vector<std::string> params;
  /// The methods the path accepts ("GET, DELETE"), for 405's Allow header.
  std::string allow;
};

/// Matches routes in table order; HEAD matches a GET route.
class Router {
 public:
  explicit Router(const std::vector<RouteSpec>& routes);
  /// `path` is a target's path (target_path), not yet decoded.
  RouteMatch match(std::string_view method, std::string_view path) const;

 private:
  struct Compiled {
    RouteSpec spec;
    std::vector<std::string> segments;
  };
  std::vector<Compiled> routes_;
};

}  // namespace sls::server
