// Replacement Digital Security Card+ orders through a real server on
// 127.0.0.1 (issue 12, docs/device-orders.md): the order, the warehouse's
// shipping, activation on first use or 21 days after shipping (never
// before), what the activation supersedes, the deposit ledger, and the
// refusals: a second open order, another user's account or device, a stale
// second factor, an unshipped device at login.
#include <algorithm>
#include <optional>

#include "device_answers.hpp"
#include "server/device_deposits.hpp"
#include "server/device_history.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

constexpr const char* kPassword = "correct horse";
constexpr const char* kNewPin = "1357";

/// alice (DSC+, an online card) holds "joint"; bob (DSC) holds "other".
struct Fixture {
  TestServer s;
  TokenEnrolment alice, bob;
  std::string joint, other, alice_card;

  Fixture() {
    for (const char* u : {"alice", "bob"}) EXPECT_TRUE(s.admin().create_user(u, kPassword));
    alice = *s.admin().enrol_token("alice", DeviceKind::dsc_plus, "2468");
    bob = *s.admin().enrol_token("bob", DeviceKind::dsc);
    alice_card = s.admin().enrol_card("alice", DeviceKind::online_card)->device_id;
    joint = *s.admin().create_account("joint", "alice");
    other = *s.admin().create_account("other", "bob");
  }

  Reply token_login(const std::string& user, const TokenEnrolment& token, const std::string& pin) {
    Reply login = s.login(user);
    if (login.status != 200) return login;
    Reply ch = s.challenge(login.str("login_id"), token.device_id);
    if (ch.status != 200) return ch;
    Reply ok = s.verify(login.str("login_id"), ch.str("challenge_id"), token_response(token, ch.str("challenge"), pin));
    if (ok.status != 200) return ok;
    return s.complete(login.str("login_id"), ok.str("completion_token"));
  }
  std::string session(const std::string& user, const TokenEnrolment& token, const std::string& pin = {}) {
    Reply done = token_login(user, token, pin.empty() ? token.pin : pin);
    EXPECT_EQ(done.status, 200) << done.raw;
    return cookie_of(done);
  }
  Reply order(const std::string& cookie, const std::string& account, std::optional<std::string> replaces,
              const std::string& pin = kNewPin, const std::string& kind = "dsc_plus") {
    JsonValue b = JsonValue::object().set("kind", kind).set("pin", pin).set("deposit_account", account);
    if (replaces)
      b.set("replaces", *replaces);
    else
      b.set("replaces", nullptr);
    return s.post("/api/v1/device-orders", b, with_cookie(cookie));
  }
  std::string order_field(const Reply& r, const std::string& key) {
    const JsonValue* o = r.body.find("order");
    auto v = o != nullptr ? o->get_string(key) : std::nullopt;
    return v ? std::string(*v) : std::string();
  }
  std::string deposit_status(const std::string& cookie) {
    Reply list = s.get("/api/v1/device-orders", with_cookie(cookie));
    const auto& orders = *list.body.find("orders")->as_array();
    return std::string(*orders.front().find("deposit")->get_string("status"));
  }
  std::optional<DeviceRecord> device(const std::string& user, const std::string& id) {
    auto list = s.admin().devices(user);
    for (const DeviceRecord& d : *list)
      if (d.id == id) return d;
    return std::nullopt;
  }
  std::vector<std::string> offered(const std::string& user) {
    Reply login = s.login(user);
    std::vector<std::string> ids;
    if (const JsonValue* list = login.body.find("devices"); list != nullptr && list->as_array() != nullptr)
      for (const JsonValue& d : *list->as_array()) ids.emplace_back(*d.get_string("device_id"));
    return ids;
  }
  bool offers(const std::string& user, const std::string& id) {
    auto ids = offered(user);
    return std::find(ids.begin(), ids.end(), id) != ids.end();
  }
  /// The user's history events for the device, oldest first, as "event/actor".
  std::vector<std::string> history(const std::string& user, const std::string& device_id) {
    std::vector<std::string> out;
    (void)s.store().read([&](StoreTx& tx) -> Status {
      auto u = tx.find_user(user);
      auto events = tx.list_device_events((*u)->id, 1000);
      for (auto it = events->rbegin(); it != events->rend(); ++it)
        if (it->device_id == device_id) out.push_back(it->event + "/" + it->actor);
      return ok_status();
    });
    return out;
  }
  std::size_t audit_count(const std::string& event) {
    auto rows = s.audit();
    return static_cast<std::size_t>(
        std::count_if(rows.begin(), rows.end(), [&](const AuditRecord& a) { return a.event == event; }));
  }
};

