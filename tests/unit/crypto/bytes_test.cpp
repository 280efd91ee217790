#include <gtest/gtest.h>

#include "crypto/bytes.hpp"

using namespace yiwang::crypto;

TEST(Bytes, HexRoundTripAndRefusals) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(*unhex(hex(all)), all);
  EXPECT_EQ(*unhex("ABcd"), "\xab\xcd");
  EXPECT_FALSE(unhex("abc"));
  EXPECT_FALSE(unhex("zz"));
  EXPECT_FALSE(unhex("ab cd"));
  EXPECT_EQ(*unhex(""), "");
}

TEST(Bytes, Base64RoundTripAndRefusals) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\0\xff\x10"})
    EXPECT_EQ(*unbase64(base64(s)), s);
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_FALSE(unbase64("Zm8"));       // not padded
  EXPECT_FALSE(unbase64("Zm9=Zm8="));  // padding inside
  EXPECT_FALSE(unbase64("Zm9-"));      // URL alphabet
  EXPECT_FALSE(unbase64("Zm9\n"));
}

TEST(Bytes, EqualComparesWholeStrings) {
  EXPECT_TRUE(equal("", ""));
  EXPECT_TRUE(equal("abc", "abc"));
  EXPECT_FALSE(equal("abc", "abd"));
  EXPECT_FALSE(equal("abc", "ab"));
  EXPECT_FALSE(equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(Bytes, RandomBytesDiffer) {
  auto a = random_bytes(32), b = random_bytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

TEST(Bytes, SecretWipesOnAssignment) {
  Secret s(std::string("key material"));
  EXPECT_EQ(s.view(), "key material");
  Secret t = s;
  s = Secret();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(t.view(), "key material");
}
