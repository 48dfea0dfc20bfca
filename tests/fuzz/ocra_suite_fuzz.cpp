// Fuzzes OCRA suite strings (sls/ocra.hpp), which a device's activation data
// and the server's policy carry, and the challenge question that goes with
// them. The input is the suite text, optionally followed by '\n' and a
// question.
//
// Properties, beyond no crash, no undefined behaviour and no leak:
//  - a suite that parses keeps its text exactly and re-parses to an equal
//    suite, with every field in the range ocra.hpp documents, never SHA-1 as
//    its HMAC hash, and a text that names each field it has;
//  - every parsed suite computes a response when given every input it names
//    (a question of its full length, counter, PIN, session, timestamp), and
//    the response has the suite's length and alphabet;
//  - a question given with the input is either refused as a bad question or
//    gives a response of that form, alone and as a mutual pair.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "sls/ocra.hpp"

namespace {

using sls::OcraHash;
using sls::OcraQuestionFormat;
using sls::OcraSuite;

const std::vector<std::uint8_t> kKey(64, 0x31);

void check_response(const OcraSuite& suite, const sls::Result<std::string>& response) {
  FUZZ_CHECK(response.ok());
  if (suite.digits() == 0) {
    FUZZ_CHECK(response->size() == 2 * sls::ocra_hash_bytes(suite.hash()));
    for (char c : *response) FUZZ_CHECK((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  } else {
    FUZZ_CHECK(response->size() == suite.digits());
    for (char c : *response) FUZZ_CHECK(c >= '0' && c <= '9');
  }
}

// The inputs the suite names, except the question.
sls::OcraInput full_input(const OcraSuite& suite, const std::vector<std::uint8_t>& session) {
  sls::OcraInput input;
  input.counter = 1;
  input.pin = "1234";
  if (suite.pin_hash() == OcraHash::sha1) {
    static const std::vector<std::uint8_t> kSha1Size(20, 0xAB);
    input.pin_hash = kSha1Size;
  }
  input.session = session;
  input.time_steps = suite.time_steps_at(1767225600).value_or(0);
  return input;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = all.find('\n');
  const std::string_view text = all.substr(0, newline);
  const std::string_view question = newline == std::string_view::npos ? std::string_view() : all.substr(newline + 1);

  const auto suite = OcraSuite::parse(text);
  if (!suite.ok()) {
    FUZZ_CHECK(suite.code() == sls::Errc::ocra_suite_malformed || suite.code() == sls::Errc::ocra_suite_sha1);
    return 0;
  }
  FUZZ_CHECK(suite->to_string() == text);
  const auto again = OcraSuite::parse(suite->to_string());
  FUZZ_CHECK(again.ok() && *again == *suite);
  FUZZ_CHECK(again->digits() == suite->digits() && again->question_length() == suite->question_length());

  FUZZ_CHECK(text.starts_with("OCRA-1:HOTP-SHA"));
  FUZZ_CHECK(suite->hash() == OcraHash::sha256 || suite->hash() == OcraHash::sha512);
  FUZZ_CHECK(suite->digits() == 0 || (suite->digits() >= 4 && suite->digits() <= sls::kOcraMaxDigits));
  FUZZ_CHECK(suite->question_length() >= sls::kOcraMinQuestionLength &&
             suite->question_length() <= sls::kOcraMaxQuestionLength);
  FUZZ_CHECK(suite->session_length() <= sls::kOcraMaxSessionBytes);
  // DataInput, the third field: [C-]QFnn[-PSHAy][-Snnn][-Tg].
  const std::string_view data_input = text.substr(text.rfind(':') + 1);
  FUZZ_CHECK(suite->has_counter() == data_input.starts_with("C-"));
  FUZZ_CHECK(suite->pin_hash().has_value() == (data_input.find("-P") != std::string_view::npos));
  FUZZ_CHECK((suite->session_length() != 0) == (data_input.find("-S") != std::string_view::npos));
  FUZZ_CHECK(suite->has_timestamp() == (data_input.find("-T") != std::string_view::npos));
  if (suite->has_timestamp()) {
    const unsigned value = suite->time_step_value();
    const bool hours = suite->time_step_unit() == sls::OcraTimeUnit::hour;
    FUZZ_CHECK(hours ? value <= 48 : (value >= 1 && value <= 59));
    FUZZ_CHECK(suite->time_step_seconds() == value * (hours                                                  ? 3600u
                                                      : suite->time_step_unit() == sls::OcraTimeUnit::minute ? 60u
                                                                                                             : 1u));
  } else {
    FUZZ_CHECK(suite->time_step_seconds() == 0);
  }

  const std::vector<std::uint8_t> session(suite->session_length(), 0x5A);
  sls::OcraInput input = full_input(*suite, session);

  // The longest question of the suite's format, alone and as a mutual pair.
  const char filler = suite->question_format() == OcraQuestionFormat::numeric ? '9'
                      : suite->question_format() == OcraQuestionFormat::hex   ? 'f'
                                                                              : '~';
  const std::string longest(2 * suite->question_length(), filler);
  input.question = std::string_view(longest).substr(0, suite->question_length());
  check_response(*suite, sls::ocra_compute(*suite, kKey, input));
  input.question = longest;
  input.mutual = true;
  check_response(*suite, sls::ocra_compute(*suite, kKey, input));

  // The fuzzer's question.
  for (bool mutual : {false, true}) {
    input.question = question;
    input.mutual = mutual;
    const auto response = sls::ocra_compute(*suite, kKey, input);
    if (response.ok())
      check_response(*suite, response);
    else
      FUZZ_CHECK(response.code() == sls::Errc::ocra_bad_question);
  }
  return 0;
}
