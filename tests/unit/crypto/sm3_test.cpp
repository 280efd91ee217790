// SM3 against the examples of GB/T 32905-2016 (Appendix A).
#include <gtest/gtest.h>

#include "crypto/sm3.hpp"

using yiwang::crypto::sm3;
using yiwang::crypto::to_hex;

TEST(Sm3, StandardExampleOne) {
  EXPECT_EQ(to_hex(sm3("abc")), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

TEST(Sm3, StandardExampleTwo) {
  std::string m;
  for (int i = 0; i < 16; ++i) m += "abcd";
  EXPECT_EQ(to_hex(sm3(m)), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
}

TEST(Sm3, IncrementalEqualsOneShot) {
  yiwang::crypto::Sm3 h;
  h.update("ab");
  h.update("");
  h.update("c");
  EXPECT_EQ(to_hex(h.finish()), to_hex(sm3("abc")));
}

// HMAC-SM3 by its definition (RFC 2104) over the SM3 above, so the check does
// not lean on the implementation under test.
static std::string hmac_by_definition(std::string key, std::string_view data) {
  if (key.size() > 64) key = std::string(yiwang::crypto::bytes_of(sm3(key)));
  key.resize(64, '\0');
  std::string ipad(key), opad(key);
  for (auto& c : ipad) c = static_cast<char>(c ^ 0x36);
  for (auto& c : opad) c = static_cast<char>(c ^ 0x5c);
  auto inner = sm3(ipad + std::string(data));
  return to_hex(sm3(opad + std::string(yiwang::crypto::bytes_of(inner))));
}

TEST(HmacSm3, MatchesTheDefinition) {
  for (std::string key : {std::string("1234567890123456"), std::string(100, 'k'), std::string()})
    for (std::string msg : {std::string("abc"), std::string(), std::string(1000, 'x')})
      EXPECT_EQ(to_hex(yiwang::crypto::hmac_sm3(key, msg)), hmac_by_definition(key, msg));
}

TEST(HmacSm3, MatchesOpenSslCommandLine) {
  // echo -n abc | openssl mac -digest SM3 -macopt hexkey:3132…3536 HMAC
  EXPECT_EQ(to_hex(yiwang::crypto::hmac_sm3("1234567890123456", "abc")),
            "d70b18484ec3af94bbab51d98a6de822ad14d06acf516256d502b3f0f988df91");
}

TEST(HkdfSm3, DifferentLabelsGiveDifferentKeys) {
  auto a = yiwang::crypto::hkdf_sm3("secret material", "salt", "label a", 32);
  auto b = yiwang::crypto::hkdf_sm3("secret material", "salt", "label b", 32);
  auto a2 = yiwang::crypto::hkdf_sm3("secret material", "salt", "label a", 32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, a2);
  EXPECT_NE(a, b);
  EXPECT_NE(a, yiwang::crypto::hkdf_sm3("secret material", "other salt", "label a", 32));
  // Extract-then-expand by definition: PRK = HMAC(salt, IKM); T1 = HMAC(PRK, info ‖ 0x01).
  auto prk = yiwang::crypto::hmac_sm3("salt", "secret material");
  auto t1 =
      yiwang::crypto::hmac_sm3(yiwang::crypto::bytes_of(prk), std::string("label a") + '\x01');
  EXPECT_EQ(a, std::string(yiwang::crypto::bytes_of(t1)));
}
