// Reading the server's replies for the login flow (challenges, device lists, the class and error of a reply) and
// writing its request bodies.
#include "login_wire.hpp"

#include <algorithm>

#include "sls/response.hpp"

namespace sls::flow {

namespace {

bool all_digits(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Method> parse_method(std::string_view m) noexcept {
  if (m == "code_card") return Method::code_card;
  if (m == "ocra") return Method::ocra;
  if (m == "push") return Method::push;
  if (m == "sms") return Method::sms;
  if (m == "temp_code") return Method::temp_code;
  return std::nullopt;
}

ReplyClass class_of_status(int status) noexcept {
  if (status == 0) return ReplyClass::unreachable;
  if (status >= 200 && status < 300) return ReplyClass::ok;
  if (status >= 500) return ReplyClass::server_fault;
  switch (status) {
    case 401: return ReplyClass::unauthorised;
    case 404: return ReplyClass::gone;
    case 410: return ReplyClass::ended;
    case 423: return ReplyClass::locked;
    case 429: return ReplyClass::retry_later;
    default: return ReplyClass::refused;
  }
}

}  // namespace

bool is_url_safe_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

SecretString json_object_body(std::initializer_list<std::pair<std::string_view, std::string_view>> members) {
  return json_object_body(
      std::span<const std::pair<std::string_view, std::string_view>>(members.begin(), members.size()));
}

SecretString json_object_body(std::span<const std::pair<std::string_view, std::string_view>> members) {
  std::size_t size = 2;
  for (const auto& [k, v] : members) size += json_quoted_size(k) + json_quoted_size(v) + 2;
  std::string out;
  out.reserve(std::max<std::size_t>(size, 64));
  out += '{';
  bool first = true;
  for (const auto& [k, v] : members) {
    if (!first) out += ',';
    first = false;
    json_append_quoted(out, k);
    out += ':';
    json_append_quoted(out, v);
  }
  out += '}';
  return SecretString(std::move(out));
}

std::vector<Device> read_devices(const JsonValue& body) {
  std::vector<Device> devices;
  if (const auto* list = body.find("devices"); list && list->as_array()) {
    for (const auto& d : *list->as_array()) {
      const auto dev_id = d.get_string("device_id");
      if (!dev_id || dev_id->empty()) continue;
      Device dev;
      dev.id = *dev_id;
      if (auto kind = d.get_string("kind")) {
        if (auto k = parse_device_kind(*kind)) dev.kind = *k;
      }
      dev.label = std::string(d.get_string("label").value_or(""));
      devices.push_back(std::move(dev));
    }
  }
  if (auto def = body.get_string("default_device_id")) {
    auto it = std::find_if(devices.begin(), devices.end(), [&](const Device& d) { return d.id == *def; });
    if (it != devices.end()) std::rotate(devices.begin(), it, it + 1);
  }
  return devices;
}

std::string_view method_id(Method m) noexcept {
  switch (m) {
    case Method::code_card: return "code_card";
    case Method::ocra: return "ocra";
    case Method::push: return "push";
    case Method::sms: return "sms";
    case Method::temp_code: return "temp_code";
  }
  return "push";
}

std::optional<Challenge> read_challenge(const JsonValue& v, std::int64_t now_ms) {
  const auto method = v.get_string("method");
  const auto expires_at = v.get_int("expires_at");
  if (!method || !expires_at) return std::nullopt;
  const auto m = parse_method(*method);
  if (!m) return std::nullopt;
  Challenge c;
  c.method = *m;
  c.expires_at_ms = *expires_at * 1000;
  c.opened_at_ms = now_ms;
  if (auto id = v.get_string("challenge_id")) c.challenge_id = *id;
  if (c.method != Method::push && c.challenge_id.empty()) return std::nullopt;
  switch (c.method) {
    case Method::code_card: {
      const auto* indices = v.find("indices");
      const auto* arr = indices ? indices->as_array() : nullptr;
      if (!arr || arr->size() != 2) return std::nullopt;
      const auto a = (*arr)[0].as_int(), b = (*arr)[1].as_int();
      if (!a || !b || *a < 1 || *b < 1) return std::nullopt;
      c.index_a = *a;
      c.index_b = *b;
      if (auto s = v.get_string("card_serial")) c.card_serial = *s;
      c.logins_left = v.get_int("logins_left");
      break;
    }
    case Method::ocra: {
      const auto ch = v.get_string("challenge");
      if (!ch || ch->size() != kChallengeDigits || !all_digits(*ch)) return std::nullopt;
      c.challenge = *ch;
      if (auto q = v.get_string("qr_payload")) c.qr_payload = *q;
      c.pin_on_device = v.get_bool("pin_on_device").value_or(false);
      break;
    }
    case Method::push: {
      const auto tx = v.get_string("tx_id");
      const auto number = v.get_string("number");
      if (!tx || !is_url_safe_id(*tx) || !number || number->size() != 2 || !all_digits(*number)) return std::nullopt;
      c.tx_id = *tx;
      c.number = *number;
      break;
    }
    case Method::sms: {
      if (auto s = v.get_string("sent_to")) c.sent_to = *s;
      c.resend_after_ms = v.get_int("resend_after").value_or(0) * 1000;
      break;
    }
    case Method::temp_code: break;
  }
  return c;
}

bool is_login_gone(Errc code) noexcept {
  return code == Errc::login_expired || code == Errc::login_not_found || code == Errc::login_token_invalid ||
         code == Errc::login_wrong_state;
}

ReplyVerdict classify_reply(const HttpReply& reply) {
  ReplyVerdict v;
  v.kind = class_of_status(reply.status);
  v.status = reply.status;
  v.retry_after_s = reply.retry_after_s;
  v.field = reply.status == 400;
  if (v.kind == ReplyClass::ok) return v;
  // An error body: {"error": {"code", "attempts_left", "retry_after"}}.
  auto parsed = json_parse(reply.body);
  if (!parsed) return v;
  const auto* err = parsed->find("error");
  if (!err) return v;
  if (auto code = err->get_string("code")) {
    if (auto known = errc_from_name(*code); known && *known != Errc::ok) v.code = *known;
  }
  v.attempts_left = err->get_int("attempts_left");
  if (auto ra = err->get_int("retry_after"); ra && !v.retry_after_s) v.retry_after_s = ra;
  return v;
}

}  // namespace sls::flow
