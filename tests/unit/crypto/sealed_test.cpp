// SM4-CTR + HMAC-SM3 sealed data: round trips, and every kind of damage is
// refused with its reason.
#include <gtest/gtest.h>

#include "crypto/bytes.hpp"
#include "crypto/sealed.hpp"

using namespace yiwang::crypto;

namespace {
DataKey key(std::uint32_t id, char fill = 'k') {
  return DataKey::derive(id, std::string(32, fill));
}
}  // namespace

TEST(Sealed, RoundTripsAnyPlaintext) {
  auto k = key(7);
  for (std::string plain : {std::string(), std::string("11010519491231002X"),
                            std::string("北京市东城区正义路2号"), std::string(100000, '\0')}) {
    std::string s = seal(k, plain, "t.c");
    EXPECT_EQ(s.size(), plain.size() + kSealedOverhead);
    auto back = open_sealed(k, s, "t.c");
    ASSERT_TRUE(back) << back.error().key;
    EXPECT_EQ(*back, plain);
  }
}

TEST(Sealed, SamePlaintextSealsDifferently) {
  auto k = key(1);
  EXPECT_NE(seal(k, "110105194912310029", "c"), seal(k, "110105194912310029", "c"));
}

TEST(Sealed, CarriesTheKeyId) {
  auto s = seal(key(0x01020304), "x", "c");
  EXPECT_EQ(sealed_key_id(s), 0x01020304u);
  EXPECT_EQ(s.substr(1, 4), std::string("\x01\x02\x03\x04", 4));
  EXPECT_FALSE(sealed_key_id("short"));
}

TEST(Sealed, EveryChangedByteIsRefused) {
  auto k = key(3);
  std::string s = seal(k, "a citizen number", "c");
  for (std::size_t i = 5; i < s.size(); ++i) {  // bytes 1–4 name the key: wrong_key
    std::string t = s;
    t[i] = static_cast<char>(t[i] ^ 0x01);
    auto r = open_sealed(k, t, "c");
    ASSERT_FALSE(r) << "byte " << i;
    EXPECT_EQ(r.error().key, "crypto.sealed.altered") << "byte " << i;
  }
}

TEST(Sealed, ReasonsForRefusal) {
  auto k = key(3);
  std::string s = seal(k, "value", "identity_accounts.phone");
  EXPECT_EQ(open_sealed(k, s, "identity_accounts.address").error().key, "crypto.sealed.altered");
  EXPECT_EQ(open_sealed(key(4), s, "identity_accounts.phone").error().key,
            "crypto.sealed.wrong_key");
  EXPECT_EQ(open_sealed(key(3, 'z'), s, "identity_accounts.phone").error().key,
            "crypto.sealed.altered");  // same id, other material
  EXPECT_EQ(open_sealed(k, s.substr(0, kSealedOverhead - 1), "c").error().key,
            "crypto.sealed.malformed");
  std::string v2 = s;
  v2[0] = 2;
  EXPECT_EQ(open_sealed(k, v2, "identity_accounts.phone").error().key, "crypto.sealed.malformed");
  std::string truncated = s.substr(0, s.size() - 1);
  EXPECT_FALSE(open_sealed(k, truncated, "identity_accounts.phone"));
}

TEST(Sealed, KeysDeriveIndependentHalves) {
  auto k = key(1);
  EXPECT_EQ(k.enc_key.size(), 16u);
  EXPECT_EQ(k.mac_key.size(), 32u);
  EXPECT_NE(k.enc_key.view(), k.mac_key.view().substr(0, 16));
}
