#include "server/http_api.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <exception>
#include <vector>

#include "sls/json.hpp"
#include "sls/messages.hpp"

namespace sls::server {

namespace {

using Params = std::vector<std::string>;
using RouteHandler =
    std::function<ApiResponse(const RequestContext&, const Params&, const JsonValue&, const httplib::Request&)>;

struct Route {
  std::string method;
  /// Path segments; "{}" matches one non-empty segment (captured in order).
  std::vector<std::string> segments;
  std::string pattern;  ///< for the log
  bool json_body;
  RouteHandler handler;
};

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  if (!path.empty() && path[0] == '/') pos = 1;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

bool match_route(const Route& r, const std::vector<std::string>& segs, Params& params) {
  if (r.segments.size() != segs.size()) return false;
  Params captured;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (r.segments[i] == "{}") {
      if (segs[i].empty()) return false;
      captured.push_back(segs[i]);
    } else if (r.segments[i] != segs[i]) {
      return false;
    }
  }
  params = std::move(captured);
  return true;
}

bool is_json_content_type(std::string_view ct) {
  std::string_view type = ct.substr(0, ct.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  std::string lower(type);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json";
}

}  // namespace

struct HttpApi::Impl {
  AuthService& service;
  const Clock& clock;
  HttpConfig config;
  LogSink log;
  RateLimiter limiter;
  httplib::Server server;
  std::vector<Route> routes;

  Impl(AuthService& s, const Clock& c, HttpConfig cfg, LogSink l)
      : service(s), clock(c), config(std::move(cfg)), log(std::move(l)), limiter(config.rate_limit) {}

  void add(std::string method, std::string_view pattern, bool json_body, RouteHandler h) {
    routes.push_back(Route{std::move(method), split_path(pattern), std::string(pattern), json_body, std::move(h)});
  }

  void write(httplib::Response& res, ApiResponse r, std::string_view route_pattern, const httplib::Request& req) {
    if (!r.log_note.empty() && log) log("error " + req.method + " " + std::string(route_pattern) + ": " + r.log_note);
    for (auto& [k, v] : r.headers) res.set_header(k, v);
    res.set_header("Cache-Control", "no-store");
    res.status = r.status;
    res.set_content(json_serialize(r.body), "application/json; charset=utf-8");
  }

  void write_error(httplib::Response& res, int status, Errc code, Lang lang, const ErrorExtras& extras = {}) {
    ApiResponse r = error_response(status, fail(code), lang, extras);
    for (auto& [k, v] : r.headers) res.set_header(k, v);
    res.set_header("Cache-Control", "no-store");
    res.status = status;
    res.set_content(json_serialize(r.body), "application/json; charset=utf-8");
  }

  void dispatch(const httplib::Request& req, httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    const Lang lang = lang_from_accept_language(req.get_header_value("Accept-Language"));
    std::string pattern = "(unrouted)";
    try {
      dispatch_inner(req, res, lang, pattern);
    } catch (const std::exception& e) {
      if (log) log("error " + req.method + " " + pattern + ": exception: " + e.what());
      write_error(res, 500, Errc::internal, lang);
    } catch (...) {
      if (log) log("error " + req.method + " " + pattern + ": unknown exception");
      write_error(res, 500, Errc::internal, lang);
    }
    if (log) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
      log(req.remote_addr + " " + req.method + " " + pattern + " " + std::to_string(res.status) + " " +
          std::to_string(ms.count()) + "ms");
    }
  }

