#include "http/cookie.hpp"

#include <gtest/gtest.h>

#include <string>

namespace yiwang::http {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ParseCookieHeader, ReadsPairsInOrder) {
  EXPECT_EQ(parse_cookie_header("yw_session=abc123; lang=zh-CN"),
            (Pairs{{"yw_session", "abc123"}, {"lang", "zh-CN"}}));
}

TEST(ParseCookieHeader, ToleratesSpacesAndEmptyPieces) {
  EXPECT_EQ(parse_cookie_header("  a = 1 ;;  b=2;   ; c= ;"),
            (Pairs{{"a", "1"}, {"b", "2"}, {"c", ""}}));
  EXPECT_TRUE(parse_cookie_header("").empty());
  EXPECT_TRUE(parse_cookie_header(" ; ; ").empty());
}

TEST(ParseCookieHeader, StripsQuotesAndKeepsEqualsInValues) {
  EXPECT_EQ(parse_cookie_header("a=\"quoted\"; b=x=y=="), (Pairs{{"a", "quoted"}, {"b", "x=y=="}}));
}

TEST(ParseCookieHeader, SkipsMalformedPairs) {
  EXPECT_EQ(parse_cookie_header("novalue; =anon; bad name=1; ok=1; sp=a b; q=\"x; c=\\; "
                                "comma=a,b; ctl=a\x01; good=2"),
            (Pairs{{"ok", "1"}, {"good", "2"}}));
  EXPECT_EQ(parse_cookie_header(std::string("n=a\0b; m=1", 10)), (Pairs{{"m", "1"}}));
  EXPECT_EQ(parse_cookie_header("u=\xE4\xB8\x80; v=1"), (Pairs{{"v", "1"}}));
}

TEST(ParseCookieHeader, ReadsAtMostFifty) {
  std::string header;
  for (int i = 0; i < 200; ++i) header += "c" + std::to_string(i) + "=" + std::to_string(i) + "; ";
  const auto cookies = parse_cookie_header(header);
  ASSERT_EQ(cookies.size(), kMaxCookies);
  EXPECT_EQ(cookies.back().first, "c49");
}

TEST(FormatSetCookie, SafeDefaults) {
  EXPECT_EQ(format_set_cookie({.name = "yw_session", .value = "abc"}),
            "yw_session=abc; Path=/; HttpOnly; SameSite=Lax");
}

TEST(FormatSetCookie, AllAttributes) {
  SetCookie cookie{.name = "sid",
                   .value = "v1",
                   .path = "/office",
                   .max_age = 3600,
                   .http_only = false,
                   .secure = true,
                   .same_site = "Strict"};
  EXPECT_EQ(format_set_cookie(cookie),
            "sid=v1; Path=/office; Max-Age=3600; Secure; SameSite=Strict");
  cookie.max_age = 0;
  cookie.value = "";
  cookie.same_site = "None";
  EXPECT_EQ(format_set_cookie(cookie), "sid=; Path=/office; Max-Age=0; Secure; SameSite=None");
}

TEST(FormatSetCookie, RejectsUnsafeInput) {
  EXPECT_EQ(format_set_cookie({.name = "", .value = "v"}), "");
  EXPECT_EQ(format_set_cookie({.name = "a b", .value = "v"}), "");
  EXPECT_EQ(format_set_cookie({.name = "a=b", .value = "v"}), "");
  EXPECT_EQ(format_set_cookie({.name = "a;", .value = "v"}), "");
  EXPECT_EQ(format_set_cookie({.name = "a", .value = "v; Domain=evil.example"}), "");
  EXPECT_EQ(format_set_cookie({.name = "a", .value = "v\r\nSet-Cookie: x=y"}), "");
  EXPECT_EQ(format_set_cookie({.name = "a", .value = "\"q\""}), "");
  EXPECT_EQ(format_set_cookie({.name = "a", .value = "一"}), "");
  EXPECT_EQ(format_set_cookie({.name = "a", .value = "v", .path = "/x; Secure"}), "");
  EXPECT_EQ(format_set_cookie({.name = "a", .value = "v", .path = "/x\n"}), "");
  EXPECT_EQ(format_set_cookie({.name = "a", .value = "v", .same_site = "lax"}), "");
  EXPECT_EQ(format_set_cookie({.name = "a", .value = "v", .same_site = "None"}), "");  // no Secure
}

}  // namespace
}  // namespace yiwang::http
