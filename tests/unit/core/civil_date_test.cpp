#include "core/civil_date.hpp"

#include <gtest/gtest.h>

namespace yiwang::core {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

TEST(ParseIsoDate, AcceptsRealDates) {
  EXPECT_EQ(parse_iso_date("2026-01-05"), sys_days{2026y / 1 / 5});
  EXPECT_EQ(parse_iso_date("2024-02-29"), sys_days{2024y / 2 / 29});
  EXPECT_EQ(parse_iso_date("2000-02-29"), sys_days{2000y / 2 / 29});
  EXPECT_EQ(parse_iso_date("1999-12-31"), sys_days{1999y / 12 / 31});
}

TEST(ParseIsoDate, RejectsDatesThatDoNotExist) {
  EXPECT_FALSE(parse_iso_date("2025-02-29"));
  EXPECT_FALSE(parse_iso_date("1900-02-29"));
  EXPECT_FALSE(parse_iso_date("2026-04-31"));
  EXPECT_FALSE(parse_iso_date("2026-13-01"));
  EXPECT_FALSE(parse_iso_date("2026-00-10"));
  EXPECT_FALSE(parse_iso_date("2026-01-00"));
  EXPECT_FALSE(parse_iso_date("2026-01-32"));
}

TEST(ParseIsoDate, RejectsOtherNotations) {
  EXPECT_FALSE(parse_iso_date(""));
  EXPECT_FALSE(parse_iso_date("2026-1-5"));
  EXPECT_FALSE(parse_iso_date("20260105"));
  EXPECT_FALSE(parse_iso_date("2026/01/05"));
  EXPECT_FALSE(parse_iso_date(" 2026-01-05"));
  EXPECT_FALSE(parse_iso_date("2026-01-05 "));
  EXPECT_FALSE(parse_iso_date("2026-01-5x"));
  EXPECT_FALSE(parse_iso_date("+026-01-05"));
  EXPECT_FALSE(parse_iso_date("２０２６-01-05"));
}

TEST(MakeDate, ChecksTheCalendar) {
  EXPECT_EQ(make_date(2026, 2, 28), sys_days{2026y / 2 / 28});
  EXPECT_FALSE(make_date(2026, 2, 29));
  EXPECT_FALSE(make_date(2026, 257, 1));  // would wrap to month 1 in an 8-bit field
  EXPECT_FALSE(make_date(2026, 1, 257));
}

TEST(FormatDate, IsoAndChinese) {
  EXPECT_EQ(format_iso_date(sys_days{2026y / 1 / 5}), "2026-01-05");
  EXPECT_EQ(format_iso_date(sys_days{2026y / 10 / 10}), "2026-10-10");
  EXPECT_EQ(format_chinese_date(sys_days{2026y / 1 / 5}), "2026年1月5日");
  EXPECT_EQ(format_chinese_date(sys_days{2026y / 10 / 10}), "2026年10月10日");
  EXPECT_EQ(format_chinese_date(sys_days{2025y / 12 / 31}), "2025年12月31日");
}

TEST(Weekday, KnownDays) {
  EXPECT_EQ(year_of(sys_days{2026y / 12 / 31}), 2026);
  EXPECT_EQ(iso_weekday(sys_days{2026y / 1 / 1}), 4u);  // Thursday
  EXPECT_EQ(chinese_weekday_name(sys_days{2026y / 1 / 1}), "星期四");
  EXPECT_EQ(iso_weekday(sys_days{2026y / 2 / 14}), 6u);  // Saturday
  EXPECT_TRUE(is_weekend(sys_days{2026y / 2 / 14}));
  EXPECT_EQ(chinese_weekday_name(sys_days{2026y / 9 / 20}), "星期日");
  EXPECT_TRUE(is_weekend(sys_days{2026y / 9 / 20}));
  EXPECT_EQ(chinese_weekday_name(sys_days{2026y / 10 / 19}), "星期一");
  EXPECT_FALSE(is_weekend(sys_days{2026y / 10 / 19}));
}

}  // namespace
}  // namespace yiwang::core
