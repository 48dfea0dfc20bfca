// The withdrawal ledger (issue 11): POST /withdrawals through the service,
// without HTTP: credential lookup, idempotency lookup, the account and its
// devices, the 5-day window's ledger summed in the US calendar, the insert,
// the kept answer and the audit row, one commit. Arg 0: the store in memory;
// 1: a file as slsd opens it (WAL, synchronous=FULL: a commit waits for the
// disk). The second argument is how many withdrawals the 5-day window
// already holds.
#include <benchmark/benchmark.h>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): POSIX mkdtemp

#include <filesystem>
#include <memory>
#include <string>

#include "server/clock.hpp"
#include "server/config.hpp"
#include "server/encoding.hpp"
#include "server/enrolment.hpp"
#include "server/keyring.hpp"
#include "server/password.hpp"
#include "server/service.hpp"
#include "server/service_credentials.hpp"
#include "server/sms_gateway.hpp"
#include "server/sqlite_store.hpp"
#include "sls/json.hpp"

namespace {

using namespace sls;
using namespace sls::server;

void BM_RecordWithdrawal(benchmark::State& state) {
  std::string templ = (std::filesystem::temp_directory_path() / "sls-withdrawal-bench-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) return state.SkipWithError("mkdtemp");
  const std::filesystem::path dir = templ;
  {
    auto store = SqliteStore::open(state.range(0) == 1 ? (dir / "slsd.sqlite").string() : ":memory:");
    auto keys = Keyring::load_or_create((dir / "master-key").string(), (dir / "sign-key").string());
    if (!store || !keys) return state.SkipWithError("store or keys");
    SystemClock clock;
    OutboxSmsGateway sms(**store, clock);
    ServiceConfig config;
    config.password = PasswordPolicy::fastest_for_tests();
    auto service = AuthService::create(**store, *keys, clock, sms, config);
    if (!service) return state.SkipWithError("service");
    Enrolment admin(**store, *keys, clock, (*service)->config());
    if (!admin.create_user("bench", "bench password 1") || !admin.enrol_token("bench", DeviceKind::dsc_plus))
      return state.SkipWithError("user");
    auto account = admin.create_account("bench", "bench");
    auto token = create_service_credential(**store, *keys, clock.now(), "bench");
    if (!account || !token) return state.SkipWithError("account or credential");
    // The window's earlier withdrawals, one a minute back from now.
    const std::int64_t now = clock.now();
    if (!(*store)->write([&](StoreTx& tx) -> Status {
          for (std::int64_t i = 0; i < state.range(1); ++i)
            if (auto s = tx.insert_withdrawal(
                    {random_id(), *account, 100, now - 60 * (i + 1), "dsc_plus", "bench", "pre-" + std::to_string(i)});
                !s)
              return s;
          return ok_status();
        }))
      return state.SkipWithError("ledger");
    const RequestContext ctx{"127.0.0.1", Lang::en};
    const std::string authorization = "Bearer " + *token;
    std::int64_t n = 0;
    for (auto _ : state) {
      ApiResponse r = (*service)->record_withdrawal(ctx, authorization,
                                                    JsonValue::object()
                                                        .set("account", *account)
                                                        .set("amount_cents", 100)
                                                        .set("idempotency_key", "k" + std::to_string(++n)));
      if (r.status != 201) return state.SkipWithError("not recorded");
    }
    state.SetLabel(state.range(0) == 1 ? "file, WAL, synchronous=FULL" : "in memory");
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_RecordWithdrawal)
    ->Args({0, 0})
    ->Args({0, 1000})
    ->Args({1, 0})
    ->Args({1, 1000})
    ->ArgNames({"file", "ledger"})
    ->Iterations(200)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
