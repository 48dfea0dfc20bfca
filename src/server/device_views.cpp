// The DEVICE and EVENT shapes (device_views.hpp).
#include "server/device_views.hpp"

#include <string>

namespace sls::server {
namespace {

constexpr std::string_view kEndingEvents[] = {"lost", "removed", "replaced", "revoked", "expired"};

/// `event` as one of kEndingEvents (a view that outlives the record), or
/// empty when it is none of them.
std::string_view ending_event(std::string_view event) noexcept {
  for (std::string_view e : kEndingEvents)
    if (e == event) return e;
  return {};
}

}  // namespace

bool device_returnable(DeviceKind kind) noexcept {
  return kind == DeviceKind::dsc || kind == DeviceKind::dsc_plus || kind == DeviceKind::platinum_gold;
}

std::optional<DeviceEnd> device_end(const DeviceRecord& d, std::span<const DeviceEventRecord> history,
                                    std::int64_t now) {
  const DeviceEventRecord* newest = nullptr;
  for (const DeviceEventRecord& e : history)
    if (e.device_id == d.id && !ending_event(e.event).empty() && (newest == nullptr || e.id > newest->id)) newest = &e;
  if (d.status == DeviceStatus::revoked) {
    if (newest != nullptr) return DeviceEnd{ending_event(newest->event), newest->at};
    return DeviceEnd{"revoked", d.activated_at != 0 ? d.activated_at : d.created_at};
  }
  if (d.expires_at != 0 && now >= d.expires_at) return DeviceEnd{"expired", d.expires_at};
  return std::nullopt;
}

JsonValue device_view_json(const DeviceRecord& d, std::span<const DeviceEventRecord> history, std::int64_t now) {
  JsonValue v = JsonValue::object();
  v.set("id", d.id).set("kind", device_kind_id(d.kind)).set("label", d.label).set("serial", d.serial);
  v.set("status", to_text(d.status));
  v.set("since", d.activated_at != 0 ? d.activated_at : d.created_at);
  if (d.expires_at != 0)
    v.set("expires_at", d.expires_at);
  else
    v.set("expires_at", nullptr);
  if (auto end = device_end(d, history, now))
    v.set("ended", JsonValue::object().set("event", end->event).set("at", end->at));
  else
    v.set("ended", nullptr);
  v.set("returnable", device_returnable(d.kind));
  if (d.replaces.empty())
    v.set("replaces", nullptr);
  else
    v.set("replaces", d.replaces);
  if (d.kind == DeviceKind::temp_code)
    v.set("access", to_text(d.access));
  else
    v.set("access", nullptr);
  return v;
}

JsonValue device_event_json(const DeviceEventRecord& e) {
  JsonValue v = JsonValue::object();
  v.set("device_id", e.device_id).set("kind", device_kind_id(e.kind)).set("serial", e.serial);
  v.set("event", e.event).set("actor", e.actor).set("detail", e.detail).set("at", e.at);
  return v;
}

}  // namespace sls::server
