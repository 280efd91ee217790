// The working-day calendar, loaded from the real data/calendar files.
//
// The 2026 days used below, worked out by hand from the State Council's
// arrangement (STANDARDS.md §10); 2026-01-01 is a Thursday.
//
//   February 2026            Mo Tu We Th Fr Sa Su
//                                               1
//                             2  3  4  5  6  7  8
//                             9 10 11 12 13 14* 15-
//                            16-17-18-19-20-21-22-
//                            23-24 25 26 27 28* (Mar 1 Su, Mar 2 Mo)
//   (* make-up working day, - holiday 春节 Feb 15–23)
//
//   working_days_between(2026-02-10, 2026-03-02) counts (Feb 10, Mar 2]:
//   Feb 11, 12, 13 (3), Feb 14 Sat works (4), Feb 24, 25, 26, 27 (8),
//   Feb 28 Sat works (9), Mar 2 (10)                                 → 10
//
//   September/October 2026   Mo Tu We Th Fr Sa Su
//                            14 15 16 17 18 19 20*
//                            21 22 23 24 25-26-27-   (中秋 Sep 25–27)
//                            28 29 30  1- 2- 3- 4-
//                             5- 6- 7- 8  9 10*11    (国庆 Oct 1–7)
//                            12 13 14 15 16 17 18
//                            19
//   add_working_days(2026-09-15 Tue, 20):
//   Sep 16 (1), 17 (2), 18 (3), Sep 20 Sun works (4), 21 (5), 22 (6), 23 (7),
//   24 (8), Sep 28 (9), 29 (10), 30 (11), Oct 8 (12), 9 (13), Oct 10 Sat works (14),
//   Oct 12 (15), 13 (16), 14 (17), 15 (18), 16 (19), Oct 19 (20)          → 2026-10-19
//
// Whole years: 2025 and 2026 each have 365 days and 261 Mon–Fri days.
//   2025: weekday holidays 元旦 1 + 春节 6 + 清明 1 + 劳动节 3 + 端午 1 + 国庆中秋 6 = 18,
//         make-up days 5 → 261 − 18 + 5 = 248.
//   2026: weekday holidays 元旦 2 + 春节 6 + 清明 1 + 劳动节 3 + 端午 1 + 中秋 1 + 国庆 5 = 19,
//         make-up days 6 → 261 − 19 + 6 = 248.
#include "core/work_calendar.hpp"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace yiwang::core {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

YearArrangement load_year(int year) {
  const auto parsed = parse_year_arrangement(read_file(
      std::string(YIWANG_SOURCE_DIR) + "/data/calendar/" + std::to_string(year) + ".toml"));
  EXPECT_TRUE(parsed.has_value()) << (parsed ? ""
                                             : parsed.error().key + " " + parsed.error().field);
  return parsed.value_or(YearArrangement{});
}

WorkCalendar real_calendar() {
  WorkCalendar calendar;
  calendar.add(load_year(2025));
  calendar.add(load_year(2026));
  return calendar;
}

// --- The data files -------------------------------------------------------

TEST(CalendarFiles, ParseWithTheFactsOfTheNotices) {
  const YearArrangement y2025 = load_year(2025);
  EXPECT_EQ(y2025.year, 2025);
  EXPECT_EQ(y2025.source, "国办发明电〔2024〕12号");
  EXPECT_EQ(y2025.holidays.size(), 6u);
  EXPECT_EQ(y2025.workdays.size(), 5u);

  const YearArrangement y2026 = load_year(2026);
  EXPECT_EQ(y2026.year, 2026);
  EXPECT_FALSE(y2026.source.empty());
  ASSERT_EQ(y2026.holidays.size(), 7u);
  EXPECT_EQ(y2026.holidays[1].name, "春节");
  EXPECT_EQ(y2026.holidays[1].from, sys_days{2026y / 2 / 15});
  EXPECT_EQ(y2026.holidays[1].to, sys_days{2026y / 2 / 23});
  EXPECT_EQ(y2026.workdays.size(), 6u);
}

// --- Parse errors name the key --------------------------------------------

Error parse_error(std::string_view text) {
  const auto parsed = parse_year_arrangement(text);
  EXPECT_FALSE(parsed.has_value());
  return parsed ? Error{} : parsed.error();
}

constexpr std::string_view kHeader = "year = 2026\nsource = \"test\"\n";

std::string with_header(std::string_view body) { return std::string(kHeader) + std::string(body); }

