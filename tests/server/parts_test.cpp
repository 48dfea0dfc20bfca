// The server's building blocks on their own: encodings, key files, password
// hashing, lockout arithmetic, token buckets, Accept-Language, Mobile Key
// key agreement, typed codes and the printable card.
#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <fstream>

#include "device_side.hpp"
#include "server/device_secrets.hpp"
#include "server/encoding.hpp"
#include "server/enrolment.hpp"
#include "server/http_api.hpp"
#include "server/keyring.hpp"
#include "server/lockout.hpp"
#include "server/password.hpp"
#include "server/pending_push_cache.hpp"
#include "server/rate_limiter.hpp"
#include "server/sms_gateway.hpp"
#include "sls/ocra.hpp"
#include "test_env.hpp"

namespace sls::server::testing {
namespace {

TEST(Encoding, Base64urlRoundTripsAndIsCanonical) {
  const std::vector<std::uint8_t> bytes = {0xfb, 0xff, 0x00, 0x10};
  EXPECT_EQ(base64url_encode(bytes), "-_8AEA");
  EXPECT_EQ(base64url_decode("-_8AEA"), bytes);
  EXPECT_FALSE(base64url_decode("-_8AEB"));  // non-zero spare bits
  EXPECT_FALSE(base64url_decode("-_8AEA=="));
  EXPECT_FALSE(base64url_decode("+/8AEA"));
  EXPECT_EQ(base64url_decode(""), std::vector<std::uint8_t>{});
  const std::string id = random_id();
  EXPECT_EQ(id.size(), kIdChars);
  EXPECT_TRUE(looks_like_id(id));
  EXPECT_NE(id, random_id());
  EXPECT_FALSE(looks_like_id(id.substr(1)));
  EXPECT_FALSE(looks_like_id(std::string(21, 'A') + "="));
}

TEST(Keyring, CreatesPrivateKeyFilesAndReloadsTheSameKeys) {
  TempDir dir;
  const std::string m = dir.file("m.key"), s = dir.file("s.key");
  auto first = Keyring::load_or_create(m, s);
  ASSERT_TRUE(first);
  struct stat st {};
  ASSERT_EQ(::stat(m.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);
  ASSERT_EQ(::stat(s.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const std::string secret = "cells of a code card";
  Bytes sealed = first->seal(as_bytes(secret));
  EXPECT_EQ(sealed.size(), secret.size() + sealed_overhead());
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(sealed.data()), sealed.size()).find(secret),
            std::string_view::npos);
  EXPECT_NE(first->seal(as_bytes(secret)), sealed) << "fresh nonce each time";

  auto second = Keyring::load_or_create(m, s);
  ASSERT_TRUE(second);
  auto opened = second->open(sealed);
  ASSERT_TRUE(opened);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(opened->view().data()), opened->size()), secret);
  EXPECT_TRUE(std::equal(first->signing_key().public_key().begin(), first->signing_key().public_key().end(),
                         second->signing_key().public_key().begin()));
  EXPECT_EQ(first->keyed_hash(HashPurpose::sms_code, "123456"), second->keyed_hash(HashPurpose::sms_code, "123456"));

