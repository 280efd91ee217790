// TOTP (RFC 6238 vectors), base32 (RFC 4648 vectors), the otpauth URI, code
// checking and its window, recovery codes and the enrolment QR code.
#include <set>

#include <gtest/gtest.h>

#include "identity/qr_code.hpp"
#include "identity/second_factor_store.hpp"
#include "identity/totp.hpp"

using namespace yiwang::identity;

namespace {
const std::string kRfcSecret = "12345678901234567890";  // RFC 6238 Appendix B, SHA1

std::string key_of(const yiwang::Result<std::int64_t>& r) {
  return r ? "ok" : r.error().key + "@" + r.error().field;
}
}  // namespace

TEST(Totp, Rfc6238AppendixBSha1) {
  const std::pair<std::int64_t, std::string> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& [t, code] : vectors) {
    EXPECT_EQ(totp_code(kRfcSecret, t, 30, 8), code) << t;
    EXPECT_EQ(totp_code(kRfcSecret, t), code.substr(2)) << t;  // 6 digits: the last six
  }
  EXPECT_EQ(totp_step(59), 1);
  EXPECT_EQ(totp_step(1111111109), 37037036);
}

TEST(Totp, Rfc4226AppendixDHotp) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t i = 0; i < 10; ++i) EXPECT_EQ(hotp_code(kRfcSecret, i), expected[i]) << i;
}

