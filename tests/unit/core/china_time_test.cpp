// The China date of a stored UTC time: 16:00 UTC is midnight in China.
#include <gtest/gtest.h>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"

using yiwang::core::china_day_of;
using yiwang::core::format_iso_date;

namespace {

std::string day(std::string_view utc) {
  auto d = china_day_of(utc);
  return d ? format_iso_date(*d) : "none";
}

TEST(ChinaTime, TheChinaDateOfAUtcTime) {
  EXPECT_EQ(day("2026-11-27T15:59:59Z"), "2026-11-27");
  EXPECT_EQ(day("2026-11-27T16:00:00Z"), "2026-11-28") << "midnight in China";
  EXPECT_EQ(day("2026-12-31T23:00:00Z"), "2027-01-01") << "across the year";
  EXPECT_EQ(day("2026-11-27 08:00"), "2026-11-27") << "a space before the time";
  EXPECT_EQ(day("2026-11-27"), "2026-11-27") << "a date alone";
}

TEST(ChinaTime, NotATimeHasNoDate) {
  EXPECT_EQ(day(""), "none");
  EXPECT_EQ(day("2026-13-01T00:00:00Z"), "none");
  EXPECT_EQ(day("yesterday"), "none");
  EXPECT_EQ(day("2026-11-27Txx:00:00Z"), "2026-11-27") << "an unreadable hour counts as 0";
}

}  // namespace