TEST(ParseYearArrangement, MinimalFile) {
  const auto parsed = parse_year_arrangement(kHeader);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->year, 2026);
  EXPECT_TRUE(parsed->holidays.empty());
  EXPECT_TRUE(parsed->workdays.empty());
}

TEST(ParseYearArrangement, AcceptsQuotedDates) {
  const auto parsed = parse_year_arrangement(
      with_header("[[holiday]]\nname = \"春节\"\nfrom = \"2026-02-15\"\nto = \"2026-02-23\"\n"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->holidays.at(0).to, sys_days{2026y / 2 / 23});
}

TEST(ParseYearArrangement, MissingYear) {
  const Error e = parse_error("source = \"x\"\n");
  EXPECT_EQ(e.key, "calendar.missing_key");
  EXPECT_EQ(e.field, "year");
}

TEST(ParseYearArrangement, YearWrongTypeAndRange) {
  Error e = parse_error("year = \"2026\"\nsource = \"x\"\n");
  EXPECT_EQ(e.key, "calendar.wrong_type");
  EXPECT_EQ(e.field, "year");
  EXPECT_EQ(e.params.at("line"), "1");
  e = parse_error("year = 1900\nsource = \"x\"\n");
  EXPECT_EQ(e.key, "calendar.year_range");
  EXPECT_EQ(e.params.at("value"), "1900");
}

TEST(ParseYearArrangement, MissingOrEmptySource) {
  Error e = parse_error("year = 2026\n");
  EXPECT_EQ(e.key, "calendar.missing_key");
  EXPECT_EQ(e.field, "source");
  e = parse_error("year = 2026\nsource = \"  \"\n");
  EXPECT_EQ(e.key, "calendar.empty_value");
  EXPECT_EQ(e.field, "source");
}

TEST(ParseYearArrangement, BadDateNamesTheKey) {
  const Error e = parse_error(
      with_header("[[holiday]]\nname = \"春节\"\nfrom = \"2026-02-30\"\nto = \"2026-03-01\"\n"));
  EXPECT_EQ(e.key, "calendar.bad_date");
  EXPECT_EQ(e.field, "holiday[1].from");
  EXPECT_EQ(e.params.at("value"), "2026-02-30");
  EXPECT_EQ(e.params.at("line"), "5");
}

TEST(ParseYearArrangement, DateOfWrongTypeNamesTheKey) {
  const Error e =
      parse_error(with_header("[[workday]]\nname = \"调休\"\ndate = 2026-02-14T09:00:00\n"));
  EXPECT_EQ(e.key, "calendar.wrong_type");
  EXPECT_EQ(e.field, "workday[1].date");
  EXPECT_EQ(e.params.at("expected"), "date");
}

TEST(ParseYearArrangement, ImpossibleNativeDateIsASyntaxErrorWithItsLine) {
  const Error e = parse_error(
      with_header("[[holiday]]\nname = \"春节\"\nfrom = 2026-02-30\nto = 2026-03-01\n"));
  EXPECT_EQ(e.key, "calendar.syntax");
  EXPECT_EQ(e.params.at("line"), "5");
  EXPECT_FALSE(e.params.at("detail").empty());
}

TEST(ParseYearArrangement, ToBeforeFromNamesTheKey) {
  const std::string text = with_header(
      "[[holiday]]\nname = \"元旦\"\nfrom = 2026-01-01\nto = 2026-01-03\n"
      "[[holiday]]\nname = \"春节\"\nfrom = 2026-02-23\nto = 2026-02-15\n");
  const Error e = parse_error(text);
  EXPECT_EQ(e.key, "calendar.range_reversed");
  EXPECT_EQ(e.field, "holiday[2].to");
  EXPECT_EQ(e.params.at("from"), "2026-02-23");
  EXPECT_EQ(e.params.at("to"), "2026-02-15");
}

TEST(ParseYearArrangement, MissingHolidayKey) {
  const Error e = parse_error(with_header("[[holiday]]\nname = \"春节\"\nfrom = 2026-02-15\n"));
  EXPECT_EQ(e.key, "calendar.missing_key");
  EXPECT_EQ(e.field, "holiday[1].to");
}

TEST(ParseYearArrangement, UnknownKeyIsReportedNotIgnored) {
  Error e = parse_error(
      with_header("[[holiday]]\nname = \"春节\"\nform = 2026-02-15\nto = 2026-02-23\n"));
  EXPECT_EQ(e.key, "calendar.unknown_key");
  EXPECT_EQ(e.field, "holiday[1].form");
  e = parse_error(with_header("holidays = []\n"));
  EXPECT_EQ(e.key, "calendar.unknown_key");
  EXPECT_EQ(e.field, "holidays");
}

TEST(ParseYearArrangement, HolidayMustBeAnArrayOfTables) {
  const Error e = parse_error(with_header("[holiday]\nname = \"春节\"\n"));
  EXPECT_EQ(e.key, "calendar.wrong_type");
  EXPECT_EQ(e.field, "holiday");
}

TEST(ParseYearArrangement, DateOutsideTheYear) {
  const Error e = parse_error(with_header("[[workday]]\nname = \"调休\"\ndate = 2027-02-13\n"));
  EXPECT_EQ(e.key, "calendar.date_outside_year");
  EXPECT_EQ(e.field, "workday[1].date");
  EXPECT_EQ(e.params.at("year"), "2026");
}

TEST(ParseYearArrangement, HolidayTooLongOrOverlapping) {
  Error e = parse_error(
      with_header("[[holiday]]\nname = \"春节\"\nfrom = 2026-02-15\nto = 2026-12-23\n"));
  EXPECT_EQ(e.key, "calendar.holiday_too_long");
  EXPECT_EQ(e.field, "holiday[1].to");
  e = parse_error(
      with_header("[[holiday]]\nname = \"中秋节\"\nfrom = 2026-09-25\nto = 2026-10-01\n"
                  "[[holiday]]\nname = \"国庆节\"\nfrom = 2026-10-01\nto = 2026-10-07\n"));
  EXPECT_EQ(e.key, "calendar.holiday_overlap");
  EXPECT_EQ(e.field, "holiday[2].from");
  EXPECT_EQ(e.params.at("other"), "中秋节");
}

TEST(ParseYearArrangement, MakeUpDayMustBeAWeekendOutsideHolidays) {
  Error e = parse_error(with_header("[[workday]]\nname = \"调休\"\ndate = 2026-02-13\n"));
  EXPECT_EQ(e.key, "calendar.workday_not_weekend");
  EXPECT_EQ(e.field, "workday[1].date");
  e =
      parse_error(with_header("[[holiday]]\nname = \"春节\"\nfrom = 2026-02-15\nto = 2026-02-23\n"
                              "[[workday]]\nname = \"调休\"\ndate = 2026-02-21\n"));
  EXPECT_EQ(e.key, "calendar.workday_in_holiday");
  EXPECT_EQ(e.params.at("holiday"), "春节");
}

TEST(ParseYearArrangement, SyntaxError) {
  const Error e = parse_error("year = 2026\nsource = \"unterminated\n");
  EXPECT_EQ(e.key, "calendar.syntax");
  EXPECT_EQ(e.params.at("line"), "2");
}

// --- Working days ---------------------------------------------------------

TEST(WorkCalendar, SpringFestival2026) {
  const WorkCalendar c = real_calendar();
  EXPECT_TRUE(c.is_working_day(sys_days{2026y / 2 / 13}));  // Friday
  EXPECT_TRUE(c.is_working_day(sys_days{2026y / 2 / 14}));  // Saturday, make-up day
  for (sys_days d = sys_days{2026y / 2 / 15}; d <= sys_days{2026y / 2 / 23}; d += days{1}) {
    EXPECT_FALSE(c.is_working_day(d)) << d.time_since_epoch().count();
  }
  EXPECT_TRUE(c.is_working_day(sys_days{2026y / 2 / 24}));
  EXPECT_TRUE(c.is_working_day(sys_days{2026y / 2 / 28}));  // Saturday, make-up day
  EXPECT_FALSE(c.is_working_day(sys_days{2026y / 3 / 1}));  // Sunday
  EXPECT_EQ(c.working_days_between(sys_days{2026y / 2 / 10}, sys_days{2026y / 3 / 2}), 10);
  EXPECT_EQ(c.working_days_between(sys_days{2026y / 3 / 2}, sys_days{2026y / 2 / 10}), -10);
  EXPECT_EQ(c.add_working_days(sys_days{2026y / 2 / 13}, 1), sys_days{2026y / 2 / 14});
  EXPECT_EQ(c.add_working_days(sys_days{2026y / 2 / 14}, 1), sys_days{2026y / 2 / 24});
  EXPECT_EQ(c.add_working_days(sys_days{2026y / 2 / 16}, 1), sys_days{2026y / 2 / 24});
}

TEST(WorkCalendar, NationalDay2026) {
  const WorkCalendar c = real_calendar();
  EXPECT_TRUE(c.is_working_day(sys_days{2026y / 9 / 20}));   // Sunday, make-up day
  EXPECT_FALSE(c.is_working_day(sys_days{2026y / 9 / 25}));  // 中秋, a Friday
  for (sys_days d = sys_days{2026y / 10 / 1}; d <= sys_days{2026y / 10 / 7}; d += days{1}) {
    EXPECT_FALSE(c.is_working_day(d)) << d.time_since_epoch().count();
  }
  EXPECT_TRUE(c.is_working_day(sys_days{2026y / 10 / 8}));
  EXPECT_TRUE(c.is_working_day(sys_days{2026y / 10 / 10}));   // Saturday, make-up day
  EXPECT_FALSE(c.is_working_day(sys_days{2026y / 10 / 11}));  // Sunday
  EXPECT_EQ(c.add_working_days(sys_days{2026y / 9 / 15}, 20), sys_days{2026y / 10 / 19});
  EXPECT_EQ(c.working_days_between(sys_days{2026y / 9 / 15}, sys_days{2026y / 10 / 19}), 20);
}

TEST(WorkCalendar, SpringFestival2025) {
  // Jan 24 Fri; Jan 25 Sat off; Jan 26 Sun works (1); Jan 27 (2); Jan 28–Feb 4 off;
  // Feb 5, 6, 7 (5); Feb 8 Sat works (6); Feb 9 Sun off; Feb 10 (7).
  const WorkCalendar c = real_calendar();
  EXPECT_EQ(c.working_days_between(sys_days{2025y / 1 / 24}, sys_days{2025y / 2 / 10}), 7);
  EXPECT_EQ(c.add_working_days(sys_days{2025y / 1 / 27}, 1), sys_days{2025y / 2 / 5});
}

TEST(WorkCalendar, WholeYears) {
  const WorkCalendar c = real_calendar();
  EXPECT_EQ(c.working_days_between(sys_days{2024y / 12 / 31}, sys_days{2025y / 12 / 31}), 248);
  EXPECT_EQ(c.working_days_between(sys_days{2025y / 12 / 31}, sys_days{2026y / 12 / 31}), 248);
}

TEST(WorkCalendar, AcrossNewYear) {
  // 2025-12-31 Wed; 2026-01-01..03 off; 2026-01-04 Sun is a make-up day.
  const WorkCalendar c = real_calendar();
  EXPECT_EQ(c.add_working_days(sys_days{2025y / 12 / 31}, 1), sys_days{2026y / 1 / 4});
  EXPECT_EQ(c.add_working_days(sys_days{2025y / 12 / 31}, 2), sys_days{2026y / 1 / 5});
}

TEST(WorkCalendar, ZeroDaysReturnsTheDay) {
  const WorkCalendar c = real_calendar();
  EXPECT_EQ(c.add_working_days(sys_days{2026y / 2 / 15}, 0), sys_days{2026y / 2 / 15});
  EXPECT_EQ(c.working_days_between(sys_days{2026y / 2 / 15}, sys_days{2026y / 2 / 15}), 0);
}

TEST(WorkCalendar, OutsideLoadedYearsOnlyWeekendsCount) {
  const WorkCalendar c = real_calendar();
  EXPECT_EQ(c.years(), (std::vector<int>{2025, 2026}));
  EXPECT_TRUE(c.has_year(2026));
  EXPECT_FALSE(c.has_year(2027));
  EXPECT_FALSE(c.has_year(2024));
  // 2026-12-31 is a Thursday; with no 2027 file, 2027-01-01 (Friday) counts.
  EXPECT_TRUE(c.is_working_day(sys_days{2027y / 1 / 1}));
  EXPECT_EQ(c.add_working_days(sys_days{2026y / 12 / 31}, 1), sys_days{2027y / 1 / 1});
  EXPECT_EQ(c.add_working_days(sys_days{2026y / 12 / 31}, 2), sys_days{2027y / 1 / 4});
  // 2024-10-01 (Tuesday) is a holiday in reality, but no 2024 file is loaded.
  EXPECT_TRUE(c.is_working_day(sys_days{2024y / 10 / 1}));
}

TEST(WorkCalendar, EmptyCalendarCountsWeekdays) {
  const WorkCalendar c;
  EXPECT_TRUE(c.years().empty());
  // 2027-01-02 is a Saturday: five working days later is Friday 2027-01-08.
  EXPECT_EQ(c.add_working_days(sys_days{2027y / 1 / 2}, 5), sys_days{2027y / 1 / 8});
  EXPECT_EQ(c.add_working_days(sys_days{2027y / 1 / 4}, 5), sys_days{2027y / 1 / 11});
  // 1969-12-26 (Fri) → 1970-01-02 (Fri) spans the epoch: Dec 29, 30, 31, Jan 1, 2.
  EXPECT_EQ(c.working_days_between(sys_days{1969y / 12 / 26}, sys_days{1970y / 1 / 2}), 5);
  EXPECT_EQ(c.add_working_days(sys_days{1969y / 12 / 26}, 5), sys_days{1970y / 1 / 2});
}

TEST(WorkCalendar, ArrangementReachingIntoThePreviousYear) {
  // The 2019 notice: 2018-12-30 to 2019-01-01 off, Saturday 2018-12-29 works.
  const auto parsed = parse_year_arrangement(
      "year = 2019\nsource = \"2019 年元旦安排（测试）\"\n"
      "[[holiday]]\nname = \"元旦\"\nfrom = 2018-12-30\nto = 2019-01-01\n"
      "[[workday]]\nname = \"元旦调休\"\ndate = 2018-12-29\n");
  ASSERT_TRUE(parsed.has_value());
  WorkCalendar c;
  c.add(*parsed);
  EXPECT_TRUE(c.has_year(2019));
  EXPECT_FALSE(c.has_year(2018));
  EXPECT_TRUE(c.is_working_day(sys_days{2018y / 12 / 29}));
  EXPECT_FALSE(c.is_working_day(sys_days{2018y / 12 / 31}));
  EXPECT_FALSE(c.is_working_day(sys_days{2019y / 1 / 1}));
  // Fri Dec 28 → Sat Dec 29 (1) → Wed Jan 2 (2).
  EXPECT_EQ(c.add_working_days(sys_days{2018y / 12 / 28}, 2), sys_days{2019y / 1 / 2});
  EXPECT_EQ(c.working_days_between(sys_days{2018y / 12 / 27}, sys_days{2019y / 1 / 2}), 3);
}

TEST(WorkCalendar, AddingAYearAgainReplacesIt) {
  WorkCalendar c = real_calendar();
  YearArrangement corrected = load_year(2026);
  corrected.holidays.erase(corrected.holidays.begin() + 1);  // drop 春节
  c.add(corrected);
  EXPECT_TRUE(c.is_working_day(sys_days{2026y / 2 / 16}));
  EXPECT_EQ(c.arrangement(2026)->holidays.size(), 6u);
  EXPECT_EQ(c.arrangement(2027), nullptr);
}

TEST(WorkCalendar, IgnoresYearsParseWouldRefuse) {
  WorkCalendar c;
  YearArrangement odd;
  odd.year = 40000;
  odd.source = "x";
  c.add(odd);
  EXPECT_TRUE(c.years().empty());
}

TEST(WorkCalendar, AddAndBetweenAgreeEverywhere) {
  // A property, not a figure: for every start day around the two loaded years,
  // the day N working days later is a working day N working days away.
  const WorkCalendar c = real_calendar();
  for (sys_days d = sys_days{2024y / 11 / 1}; d <= sys_days{2027y / 2 / 1}; d += days{1}) {
    for (int n : {1, 2, 5, 10, 15, 20, 60, 250}) {
      const sys_days e = c.add_working_days(d, n);
      ASSERT_TRUE(c.is_working_day(e));
      ASSERT_EQ(c.working_days_between(d, e), n);
      ASSERT_EQ(c.working_days_between(d, e - days{1}), n - 1);
    }
  }
}

TEST(WorkCalendar, BetweenMatchesDayByDayCount) {
  const WorkCalendar c = real_calendar();
  const sys_days start{2024y / 12 / 1};
  int count = 0;
  for (sys_days d = start + days{1}; d <= sys_days{2027y / 1 / 31}; d += days{1}) {
    if (c.is_working_day(d)) ++count;
    ASSERT_EQ(c.working_days_between(start, d), count);
  }
}

}  // namespace
}  // namespace yiwang::core
