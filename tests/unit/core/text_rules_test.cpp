// Free-text field rules: trimming, length in characters, control characters.
#include <gtest/gtest.h>

#include "core/normalise.hpp"
#include "core/text_rules.hpp"

using yiwang::core::check_text;
namespace core = yiwang::core;

TEST(TextRules, TrimsAndCountsCharacters) {
  auto r = check_text("\xE3\x80\x80 示范市人民政府 \t", "name", 7);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "示范市人民政府");
  EXPECT_EQ(yiwang::core::utf8_length("示范市"), 3u);
  auto too_long = check_text("示范市人民政府", "name", 6);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().key, "text.too_long");
  EXPECT_EQ(too_long.error().field, "name");
  EXPECT_EQ(too_long.error().params.at("max"), "6");
}

TEST(TextRules, RejectsEmptyControlAndBadEncoding) {
  EXPECT_EQ(check_text("   ", "name", 10).error().key, "text.required");
  EXPECT_TRUE(check_text("", "note", 10, false));
  EXPECT_EQ(check_text("a\nb", "name", 10).error().key, "text.control");
  EXPECT_EQ(check_text(std::string("a\0b", 3), "name", 10).error().key, "text.control");
  EXPECT_EQ(check_text("\xC0\xAF", "name", 10).error().key, "text.encoding");
  // Markup and SQL are just text here; escaping happens where it is shown.
  EXPECT_EQ(*check_text("<script>alert(1)</script>", "name", 100), "<script>alert(1)</script>");
  EXPECT_EQ(*check_text("'; DROP TABLE x; --", "name", 100), "'; DROP TABLE x; --");
}

TEST(TextRules, CutsWithoutSplittingACharacter) {
  // 机 is three bytes: a cut inside it keeps the characters before it whole.
  EXPECT_EQ(core::cut_utf8("ab机c", 3), "ab");
  EXPECT_EQ(core::cut_utf8("ab机c", 4), "ab");
  EXPECT_EQ(core::cut_utf8("ab机c", 5), "ab机");
  EXPECT_EQ(core::cut_utf8("ab机c", 100), "ab机c");
  EXPECT_EQ(core::cut_utf8("机机", 0), "");
  EXPECT_TRUE(core::is_valid_utf8(core::cut_utf8(std::string(40, 'x') + "😀😀", 42)));
}