  sealed[sealed.size() / 2] ^= 1;
  EXPECT_EQ(second->open(sealed).code(), Errc::internal);
  EXPECT_EQ(second->open(Bytes(10)).code(), Errc::internal);
}

TEST(Keyring, KeyedHashesAreKeyedAndSeparatedByPurpose) {
  TempDir dir;
  auto a = Keyring::load_or_create(dir.file("a.key"), dir.file("as.key"));
  auto b = Keyring::load_or_create(dir.file("b.key"), dir.file("bs.key"));
  const Bytes h = a->keyed_hash(HashPurpose::sms_code, "123456");
  EXPECT_EQ(h.size(), kKeyedHashBytes);
  EXPECT_NE(h, b->keyed_hash(HashPurpose::sms_code, "123456"));
  EXPECT_NE(h, a->keyed_hash(HashPurpose::temp_code, "123456"));
  EXPECT_TRUE(a->keyed_hash_matches(HashPurpose::sms_code, "123456", h));
  EXPECT_FALSE(a->keyed_hash_matches(HashPurpose::sms_code, "123457", h));
  EXPECT_FALSE(a->keyed_hash_matches(HashPurpose::sms_code, "123456", Bytes(h.begin(), h.end() - 1)));
}

TEST(Keyring, RefusesLooseOrDamagedKeyFiles) {
  TempDir dir;
  const std::string m = dir.file("m.key"), s = dir.file("s.key");
  ASSERT_TRUE(Keyring::load_or_create(m, s));
  ASSERT_EQ(::chmod(m.c_str(), 0644), 0);
  auto loose = Keyring::load_or_create(m, s);
  EXPECT_EQ(loose.code(), Errc::bad_argument);
  ASSERT_EQ(::chmod(m.c_str(), 0600), 0);
  { std::ofstream(s, std::ios::app) << "x"; }
  EXPECT_EQ(Keyring::load_or_create(m, s).code(), Errc::bad_argument);
  EXPECT_EQ(Keyring::load_or_create(dir.file("no/such/dir/m.key"), s).code(), Errc::bad_argument);
}

TEST(Password, HashesVerifyAndRehash) {
  const PasswordPolicy fast = PasswordPolicy::fastest_for_tests();
  auto h = hash_password("correct horse", fast);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password("correct horse", *h));
  EXPECT_FALSE(verify_password("correct horsf", *h));
  EXPECT_FALSE(verify_password("correct horse", "not a hash"));
  EXPECT_FALSE(verify_password("correct horse", ""));
  EXPECT_NE(*hash_password("correct horse", fast), *h) << "salted";
  EXPECT_FALSE(password_needs_rehash(*h, fast));
  PasswordPolicy stronger = fast;
  stronger.opslimit = fast.opslimit + 1;
  EXPECT_TRUE(password_needs_rehash(*h, stronger));
  EXPECT_EQ(hash_password("", fast).code(), Errc::bad_argument);
  EXPECT_EQ(hash_password(std::string(257, 'x'), fast).code(), Errc::bad_argument);
}

TEST(Lockout, LocksAfterThresholdDoublesAndCaps) {
  LockoutPolicy p;  // 5 failures, 60 s doubling, cap 3600 s, disabled after 50
  FailureCounter c;
  std::int64_t now = 1000;
  for (int i = 0; i < 4; ++i) {
    c = record_failure(c, p, now);
    EXPECT_FALSE(lock_state(c, p, now).locked);
  }
  EXPECT_EQ(attempts_left(c, p), 1);
  c = record_failure(c, p, now);
  EXPECT_EQ(lock_state(c, p, now).retry_after, 60);
  EXPECT_FALSE(lock_state(c, p, now + 60).locked);
  std::vector<std::int64_t> lengths;
  for (int lock = 0; lock < 8; ++lock) {
    now = c.locked_until;
    for (int i = 0; i < 5; ++i) c = record_failure(c, p, now);
    lengths.push_back(c.locked_until - now);
  }
  EXPECT_EQ(lengths, (std::vector<std::int64_t>{120, 240, 480, 960, 1920, 3600, 3600, 3600}));
  EXPECT_EQ(c.consecutive, 45);
  for (int i = 0; i < 5; ++i) c = record_failure(c, p, c.locked_until);
  const LockState s = lock_state(c, p, c.locked_until + 86400);
  EXPECT_TRUE(s.locked);
  EXPECT_TRUE(s.permanent);
  EXPECT_EQ(attempts_left(c, p), 0);
}

TEST(Lockout, DefaultsStayFarUnderNistAndAsvsCeilings) {
  // Worst case for an attacker: guess whenever not locked, for one hour.
  LockoutPolicy p;
  FailureCounter c;
  std::int64_t now = 0, guesses = 0;
  while (now < 3600) {
    const LockState s = lock_state(c, p, now);
    if (s.permanent) break;
    if (s.locked) {
      now += s.retry_after;
      continue;
    }
    c = record_failure(c, p, now);
    ++guesses;
  }
  EXPECT_LE(guesses, 30);           // OWASP ASVS 2.2.1: at most 100 per hour
  EXPECT_LT(p.disable_after, 100);  // NIST SP 800-63B: at most 100 consecutive
}