TEST(Base32, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "MY"},
                                                         {"fo", "MZXQ"},
                                                         {"foo", "MZXW6"},
                                                         {"foob", "MZXW6YQ"},
                                                         {"fooba", "MZXW6YTB"},
                                                         {"foobar", "MZXW6YTBOI"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base32_encode(plain), encoded);
    auto back = base32_decode(encoded);
    ASSERT_TRUE(back) << encoded;
    EXPECT_EQ(*back, plain);
  }
  EXPECT_EQ(base32_encode(kRfcSecret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(Base32, DecodingIsTolerantButRefusesBadCharacters) {
  EXPECT_EQ(base32_decode("mzxw6ytboi").value(), "foobar");
  EXPECT_EQ(base32_decode("MZXW 6YTB OI").value(), "foobar");
  EXPECT_EQ(base32_decode("MZXW6YQ=").value(), "foob");
  EXPECT_EQ(base32_decode("MZXW6YTBOI======").value(), "foobar");
  for (const char* bad : {"MZXW1", "MZXW8", "MZ!W", "MZXW6YQ=A", "M", "MZX", "MZXW6Y", "中文"}) {
    auto r = base32_decode(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().key, "identity.totp.bad_secret");
    EXPECT_EQ(r.error().field, "secret");
  }
  std::string secret = generate_totp_secret();
  EXPECT_EQ(secret.size(), 20u);
  EXPECT_NE(generate_totp_secret(), secret);
  EXPECT_EQ(base32_decode(base32_encode(secret)).value(), secret);
}

TEST(Totp, OtpauthUri) {
  std::string uri = otpauth_uri("Yiwang", "sysadmin", kRfcSecret);
  EXPECT_EQ(uri,
            "otpauth://totp/Yiwang:sysadmin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=Yiwang&algorithm=SHA1&digits=6&period=30");
  // A Chinese issuer is UTF-8, percent-encoded in the label and the parameter.
  std::string zh = otpauth_uri("示范市 政务", "zhang.san@example", kRfcSecret);
  EXPECT_TRUE(
      zh.starts_with("otpauth://totp/%E7%A4%BA%E8%8C%83%E5%B8%82%20%E6%94%BF%E5%8A%A1:"
                     "zhang.san%40example?secret="))
      << zh;
  EXPECT_NE(zh.find("&issuer=%E7%A4%BA%E8%8C%83%E5%B8%82%20%E6%94%BF%E5%8A%A1&"),
            std::string::npos);
  // Characters with a meaning in URIs cannot break out of their part.
  std::string odd = otpauth_uri("a:b&c", "x?y#z", kRfcSecret);
  EXPECT_TRUE(odd.starts_with("otpauth://totp/a%3Ab%26c:x%3Fy%23z?secret=")) << odd;
}

TEST(Totp, VerifyAcceptsOneStepEitherSideOnly) {
  const std::int64_t now = 1111111111;  // inside step 37037037
  const std::int64_t step = totp_step(now);
  for (int delta = -2; delta <= 2; ++delta) {
    std::string code = totp_code(kRfcSecret, now + delta * 30);
    auto r = verify_totp(kRfcSecret, code, now, std::nullopt);
    if (delta >= -1 && delta <= 1) {
      ASSERT_TRUE(r) << delta;
      EXPECT_EQ(*r, step + delta);
    } else {
      EXPECT_EQ(key_of(r), "identity.totp.wrong_code@code") << delta;
    }
  }
  // The step boundary: the last second of a step and the first of the next.
  std::int64_t edge = (step + 1) * 30;
  EXPECT_EQ(verify_totp(kRfcSecret, totp_code(kRfcSecret, edge - 1), edge, std::nullopt).value(),
            step);
  EXPECT_EQ(
      key_of(verify_totp(kRfcSecret, totp_code(kRfcSecret, edge - 31), edge + 30, std::nullopt)),
      "identity.totp.wrong_code@code");
  // Another secret's code is wrong.
  EXPECT_EQ(
      key_of(verify_totp("another secret of 20b", totp_code(kRfcSecret, now), now, std::nullopt)),
      "identity.totp.wrong_code@code");
}

TEST(Totp, VerifyRefusesReplays) {
  const std::int64_t now = 1234567890;
  const std::int64_t step = totp_step(now);
  std::string code = totp_code(kRfcSecret, now);
  EXPECT_EQ(verify_totp(kRfcSecret, code, now, step - 1).value(), step);
  EXPECT_EQ(key_of(verify_totp(kRfcSecret, code, now, step)), "identity.totp.replayed@code");
  // A code older than one already used is a replay too.
  EXPECT_EQ(key_of(verify_totp(kRfcSecret, code, now, step + 1)), "identity.totp.replayed@code");
  // The next step's code still works after this one was used.
  EXPECT_EQ(verify_totp(kRfcSecret, totp_code(kRfcSecret, now + 30), now + 30, step).value(),
            step + 1);
}

TEST(Totp, CodeFormat) {
  const std::int64_t now = 1234567890;
  std::string code = totp_code(kRfcSecret, now);  // "005924"
  ASSERT_EQ(code, "005924");
  EXPECT_EQ(normalise_totp_code(" 005 924 ").value(), "005924");
  EXPECT_EQ(normalise_totp_code("００５９２４").value(), "005924");
  EXPECT_EQ(normalise_totp_code("\u3000005924\u3000").value(), "005924");
  EXPECT_TRUE(verify_totp(kRfcSecret, "００５ ９２４", now, std::nullopt));
  for (std::string bad : {std::string(""), std::string("   "), std::string("05924"),
                          std::string("0059244"), std::string("00592a"), std::string("abcdef"),
                          std::string("<script>"), std::string("005924<script>alert(1)</script>"),
                          std::string(10000, '1'), std::string("00592４x"), std::string("-05924"),
                          std::string("005\0924", 7), std::string("٠٠٥٩٢٤")}) {
    auto r = verify_totp(kRfcSecret, bad, now, std::nullopt);
    EXPECT_EQ(key_of(r), "identity.totp.invalid_format@code") << bad.substr(0, 40);
  }
}

TEST(RecoveryCodes, ShapeAndAlphabet) {
  EXPECT_EQ(kRecoveryAlphabet.size(), 31u);
  for (char c : std::string("01ilo")) EXPECT_EQ(kRecoveryAlphabet.find(c), std::string::npos);
  std::set<std::string> seen;
  std::set<char> used;
  for (int i = 0; i < 300; ++i) {
    std::string code = generate_recovery_code();
    ASSERT_EQ(code.size(), 14u) << code;
    EXPECT_EQ(code[4], '-');
    EXPECT_EQ(code[9], '-');
    for (std::size_t j = 0; j < code.size(); ++j)
      if (j != 4 && j != 9) {
        EXPECT_NE(kRecoveryAlphabet.find(code[j]), std::string::npos) << code;
        used.insert(code[j]);
      }
    EXPECT_EQ(normalise_recovery_code(code).value(), code);
    seen.insert(code);
  }
  EXPECT_EQ(seen.size(), 300u);
  EXPECT_EQ(used.size(), kRecoveryAlphabet.size());  // 3600 draws reach every character
}

TEST(RecoveryCodes, TypedFormsNormalise) {
  EXPECT_EQ(normalise_recovery_code("ABCD-EFGH-JKMN").value(), "abcd-efgh-jkmn");
  EXPECT_EQ(normalise_recovery_code(" abcd efgh jkmn ").value(), "abcd-efgh-jkmn");
  EXPECT_EQ(normalise_recovery_code("abcdefghjkmn").value(), "abcd-efgh-jkmn");
  EXPECT_EQ(normalise_recovery_code("ａｂｃｄ－ｅｆｇｈ－ｊｋｍｎ").value(), "abcd-efgh-jkmn");
  for (std::string bad : {"", "abcd-efgh-jkm", "abcd-efgh-jkmnp", "abcd-efgh-jkm0",
                          "abcd-efgh-jkml", "<script>x</script>", "123456"}) {
    auto r = normalise_recovery_code(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().key, "identity.recovery.invalid_format");
    EXPECT_EQ(r.error().field, "code");
  }
  EXPECT_FALSE(normalise_recovery_code(std::string(1000, 'a')));
  EXPECT_EQ(recovery_code_digest("abcd-efgh-jkmn").size(), 64u);
  EXPECT_NE(recovery_code_digest("abcd-efgh-jkmn"), recovery_code_digest("abcd-efgh-jkmp"));
}

TEST(QrCode, SvgWithOnePathThatGrowsWithTheText) {
  auto small = qr_svg("otpauth://totp/a:b?secret=MZXW6", "二维码");
  ASSERT_TRUE(small);
  EXPECT_TRUE(small->starts_with("<svg "));
  EXPECT_TRUE(small->ends_with("</svg>"));
  EXPECT_NE(small->find(R"(role="img")"), std::string::npos);
  EXPECT_NE(small->find(R"(aria-label="二维码")"), std::string::npos);
  EXPECT_NE(small->find(R"(shape-rendering="crispEdges")"), std::string::npos);
  EXPECT_NE(small->find("viewBox=\"0 0 "), std::string::npos);
  // One path of dark modules, starting inside the 4-module quiet zone.
  std::size_t path = small->find("<path");
  ASSERT_NE(path, std::string::npos);
  EXPECT_EQ(small->find("<path", path + 1), std::string::npos);
  EXPECT_NE(small->find(R"(d="M4 4h7v1h-7z)"), std::string::npos);  // finder pattern's top row
  // A symbol is 17 + 4·version modules wide, plus the quiet zone on both sides.
  int size = std::stoi(small->substr(small->find("viewBox=\"0 0 ") + 13));
  EXPECT_EQ((size - 8 - 17) % 4, 0) << size;
  EXPECT_GE(size, 21 + 8);

  std::string uri = otpauth_uri("示范市人民政府", "zhangsan", generate_totp_secret());
  auto big = qr_svg(uri, "label");
  ASSERT_TRUE(big);
  EXPECT_GT(big->size(), small->size());
  auto huge = qr_svg(std::string(1000, 'x'), "label");
  ASSERT_TRUE(huge);
  EXPECT_GT(huge->size(), big->size());
}

TEST(QrCode, EscapesTheLabelAndRefusesWhatCannotBeEncoded) {
  auto svg = qr_svg("x", R"(a"b<c>&d)");
  ASSERT_TRUE(svg);
  EXPECT_NE(svg->find(R"(aria-label="a&quot;b&lt;c&gt;&amp;d")"), std::string::npos) << *svg;
  EXPECT_EQ(qr_svg("", "l").error().key, "identity.qr.failed");
  EXPECT_EQ(qr_svg(std::string("a\0b", 3), "l").error().key, "identity.qr.failed");
  EXPECT_EQ(qr_svg(std::string(5000, 'x'), "l").error().key, "identity.qr.too_long");
}
