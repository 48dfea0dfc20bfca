// Challenge opening (POST /login/{id}/challenge, SMS resend): throttles, the sticky question, each kind's challenge.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/device_orders.hpp"
#include "server/device_secrets.hpp"
#include "server/encoding.hpp"
#include "server/push_changes.hpp"
#include "server/request_scope.hpp"
#include "server/sharing.hpp"
#include "sls/messages.hpp"
#include "sls/response.hpp"
#include "sls/secure.hpp"
#include "sls/signed_payload.hpp"

namespace sls::server {

// --- card cells ----------------------------------------------------------------------------

namespace {

std::vector<bool> used_cells_vector(std::string_view text) {
  std::vector<bool> used;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find(',', pos);
    if (end == std::string_view::npos) end = text.size();
    unsigned index = 0;
    auto [p, ec] = std::from_chars(text.data() + pos, text.data() + end, index);
    if (ec == std::errc() && p == text.data() + end && index >= 1 && index <= kCardMaxCells) {
      if (used.size() < index) used.resize(index, false);
      used[index - 1] = true;
    }
    pos = end + 1;
  }
  return used;
}

std::string used_cells_text(const std::vector<bool>& used) {
  std::string out;
  for (std::size_t i = 0; i < used.size(); ++i) {
    if (!used[i]) continue;
    if (!out.empty()) out += ',';
    out += std::to_string(i + 1);
  }
  return out;
}

std::string two_digits(std::uint32_t n) {
  std::string s = std::to_string(n % 100);
  return s.size() == 1 ? "0" + s : s;
}

}  // namespace

Outcome<CardChallenge> parse_card_question(std::string_view q) {
  const auto comma = q.find(',');
  unsigned a = 0, b = 0;
  if (comma == std::string_view::npos) return fail(Errc::internal, {"card question"});
  auto r1 = std::from_chars(q.data(), q.data() + comma, a);
  auto r2 = std::from_chars(q.data() + comma + 1, q.data() + q.size(), b);
  if (r1.ec != std::errc() || r2.ec != std::errc() || a == 0 || b == 0 || a > kCardMaxCells || b > kCardMaxCells)
    return fail(Errc::internal, {"card question"});
  return CardChallenge{static_cast<std::uint16_t>(a), static_cast<std::uint16_t>(b)};
}

// --- the device's sticky question ---------------------------------------------------------------

bool RequestScope::question_is_open(const DeviceRecord& d) const noexcept {
  return !d.open_question.empty() && now < d.open_question_expires_at;
}

Status RequestScope::keep_question_open(StoreTx& tx, DeviceRecord& d) const {
  const bool fresh = d.open_question_expires_at <= now;
  d.open_question_expires_at =
      std::max(fresh ? now + s.config_.question_ttl : d.open_question_expires_at, now + s.config_.challenge_ttl);
  return tx.update_device(d);
}

bool RequestScope::asks_open_question(const ChallengeRecord& c, const DeviceRecord& d) noexcept {
  if (c.method != ChallengeMethod::code_card && c.method != ChallengeMethod::ocra) return true;
  return !d.open_question.empty() && constant_time_equal(c.question, d.open_question);
}

Status RequestScope::close_question(DeviceRecord& d, const ChallengeRecord& c) const {
  if (c.method == ChallengeMethod::code_card && s.config_.cell_reuse == CellReuse::never) {
    auto question = parse_card_question(c.question);
    if (!question) return question.error().fault();
    std::vector<bool> used = used_cells_vector(d.used_cells);
    mark_cells_used(used, *question);
    d.used_cells = used_cells_text(used);
  }
  d.open_question.clear();
  d.open_question_expires_at = 0;
  return ok_status();
}

// --- throttles -----------------------------------------------------------------------------------

