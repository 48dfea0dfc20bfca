// Retry safety of every write (issue 13): on PostgreSQL Store::write runs its
// callback again from the start after a serialization failure, so a callback
// must not leave effects outside its transaction that a second run doubles
// (a rate-limit token taken twice, a list appended to twice, a flag from a
// rolled-back run). RunTwiceStore runs each write callback twice, rolling
// back the first run, as a retried transaction does; the main routes must
// answer and store exactly what they do with one run.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "test_env.hpp"

namespace sls::server::testing {
namespace {

/// A store whose write() runs `fn` once and rolls it back, then runs it
/// again for real: a transaction retried from the start.
class RunTwiceStore : public Store {
 public:
  explicit RunTwiceStore(Store& inner) : inner_(inner) {}
  Status write(const TxFunction& fn) override {
    (void)inner_.write([&](StoreTx& tx) -> Status {
      Status first = fn(tx);
      ++rolled_back_;
      return fail(Errc::internal, {"forced retry"});  // rolls the first run back
    });
    return inner_.write(fn);
  }
  Status read(const TxFunction& fn) override { return inner_.read(fn); }
  Result<int> schema_version() override { return inner_.schema_version(); }
  int rolled_back() const { return rolled_back_.load(); }

 private:
  Store& inner_;
  std::atomic<int> rolled_back_{0};
};

constexpr const char* kPassword = "correct horse";

/// A service on a fresh store (test_database: SQLite, or PostgreSQL in the
/// Pg. run), its writes run twice or once.
class Node {
 public:
  explicit Node(bool twice, ServiceConfig config) : clock_(kStartTime) {
    auto store = open_store(test_database(dir_));
    if (!store) throw std::runtime_error("store");
    store_ = std::move(*store);
    if (twice) twice_ = std::make_unique<RunTwiceStore>(*store_);
    Store& used = twice ? static_cast<Store&>(*twice_) : *store_;
    auto keys = Keyring::load_or_create(dir_.file("master.key"), dir_.file("sign.key"));
    if (!keys) throw std::runtime_error("keys");
    keys_ = std::make_unique<Keyring>(std::move(*keys));
    sms_ = std::make_unique<OutboxSmsGateway>(used, clock_);
    auto service = AuthService::create(used, *keys_, clock_, *sms_, std::move(config));
    if (!service) throw std::runtime_error("service");
    service_ = std::move(*service);
    if (!AssertionKeys::load_or_create(dir_.file("assertion.keys"), clock_.now()))
      throw std::runtime_error("assertion keys");
    assertion_keys_ = std::make_unique<AssertionKeySource>(dir_.file("assertion.keys"));
    service_->set_assertion_keys(assertion_keys_.get());
    admin_ = std::make_unique<Enrolment>(*store_, *keys_, clock_, service_->config());
  }
  AuthService& service() { return *service_; }
  Enrolment& admin() { return *admin_; }
  ManualClock& clock() { return clock_; }
  int rolled_back() const { return twice_ ? twice_->rolled_back() : 0; }