TEST(ApiOrders, OrderShipAndFirstUseActivatesRevokingTheReplacedDeviceAndTheOnlineCard) {
  Fixture f;
  const std::string alice = f.session("alice", f.alice);
  Reply r = f.order(alice, f.joint, f.alice.device_id);
  ASSERT_EQ(r.status, 201) << r.raw;
  const JsonValue& o = *r.body.find("order");
  EXPECT_EQ(f.order_field(r, "status"), "ordered");
  EXPECT_EQ(f.order_field(r, "kind"), "dsc_plus");
  EXPECT_EQ(f.order_field(r, "replaces"), f.alice.device_id);
  // Ordered on Monday 2026-01-05: two New York business days later.
  EXPECT_EQ(f.order_field(r, "estimated_ship_date"), "2026-01-07");
  EXPECT_TRUE(o.find("shipped_at")->is_null());
  const JsonValue& deposit = *o.find("deposit");
  EXPECT_EQ(*deposit.get_int("cents"), 2000);
  EXPECT_EQ(*deposit.get_string("status"), "held");
  EXPECT_EQ(*deposit.get_string("account_name"), "joint");
  const std::string id = f.order_field(r, "id"), new_device = f.order_field(r, "device_id");
  EXPECT_EQ(f.device("alice", new_device)->status, DeviceStatus::pending);

  // Not shipped: not offered, and no challenge can be opened for it.
  EXPECT_FALSE(f.offers("alice", new_device));
  Reply login = f.s.login("alice");
  Reply ch = f.s.challenge(login.str("login_id"), new_device);
  EXPECT_EQ(ch.status, 404) << ch.raw;
  EXPECT_EQ(ch.code(), "device.not_found");

  auto shipped = f.s.admin().ship_order(id);
  ASSERT_TRUE(shipped);
  EXPECT_EQ(shipped->token.device_id, new_device);
  EXPECT_EQ(shipped->summary.order.auto_activate_at, kStartTime + 21 * 86400);
  TokenEnrolment token = shipped->token;
  EXPECT_TRUE(f.offers("alice", new_device));
  EXPECT_EQ(f.device("alice", new_device)->status, DeviceStatus::pending);
  // A wrong PIN is no use: still pending.
  Reply wrong = f.token_login("alice", token, "9999");
  EXPECT_EQ(wrong.code(), "response.mismatch") << wrong.raw;
  EXPECT_EQ(f.device("alice", new_device)->status, DeviceStatus::pending);

  f.s.clock().advance_seconds(3600);
  const std::string fresh = f.session("alice", token, kNewPin);
  EXPECT_EQ(f.device("alice", new_device)->status, DeviceStatus::active);
  EXPECT_EQ(f.device("alice", f.alice.device_id)->status, DeviceStatus::revoked);
  EXPECT_EQ(f.device("alice", f.alice_card)->status, DeviceStatus::revoked);
  EXPECT_FALSE(f.offers("alice", f.alice.device_id));
  Reply list = f.s.get("/api/v1/device-orders", with_cookie(fresh));
  ASSERT_EQ(list.status, 200) << list.raw;
  const JsonValue& first = list.body.find("orders")->as_array()->front();
  EXPECT_EQ(*first.get_string("status"), "activated");
  EXPECT_EQ(*first.get_int("activated_at"), kStartTime + 3600);
  EXPECT_EQ(f.history("alice", new_device),
            (std::vector<std::string>{"ordered/user", "shipped/operator", "activated/user"}));
  auto old = f.history("alice", f.alice.device_id);
  EXPECT_EQ(old.back(), "replaced/user");
}