namespace {

/// Everything an SMS challenge needs to send once the transaction committed.
struct PendingSms {
  std::string phone;
  SecretString text;
};

/// Refuses (with an audit row, committed) when the user or this address
/// opened too many challenges in the last hour; done when opening may go on.
Step throttle_challenge_open(RequestScope& op, StoreTx& tx, const UserRecord& user, const DeviceRecord& device) {
  const ServiceConfig& config = op.config();
  const std::int64_t since = op.now - 3600 + 1;
  SLS_TRY_ASSIGN(times, tx.challenge_times_since(user.id, since, since - config.login_ttl));
  const auto limit = static_cast<std::size_t>(std::max<std::int64_t>(config.challenges_per_hour_per_user, 1));
  Errc refused = Errc::ok;
  ErrorExtras extras;
  if (times.size() >= limit) {
    refused = Errc::challenge_too_many;
    extras.retry_after = std::max<std::int64_t>(1, times[times.size() - limit] + 3600 - op.now);
  } else {
    SLS_TRY_ASSIGN(d, op.take_challenge_open_token(tx));
    if (!d.allowed) {
      refused = Errc::rate_limited;
      extras.retry_after = d.retry_after;
    }
  }
  if (refused == Errc::ok) return step_done();
  SLS_TRY(op.audit(tx, "challenge.throttled", "fail", user.id, user.username, device.id, errc_name(refused)));
  return refuse(refused, extras);
}

/// Refuses (with an audit row, committed) when the user had as many pushes
/// as allowed in the rolling hour (now - 3600, now].
Step throttle_push(RequestScope& op, StoreTx& tx, const UserRecord& user, const DeviceRecord& device) {
  SLS_TRY_ASSIGN(times, tx.push_times_since(user.id, op.now - 3600 + 1));
  const auto limit = static_cast<std::size_t>(std::max<std::int64_t>(op.config().pushes_per_hour, 0));
  if (times.size() < limit) return step_done();
  ErrorExtras extras;
  const std::int64_t frees_at = (limit == 0 ? op.now : times[times.size() - limit] + 3600);
  extras.retry_after = std::max<std::int64_t>(1, frees_at - op.now);
  SLS_TRY(op.audit(tx, "push.throttled", "fail", user.id, user.username, device.id, "push.too_many"));
  return refuse(Errc::push_too_many, extras);
}

// --- each device kind's challenge ----------------------------------------------------------------

/// Fills `c` (method, question, code) for `device` of `kind` and returns
/// the reply's method-specific fields; an SMS to send goes into `sms`.
Outcome<JsonValue> open_for_kind(RequestScope& op, StoreTx& tx, const UserRecord& user, DeviceKind kind,
                                 DeviceRecord& device, ChallengeRecord& c, PendingSms& sms) {
  const ServiceConfig& config = op.config();
  JsonValue reply = JsonValue::object();
  switch (kind) {
    case DeviceKind::code_card:
    case DeviceKind::online_card: {
      SLS_TRY_ASSIGN(cells, op.keys().open(device.sealed_secret));
      auto card = CodeCard::from_storage(device.serial, as_text(cells.view()));
      if (!card) return fail(Errc::internal, {"stored card", device.id});
      const std::vector<bool> used = used_cells_vector(device.used_cells);
      if (!op.question_is_open(device)) {
        auto pick = pick_card_challenge(card->size(), config.cell_reuse, used);
        if (!pick) return refuse(pick.error());
        device.open_question = std::to_string(pick->first) + "," + std::to_string(pick->second);
      }
      SLS_TRY_ASSIGN(pick, parse_card_question(device.open_question));
      SLS_TRY(op.keep_question_open(tx, device));
      c.method = ChallengeMethod::code_card;
      c.question = device.open_question;
      reply.set("method", "code_card").set("challenge_id", c.id).set("expires_at", c.expires_at);
      reply.set("indices", JsonValue::array().push_back(pick.first).push_back(pick.second));
      reply.set("card_serial", device.serial);
      // The cells are spent when answered, not when shown (verification.cpp).
      if (config.cell_reuse == CellReuse::never)
        reply.set("logins_left", static_cast<std::int64_t>(logins_left(card->size(), used)));
      return reply;
    }
    case DeviceKind::mobile_key:
    case DeviceKind::dsc:
    case DeviceKind::dsc_plus:
    case DeviceKind::platinum_gold: {
      SLS_TRY(op.device_suite(device));  // refuse to open a challenge on a corrupt suite
      if (!op.question_is_open(device)) device.open_question = generate_challenge();
      SLS_TRY(op.keep_question_open(tx, device));
      c.method = ChallengeMethod::ocra;
      c.question = device.open_question;
      reply.set("method", "ocra").set("challenge_id", c.id).set("expires_at", c.expires_at);
      reply.set("challenge", c.question);
      reply.set("pin_on_device", kind == DeviceKind::dsc_plus);
      if (kind == DeviceKind::mobile_key) {
        ChallengePayload payload;
        auto tx_bytes = base64url_decode(c.id);
        if (!tx_bytes || tx_bytes->size() != payload.tx_id.size()) return fail(Errc::internal, {"challenge id"});
        std::copy(tx_bytes->begin(), tx_bytes->end(), payload.tx_id.begin());
        payload.challenge = c.question;
        payload.origin = config.origin;
        payload.expires_at = c.expires_at;
        auto text = encode_signed_payload(payload, op.keys().signing_key().secret_key());
        if (!text) return fail(Errc::internal, {"qr payload", std::string(errc_name(text.code()))});
        reply.set("qr_payload", *text);
      }
      return reply;
    }
    case DeviceKind::sms: {
      std::string code = generate_digits(kSmsCodeFormat.length);
      c.method = ChallengeMethod::sms;
      c.code_hash = op.keys().keyed_hash(HashPurpose::sms_code, code);
      c.expires_at = op.now + std::min<std::int64_t>(config.sms_code_ttl, 600);
      device.last_sms_at = op.now;
      SLS_TRY(tx.update_device(device));
      sms.phone = device.phone;
      sms.text = SecretString(sms_login_text(code, (c.expires_at - op.now) / 60, op.lang()));
      wipe(code);
      SLS_TRY(op.audit(tx, "sms.sent", "ok", user.id, user.username, device.id));
      reply.set("method", "sms").set("challenge_id", c.id).set("expires_at", c.expires_at);
      reply.set("sent_to", mask_phone(device.phone));
      reply.set("resend_after", op.now + config.sms_resend_interval);
      return reply;
    }
    case DeviceKind::temp_code:
      c.method = ChallengeMethod::temp_code;
      reply.set("method", "temp_code").set("challenge_id", c.id).set("expires_at", c.expires_at);
      return reply;
    case DeviceKind::none: break;
  }
  return refuse(Errc::device_not_found);
}

}  // namespace

