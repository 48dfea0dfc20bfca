// slsctl: administration of an slsd database (users, devices, temporary
// codes, audit log, demo accounts). Uses the same database and key files as
// slsd; safe to run while slsd serves (SQLite WAL). See docs/server.md.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>

#include "server/assertion_keys.hpp"
#include "server/cli.hpp"
#include "server/config.hpp"
#include "server/device_secrets.hpp"
#include "server/enrolment.hpp"
#include "server/jwt.hpp"
#include "server/keyring.hpp"
#include "server/password.hpp"
#include "server/service_credentials.hpp"
#include "server/slsctl_commands.hpp"
#include "server/store_open.hpp"
#include "server/user_name.hpp"
#include "sls/json.hpp"
#include "sls/messages.hpp"
#include "sls/secure.hpp"

namespace {

using namespace sls;
using namespace sls::server;

constexpr const char* kUsage =
    R"(usage: slsctl [--db PATH|URL] [--master-key PATH] [--sign-key PATH] [--assertion-keys PATH] COMMAND ...
commands:
  create-user NAME [--password PW | --password-stdin] [--opted-out]
  set-password NAME [--password PW | --password-stdin]
  opt-out NAME | opt-in NAME
  unlock NAME                       clear all lockout counters of the user and its devices
  enroll NAME KIND [options]        KIND: code_card, online_card, dsc, dsc_plus,
                                    platinum_gold, sms, mobile_key
      --out FILE                    code cards: write the printable HTML card here
                                    (default: print it to stdout)
      --lang en|zh-Hant|zh-Hans     code cards: language of the page
      --cells N                     code cards: number of cells (default 100)
                                    online_card: issued pending; the user activates it in
                                    the security centre with the codes at the two indices
                                    printed (within 24 hours)
      --pin NNNN                    dsc_plus: the 4-digit PIN (default random)
      --phone +NNN...               sms: the phone number
  temp-code NAME [--access full|account_management]
  create-account ACCOUNT PRIMARY   a new account with PRIMARY as its primary user
  add-account-user ACCOUNT NAME     add NAME to ACCOUNT as an additional user
  set-identity NAME (--identity-file FILE | --identity-stdin)
                                    seal NAME's identification data: a JSON object
                                    read from FILE or stdin, never from the command
                                    line (docs/accounts.md); nothing is printed back
  accounts NAME                     the accounts NAME holds and their users
  service-credential create NAME    a back-office credential for the withdrawal API:
                                    prints its bearer token once (only a keyed hash
                                    is kept; docs/withdrawals.md)
  service-credential list           every credential: name, created, revoked
  service-credential revoke NAME    its token stops working at once
  sharing list [--pending] [--limit N]
                                    device sharing requests, newest first
  sharing approve ID | sharing reject ID
                                    decide a request waiting for compliance review
  order list [--limit N]            replacement device orders, newest first
  order ship ORDER_ID               the warehouse ships it: prints the token's serial,
                                    suite and key (docs/device-orders.md)
  device-returned NAME DEVICE_ID    the warehouse received the device: releases the
                                    deposit it covers
  deposit keep ORDER_ID --reason damaged|not_returned
                                    keep a held deposit at account closure
  revoke-device NAME DEVICE_ID      withdraw a device (lost or replaced): ends its
                                    sharings and the sessions of its users
  devices NAME
  phone add NAME +NNN...            add a phone number on record (where a Mobile Key
                                    activation code may be sent)
  phone list NAME                   the numbers on record (SMS devices' numbers too)
  phone remove NAME PHONE_ID        remove a number added (not an SMS device's)
  history NAME [--limit N]          the user's device history, newest first
  sessions NAME                     the user's live sessions (never their ids)
  revoke-sessions NAME              end every session of the user at once
  audit [--user NAME] [--limit N]
  outbox [--limit N]                SMS messages the default gateway "sent"
  demo-seed [--password PW]         one demo user per device kind; prints JSON
  argon2-cost                       time one password hash and one check with the
                                    --argon2-* cost (to tune it for this machine)
  rotate-assertion-key [--max-ttl S] [--lead S]
                                    start a new login assertion signing key (its
                                    assertions live at most S seconds, default 60):
                                    published in the JWKS at once, it signs only
                                    --lead seconds later (default 300, the JWKS's
                                    cache time; 0 signs at once) and the old key
                                    signs until then; the old key stays published
                                    until all it signed has expired; prints JSON
  sign-assertion --iss URL --aud A --sub S [--ttl S] [--claims JSON]
                                    diagnostic: print a login assertion (JWT) signed
                                    with the signing key, as slsd would sign one, to
                                    check a verifier against GET /.well-known/jwks.json
                                    (--ttl defaults to the key's longest lifetime;
                                    --claims: an object of further claims)
global options:
  --db PATH|URL                     SQLite database file (default slsd.sqlite) or a
                                    PostgreSQL URL; with a URL, --master-key,
                                    --sign-key and --assertion-keys are required
                                    (the files every slsd node uses)
  --argon2-ops N, --argon2-mem-mib N   password hashing cost for new hashes
)";

}  // namespace

namespace sls::server::slsctl {

int fail_with(const Error& e) {
  std::string line(errc_name(e.code));
  for (const auto& a : e.args) line += " " + a;
  std::fprintf(stderr, "slsctl: %s (%s)\n", localize(e, Lang::en).c_str(), line.c_str());
  return 1;
}

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "slsctl: %s\n%s", msg.c_str(), kUsage);
  return 2;
}

