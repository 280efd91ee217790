#include "http/content_negotiation.hpp"

#include <gtest/gtest.h>

namespace yiwang::http {
namespace {

const std::vector<std::string> kAvailable = {"zh-CN", "en"};

std::string pick(std::string_view header) {
  return preferred_language(header, kAvailable, "zh-CN");
}

TEST(PreferredLanguage, ChineseVariantsMapToZhCn) {
  EXPECT_EQ(pick("zh"), "zh-CN");
  EXPECT_EQ(pick("zh-CN"), "zh-CN");
  EXPECT_EQ(pick("zh-cn"), "zh-CN");
  EXPECT_EQ(pick("zh-Hans-CN"), "zh-CN");
  EXPECT_EQ(pick("zh-Hans"), "zh-CN");
  EXPECT_EQ(preferred_language("zh-TW", kAvailable, "en"),
            "zh-CN");  // same language beats fallback
}

TEST(PreferredLanguage, EnglishVariantsMapToEn) {
  EXPECT_EQ(pick("en-US"), "en");
  EXPECT_EQ(pick("en-GB,en;q=0.9"), "en");
  EXPECT_EQ(pick("EN"), "en");
  EXPECT_EQ(pick("en_US"), "en");
}

TEST(PreferredLanguage, HonoursQValues) {
  EXPECT_EQ(pick("zh-CN;q=0.5, en;q=0.8"), "en");
  EXPECT_EQ(pick("en;q=0.5, zh;q=0.9"), "zh-CN");
  EXPECT_EQ(pick("fr-FR, fr;q=0.9, en;q=0.8, zh;q=0.7"), "en");
  EXPECT_EQ(pick("en;q=0.8, zh-CN;q=0.8"), "en");  // equal q: header order
  EXPECT_EQ(pick("en;Q=1.000 , zh ; q=0.999"), "en");
}

TEST(PreferredLanguage, QZeroIsNeverChosen) {
  EXPECT_EQ(preferred_language("en;q=0", kAvailable, "zh-CN"), "zh-CN");
  EXPECT_EQ(preferred_language("en;q=0, zh;q=0", kAvailable, "fallback"), "fallback");
  EXPECT_EQ(preferred_language("zh-CN;q=0, zh;q=0.5, en;q=0.1", kAvailable, "zh-CN"), "en");
  EXPECT_EQ(preferred_language("*, en;q=0", kAvailable, "en"), "zh-CN");
}

TEST(PreferredLanguage, WildcardAndFallback) {
  EXPECT_EQ(preferred_language("*", kAvailable, "en"), "en");
  EXPECT_EQ(preferred_language("fr, *;q=0.1", kAvailable, "zh-CN"), "zh-CN");
  EXPECT_EQ(preferred_language("", kAvailable, "zh-CN"), "zh-CN");
  EXPECT_EQ(preferred_language("fr-CA, de", kAvailable, "zh-CN"), "zh-CN");
  EXPECT_EQ(preferred_language("en", {}, "zh-CN"), "zh-CN");
}

TEST(PreferredLanguage, SurvivesGarbage) {
  EXPECT_EQ(pick(",,, ;;; ,"), "zh-CN");
  EXPECT_EQ(pick("en;q=2"), "zh-CN");  // q out of range: entry ignored
  EXPECT_EQ(pick("en;q=abc, zh"), "zh-CN");
  EXPECT_EQ(pick("en;q=0.1234"), "zh-CN");                // more than three decimals
  EXPECT_EQ(pick("-, -en, en-"), "en");                   // "en-" still names English
  EXPECT_EQ(pick(std::string(10000, ',') + "en"), "en");  // empty entries do not count
  std::string many;
  for (int i = 0; i < 60; ++i) many += "fr, ";
  EXPECT_EQ(pick(many + "en"), "zh-CN");  // only the first 50 entries are read
}

TEST(PreferredLanguage, PicksRegionOrScriptAmongSeveral) {
  const std::vector<std::string> available = {"zh-CN", "zh-TW", "en"};
  EXPECT_EQ(preferred_language("zh-Hant", available, "en"), "zh-TW");
  EXPECT_EQ(preferred_language("zh-Hant-HK", available, "en"), "zh-TW");
  EXPECT_EQ(preferred_language("zh-HK", available, "en"), "zh-TW");
  EXPECT_EQ(preferred_language("zh-TW", available, "en"), "zh-TW");
  EXPECT_EQ(preferred_language("zh-Hans-SG", available, "en"), "zh-CN");
  EXPECT_EQ(preferred_language("zh", available, "en"), "zh-CN");
}

TEST(AcceptsGzip, ReadsCodingsAndQValues) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("deflate, br"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0.000"));
  EXPECT_FALSE(accepts_gzip("*, gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("*;q=0"));
  EXPECT_TRUE(accepts_gzip("gzip;q=0.001"));
  EXPECT_FALSE(accepts_gzip("gzipx, gzip;q=bad"));
}

}  // namespace
}  // namespace yiwang::http
