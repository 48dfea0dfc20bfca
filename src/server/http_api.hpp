// The HTTP face of AuthService (docs/openapi.yaml), on cpp-httplib.
//
// Every request passes the same gate, in this order: per-client rate limit
// (429 + Retry-After), route (404), method (405 + Allow), body size (413),
// content type (415), JSON syntax and shape (400). Every error has the JSON
// error body; no input reaches an uncaught exception (a handler that throws
// gives a logged 500, never a crash).
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

namespace httplib {
class Server;
}

namespace sls::server {

/// The Content-Security-Policy of every static file slsd serves (--static):
/// scripts only from the origin itself and no eval, WebAssembly compilation
/// allowed ('wasm-unsafe-eval'), no inline script or style, no plugins, and
/// framing only by pages of the same origin (an integrator's host page or a
/// webview shell). The pages of the demo and the <sls-login> element run
/// under it; web/scripts/serve.mjs sends the same policy.
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

  /// Binds the configured host and port; with port 0 the system picks one.
  /// Returns the bound port, or Errc::bad_argument, args {"bind", host, port}.
  Result<int> bind();
  /// Serves requests until stop(); returns false if serving failed.
  bool listen();
  /// Stops listen() (from any thread).
  void stop();
  bool is_running() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sls::server
