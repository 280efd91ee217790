#include "http/percent_encoding.hpp"

#include <gtest/gtest.h>

namespace yiwang::http {
namespace {

TEST(PercentDecode, DecodesEscapesInEitherCase) {
  EXPECT_EQ(percent_decode("a%20b%2Fc%2fd", false), "a b/c/d");
  EXPECT_EQ(percent_decode("%E4%B8%80%e7%bd%91", false), "一网");
}

TEST(PercentDecode, PlusIsSpaceOnlyWhenAsked) {
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a%2Bb", true), "a+b");
}

TEST(PercentDecode, RejectsBadEscapes) {
  EXPECT_EQ(percent_decode("%", false), std::nullopt);
  EXPECT_EQ(percent_decode("%1", false), std::nullopt);
  EXPECT_EQ(percent_decode("%G1", false), std::nullopt);
  EXPECT_EQ(percent_decode("%1G", false), std::nullopt);
  EXPECT_EQ(percent_decode("abc%", true), std::nullopt);
  EXPECT_EQ(percent_decode("abc%2", true), std::nullopt);
  EXPECT_EQ(percent_decode("%%41", true), std::nullopt);
  EXPECT_EQ(percent_decode("% 41", true), std::nullopt);
}

TEST(PercentDecode, KeepsBytesAndDecodesOnce) {
  EXPECT_EQ(percent_decode("", false), "");
  EXPECT_EQ(percent_decode("%00", false), std::string(1, '\0'));
  EXPECT_EQ(percent_decode("%C0%AF", false), "\xC0\xAF");  // not checked here
  EXPECT_EQ(percent_decode("%252e", false), "%2e");
}

TEST(PercentEncode, KeepsUnreservedOnly) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a b/c?d=e&f+g%"), "a%20b%2Fc%3Fd%3De%26f%2Bg%25");
  EXPECT_EQ(percent_encode("一"), "%E4%B8%80");
  EXPECT_EQ(percent_encode(std::string_view("\0\xFF", 2)), "%00%FF");
}

TEST(PercentEncode, RoundTripsEveryByte) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(percent_decode(percent_encode(all), false), all);
  EXPECT_EQ(percent_decode(percent_encode(all), true), all);
}

}  // namespace
}  // namespace yiwang::http
