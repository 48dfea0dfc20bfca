// OCRA cost per login: computing a response under each device's default
// suite (SPEC 3.2), and the server's full check of a typed response.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "sls/ocra.hpp"
#include "sls/response.hpp"

namespace {

const std::vector<std::uint8_t> kKey(32, 0x5A);

void compute(benchmark::State& state, const char* suite_text) {
  auto suite = sls::OcraSuite::parse(suite_text);
  if (!suite) {
    state.SkipWithError("suite did not parse");
    return;
  }
  std::string challenge = sls::generate_challenge();
  sls::OcraInput in;
  in.question = challenge;
  in.pin = "2580";
  for (auto _ : state) {
    auto response = sls::ocra_compute(*suite, kKey, in);
    benchmark::DoNotOptimize(response);
  }
}

void BM_OcraComputeSha256Pin(benchmark::State& state) { compute(state, "OCRA-1:HOTP-SHA256-7:QN06-PSHA256"); }
void BM_OcraComputeSha256(benchmark::State& state) { compute(state, "OCRA-1:HOTP-SHA256-7:QN06"); }
void BM_OcraComputeSha512(benchmark::State& state) { compute(state, "OCRA-1:HOTP-SHA512-7:QN06"); }

void BM_OcraSuiteParse(benchmark::State& state) {
  for (auto _ : state) {
    auto suite = sls::OcraSuite::parse("OCRA-1:HOTP-SHA256-7:QN06-PSHA256");
    benchmark::DoNotOptimize(suite);
  }
}

void BM_VerifyDeviceResponse(benchmark::State& state) {
  auto suite = sls::OcraSuite::parse("OCRA-1:HOTP-SHA256-7:QN06-PSHA256");
  if (!suite) {
    state.SkipWithError("suite did not parse");
    return;
  }
  std::string challenge = sls::generate_challenge();
  sls::OcraInput in;
  in.question = challenge;
  in.pin = "2580";
  auto response = sls::compute_device_response(*suite, kKey, in);
  if (!response) {
    state.SkipWithError("no response");
    return;
  }
  std::string typed = sls::format_response(*response);  // as the user types it
  for (auto _ : state) {
    auto status = sls::verify_device_response(*suite, kKey, in, typed);
    benchmark::DoNotOptimize(status);
  }
}

}  // namespace

BENCHMARK(BM_OcraComputeSha256Pin);
BENCHMARK(BM_OcraComputeSha256);
BENCHMARK(BM_OcraComputeSha512);
BENCHMARK(BM_OcraSuiteParse);
BENCHMARK(BM_VerifyDeviceResponse);