std::string format_time(std::int64_t t) {
  if (t <= 0) return "-";
  const std::time_t tt{t};  // braces: a platform whose time_t is narrower fails to compile, never truncates
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace sls::server::slsctl

namespace {

using namespace sls::server::slsctl;

/// Identification data as text: the file at `path`, or stdin when `path` is
/// empty; at most 4 KiB.
Result<SecretString> read_identity(const std::string& path) {
  constexpr std::size_t kMax = 4096;
  std::string text;
  std::FILE* f = path.empty() ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return fail(Errc::bad_argument, {"identity-file", path, std::strerror(errno)});
  char buf[512];
  for (std::size_t n = 0; (n = std::fread(buf, 1, sizeof buf, f)) > 0 && text.size() <= kMax;) text.append(buf, n);
  wipe(buf, sizeof buf);
  if (f != stdin) std::fclose(f);
  if (text.size() > kMax) {
    wipe(text);
    return fail(Errc::bad_argument, {"identity", "over 4 KiB"});
  }
  return SecretString(std::move(text));
}

/// The password from --password, or the first line of stdin with
/// --password-stdin (so it stays out of the shell history and `ps`).
std::optional<SecretString> read_password(CommandLine& cl) {
  if (cl.flag("password-stdin")) {
    std::string line;
    if (!std::getline(std::cin, line)) return std::nullopt;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return SecretString(std::move(line));
  }
  if (cl.has("password")) return SecretString(cl.get("password"));
  return std::nullopt;
}

/// Writes `text` to `path`, mode 0600 (a printable card is as secret as the
/// card): a file is created so, or truncated and set so when it exists. A
/// path that is not a regular file (a pipe, a terminal, /dev/null) keeps its
/// mode: it is not ours to change, and changing /dev/null's once broke every
/// program on the machine that writes there as another user.
Status write_private_file(const std::string& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Errc::bad_argument, {"out", path, std::strerror(errno)});
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && (!S_ISREG(st.st_mode) || ::fchmod(fd, 0600) == 0);
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok) return fail(Errc::bad_argument, {"out", path, "cannot write"});
  return ok_status();
}