TEST(ApiOrders, AShippedDeviceActivatesByItself21DaysAfterShippingAndNotBefore) {
  Fixture f;
  const std::string alice = f.session("alice", f.alice);
  Reply r = f.order(alice, f.joint, f.alice.device_id);
  ASSERT_EQ(r.status, 201) << r.raw;
  const std::string new_device = f.order_field(r, "device_id");
  f.s.clock().advance_seconds(86400);
  ASSERT_TRUE(f.s.admin().ship_order(f.order_field(r, "id")));
  f.s.clock().advance_seconds(21 * 86400 - 1);
  EXPECT_TRUE(f.offers("alice", new_device));
  EXPECT_EQ(f.device("alice", new_device)->status, DeviceStatus::pending);
  EXPECT_EQ(f.device("alice", f.alice.device_id)->status, DeviceStatus::active);
  f.s.clock().advance_seconds(1);
  EXPECT_TRUE(f.offers("alice", new_device));  // reading the devices activates it
  EXPECT_EQ(f.device("alice", new_device)->status, DeviceStatus::active);
  EXPECT_EQ(f.device("alice", f.alice.device_id)->status, DeviceStatus::revoked);
  EXPECT_EQ(f.history("alice", new_device).back(), "activated/server");
  EXPECT_EQ(f.history("alice", f.alice.device_id).back(), "replaced/server");
}

TEST(ApiOrders, AnOrderShipsOnceAndAUserHasOneOpenOrder) {
  Fixture f;
  const std::string alice = f.session("alice", f.alice);
  Reply r = f.order(alice, f.joint, std::nullopt);
  ASSERT_EQ(r.status, 201) << r.raw;
  Reply again = f.order(alice, f.joint, std::nullopt);
  EXPECT_EQ(again.status, 409) << again.raw;
  EXPECT_EQ(again.code(), "order.open");
  ASSERT_TRUE(f.s.admin().ship_order(f.order_field(r, "id")));
  auto twice = f.s.admin().ship_order(f.order_field(r, "id"));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, Errc::order_not_shippable);
  auto unknown = f.s.admin().ship_order("nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::order_not_found);
  // Shipped is still open.
  EXPECT_EQ(f.order(alice, f.joint, std::nullopt).code(), "order.open");
}

TEST(ApiOrders, AnotherUsersAccountOrDeviceAndBadBodiesAreRefused) {
  Fixture f;
  const std::string alice = f.session("alice", f.alice);
  Reply account = f.order(alice, f.other, std::nullopt);
  EXPECT_EQ(account.status, 404) << account.raw;
  EXPECT_EQ(account.code(), "account.not_found");
  Reply unknown = f.order(alice, "no-such-account", std::nullopt);
  EXPECT_EQ(unknown.code(), "account.not_found");
  Reply device = f.order(alice, f.joint, f.bob.device_id);
  EXPECT_EQ(device.status, 404) << device.raw;
  EXPECT_EQ(device.code(), "device.not_found");
  EXPECT_EQ(f.order(alice, f.joint, std::string("x")).code(), "device.not_found");
  Reply pin = f.order(alice, f.joint, std::nullopt, "12a4");
  EXPECT_EQ(pin.status, 400) << pin.raw;
  EXPECT_EQ(pin.code(), "pin.not_digits");
  Reply kind = f.order(alice, f.joint, std::nullopt, kNewPin, "dsc");
  EXPECT_EQ(kind.status, 422) << kind.raw;
  EXPECT_EQ(kind.code(), "order.kind");
  // Nothing was ordered.
  Reply list = f.s.get("/api/v1/device-orders", with_cookie(alice));
  EXPECT_TRUE(list.body.find("orders")->as_array()->empty()) << list.raw;
  EXPECT_EQ(f.s.admin().devices("alice")->size(), 2u);
}

