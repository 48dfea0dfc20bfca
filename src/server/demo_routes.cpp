// The demo's routes of the service: the SMS outbox the demo pages show instead of a phone.
#include "server/request_scope.hpp"

namespace sls::server {

ApiResponse AuthService::demo_outbox(const RequestContext& ctx) {
  RequestScope op{*this, ctx, clock_.now()};
  JsonValue list = JsonValue::array();
  Status st = store_.read([&](StoreTx& tx) -> Status {
    SLS_TRY_ASSIGN(messages, tx.list_outbox(20));
    for (const auto& m : messages)
      list.push_back(JsonValue::object().set("at", m.at).set("to", m.phone).set("text", m.text));
    return ok_status();
  });
  if (!st) return op.respond(st.error());
  return ok_json(JsonValue::object().set("messages", std::move(list)));
}

}  // namespace sls::server
