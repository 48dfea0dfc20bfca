#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "sls/messages.hpp"
#include "sls/ocra.hpp"
#include "sls/secure.hpp"
#include "test_vectors.hpp"

namespace sls {
namespace {

using nlohmann::json;

json load_vectors() { return sls::testing::load_test_vectors("ocra_rfc6287.json"); }

std::vector<std::uint8_t> hex_bytes(const std::string& hex) {
  std::vector<std::uint8_t> out;
  EXPECT_TRUE(from_hex(hex, out)) << hex;
  return out;
}

// The byte strings an OcraInput points at, kept alive beside it.
struct VectorInput {
  std::vector<std::uint8_t> key, pin_hash, session;
  std::string question, pin;
  OcraInput input;

  explicit VectorInput(const json& v) {
    key = hex_bytes(v.at("key").get<std::string>());
    question = v.at("question").get<std::string>();
    input.question = question;
    input.mutual = v.value("mutual", false);
    if (v.contains("counter")) input.counter = v.at("counter").get<std::uint64_t>();
    if (v.contains("pin")) pin = v.at("pin").get<std::string>();
    input.pin = pin;
    if (v.contains("pin_hash")) pin_hash = hex_bytes(v.at("pin_hash").get<std::string>());
    input.pin_hash = pin_hash;
    if (v.contains("session")) session = hex_bytes(v.at("session").get<std::string>());
    input.session = session;
    if (v.contains("time_steps")) input.time_steps = v.at("time_steps").get<std::uint64_t>();
  }
};

// Checks one vector: the suite round-trips and the response is the expected
// one.
void check_vector(const json& v) {
  const auto text = v.at("suite").get<std::string>();
  const auto expected = v.at("expected").get<std::string>();
  SCOPED_TRACE(text + " Q=" + v.at("question").get<std::string>());
  auto suite = OcraSuite::parse(text);
  ASSERT_TRUE(suite.ok()) << errc_name(suite.code());
  EXPECT_EQ(suite->to_string(), text);
  VectorInput in(v);
  auto response = ocra_compute(*suite, in.key, in.input);
  ASSERT_TRUE(response.ok()) << errc_name(response.code());
  EXPECT_EQ(*response, expected);
}

TEST(OcraVectors, EveryRfc6287Sha256AndSha512Vector) {
  auto doc = load_vectors();
  const auto& vectors = doc.at("vectors");
  // Appendix C: 30 one-way, 20 mutual and 10 signature vectors use SHA-256/512.
  ASSERT_EQ(vectors.size(), 60u);
  for (const auto& v : vectors) check_vector(v);
}

TEST(OcraVectors, Rfc6287Sha1SuitesAreRefused) {
  auto doc = load_vectors();
  const auto& refused = doc.at("refused");
  ASSERT_EQ(refused.size(), 10u);
  for (const auto& v : refused) {
    const auto text = v.at("suite").get<std::string>();
    auto suite = OcraSuite::parse(text);
    ASSERT_FALSE(suite.ok()) << text;
    EXPECT_EQ(errc_name(suite.code()), v.at("error").get<std::string>());
    EXPECT_EQ(suite.error().args, std::vector<std::string>{text});
  }
}

TEST(OcraVectors, CrossCheckedSuitesBeyondTheRfc) {
  auto doc = load_vectors();
  const auto& vectors = doc.at("cross_checked");
  ASSERT_GE(vectors.size(), 10u);
  for (const auto& v : vectors) check_vector(v);
}

// --- suite parser ------------------------------------------------------------

TEST(OcraSuiteParse, AccessorsOfAFullSuite) {
  auto suite = OcraSuite::parse("OCRA-1:HOTP-SHA512-10:C-QH64-PSHA256-S512-T48H");
  ASSERT_TRUE(suite.ok());
  EXPECT_EQ(suite->hash(), OcraHash::sha512);
  EXPECT_EQ(suite->digits(), 10u);
  EXPECT_TRUE(suite->has_counter());
  EXPECT_EQ(suite->question_format(), OcraQuestionFormat::hex);
  EXPECT_EQ(suite->question_length(), 64u);
  EXPECT_EQ(suite->pin_hash(), OcraHash::sha256);
  EXPECT_EQ(suite->session_length(), 512u);
  EXPECT_TRUE(suite->has_timestamp());
  EXPECT_EQ(suite->time_step_unit(), OcraTimeUnit::hour);
  EXPECT_EQ(suite->time_step_value(), 48u);
  EXPECT_EQ(suite->time_step_seconds(), 48u * 3600u);
}

TEST(OcraSuiteParse, AccessorsOfAMinimalSuite) {
  auto suite = OcraSuite::parse("OCRA-1:HOTP-SHA256-0:QA04");
  ASSERT_TRUE(suite.ok());
  EXPECT_EQ(suite->hash(), OcraHash::sha256);
  EXPECT_EQ(suite->digits(), 0u);
  EXPECT_FALSE(suite->has_counter());
  EXPECT_EQ(suite->question_format(), OcraQuestionFormat::alphanumeric);
  EXPECT_EQ(suite->question_length(), 4u);
  EXPECT_EQ(suite->pin_hash(), std::nullopt);
  EXPECT_EQ(suite->session_length(), 0u);
  EXPECT_FALSE(suite->has_timestamp());
  EXPECT_EQ(suite->time_step_seconds(), 0u);
  EXPECT_EQ(suite->time_steps_at(1'700'000'000), std::nullopt);
}

TEST(OcraSuiteParse, ValidSuitesRoundTrip) {
  for (const char* text : {
           "OCRA-1:HOTP-SHA256-7:QN06-PSHA256",
           "OCRA-1:HOTP-SHA256-7:QN06",
           "OCRA-1:HOTP-SHA512-7:QN06",
           "OCRA-1:HOTP-SHA256-4:QN04",
           "OCRA-1:HOTP-SHA256-10:QN64",
           "OCRA-1:HOTP-SHA512-8:QA08-PSHA1",
           "OCRA-1:HOTP-SHA512-6:QH10-PSHA512",
           "OCRA-1:HOTP-SHA256-6:QA10-S001",
           "OCRA-1:HOTP-SHA256-6:QA10-S064",
           "OCRA-1:HOTP-SHA256-6:QA10-T1S",
           "OCRA-1:HOTP-SHA256-6:QA10-T59S",
           "OCRA-1:HOTP-SHA256-6:QA10-T59M",
           "OCRA-1:HOTP-SHA256-6:QA10-T0H",
           "OCRA-1:HOTP-SHA256-6:C-QN08-PSHA1-S128-T1M",
       }) {
    auto suite = OcraSuite::parse(text);
    ASSERT_TRUE(suite.ok()) << text << ": " << (suite.ok() ? "" : localize(suite.error(), Lang::en));
    EXPECT_EQ(suite->to_string(), text);
    EXPECT_EQ(*suite, *OcraSuite::parse(text));
  }
}

TEST(OcraSuiteParse, TimeStepsFromTheClock) {
  auto minute = OcraSuite::parse("OCRA-1:HOTP-SHA512-8:QN08-T1M");
  ASSERT_TRUE(minute.ok());
  // The RFC's timestamp 0x132d0b6 is 2008-03-25 12:06:00 UTC in minutes.
  EXPECT_EQ(minute->time_steps_at(1'206'446'760), 0x132d0b6u);
  EXPECT_EQ(minute->time_steps_at(1'206'446'819), 0x132d0b6u);
  EXPECT_EQ(minute->time_steps_at(1'206'446'820), 0x132d0b7u);
  EXPECT_EQ(minute->time_steps_at(-1), std::nullopt);

  auto thirty = OcraSuite::parse("OCRA-1:HOTP-SHA256-6:QN08-T30S");
  ASSERT_TRUE(thirty.ok());
  EXPECT_EQ(thirty->time_step_unit(), OcraTimeUnit::second);
  EXPECT_EQ(thirty->time_steps_at(59), 1u);
  EXPECT_EQ(thirty->time_steps_at(60), 2u);

  auto zero_hours = OcraSuite::parse("OCRA-1:HOTP-SHA256-6:QN08-T0H");
  ASSERT_TRUE(zero_hours.ok());
  EXPECT_EQ(zero_hours->time_step_seconds(), 0u);
  EXPECT_EQ(zero_hours->time_steps_at(1'700'000'000), std::nullopt);
}

struct MalformedCase {
  std::string suite;
  const char* reason_word;  // the field the reason must name
};

TEST(OcraSuiteParse, EveryMalformedFieldIsNamed) {
  const std::vector<MalformedCase> cases = {
      {"", "Algorithm:CryptoFunction:DataInput"},
      {"OCRA-1:HOTP-SHA256-8", "Algorithm:CryptoFunction:DataInput"},
      {"OCRA-1:HOTP-SHA256-8:QN08:QN08", "Algorithm:CryptoFunction:DataInput"},
      {"OCRA-2:HOTP-SHA256-8:QN08", "algorithm"},
      {"ocra-1:hotp-sha256-8:qn08", "algorithm"},
      {"OCRA-1:TOTP-SHA256-8:QN08", "crypto function"},
      {"OCRA-1:HOTP-SHA256:QN08", "crypto function"},
      {"OCRA-1:HOTP-SHA256-8-1:QN08", "crypto function"},
      {"OCRA-1:HOTP-SHA3-8:QN08", "hash"},
      {"OCRA-1:HOTP-sha256-8:QN08", "hash"},
      {"OCRA-1:HOTP-SHA256-3:QN08", "truncation"},
      {"OCRA-1:HOTP-SHA256-11:QN08", "truncation"},
      {"OCRA-1:HOTP-SHA256-08:QN08", "truncation"},
      {"OCRA-1:HOTP-SHA256-:QN08", "truncation"},
      {"OCRA-1:HOTP-SHA256-x:QN08", "truncation"},
      {"OCRA-1:HOTP-SHA256-8:", "challenge field Q"},
      {"OCRA-1:HOTP-SHA256-8:C", "challenge field Q"},
      {"OCRA-1:HOTP-SHA256-8:C-C-QN08", "challenge field Q"},
      {"OCRA-1:HOTP-SHA256-8:PSHA256-QN08", "challenge field Q"},
      {"OCRA-1:HOTP-SHA256-8:Q", "challenge format"},
      {"OCRA-1:HOTP-SHA256-8:QX08", "challenge format"},
      {"OCRA-1:HOTP-SHA256-8:Qn08", "challenge format"},
      {"OCRA-1:HOTP-SHA256-8:QN03", "challenge length"},
      {"OCRA-1:HOTP-SHA256-8:QN65", "challenge length"},
      {"OCRA-1:HOTP-SHA256-8:QN8", "challenge length"},
      {"OCRA-1:HOTP-SHA256-8:QN008", "challenge length"},
      {"OCRA-1:HOTP-SHA256-8:QNxx", "challenge length"},
      {std::string("OCRA-1:HOTP-SHA256-8:QN08\0", 26), "challenge length"},
      {"OCRA-1:HOTP-SHA256-8:QN08-P", "PIN hash"},
      {"OCRA-1:HOTP-SHA256-8:QN08-PSHA3", "PIN hash"},
      {"OCRA-1:HOTP-SHA256-8:QN08-PSHA384", "PIN hash"},
      {"OCRA-1:HOTP-SHA256-8:QN08-S", "session"},
      {"OCRA-1:HOTP-SHA256-8:QN08-S000", "session"},
      {"OCRA-1:HOTP-SHA256-8:QN08-S513", "session"},
      {"OCRA-1:HOTP-SHA256-8:QN08-S64", "session"},
      {"OCRA-1:HOTP-SHA256-8:QN08-S0064", "session"},
      {"OCRA-1:HOTP-SHA256-8:QN08-T", "time step"},
      {"OCRA-1:HOTP-SHA256-8:QN08-TM", "time step"},
      {"OCRA-1:HOTP-SHA256-8:QN08-T0S", "time step"},
      {"OCRA-1:HOTP-SHA256-8:QN08-T0M", "time step"},
      {"OCRA-1:HOTP-SHA256-8:QN08-T60S", "time step"},
      {"OCRA-1:HOTP-SHA256-8:QN08-T60M", "time step"},
      {"OCRA-1:HOTP-SHA256-8:QN08-T49H", "time step"},
      {"OCRA-1:HOTP-SHA256-8:QN08-T01M", "time step"},
      {"OCRA-1:HOTP-SHA256-8:QN08-T1X", "time step"},
      {"OCRA-1:HOTP-SHA256-8:QN08-T100M", "time step"},
      {"OCRA-1:HOTP-SHA256-8:QN08-", "empty field"},
      {"OCRA-1:HOTP-SHA256-8:QN08--T1M", "empty field"},
      {"OCRA-1:HOTP-SHA256-8:QN08-X", "unknown"},
      {"OCRA-1:HOTP-SHA256-8:QN08-C", "misplaced"},
      {"OCRA-1:HOTP-SHA256-8:QN08-QN08", "repeated"},
      {"OCRA-1:HOTP-SHA256-8:QN08-PSHA1-PSHA1", "repeated"},
      {"OCRA-1:HOTP-SHA256-8:QN08-T1M-S064", "misplaced"},
      {"OCRA-1:HOTP-SHA256-8:QN08-S064-PSHA1", "misplaced"},
      // A SHA-1 suite that is also malformed is reported as malformed.
      {"OCRA-1:HOTP-SHA1-6:QX08", "challenge format"},
  };
  for (const auto& c : cases) {
    auto suite = OcraSuite::parse(c.suite);
    ASSERT_FALSE(suite.ok()) << c.suite;
    EXPECT_EQ(suite.code(), Errc::ocra_suite_malformed) << c.suite;
    ASSERT_EQ(suite.error().args.size(), 2u) << c.suite;
    EXPECT_EQ(suite.error().args[0], c.suite);
    EXPECT_NE(suite.error().args[1].find(c.reason_word), std::string::npos) << c.suite << ": " << suite.error().args[1];
    // The localised message carries both the suite and the reason.
    EXPECT_NE(localize(suite.error(), Lang::en).find(suite.error().args[1]), std::string::npos);
  }
}

TEST(OcraSuiteParse, Sha1CryptoFunctionIsRefusedButPsha1IsNot) {
  for (const char* text : {"OCRA-1:HOTP-SHA1-6:QN08", "OCRA-1:HOTP-SHA1-0:C-QH10-PSHA1-S064-T1M"}) {
    auto suite = OcraSuite::parse(text);
    EXPECT_EQ(suite.code(), Errc::ocra_suite_sha1) << text;
  }
  auto psha1 = OcraSuite::parse("OCRA-1:HOTP-SHA256-8:QN08-PSHA1");
  ASSERT_TRUE(psha1.ok());
  EXPECT_EQ(psha1->pin_hash(), OcraHash::sha1);
}

// --- computation -------------------------------------------------------------

const std::vector<std::uint8_t> kKey32 = [] {
  std::vector<std::uint8_t> k;
  for (int i = 0; i < 32; ++i) k.push_back(static_cast<std::uint8_t>('0' + (i + 1) % 10));
  return k;
}();

OcraSuite suite_of(std::string_view text) {
  auto suite = OcraSuite::parse(text);
  EXPECT_TRUE(suite.ok()) << text;
  return *suite;
}

TEST(OcraCompute, KeyMustBeAtLeast128Bits) {
  auto suite = suite_of("OCRA-1:HOTP-SHA256-8:QN08");
  OcraInput in;
  in.question = "12345678";
  EXPECT_EQ(ocra_compute(suite, {}, in).code(), Errc::ocra_bad_key);
  std::vector<std::uint8_t> short_key(kOcraMinKeyBytes - 1, 0x42);
  EXPECT_EQ(ocra_compute(suite, short_key, in).code(), Errc::ocra_bad_key);
  std::vector<std::uint8_t> key(kOcraMinKeyBytes, 0x42);
  EXPECT_TRUE(ocra_compute(suite, key, in).ok());
}

TEST(OcraCompute, QuestionLengthFollowsTheSuite) {
  auto suite = suite_of("OCRA-1:HOTP-SHA256-7:QN06");
  OcraInput in;
  for (const char* q : {"123", "1234567", ""}) {
    in.question = q;
    EXPECT_EQ(ocra_compute(suite, kKey32, in).code(), Errc::ocra_bad_question) << q;
  }
  for (const char* q : {"1234", "12345", "123456"}) {
    in.question = q;
    EXPECT_TRUE(ocra_compute(suite, kKey32, in).ok()) << q;
  }
  // Mutual mode: two challenges of 4..nn characters each.
  auto mutual = suite_of("OCRA-1:HOTP-SHA256-8:QA08");
  in.mutual = true;
  for (const char* q : {"CLI2222", "CLI22220SRV111100"}) {
    in.question = q;
    EXPECT_EQ(ocra_compute(mutual, kKey32, in).code(), Errc::ocra_bad_question) << q;
  }
  in.question = "CLI2SRV1";
  EXPECT_TRUE(ocra_compute(mutual, kKey32, in).ok());
  in.mutual = false;
  in.question = "CLI22220SRV11110";
  EXPECT_EQ(ocra_compute(mutual, kKey32, in).code(), Errc::ocra_bad_question);
}

TEST(OcraCompute, QuestionAlphabetFollowsTheSuite) {
  struct Case {
    const char* suite;
    const char* question;
    bool ok;
  };
  const Case cases[] = {
      {"OCRA-1:HOTP-SHA256-8:QN08", "1234567a", false}, {"OCRA-1:HOTP-SHA256-8:QN08", "1234 567", false},
      {"OCRA-1:HOTP-SHA256-8:QN08", "-1234567", false}, {"OCRA-1:HOTP-SHA256-8:QN08", "１２３４", false},
      {"OCRA-1:HOTP-SHA256-8:QH08", "0123abcD", true},  {"OCRA-1:HOTP-SHA256-8:QH08", "0123abcg", false},
      {"OCRA-1:HOTP-SHA256-8:QH08", "0x123456", false}, {"OCRA-1:HOTP-SHA256-8:QA08", "Sig!~#{}", true},
      {"OCRA-1:HOTP-SHA256-8:QA08", "SIG 1000", false}, {"OCRA-1:HOTP-SHA256-8:QA08", "SIG\t1000", false},
      {"OCRA-1:HOTP-SHA256-8:QA08", "SIG\x7f", false},  {"OCRA-1:HOTP-SHA256-8:QA08", "SIGé10", false},
  };
  for (const auto& c : cases) {
    OcraInput in;
    in.question = c.question;
    auto r = ocra_compute(suite_of(c.suite), kKey32, in);
    if (c.ok) {
      EXPECT_TRUE(r.ok()) << c.suite << " " << c.question;
    } else {
      EXPECT_EQ(r.code(), Errc::ocra_bad_question) << c.suite << " " << c.question;
    }
  }
}

TEST(OcraCompute, NumericQuestionIsItsValue) {
  // The reference code converts the decimal number, so leading zeros do not
  // change it, and different values give different responses.
  auto suite = suite_of("OCRA-1:HOTP-SHA256-8:QN08");
  OcraInput a, b, c;
  a.question = "00001234";
  b.question = "1234";
  c.question = "1235";
  EXPECT_EQ(*ocra_compute(suite, kKey32, a), *ocra_compute(suite, kKey32, b));
  EXPECT_NE(*ocra_compute(suite, kKey32, b), *ocra_compute(suite, kKey32, c));
}

TEST(OcraCompute, MissingInputsAreNamed) {
  OcraInput in;
  in.question = "12345678";
  auto expect_missing = [&](std::string_view suite_text, const char* what) {
    auto r = ocra_compute(suite_of(suite_text), kKey32, in);
    EXPECT_EQ(r.code(), Errc::ocra_missing_input) << suite_text;
    if (!r.ok()) {
      EXPECT_EQ(r.error().args, std::vector<std::string>{what}) << suite_text;
    }
  };
  expect_missing("OCRA-1:HOTP-SHA256-8:C-QN08", "counter");
  expect_missing("OCRA-1:HOTP-SHA256-8:QN08-PSHA256", "pin");
  expect_missing("OCRA-1:HOTP-SHA256-8:QN08-PSHA1", "pin");
  expect_missing("OCRA-1:HOTP-SHA256-8:QN08-S064", "session");
  expect_missing("OCRA-1:HOTP-SHA256-8:QN08-T1M", "timestamp");
  in.pin = "1234";  // libsodium has no SHA-1: a PSHA1 suite needs the hash itself
  expect_missing("OCRA-1:HOTP-SHA256-8:QN08-PSHA1", "pin_hash");
}

TEST(OcraCompute, BadInputSizesAreRefused) {
  OcraInput in;
  in.question = "12345678";
  std::vector<std::uint8_t> hash20(20, 1), hash32(32, 1);
  in.pin_hash = hash20;
  auto r = ocra_compute(suite_of("OCRA-1:HOTP-SHA256-8:QN08-PSHA256"), kKey32, in);
  EXPECT_EQ(r.code(), Errc::bad_argument);
  in.pin_hash = hash32;
  EXPECT_TRUE(ocra_compute(suite_of("OCRA-1:HOTP-SHA256-8:QN08-PSHA256"), kKey32, in).ok());
  EXPECT_EQ(ocra_compute(suite_of("OCRA-1:HOTP-SHA256-8:QN08-PSHA1"), kKey32, in).code(), Errc::bad_argument);

  OcraInput s;
  s.question = "12345678";
  std::vector<std::uint8_t> session(65, 7);
  s.session = session;
  EXPECT_EQ(ocra_compute(suite_of("OCRA-1:HOTP-SHA256-8:QN08-S064"), kKey32, s).code(), Errc::bad_argument);
  s.session = std::span(session).first(64);
  EXPECT_TRUE(ocra_compute(suite_of("OCRA-1:HOTP-SHA256-8:QN08-S064"), kKey32, s).ok());
}

TEST(OcraCompute, ShortSessionIsLeftPadded) {
  auto suite = suite_of("OCRA-1:HOTP-SHA256-8:QN08-S008");
  std::vector<std::uint8_t> short_session{0xAB, 0xCD}, padded{0, 0, 0, 0, 0, 0, 0xAB, 0xCD}, other{0xAB, 0xCE};
  OcraInput a, b, c;
  a.question = b.question = c.question = "12345678";
  a.session = short_session;
  b.session = padded;
  c.session = other;
  EXPECT_EQ(*ocra_compute(suite, kKey32, a), *ocra_compute(suite, kKey32, b));
  EXPECT_NE(*ocra_compute(suite, kKey32, a), *ocra_compute(suite, kKey32, c));
}

TEST(OcraCompute, PinAndItsHashGiveTheSameResponse) {
  for (auto [text, hash] : {std::pair{"OCRA-1:HOTP-SHA256-7:QN06-PSHA256", OcraHash::sha256},
                            std::pair{"OCRA-1:HOTP-SHA512-7:QN06-PSHA512", OcraHash::sha512}}) {
    auto suite = suite_of(text);
    SecretString pin(std::string("4821"));
    OcraInput by_pin, by_hash, wrong_pin;
    by_pin.question = by_hash.question = wrong_pin.question = "602214";
    by_pin.pin = pin.view();
    wrong_pin.pin = "4822";
    auto hash_bytes = ocra_hash_pin(hash, pin.view());
    ASSERT_TRUE(hash_bytes.ok());
    EXPECT_EQ(hash_bytes->size(), ocra_hash_bytes(hash));
    by_hash.pin_hash = *hash_bytes;
    auto r1 = ocra_compute(suite, kKey32, by_pin);
    auto r2 = ocra_compute(suite, kKey32, by_hash);
    auto r3 = ocra_compute(suite, kKey32, wrong_pin);
    ASSERT_TRUE(r1.ok() && r2.ok() && r3.ok());
    EXPECT_EQ(*r1, *r2) << text;
    EXPECT_NE(*r1, *r3) << text;
    // A given hash wins over a PIN.
    by_hash.pin = "0000";
    EXPECT_EQ(*ocra_compute(suite, kKey32, by_hash), *r1);
  }
}

TEST(OcraCompute, InputsTheSuiteDoesNotNameAreIgnored) {
  auto suite = suite_of("OCRA-1:HOTP-SHA256-8:QN08");
  std::vector<std::uint8_t> session{1, 2, 3};
  OcraInput plain, extra;
  plain.question = extra.question = "12345678";
  extra.counter = 5;
  extra.pin = "1234";
  extra.session = session;
  extra.time_steps = 99;
  EXPECT_EQ(*ocra_compute(suite, kKey32, plain), *ocra_compute(suite, kKey32, extra));
}

TEST(OcraCompute, EveryInputChangesTheResponse) {
  auto suite = suite_of("OCRA-1:HOTP-SHA512-10:C-QN08-PSHA256-S016-T1M");
  std::vector<std::uint8_t> session{1, 2, 3}, session2{1, 2, 4};
  OcraInput base;
  base.question = "12345678";
  base.counter = 1;
  base.pin = "1234";
  base.session = session;
  base.time_steps = 100;
  auto reference = ocra_compute(suite, kKey32, base);
  ASSERT_TRUE(reference.ok());
  EXPECT_EQ(reference->size(), 10u);
  auto differs = [&](OcraInput in, const char* what) {
    auto r = ocra_compute(suite, kKey32, in);
    ASSERT_TRUE(r.ok()) << what;
    EXPECT_NE(*r, *reference) << what;
  };
  OcraInput in = base;
  in.question = "12345679";
  differs(in, "question");
  in = base;
  in.counter = 2;
  differs(in, "counter");
  in = base;
  in.pin = "1235";
  differs(in, "pin");
  in = base;
  in.session = session2;
  differs(in, "session");
  in = base;
  in.time_steps = 101;
  differs(in, "timestamp");
  std::vector<std::uint8_t> key2 = kKey32;
  key2[31] ^= 1;
  auto r = ocra_compute(suite, key2, base);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(*r, *reference);
}

TEST(OcraCompute, FullHmacWhenTruncationIsZero) {
  OcraInput in;
  in.question = "12345678";
  auto r256 = ocra_compute(suite_of("OCRA-1:HOTP-SHA256-0:QN08"), kKey32, in);
  auto r512 = ocra_compute(suite_of("OCRA-1:HOTP-SHA512-0:QN08"), kKey32, in);
  ASSERT_TRUE(r256.ok() && r512.ok());
  EXPECT_EQ(r256->size(), 64u);
  EXPECT_EQ(r512->size(), 128u);
  EXPECT_EQ(r256->find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(OcraHashPin, Sha256AndSha512OnlyAndNeverEmpty) {
  auto h = ocra_hash_pin(OcraHash::sha256, "1234");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(to_hex(*h), "03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4");
  auto h512 = ocra_hash_pin(OcraHash::sha512, "1234");
  ASSERT_TRUE(h512.ok());
  EXPECT_EQ(h512->size(), 64u);
  EXPECT_EQ(ocra_hash_pin(OcraHash::sha1, "1234").code(), Errc::ocra_suite_sha1);
  auto empty = ocra_hash_pin(OcraHash::sha256, "");
  EXPECT_EQ(empty.code(), Errc::ocra_missing_input);
  EXPECT_EQ(ocra_hash_bytes(OcraHash::sha1), 20u);
  EXPECT_EQ(ocra_hash_bytes(OcraHash::sha256), 32u);
  EXPECT_EQ(ocra_hash_bytes(OcraHash::sha512), 64u);
}

}  // namespace
}  // namespace sls