// --- POST /login/{id}/challenge --------------------------------------------------------------------

ApiResponse AuthService::open_challenge(const RequestContext& ctx, std::string_view login_id, const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  PendingSms sms;
  std::vector<std::string> retired;  // the login and its cancelled pushes, announced once committed
  // A new push is known pending from the start: its first status poll (and
  // the page's first long poll) need not ask the store (PendingPushCache).
  struct OpenedPush {
    std::string id;
    Bytes login_secret_hash;
    std::int64_t expires_at = 0;
    std::uint64_t generation = 0;  // of its stripe, read before the commit
  };
  std::optional<OpenedPush> opened_push;
  Outcome<ApiResponse> answer = [&]() -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(device_id, id_field(body, "device_id", Errc::device_not_found));
    bool push_mode = true;
    if (const JsonValue* m = body.find("mode")) {
      const std::string* text = m->as_string();
      if (text == nullptr || (*text != "push" && *text != "ocra")) return refuse(Errc::request_bad_field, {"mode"});
      push_mode = *text == "push";
    }
    return op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
      // A retried run starts from nothing (Store::write).
      sms = PendingSms{};
      retired.clear();
      opened_push.reset();
      SLS_TRY_ASSIGN(login, op.load_bound_login(tx, login_id));
      if (login.state != LoginState::second_factor) return refuse(Errc::login_wrong_state);
      SLS_TRY_ASSIGN(user, op.load_user(tx, login.user_id));
      SLS_TRY_ASSIGN(found, tx.get_device(device_id));
      // A shipped replacement is offered before its first use (device_orders.hpp).
      if (!found || !(found->status == DeviceStatus::active || awaiting_first_use(*found)))
        return refuse(Errc::device_not_found);
      // The user's own device, or one an approved sharing gives them.
      SLS_TRY_ASSIGN(allowed, may_use_device(tx, *found, user.id));
      if (!allowed) return refuse(Errc::device_not_found);
      DeviceRecord device = *found;
      const DeviceKind kind = device.kind;
      if (!device_offered_at_login(device, op.now)) return refuse(Errc::device_expired);
      if (auto lock = op.lock_refusal(user, &device)) {
        SLS_TRY(op.audit(tx, "challenge.opened", "fail", user.id, user.username, device.id, "auth.locked"));
        return *lock;
      }
      // SMS: the resend interval holds across challenges, so opening a new
      // one cannot be used to send more often.
      if (kind == DeviceKind::sms && device.last_sms_at + config_.sms_resend_interval > op.now) {
        ErrorExtras extras;
        extras.retry_after = device.last_sms_at + config_.sms_resend_interval - op.now;
        return refuse(Errc::sms_resend_too_soon, extras);
      }
      const bool push = kind == DeviceKind::mobile_key && push_mode;
      // Opening is free for whoever has the password, so it is bounded per
      // user (in the store: every node counts) and per address. SMS has its
      // own 2-minute resend interval, push its own hourly bound.
      if (push)
        SLS_TRY(throttle_push(op, tx, user, device));
      else if (kind != DeviceKind::sms)
        SLS_TRY(throttle_challenge_open(op, tx, user, device));

      // A new challenge voids the previous one and cancels a pending push;
      // called only once the new one is sure to be created.
      auto retire_previous = [&]() -> Status {
        SLS_TRY(tx.void_open_challenges(login.id));
        SLS_TRY(notify_push_change(tx, login.id));
        retired.push_back(login.id);
        SLS_TRY_ASSIGN(pending, tx.pending_pushes_of_login(login.id));
        for (PushRecord p : pending) {
          p.status = PushStatus::cancelled;
          p.decided_at = op.now;
          SLS_TRY(update_push_notifying(tx, p));
          retired.push_back(p.id);
        }
        return ok_status();
      };

      if (push) {
        SLS_TRY(retire_previous());
        PushRecord p;
        p.id = random_id();
        p.login_id = login.id;
        p.user_id = user.id;
        p.device_id = device.id;
        p.number = two_digits(random_below(100));
        p.origin = config_.origin;
        p.created_at = op.now;
        p.expires_at = op.now + config_.push_ttl;
        SLS_TRY(tx.insert_push(p));
        SLS_TRY(op.audit(tx, "push.sent", "ok", user.id, user.username, device.id));
        opened_push = OpenedPush{p.id, login.secret_hash, p.expires_at, pending_pushes_.generation(p.id)};
        return ok_json(JsonValue::object()
                           .set("method", "push")
                           .set("tx_id", p.id)
                           .set("number", p.number)
                           .set("expires_at", p.expires_at));
      }

      ChallengeRecord c;
      c.id = random_id();
      c.login_id = login.id;
      c.device_id = device.id;
      c.created_at = op.now;
      c.expires_at = op.now + config_.challenge_ttl;
      SLS_TRY_ASSIGN(reply, open_for_kind(op, tx, user, kind, device, c, sms));
      SLS_TRY(retire_previous());
      SLS_TRY(tx.insert_challenge(c));
      SLS_TRY(op.audit(tx, "challenge.opened", "ok", user.id, user.username, device.id, to_text(c.method)));
      return ok_json(std::move(reply));
    });
  }();
  // Kept before the retired ones are announced: an announcement forgets only
  // its own id, but starts a new generation of its stripe, which the new
  // push may share.
  if (answer && opened_push)
    pending_pushes_.remember(opened_push->id, opened_push->login_secret_hash, opened_push->expires_at, clock_.now_ms(),
                             opened_push->generation);
  if (answer)
    for (const auto& id : retired) announce(id);
  // The text goes out only once the challenge is stored.
  if (answer && !sms.phone.empty()) {
    if (auto s = sms_.send(sms.phone, sms.text.view()); !s) return op.respond(s.error());
  }
  return op.respond(std::move(answer));
}

// --- POST /login/{id}/sms/resend ---------------------------------------------------------------------------

ApiResponse AuthService::resend_sms(const RequestContext& ctx, std::string_view login_id) {
  RequestScope op{*this, ctx, clock_.now()};
  auto device_id = op.in_write([&](StoreTx& tx) -> Outcome<std::string> {
    SLS_TRY_ASSIGN(login, op.load_bound_login(tx, login_id));
    SLS_TRY_ASSIGN(latest, tx.latest_challenge(login.id));
    if (!latest || latest->method != ChallengeMethod::sms || latest->state == ChallengeState::answered)
      return refuse(Errc::challenge_not_found);
    return latest->device_id;
  });
  if (!device_id) return op.respond(device_id.error());
  // Resending is opening a new SMS challenge on the same device: the old
  // code is voided and the 2-minute interval applies.
  return open_challenge(ctx, login_id, JsonValue::object().set("device_id", *device_id));
}

}  // namespace sls::server
