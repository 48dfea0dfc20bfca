// The gates, static files and route handlers of slsd's HTTP layer (http_dispatch.hpp).
#include "server/http_dispatch.hpp"

#include <algorithm>
#include <charconv>
#include <exception>
#include <filesystem>
#include <optional>

#include "server/accept_language.hpp"
#include "server/http_api.hpp"
#include "server/online_card.hpp"
#include "sls/secure.hpp"

namespace sls::server {

namespace {

constexpr std::string_view kJsonType = "application/json; charset=utf-8";

HttpReply from_api_response(ApiResponse r) {
  HttpReply out;
  out.status = r.status;
  out.headers = std::move(r.headers);
  // no-store unless the handler chose its own caching (the JWKS).
  const bool cache_set =
      std::any_of(out.headers.begin(), out.headers.end(), [](const auto& h) { return h.first == "Cache-Control"; });
  if (!cache_set) out.headers.emplace_back("Cache-Control", "no-store");
  out.content_type = kJsonType;
  out.body = json_serialize(r.body);
  return out;
}

/// The value of query parameter `name` in `target` (not decoded), if present.
std::optional<std::string_view> query_param(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

/// A status answer that is still pending: its expiry.
std::optional<std::int64_t> pending_until(const ApiResponse& r) {
  if (r.status != 200) return std::nullopt;
  const JsonValue* status = r.body.find("status");
  const JsonValue* expires = r.body.find("expires_at");
  if (status == nullptr || expires == nullptr || status->as_string() == nullptr || *status->as_string() != "pending")
    return std::nullopt;
  return expires->as_int();
}

/// The request declares or brings a body (Content-Length > 0 or chunked).
bool has_body(const RequestParser& parser) {
  const auto length = parser.content_length();
  return parser.chunked() || (length && *length > 0);
}

}  // namespace

Dispatcher::Dispatcher(AuthService& service, const Clock& clock, const HttpConfig& config, LogSink log)
    : service_(service),
      clock_(clock),
      config_(config),
      log_(std::move(log)),
      limiter_(config.rate_limit),
      back_office_limiter_(config.back_office_rate_limit),
      router_(api_routes(config)),
      content_security_policy_(static_content_security_policy(config.frame_ancestors)),
      demo_users_(JsonValue::object()) {
  // Parsed once here; slsd has checked that it parses.
  if (config.demo && !config.demo_users_json.empty())
    if (auto users = json_parse(config.demo_users_json)) demo_users_ = std::move(*users);
}

HttpReply Dispatcher::error_reply(Errc code, Lang lang, const ErrorExtras& extras) {
  return from_api_response(error_response(fail(code), lang, extras));
}

std::optional<HttpReply> Dispatcher::check_rate_limit(const RequestView& request, const RouteMatch& match, Lang lang) {
  const bool back_office = match.route != nullptr && (match.route->id == RouteId::withdrawals_create ||
                                                      match.route->id == RouteId::withdrawals_list);
  RateLimiter& limiter = back_office ? back_office_limiter_ : limiter_;
  const auto decision = limiter.take(request.remote_address(), clock_.now_ms());
  if (decision.allowed) return std::nullopt;
  ErrorExtras extras;
  extras.retry_after = decision.retry_after;
  return error_reply(Errc::rate_limited, lang, extras);
}

std::optional<HttpReply> Dispatcher::check_route(const RouteMatch& match, Lang lang) {
  if (match.route != nullptr) return std::nullopt;
  if (match.allow.empty()) return error_reply(Errc::http_not_found, lang);
  HttpReply r = error_reply(Errc::http_method_not_allowed, lang);
  r.headers.emplace_back("Allow", match.allow);
  return r;
}

std::optional<HttpReply> Dispatcher::check_body_size(const RequestParser& parser, Lang lang) const {
  // A chunked body has no declared size; the parser stops it at the limit.
  const auto length = parser.content_length();
  if (!length || *length <= config_.max_body_bytes) return std::nullopt;
  return error_reply(Errc::http_body_too_large, lang);
}

std::optional<HttpReply> Dispatcher::check_content_type(const RouteSpec& route, const RequestView& request, Lang lang) {
  if (!route.json_body || is_json_content_type(request.header("Content-Type"))) return std::nullopt;
  return error_reply(Errc::http_unsupported_media_type, lang);
}

Admission Dispatcher::admit(const RequestParser& parser, const RequestView& request) {
  Admission a;
  a.lang = lang_from_accept_language(request.header("Accept-Language"));
  const std::string_view path = target_path(request.target());
  const std::string_view method = request.method();
  // Static files come first and are not rate limited: a page loads many.
  if (!config_.static_dir.empty() && (method == "GET" || method == "HEAD")) {
    if (auto target = resolve_static(config_.static_dir, path)) {
      a.reply.route = "(static)";
      if (!target->redirect.empty()) {
        a.reply.status = 301;
        a.reply.headers = {{"Location", target->redirect}, {"Cache-Control", "no-store"}};
        a.reply.close = has_body(parser);
        return a;
      }
      a.static_target = std::move(*target);
      // A file already in memory is answered here, without a hop to a
      // worker; one not read yet (or changed) is read on a worker.
      if (!has_body(parser))
        if (auto reply = serve_static_from_memory(a, request)) {
          a.reply = std::move(*reply);
          return a;
        }
      a.next = Admission::Next::static_file;
      return a;
    }
  }
  auto refuse = [&](HttpReply reply) {
    reply.route = std::move(a.reply.route);
    reply.close = has_body(parser);  // its body is not read: the connection cannot go on
    a.reply = std::move(reply);
    return a;
  };
  // Matching is in memory: done first, so that the back office's routes
  // draw on their own budget. An unknown path or method draws on the
  // general one.
  RouteMatch match = router_.match(method, path);
  if (auto r = check_rate_limit(request, match, a.lang)) return refuse(std::move(*r));
  if (auto r = check_route(match, a.lang)) return refuse(std::move(*r));
  a.reply.route = std::string(match.route->pattern);
  if (auto r = check_body_size(parser, a.lang)) return refuse(std::move(*r));
  if (auto r = check_content_type(*match.route, request, a.lang)) return refuse(std::move(*r));
  a.route = match.route;
  a.params = std::move(match.params);
  if (auto r = check_wait(a, request)) return refuse(std::move(*r));
  a.next = Admission::Next::handle;
  // A poll of a push known to be unchanged is answered here, on the I/O
  // thread: no store access, no hop to a worker (PendingPushCache). A held
  // request (?wait) registers its wake-up first (http_api.cpp).
  if (a.wait_seconds == 0 && !has_body(parser))
    if (auto reply = unchanged_status(a, request)) {
      a.reply = std::move(*reply);
      a.next = Admission::Next::reply;
    }
  return a;
}

std::optional<HttpReply> Dispatcher::unchanged_status(const Admission& a, const RequestView& request,
                                                      PendingPushCache::Use use) const {
  if (a.route == nullptr || a.route->id != RouteId::push_status) return std::nullopt;
  const RequestContext ctx{std::string(request.remote_address()), a.lang,
                           std::string(request.header(kLoginSecretHeader))};
  auto r = service_.push_status_unchanged(ctx, a.params.at(0), use);
  if (!r) return std::nullopt;
  const auto pending = pending_until(*r);
  HttpReply reply = from_api_response(std::move(*r));
  reply.route = std::string(a.route->pattern);
  reply.pending_until = pending;
  return reply;
}

std::optional<HttpReply> Dispatcher::check_wait(Admission& a, const RequestView& request) const {
  if (a.route->id != RouteId::push_status && a.route->id != RouteId::login_challenge_status) return std::nullopt;
  const auto text = query_param(request.target(), "wait");
  if (!text) return std::nullopt;
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
  if (text->empty() || ec != std::errc() || end != text->data() + text->size() || seconds < 0) {
    // Too large to parse is still a number of seconds: the bound applies.
    if (!(ec == std::errc::result_out_of_range && end == text->data() + text->size() && text->front() != '-'))
      return from_api_response(error_response(fail(Errc::request_bad_field, {"wait"}), a.lang));
    seconds = config_.max_wait_seconds;
  }
  a.wait_seconds = std::min(seconds, std::max<std::int64_t>(0, config_.max_wait_seconds));
  a.wait_id = a.params.at(0);  // the push's id, or the login's whose challenge is watched
  return std::nullopt;
}

HttpReply Dispatcher::handle(const Admission& admission, const RequestView& request, std::string& body) {
  const RouteSpec& route = *admission.route;
  HttpReply reply;
  try {
    JsonValue json = JsonValue::object();
    if (route.json_body) {
      auto parsed = json_parse(body, config_.max_body_bytes);
      if (!parsed || !parsed->is_object()) {
        reply = error_reply(Errc::request_malformed_json, admission.lang);
      } else {
        json = std::move(*parsed);
      }
    }
    if (reply.body.empty()) {
      const RequestContext ctx{std::string(request.remote_address()), admission.lang};
      reply = call_route(route, ctx, admission.params, json, request);
    }
    json.wipe();  // it may have held a password or a code
  } catch (const std::exception& e) {
    log_error("error " + std::string(request.method()) + " " + std::string(route.pattern) + ": exception: " + e.what());
    reply = error_reply(Errc::internal, admission.lang);
  } catch (...) {
    log_error("error " + std::string(request.method()) + " " + std::string(route.pattern) + ": unknown exception");
    reply = error_reply(Errc::internal, admission.lang);
  }
  wipe(body);
  reply.route = std::string(route.pattern);
  return reply;
}

namespace {

/// `c` with the login secret header of `request`.
RequestContext bound(const RequestContext& c, const RequestView& request) {
  RequestContext out = c;
  out.login_secret = std::string(request.header(kLoginSecretHeader));
  return out;
}

}  // namespace

HttpReply Dispatcher::call_route(const RouteSpec& route, const RequestContext& c, const std::vector<std::string>& p,
                                 const JsonValue& b, const RequestView& request) {
  AuthService& s = service_;
  ApiResponse r;
  auto session_cookie = [&](const RequestView& req) {
    return cookie_value(req.header("Cookie"), session_cookie_name(config_.secure_cookies));
  };
  switch (route.id) {
    case RouteId::login_start: r = s.start_login(c, b, session_cookie(request)); break;
    // The browser routes of a login carry the login's secret (finding 7).
    case RouteId::login_challenge: r = s.open_challenge(bound(c, request), p.at(0), b); break;
    case RouteId::login_verify: r = s.verify(bound(c, request), p.at(0), b); break;
    case RouteId::login_sms_resend: r = s.resend_sms(bound(c, request), p.at(0)); break;
    case RouteId::login_complete:
      r = s.complete(bound(c, request), p.at(0), b, config_.secure_cookies, session_cookie(request));
      break;
    case RouteId::login_challenge_status: r = s.challenge_status(bound(c, request), p.at(0)); break;
    case RouteId::push_status: r = s.push_status(bound(c, request), p.at(0)); break;
    case RouteId::push_cancel: r = s.cancel_push(bound(c, request), p.at(0)); break;
    case RouteId::push_decision: r = s.push_decision(c, p.at(0), b); break;
    case RouteId::device_pushes:
      r = s.device_pushes(c, p.at(0), request.header("X-SLS-Device-Signature"), request.header("X-SLS-Device-Time"));
      break;
    case RouteId::qr_approve: r = s.qr_approve(c, b); break;
    case RouteId::mobile_key_activate: r = s.activate_mobile_key(c, b); break;
    case RouteId::mobile_key_enrolment_start: r = s.start_mobile_key_enrolment(c, b); break;
    case RouteId::mobile_key_enrolment_sms: r = s.send_mobile_key_code(c, p.at(0), b); break;
    case RouteId::mobile_key_recover: r = s.recover_mobile_key(c, b); break;
    case RouteId::mobile_key_add_user: r = s.add_mobile_key_user(c, b); break;
    case RouteId::phones_list: r = s.list_phones(c, session_cookie(request)); break;
    case RouteId::phones_add: r = s.add_phone(c, session_cookie(request), b); break;
    case RouteId::phones_remove: r = s.remove_phone(c, session_cookie(request), p.at(0)); break;
    case RouteId::server_key: r = s.server_key(c); break;
    // Only the configured cookie name counts: under --secure-cookies a plain
    // sls_session (which a sibling site could have set) is ignored.
    case RouteId::session_get:
      r = s.current_session(c, cookie_value(request.header("Cookie"), session_cookie_name(config_.secure_cookies)));
      break;
    case RouteId::session_delete:
      r = s.end_session(c, cookie_value(request.header("Cookie"), session_cookie_name(config_.secure_cookies)),
                        config_.secure_cookies);
      break;
    case RouteId::accounts_list: r = s.list_accounts(c, session_cookie(request)); break;
    case RouteId::account_opt_out: r = s.set_account_opt_out(c, session_cookie(request), p.at(0), true); break;
    case RouteId::account_opt_in: r = s.set_account_opt_out(c, session_cookie(request), p.at(0), false); break;
    // The back office's routes: a service credential, never a session.
    case RouteId::withdrawals_create: r = s.record_withdrawal(c, request.header("Authorization"), b); break;
    case RouteId::withdrawals_list:
      r = s.list_withdrawals(c, request.header("Authorization"), query_param(request.target(), "account").value_or(""),
                             query_param(request.target(), "limit"));
      break;
    case RouteId::sharing_request: r = s.request_sharing(c, session_cookie(request), b); break;
    case RouteId::sharing_list: r = s.list_sharings(c, session_cookie(request)); break;
    case RouteId::sharing_end: r = s.end_sharing(c, session_cookie(request), p.at(0)); break;
    case RouteId::device_orders_create: r = s.create_device_order(c, session_cookie(request), b); break;
    case RouteId::device_orders_list: r = s.list_device_orders(c, session_cookie(request)); break;
    case RouteId::devices_list: r = s.list_user_devices(c, session_cookie(request)); break;
    case RouteId::devices_history:
      r = s.device_history(c, session_cookie(request), query_param(request.target(), "limit"));
      break;
    case RouteId::device_lost: r = s.report_device_lost(c, session_cookie(request), p.at(0)); break;
    case RouteId::device_remove: r = s.remove_device(c, session_cookie(request), p.at(0)); break;
    case RouteId::device_replace: r = s.replace_device(c, session_cookie(request), p.at(0), b); break;
    case RouteId::device_return: r = s.device_return(c, session_cookie(request), p.at(0)); break;
    case RouteId::jwks: r = s.jwks(c); break;
    case RouteId::assertion_redeem: r = s.redeem_assertion(c, b); break;
    case RouteId::demo_outbox: r = s.demo_outbox(c); break;
    case RouteId::demo_users: r = ApiResponse{200, demo_users_, {}, {}}; break;
    case RouteId::demo_start_page: r = ApiResponse{302, JsonValue::object(), {{"Location", "/demo/"}}, {}}; break;
    case RouteId::online_card_issue: r = s.issue_online_card(c, session_cookie(request)); break;
    case RouteId::online_card_activate: r = s.activate_online_card(c, session_cookie(request), p.at(0), b); break;
    case RouteId::online_card_page: {
      // ?lang= picks the page's language (the security centre's), else the
      // request's Accept-Language.
      const auto tag = query_param(request.target(), "lang");
      const Lang lang = tag ? lang_from_tag(*tag) : c.lang;
      std::string html;
      r = s.online_card_page(c, session_cookie(request), p.at(0), lang, html);
      if (r.status == 200) return page_reply(std::move(html), "text/html; charset=utf-8", "no-store");
      break;
    }
    case RouteId::card_stylesheet:
      return page_reply(std::string(online_card_stylesheet()), "text/css; charset=utf-8", "no-cache");
  }
  if (!r.log_note.empty())
    log_error("error " + std::string(request.method()) + " " + std::string(route.pattern) + ": " + r.log_note);
  std::optional<std::int64_t> pending;
  if (route.id == RouteId::push_status || route.id == RouteId::login_challenge_status) pending = pending_until(r);
  HttpReply out = from_api_response(std::move(r));
  out.pending_until = pending;
  return out;
}

HttpReply Dispatcher::page_reply(std::string body, std::string_view content_type, std::string_view cache) const {
  // A page the API serves (the printable card) gets the static files'
  // strict headers: no inline script or style runs in it.
  HttpReply r;
  r.headers = {{"Content-Security-Policy", content_security_policy_},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"},
               {"Cache-Control", std::string(cache)}};
  r.content_type = std::string(content_type);
  r.body = std::move(body);
  return r;
}

HttpReply Dispatcher::serve_static(const Admission& admission, const RequestView& request) {
  return *static_reply(admission, request, false);
}

std::optional<HttpReply> Dispatcher::serve_static_from_memory(const Admission& admission, const RequestView& request) {
  return static_reply(admission, request, true);
}

std::optional<HttpReply> Dispatcher::static_reply(const Admission& admission, const RequestView& request,
                                                  bool memory_only) {
  const std::filesystem::path& file = admission.static_target.file;
  // The best coding the client accepts that has a current copy; the file
  // itself otherwise (a checkout that was never built has no copies).
  ContentCoding coding = ContentCoding::identity;
  std::optional<StaticBody> body;
  for (ContentCoding c : acceptable_codings(request.header("Accept-Encoding"))) {
    const auto path = StaticFiles::variant(file, c);
    if (!path) continue;
    body = static_files_.load(*path, memory_only);
    if (body) {
      coding = c;
      break;
    }
    if (memory_only) return std::nullopt;  // not read yet: the worker reads it
  }
  if (!body) {
    HttpReply r = error_reply(Errc::http_not_found, admission.lang);
    r.route = "(static)";
    return r;
  }
  HttpReply r;
  r.route = "(static)";
  r.headers = {{"Content-Security-Policy", content_security_policy_},
               {"X-Content-Type-Options", "nosniff"},
               {"Referrer-Policy", "no-referrer"},
               // A stable name is revalidated on every use (a 304 costs a
               // round trip, no bytes); a hashed name can never change.
               {"Cache-Control", is_content_hashed_name(file) ? "public, max-age=31536000, immutable" : "no-cache"},
               {"ETag", body->etag},
               {"Vary", "Accept-Encoding"}};
  if (coding != ContentCoding::identity) r.headers.emplace_back("Content-Encoding", std::string(coding_name(coding)));
  // Range requests are not served (the whole file, 200): none of the files
  // is large enough for resuming to matter.
  if (etag_matches(request.header("If-None-Match"), body->etag)) {
    r.status = 304;
    return r;
  }
  r.content_type = static_content_type(file);
  r.body = std::move(body->bytes);
  return r;
}

void Dispatcher::log_request(std::string_view remote, std::string_view method, const HttpReply& reply,
                             std::chrono::steady_clock::duration elapsed) const {
  if (!log_) return;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
  log_(std::string(remote) + " " + std::string(method) + " " + reply.route + " " + std::to_string(reply.status) + " " +
       std::to_string(ms) + "ms");
}

void Dispatcher::log_error(std::string_view line) const {
  if (log_) log_(line);
}

}  // namespace sls::server
