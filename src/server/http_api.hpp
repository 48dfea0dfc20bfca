// The HTTP face of AuthService (docs/openapi.yaml), on Boost.Beast and Asio.
//
// Every request passes the same gate, in this order: per-client rate limit
// (429 + Retry-After), route (404), method (405 + Allow), body size (413),
// content type (415), JSON syntax and shape (400). Every error has the JSON
// error body; no input reaches an uncaught exception (a handler that throws
// gives a logged 500, never a crash). Before any of that, the connection
// layer bounds what a client can hold: a deadline for each whole request,
// an idle deadline between requests, caps on connections per address and in
// all (503), and on header bytes and fields (431).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/accept_language.hpp"
#include "server/clock.hpp"
#include "server/config.hpp"
#include "server/rate_limiter.hpp"
#include "server/service.hpp"
#include "sls/lang.hpp"

namespace sls::server {

/// The Content-Security-Policy of every static file slsd serves (--static):
/// scripts only from the origin itself and no eval, WebAssembly compilation
/// allowed ('wasm-unsafe-eval'), no inline script or style, no plugins, and
/// framing only by pages of the same origin (an integrator's host page or a
/// webview shell). The pages of the demo and the <sls-login> element run
/// under it; web/scripts/serve.mjs sends the same policy. This is the
/// default; HttpConfig::frame_ancestors (slsd --frame-ancestors) replaces its
/// frame-ancestors sources (static_content_security_policy, http_static.hpp).
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

class HttpApi {
 public:
  /// A line for the server log (no secrets: routes are logged as patterns,
  /// never with their ids).
  using LogSink = std::function<void(std::string_view line)>;

  HttpApi(AuthService& service, const Clock& clock, HttpConfig config, LogSink log = {});
  ~HttpApi();
  HttpApi(const HttpApi&) = delete;
  HttpApi& operator=(const HttpApi&) = delete;

  /// Binds the configured host and port exclusively (no SO_REUSEPORT); with
  /// port 0 the system picks one. A frame-ancestors list that
  /// validate_frame_ancestors refuses fails first, with its error, and binds
  /// nothing; so does a trusted_proxies list TrustedProxies::parse refuses. Returns the bound port; fails with
  /// Errc::server_address_in_use, args {host, port}, when another socket
  /// holds the port, and Errc::bad_argument, args {"bind", host, port}, for
  /// any other failure (an unknown host, no permission).
  Result<int> bind();
  /// Serves requests on HttpConfig::io_threads threads (this one included)
  /// until stop(); returns false if bind() did not succeed. On return every
  /// connection is closed.
  bool listen();
  /// Stops listen() (from any thread, also before listen() runs).
  void stop();
  bool is_running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sls::server