TEST(Lockout, OnlySecondFactorCountersLockForGood) {
  LockoutPolicy p;
  p.threshold = 2;
  p.disable_after = 4;
  UserRecord u;
  for (int i = 0; i < 10; ++i) {
    u.password_failures = record_failure(u.password_failures, p.temporary_only(), u.password_failures.locked_until);
    u.activation_failures = record_failure(u.activation_failures, p.temporary_only(), 0);
  }
  const std::int64_t later = u.password_failures.locked_until + 1;
  EXPECT_FALSE(account_lock(u, nullptr, p, later).locked) << "ten wrong passwords: locks that end";
  for (int i = 0; i < 4; ++i) u.second_factor_failures = record_failure(u.second_factor_failures, p, later);
  const LockState disabled = account_lock(u, nullptr, p, later + 86400);
  EXPECT_TRUE(disabled.permanent);
  EXPECT_EQ(disabled.retry_after, 0);
  // Locks combine: the device's longer lock wins; a permanent one has no end.
  DeviceRecord d;
  d.failures.locked_until = 500;
  UserRecord fresh;
  fresh.password_failures.locked_until = 200;
  EXPECT_EQ(account_lock(fresh, &d, p, 100).retry_after, 400);
  EXPECT_EQ(account_lock(fresh, nullptr, p, 100).retry_after, 100);
}

TEST(Lockout, PasswordChecksAreReservedUpToTheAttemptsLeft) {
  LockoutPolicy p = LockoutPolicy{}.temporary_only();  // 5 attempts
  UserRecord u;
  u.password_failures.since_lock = 2;
  const std::int64_t now = 1000;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(reserve_password_check(u, p, now));
  EXPECT_FALSE(reserve_password_check(u, p, now)) << "3 left, 3 in flight";
  EXPECT_EQ(password_checks_in_flight(u, now), 3);
  release_password_check(u, now);
  EXPECT_TRUE(reserve_password_check(u, p, now));
  // A node that died holding reservations cannot keep them past their time.
  EXPECT_EQ(password_checks_in_flight(u, now + kPasswordCheckSeconds), 0);
  EXPECT_TRUE(reserve_password_check(u, p, now + kPasswordCheckSeconds));
  EXPECT_EQ(password_checks_in_flight(u, now + kPasswordCheckSeconds), 1);
  // A locked counter reserves nothing.
  u.password_failures.locked_until = now + 5000;
  EXPECT_FALSE(reserve_password_check(u, p, now + 100));
}

TEST(RateLimiter, GivenBackTokensNeverExceedTheBurst) {
  RateLimiter limiter({2, 1, 100});
  EXPECT_TRUE(limiter.take("a", 0).allowed);
  limiter.give_back("a", 0);
  limiter.give_back("a", 0);
  EXPECT_TRUE(limiter.take("a", 0).allowed);
  EXPECT_TRUE(limiter.take("a", 0).allowed);
  EXPECT_FALSE(limiter.take("a", 0).allowed);
}

TEST(RateLimiter, BurstThenRefill) {
  RateLimiter limiter({3, 1, 100});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("10.0.0.1", 0).allowed);
  auto refused = limiter.take("10.0.0.1", 0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1);
  EXPECT_TRUE(limiter.take("10.0.0.2", 0).allowed) << "buckets are per client";
  EXPECT_FALSE(limiter.take("10.0.0.1", 500).allowed);
  EXPECT_TRUE(limiter.take("10.0.0.1", 1000).allowed);
  // Refill never exceeds the burst.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("10.0.0.1", 1'000'000).allowed);
  EXPECT_FALSE(limiter.take("10.0.0.1", 1'000'000).allowed);
}

