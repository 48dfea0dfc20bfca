// What slsd answers to a request, apart from the network: the gates every
// request passes in order (rate limit 429, route 404, method 405, body size
// 413, content type 415, JSON 400), static files, and the call into
// AuthService. The connection code (http_api.cpp) feeds it parsed requests.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/clock.hpp"
#include "server/config.hpp"
#include "server/http_request.hpp"
#include "server/http_static.hpp"
#include "server/rate_limiter.hpp"
#include "server/service.hpp"
#include "sls/json.hpp"
#include "sls/lang.hpp"

namespace sls::server {

/// One response, ready to write.
struct HttpReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type;
  std::string body;
  /// Close the connection after this reply (the request was not read whole,
  /// or could not be parsed).
  bool close = false;
  /// The route pattern for the log line, never the path with its ids.
  std::string route = "(unrouted)";
  /// A status route's answer that is still pending: when it expires (Unix
  /// seconds). A long-polled request is held while this is set.
  std::optional<std::int64_t> pending_until;
};

/// The decision on a request head, made before its body is read.
struct Admission {
  enum class Next {
    reply,        ///< answer `reply` now (a gate refused, or a redirect)
    handle,       ///< read the body, then call handle() on a worker
    static_file,  ///< read the body, then call serve_static() on a worker
  };
  Next next = Next::reply;
  HttpReply reply;
  const RouteSpec* route = nullptr;
  std::vector<std::string> params;
  StaticTarget static_target;
  Lang lang = Lang::en;
  /// A status request's `?wait=S`, bounded by HttpConfig::max_wait_seconds
  /// (0: answer at once), and the id it waits on (PushWaiters).
  std::int64_t wait_seconds = 0;
  std::string wait_id;
};

class Dispatcher {
 public:
  using LogSink = std::function<void(std::string_view line)>;

  /// The references must outlive the dispatcher.
  Dispatcher(AuthService& service, const Clock& clock, const HttpConfig& config, LogSink log);

  /// The gates that need only the head: static file lookup, rate limit,
  /// route, method, declared body size, content type; and the reply to a
  /// static file already in memory. Cheap, and it never reads a file (only
  /// `stat`s): the I/O threads call it. `parser` has a complete head.
  Admission admit(const RequestParser& parser, const RequestView& request);

  /// JSON parsing and the route's handler, for an admitted request whose body
  /// is read. May block (password hashing, SQLite): call it on a worker.
  /// An exception from the handler gives a logged 500. Wipes `body`.
  HttpReply handle(const Admission& admission, const RequestView& request, std::string& body);

  /// A static file's bytes with the strict headers (kContentSecurityPolicy,
  /// with the configured frame-ancestors):
  /// its precompressed copy the Accept-Encoding prefers, if there is a current
  /// one; a strong ETag and 304 for a matching If-None-Match; Cache-Control
  /// `no-cache`, or a year and `immutable` for a content-hashed name. 404 if
  /// it cannot be read. Reads the disk: call it on a worker.
  HttpReply serve_static(const Admission& admission, const RequestView& request);

  /// serve_static() from memory only: nullopt when a file it needs has not
  /// been read yet (or changed since). Never reads a file: admit() uses it.
  std::optional<HttpReply> serve_static_from_memory(const Admission& admission, const RequestView& request);

  /// The status of a push this process knows to be pending and unchanged
  /// (AuthService::push_status_unchanged), with its pending_until; nullopt
  /// for any other request or when the store must be asked. Never touches
  /// the store: admit() answers plain polls with it, and a held request
  /// parks on it (Use::park) once its wake-up is registered.
  std::optional<HttpReply> unchanged_status(const Admission& admission, const RequestView& request,
                                            PendingPushCache::Use use = PendingPushCache::Use::answer) const;

  /// The JSON error reply for `code` with the code's status from the catalog
  /// (errors.def), with Cache-Control: no-store.
  static HttpReply error_reply(Errc code, Lang lang, const ErrorExtras& extras = {});

  /// The request log line: address, method, route pattern, status, time.
  void log_request(std::string_view remote, std::string_view method, const HttpReply& reply,
                   std::chrono::steady_clock::duration elapsed) const;
  void log_error(std::string_view line) const;

 private:
  HttpReply call_route(const RouteSpec& route, const RequestContext& ctx, const std::vector<std::string>& params,
                       const JsonValue& body, const RequestView& request);
  std::optional<HttpReply> check_wait(Admission& a, const RequestView& request) const;
  /// The client's budget: the back office's for its routes, else the general one.
  std::optional<HttpReply> check_rate_limit(const RequestView& request, const RouteMatch& match, Lang lang);
  static std::optional<HttpReply> check_route(const RouteMatch& match, Lang lang);
  std::optional<HttpReply> check_body_size(const RequestParser& parser, Lang lang) const;
  static std::optional<HttpReply> check_content_type(const RouteSpec& route, const RequestView& request, Lang lang);

  AuthService& service_;
  const Clock& clock_;
  const HttpConfig& config_;
  LogSink log_;

  std::optional<HttpReply> static_reply(const Admission& admission, const RequestView& request, bool memory_only);
  RateLimiter limiter_;
  RateLimiter back_office_limiter_;  ///< the routes of back_office_route()
  Router router_;
  StaticFiles static_files_;
  /// The static files' Content-Security-Policy, with the configured frame-ancestors.
  std::string content_security_policy_;
  /// A 200 page of the API (not JSON) with the strict static headers.
  HttpReply page_reply(std::string body, std::string_view content_type, std::string_view cache) const;
  JsonValue demo_users_;
};

}  // namespace sls::server