JsonValue token_json(const TokenEnrolment& t) {
  JsonValue v = JsonValue::object();
  v.set("device_id", t.device_id).set("serial", t.serial).set("ocra_suite", t.ocra_suite).set("key_hex", t.key_hex);
  if (!t.pin.empty()) v.set("pin", t.pin);
  return v;
}

JsonValue card_json(const CardEnrolment& c) {
  JsonValue cells = JsonValue::array();
  for (std::size_t i = 1; i <= c.card.size(); ++i)
    if (auto code = c.card.code(i)) cells.push_back(std::string(*code));
  JsonValue v = JsonValue::object();
  v.set("device_id", c.device_id).set("serial", c.card.serial()).set("cells", std::move(cells));
  if (c.expires_at != 0) v.set("expires_at", c.expires_at);
  return v;
}

int run(CommandLine& cl) {
  const auto& pos = cl.positional();
  const std::string db_path = cl.get("db", "slsd.sqlite");
  const std::string master_path = cl.get("master-key", Keyring::default_master_key_path(db_path));
  const std::string sign_path = cl.get("sign-key", Keyring::default_sign_key_path(db_path));
  const std::string assertion_keys_path = cl.get("assertion-keys", AssertionKeys::default_path(db_path));
  ServiceConfig config;
  config.password.opslimit = static_cast<std::uint64_t>(cl.get_int("argon2-ops", 3, 1, 20));
  config.password.memlimit = static_cast<std::size_t>(cl.get_int("argon2-mem-mib", 64, 1, 4096)) << 20;
  if (pos.empty()) return usage_error("no command");
  const std::string& cmd = pos[0];
  auto arg = [&](std::size_t i) -> std::string { return i < pos.size() ? pos[i] : std::string(); };

  // Read every option the command may use before checking for unknown ones.
  const bool opted_out = cl.flag("opted-out");
  std::optional<SecretString> password;
  if (cmd == "create-user" || cmd == "set-password") password = read_password(cl);
  const std::string out_path = cl.get("out");
  const Lang lang = lang_from_tag(cl.get("lang", "en"));
  const auto cells = static_cast<std::size_t>(cl.get_int("cells", kCardDefaultCells, kCardMinCells, kCardMaxCells));
  const std::string pin = cl.get("pin");
  const std::string phone = cl.get("phone");
  const std::string access = cl.get("access", "full");
  const std::string user_filter = cl.get("user");
  const auto limit = static_cast<std::size_t>(cl.get_int("limit", 50, 1, 100000));
  const std::string demo_password = cl.get("password", "demo-password");
  const std::int64_t max_ttl = cl.get_int("max-ttl", kDefaultAssertionTtl, 1, kMaxAssertionTtl);
  const std::int64_t ttl = cl.get_int("ttl", 0, 1, kMaxAssertionTtl);
  const std::int64_t lead = cl.get_int("lead", kDefaultAssertionKeyLead, 0, kMaxAssertionKeyLead);
  AssertionClaims claims{cl.get("iss"), cl.get("sub"), cl.get("aud"), nullptr};
  const std::string claims_json = cl.get("claims");
  const std::string identity_file = cl.get("identity-file");
  const bool identity_stdin = cl.flag("identity-stdin");
  const bool pending_only = cl.flag("pending");
  const std::string reason = cl.get("reason", "");
  if (auto errors = cl.errors(); !errors.empty()) return usage_error(errors.front());

  if (cmd == "rotate-assertion-key" || cmd == "sign-assertion") {
    // Key file only: no database.
    const std::int64_t now = SystemClock().now();
    if (cmd == "rotate-assertion-key") {
      auto keys = AssertionKeys::rotate(assertion_keys_path, now, max_ttl, lead);
      if (!keys) return fail_with(keys.error());
      JsonValue published = JsonValue::array();
      for (const auto& k : keys->all()) published.push_back(k.kid);
      std::printf("%s\n", json_serialize(JsonValue::object()
                                             .set("kid", keys->current().kid)
                                             .set("max_ttl", keys->current().max_ttl)
                                             .set("signs_from", keys->current().signs_from)
                                             .set("published", std::move(published)))
                              .c_str());
      return 0;
    }
    if (claims.iss.empty() || claims.aud.empty() || claims.sub.empty())
      return usage_error("sign-assertion needs --iss, --aud and --sub");
    if (!claims_json.empty()) {
      auto parsed = json_parse(claims_json);
      if (!parsed || !parsed->is_object()) return usage_error("--claims must be a JSON object");
      claims.extra = std::move(*parsed);
    }
    auto keys = AssertionKeys::load(assertion_keys_path);
    if (!keys) return fail_with(keys.error());
    auto token = sign_assertion(*keys, claims, now, ttl != 0 ? ttl : keys->signer(now).max_ttl);
    if (!token) return fail_with(token.error());
    std::printf("%s\n", token->c_str());
    return 0;
  }

  if (cmd == "argon2-cost") {
    // Median of 5 runs each; needs no database.
    using Clock = std::chrono::steady_clock;
    std::vector<double> hash_ms, verify_ms;
    std::string stored;
    for (int i = 0; i < 5; ++i) {
      auto t0 = Clock::now();
      auto h = hash_password("a sample password of ordinary length", config.password);
      auto t1 = Clock::now();
      if (!h) return fail_with(h.error());
      const bool ok = verify_password("a sample password of ordinary length", *h);
      auto t2 = Clock::now();
      if (!ok) return fail_with(fail(Errc::internal, {"argon2id", "verify failed"}));
      hash_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      verify_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
      stored = *h;
    }
    std::sort(hash_ms.begin(), hash_ms.end());
    std::sort(verify_ms.begin(), verify_ms.end());
    // The parameter part of the stored string: "$argon2id$v=19$m=...,t=...,p=1".
    std::size_t end = 0;
    for (int field = 0; field < 3 && end != std::string::npos; ++field) end = stored.find('$', end + 1);
    std::printf("argon2id opslimit=%llu memlimit=%zu MiB: hash %.1f ms, check %.1f ms (median of 5)\n%s\n",
                static_cast<unsigned long long>(config.password.opslimit), config.password.memlimit >> 20, hash_ms[2],
                verify_ms[2], stored.substr(0, end).c_str());
    return 0;
  }

  // A PostgreSQL store is shared by nodes that must use the same key files:
  // their paths are never derived from the URL.
  if (is_postgres_url(db_path))
    for (const char* option : {"master-key", "sign-key", "assertion-keys"})
      if (!cl.has(option))
        return fail_with(fail(Errc::bad_argument, {std::string("--") + option, "required with a PostgreSQL --db"}));
  auto store = open_store(db_path);
  if (!store) return fail_with(store.error());
  auto keys = Keyring::load_or_create(master_path, sign_path);
  if (!keys) return fail_with(keys.error());
  SystemClock clock;
  Enrolment admin(**store, *keys, clock, config);

  if (cmd == "create-user" || cmd == "set-password") {
    if (arg(1).empty()) return usage_error(cmd + " needs a user name");
    if (!password) return usage_error("give --password PW or --password-stdin");
    if (cmd == "create-user") {
      auto id = admin.create_user(arg(1), password->view(), opted_out);
      if (!id) return fail_with(id.error());
      std::printf("created user %s (id %lld)%s\n", arg(1).c_str(), static_cast<long long>(*id),
                  opted_out ? ", opted out of SLS: password only" : "");
    } else {
      if (auto s = admin.set_password(arg(1), password->view()); !s) return fail_with(s.error());
      std::printf("password of %s changed\n", arg(1).c_str());
    }
    return 0;
  }
  if (cmd == "opt-out" || cmd == "opt-in") {
    if (auto s = admin.set_opted_out(arg(1), cmd == "opt-out"); !s) return fail_with(s.error());
    std::printf("%s: %s\n", arg(1).c_str(), cmd == "opt-out" ? "opted out (password only)" : "opted back in");
    return 0;
  }
  if (cmd == "create-account") {
    if (arg(1).empty() || arg(2).empty()) return usage_error("create-account ACCOUNT PRIMARY");
    auto id = admin.create_account(arg(1), arg(2));
    if (!id) return fail_with(id.error());
    std::printf("created account %s (id %s), primary user %s\n", arg(1).c_str(), id->c_str(), arg(2).c_str());
    return 0;
  }
  if (cmd == "add-account-user") {
    if (arg(1).empty() || arg(2).empty()) return usage_error("add-account-user ACCOUNT NAME");
    if (auto s = admin.add_account_user(arg(1), arg(2)); !s) return fail_with(s.error());
    std::printf("%s added to account %s\n", arg(2).c_str(), arg(1).c_str());
    return 0;
  }
  if (cmd == "set-identity") {
    if (arg(1).empty() || identity_stdin == !identity_file.empty())
      return usage_error("set-identity NAME needs one of --identity-file FILE and --identity-stdin");
    auto text = read_identity(identity_stdin ? std::string() : identity_file);
    if (!text) return fail_with(text.error());
    auto json = json_parse(text->view());
    if (!json) return fail_with(fail(Errc::bad_argument, {"identity", "not a JSON object"}));
    auto data = parse_identification(*json);
    json->wipe();
    if (!data) return fail_with(data.error());
    const Status s = admin.set_identification(arg(1), *data);
    wipe(data->id_document_number);
    wipe(data->ssn);
    if (!s) return fail_with(s.error());
    std::printf("identification data of %s sealed\n", arg(1).c_str());
    return 0;
  }
  if (cmd == "accounts") {
    auto list = admin.accounts(arg(1));
    if (!list) return fail_with(list.error());
    for (const AccountSummary& a : *list) {
      std::printf("%s  id %s  %s  primary %s", a.account.name.c_str(), a.account.id.c_str(),
                  a.account.opted_out ? "opted-out" : "sls", a.primary_user.c_str());
      for (const auto& u : a.users) std::printf("  user %s", u.c_str());
      std::printf("\n");
    }
    return 0;
  }
  if (cmd == "service-credential") {
    const std::string& sub = arg(1);
    if (sub == "create" && !arg(2).empty()) {
      auto token = create_service_credential(**store, *keys, clock.now(), arg(2));
      if (!token) return fail_with(token.error());
      std::printf("%s\n", token->c_str());
      wipe(*token);
      return 0;
    }
    if (sub == "revoke" && !arg(2).empty()) {
      if (auto s = revoke_service_credential(**store, clock.now(), arg(2)); !s) return fail_with(s.error());
      std::printf("service credential %s revoked\n", arg(2).c_str());
      return 0;
    }
    if (sub == "list") {
      auto list = list_service_credentials(**store);
      if (!list) return fail_with(list.error());
      for (const ServiceCredentialRecord& c : *list)
        std::printf("%s  created %lld  %s\n", c.name.c_str(), static_cast<long long>(c.created_at),
                    c.revoked_at != 0 ? ("revoked " + std::to_string(c.revoked_at)).c_str() : "active");
      return 0;
    }
    return usage_error("service-credential create NAME | list | revoke NAME");
  }
  // The device lifecycle's commands (slsctl_lifecycle.cpp).
  if (auto done = run_lifecycle_command(admin, pos, limit, pending_only, reason)) return *done;
  if (cmd == "unlock") {
    if (auto s = admin.unlock(arg(1)); !s) return fail_with(s.error());
    std::printf("%s unlocked\n", arg(1).c_str());
    return 0;
  }
  if (cmd == "enroll") {
    auto kind = parse_device_kind(arg(2));
    if (arg(1).empty() || !kind) return usage_error("enroll NAME KIND");
    switch (*kind) {
      case DeviceKind::code_card:
      case DeviceKind::online_card: {
        // An online card is issued pending: the user activates it in the
        // security centre with the codes at the two indices printed here.
        auto card =
            *kind == DeviceKind::online_card ? admin.issue_online_card(arg(1)) : admin.enrol_card(arg(1), *kind, cells);
        if (!card) return fail_with(card.error());
        const std::string html = code_card_html(card->card, arg(1), card->activation ? 0 : card->expires_at, lang);
        if (out_path.empty()) {
          std::fputs(html.c_str(), stdout);
        } else {
          if (auto w = write_private_file(out_path, html); !w) return fail_with(w.error());
          std::printf("enrolled %s %s (serial %s); card written to %s\n", arg(2).c_str(), card->device_id.c_str(),
                      card->card.serial().c_str(), out_path.c_str());
        }
        if (card->activation)
          std::fprintf(out_path.empty() ? stderr : stdout,
                       "pending until %s: activate in the security centre with the codes at %u and %u\n",
                       format_time(card->expires_at).c_str(), static_cast<unsigned>(card->activation->first),
                       static_cast<unsigned>(card->activation->second));
        return 0;
      }
      case DeviceKind::dsc:
      case DeviceKind::dsc_plus:
      case DeviceKind::platinum_gold: {
        auto t = admin.enrol_token(arg(1), *kind, pin);
        if (!t) return fail_with(t.error());
        std::printf("device_id  %s\nserial     %s\nocra_suite %s\nkey_hex    %s\n", t->device_id.c_str(),
                    t->serial.c_str(), t->ocra_suite.c_str(), t->key_hex.c_str());
        if (!t->pin.empty()) std::printf("pin        %s\n", t->pin.c_str());
        return 0;
      }
      case DeviceKind::sms: {
        if (phone.empty()) return usage_error("enroll NAME sms --phone +NNN");
        auto id = admin.enrol_sms(arg(1), phone);
        if (!id) return fail_with(id.error());
        std::printf("device_id %s\n", id->c_str());
        return 0;
      }
      case DeviceKind::mobile_key: {
        auto mk = admin.enrol_mobile_key(arg(1));
        if (!mk) return fail_with(mk.error());
        std::printf("device_id       %s\nactivation_code %s\nexpires_at      %s\n", mk->device_id.c_str(),
                    mk->activation_code.c_str(), format_time(mk->expires_at).c_str());
        return 0;
      }
      case DeviceKind::temp_code:
      case DeviceKind::none: return usage_error("use temp-code for temporary codes and opt-out for password only");
    }
  }
  if (cmd == "temp-code") {
    if (access != "full" && access != "account_management") return usage_error("--access full|account_management");
    auto t = admin.issue_temp_code(arg(1), access == "full");
    if (!t) return fail_with(t.error());
    std::printf("temporary code %s (%s access) valid until %s\n", format_temp_code(t->code).c_str(), t->access.c_str(),
                format_time(t->expires_at).c_str());
    return 0;
  }
  if (cmd == "devices") {
    auto list = admin.devices(arg(1));
    if (!list) return fail_with(list.error());
    for (const auto& d : *list)
      std::printf("%s  %-13s %-8s %-40s expires %s%s\n", d.id.c_str(), std::string(device_kind_id(d.kind)).c_str(),
                  std::string(to_text(d.status)).c_str(), d.label.c_str(), format_time(d.expires_at).c_str(),
                  d.failures.locked_until > clock.now() ? "  LOCKED" : "");
    return 0;
  }
  if (cmd == "sessions") {
    auto list = admin.sessions(arg(1));
    if (!list) return fail_with(list.error());
    for (const auto& r : *list)
      std::printf("created %s  last seen %s  idle until %s  ends %s  %-13s %s %s\n", format_time(r.created_at).c_str(),
                  format_time(r.last_seen_at).c_str(), format_time(r.idle_expires_at).c_str(),
                  format_time(r.expires_at).c_str(), std::string(device_kind_id(r.device_kind)).c_str(),
                  std::string(to_text(r.access)).c_str(), r.amr.c_str());
    return 0;
  }
  if (cmd == "revoke-sessions") {
    auto n = admin.revoke_sessions(arg(1));
    if (!n) return fail_with(n.error());
    std::printf("%s: %lld session%s ended\n", arg(1).c_str(), static_cast<long long>(*n), *n == 1 ? "" : "s");
    return 0;
  }
  if (cmd == "audit") {
    auto rows = admin.audit(limit, user_filter);
    if (!rows) return fail_with(rows.error());
    // Every field escaped: one row is one line, whatever a field holds.
    for (const auto& a : *rows)
      std::printf("%s %-20s %-4s user=%s device=%s client=%s %s\n", format_time(a.at).c_str(),
                  escape_for_terminal(a.event).c_str(), escape_for_terminal(a.outcome).c_str(),
                  escape_for_terminal(a.username).c_str(), escape_for_terminal(a.device_id).c_str(),
                  escape_for_terminal(a.client_addr).c_str(), escape_for_terminal(a.detail).c_str());
    return 0;
  }
  if (cmd == "outbox") {
    auto rows = admin.outbox(limit);
    if (!rows) return fail_with(rows.error());
    for (const auto& m : *rows)
      std::printf("%s to %s: %s\n", format_time(m.at).c_str(), m.phone.c_str(), m.text.c_str());
    return 0;
  }
  if (cmd == "demo-seed") {
    JsonValue users = JsonValue::array();
    int demo_phones = 0;
    auto add = [&](const std::string& name, bool opt_out) -> std::optional<JsonValue> {
      auto id = admin.create_user(name, demo_password, opt_out);
      if (!id) {
        if (id.code() == Errc::bad_argument && id.error().args.size() >= 2 && id.error().args[1] == "taken") {
          users.push_back(JsonValue::object().set("username", name).set("existing", true));
          return std::nullopt;
        }
        fail_with(id.error());
        return std::nullopt;
      }
      JsonValue u = JsonValue::object();
      u.set("username", name).set("password", demo_password);
      // A phone on record for each (demo-sms has its SMS device's): where
      // the simulator's Mobile Key activation sends its code.
      if (name != "demo-sms") {
        const std::string number = "+8529000" + std::to_string(2001 + demo_phones++);
        if (auto p = admin.add_phone(name, number); !p)
          fail_with(p.error());
        else
          u.set("phone", number);
      }
      return u;
    };
    int failures = 0;
    auto check = [&](auto&& r) {
      if (!r) {
        fail_with(r.error());
        ++failures;
      }
      return static_cast<bool>(r);
    };
    if (auto u = add("demo-none", true)) users.push_back(std::move(u->set("kind", "none")));
    if (auto u = add("demo-sms", false)) {
      auto id = admin.enrol_sms("demo-sms", "+85290001234");
      if (check(id))
        users.push_back(std::move(u->set("kind", "sms").set("device_id", *id).set("phone", "+85290001234")));
    }
    if (auto u = add("demo-mobile-key", false)) {
      auto mk = admin.enrol_mobile_key("demo-mobile-key");
      if (check(mk))
        users.push_back(std::move(u->set("kind", "mobile_key")
                                      .set("device_id", mk->device_id)
                                      .set("activation_code", mk->activation_code)
                                      .set("activation_expires_at", mk->expires_at)));
    }
    for (DeviceKind k : {DeviceKind::code_card, DeviceKind::online_card}) {
      std::string name = k == DeviceKind::code_card ? "demo-code-card" : "demo-online-card";
      if (auto u = add(name, false)) {
        auto card = admin.enrol_card(name, k);
        if (check(card)) users.push_back(std::move(u->set("kind", device_kind_id(k)).set("card", card_json(*card))));
      }
    }
    for (DeviceKind k : {DeviceKind::dsc, DeviceKind::dsc_plus, DeviceKind::platinum_gold}) {
      std::string name = k == DeviceKind::dsc        ? "demo-dsc"
                         : k == DeviceKind::dsc_plus ? "demo-dsc-plus"
                                                     : "demo-platinum-gold";
      if (auto u = add(name, false)) {
        auto t = admin.enrol_token(name, k);
        if (check(t)) users.push_back(std::move(u->set("kind", device_kind_id(k)).set("token", token_json(*t))));
      }
    }
    if (auto u = add("demo-temp-code", false)) {
      auto t = admin.issue_temp_code("demo-temp-code", true);
      if (check(t))
        users.push_back(std::move(u->set("kind", "temp_code")
                                      .set("device_id", t->device_id)
                                      .set("temp_code", format_temp_code(t->code))
                                      .set("expires_at", t->expires_at)));
    }
    // Accounts (docs/accounts.md): a joint one with a primary and an
    // additional user, a user on two accounts, and an opted-out one.
    JsonValue accounts = JsonValue::array();
    struct DemoAccount {
      const char* name;
      const char* primary;
      std::vector<const char*> users;
    };
    const DemoAccount demo_accounts[] = {{"demo-joint", "demo-dsc", {"demo-code-card"}},
                                         {"demo-family", "demo-mobile-key", {"demo-dsc", "demo-sms"}},
                                         {"demo-cash", "demo-none", {}}};
    for (const DemoAccount& a : demo_accounts) {
      JsonValue item = JsonValue::object();
      item.set("name", a.name).set("primary_user", a.primary);
      JsonValue names = JsonValue::array();
      for (const char* u : a.users) names.push_back(u);
      item.set("users", std::move(names));
      auto id = admin.create_account(a.name, a.primary);
      if (!id && id.code() == Errc::bad_argument && id.error().args.size() >= 2 && id.error().args[1] == "taken") {
        accounts.push_back(std::move(item.set("existing", true)));
        continue;
      }
      if (!check(id)) continue;
      item.set("id", *id);
      for (const char* u : a.users) check(admin.add_account_user(a.name, u));
      accounts.push_back(std::move(item));
    }
    // Device sharing (docs/sharing.md): demo-code-card may share demo-dsc's
    // DSC (they hold demo-joint: the same entity, approved at once), and
    // demo-platinum-gold may share demo-dsc-plus's DSC+ (no common account,
    // the same identification data: it waits for review by default).
    const IdentificationData demo_person{"1975-06-15", "HK", "HK", "passport", "K7654321", "", false};
    for (const char* u : {"demo-dsc-plus", "demo-platinum-gold"}) check(admin.set_identification(u, demo_person));
    JsonValue sharing = JsonValue::array();
    sharing.push_back(
        JsonValue::object().set("requester", "demo-code-card").set("owner", "demo-dsc").set("relation", "entity"));
    sharing.push_back(JsonValue::object()
                          .set("requester", "demo-platinum-gold")
                          .set("owner", "demo-dsc-plus")
                          .set("relation", "identification"));
    std::printf("%s\n", json_serialize(JsonValue::object()
                                           .set("users", std::move(users))
                                           .set("accounts", std::move(accounts))
                                           .set("sharing", std::move(sharing)))
                            .c_str());
    return failures == 0 ? 0 : 1;
  }
  return usage_error("unknown command " + cmd);
}

}  // namespace

int main(int argc, char** argv) {
  // Whatever this creates (database, key files, cards) is for this user only.
  ::umask(077);
  sls::server::CommandLine cl(argc, argv, {"password-stdin", "identity-stdin", "opted-out", "pending", "help"});
  if (cl.flag("help")) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  try {
    return run(cl);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "slsctl: %s\n", e.what());
    return 1;
  }
}