TEST(ApiOrders, AnOrderNeedsAFreshSecondFactorOrAFreshStandIn) {
  Fixture f;
  const std::string alice = f.session("alice", f.alice);
  f.s.clock().advance_seconds(301);
  Reply stale = f.order(alice, f.joint, std::nullopt);
  EXPECT_EQ(stale.status, 403) << stale.raw;
  EXPECT_EQ(stale.code(), "account.step_up_required");
  Reply none = f.s.post("/api/v1/device-orders", JsonValue::object().set("kind", "dsc_plus"));
  EXPECT_EQ(none.status, 401) << none.raw;
  EXPECT_EQ(none.code(), "session.none");
  EXPECT_EQ(f.s.get("/api/v1/device-orders").code(), "session.none");
  EXPECT_EQ(f.audit_count("device.ordered"), 1u);  // the refusal, audited
}

TEST(ApiOrders, AnAccountManagementTemporaryCodeSessionCanOrderWhileFresh) {
  Fixture f;
  auto temp = f.s.admin().issue_temp_code("alice", /*full_access=*/false);
  ASSERT_TRUE(temp);
  Reply login = f.s.login("alice");
  Reply ch = f.s.challenge(login.str("login_id"), temp->device_id);
  Reply ok = f.s.verify(login.str("login_id"), ch.str("challenge_id"), temp->code);
  ASSERT_EQ(ok.status, 200) << ok.raw;
  const std::string tim = cookie_of(f.s.complete(login.str("login_id"), ok.str("completion_token")));
  // Past the window the stand-in no longer counts.
  f.s.clock().advance_seconds(301);
  Reply stale = f.order(tim, f.joint, f.alice.device_id);
  EXPECT_EQ(stale.status, 403) << stale.raw;
  EXPECT_EQ(stale.code(), "account.step_up_required");
  Reply login2 = f.s.login("alice");
  Reply ch2 = f.s.challenge(login2.str("login_id"), temp->device_id);
  Reply ok2 = f.s.verify(login2.str("login_id"), ch2.str("challenge_id"), temp->code);
  ASSERT_EQ(ok2.status, 200) << ok2.raw;
  const std::string fresh = cookie_of(f.s.complete(login2.str("login_id"), ok2.str("completion_token")));
  Reply r = f.order(fresh, f.joint, f.alice.device_id);
  EXPECT_EQ(r.status, 201) << r.raw;
}

TEST(ApiOrders, AnOrderForADeviceAlreadyReportedLostKeepsItsDepositAtOnce) {
  Fixture f;
  const std::string alice = f.session("alice", f.alice);
  ASSERT_TRUE(f.s.store().write([&](StoreTx& tx) -> Status {
    auto d = tx.get_device(f.alice.device_id);
    return record_device_event(tx, **d, "lost", kActorUser, "", f.s.clock().now());
  }));
  Reply r = f.order(alice, f.joint, f.alice.device_id);
  ASSERT_EQ(r.status, 201) << r.raw;
  const JsonValue& deposit = *r.body.find("order")->find("deposit");
  EXPECT_EQ(*deposit.get_string("status"), "kept");
  EXPECT_EQ(*deposit.get_string("reason"), "lost");
  EXPECT_EQ(f.audit_count("deposit.held"), 1u);
  EXPECT_EQ(f.audit_count("deposit.kept"), 1u);
}

