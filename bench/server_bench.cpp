// Costs inside slsd, without HTTP: one Argon2id password check at the
// server's default cost, and the service-layer operations a push login and a
// code card login repeat (AuthService, docs/openapi.yaml): opening a push,
// reading its status (what every poll does), and checking a code card answer.
// Each service operation is one store transaction; it runs against a SQLite
// file as slsd opens it (WAL, synchronous=FULL: each commit that changes
// something waits for the disk) and against an in-memory database (the
// same work without the disk). Measures; asserts nothing.
#include <benchmark/benchmark.h>
#include <sodium.h>
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "server/clock.hpp"
#include "server/config.hpp"
#include "server/encoding.hpp"
#include "server/enrolment.hpp"
#include "server/keyring.hpp"
#include "server/password.hpp"
#include "server/service.hpp"
#include "server/sms_gateway.hpp"
#include "server/sqlite_store.hpp"
#include "sls/json.hpp"
#include "sls/secure.hpp"

namespace {

using namespace sls;
using namespace sls::server;

constexpr const char* kPassword = "bench password 1";

// --- Argon2id ------------------------------------------------------------------------------

// What every password step costs the server (a wrong password and an unknown
// user name cost the same: docs/server.md).
void BM_PasswordCheckArgon2idDefault(benchmark::State& state) {
  const PasswordPolicy policy;  // slsd's defaults
  auto stored = hash_password(kPassword, policy);
  if (!stored) {
    state.SkipWithError("hash_password failed");
    return;
  }
  for (auto _ : state) {
    bool ok = verify_password(kPassword, *stored);
    benchmark::DoNotOptimize(ok);
  }
  state.SetLabel("opslimit " + std::to_string(policy.opslimit) + ", " + std::to_string(policy.memlimit >> 20) + " MiB");
}
BENCHMARK(BM_PasswordCheckArgon2idDefault)->Unit(benchmark::kMillisecond)->UseRealTime();

// --- the service layer ---------------------------------------------------------------------

/// A directory under the system's temporary directory, removed on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "sls-server-bench-XXXXXX").string();
    if (::mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  bool ok() const { return !path_.empty(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// Where the store lives: Arg 0 in memory, Arg 1 a file as slsd opens it.
enum class Storage { memory = 0, file = 1 };

/// A service with its store, keys, clock and SMS gateway, as slsd wires them,
/// and the administration interface to set up accounts.
class Server {
 public:
  /// Empty on failure (the reason in `error`).
  static std::unique_ptr<Server> start(Storage storage, ServiceConfig config, std::string& error) {
    crypto_init();  // the set-up below calls libsodium directly
    std::unique_ptr<Server> s(new Server());
    if (!s->dir_.ok()) {
      error = "mkdtemp failed";
      return nullptr;
    }
    auto store = SqliteStore::open(storage == Storage::file ? s->dir_.file("slsd.sqlite") : ":memory:");
    if (!store) {
      error = "store: " + std::string(errc_name(store.code()));
      return nullptr;
    }
    s->store_ = std::move(*store);
    auto keys = Keyring::load_or_create(s->dir_.file("master-key"), s->dir_.file("sign-key"));
    if (!keys) {
      error = "keys: " + std::string(errc_name(keys.code()));
      return nullptr;
    }
    s->keys_ = std::make_unique<Keyring>(std::move(*keys));
    s->sms_ = std::make_unique<OutboxSmsGateway>(*s->store_, s->clock_);
    auto service = AuthService::create(*s->store_, *s->keys_, s->clock_, *s->sms_, std::move(config));
    if (!service) {
      error = "service: " + std::string(errc_name(service.code()));
      return nullptr;
    }
    s->service_ = std::move(*service);
    s->admin_ = std::make_unique<Enrolment>(*s->store_, *s->keys_, s->clock_, s->service_->config());
    return s;
  }

  AuthService& service() { return *service_; }
  Enrolment& admin() { return *admin_; }
  const RequestContext& ctx() const { return ctx_; }

  /// A user with an activated Mobile Key; returns its device id, or "".
  std::string user_with_mobile_key(const std::string& username) {
    if (!admin_->create_user(username, kPassword)) return {};
    auto enrolled = admin_->enrol_mobile_key(username);
    if (!enrolled) return {};
    std::vector<std::uint8_t> kx_pk(crypto_kx_PUBLICKEYBYTES), kx_sk(crypto_kx_SECRETKEYBYTES);
    std::vector<std::uint8_t> sign_pk(crypto_sign_PUBLICKEYBYTES), sign_sk(crypto_sign_SECRETKEYBYTES);
    std::vector<std::uint8_t> pin_hash(crypto_hash_sha256_BYTES);
    const std::string pin = "135790";
    if (crypto_kx_keypair(kx_pk.data(), kx_sk.data()) != 0 ||
        crypto_sign_keypair(sign_pk.data(), sign_sk.data()) != 0 ||
        crypto_hash_sha256(pin_hash.data(), reinterpret_cast<const unsigned char*>(pin.data()), pin.size()) != 0)
      return {};
    wipe(kx_sk.data(), kx_sk.size());
    wipe(sign_sk.data(), sign_sk.size());
    JsonValue body = JsonValue::object()
                         .set("username", username)
                         .set("activation_code", enrolled->activation_code)
                         .set("kx_public_key", base64url_encode(kx_pk))
                         .set("sign_public_key", base64url_encode(sign_pk))
                         .set("pin_hash", base64url_encode(pin_hash));
    ApiResponse r = service_->activate_mobile_key(ctx_, body);
    if (r.status != 200) return {};
    auto id = r.body.get_string("device_id");
    return id ? std::string(*id) : std::string();
  }

  /// A user with a code card; returns its device id, or "".
  std::string user_with_code_card(const std::string& username) {
    if (!admin_->create_user(username, kPassword)) return {};
    auto card = admin_->enrol_card(username, DeviceKind::code_card);
    return card ? card->device_id : std::string();
  }

  /// A login past the password step; its id, or "".
  std::string login(const std::string& username) {
    ApiResponse r = service_->start_login(
        ctx_, JsonValue::object().set("username", username).set("password", std::string(kPassword)));
    auto id = r.status == 200 ? r.body.get_string("login_id") : std::nullopt;
    auto secret = r.status == 200 ? r.body.get_string("login_secret") : std::nullopt;
    if (!id || !secret) return {};
    secrets_[std::string(*id)] = std::string(*secret);
    return std::string(*id);
  }

  /// The context of the browser that started `login_id` (its login secret).
  RequestContext ctx_for(const std::string& login_id) const {
    RequestContext c = ctx_;
    if (auto it = secrets_.find(login_id); it != secrets_.end()) c.login_secret = it->second;
    return c;
  }

 private:
  Server() = default;

  ScratchDir dir_;
  SystemClock clock_;
  RequestContext ctx_{"127.0.0.1", Lang::en};
  std::map<std::string, std::string> secrets_;  ///< login secrets by login id
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Keyring> keys_;
  std::unique_ptr<OutboxSmsGateway> sms_;
  std::unique_ptr<AuthService> service_;
  std::unique_ptr<Enrolment> admin_;
};

/// The service configuration of these runs: slsd's defaults except the
/// cheapest Argon2id, so that setting up thousands of logins is quick (the
/// timed operations hash no password).
ServiceConfig bench_config() {
  ServiceConfig c;
  c.password = PasswordPolicy::fastest_for_tests();
  return c;
}

const char* storage_label(Storage storage) {
  return storage == Storage::file ? "file, WAL, synchronous=FULL" : "in memory";
}

// Opening a push on a login that has just passed the password step: the
// per-hour bound query, the insert, the audit row, one commit. The logins are
// made before timing starts, spread so that each user opens no more pushes
// than the default bound of 10 an hour allows.
constexpr int kPushOpenIterations = 2000;

void BM_PushOpen(benchmark::State& state) {
  const auto storage = static_cast<Storage>(state.range(0));
  std::string error;
  auto server = Server::start(storage, bench_config(), error);
  if (!server) {
    state.SkipWithError(error.c_str());
    return;
  }
  const int per_user = static_cast<int>(server->service().config().pushes_per_hour);
  const int users = (kPushOpenIterations + per_user - 1) / per_user;
  std::vector<std::string> devices;
  for (int u = 0; u < users; ++u) {
    devices.push_back(server->user_with_mobile_key("push-user-" + std::to_string(u)));
    if (devices.back().empty()) {
      state.SkipWithError("could not activate a Mobile Key");
      return;
    }
  }
  std::vector<std::tuple<std::string, RequestContext, JsonValue>> logins;  // login id, its browser, challenge request
  for (int i = 0; i < kPushOpenIterations; ++i) {
    const int u = i % users;
    std::string id = server->login("push-user-" + std::to_string(u));
    if (id.empty()) {
      state.SkipWithError("login failed");
      return;
    }
    RequestContext ctx = server->ctx_for(id);
    logins.emplace_back(std::move(id), std::move(ctx),
                        JsonValue::object().set("device_id", devices[static_cast<std::size_t>(u)]));
  }
  std::size_t next = 0;
  for (auto _ : state) {
    const auto& [login_id, ctx, body] = logins[next++];
    ApiResponse r = server->service().open_challenge(ctx, login_id, body);
    if (r.status != 200) {
      state.SkipWithError("open_challenge failed");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(storage_label(storage));
}
BENCHMARK(BM_PushOpen)
    ->Arg(static_cast<int>(Storage::memory))
    ->Arg(static_cast<int>(Storage::file))
    ->Iterations(kPushOpenIterations)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

// Reading a pending push's status, what each poll of the login page costs
// the service: one transaction, one lookup by id, no change, the reply body.
void BM_PushStatusPending(benchmark::State& state) {
  const auto storage = static_cast<Storage>(state.range(0));
  std::string error;
  auto server = Server::start(storage, bench_config(), error);
  if (!server) {
    state.SkipWithError(error.c_str());
    return;
  }
  const std::string device = server->user_with_mobile_key("poll-user");
  const std::string login_id = device.empty() ? std::string() : server->login("poll-user");
  if (login_id.empty()) {
    state.SkipWithError("set-up failed");
    return;
  }
  const RequestContext ctx = server->ctx_for(login_id);
  ApiResponse push = server->service().open_challenge(ctx, login_id, JsonValue::object().set("device_id", device));
  auto tx = push.body.get_string("tx_id");
  if (push.status != 200 || !tx) {
    state.SkipWithError("open_challenge failed");
    return;
  }
  const std::string tx_id(*tx);
  for (auto _ : state) {
    ApiResponse r = server->service().push_status(ctx, tx_id);
    if (r.status != 200) {
      state.SkipWithError("push_status failed");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(storage_label(storage));
}
BENCHMARK(BM_PushStatusPending)
    ->Arg(static_cast<int>(Storage::memory))
    ->Arg(static_cast<int>(Storage::file))
    ->Unit(benchmark::kMicrosecond);

// A wrong code card answer, as bench/http sends them: load login, challenge,
// user and card, open the sealed cells, compare in constant time, write both
// failure counters and an audit row, commit. The lockout is switched off so
// that every iteration takes this path.
void BM_CodeCardVerifyWrong(benchmark::State& state) {
  const auto storage = static_cast<Storage>(state.range(0));
  ServiceConfig config = bench_config();
  config.lockout.threshold = std::int64_t{1} << 40;
  config.lockout.disable_after = 0;
  std::string error;
  auto server = Server::start(storage, std::move(config), error);
  if (!server) {
    state.SkipWithError(error.c_str());
    return;
  }
  const std::string device = server->user_with_code_card("card-user");
  const std::string login_id = device.empty() ? std::string() : server->login("card-user");
  if (login_id.empty()) {
    state.SkipWithError("set-up failed");
    return;
  }
  const RequestContext ctx = server->ctx_for(login_id);
  ApiResponse challenge = server->service().open_challenge(ctx, login_id, JsonValue::object().set("device_id", device));
  auto challenge_id = challenge.body.get_string("challenge_id");
  if (challenge.status != 200 || !challenge_id) {
    state.SkipWithError("open_challenge failed");
    return;
  }
  const JsonValue body =
      JsonValue::object().set("challenge_id", std::string(*challenge_id)).set("response", std::string("000000"));
  for (auto _ : state) {
    ApiResponse r = server->service().verify(ctx, login_id, body);
    if (r.status != 401) {
      state.SkipWithError("expected a counted wrong answer (401)");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(storage_label(storage));
}
BENCHMARK(BM_CodeCardVerifyWrong)
    ->Arg(static_cast<int>(Storage::memory))
    ->Arg(static_cast<int>(Storage::file))
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