  void dispatch_inner(const httplib::Request& req, httplib::Response& res, Lang lang, std::string& pattern) {
    RequestContext ctx{req.remote_addr, lang};
    const auto decision = limiter.take(req.remote_addr, clock.now_ms());
    if (!decision.allowed) {
      ErrorExtras extras;
      extras.retry_after = decision.retry_after;
      write_error(res, 429, Errc::rate_limited, lang, extras);
      return;
    }
    const auto segs = split_path(req.path);
    const Route* route = nullptr;
    Params params;
    std::string allow;
    for (const Route& r : routes) {
      Params p;
      if (!match_route(r, segs, p)) continue;
      if (allow.find(r.method) == std::string::npos) allow += (allow.empty() ? "" : ", ") + r.method;
      if (r.method == req.method || (req.method == "HEAD" && r.method == "GET")) {
        route = &r;
        params = std::move(p);
        break;
      }
    }
    if (route == nullptr) {
      if (allow.empty()) {
        write_error(res, 404, Errc::http_not_found, lang);
      } else {
        res.set_header("Allow", allow);
        write_error(res, 405, Errc::http_method_not_allowed, lang);
      }
      return;
    }
    pattern = route->pattern;
    JsonValue body = JsonValue::object();
    if (route->json_body) {
      if (req.body.size() > config.max_body_bytes) {
        write_error(res, 413, Errc::http_body_too_large, lang);
        return;
      }
      if (!is_json_content_type(req.get_header_value("Content-Type"))) {
        write_error(res, 415, Errc::http_unsupported_media_type, lang);
        return;
      }
      auto parsed = json_parse(req.body, config.max_body_bytes);
      if (!parsed || !parsed->is_object()) {
        write_error(res, 400, Errc::request_malformed_json, lang);
        return;
      }
      body = std::move(*parsed);
    }
    ApiResponse r = route->handler(ctx, params, body, req);
    body.wipe();  // it may have held a password or a code
    write(res, std::move(r), pattern, req);
  }
};

