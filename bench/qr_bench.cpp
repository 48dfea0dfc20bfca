// The challenge screen's QR path: signing a payload, drawing its QR code as
// SVG, and what Mobile Key does on scanning (verify). Prints timings only.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "sls/qr_svg.hpp"
#include "sls/signed_payload.hpp"

namespace {

constexpr std::int64_t kNow = 1767225300;

sls::ChallengePayload typical_payload() {
  sls::ChallengePayload p;
  for (std::size_t i = 0; i < p.tx_id.size(); ++i) p.tx_id[i] = static_cast<std::uint8_t>(i * 17);
  p.challenge = "042917";
  p.origin = "https://login.example.com";
  p.expires_at = kNow + 300;
  return p;
}

const sls::Ed25519KeyPair& server_keys() {
  static const sls::Ed25519KeyPair keys = sls::Ed25519KeyPair::generate();
  return keys;
}

const std::string& typical_text() {
  static const std::string text = encode_signed_payload(typical_payload(), server_keys().secret_key()).value();
  return text;
}

void BM_EncodeSignedPayload(benchmark::State& state) {
  const auto payload = typical_payload();
  for (auto _ : state) {
    auto text = sls::encode_signed_payload(payload, server_keys().secret_key());
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_EncodeSignedPayload);

void BM_VerifySignedPayload(benchmark::State& state) {
  const auto& text = typical_text();
  for (auto _ : state) {
    auto payload = sls::verify_signed_payload(text, server_keys().public_key(), kNow);
    benchmark::DoNotOptimize(payload);
  }
}
BENCHMARK(BM_VerifySignedPayload);

void BM_QrSvgOfSignedPayload(benchmark::State& state) {
  const auto& text = typical_text();
  std::size_t svg_bytes = 0;
  for (auto _ : state) {
    auto svg = sls::qr_svg(text);
    svg_bytes = svg.ok() ? svg->size() : 0;
    benchmark::DoNotOptimize(svg);
  }
  state.counters["text_chars"] = static_cast<double>(text.size());
  state.counters["svg_bytes"] = static_cast<double>(svg_bytes);
}
BENCHMARK(BM_QrSvgOfSignedPayload);

// Drawing alone, to separate it from the generator's mask search.
void BM_QrMatrixSvgOnly(benchmark::State& state) {
  const auto matrix = sls::qr_matrix(typical_text()).value();
  for (auto _ : state) {
    auto svg = sls::qr_matrix_svg(matrix);
    benchmark::DoNotOptimize(svg);
  }
  state.counters["modules_per_side"] = matrix.size;
}
BENCHMARK(BM_QrMatrixSvgOnly);

}  // namespace
