// The device history's one writer (device_history.hpp).
#include "server/device_history.hpp"

#include <string>

namespace sls::server {

Status record_device_event(StoreTx& tx, const DeviceRecord& device, std::string_view event, std::string_view actor,
                           std::string_view detail, std::int64_t now) {
  if (!is_device_event(event)) return fail(Errc::internal, {"device event", std::string(event)});
  DeviceEventRecord e;
  e.user_id = device.user_id;
  e.device_id = device.id;
  e.kind = device.kind;
  e.serial = device.serial;
  e.event = std::string(event);
  e.actor = std::string(actor);
  e.detail = std::string(detail);
  e.at = now;
  return tx.append_device_event(e);
}

}  // namespace sls::server
