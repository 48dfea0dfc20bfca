#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "sls/messages.hpp"
#include "sls/response.hpp"
#include "sls/secure.hpp"
#include "test_vectors.hpp"

namespace sls {
namespace {

using nlohmann::json;

json load(const char* name) { return sls::testing::load_test_vectors(name); }

// --- typed strings from the shared vectors ---------------------------------

void check_entry_case(const json& c, EntryState state, const Result<std::string>& parsed) {
  SCOPED_TRACE("typed \"" + c.at("typed").get<std::string>() + "\": " + c.at("note").get<std::string>());
  EXPECT_EQ(state.normalized, c.at("normalized").get<std::string>());
  EXPECT_EQ(state.display, c.at("display").get<std::string>());
  EXPECT_EQ(errc_name(state.error), c.at("error").get<std::string>());
  EXPECT_EQ(state.complete, c.at("complete").get<bool>());
  EXPECT_EQ(errc_name(parsed.code()), c.at("parse_error").get<std::string>());
  if (parsed.ok()) {
    EXPECT_EQ(*parsed, c.at("normalized").get<std::string>());
  }
}

TEST(ResponseStrings, SharedVectorsForResponses) {
  auto doc = load("response_strings.json");
  const auto& cases = doc.at("responses");
  ASSERT_GE(cases.size(), 15u);
  std::set<std::string> errors_seen;
  for (const auto& c : cases) {
    const auto typed = c.at("typed").get<std::string>();
    check_entry_case(c, inspect_response(typed), parse_response(typed));
    errors_seen.insert(c.at("error").get<std::string>());
  }
  // The file covers every outcome of the live check.
  EXPECT_EQ(errors_seen,
            (std::set<std::string>{"ok", "response.bad_character", "response.wrong_length", "response.check_digit"}));
}

TEST(ResponseStrings, SharedVectorsForChallenges) {
  auto doc = load("response_strings.json");
  const auto& cases = doc.at("challenges");
  ASSERT_GE(cases.size(), 10u);
  for (const auto& c : cases) {
    const auto typed = c.at("typed").get<std::string>();
    check_entry_case(c, inspect_challenge(typed), parse_challenge(typed));
  }
}

// --- Damm ----------------------------------------------------------------------

TEST(Damm, KnownValues) {
  EXPECT_EQ(damm_check_digit("572"), '4');  // the example from Damm's algorithm descriptions
  EXPECT_TRUE(damm_valid("5724"));
  EXPECT_FALSE(damm_valid("5723"));
  EXPECT_EQ(damm_check_digit(""), '0');
  EXPECT_FALSE(damm_valid(""));
  EXPECT_EQ(damm_check_digit("57a"), std::nullopt);
  EXPECT_EQ(damm_check_digit("５７２"), std::nullopt);
  EXPECT_FALSE(damm_valid("57a4"));
  EXPECT_TRUE(damm_valid("0"));
}

std::string random_digits(std::size_t n) {
  std::string s(n, '0');
  for (auto& c : s) c = static_cast<char>('0' + random_below(10));
  return s;
}

TEST(Damm, DetectsEverySingleDigitErrorAndAdjacentTransposition) {
  constexpr int kSamples = 3000;
  for (int sample = 0; sample < kSamples; ++sample) {
    std::string base = random_digits(kResponseOcraDigits);
    auto check = damm_check_digit(base);
    ASSERT_TRUE(check.has_value());
    std::string full = base + *check;
    ASSERT_TRUE(damm_valid(full)) << full;
    // Every position, including the check digit, and every other digit there.
    for (std::size_t i = 0; i < full.size(); ++i) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == full[i]) continue;
        std::string typo = full;
        typo[i] = d;
        ASSERT_FALSE(damm_valid(typo)) << full << " -> " << typo;
      }
    }
    // Every swap of two different neighbours.
    for (std::size_t i = 0; i + 1 < full.size(); ++i) {
      if (full[i] == full[i + 1]) continue;
      std::string swapped = full;
      std::swap(swapped[i], swapped[i + 1]);
      ASSERT_FALSE(damm_valid(swapped)) << full << " -> " << swapped;
    }
  }
}

// --- responses -----------------------------------------------------------------

TEST(Response, FromSevenOcraDigits) {
  auto r = response_from_ocra("3141592");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "31415929");
  EXPECT_TRUE(damm_valid(*r));
  EXPECT_EQ(*response_from_ocra("0000000"), "00000000");
  EXPECT_EQ(response_from_ocra("314159").code(), Errc::response_wrong_length);
  EXPECT_EQ(response_from_ocra("31415926").code(), Errc::response_wrong_length);
  EXPECT_EQ(response_from_ocra("").code(), Errc::response_wrong_length);
  EXPECT_EQ(response_from_ocra("314159a").code(), Errc::response_bad_character);
  EXPECT_EQ(response_from_ocra("3141 592").code(), Errc::response_bad_character);
}

