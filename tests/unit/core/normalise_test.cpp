#include "core/normalise.hpp"

#include <string>

#include <gtest/gtest.h>

namespace yiwang::core {
namespace {

TEST(ToHalfWidth, MapsFullWidthDigitsAndLetters) {
  EXPECT_EQ(to_half_width("１２３ＡＢＣａｂｃ"), "123ABCabc");
}

TEST(ToHalfWidth, MapsBothEndsOfTheRange) {
  EXPECT_EQ(to_half_width("！"), "!");  // U+FF01
  EXPECT_EQ(to_half_width("＿"), "_");  // U+FF3F, last of the EF BC block
  EXPECT_EQ(to_half_width("｀"), "`");  // U+FF40, first of the EF BD block
  EXPECT_EQ(to_half_width("～"), "~");  // U+FF5E
  EXPECT_EQ(to_half_width("－"), "-");  // U+FF0D full-width hyphen-minus
}

TEST(ToHalfWidth, LeavesNeighboursOfTheRangeAlone) {
  EXPECT_EQ(to_half_width("\xEF\xBC\x80"), "\xEF\xBC\x80");  // U+FF00 (unassigned)
  EXPECT_EQ(to_half_width("｟"), "｟");                      // U+FF5F
  EXPECT_EQ(to_half_width("ｶ"), "ｶ");                        // half-width katakana
  EXPECT_EQ(to_half_width("身份证"), "身份证");
}

TEST(ToHalfWidth, MapsIdeographicSpace) { EXPECT_EQ(to_half_width("a　b"), "a b"); }

TEST(ToHalfWidth, KeepsInvalidAndTruncatedBytes) {
  EXPECT_EQ(to_half_width("\xEF\xBC"), "\xEF\xBC");
  EXPECT_EQ(to_half_width("1\xFF"), "1\xFF");
  EXPECT_EQ(to_half_width(""), "");
}

TEST(NormaliseIdentifier, FullWidthSpacesAndLowercase) {
  EXPECT_EQ(normalise_identifier("　１１０１０５１９４９１２３１００２ｘ \t\r\n"),
            "11010519491231002X");
  EXPECT_EQ(normalise_identifier("91350100m000100y43"), "91350100M000100Y43");
}

TEST(NormaliseIdentifier, KeepsInteriorSpaceAndNonAscii) {
  EXPECT_EQ(normalise_identifier(" 1 2 "), "1 2");
  EXPECT_EQ(normalise_identifier("ａ中ｂ"), "A中B");
  EXPECT_EQ(normalise_identifier("   "), "");
}

TEST(IsValidUtf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8(std::string_view("a\0b", 3)));
  EXPECT_TRUE(is_valid_utf8("中文　１２３"));
  EXPECT_TRUE(is_valid_utf8("\xC2\x80"));          // U+0080, smallest 2-byte
  EXPECT_TRUE(is_valid_utf8("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(is_valid_utf8("\xE0\xA0\x80"));      // U+0800, smallest 3-byte
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF, just below surrogates
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));      // U+E000, just above surrogates
  EXPECT_TRUE(is_valid_utf8("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(is_valid_utf8("\xF0\x90\x80\x80"));  // U+10000, smallest 4-byte
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the largest
}

TEST(IsValidUtf8, RejectsOverlongForms) {
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));
}

TEST(IsValidUtf8, RejectsSurrogatesAndBeyondU10FFFF) {
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xFE"));
}

TEST(IsValidUtf8, RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("a\xBF"));
  EXPECT_FALSE(is_valid_utf8("\xC2"));
  EXPECT_FALSE(is_valid_utf8("\xE4\xB8"));
  EXPECT_FALSE(is_valid_utf8("\xE4\xB8x"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x98"));
  EXPECT_FALSE(is_valid_utf8("\xF0\x9F\x98\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("中\xE6\x96"));
}

}  // namespace
}  // namespace yiwang::core
