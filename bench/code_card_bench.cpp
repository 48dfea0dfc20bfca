// Code card cost per login (SPEC 3.1): normalising what the user typed, and
// the server's full check of an entry against the card.
#include <benchmark/benchmark.h>

#include <string>

#include "sls/code_card.hpp"

namespace {

// What a user of a Chinese IME may send: full-width letters in both cases, a
// look-alike, an ideographic space and a full-width hyphen.
constexpr const char* kMessyEntry = "\uff41\uff13\uff24\u3000\uff0d\uff4f\uff2b\uff50";  // "A3D 0KP"

void BM_ParseCardEntryPlain(benchmark::State& state) {
  for (auto _ : state) {
    auto entry = sls::parse_card_entry("A3D7KP");
    benchmark::DoNotOptimize(entry);
  }
}

void BM_ParseCardEntryFullWidth(benchmark::State& state) {
  for (auto _ : state) {
    auto entry = sls::parse_card_entry(kMessyEntry);
    benchmark::DoNotOptimize(entry);
  }
}

void BM_VerifyCardEntry(benchmark::State& state) {
  auto card = sls::CodeCard::generate("bench", 100);
  if (!card) {
    state.SkipWithError("card generation failed");
    return;
  }
  const sls::CardChallenge challenge{100, 7};
  std::string typed = std::string(*card->code(100)) + " " + std::string(*card->code(7));
  for (auto _ : state) {
    auto status = sls::verify_card_entry(*card, challenge, typed);
    benchmark::DoNotOptimize(status);
  }
}

void BM_GenerateCard(benchmark::State& state) {
  const auto cells = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    auto card = sls::CodeCard::generate("bench", cells);
    benchmark::DoNotOptimize(card);
  }
}

}  // namespace

BENCHMARK(BM_ParseCardEntryPlain);
BENCHMARK(BM_ParseCardEntryFullWidth);
BENCHMARK(BM_VerifyCardEntry);
BENCHMARK(BM_GenerateCard)->Arg(100)->Arg(1000);