TEST(RateLimiter, KeepsBoundedState) {
  RateLimiter limiter({2, 1, 10});
  for (int i = 0; i < 1000; ++i) (void)limiter.take("client" + std::to_string(i), i * 10'000);
  // Old, refilled buckets were dropped, so a long-gone client starts full.
  EXPECT_TRUE(limiter.take("client0", 20'000'000).allowed);
}

TEST(AcceptLanguage, PicksTheHighestQuality) {
  EXPECT_EQ(lang_from_accept_language(""), Lang::en);
  EXPECT_EQ(lang_from_accept_language("zh-TW"), Lang::zh_Hant);
  EXPECT_EQ(lang_from_accept_language("zh-HK,zh;q=0.8"), Lang::zh_Hant);
  EXPECT_EQ(lang_from_accept_language("en;q=0.5, zh-CN;q=0.9"), Lang::zh_Hans);
  EXPECT_EQ(lang_from_accept_language("zh-Hant;q=0.1, fr"), Lang::en);
  EXPECT_EQ(lang_from_accept_language("*;q=1, zh"), Lang::zh_Hans);
  // Junk never fails: an unreadable q counts as 0, empty ranges are skipped.
  EXPECT_EQ(lang_from_accept_language(";;;,,,zh-;q=abc"), Lang::zh_Hans);
  EXPECT_EQ(lang_from_accept_language("zh;q=abc, en;q=0.001"), Lang::en);
}

TEST(MobileKeyExchange, BothSidesDeriveTheSameOcraSecret) {
  std::vector<std::uint8_t> pk(crypto_kx_PUBLICKEYBYTES), sk(crypto_kx_SECRETKEYBYTES);
  ASSERT_EQ(crypto_kx_keypair(pk.data(), sk.data()), 0);
  for (const char* text : {"OCRA-1:HOTP-SHA256-7:QN06-PSHA256", "OCRA-1:HOTP-SHA512-7:QN06"}) {
    auto suite = OcraSuite::parse(text);
    auto server = mobile_key_server_exchange(pk, *suite);
    ASSERT_TRUE(server);
    EXPECT_EQ(server->ocra_secret.size(), ocra_hash_bytes(suite->hash()));
    auto phone = mobile_key_client_secret(pk, sk, server->server_kx_public_key, *suite);
    ASSERT_TRUE(phone);
    EXPECT_TRUE(std::equal(phone->view().begin(), phone->view().end(), server->ocra_secret.view().begin(),
                           server->ocra_secret.view().end()));
    auto again = mobile_key_server_exchange(pk, *suite);
    EXPECT_FALSE(std::equal(again->ocra_secret.view().begin(), again->ocra_secret.view().end(),
                            server->ocra_secret.view().begin()))
        << "a fresh server key pair per activation";
  }
  EXPECT_EQ(
      mobile_key_server_exchange(std::vector<std::uint8_t>(31), *OcraSuite::parse("OCRA-1:HOTP-SHA256-7:QN06")).code(),
      Errc::bad_argument);
}

TEST(MobileKeyExchange, DerivationMatchesTheDocumentedFormula) {
  // The browser simulator reimplements the derivation; pin it down here.
  std::vector<std::uint8_t> pk(32), sk(32);
  ASSERT_EQ(crypto_kx_keypair(pk.data(), sk.data()), 0);
  auto suite = OcraSuite::parse("OCRA-1:HOTP-SHA256-7:QN06-PSHA256");
  auto server = mobile_key_server_exchange(pk, *suite);
  std::uint8_t rx[32], tx[32];
  ASSERT_EQ(crypto_kx_client_session_keys(rx, tx, pk.data(), sk.data(), server->server_kx_public_key.data()), 0);
  std::vector<std::uint8_t> msg(kMobileKeyOcraContext.begin(), kMobileKeyOcraContext.end());
  msg.insert(msg.end(), tx, tx + 32);
  msg.insert(msg.end(), rx, rx + 32);
  std::uint8_t expected[32];
  crypto_generichash(expected, 32, msg.data(), msg.size(), nullptr, 0);
  EXPECT_TRUE(std::equal(expected, expected + 32, server->ocra_secret.view().begin()));
}

TEST(TypedCodes, DigitCodesAndTemporaryCodesAreNormalised) {
  EXPECT_EQ(parse_code("123 456", kSmsCodeFormat).value(), "123456");
  EXPECT_EQ(parse_code("１２３４５６", kSmsCodeFormat).value(), "123456");
  EXPECT_EQ(parse_code("12345", kSmsCodeFormat).code(), Errc::sms_code_format);
  EXPECT_EQ(parse_code("12345a", kSmsCodeFormat).code(), Errc::sms_code_format);
  EXPECT_EQ(parse_code("1234 5678", kActivationCodeFormat).value(), "12345678");
  EXPECT_EQ(parse_code("123456", kActivationCodeFormat).code(), Errc::activation_bad_code);
  const std::string code = generate_temp_code();
  EXPECT_EQ(code.size(), kTempCodeFormat.length);
  EXPECT_EQ(parse_code(format_temp_code(code), kTempCodeFormat).value(), code);
  EXPECT_EQ(parse_code("abcde-fghjk", kTempCodeFormat).value(), "ABCDEFGHJK");
  EXPECT_EQ(parse_code("OIL00-00000", kTempCodeFormat).value(), "0110000000");  // look-alikes mapped
  EXPECT_EQ(parse_code("ABCDE-FGHJ", kTempCodeFormat).code(), Errc::temp_code_format);
  EXPECT_EQ(parse_code("ABCDE-FGHJU", kTempCodeFormat).code(), Errc::temp_code_format);
  EXPECT_EQ(generate_digits(8).size(), 8u);
  EXPECT_EQ(mask_phone("+85291234567"),
            "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2"
            "4567");
  EXPECT_EQ(mask_phone("123"), "123");
}

TEST(DeviceSignatures, VerifyOnlyTheSignedMessage) {
  auto pair = Ed25519KeyPair::generate();
  const std::string msg = push_decision_message("tx", "42", "approve");
  EXPECT_EQ(msg, "SLS-PUSH-1|tx|42|approve");
  const std::string sig = sign_device_message(pair.secret_key(), msg);
  EXPECT_TRUE(verify_device_signature(pair.public_key(), msg, sig));
  EXPECT_FALSE(verify_device_signature(pair.public_key(), push_decision_message("tx", "43", "approve"), sig));
  EXPECT_FALSE(verify_device_signature(pair.public_key(), msg, sig.substr(1)));
  EXPECT_FALSE(verify_device_signature(pair.public_key(), msg, "not base64!"));
  EXPECT_FALSE(verify_device_signature(std::vector<std::uint8_t>(31), msg, sig));
  EXPECT_EQ(device_pull_message("dev", 17), "SLS-PULL-1|dev|17");
  EXPECT_EQ(qr_approval_message("SLS1.X"), "SLS-QR-1|SLS1.X|approve");
}

TEST(SmsText, InEveryLanguageWithTheCode) {
  for (Lang lang : {Lang::en, Lang::zh_Hant, Lang::zh_Hans}) {
    const std::string text = sms_login_text("042917", 10, lang);
    EXPECT_NE(text.find("042917"), std::string::npos);
    EXPECT_NE(text.find("10"), std::string::npos);
    EXPECT_EQ(code_in_sms(text), "042917");
  }
  EXPECT_NE(sms_login_text("1", 10, Lang::zh_Hant), sms_login_text("1", 10, Lang::zh_Hans));
}

TEST(CardPage, ListsEveryCellAndEscapesText) {
  auto card = CodeCard::generate("<0042>", 12);
  ASSERT_TRUE(card);
  const std::string html = code_card_html(*card, "a&b", kStartTime + 21 * 86400, Lang::zh_Hant);
  EXPECT_NE(html.find("&lt;0042&gt;"), std::string::npos);
  EXPECT_NE(html.find("a&amp;b"), std::string::npos);
  EXPECT_EQ(html.find("<0042>"), std::string::npos);
  EXPECT_NE(html.find("lang=\"zh-Hant\""), std::string::npos);
  EXPECT_NE(html.find("2026-01-26"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
  for (std::size_t i = 1; i <= 12; ++i) {
    EXPECT_NE(html.find("<small>" + std::to_string(i) + "</small>" + std::string(*card->code(i))), std::string::npos);
  }
}

// A pending push is answered from memory only while nothing could have
// changed it: not once a change was announced (also one announced while
// the answer was being read), not past its expiry or its recheck time, and
// only for the secret of its login.
TEST(PendingPushCache, AnswersOnlyWhatCannotHaveChanged) {
  PendingPushCache cache;
  const std::vector<std::uint8_t> secret{1, 2, 3};
  auto right = [&](std::span<const std::uint8_t> h) {
    return std::equal(h.begin(), h.end(), secret.begin(), secret.end());
  };
  auto wrong = [](std::span<const std::uint8_t>) { return false; };
  const std::int64_t now_ms = 1000000;
  cache.remember("tx1", secret, 1100, now_ms, cache.generation("tx1"));
  EXPECT_EQ(cache.pending_until("tx1", now_ms, right), 1100);
  EXPECT_EQ(cache.pending_until("tx1", now_ms, wrong), std::nullopt);
  EXPECT_EQ(cache.pending_until("tx2", now_ms, right), std::nullopt);
  // Due for a recheck, and expired (the store settles the expiry).
  EXPECT_EQ(cache.pending_until("tx1", now_ms + PendingPushCache::kRecheckMs, right), std::nullopt);
  // A held request may still park on it (it sends nothing from memory).
  EXPECT_EQ(cache.pending_until("tx1", now_ms + PendingPushCache::kRecheckMs, right, PendingPushCache::Use::park),
            1100);
  EXPECT_EQ(cache.pending_until("tx1", now_ms + PendingPushCache::kRecheckMs, wrong, PendingPushCache::Use::park),
            std::nullopt);
  cache.remember("tx3", secret, 1002, now_ms, cache.generation("tx3"));
  EXPECT_EQ(cache.pending_until("tx3", 1001999, right), 1002);
  EXPECT_EQ(cache.pending_until("tx3", 1002000, right), std::nullopt);
  // A change drops the entry.
  cache.forget("tx1");
  EXPECT_EQ(cache.pending_until("tx1", now_ms, right), std::nullopt);
  // An answer read before a change that was announced meanwhile is not kept.
  const std::uint64_t before = cache.generation("tx4");
  cache.forget("tx4");
  cache.remember("tx4", secret, 1100, now_ms, before);
  EXPECT_EQ(cache.pending_until("tx4", now_ms, right), std::nullopt);
  // A change of another push does not (unless it shares the stripe, which
  // these two do not).
  const std::uint64_t before5 = cache.generation("tx5");
  cache.forget("tx6");
  cache.remember("tx5", secret, 1100, now_ms, before5);
  EXPECT_EQ(cache.pending_until("tx5", now_ms, right), 1100);
  // The hash handed to the check is the one kept, at its length: a longer
  // one kept before is replaced whole, and one too long is not kept.
  const std::vector<std::uint8_t> longer{1, 2, 3, 4};
  cache.remember("tx7", longer, 1100, now_ms, cache.generation("tx7"));
  EXPECT_EQ(cache.pending_until("tx7", now_ms, right), std::nullopt);
  cache.remember("tx7", secret, 1100, now_ms, cache.generation("tx7"));
  EXPECT_EQ(cache.pending_until("tx7", now_ms, right), 1100);
  const std::vector<std::uint8_t> too_long(PendingPushCache::kMaxSecretHashBytes + 1, 1);
  cache.remember("tx8", too_long, 1100, now_ms, cache.generation("tx8"));
  EXPECT_EQ(cache.pending_until("tx8", now_ms, [](std::span<const std::uint8_t>) { return true; }), std::nullopt);
}

TEST(PendingPushCache, StaysWithinItsBound) {
  PendingPushCache cache(2);
  const std::vector<std::uint8_t> secret{7};
  auto any = [](std::span<const std::uint8_t>) { return true; };
  cache.remember("a", secret, 2000, 1000000, cache.generation("a"));
  cache.remember("b", secret, 2000, 1000000, cache.generation("b"));
  cache.remember("c", secret, 2000, 1000000, cache.generation("c"));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.pending_until("c", 1000000, any), std::nullopt);
  // Once the others are due for a recheck, they make room.
  const std::int64_t later = 1000000 + PendingPushCache::kRecheckMs;
  cache.remember("c", secret, 2000, later, cache.generation("c"));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.pending_until("c", later, any), 2000);
}

}  // namespace
}  // namespace sls::server::testing