TEST(Response, FormatGroupsByFour) {
  EXPECT_EQ(format_response(""), "");
  EXPECT_EQ(format_response("1"), "1");
  EXPECT_EQ(format_response("1234"), "1234");
  EXPECT_EQ(format_response("12345"), "1234 5");
  EXPECT_EQ(format_response("12345678"), "1234 5678");
  EXPECT_EQ(format_response("123456789"), "1234 5678 9");
}

TEST(Response, InspectPrefersTheFirstProblem) {
  // A bad character is reported even when there are also too many digits.
  auto state = inspect_response("1234567890x");
  EXPECT_EQ(state.error, Errc::response_bad_character);
  EXPECT_EQ(state.normalized, "1234567890");
  EXPECT_FALSE(state.complete);
  // Separators alone are an empty entry, not an error.
  auto blank = inspect_response(" - \u3000");
  EXPECT_EQ(blank.error, Errc::ok);
  EXPECT_EQ(blank.normalized, "");
  EXPECT_FALSE(blank.complete);
  // Invalid UTF-8 is a bad character, never a crash.
  EXPECT_EQ(inspect_response(std::string("1234\xFF", 5)).error, Errc::response_bad_character);
  EXPECT_EQ(parse_response(std::string("3141592\xC3", 8)).code(), Errc::response_bad_character);
}

// --- challenges ----------------------------------------------------------------

TEST(Challenge, FormatGroupsByThree) {
  EXPECT_EQ(format_challenge("123456"), "123 456");
  EXPECT_EQ(format_challenge("1234"), "123 4");
  EXPECT_EQ(format_challenge(""), "");
}

TEST(Challenge, GeneratedChallengesAreSixUniformDigits) {
  std::set<std::string> seen;
  std::array<std::set<char>, kChallengeDigits> digits_at{};
  for (int i = 0; i < 500; ++i) {
    auto challenge = generate_challenge();
    ASSERT_EQ(challenge.size(), kChallengeDigits);
    auto parsed = parse_challenge(challenge);
    ASSERT_TRUE(parsed.ok()) << challenge;
    EXPECT_EQ(*parsed, challenge);
    seen.insert(challenge);
    for (std::size_t k = 0; k < kChallengeDigits; ++k) digits_at[k].insert(challenge[k]);
  }
  // 500 draws from 10^6: a repeat is possible but more than a few is not.
  EXPECT_GE(seen.size(), 490u);
  for (const auto& d : digits_at) EXPECT_EQ(d.size(), 10u);
}

// --- device responses ---------------------------------------------------------

struct DeviceFixture {
  std::vector<std::uint8_t> key;
  std::string question, pin, expected_ocra;
  OcraSuite suite;
  OcraInput input;
};

// The Mobile Key default suite, with a value cross-checked in the OCRA vectors.
DeviceFixture mobile_key_fixture() {
  auto doc = load("ocra_rfc6287.json");
  for (const auto& v : doc.at("cross_checked")) {
    if (v.at("suite") != "OCRA-1:HOTP-SHA256-7:QN06-PSHA256" || !v.contains("pin")) continue;
    auto suite = OcraSuite::parse(v.at("suite").get<std::string>());
    EXPECT_TRUE(suite.ok());
    DeviceFixture f{{},
                    v.at("question").get<std::string>(),
                    v.at("pin").get<std::string>(),
                    v.at("expected").get<std::string>(),
                    *suite,
                    {}};
    EXPECT_TRUE(from_hex(v.at("key").get<std::string>(), f.key));
    return f;
  }
  ADD_FAILURE() << "no Mobile Key vector in ocra_rfc6287.json";
  return {{}, {}, {}, {}, *OcraSuite::parse("OCRA-1:HOTP-SHA256-7:QN06-PSHA256"), {}};
}

TEST(DeviceResponse, SevenOcraDigitsPlusCheckDigit) {
  auto f = mobile_key_fixture();
  f.input.question = f.question;
  f.input.pin = f.pin;
  auto response = compute_device_response(f.suite, f.key, f.input);
  ASSERT_TRUE(response.ok()) << errc_name(response.code());
  EXPECT_EQ(response->size(), kResponseDigits);
  EXPECT_EQ(response->substr(0, kResponseOcraDigits), f.expected_ocra);
  EXPECT_EQ(*response, *response_from_ocra(f.expected_ocra));
  EXPECT_TRUE(damm_valid(*response));
}

