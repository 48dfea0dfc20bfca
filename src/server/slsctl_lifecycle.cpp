// slsctl's device lifecycle commands: sharing review, replacement orders and
// their deposits, returned and revoked devices, phones on record, the
// device history (docs/server.md).
#include <cstdio>
#include <string>

#include "server/enrolment.hpp"
#include "server/slsctl_commands.hpp"
#include "server/user_name.hpp"

namespace sls::server::slsctl {
namespace {

void print_order(const OrderSummary& s) {
  const DeviceOrderRecord& o = s.order;
  std::printf("%s  %-9s %s %s %s ordered %s ships ~%s deposit %lld cents on %s: %s%s%s\n", o.id.c_str(),
              o.status.c_str(), escape_for_terminal(s.username).c_str(), std::string(device_kind_id(o.kind)).c_str(),
              s.serial.c_str(), format_time(o.created_at).c_str(), o.estimated_ship_date.c_str(),
              static_cast<long long>(o.deposit_cents), escape_for_terminal(s.account_name).c_str(),
              o.deposit_status.c_str(), o.deposit_reason.empty() ? "" : " ", o.deposit_reason.c_str());
}

}  // namespace

std::optional<int> run_lifecycle_command(Enrolment& admin, const std::vector<std::string>& pos, std::size_t limit,
                                         bool pending_only, const std::string& reason) {
  auto arg = [&](std::size_t i) -> std::string { return i < pos.size() ? pos[i] : std::string(); };
  const std::string& cmd = pos[0];
  if (cmd == "sharing") {
    if (arg(1) == "list") {
      auto list = admin.sharings(pending_only, limit);
      if (!list) return fail_with(list.error());
      for (const SharingSummary& r : *list)
        std::printf("%s  %-8s %s wants %s's %s %s (%s) since %s\n", r.sharing.id.c_str(),
                    std::string(to_text(r.sharing.status)).c_str(), escape_for_terminal(r.requester).c_str(),
                    escape_for_terminal(r.owner).c_str(), std::string(device_kind_id(r.kind)).c_str(), r.serial.c_str(),
                    r.sharing.relation.c_str(), format_time(r.sharing.created_at).c_str());
      return 0;
    }
    if ((arg(1) == "approve" || arg(1) == "reject") && !arg(2).empty()) {
      auto r = admin.decide_sharing(arg(2), arg(1) == "approve");
      if (!r) return fail_with(r.error());
      std::printf("sharing %s %s: %s may %s use %s's %s\n", r->sharing.id.c_str(),
                  std::string(to_text(r->sharing.status)).c_str(), escape_for_terminal(r->requester).c_str(),
                  arg(1) == "approve" ? "now" : "not", escape_for_terminal(r->owner).c_str(),
                  std::string(device_kind_id(r->kind)).c_str());
      return 0;
    }
    return usage_error("sharing list [--pending] | sharing approve ID | sharing reject ID");
  }
  if (cmd == "order") {
    if (arg(1) == "list") {
      auto list = admin.orders(limit);
      if (!list) return fail_with(list.error());
      for (const OrderSummary& s : *list) print_order(s);
      return 0;
    }
    if (arg(1) == "ship" && !arg(2).empty()) {
      auto shipped = admin.ship_order(arg(2));
      if (!shipped) return fail_with(shipped.error());
      print_order(shipped->summary);
      std::printf("device %s serial %s suite %s key %s activates by %s\n", shipped->token.device_id.c_str(),
                  shipped->token.serial.c_str(), shipped->token.ocra_suite.c_str(), shipped->token.key_hex.c_str(),
                  format_time(shipped->summary.order.auto_activate_at).c_str());
      return 0;
    }
    return usage_error("order list | order ship ORDER_ID");
  }
  if (cmd == "device-returned") {
    if (arg(1).empty() || arg(2).empty()) return usage_error("device-returned NAME DEVICE_ID");
    auto n = admin.device_returned(arg(1), arg(2));
    if (!n) return fail_with(n.error());
    std::printf("device %s of %s returned; %lld deposit%s released\n", arg(2).c_str(), arg(1).c_str(),
                static_cast<long long>(*n), *n == 1 ? "" : "s");
    return 0;
  }
  if (cmd == "deposit") {
    if (arg(1) != "keep" || arg(2).empty() || reason.empty())
      return usage_error("deposit keep ORDER_ID --reason damaged|not_returned");
    auto kept = admin.keep_deposit(arg(2), reason);
    if (!kept) return fail_with(kept.error());
    print_order(*kept);
    return 0;
  }
  if (cmd == "revoke-device") {
    if (arg(1).empty() || arg(2).empty()) return usage_error("revoke-device NAME DEVICE_ID");
    auto n = admin.revoke_device(arg(1), arg(2));
    if (!n) return fail_with(n.error());
    std::printf("device %s of %s revoked; %lld sharing%s ended\n", arg(2).c_str(), arg(1).c_str(),
                static_cast<long long>(*n), *n == 1 ? "" : "s");
    return 0;
  }
  if (cmd == "phone") {
    if (arg(1) == "add" && !arg(2).empty() && !arg(3).empty()) {
      auto id = admin.add_phone(arg(2), arg(3));
      if (!id) return fail_with(id.error());
      std::printf("phone_id %s\n", id->c_str());
      return 0;
    }
    if (arg(1) == "list" && !arg(2).empty()) {
      auto list = admin.phones(arg(2));
      if (!list) return fail_with(list.error());
      for (const PhoneOnRecord& p : *list)
        std::printf("%s %s%s%s\n", p.id.c_str(), p.phone.c_str(), p.is_default ? " default" : "",
                    p.from_device ? " (SMS device)" : "");
      return 0;
    }
    if (arg(1) == "remove" && !arg(2).empty() && !arg(3).empty()) {
      if (auto st = admin.remove_phone(arg(2), arg(3)); !st) return fail_with(st.error());
      return 0;
    }
    return usage_error("phone add NAME +NNN... | phone list NAME | phone remove NAME PHONE_ID");
  }
  if (cmd == "history") {
    if (arg(1).empty()) return usage_error("history NAME [--limit N]");
    auto rows = admin.device_events(arg(1), limit);
    if (!rows) return fail_with(rows.error());
    for (const auto& e : *rows)
      std::printf("%s %-9s %-13s %s serial=%s by %s %s\n", format_time(e.at).c_str(), e.event.c_str(),
                  std::string(device_kind_id(e.kind)).c_str(), e.device_id.c_str(),
                  escape_for_terminal(e.serial).c_str(), e.actor.c_str(), escape_for_terminal(e.detail).c_str());
    return 0;
  }
  return std::nullopt;
}

}  // namespace sls::server::slsctl
