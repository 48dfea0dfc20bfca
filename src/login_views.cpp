// The views of the login flow: the view tree of each screen and the live region, built from a LoginState read
// only, in its language.
#include "login_views.hpp"

#include <optional>
#include <string>
#include <utility>

#include "sls/code_card.hpp"
#include "sls/entry.hpp"
#include "sls/qr_svg.hpp"
#include "sls/response.hpp"

namespace sls::flow {

namespace {

/// maxlength of code fields: room for separators and spaces around a pasted
/// code, so that paste is never cut short, while bounding what is stored.
constexpr std::string_view kCodeMaxLength = "24";

void wipe_entry(EntryState& e) noexcept {
  wipe(e.normalized);
  wipe(e.display);
}

/// Renders one state; the members build the parts the screens share.
struct View {
  const LoginState& s;

  std::string id(std::string_view suffix) const { return s.id(suffix); }
  std::string t(UiText text) const { return std::string(ui_text(text, s.lang)); }
  std::string f(UiText text, std::initializer_list<std::string_view> args) const {
    return ui_format(text, s.lang, args);
  }
  const Device* current_device() const { return s.current_device(); }

  std::string announcement_text() const {
    if (!s.announcement) return {};
    if (*s.announcement == UiText::time_left) return f(UiText::time_left, {duration_words(s.announced_ms, s.lang)});
    return t(*s.announcement);
  }

  std::string error_text(const ShownError& e) const {
    std::string out;
    // English separates sentences with a space; Chinese does not.
    const bool spaced = s.lang == Lang::en;
    auto append = [&out, spaced](std::string_view sentence) {
      if (sentence.empty()) return;
      if (!out.empty() && spaced) out += ' ';
      out += sentence;
    };
    if (e.error) append(localize(*e.error, s.lang));
    if (e.text) append(t(*e.text));
    if (e.attempts_left) {
      append(*e.attempts_left == 1 ? t(UiText::attempts_left_one)
                                   : f(UiText::attempts_left, {std::to_string(*e.attempts_left)}));
    }
    if (e.retry_after_s) append(f(UiText::try_again_in, {duration_words(*e.retry_after_s * 1000, s.lang)}));
    return out;
  }

  Node title(UiText text) const {
    return element("h2").attr("id", id("title")).attr("tabindex", "-1").attr("part", "title").add_text(t(text));
  }
  /// The error line (focus moves there on an error), holding `text` if any.
  Node error_line(std::optional<std::string> text) const {
    Node p = element("p").attr("id", id("error")).attr("part", "error").attr("tabindex", "-1");
    if (text) p.add_text(std::move(*text));
    return p;
  }
  /// The error line of the state's error.
  Node error_node() const { return error_line(s.error ? std::optional(error_text(*s.error)) : std::nullopt); }
  Node button(UiText label, std::string_view action, std::string_view part, std::string_view id_suffix = {}) const {
    Node b = element("button").attr("type", "button");
    if (!id_suffix.empty()) b.attr("id", id(id_suffix));
    b.attr("part", part).on("click", action).add_text(t(label));
    return b;
  }
  Node submit_button(UiText label) const {
    Node b = element("button").attr("type", "submit").attr("part", "button primary");
    if (s.busy) b.attr("aria-disabled", "true");
    b.add_text(t(s.busy ? UiText::checking : label));
    return b;
  }
  /// The actions of a second-factor step, after `first` (if any): another
  /// device (when there is one) and cancel.
  Node second_factor_actions(std::optional<Node> first = std::nullopt) const {
    Node actions = element("div").attr("part", "actions");
    if (first) actions.add(std::move(*first));
    if (s.devices.size() > 1)
      actions.add(button(UiText::other_device_button, login_action::use_other_device, "button secondary"));
    actions.add(button(UiText::cancel_button, login_action::cancel, "button secondary"));
    return actions;
  }
  std::string device_name(const Device& d) const {
    if (!d.kind) return d.label;
    switch (*d.kind) {
      case DeviceKind::none: return t(UiText::kind_none);
      case DeviceKind::sms: return t(UiText::kind_sms);
      case DeviceKind::mobile_key: return t(UiText::kind_mobile_key);
      case DeviceKind::code_card: return t(UiText::kind_code_card);
      case DeviceKind::online_card: return t(UiText::kind_online_card);
      case DeviceKind::dsc: return t(UiText::kind_dsc);
      case DeviceKind::dsc_plus: return t(UiText::kind_dsc_plus);
      case DeviceKind::platinum_gold: return t(UiText::kind_platinum_gold);
      case DeviceKind::temp_code: return t(UiText::kind_temp_code);
    }
    return d.label;
  }

