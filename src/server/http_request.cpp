// The bounded request parser, request view, path handling and route table of
// slsd's HTTP layer (http_request.hpp).
#include "server/http_request.hpp"

#include <boost/beast/http/error.hpp>

#include <cctype>
#include <cstdint>
#include <vector>

#include "sls/secure.hpp"

namespace sls::server {

namespace http = boost::beast::http;
using boost::beast::error_code;
using boost::beast::string_view;

RequestParser::RequestParser(const RequestLimits& limits) : limits_(limits) {
  // Beast counts the request line and every header line against this.
  header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(limits.max_header_bytes, UINT32_MAX)));
  // The body is limited in append_body instead, once the request is routed:
  // Beast's own limit would refuse a large Content-Length before the route
  // could answer 404 or 405.
  body_limit(boost::none);
}

void RequestParser::on_request_impl(http::verb, string_view method, string_view target, int version, error_code&) {
  method_.assign(method.data(), method.size());
  target_.assign(target.data(), target.size());
  version_ = version;
}

void RequestParser::on_response_impl(int, string_view, int, error_code& ec) {
  // Never called for a request parser; a response would be malformed input.
  ec = http::error::bad_version;
}

void RequestParser::on_field_impl(http::field name, string_view name_string, string_view value, error_code& ec) {
  if (++field_count_ > limits_.max_header_fields) {
    ec = http::error::header_limit;
    return;
  }
  fields_.insert(name, name_string, value);
}

void RequestParser::on_header_impl(error_code& ec) {
  // A chunked body is refused before any of it is parsed: the API's clients
  // send a Content-Length, and Beast 1.81's chunk parser has an assertion
  // that chunks split oddly across reads can trip (boostorg/beast#2861), which
  // aborts builds with assertions on.
  if (chunked()) ec = http::error::bad_transfer_encoding;
}

void RequestParser::on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) {}

std::size_t RequestParser::append_body(string_view data, error_code& ec) {
  if (data.size() > limits_.max_body_bytes - body_.size()) {
    ec = http::error::body_limit;
    return 0;
  }
  body_.append(data.data(), data.size());
  return data.size();
}

std::size_t RequestParser::on_body_impl(string_view data, error_code& ec) { return append_body(data, ec); }

void RequestParser::on_chunk_header_impl(std::uint64_t, string_view, error_code&) {}

std::size_t RequestParser::on_chunk_body_impl(std::uint64_t, string_view data, error_code& ec) {
  return append_body(data, ec);
}

void RequestParser::on_finish_impl(error_code&) {}

std::string_view RequestView::header(std::string_view name) const {
  auto it = parser_.fields().find(string_view(name.data(), name.size()));
  if (it == parser_.fields().end()) return {};
  const auto value = it->value();
  return {value.data(), value.size()};
}

std::string_view target_path(std::string_view target) noexcept { return target.substr(0, target.find_first_of("?#")); }

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::vector<std::uint8_t> byte;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && from_hex(text.substr(i + 1, 2), byte)) {
      out += static_cast<char>(byte[0]);
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  if (!path.empty() && path[0] == '/') pos = 1;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(percent_decode(path.substr(pos, end - pos)));
    pos = end + 1;
  }
  return out;
}

bool is_json_content_type(std::string_view content_type) noexcept {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  if (type.size() != kJson.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(type[i])) != kJson[i]) return false;
  return true;
}

