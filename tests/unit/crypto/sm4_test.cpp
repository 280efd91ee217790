// SM4 against the examples of GB/T 32907-2016 (Appendix A).
#include <gtest/gtest.h>

#include "crypto/bytes.hpp"
#include "crypto/sm4.hpp"

using namespace yiwang::crypto;

namespace {
const std::string kKey = *unhex("0123456789abcdeffedcba9876543210");
}

TEST(Sm4, StandardExampleOneEncryption) {
  auto enc = Sm4Block::create(kKey, true);
  ASSERT_TRUE(enc);
  EXPECT_EQ(hex(*enc->apply(kKey)), "681edf34d206965e86b3e94f536e4246");
  auto dec = Sm4Block::create(kKey, false);
  EXPECT_EQ(hex(*dec->apply(*unhex("681edf34d206965e86b3e94f536e4246"))),
            "0123456789abcdeffedcba9876543210");
}

TEST(Sm4, StandardExampleAMillionEncryptions) {
  auto enc = Sm4Block::create(kKey, true);
  auto out = enc->repeat(kKey, 1000000);
  ASSERT_TRUE(out);
  EXPECT_EQ(hex(*out), "595298c7c6fd271f0402f804c33d3f66");
  auto dec = Sm4Block::create(kKey, false);
  EXPECT_EQ(hex(*dec->repeat(*out, 1000000)), hex(kKey));
}

TEST(Sm4, RefusesWrongSizes) {
  auto bad = Sm4Block::create("short", true);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "crypto.sm4.key_size");
  auto enc = Sm4Block::create(kKey, true);
  auto partial = enc->apply("fifteen bytes..");
  ASSERT_FALSE(partial);
  EXPECT_EQ(partial.error().key, "crypto.sm4.block_size");
  EXPECT_FALSE(enc->apply(""));
  EXPECT_FALSE(enc->repeat("17 bytes of input", 2));
}

TEST(Sm4, CtrIsItsOwnInverseAndMatchesEcbOnTheCounter) {
  std::string iv(16, '\0');
  std::string data = "政务数据 at rest, more than one block long, not a multiple of 16";
  std::string ct = sm4_ctr(kKey, iv, data);
  EXPECT_EQ(ct.size(), data.size());
  EXPECT_NE(ct, data);
  EXPECT_EQ(sm4_ctr(kKey, iv, ct), data);
  // The first keystream block is SM4(key, IV).
  auto enc = Sm4Block::create(kKey, true);
  std::string ks = *enc->apply(iv);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(static_cast<char>(data[i] ^ ks[i]), ct[i]) << "byte " << i;
  EXPECT_EQ(sm4_ctr(kKey, iv, ""), "");
}
