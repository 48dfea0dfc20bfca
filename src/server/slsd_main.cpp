// slsd: the reference server of the SLS login API. See docs/server.md.
#include <pthread.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX sigwait and pthread_sigmask
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "server/assertion_keys.hpp"
#include "server/cli.hpp"
#include "server/config.hpp"
#include "server/http_api.hpp"
#include "server/http_static.hpp"
#include "server/keyring.hpp"
#include "server/service.hpp"
#include "server/sms_gateway.hpp"
#include "server/store_open.hpp"
#include "sls/json.hpp"
#include "sls/messages.hpp"

namespace {

constexpr const char* kUsage = R"(usage: slsd [options]
  --db PATH|URL           SQLite database file (default slsd.sqlite), or a
                          PostgreSQL URL (postgresql://USER@HOST:PORT/DB) that
                          several slsd nodes share (docs/store.md)
  --db-pool N             PostgreSQL: the most connections this node opens
                          (1-64, default 8)
  --master-key PATH       master key file (default <db>.master-key, created 0600;
                          required with a PostgreSQL --db: the same file on
                          every node)
  --sign-key PATH         Ed25519 QR signing key file (default <db>.sign-key;
                          required with a PostgreSQL --db)
  --assertion-keys PATH   login assertion signing keys (default
                          <db>.assertion-keys, created 0600 with one key;
                          rotate with slsctl rotate-assertion-key; re-read
                          when it changes, so every node may share it;
                          required with a PostgreSQL --db)
  --host ADDR             address to bind (default 127.0.0.1)
  --port N                port, 0 picks a free one (default 8080)
  --origin URL            login page origin signed into QR codes, and the
                          issuer (iss) of login assertions
                          (default http://127.0.0.1:<port>)
  --assertion-audience AUD
                          an audience (aud) a login assertion may be issued
                          for; repeat for several, the first is the default
                          (default: the origin alone)
  --assertion-ttl S       seconds a login assertion is valid (default 60; at
                          most the signing key's --max-ttl, cut to it)
  --static DIR            also serve the files under DIR at /
  --frame-ancestors SRC   who may frame those files (their CSP frame-ancestors):
                          'self' (the default), 'none', or an origin such as
                          https://broker.example (https, or http on 127.0.0.1
                          and localhost; no path); repeat it for several
  --demo                  serve GET /api/v1/demo/outbox (the SMS outbox) and,
                          with --static, redirect / to /demo/
  --demo-users FILE       with --demo: serve this demo-seed JSON at
                          GET /api/v1/demo/users (the demo's virtual devices)
  --secure-cookies        name the session cookie __Host-sls_session and mark it
                          Secure (behind TLS)
  --session-idle S        seconds a session lives without use (default 900)
  --session-max S         seconds a session lives at most (default 43200)
  --threads N             threads that run requests (hashing, database; default 8)
  --max-queue N           requests that may wait for one of those threads;
                          more get 503 with Retry-After (default 64)
  --io-threads N          threads that read and write sockets (default 2)
  --request-timeout S     seconds a client has to send a whole request (default 10)
  --keep-alive S          seconds an idle connection stays open (default 5)
  --max-connections N     open connections in all (default 10000; lowered to
                          fit the open-file limit, which slsd raises to its
                          hard limit)
  --max-connections-per-address N
                          open connections per client address, IPv6 per /64
                          (default 16)
  --max-header-bytes N    largest request head in bytes (default 16384)
  --max-header-fields N   most header fields in a request (default 100)
  --max-wait S            longest long poll of a status request (?wait=S) in
                          seconds (default 25, 0 never holds one)
  --max-waiters N         status requests held at a time (default 1000)
  --max-waiters-per-address N
                          held status requests per client address, IPv6 per
                          /64 (default 8)
  --rate-burst N          requests a client may burst (default 60)
  --rate-per-second N     requests per second a client regains (default 2)
  --back-office-rate-burst N, --back-office-rate-per-second N
                          the same for the back office's routes (/withdrawals),
                          a budget of their own (defaults 600 and 100)
  --lock-threshold N      failures of one factor before a lock (default 5)
  --lock-seconds N        first lock, doubled each time (default 60)
  --lock-max-seconds N    longest lock (default 3600)
  --disable-after N       consecutive second-factor failures (after a correct
                          password) that lock until slsctl unlock (default 50,
                          0 never); wrong passwords and activation codes only
                          ever lock for a while
  --address-failures N    failed password and activation attempts a client
                          address may burst (default 100)
  --address-failures-per-hour N
                          attempts an address regains per hour (default 60)
  --pushes-per-hour N     push requests per user per hour (default 10)
  --push-ttl N            seconds a push stays open (default 120)
  --step-up-window S      seconds a passed second factor (login or step-up)
                          authorises a weakening change such as opting out
                          (default 300)
  --cell-reuse MODE       code card cells: allowed (default) or never (spent
                          when answered correctly)
  --question-ttl S        seconds a device's card cells or OCRA challenge stay
                          the ones every login asks, unless answered (default 3600)
  --challenges-per-hour N challenges opened per user per hour (default 20)
  --challenges-per-address-per-hour N
                          challenges opened per client address per hour (default 600)
  --argon2-ops N          Argon2id passes (default 3)
  --argon2-mem-mib N      Argon2id memory in MiB (default 64)
  --market us|hk          the market calendar of the withdrawal limits' business
                          days: us (New York time, NYSE holidays; the default)
                          or hk (Hong Kong time, HKEX holidays)
  --sharing-review RULE   which requests to share a device wait for compliance
                          review (slsctl sharing approve|reject): never,
                          cross-entity (default: users related only by
                          identification data) or always
  --policy FILE           JSON policy: lower withdrawal limits per device kind
                          (e.g. for SMS); it can only lower the catalog's limits
  --quiet                 no request log
)";

void log_line(std::string_view line) {
  static std::mutex m;
  std::lock_guard lock(m);
  std::cerr << "slsd: " << line << '\n';
}

/// Descriptors kept for what is not a client connection: the listening
/// socket, the database and its journal, key files, standard streams.
constexpr rlim_t kReservedDescriptors = 64;

/// Every connection is a descriptor: raises the soft open-file limit to the
/// hard one (the soft default is often 1024) and, if that is still too low
/// for `max_connections`, lowers the cap and says so. Without it a full
/// server would fail accepts (EMFILE) instead of answering 503.
void fit_connections_to_file_limit(sls::server::HttpConfig& http) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  if (limit.rlim_cur == RLIM_INFINITY) return;
  const rlim_t usable = limit.rlim_cur > kReservedDescriptors ? limit.rlim_cur - kReservedDescriptors : 1;
  if (http.max_connections <= usable) return;
  log_line("the open-file limit is " + std::to_string(limit.rlim_cur) + ": --max-connections lowered from " +
           std::to_string(http.max_connections) + " to " + std::to_string(usable) +
           " (raise the limit with ulimit -n or LimitNOFILE=)");
  http.max_connections = static_cast<std::size_t>(usable);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sls::server;
  // The database, its -wal and -shm files and the key files hold secrets:
  // nothing slsd creates is for anyone but this user.
  ::umask(077);
  CommandLine cl(argc, argv, {"demo", "secure-cookies", "quiet", "help"});
  if (cl.flag("help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  const std::string db_path = cl.get("db", "slsd.sqlite");
  const std::string master_path = cl.get("master-key", Keyring::default_master_key_path(db_path));
  const std::string sign_path = cl.get("sign-key", Keyring::default_sign_key_path(db_path));
  const std::string assertion_keys_path = cl.get("assertion-keys", AssertionKeys::default_path(db_path));

  HttpConfig http;
  http.host = cl.get("host", http.host);
  http.port = static_cast<int>(cl.get_int("port", http.port, 0, 65535));
  http.static_dir = cl.get("static");
  if (auto ancestors = cl.get_all("frame-ancestors"); !ancestors.empty()) http.frame_ancestors = std::move(ancestors);
  http.demo = cl.flag("demo");
  const std::string demo_users_path = cl.get("demo-users");
  http.secure_cookies = cl.flag("secure-cookies");
  http.threads = static_cast<std::size_t>(cl.get_int("threads", 8, 1, 256));
  http.max_queued_requests = static_cast<std::size_t>(cl.get_int("max-queue", 64, 0, 1000000));
  http.io_threads = static_cast<std::size_t>(cl.get_int("io-threads", 2, 1, 64));
  http.request_timeout_seconds = cl.get_int("request-timeout", 10, 1, 300);
  http.keep_alive_seconds = cl.get_int("keep-alive", 5, 1, 300);
  http.max_connections = static_cast<std::size_t>(cl.get_int("max-connections", 10000, 1, 1000000));
  http.max_connections_per_address =
      static_cast<std::size_t>(cl.get_int("max-connections-per-address", 16, 1, 1000000));
  http.max_header_bytes = static_cast<std::size_t>(cl.get_int("max-header-bytes", 16384, 1024, 1 << 20));
  http.max_header_fields = static_cast<std::size_t>(cl.get_int("max-header-fields", 100, 8, 10000));
  http.max_wait_seconds = cl.get_int("max-wait", 25, 0, 300);
  http.max_waiters = static_cast<std::size_t>(cl.get_int("max-waiters", 1000, 0, 1000000));
  http.max_waiters_per_address = static_cast<std::size_t>(cl.get_int("max-waiters-per-address", 8, 0, 1000000));
  http.rate_limit.burst = static_cast<double>(cl.get_int("rate-burst", 60, 1, 100000));
  http.rate_limit.per_second = static_cast<double>(cl.get_int("rate-per-second", 2, 1, 100000));
  http.back_office_rate_limit.burst = static_cast<double>(cl.get_int("back-office-rate-burst", 600, 1, 1000000));
  http.back_office_rate_limit.per_second =
      static_cast<double>(cl.get_int("back-office-rate-per-second", 100, 1, 1000000));

  ServiceConfig svc;
  svc.lockout.threshold = cl.get_int("lock-threshold", svc.lockout.threshold, 1, 100);
  svc.lockout.base_lock_seconds = cl.get_int("lock-seconds", svc.lockout.base_lock_seconds, 1, 86400);
  svc.lockout.max_lock_seconds = cl.get_int("lock-max-seconds", svc.lockout.max_lock_seconds, 1, 7 * 86400);
  svc.lockout.disable_after = cl.get_int("disable-after", svc.lockout.disable_after, 0, 99);
  svc.failures_per_address.burst = static_cast<double>(cl.get_int("address-failures", 100, 1, 1000000));
  svc.failures_per_address.per_second =
      static_cast<double>(cl.get_int("address-failures-per-hour", 60, 1, 3600000)) / 3600.0;
  svc.pushes_per_hour = cl.get_int("pushes-per-hour", svc.pushes_per_hour, 1, 100);
  svc.push_ttl = cl.get_int("push-ttl", svc.push_ttl, 10, 600);
  svc.step_up_window = cl.get_int("step-up-window", svc.step_up_window, 1, 3600);
  svc.password.opslimit = static_cast<std::uint64_t>(cl.get_int("argon2-ops", 3, 1, 20));
  svc.password.memlimit = static_cast<std::size_t>(cl.get_int("argon2-mem-mib", 64, 1, 4096)) << 20;
  svc.question_ttl = cl.get_int("question-ttl", svc.question_ttl, 60, 7 * 86400);
  svc.challenges_per_hour_per_user = cl.get_int("challenges-per-hour", svc.challenges_per_hour_per_user, 1, 1000);
  svc.challenges_per_hour_per_address =
      cl.get_int("challenges-per-address-per-hour", svc.challenges_per_hour_per_address, 1, 100000);
  svc.session_idle = cl.get_int("session-idle", svc.session_idle, 60, 7 * 86400);
  svc.session_max = cl.get_int("session-max", svc.session_max, 60, 30 * 86400);
  const std::string reuse = cl.get("cell-reuse", "allowed");
  if (reuse == "never") svc.cell_reuse = sls::CellReuse::never;
  const std::string review = cl.get("sharing-review", "cross-entity");
  if (review == "never") svc.sharing_review = SharingReview::never;
  if (review == "always") svc.sharing_review = SharingReview::always;
  const bool quiet = cl.flag("quiet");
  const std::string origin = cl.get("origin");
  svc.assertion_audiences = cl.get_all("assertion-audience");
  svc.assertion_ttl = cl.get_int("assertion-ttl", svc.assertion_ttl, 1, kMaxAssertionTtl);
  const std::string policy_path = cl.get("policy");
  const std::string market = cl.get("market", std::string(market_name(kDefaultMarket)));
  StoreOptions store_options;
  store_options.pool_size = static_cast<std::size_t>(cl.get_int("db-pool", 8, 1, 64));
  auto errors = cl.errors();
  // Several nodes on one database must use the same keys: nothing is derived
  // from a URL, and nothing is created where another node would not see it.
  if (is_postgres_url(db_path))
    for (const char* option : {"master-key", "sign-key", "assertion-keys"})
      if (!cl.has(option)) errors.push_back(std::string("--") + option + " is required with a PostgreSQL --db");
  if (auto m = parse_market(market))
    svc.market = *m;
  else
    errors.emplace_back("--market is us or hk");
  if (!policy_path.empty()) {
    std::ifstream in(policy_path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto policy = in ? parse_limit_policy(text.str())
                     : sls::Result<LimitPolicy>(sls::fail(sls::Errc::policy_invalid, {"cannot read it"}));
    if (policy)
      svc.limits = *policy;
    else
      errors.push_back("--policy " + policy_path + ": " + sls::localize(policy.error(), sls::Lang::en));
  }
  for (std::size_t i = 0; i < svc.assertion_audiences.size(); ++i) {
    const std::string& aud = svc.assertion_audiences[i];
    if (!validate_assertion_audience(aud))
      errors.push_back("--assertion-audience \"" + aud + "\": 1 to 256 printable ASCII characters, no space");
    else if (std::count(svc.assertion_audiences.begin(),
                        svc.assertion_audiences.begin() + static_cast<std::ptrdiff_t>(i), aud) > 0)
      errors.push_back("--assertion-audience \"" + aud + "\" given twice");
  }
  if (reuse != "allowed" && reuse != "never") errors.emplace_back("--cell-reuse is allowed or never");
  if (review != "never" && review != "cross-entity" && review != "always")
    errors.emplace_back("--sharing-review is never, cross-entity or always");
  if (auto valid = validate_frame_ancestors(http.frame_ancestors); !valid) {
    const std::string& source = valid.error().args.back();
    errors.push_back("--frame-ancestors " + (source.empty() ? std::string("needs a source") : source) +
                     ": not 'self', 'none' (alone) or an origin such as https://broker.example");
  }
  if (!demo_users_path.empty()) {
    std::ifstream in(demo_users_path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed = sls::json_parse(text.str());
    if (!in || !parsed || !parsed->is_object())
      errors.push_back("--demo-users: cannot read a JSON object from " + demo_users_path);
    else if (!http.demo)
      errors.emplace_back("--demo-users needs --demo");
    else
      http.demo_users_json = text.str();
  }
  if (!errors.empty() || !cl.positional().empty()) {
    for (const auto& e : errors) std::fprintf(stderr, "slsd: %s\n", e.c_str());
    std::fputs(kUsage, stderr);
    return 2;
  }

  fit_connections_to_file_limit(http);

  // Signals are taken by a dedicated thread (sigwait) so that stopping the
  // server never runs inside a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto report = [](const sls::Error& e) {
    std::string line(sls::errc_name(e.code));
    for (const auto& a : e.args) line += " " + a;
    log_line(line);
    return 1;
  };
  auto store = open_store(db_path, store_options);
  if (!store) return report(store.error());
  auto keys = Keyring::load_or_create(master_path, sign_path);
  if (!keys) return report(keys.error());
  SystemClock clock;
  // Created on first start; a damaged or loose file stops the start.
  if (auto a = AssertionKeys::load_or_create(assertion_keys_path, clock.now(),
                                             std::max(kDefaultAssertionTtl, svc.assertion_ttl));
      !a)
    return report(a.error());
  AssertionKeySource assertion_keys(assertion_keys_path);
  OutboxSmsGateway sms(**store, clock);

  // The origin defaults to the bound address, known only after binding when
  // the port is 0.
  svc.origin = origin.empty() ? "http://127.0.0.1" : origin;
  auto service = AuthService::create(**store, *keys, clock, sms, svc);
  if (!service) return report(service.error());
  (*service)->set_assertion_keys(&assertion_keys);
  HttpApi api(**service, clock, http, quiet ? HttpApi::LogSink{} : HttpApi::LogSink{log_line});
  auto bound = api.bind();
  if (!bound) {
    // Say it in words: "server.address_in_use 127.0.0.1 8080" would not.
    if (bound.error().code == sls::Errc::server_address_in_use) {
      log_line(sls::localize(bound.error(), sls::Lang::en));
      return 1;
    }
    return report(bound.error());
  }
  const int port = *bound;
  if (origin.empty()) {
    if (auto s = (*service)->set_origin("http://127.0.0.1:" + std::to_string(port)); !s) return report(s.error());
  }

  std::printf("slsd listening on http://%s:%d\n", http.host.c_str(), port);
  std::fflush(stdout);

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    log_line("stopping");
    api.stop();
  });
  const bool ok = api.listen();
  // If listen() ended on its own, wake the waiter so it can be joined.
  // NOLINTNEXTLINE(bugprone-bad-signal-to-kill-thread): SIGTERM is blocked and only ends its sigwait
  pthread_kill(waiter.native_handle(), SIGTERM);
  waiter.join();
  return ok ? 0 : 1;
}