std::string_view cookie_value(std::string_view header, std::string_view name) noexcept {
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      std::string_view value = pair.substr(eq + 1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
      return value;
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

std::vector<RouteSpec> api_routes(const HttpConfig& config) {
  std::vector<RouteSpec> routes = {
      {"POST", "/api/v1/login", true, RouteId::login_start},
      {"POST", "/api/v1/login/{}/challenge", true, RouteId::login_challenge},
      {"POST", "/api/v1/login/{}/verify", true, RouteId::login_verify},
      {"POST", "/api/v1/login/{}/sms/resend", false, RouteId::login_sms_resend},
      {"POST", "/api/v1/login/{}/complete", true, RouteId::login_complete},
      {"GET", "/api/v1/login/{}/challenge-status", false, RouteId::login_challenge_status},
      {"GET", "/api/v1/push/{}", false, RouteId::push_status},
      {"DELETE", "/api/v1/push/{}", false, RouteId::push_cancel},
      {"POST", "/api/v1/push/{}/decision", true, RouteId::push_decision},
      {"GET", "/api/v1/device/{}/pushes", false, RouteId::device_pushes},
      {"POST", "/api/v1/qr/approve", true, RouteId::qr_approve},
      {"POST", "/api/v1/mobile-key/activate", true, RouteId::mobile_key_activate},
      {"POST", "/api/v1/mobile-key/enrolments", true, RouteId::mobile_key_enrolment_start},
      {"POST", "/api/v1/mobile-key/enrolments/{}/sms", true, RouteId::mobile_key_enrolment_sms},
      {"POST", "/api/v1/mobile-key/recover", true, RouteId::mobile_key_recover},
      {"POST", "/api/v1/mobile-key/add-user", true, RouteId::mobile_key_add_user},
      {"GET", "/api/v1/phones", false, RouteId::phones_list},
      {"POST", "/api/v1/phones", true, RouteId::phones_add},
      {"DELETE", "/api/v1/phones/{}", false, RouteId::phones_remove},
      {"GET", "/api/v1/server-key", false, RouteId::server_key},
      {"GET", "/api/v1/session", false, RouteId::session_get},
      {"DELETE", "/api/v1/session", false, RouteId::session_delete},
      {"GET", "/api/v1/accounts", false, RouteId::accounts_list},
      {"POST", "/api/v1/accounts/{}/opt-out", true, RouteId::account_opt_out},
      {"POST", "/api/v1/accounts/{}/opt-in", true, RouteId::account_opt_in},
      {"POST", "/api/v1/withdrawals", true, RouteId::withdrawals_create},
      {"GET", "/api/v1/withdrawals", false, RouteId::withdrawals_list},
      {"POST", "/api/v1/sharing", true, RouteId::sharing_request},
      {"GET", "/api/v1/sharing", false, RouteId::sharing_list},
      {"DELETE", "/api/v1/sharing/{}", false, RouteId::sharing_end},
      {"POST", "/api/v1/device-orders", true, RouteId::device_orders_create},
      {"GET", "/api/v1/device-orders", false, RouteId::device_orders_list},
      {"GET", "/api/v1/devices", false, RouteId::devices_list},
      // Before /devices/{}: "history" is no device id.
      {"GET", "/api/v1/devices/history", false, RouteId::devices_history},
      {"POST", "/api/v1/devices/{}/lost", false, RouteId::device_lost},
      {"DELETE", "/api/v1/devices/{}", false, RouteId::device_remove},
      {"POST", "/api/v1/devices/{}/replace", true, RouteId::device_replace},
      {"GET", "/api/v1/devices/{}/return", false, RouteId::device_return},
      {"GET", "/.well-known/jwks.json", false, RouteId::jwks},
      {"POST", "/api/v1/assertions/redeem", true, RouteId::assertion_redeem},
      {"POST", "/api/v1/devices/online-card", false, RouteId::online_card_issue},
      {"GET", "/api/v1/devices/{}/card", false, RouteId::online_card_page},
      {"POST", "/api/v1/devices/{}/activate", true, RouteId::online_card_activate},
      {"GET", "/api/v1/card.css", false, RouteId::card_stylesheet},
  };
  if (config.demo) routes.push_back({"GET", "/api/v1/demo/outbox", false, RouteId::demo_outbox});
  if (config.demo && !config.demo_users_json.empty())
    routes.push_back({"GET", "/api/v1/demo/users", false, RouteId::demo_users});
  // The demo's start page (a static index.html at / would win if there were one).
  if (config.demo && !config.static_dir.empty()) routes.push_back({"GET", "/", false, RouteId::demo_start_page});
  return routes;
}

Router::Router(const std::vector<RouteSpec>& routes) {
  for (const RouteSpec& r : routes) {
    std::vector<std::string> segments;
    std::string_view p = r.pattern;
    std::size_t pos = p.empty() || p[0] != '/' ? 0 : 1;
    while (pos <= p.size()) {
      std::size_t end = p.find('/', pos);
      if (end == std::string_view::npos) end = p.size();
      segments.emplace_back(p.substr(pos, end - pos));
      pos = end + 1;
    }
    routes_.push_back({r, std::move(segments)});
  }
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
  RouteMatch out;
  const std::vector<std::string> segs = split_path(path);
  for (const Compiled& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::vector<std::string> captured;
    bool matches = true;
    for (std::size_t i = 0; i < segs.size() && matches; ++i) {
      if (r.segments[i] == "{}")
        matches = !segs[i].empty() && (captured.push_back(segs[i]), true);
      else
        matches = r.segments[i] == segs[i];
    }
    if (!matches) continue;
    if (out.allow.find(r.spec.method) == std::string::npos)
      out.allow += (out.allow.empty() ? "" : ", ") + std::string(r.spec.method);
    if (r.spec.method == method || (method == "HEAD" && r.spec.method == "GET")) {
      out.route = &r.spec;
      out.params = std::move(captured);
      return out;
    }
  }
  return out;
}

}  // namespace sls::server