TEST(ApiOrders, TheDepositIsReleasedWhenTheReplacedDeviceComesBack) {
  Fixture f;
  const std::string alice = f.session("alice", f.alice);
  Reply r = f.order(alice, f.joint, f.alice.device_id);
  ASSERT_EQ(r.status, 201) << r.raw;
  const std::string new_device = f.order_field(r, "device_id");
  EXPECT_EQ(f.audit_count("deposit.held"), 1u);
  // The ordered device coming back releases nothing: it covers the old one.
  ASSERT_TRUE(f.s.admin().ship_order(f.order_field(r, "id")));
  auto wrong = f.s.admin().device_returned("alice", new_device);
  ASSERT_TRUE(wrong);
  EXPECT_EQ(*wrong, 0);
  EXPECT_EQ(f.deposit_status(alice), "held");
  auto back = f.s.admin().device_returned("alice", f.alice.device_id);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, 1);
  EXPECT_EQ(f.deposit_status(alice), "released");
  EXPECT_EQ(f.audit_count("deposit.released"), 1u);
  EXPECT_EQ(f.history("alice", f.alice.device_id).back(), "returned/operator");
  // Settled once: keeping it now is refused.
  auto keep = f.s.admin().keep_deposit(f.order_field(r, "id"), "damaged");
  ASSERT_FALSE(keep);
  EXPECT_EQ(keep.error().code, Errc::deposit_not_held);
  // Another user's device id names nothing of alice's.
  auto other = f.s.admin().device_returned("alice", f.bob.device_id);
  EXPECT_FALSE(other);
}

TEST(ApiOrders, WithoutAReplacedDeviceTheOrderedDeviceItselfReleasesIt) {
  Fixture f;
  const std::string alice = f.session("alice", f.alice);
  Reply r = f.order(alice, f.joint, std::nullopt);
  ASSERT_EQ(r.status, 201) << r.raw;
  auto back = f.s.admin().device_returned("alice", f.order_field(r, "device_id"));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, 1);
  EXPECT_EQ(f.deposit_status(alice), "released");
}

TEST(ApiOrders, TheDepositIsKeptForALostDeviceAndAtClosure) {
  Fixture f;
  const std::string alice = f.session("alice", f.alice);
  Reply r = f.order(alice, f.joint, f.alice.device_id);
  ASSERT_EQ(r.status, 201) << r.raw;
  // The report-lost route's hook.
  ASSERT_TRUE(f.s.store().write([&](StoreTx& tx) -> Status {
    auto d = tx.get_device(f.alice.device_id);
    return keep_deposit_of_lost_device(tx, **d, f.s.clock().now());
  }));
  EXPECT_EQ(f.deposit_status(alice), "kept");
  EXPECT_EQ(f.audit_count("deposit.kept"), 1u);
  auto back = f.s.admin().device_returned("alice", f.alice.device_id);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, 0);  // found again later: the deposit stays kept
  EXPECT_EQ(f.deposit_status(alice), "kept");

  // Bob's order: kept at account closure as damaged, once.
  const std::string bob = f.session("bob", f.bob);
  Reply b = f.order(bob, f.other, f.bob.device_id);
  ASSERT_EQ(b.status, 201) << b.raw;
  auto bad = f.s.admin().keep_deposit(f.order_field(b, "id"), "stolen");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::deposit_bad_reason);
  auto kept = f.s.admin().keep_deposit(f.order_field(b, "id"), "not_returned");
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->order.deposit_status, "kept");
  EXPECT_EQ(kept->order.deposit_reason, "not_returned");
  EXPECT_EQ(f.deposit_status(bob), "kept");
  EXPECT_EQ(f.audit_count("deposit.kept"), 2u);
  // The ledger holds every step.
  ASSERT_TRUE(f.s.store().read([&](StoreTx& tx) -> Status {
    auto entries = tx.list_deposit_entries(f.order_field(b, "id"));
    EXPECT_EQ(entries->size(), 2u);
    EXPECT_EQ(entries->front().entry, "held");
    EXPECT_EQ(entries->back().entry, "kept");
    EXPECT_EQ(entries->back().cents, 2000);
    return ok_status();
  }));
}

}  // namespace
}  // namespace sls::server::testing