  Node render() const;
  Node render_credentials() const;
  Node render_device_choice() const;
  Node render_loading() const;
  Node render_code_screen() const;
  Node render_push() const;
  Node render_outcome() const;
  Node render_authenticated() const;
};

Node View::render() const {
  Node root = element("div")
                  .attr("class", "sls-login")
                  .attr("lang", std::string(lang_tag(s.lang)))
                  .attr("part", "root")
                  .attr("data-screen", login_screen_id(s.screen));
  if (s.busy) root.attr("aria-busy", "true");
  Node body;
  switch (s.screen) {
    case LoginScreen::credentials: body = render_credentials(); break;
    case LoginScreen::device_choice: body = render_device_choice(); break;
    case LoginScreen::loading: body = render_loading(); break;
    case LoginScreen::code_card:
    case LoginScreen::challenge_response:
    case LoginScreen::sms:
    case LoginScreen::temp_code: body = render_code_screen(); break;
    case LoginScreen::push: body = render_push(); break;
    case LoginScreen::authenticated: body = render_authenticated(); break;
    case LoginScreen::failed:
    case LoginScreen::locked:
    case LoginScreen::expired:
    case LoginScreen::network_error: body = render_outcome(); break;
  }
  root.add(std::move(body.with_key(login_screen_id(s.screen))));
  // The live region exists from the first render on, so that screen readers
  // pick up every later change to its text.
  Node status =
      element("p").attr("id", id("status")).attr("role", "status").attr("aria-live", "polite").attr("part", "status");
  if (s.announcement) status.add_text(announcement_text());
  root.add(std::move(status.with_key("status")));
  return root;
}

Node View::render_credentials() const {
  const bool has_error = s.error.has_value();
  const bool missing_user = has_error && s.error->text == UiText::username_required;
  const bool credential_error = has_error && s.error->field && !missing_user;

  Node user = element("input")
                  .attr("id", id("username"))
                  .attr("name", "username")
                  .attr("type", "text")
                  .attr("autocomplete", "username")
                  .attr("autocapitalize", "none")
                  .attr("spellcheck", "false")
                  .attr("maxlength", "64")
                  .attr("part", "field")
                  .attr("value", s.username)
                  .on("input", login_action::input_username);
  if (missing_user) user.attr("aria-invalid", "true").attr("aria-describedby", id("error"));

  Node pass = element("input")
                  .attr("id", id("password"))
                  .attr("name", "password")
                  .attr("type", "password")
                  .attr("autocomplete", "current-password")
                  .attr("maxlength", "256")
                  .attr("part", "field")
                  .on("input", login_action::input_password);
  if (credential_error) pass.attr("aria-invalid", "true");
  if (has_error && !missing_user) pass.attr("aria-describedby", id("error"));

  Node form = element("form")
                  .attr("id", id("form"))
                  .attr("part", "form")
                  .attr("novalidate", "")
                  .on("submit", login_action::submit);
  if (s.busy) form.attr("aria-busy", "true");
  form.add(
      element("div")
          .attr("part", "field-row")
          .add(element("label").attr("for", id("username")).attr("part", "label").add_text(t(UiText::username_label)))
          .add(std::move(user)));
  form.add(
      element("div")
          .attr("part", "field-row")
          .add(element("label").attr("for", id("password")).attr("part", "label").add_text(t(UiText::password_label)))
          .add(std::move(pass.with_key("password-" + std::to_string(s.generation)))));
  if (has_error) form.add(error_node().with_key("error"));
  form.add(submit_button(UiText::login_button));

  return std::move(element("section").attr("part", "screen").add(title(UiText::login_title)).add(std::move(form)));
}

Node View::render_device_choice() const {
  Node list = element("ul").attr("part", "device-list");
  for (std::size_t i = 0; i < s.devices.size(); ++i) {
    const Device& d = s.devices[i];
    const std::string kind_name = device_name(d);
    Node b = element("button")
                 .attr("type", "button")
                 .attr("id", id("device-" + std::to_string(i)))
                 .attr("part", "button device")
                 .attr("value", d.id)
                 .on("click", login_action::choose_device);
    b.add(element("span").attr("part", "device-label").add_text(d.label.empty() ? kind_name : d.label));
    if (!d.label.empty() && d.label != kind_name)
      b.add(element("span").attr("part", "device-kind").add_text(kind_name));
    list.add(element("li").with_key(d.id).add(std::move(b)));
  }
  Node section = element("section").attr("part", "screen");
  section.add(title(UiText::choose_title));
  section.add(element("p").attr("part", "intro").add_text(t(UiText::choose_intro)));
  section.add(std::move(list));
  if (s.error) section.add(error_node());
  Node cancel = button(UiText::cancel_button, login_action::cancel, "button secondary");
  section.add(element("div").attr("part", "actions").add(std::move(cancel)));
  return section;
}

Node View::render_loading() const {
  Node section = element("section").attr("part", "screen");
  // A step-up says what is going on: a change is being confirmed, not a login.
  section.add(title(s.step_up ? UiText::step_up_title : UiText::login_title));
  if (s.step_up) section.add(element("p").attr("part", "intro").add_text(t(UiText::step_up_intro)));
  section.add(element("p").attr("part", "progress").add_text(t(UiText::please_wait)));
  return section;
}

Node View::render_code_screen() const {
  const Challenge& c = *s.challenge;
  const Device* dev = current_device();
  Node section = element("section").attr("part", "screen");

  // Live check of what is typed so far.
  EntryState entry;
  UiText label = UiText::sms_field_label, hint = UiText::sms_hint;
  bool digits_only = true;
  switch (s.screen) {
    case LoginScreen::code_card:
      entry = inspect_card_entry(s.code.view());
      label = UiText::card_field_label;
      hint = UiText::card_hint;
      digits_only = false;
      break;
    case LoginScreen::challenge_response:
      entry = inspect_response(s.code.view());
      label = UiText::response_label;
      hint = UiText::response_hint;
      break;
    case LoginScreen::sms: entry = inspect_code(s.code.view(), kSmsCodeFormat); break;
    default:
      entry = inspect_code(s.code.view(), kTempCodeFormat);
      label = UiText::temp_field_label;
      hint = UiText::temp_hint;
      digits_only = false;
      break;
  }
  std::optional<Error> live_error;
  if (entry.error != Errc::ok) live_error = fail(entry.error);

  // Title and instructions.
  switch (s.screen) {
    case LoginScreen::code_card: {
      section.add(title(UiText::card_title));
      section.add(element("p").attr("part", "intro").add_text(t(UiText::card_intro)));
      const std::string a = std::to_string(c.index_a), b = std::to_string(c.index_b);
      section.add(element("ol")
                      .attr("part", "indices")
                      .add(element("li").attr("part", "index").add_text(f(UiText::card_index, {a})))
                      .add(element("li").attr("part", "index").add_text(f(UiText::card_index, {b}))));
      if (!c.card_serial.empty())
        section.add(element("p").attr("part", "note").add_text(f(UiText::card_serial, {c.card_serial})));
      if (c.logins_left)
        section.add(
            element("p").attr("part", "note").add_text(f(UiText::card_logins_left, {std::to_string(*c.logins_left)})));
      break;
    }
    case LoginScreen::challenge_response: {
      const bool mobile_key = dev && dev->kind == DeviceKind::mobile_key;
      section.add(title(mobile_key ? UiText::ocra_title_mobile_key : UiText::ocra_title_device));
      Node panel = element("div").attr("part", "challenge-panel");
      if (!c.qr_payload.empty()) {
        if (auto qr = qr_node(c.qr_payload); qr) {
          qr->attr("role", "img").attr("aria-label", t(UiText::qr_alt)).attr("part", "qr-code");
          panel.add(element("figure")
                        .attr("part", "qr")
                        .add(std::move(*qr))
                        .add(element("figcaption").attr("part", "qr-caption").add_text(t(UiText::qr_caption))));
        }
      }
      const std::string grouped = format_challenge(c.challenge);
      // Read digit by digit by screen readers ("0 4 2 9 1 7"), shown grouped.
      panel.add(
          element("dl")
              .attr("part", "challenge-box")
              .add(element("dt").attr("part", "label").add_text(t(UiText::challenge_label)))
              .add(
                  element("dd")
                      .attr("part", "challenge")
                      .add(element("span").attr("aria-hidden", "true").add_text(grouped))
                      .add(element("span").attr("class", "sls-visually-hidden").add_text(group_code(c.challenge, 1)))));
      section.add(std::move(panel));
      Node steps = element("ol").attr("part", "steps");
      if (mobile_key) {
        steps.add(element("li").add_text(t(UiText::ocra_step_unlock)));
        if (!c.qr_payload.empty()) steps.add(element("li").add_text(t(UiText::ocra_step_scan)));
        steps.add(element("li").add_text(t(UiText::ocra_step_type_mobile_key)));
      } else {
        const std::string name = dev ? device_name(*dev) : t(UiText::kind_dsc);
        const bool pin = c.pin_on_device || (dev && dev->kind == DeviceKind::dsc_plus);
        const UiText switch_on = pin ? UiText::ocra_step_switch_on_pin : UiText::ocra_step_switch_on;
        steps.add(element("li").add_text(f(switch_on, {name})));
        steps.add(element("li").add_text(t(UiText::ocra_step_type_device)));
      }
      section.add(std::move(steps));
      break;
    }
    case LoginScreen::sms:
      section.add(title(UiText::sms_title));
      section.add(
          element("p")
              .attr("part", "intro")
              .add_text(f(UiText::sms_intro, {c.sent_to, duration_words(c.expires_at_ms - c.opened_at_ms, s.lang)})));
      break;
    default:
      section.add(title(UiText::temp_title));
      section.add(element("p").attr("part", "intro").add_text(t(UiText::temp_intro)));
      break;
  }

  // The form.
  const std::string field_id = id("code");
  std::string described = id("code-hint");
  if (!entry.display.empty()) described += " " + id("code-preview");
  const bool show_error = live_error.has_value() || s.error.has_value();
  if (show_error) described += " " + id("error");

  Node input = element("input")
                   .attr("id", field_id)
                   .attr("name", "code")
                   .attr("type", "text")
                   .attr("autocomplete", "one-time-code")
                   .attr("spellcheck", "false")
                   .attr("maxlength", kCodeMaxLength)
                   .attr("part", digits_only ? "field code numeric" : "field code");
  if (digits_only)
    input.attr("inputmode", "numeric");
  else
    input.attr("autocapitalize", "characters");
  input.attr("aria-describedby", described);
  if (live_error || (s.error && s.error->field)) input.attr("aria-invalid", "true");
  input.on("input", login_action::input_code);

  const std::string label_text =
      s.screen == LoginScreen::code_card ? f(label, {std::to_string(c.index_a), std::to_string(c.index_b)}) : t(label);
  Node form = element("form")
                  .attr("id", id("form"))
                  .attr("part", "form")
                  .attr("novalidate", "")
                  .on("submit", login_action::submit);
  if (s.busy) form.attr("aria-busy", "true");
  Node row = element("div").attr("part", "field-row");
  row.add(element("label").attr("for", field_id).attr("part", "label").add_text(label_text));
  row.add(std::move(input.with_key("code-" + std::to_string(s.generation))));
  row.add(element("p").attr("id", id("code-hint")).attr("part", "hint").add_text(t(hint)));
  if (!entry.display.empty())
    row.add(element("p")
                .attr("id", id("code-preview"))
                .attr("part", "preview")
                .add_text(f(UiText::you_typed, {entry.display})));
  form.add(std::move(row));
  if (live_error) {
    form.add(error_line(localize(*live_error, s.lang)).with_key("error"));
  } else if (s.error) {
    form.add(error_node().with_key("error"));
  }
  form.add(submit_button(UiText::continue_button));
  section.add(std::move(form));
  wipe_entry(entry);

  if (s.screen == LoginScreen::sms) {
    const std::int64_t wait = c.resend_after_ms - s.now;
    Node resend = element("div").attr("part", "resend");
    Node b = element("button").attr("type", "button").attr("id", id("resend")).attr("part", "button secondary");
    if (wait > 0) b.attr("disabled", "").attr("aria-describedby", id("countdown"));
    b.on("click", login_action::resend).add_text(t(UiText::resend_button));
    resend.add(std::move(b));
    if (wait > 0)
      resend.add(element("p")
                     .attr("id", id("countdown"))
                     .attr("part", "countdown")
                     .add_text(f(UiText::resend_wait, {countdown_clock(wait)})));
    section.add(std::move(resend));
  }
  section.add(second_factor_actions());
  return section;
}

Node View::render_push() const {
  const Challenge& c = *s.challenge;
  Node section = element("section").attr("part", "screen");
  section.add(title(UiText::push_title));
  section.add(element("p").attr("part", "intro").add_text(t(UiText::push_intro)));
  section.add(element("dl")
                  .attr("part", "number-box")
                  .add(element("dt").attr("part", "label").add_text(t(UiText::push_number_label)))
                  .add(element("dd").attr("part", "number").add_text(c.number)));
  section.add(element("p")
                  .attr("part", "time-limit")
                  .add_text(f(UiText::push_time_limit, {duration_words(c.expires_at_ms - c.opened_at_ms, s.lang)})));
  section.add(element("p")
                  .attr("id", id("countdown"))
                  .attr("part", "countdown")
                  .add_text(f(UiText::time_left, {countdown_clock(c.expires_at_ms - s.now)})));
  section.add(element("p").attr("part", "note").add_text(t(UiText::push_not_me)));
  Node no_notification = button(UiText::no_notification_button, login_action::no_notification, "button link");
  section.add(second_factor_actions(std::move(no_notification)));
  return section;
}

Node View::render_outcome() const {
  // A step-up that did not go through is a change not confirmed, not a login.
  UiText heading = s.step_up ? UiText::step_up_failed_title : UiText::failed_title;
  switch (s.screen) {
    case LoginScreen::locked: heading = UiText::locked_title; break;
    case LoginScreen::expired: heading = s.step_up ? UiText::step_up_failed_title : UiText::expired_title; break;
    case LoginScreen::network_error: heading = UiText::network_title; break;
    default: break;
  }
  Node section = element("section").attr("part", "screen");
  section.add(title(heading));
  section.add(error_node());
  if (s.retry == RetryKind::restart) {
    section.add(element("div")
                    .attr("part", "actions")
                    .add(button(UiText::restart_button, login_action::restart, "button primary", "retry")));
  } else {
    section.add(second_factor_actions(button(UiText::retry_button, login_action::retry, "button primary", "retry")));
  }
  return section;
}

Node View::render_authenticated() const {
  Node section = element("section").attr("part", "screen");
  if (s.step_up) {
    section.add(title(UiText::step_up_done_title));
    section.add(element("p").attr("part", "intro").add_text(t(UiText::step_up_done_body)));
    return section;
  }
  section.add(title(UiText::authenticated_title));
  section.add(element("p").attr("part", "intro").add_text(f(UiText::authenticated_body, {s.session_username})));
  return section;
}

}  // namespace

Node render_view(const LoginState& s) { return View{s}.render(); }

std::string announcement_text(const LoginState& s) { return View{s}.announcement_text(); }

std::string error_text(const LoginState& s, const ShownError& e) { return View{s}.error_text(e); }

}  // namespace sls::flow
