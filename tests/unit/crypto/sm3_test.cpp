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