 private:
  TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<RunTwiceStore> twice_;
  std::unique_ptr<Keyring> keys_;
  std::unique_ptr<OutboxSmsGateway> sms_;
  std::unique_ptr<AssertionKeySource> assertion_keys_;
  std::unique_ptr<AuthService> service_;
  std::unique_ptr<Enrolment> admin_;
};

/// An answer as the comparison sees it: status, error code, Retry-After,
/// attempts left and the body's keys (ids and codes differ between nodes).
std::string shape(const ApiResponse& r) {
  std::string out = std::to_string(r.status);
  if (const JsonValue* e = r.body.find("error")) {
    out += " " + std::string(e->get_string("code").value_or(""));
    if (auto left = e->get_int("attempts_left")) out += " left=" + std::to_string(*left);
    if (auto after = e->get_int("retry_after")) out += " after=" + std::to_string(*after);
  } else if (const auto* members = r.body.as_object()) {
    for (const auto& [key, value] : *members) out += " " + key;
  }
  if (auto state = r.body.get_string("state")) out += " state=" + std::string(*state);
  return out;
}

std::string card_typed(const CardEnrolment& card, const ApiResponse& ch, bool right) {
  const auto* indices = ch.body.find("indices")->as_array();
  const auto i1 = static_cast<std::size_t>(*(*indices)[0].as_int());
  const auto i2 = static_cast<std::size_t>(*(*indices)[1].as_int());
  return right ? std::string(*card.card.code(i1)) + std::string(*card.card.code(i2))
               : std::string(*card.card.code(i2)) + std::string(*card.card.code(i1));
}

/// The main routes of a login, their throttles and their failures, as a
/// transcript of answer shapes; and the audit log it left, oldest first.
struct Transcript {
  std::vector<std::string> answers;
  std::vector<std::string> audit;
  int rolled_back = 0;
};

Transcript run_logins(bool twice, bool shared_budgets = false) {
  ServiceConfig config = test_service_config();
  config.failures_per_address = {3, 1.0 / 60, 1000};
  config.challenges_per_hour_per_address = 3;
  config.shared_address_budgets = shared_budgets;
  Node n(twice, config);
  if (!n.admin().create_user("carol", kPassword)) throw std::runtime_error("user");
  auto card = n.admin().enrol_card("carol", DeviceKind::code_card);
  if (!card) throw std::runtime_error("card");
  if (!n.admin().create_user("olive", kPassword, /*opted_out=*/true)) throw std::runtime_error("user");
  AuthService& s = n.service();
  Transcript run;
  const RequestContext from{"198.51.100.7"};
  auto note = [&](const ApiResponse& r) {
    run.answers.push_back(shape(r));
    return r;
  };
  auto login = [&](const char* user, const char* password) {
    return note(s.start_login(from, JsonValue::object().set("username", user).set("password", password)));
  };
  // The failure budget (3): wrong, wrong, right (given back), wrong, then spent.
  login("carol", "guess");
  login("olive", "guess");
  login("olive", kPassword);
  login("nobody", "guess");
  login("carol", "guess");
  n.clock().advance_seconds(240);  // four tokens back
  // A login with the code card: challenges (3 per address an hour), a wrong
  // answer, the right one, completion.
  const ApiResponse started = login("carol", kPassword);
  const std::string login_id(started.body.get_string("login_id").value_or(""));
  const RequestContext bound{"198.51.100.7", Lang::en,
                             std::string(started.body.get_string("login_secret").value_or(""))};
  const JsonValue device = JsonValue::object().set("device_id", card->device_id);
  ApiResponse ch;
  for (int i = 0; i < 4; ++i) {
    const ApiResponse r = note(s.open_challenge(bound, login_id, device));
    if (r.status == 200) ch = r;
  }
  if (ch.status != 200) return run;
  const std::string challenge_id(ch.body.get_string("challenge_id").value_or(""));
  auto verify = [&](bool right) {
    return note(
        s.verify(bound, login_id,
                 JsonValue::object().set("challenge_id", challenge_id).set("response", card_typed(*card, ch, right))));
  };
  verify(false);
  const ApiResponse ok = verify(true);
  const ApiResponse done = note(s.complete(
      bound, login_id,
      JsonValue::object().set("completion_token", std::string(ok.body.get_string("completion_token").value_or(""))),
      false));
  std::string cookie;
  for (const auto& [name, value] : done.headers)
    if (name == "Set-Cookie") cookie = value.substr(value.find('=') + 1, value.find(';') - value.find('=') - 1);
  note(s.current_session(from, cookie));
  note(s.list_user_devices(from, cookie));
  note(s.end_session(from, cookie, false));
  note(s.current_session(from, cookie));

  auto rows = n.admin().audit(100000);
  if (rows)
    for (auto it = rows->rbegin(); it != rows->rend(); ++it)
      run.audit.push_back(it->event + " " + it->outcome + " " + it->username + " " + it->client_addr + " " +
                          it->detail);
  run.rolled_back = n.rolled_back();
  return run;
}

TEST(RetrySafety, EveryMainRouteAnswersAndStoresTheSameWhenItsWritesRunTwice) {
  const Transcript once = run_logins(false);
  const Transcript twice = run_logins(true);
  EXPECT_GT(twice.rolled_back, 10) << "the wrapper did roll runs back";
  ASSERT_GE(once.answers.size(), 14u) << "the scenario ran to its end";
  EXPECT_EQ(twice.answers, once.answers);
  EXPECT_EQ(twice.audit, once.audit);
  // What the scenario is about, once: the budgets held at their sizes.
  EXPECT_EQ(once.answers[4].rfind("429 rate.limited", 0), 0u) << once.answers[4];
  EXPECT_EQ(once.answers[9].rfind("429 rate.limited", 0), 0u) << once.answers[9];
  ASSERT_EQ(once.answers.size(), 17u);
  EXPECT_EQ(once.answers[12].rfind("200 ", 0), 0u) << "completed: " << once.answers[12];
  EXPECT_EQ(once.answers[13].rfind("200 ", 0), 0u) << "a session: " << once.answers[13];
  EXPECT_EQ(once.answers[16], "401 session.none");
}

// The same with the per-address budgets in the store (as on PostgreSQL):
// their tokens are taken inside the retried transaction.
TEST(RetrySafety, TheSameWithTheAddressBudgetsInTheStore) {
  const Transcript once = run_logins(false, true);
  const Transcript twice = run_logins(true, true);
  ASSERT_EQ(once.answers.size(), 17u);
  EXPECT_EQ(twice.answers, once.answers);
  EXPECT_EQ(twice.audit, once.audit);
  EXPECT_EQ(once.answers, run_logins(false, false).answers) << "shared or not, one node answers the same";
}

}  // namespace
}  // namespace sls::server::testing
