// JavaScript binding of the security centre of <sls-security> (sls/security_centre.hpp): the class SecurityCentre.
//
// Built like login_flow_js: every method returns {effects, view, error}, the
// same shapes as LoginFlow's (flow_output_js.hpp), so the element runs them
// with the same effect loop and DOM patcher; error is null unless an
// argument was wrong (then nothing was done and error is bad_argument).
#include <emscripten/bind.h>

#include <string>
#include <utility>

#include "flow_output_js.hpp"
#include "js_conversions.hpp"
#include "sls/lang.hpp"
#include "sls/security_centre.hpp"

namespace {

using namespace sls::wasm;

val centre_bad_argument(const sls::SecurityCentre& centre, const char* parameter) {
  val out = val::object();
  out.set("effects", val::array());
  out.set("view", view_to_js(centre.view()));
  out.set("error", error_to_js(bad_argument_error(parameter), centre.lang()));
  return out;
}

val centre_start(sls::SecurityCentre& centre, val config) {
  if (!is_object(config)) return centre_bad_argument(centre, "config");
  sls::SecurityConfig c;
  val lang = property(config, "lang");
  if (!is_absent(lang)) {
    auto tag = string_of(lang);
    if (!tag) return centre_bad_argument(centre, "lang");
    c.lang = sls::lang_from_tag(*tag);
  }
  auto now = int64_of(property(config, "now_ms"));
  if (!now) return centre_bad_argument(centre, "now_ms");
  c.now_ms = *now;
  val prefix = property(config, "id_prefix");
  if (!is_absent(prefix)) {
    auto text = string_of(prefix);
    if (!text) return centre_bad_argument(centre, "id_prefix");
    c.id_prefix = std::move(*text);
  }
  return login_output_to_js(centre.start(std::move(c)));
}

val centre_on_event(sls::SecurityCentre& centre, val event) {
  if (!is_object(event)) return centre_bad_argument(centre, "event");
  sls::UserEvent e;
  auto action = string_of(property(event, "action"));
  if (!action) return centre_bad_argument(centre, "action");
  e.action = std::move(*action);
  val value = property(event, "value");
  if (!is_absent(value)) {
    auto text = string_of(value);
    if (!text) return centre_bad_argument(centre, "value");
    e.value = std::move(*text);
  }
  auto now = int64_of(property(event, "now_ms"));
  if (!now) return centre_bad_argument(centre, "now_ms");
  e.now_ms = *now;
  return login_output_to_js(centre.on_event(std::move(e)));
}

val centre_on_reply(sls::SecurityCentre& centre, val reply) {
  if (!is_object(reply)) return centre_bad_argument(centre, "reply");
  sls::HttpReply r;
  auto id = uint64_of(property(reply, "request_id"));
  if (!id) return centre_bad_argument(centre, "request_id");
  r.request_id = *id;
  auto status = int64_of(property(reply, "status"));
  if (!status || *status < 0 || *status > 999) return centre_bad_argument(centre, "status");
  r.status = static_cast<int>(*status);
  val retry_after = property(reply, "retry_after_s");
  if (!is_absent(retry_after)) {
    r.retry_after_s = int64_of(retry_after);
    if (!r.retry_after_s) return centre_bad_argument(centre, "retry_after_s");
  }
  val body = property(reply, "body");
  if (!is_absent(body)) {
    auto text = owned_text_of(body);
    if (!text) return centre_bad_argument(centre, "body");
    r.body = std::move(*text);
  }
  auto now = int64_of(property(reply, "now_ms"));
  if (!now) return centre_bad_argument(centre, "now_ms");
  r.now_ms = *now;
  return login_output_to_js(centre.on_reply(std::move(r)));
}

val centre_set_lang(sls::SecurityCentre& centre, val lang, val now_ms) {
  auto tag = string_of(lang);
  if (!tag) return centre_bad_argument(centre, "lang");
  auto now = int64_of(now_ms);
  if (!now) return centre_bad_argument(centre, "now_ms");
  return login_output_to_js(centre.set_lang(sls::lang_from_tag(*tag), *now));
}

val centre_screen(const sls::SecurityCentre& centre) { return js_text(sls::security_screen_id(centre.screen())); }
val centre_busy(const sls::SecurityCentre& centre) { return val(centre.busy()); }
val centre_lang(const sls::SecurityCentre& centre) { return js_text(sls::lang_tag(centre.lang())); }
val centre_view(const sls::SecurityCentre& centre) { return view_to_js(centre.view()); }

}  // namespace

EMSCRIPTEN_BINDINGS(sls_security_centre) {
  // Instances hold Wasm memory: call delete() when done (the element does
  // so in disconnectedCallback).
  emscripten::class_<sls::SecurityCentre>("SecurityCentre")
      .constructor<>()
      .function("start", &centre_start)
      .function("on_event", &centre_on_event)
      .function("on_reply", &centre_on_reply)
      .function("set_lang", &centre_set_lang)
      .function("screen", &centre_screen)
      .function("busy", &centre_busy)
      .function("lang", &centre_lang)
      .function("view", &centre_view);
}
