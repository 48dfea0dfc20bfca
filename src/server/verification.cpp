// Verification of a typed answer (POST /login/{id}/verify): the entry's format, then each method's check.
#include "server/device_history.hpp"
#include "server/device_orders.hpp"
#include "server/device_secrets.hpp"
#include "server/request_scope.hpp"
#include "server/sharing.hpp"
#include "sls/response.hpp"
#include "sls/secure.hpp"

namespace sls::server {
namespace {

/// The typed answer to a challenge, checked for format and normalised:
/// the parse errors of the method's entry are refusals (400, no attempt
/// counted).
Outcome<std::string> normalize_entry(ChallengeMethod method, std::string_view typed) {
  auto normalized = [&]() -> Result<std::string> {
    switch (method) {
      case ChallengeMethod::code_card: return parse_card_entry(typed);
      case ChallengeMethod::ocra: return parse_response(typed);
      case ChallengeMethod::sms: return parse_code(typed, kSmsCodeFormat);
      case ChallengeMethod::temp_code: break;
    }
    return parse_code(typed, kTempCodeFormat);
  }();
  if (!normalized) return refuse(normalized.error());
  return std::move(*normalized);
}

/// Whether the normalised `entry` answers `c` on `device`: done when it
/// does, the method's mismatch refusal when not (not yet counted: the
/// caller counts it), a fault when stored data is unusable.
Step check_answer(RequestScope& op, const ChallengeRecord& c, const DeviceRecord& device, std::string_view entry) {
  const Keyring& keys = op.keys();
  switch (c.method) {
    case ChallengeMethod::code_card: {
      SLS_TRY_ASSIGN(cells, keys.open(device.sealed_secret));
      auto card = CodeCard::from_storage(device.serial, as_text(cells.view()));
      if (!card) return fail(Errc::internal, {"stored card", device.id});
      SLS_TRY_ASSIGN(question, parse_card_question(c.question));
      if (!verify_card_entry(*card, question, entry)) return refuse(Errc::card_mismatch);
      return step_done();
    }
    case ChallengeMethod::ocra: {
      SLS_TRY_ASSIGN(suite, op.device_suite(device));
      SLS_TRY_ASSIGN(key, keys.open(device.sealed_secret));
      SecretBytes pin_hash;
      if (suite.pin_hash()) {
        SLS_TRY_ASSIGN(opened, keys.open(device.sealed_pin_hash));
        pin_hash = std::move(opened);
      }
      OcraInput input;
      input.question = c.question;
      input.pin_hash = pin_hash.view();
      Status match = verify_device_response(suite, key.view(), input, entry);
      if (match) return step_done();
      if (match.code() != Errc::response_mismatch)
        return fail(Errc::internal, {"ocra", std::string(errc_name(match.code()))});
      return refuse(Errc::response_mismatch);
    }
    case ChallengeMethod::sms:
      if (!keys.keyed_hash_matches(HashPurpose::sms_code, entry, c.code_hash)) return refuse(Errc::auth_wrong_code);
      return step_done();
    case ChallengeMethod::temp_code: break;
  }
  if (!keys.keyed_hash_matches(HashPurpose::temp_code, entry, device.code_hash)) return refuse(Errc::auth_wrong_code);
  return step_done();
}

}  // namespace

// --- POST /login/{id}/verify ------------------------------------------------------------------------------

ApiResponse AuthService::verify(const RequestContext& ctx, std::string_view login_id, const JsonValue& body) {
  RequestScope op{*this, ctx, clock_.now()};
  std::vector<std::string> cancelled_pushes;
  ApiResponse resp = op.respond([&]() -> Outcome<ApiResponse> {
    SLS_TRY_ASSIGN(challenge_id, id_field(body, "challenge_id", Errc::challenge_not_found));
    SLS_TRY_ASSIGN(typed_field, string_field(body, "response", 0, 64));
    SecretString typed(std::move(typed_field));

    return op.in_write([&](StoreTx& tx) -> Outcome<ApiResponse> {
      cancelled_pushes.clear();  // a retried run starts from nothing (Store::write)
      SLS_TRY_ASSIGN(login, op.load_bound_login(tx, login_id));
      SLS_TRY_ASSIGN(found, tx.get_challenge(challenge_id));
      if (!found || found->login_id != login.id) return refuse(Errc::challenge_not_found);
      ChallengeRecord c = *found;
      SLS_TRY_ASSIGN(user, op.load_user(tx, login.user_id));
      if (c.state == ChallengeState::answered) {
        SLS_TRY(op.audit(tx, "verify", "fail", user.id, user.username, c.device_id, "challenge.used"));
        return refuse(Errc::challenge_used);
      }
      if (login.state != LoginState::second_factor) return refuse(Errc::login_wrong_state);
      if (c.state != ChallengeState::open || op.now >= c.expires_at) return refuse(Errc::challenge_expired);
      SLS_TRY_ASSIGN(dev, tx.get_device(c.device_id));
      if (!dev) return fail(Errc::internal, {"device vanished"});
      DeviceRecord device = *dev;
      if (!device_offered_at_login(device, op.now)) return refuse(Errc::device_expired);
      // A sharing that ended since the challenge opened takes the device away.
      SLS_TRY_ASSIGN(allowed, may_use_device(tx, device, user.id));
      if (!allowed) return refuse(Errc::device_not_found);
      if (!RequestScope::asks_open_question(c, device)) return refuse(Errc::challenge_expired);

      // Format first: a malformed entry is a 400 and costs no attempt.
      SLS_TRY_ASSIGN(entry, normalize_entry(c.method, typed.view()));
      SecretString normalized(std::move(entry));
      if (auto lock = op.lock_refusal(user, &device)) return *lock;
      if (auto match = check_answer(op, c, device, normalized.view()); !match) {
        if (match.is_fault()) return match.error();
        // A wrong answer is counted, and the count commits with the refusal.
        return op.code_failure(tx, user, device, match.error().refusal().error.code, "verify");
      }
      c.state = ChallengeState::answered;
      c.answered_by = AnswerRoute::typed;
      SLS_TRY(tx.update_challenge(c));
      SLS_TRY(op.close_question(device, c));
      SLS_TRY(tx.update_device(device));
      // A shipped replacement's first successful use activates it.
      if (awaiting_first_use(device)) {
        SLS_TRY_ASSIGN(superseded, activate_ordered_device(tx, device, kActorUser, op.now));
        cancelled_pushes = std::move(superseded);
        SLS_TRY(op.audit(tx, "device.activated", "ok", user.id, user.username, device.id, "first use"));
      }
      LoginRecord l = login;
      const bool temp_code = device.kind == DeviceKind::temp_code;
      op.mark_verified(l, &device, device.kind, temp_code ? device.access : Access::full);
      std::string token = op.issue_token(l);
      SLS_TRY(tx.update_login(l));
      SLS_TRY(op.audit(tx, "verify", "ok", user.id, user.username, device.id, to_text(c.method)));
      if (temp_code)
        SLS_TRY(op.audit(tx, "temp_code.used", "ok", user.id, user.username, device.id, to_text(device.access)));
      return ok_json(JsonValue::object().set("completion_token", token));
    });
  }());
  for (const std::string& id : cancelled_pushes) announce(id);
  return resp;
}

}  // namespace sls::server