HttpApi::HttpApi(AuthService& service, const Clock& clock, HttpConfig config, LogSink log)
    : impl_(std::make_unique<Impl>(service, clock, std::move(config), std::move(log))) {
  Impl& im = *impl_;
  AuthService& s = service;
  const bool secure = im.config.secure_cookies;
  using Req = httplib::Request;
  im.add("POST", "/api/v1/login", true,
         [&s](const RequestContext& c, const Params&, const JsonValue& b, const Req&) { return s.start_login(c, b); });
  im.add("POST", "/api/v1/login/{}/challenge", true,
         [&s](const RequestContext& c, const Params& p, const JsonValue& b, const Req&) {
           return s.open_challenge(c, p[0], b);
         });
  im.add(
      "POST", "/api/v1/login/{}/verify", true,
      [&s](const RequestContext& c, const Params& p, const JsonValue& b, const Req&) { return s.verify(c, p[0], b); });
  im.add(
      "POST", "/api/v1/login/{}/sms/resend", false,
      [&s](const RequestContext& c, const Params& p, const JsonValue&, const Req&) { return s.resend_sms(c, p[0]); });
  im.add("POST", "/api/v1/login/{}/complete", true,
         [&s, secure](const RequestContext& c, const Params& p, const JsonValue& b, const Req&) {
           return s.complete(c, p[0], b, secure);
         });
  im.add("GET", "/api/v1/login/{}/challenge-status", false,
         [&s](const RequestContext& c, const Params& p, const JsonValue&, const Req&) {
           return s.challenge_status(c, p[0]);
         });
  im.add("GET", "/api/v1/push/{}", false, [&s](const RequestContext& c, const Params& p, const JsonValue&, const Req&) {
    return s.push_status(c, p[0]);
  });
  im.add(
      "DELETE", "/api/v1/push/{}", false,
      [&s](const RequestContext& c, const Params& p, const JsonValue&, const Req&) { return s.cancel_push(c, p[0]); });
  im.add("POST", "/api/v1/push/{}/decision", true,
         [&s](const RequestContext& c, const Params& p, const JsonValue& b, const Req&) {
           return s.push_decision(c, p[0], b);
         });
  im.add("GET", "/api/v1/device/{}/pushes", false,
         [&s](const RequestContext& c, const Params& p, const JsonValue&, const Req& r) {
           return s.device_pushes(c, p[0], r.get_header_value("X-SLS-Device-Signature"),
                                  r.get_header_value("X-SLS-Device-Time"));
         });
  im.add("POST", "/api/v1/qr/approve", true,
         [&s](const RequestContext& c, const Params&, const JsonValue& b, const Req&) { return s.qr_approve(c, b); });
  im.add("POST", "/api/v1/mobile-key/activate", true,
         [&s](const RequestContext& c, const Params&, const JsonValue& b, const Req&) {
           return s.activate_mobile_key(c, b);
         });
  im.add("GET", "/api/v1/server-key", false,
         [&s](const RequestContext& c, const Params&, const JsonValue&, const Req&) { return s.server_key(c); });
  if (im.config.demo)
    im.add("GET", "/api/v1/demo/outbox", false,
           [&s](const RequestContext& c, const Params&, const JsonValue&, const Req&) { return s.demo_outbox(c); });
  if (im.config.demo && !im.config.demo_users_json.empty()) {
    // Parsed once here; slsd has checked that it parses.
    auto users = json_parse(im.config.demo_users_json);
    im.add("GET", "/api/v1/demo/users", false,
           [users = users ? std::move(*users) : JsonValue::object()](const RequestContext&, const Params&,
                                                                     const JsonValue&, const Req&) {
             return ApiResponse{200, users, {}, {}};
           });
  }
  if (im.config.demo && !im.config.static_dir.empty())
    // The demo's start page (a directory index would win if there were one).
    im.add("GET", "/", false, [](const RequestContext&, const Params&, const JsonValue&, const Req&) {
      return ApiResponse{302, JsonValue::object(), {{"Location", "/demo/"}}, {}};
    });

  httplib::Server& srv = im.server;
  const std::size_t threads = std::max<std::size_t>(1, im.config.threads);
  srv.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // httplib refuses larger bodies itself (413) before reading them whole.
  srv.set_payload_max_length(im.config.max_body_bytes);
  // Answers go out as soon as they are written: without TCP_NODELAY the
  // body waits for the ACK of the headers (Nagle), which the client delays
  // (about 40 ms per request on Linux).
  srv.set_tcp_nodelay(true);
  srv.set_keep_alive_timeout(std::max<std::time_t>(1, im.config.keep_alive_seconds));
  srv.set_read_timeout(10, 0);
  srv.set_write_timeout(10, 0);
  if (!im.config.static_dir.empty()) {
    // Headers of the mount point go on GET and HEAD answers alike (a file
    // request handler would miss HEAD).
    srv.set_mount_point("/", im.config.static_dir,
                        {{"Content-Security-Policy", std::string(kContentSecurityPolicy)},
                         {"X-Content-Type-Options", "nosniff"},
                         {"Referrer-Policy", "no-referrer"},
                         {"Cache-Control", "no-store"}});
  }
  auto handler = [&im](const httplib::Request& req, httplib::Response& res) { im.dispatch(req, res); };
  srv.Get(".*", handler);
  srv.Post(".*", handler);
  srv.Put(".*", handler);
  srv.Patch(".*", handler);
  srv.Delete(".*", handler);
  srv.Options(".*", handler);
  // Errors httplib answers on its own (unknown method, body over the limit,
  // malformed request line) get the same JSON error body.
  srv.set_error_handler(
      httplib::Server::HandlerWithResponse([&im](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        const Lang lang = lang_from_accept_language(req.get_header_value("Accept-Language"));
        const Errc code = res.status == 413   ? Errc::http_body_too_large
                          : res.status == 404 ? Errc::http_not_found
                          : res.status == 405 ? Errc::http_method_not_allowed
                          : res.status == 415 ? Errc::http_unsupported_media_type
                          : res.status >= 500 ? Errc::internal
                                              : Errc::bad_argument;
        im.write_error(res, res.status, code, lang);
        return httplib::Server::HandlerResponse::Handled;
      }));
  srv.set_exception_handler([&im](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
    if (im.log) im.log("error " + req.method + ": exception escaped a handler");
    im.write_error(res, 500, Errc::internal, lang_from_accept_language(req.get_header_value("Accept-Language")));
  });
}

HttpApi::~HttpApi() { stop(); }

Result<int> HttpApi::bind() {
  const auto& c = impl_->config;
  if (c.port == 0) {
    const int port = impl_->server.bind_to_any_port(c.host);
    if (port <= 0) return fail(Errc::bad_argument, {"bind", c.host, "0"});
    return port;
  }
  if (!impl_->server.bind_to_port(c.host, c.port))
    return fail(Errc::bad_argument, {"bind", c.host, std::to_string(c.port)});
  return c.port;
}

bool HttpApi::listen() { return impl_->server.listen_after_bind(); }
void HttpApi::stop() { impl_->server.stop(); }
bool HttpApi::is_running() const { return impl_->server.is_running(); }

}  // namespace sls::server