TEST(DeviceResponse, SuiteMustTruncateToSevenDigits) {
  auto suite = OcraSuite::parse("OCRA-1:HOTP-SHA256-8:QN06");
  ASSERT_TRUE(suite.ok());
  std::vector<std::uint8_t> key(32, 9);
  OcraInput in;
  in.question = "123456";
  auto r = compute_device_response(*suite, key, in);
  EXPECT_EQ(r.code(), Errc::ocra_suite_malformed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().args.at(0), suite->to_string());
  EXPECT_EQ(verify_device_response(*suite, key, in, "12345678").code(), Errc::ocra_suite_malformed);
}

TEST(DeviceResponse, VerifyAcceptsWhatTheDeviceShowsAsTyped) {
  auto f = mobile_key_fixture();
  f.input.question = f.question;
  f.input.pin = f.pin;
  auto response = compute_device_response(f.suite, f.key, f.input);
  ASSERT_TRUE(response.ok());
  EXPECT_TRUE(verify_device_response(f.suite, f.key, f.input, *response).ok());
  EXPECT_TRUE(verify_device_response(f.suite, f.key, f.input, format_response(*response)).ok());
  // Full-width digits as typed with a Chinese IME.
  std::string full_width;
  for (char c : *response) full_width += std::string("\xEF\xBC") + static_cast<char>(0x90 + (c - '0'));
  EXPECT_TRUE(verify_device_response(f.suite, f.key, f.input, full_width).ok());
}

TEST(DeviceResponse, VerifyReportsTyposBeforeMismatches) {
  auto f = mobile_key_fixture();
  f.input.question = f.question;
  f.input.pin = f.pin;
  auto response = compute_device_response(f.suite, f.key, f.input);
  ASSERT_TRUE(response.ok());

  std::string typo = *response;
  typo[2] = typo[2] == '9' ? '0' : static_cast<char>(typo[2] + 1);
  EXPECT_EQ(verify_device_response(f.suite, f.key, f.input, typo).code(), Errc::response_check_digit);
  EXPECT_EQ(verify_device_response(f.suite, f.key, f.input, response->substr(0, 7)).code(),
            Errc::response_wrong_length);
  EXPECT_EQ(verify_device_response(f.suite, f.key, f.input, *response + "1").code(), Errc::response_wrong_length);
  EXPECT_EQ(verify_device_response(f.suite, f.key, f.input, "1234abcd").code(), Errc::response_bad_character);

  // A well-formed response (valid check digit) for other OCRA digits.
  std::string other = response->substr(0, 7);
  other[6] = other[6] == '9' ? '0' : static_cast<char>(other[6] + 1);
  auto other_response = response_from_ocra(other);
  ASSERT_TRUE(other_response.ok());
  EXPECT_EQ(verify_device_response(f.suite, f.key, f.input, *other_response).code(), Errc::response_mismatch);

  // The right digits for a different PIN, challenge or key do not verify.
  OcraInput wrong_pin = f.input;
  wrong_pin.pin = "9999";
  EXPECT_EQ(verify_device_response(f.suite, f.key, wrong_pin, *response).code(), Errc::response_mismatch);
  OcraInput wrong_challenge = f.input;
  wrong_challenge.question = "000001";
  EXPECT_EQ(verify_device_response(f.suite, f.key, wrong_challenge, *response).code(), Errc::response_mismatch);
  std::vector<std::uint8_t> other_key = f.key;
  other_key[0] ^= 0x80;
  EXPECT_EQ(verify_device_response(f.suite, other_key, f.input, *response).code(), Errc::response_mismatch);

  // OCRA input errors surface as such.
  OcraInput no_pin = f.input;
  no_pin.pin = {};
  EXPECT_EQ(verify_device_response(f.suite, f.key, no_pin, *response).code(), Errc::ocra_missing_input);
}

TEST(DeviceResponse, DefaultSuitesOfEveryDevice) {
  // SPEC 3.2: Mobile Key and DSC+, DSC, Platinum/Gold.
  std::vector<std::uint8_t> key(64, 0x5A);
  for (const char* text :
       {"OCRA-1:HOTP-SHA256-7:QN06-PSHA256", "OCRA-1:HOTP-SHA256-7:QN06", "OCRA-1:HOTP-SHA512-7:QN06"}) {
    auto suite = OcraSuite::parse(text);
    ASSERT_TRUE(suite.ok()) << text;
    std::string challenge = generate_challenge();
    OcraInput in;
    in.question = challenge;
    in.pin = "2580";
    auto response = compute_device_response(*suite, key, in);
    ASSERT_TRUE(response.ok()) << text;
    EXPECT_TRUE(inspect_response(*response).complete) << text;
    EXPECT_TRUE(verify_device_response(*suite, key, in, *response).ok()) << text;
  }
}

}  // namespace
}  // namespace sls
