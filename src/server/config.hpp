// Every tunable of the server in one place, with the defaults slsd uses.
// Command-line flags of slsd set these (see docs/server.md).
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "server/limit_policy.hpp"
#include "server/lockout.hpp"
#include "server/market_calendar.hpp"
#include "server/password.hpp"
#include "server/rate_limiter.hpp"
#include "sls/code_card.hpp"

namespace sls::server {

/// Which device sharing requests wait for compliance review (slsd
/// --sharing-review; docs/sharing.md).
enum class SharingReview : std::uint8_t {
  never,         ///< every request that passes the rule is approved at once
  cross_entity,  ///< users related only by identification data wait (default)
  always,        ///< every request waits
};

struct ServiceConfig {
  /// The login page's origin, signed into QR payloads and shown by Mobile Key.
  std::string origin = "http://127.0.0.1:8080";
  /// The audiences a login assertion may be issued for (its `aud`; the host
  /// names one with the body's `audience` at completion). Empty: the origin
  /// alone. The first is the default. The issuer (`iss`) is the origin.
  std::vector<std::string> assertion_audiences;
  /// Lifetime of a login assertion (`exp` - `iat`), in seconds; cut to the
  /// signing key's max_ttl (assertion_keys.hpp) when longer.
  std::int64_t assertion_ttl = 60;
  /// Lifetimes, in seconds.
  std::int64_t login_ttl = 600;            ///< password step → completion
  std::int64_t challenge_ttl = 300;        ///< code card, OCRA and temporary code challenges
  std::int64_t sms_code_ttl = 600;         ///< SPEC: at most 10 minutes
  std::int64_t sms_resend_interval = 120;  ///< SPEC: once every 2 minutes
  std::int64_t push_ttl = 120;             ///< push transactions
  std::int64_t poll_interval = 2;          ///< Retry-After of pending statuses
  std::int64_t completion_token_ttl = 60;  ///< openapi: 60 s
  /// A session ends after this long without use (idle) and this long after
  /// the login however busy (max): a brokerage's usual 15 min and 12 h.
  std::int64_t session_idle = 15 * 60;
  std::int64_t session_max = 12 * 3600;
  /// How long a second factor counts as fresh for a change that weakens
  /// security (opting out): seconds after the login's device check or the
  /// latest step-up (docs/accounts.md).
  std::int64_t step_up_window = 5 * 60;
  std::int64_t device_clock_skew = 120;  ///< X-SLS-Device-Time tolerance
  std::int64_t activation_code_ttl = 24 * 3600;
  std::int64_t online_card_days = 21;
  /// Push transactions per user per rolling hour (push fatigue bound).
  std::int64_t pushes_per_hour = 10;
  /// Code card cell reuse (SPEC 3.1): allowed by default. Under `never` the
  /// two cells of a question are spent when answered correctly, not when
  /// shown, so opening logins cannot burn a card.
  CellReuse cell_reuse = CellReuse::allowed;
  /// How long a device's open question (card cells, OCRA challenge) stays
  /// the one every login is asked, from when it was first shown, unless it
  /// is answered correctly first; each re-opening keeps it at least one
  /// challenge_ttl longer. An attacker who once saw an answer can hope for
  /// its question again at most once per this time (SPEC 3.1).
  std::int64_t question_ttl = 3600;
  /// Challenges (all methods but push) opened per user in a rolling hour,
  /// whatever the address, and per client address (per node, or shared by
  /// the nodes with shared_address_budgets). A person
  /// opens a handful per login; an attacker shopping for a question needs
  /// thousands.
  std::int64_t challenges_per_hour_per_user = 20;
  std::int64_t challenges_per_hour_per_address = 600;
  LockoutPolicy lockout;
  /// Failed password and activation attempts per client address (a token is
  /// taken per attempt and given back on success): burst 100, then one a
  /// minute. Answered 429 rate.limited with Retry-After; kept per node, or
  /// shared by the nodes with shared_address_budgets.
  RateLimitPolicy failures_per_address{100, 1.0 / 60, 100000};
  /// Keep that budget and challenges_per_hour_per_address in the store, so
  /// that every node on it shares them (slsd: on PostgreSQL; docs/proxies.md).
  /// Off: in this process's memory.
  bool shared_address_budgets = false;
  PasswordPolicy password;
  /// Withdrawal limits lowered by the operator's policy file (--policy).
  LimitPolicy limits;
  /// The market whose calendar counts the withdrawal windows (--market).
  Market market = kDefaultMarket;
  /// Which requests to share a device wait for compliance review.
  SharingReview sharing_review = SharingReview::cross_entity;
  /// OCRA suites given to newly enrolled devices (SPEC 3.2).
  std::string mobile_key_suite = "OCRA-1:HOTP-SHA256-7:QN06-PSHA256";
  std::string dsc_suite = "OCRA-1:HOTP-SHA256-7:QN06";
  std::string dsc_plus_suite = "OCRA-1:HOTP-SHA256-7:QN06-PSHA256";
  std::string platinum_gold_suite = "OCRA-1:HOTP-SHA512-7:QN06";
};

struct HttpConfig {
  std::string host = "127.0.0.1";
  /// 0: the system picks a free port (slsd prints it).
  int port = 8080;
  /// Largest accepted request body (openapi: 16 KiB).
  std::size_t max_body_bytes = 16 * 1024;
  /// Per-client request budget.
  RateLimitPolicy rate_limit;
  /// The budget of the back office's routes (/withdrawals), per client and
  /// apart from the one above: a back office sends far more requests than a
  /// browser, and each needs a service credential (a 256-bit token, so more
  /// tries find none; docs/withdrawals.md).
  RateLimitPolicy back_office_rate_limit{600, 100};
  /// Mark the session cookie Secure: set when a TLS reverse proxy fronts slsd.
  bool secure_cookies = false;
  /// Serve GET /api/v1/demo/outbox (the SMS outbox) for the demo page.
  bool demo = false;
  /// When not empty, files under this directory are served at "/" (the demo),
  /// each with kContentSecurityPolicy (http_api.hpp).
  std::string static_dir;
  /// Who may frame those files: the frame-ancestors sources of their policy
  /// ('self', 'none' or origins; validate_frame_ancestors in http_static.hpp).
  /// A login page that hands its result to a host page of another origin
  /// (<sls-login bridge="parent">) lists that origin here.
  std::vector<std::string> frame_ancestors{"'self'"};
  /// With `demo`: the demo accounts, as the JSON text `slsctl demo-seed`
  /// printed, served at GET /api/v1/demo/users so the demo pages can load
  /// the virtual devices. Empty: that route does not exist.
  std::string demo_users_json;
  /// Threads that run route handlers (password hashing, SQLite). The
  /// network I/O never waits on them.
  std::size_t threads = 8;
  /// Requests that may wait for a worker on top of the `threads` running:
  /// one more is answered at once with 503 http.busy and Retry-After: 1, so
  /// that a burst of slow requests (each password step is an Argon2id hash)
  /// waits in a bounded queue, never an unbounded one. Held status requests
  /// that run again after a wake-up are not counted (max_waiters bounds them).
  std::size_t max_queued_requests = 64;
  /// Threads that read and write the sockets (>= 1); none ever blocks.
  std::size_t io_threads = 2;
  /// Seconds a client has to send a whole request, headers and body, however
  /// slowly its bytes trickle in; then the connection is closed. A new
  /// connection's first request has this long from the connect.
  std::int64_t request_timeout_seconds = 10;
  /// Seconds an idle kept-alive connection waits for its next request. An
  /// idle connection holds no thread, only a socket and a small buffer.
  std::int64_t keep_alive_seconds = 5;
  /// Open connections from one client address (IPv6: one /64) at a time;
  /// further ones get 503 and are closed at once.
  std::size_t max_connections_per_address = 16;
  /// Open connections in all; further ones get 503 and are closed at once.
  /// Keep it below the process's file limit (slsd raises its soft limit to
  /// the hard one and lowers this cap to fit).
  std::size_t max_connections = 10000;
  /// Largest request head (request line and all header lines) in bytes, and
  /// most header fields; more gives 431 and the connection is closed.
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_header_fields = 100;
  /// Longest long poll in seconds: a status request (GET /push/{tx_id} and
  /// GET /login/{id}/challenge/status) may ask with `?wait=S` to be held
  /// until its answer changes, at most this long. 0: never held.
  std::int64_t max_wait_seconds = 25;
  /// Status requests held at a time, in all and per client address (IPv6:
  /// one /64); one over a cap is answered at once, as without `wait`. A held
  /// request holds no thread, only its connection and a timer.
  std::size_t max_waiters = 1000;
  std::size_t max_waiters_per_address = 8;
  /// Reverse proxies (address blocks, "10.0.0.0/8", "::1") whose
  /// X-Forwarded-For names the client (slsd --trusted-proxy; docs/proxies.md).
  /// A request from one of them is limited, logged and audited as the
  /// right-most address of that header not itself in the list; its
  /// connections count only against max_connections. Empty: the header is
  /// ignored and the TCP peer is the client.
  std::vector<std::string> trusted_proxies;
};

}  // namespace sls::server
