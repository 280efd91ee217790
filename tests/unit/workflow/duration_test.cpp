// Durations, cycles and date-times of workflow/duration.hpp, and deadlines
// counted on the 2026 working-day calendar (data/calendar/2026.toml).
#include "workflow/duration.hpp"

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "core/civil_date.hpp"
#include "core/work_calendar.hpp"

namespace {

using namespace std::chrono;
using yiwang::core::WorkCalendar;
using yiwang::workflow::add_duration;
using yiwang::workflow::Cycle;
using yiwang::workflow::Duration;
using yiwang::workflow::format_utc;
using yiwang::workflow::parse_cycle;
using yiwang::workflow::parse_date_time;
using yiwang::workflow::parse_duration;
using yiwang::workflow::parse_utc;
using yiwang::workflow::working_days_left;

// The calendar with the State Council's 2026 arrangement.
WorkCalendar calendar_2026() {
  const std::string path = std::string(YIWANG_SOURCE_DIR) + "/data/calendar/2026.toml";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const auto arrangement = yiwang::core::parse_year_arrangement(text.str());
  WorkCalendar calendar;
  if (!arrangement) {
    ADD_FAILURE() << path << ": " << arrangement.error().key;
    return calendar;
  }
  calendar.add(*arrangement);
  return calendar;
}

sys_seconds utc(std::string_view text) {
  const auto t = parse_utc(text);
  if (!t) {
    ADD_FAILURE() << "not a UTC time: " << text;
    return {};
  }
  return *t;
}

sys_days date(int y, unsigned m, unsigned d) { return *yiwang::core::make_date(y, m, d); }

Duration duration(std::string_view text) {
  const auto d = parse_duration(text);
  if (!d) {
    ADD_FAILURE() << "not a duration: " << text;
    return {};
  }
  return *d;
}

std::string after(std::string_view from, std::string_view d, const WorkCalendar& calendar) {
  return format_utc(add_duration(utc(from), duration(d), calendar));
}

// ------------------------------------------------------------------ parse_duration

TEST(DurationParse, WorkingDays) {
  const Duration d = duration("P5WD");
  EXPECT_EQ(d.working_days, 5);
  EXPECT_EQ(d.days, 0);
  EXPECT_EQ(d.weeks, 0);
  EXPECT_EQ(d.seconds, 0);
  EXPECT_EQ(d.text, "P5WD");
  EXPECT_FALSE(d.zero());

  const Duration t = duration("P1WDT4H");
  EXPECT_EQ(t.working_days, 1);
  EXPECT_EQ(t.seconds, 4 * 3600);
  EXPECT_EQ(duration("P2WDT1H30M15S").seconds, 3600 + 1800 + 15);
  EXPECT_EQ(duration("P0WD").working_days, 0);
  EXPECT_TRUE(duration("P0WD").zero());
}

TEST(DurationParse, Iso8601) {
  const Duration d = duration("P1Y2M3DT4H5M6S");
  EXPECT_EQ(d.years, 1);
  EXPECT_EQ(d.months, 2);
  EXPECT_EQ(d.weeks, 0);
  EXPECT_EQ(d.days, 3);
  EXPECT_EQ(d.working_days, 0);
  EXPECT_EQ(d.seconds, 4 * 3600 + 5 * 60 + 6);
  EXPECT_EQ(d.text, "P1Y2M3DT4H5M6S");

  EXPECT_EQ(duration("P2W").weeks, 2);
  EXPECT_EQ(duration("PT30M").seconds, 1800);
  EXPECT_EQ(duration("P1M").months, 1);     // M before T: months
  EXPECT_EQ(duration("PT1M").seconds, 60);  // M after T: minutes
  EXPECT_EQ(duration("P1W2D").weeks, 1);    // weeks combine (ISO 8601-2)
  EXPECT_EQ(duration("P1W2D").days, 2);
  EXPECT_EQ(duration("P3D").days, 3);
  EXPECT_EQ(duration("PT36H").seconds, 36 * 3600);
  EXPECT_EQ(duration("PT90S").seconds, 90);
  EXPECT_EQ(duration("P10Y").years, 10);
  EXPECT_EQ(duration("P007D").days, 7);
  EXPECT_TRUE(duration("PT0S").zero());
  EXPECT_TRUE(duration("P0D").zero());
  EXPECT_FALSE(duration("PT1S").zero());
}

TEST(DurationParse, AtMostOneHundredYears) {
  EXPECT_EQ(duration("P100Y").years, 100);
  EXPECT_EQ(duration("P1200M").months, 1200);
  EXPECT_EQ(duration("P36525D").days, 36525);
  EXPECT_EQ(duration("P5217W").weeks, 5217);
  EXPECT_EQ(duration("P26089WD").working_days, 26089);
  EXPECT_EQ(duration("PT3155760000S").seconds, 3155760000LL);
  EXPECT_EQ(duration("PT876600H").seconds, 876600LL * 3600);
  for (const char* text :
       {"P101Y", "P100Y1D", "P1201M", "P36526D", "P5218W", "P26090WD", "PT3155760001S", "PT876601H",
        "P99Y12M1D", "P99999999999999999999999999D", "PT99999999999999999999999S", "P2147483648Y",
        "P9223372036854775807D"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parse_duration(text));
  }
}

TEST(DurationParse, Rejects) {
  for (const char* text :
       {"", "P", "PT", "T1H", "1D", "P1DT", "P1WDT", "-P1D", "P-1D", "P+1D", "P1.5D", "PT1.5S",
        "PT1,5S", "PT0.5H", "p1d", "P1d", "pT1H", "Pt1H", "P1w", "P5wd", "P5Wd",
        // working days cannot be mixed with calendar parts
        "P5WD3D", "P3D5WD", "P1Y5WD", "P1M5WD", "P1W5WD",
        // order and repetition
        "P1M1Y", "P1D1M", "P1D1W", "P1D1D", "PT1M1H", "PT1S1M", "PT1H1H", "P1WD1WD",
        // designators in the wrong half
        "P1H", "P1S", "PT1D", "PT1Y", "PT1W", "PT1WD",
        // malformed
        "P5", "PD", "PTH", "P1DT1", "P5DW", "P5W D", "P 1D", " P1D", "P1D ", "P1DD",
        "P1Y2M3DT4H5M6S7", "PP1D", "Ｐ１Ｄ", "P5个工作日", "5个工作日", "R3/P1D", "2026-12-01"}) {
    SCOPED_TRACE(text);
    const auto d = parse_duration(text);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().key, "workflow.duration.invalid");
    EXPECT_EQ(d.error().params.at("text"), text);
  }
  EXPECT_FALSE(parse_duration("P1D\n"));
  EXPECT_FALSE(parse_duration(std::string("P1D\0", 4)));
  EXPECT_FALSE(
      parse_duration(std::string("P\0"
                                 "1D",
                                 4)));
}

TEST(DurationParse, TheErrorShowsTheTextSafely) {
  const std::string long_text = "P" + std::string(100, '1');
  EXPECT_EQ(parse_duration(long_text).error().params.at("text"), "P" + std::string(39, '1') + "…");
  EXPECT_EQ(parse_duration("P\xff"
                           "D")
                .error()
                .params.at("text"),
            "P\uFFFDD");
  EXPECT_EQ(parse_duration(std::string("P\0D", 3)).error().params.at("text"), "P\uFFFDD");
  EXPECT_EQ(parse_duration("P五天").error().params.at("text"), "P五天");
}

// ------------------------------------------------------------------ parse_cycle

TEST(DurationCycle, Forms) {
  const auto c = parse_cycle("R3/P1WD");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->repeat, 3);
  EXPECT_EQ(c->every.working_days, 1);
  EXPECT_EQ(c->every.text, "P1WD");

  const auto u = parse_cycle("R/PT1H");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->repeat, -1);
  EXPECT_EQ(u->every.seconds, 3600);

  EXPECT_EQ(parse_cycle("R1/P1D")->repeat, 1);
  EXPECT_EQ(parse_cycle("R2147483647/PT1M")->repeat, 2147483647);
  EXPECT_EQ(parse_cycle("R12/P1Y2M3DT4H5M6S")->every.months, 2);
}

TEST(DurationCycle, Rejects) {
  for (const char* text : {"",
                           "R",
                           "R/",
                           "R3",
                           "R3/",
                           "R3P1D",
                           "R0/P1D",
                           "R00/P1D",
                           "R-1/P1D",
                           "R+3/P1D",
                           "3/P1D",
                           "r3/P1D",
                           "R3/p1d",
                           "R3/P",
                           "R3/PT",
                           "R3/P5WD3D",
                           "R/PT0S",
                           "R3/P0D",
                           "R3/P1D/",
                           "R3/P1D/2026-01-01T00:00:00Z",
                           "R3/2026-01-01T00:00:00Z/P1D",
                           "R2147483648/P1D",
                           "R99999999999999999999/P1D",
                           "R 3/P1D",
                           "R3 /P1D",
                           "R3/ P1D",
                           "R1.5/P1D",
                           "P1D"}) {
    SCOPED_TRACE(text);
    const auto c = parse_cycle(text);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().key, "workflow.duration.invalid_cycle");
    EXPECT_EQ(c.error().params.at("text"), text);
  }
}

// ------------------------------------------------------------------ date-times

TEST(DurationDateTime, Forms) {
  auto at = [](std::string_view text) {
    const auto t = parse_date_time(text);
    if (!t) {
      ADD_FAILURE() << "not a date-time: " << text;
      return std::string();
    }
    return format_utc(*t);
  };
  EXPECT_EQ(at("2026-12-01T09:00:00Z"), "2026-12-01T09:00:00Z");
  EXPECT_EQ(at("2026-12-01T09:00:00+08:00"), "2026-12-01T01:00:00Z");
  EXPECT_EQ(at("2026-12-01T01:00:00+08:00"), "2026-11-30T17:00:00Z");
  EXPECT_EQ(at("2026-12-01T09:00:00-05:30"), "2026-12-01T14:30:00Z");
  EXPECT_EQ(at("2026-12-01T09:00:00+00:00"), "2026-12-01T09:00:00Z");
  EXPECT_EQ(at("2026-12-01T09:00:00-00:00"), "2026-12-01T09:00:00Z");
  EXPECT_EQ(at("2026-12-31T23:00:00-18:00"), "2027-01-01T17:00:00Z");
  // A fraction is dropped.
  EXPECT_EQ(at("2026-12-01T09:00:00.5Z"), "2026-12-01T09:00:00Z");
  EXPECT_EQ(at("2026-12-01T09:00:59.999999999+08:00"), "2026-12-01T01:00:59Z");
  // A date alone is midnight China time.
  EXPECT_EQ(at("2026-12-01"), "2026-11-30T16:00:00Z");
  EXPECT_EQ(at("2028-02-29"), "2028-02-28T16:00:00Z");
}

TEST(DurationDateTime, Rejects) {
  for (const char* text : {"",
                           "2026-12-01T09:00:00",
                           "2026-12-01 09:00:00Z",
                           "2026-12-01t09:00:00Z",
                           "2026-12-01T09:00:00z",
                           "2026-02-30T09:00:00Z",
                           "2026-13-01T09:00:00Z",
                           "2026-12-01T24:00:00Z",
                           "2026-12-01T09:60:00Z",
                           "2026-12-01T09:00:60Z",
                           "2026-12-01T09:00Z",
                           "2026-12-01T9:00:00Z",
                           "2026-12-01T09:00:00+0800",
                           "2026-12-01T09:00:00+08",
                           "2026-12-01T09:00:00+19:00",
                           "2026-12-01T09:00:00+08:60",
                           "2026-12-01T09:00:00.Z",
                           "2026-12-01T09:00:00.1234567890Z",
                           "2026-12-01T09:00:00ZZ",
                           "2026-12-01T09:00:00Z ",
                           " 2026-12-01T09:00:00Z",
                           "2026-12-01T09:00:00 Z",
                           "2026-12-01T09:00:00UTC",
                           "2026-12-01T09:00:00+08:00[Asia/Shanghai]",
                           "26-12-01",
                           "2026-2-1",
                           "2026-02-29",
                           "2026/12/01",
                           "20261201",
                           "2026-12-01T",
                           "2026年12月1日",
                           "P1D",
                           "now"}) {
    SCOPED_TRACE(text);
    const auto t = parse_date_time(text);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().key, "workflow.duration.invalid_date");
    EXPECT_EQ(t.error().params.at("text"), text);
  }
}

TEST(DurationUtc, FormatAndParse) {
  EXPECT_EQ(format_utc(sys_seconds{}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(
      format_utc(sys_seconds{sys_days{date(2026, 12, 1)}} + hours{1} + minutes{2} + seconds{3}),
      "2026-12-01T01:02:03Z");
  for (const char* text : {"2026-12-01T01:00:00Z", "1969-12-31T23:59:59Z", "2000-02-29T12:00:00Z",
                           "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"}) {
    SCOPED_TRACE(text);
    const auto t = parse_utc(text);
    ASSERT_TRUE(t);
    EXPECT_EQ(format_utc(*t), text);
  }
  EXPECT_EQ(parse_utc("1970-01-01T00:00:01Z"), sys_seconds{seconds{1}});
  for (const char* text :
       {"", "2026-12-01T01:00:00", "2026-12-01T01:00:00+08:00", "2026-12-01T01:00:00.5Z",
        "2026-12-01t01:00:00Z", "2026-12-01T01:00:00z", "2026-12-01", "2026-12-01 01:00:00Z",
        "2026-12-32T01:00:00Z", "2026-12-01T25:00:00Z", "2026-12-01T01:00:00Z ",
        "2026-12-01T01:0a:00Z"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parse_utc(text));
  }
}

// ------------------------------------------------------------------ add_duration

TEST(DurationAdd, TimePartIsElapsedSeconds) {
  const WorkCalendar none;
  EXPECT_EQ(after("2026-03-10T01:00:00Z", "PT30M", none), "2026-03-10T01:30:00Z");
  EXPECT_EQ(after("2026-03-10T23:00:00Z", "PT2H", none), "2026-03-11T01:00:00Z");
  EXPECT_EQ(after("2026-03-10T01:00:00Z", "PT36H", none), "2026-03-11T13:00:00Z");
  EXPECT_EQ(after("2026-03-10T01:00:00Z", "PT0S", none), "2026-03-10T01:00:00Z");
  EXPECT_EQ(after("2026-03-10T01:00:00Z", "P0D", none), "2026-03-10T01:00:00Z");
}

TEST(DurationAdd, DaysAndWeeksKeepTheChinaTimeOfDay) {
  const WorkCalendar none;
  // 04:00 China time on 11 March is 20:00 UTC on 10 March.
  EXPECT_EQ(after("2026-03-10T20:00:00Z", "P1D", none), "2026-03-11T20:00:00Z");
  EXPECT_EQ(after("2026-03-10T20:00:00Z", "P2W", none), "2026-03-24T20:00:00Z");
  EXPECT_EQ(after("2026-03-10T20:00:00Z", "P1W2D", none), "2026-03-19T20:00:00Z");
  EXPECT_EQ(after("2026-12-31T02:00:00Z", "P1D", none), "2027-01-01T02:00:00Z");
  EXPECT_EQ(after("2026-03-10T01:00:00Z", "P1DT4H", none), "2026-03-11T05:00:00Z");
}

TEST(DurationAdd, MonthsClampToTheMonthEnd) {
  const WorkCalendar none;
  // 10:00 China time on 31 January.
  EXPECT_EQ(after("2026-01-31T02:00:00Z", "P1M", none), "2026-02-28T02:00:00Z");
  EXPECT_EQ(after("2028-01-31T02:00:00Z", "P1M", none), "2028-02-29T02:00:00Z");  // leap year
  EXPECT_EQ(after("2026-01-31T02:00:00Z", "P2M", none), "2026-03-31T02:00:00Z");
  EXPECT_EQ(after("2026-01-31T02:00:00Z", "P3M", none), "2026-04-30T02:00:00Z");
  EXPECT_EQ(after("2026-11-30T02:00:00Z", "P3M", none), "2027-02-28T02:00:00Z");
  EXPECT_EQ(after("2026-01-15T02:00:00Z", "P12M", none), "2027-01-15T02:00:00Z");
  EXPECT_EQ(after("2028-02-29T02:00:00Z", "P1Y", none), "2029-02-28T02:00:00Z");
  EXPECT_EQ(after("2028-02-29T02:00:00Z", "P4Y", none), "2032-02-29T02:00:00Z");
  // The China date counts: 17:00 UTC on 30 March is 01:00 on 31 March in China,
  // so a month later is 01:00 on 30 April (17:00 UTC on 29 April).
  EXPECT_EQ(after("2026-03-30T17:00:00Z", "P1M", none), "2026-04-29T17:00:00Z");
  // Years and months first, then days, then the time: 31 Jan 2026 10:00 China
  // + 14 months = 31 Mar 2027, + 3 days = 3 Apr, + 4:05:06 = 14:05:06 China.
  EXPECT_EQ(after("2026-01-31T02:00:00Z", "P1Y2M3DT4H5M6S", none), "2027-04-03T06:05:06Z");
  EXPECT_EQ(after("2026-01-31T02:00:00Z", "P1M1D", none), "2026-03-01T02:00:00Z");
}

TEST(DurationAdd, TheCalendarFileLoads) {
  const WorkCalendar calendar = calendar_2026();
  EXPECT_TRUE(calendar.has_year(2026));
  // The facts the tests below stand on.
  EXPECT_EQ(yiwang::core::iso_weekday(date(2026, 9, 25)), 5u);  // Friday, 中秋节
  EXPECT_FALSE(calendar.is_working_day(date(2026, 9, 25)));
  EXPECT_TRUE(calendar.is_working_day(date(2026, 9, 30)));
  for (unsigned d = 1; d <= 7; ++d) EXPECT_FALSE(calendar.is_working_day(date(2026, 10, d)));
  EXPECT_TRUE(calendar.is_working_day(date(2026, 10, 10)));  // Saturday, 调休
  EXPECT_TRUE(calendar.is_working_day(date(2026, 2, 14)));   // Saturday, 调休
}

TEST(DurationAdd, WorkingDaysSkipTheNationalDayHoliday) {
  const WorkCalendar calendar = calendar_2026();
  // Friday 25 September 2026, 09:30 China time: 28, 29, 30 September, then
  // 国庆 1–7 October, then 8 and 9 October.
  EXPECT_EQ(after("2026-09-25T01:30:00Z", "P5WD", calendar), "2026-10-09T01:30:00Z");
  // The sixth working day is the make-up Saturday, 10 October.
  EXPECT_EQ(after("2026-09-25T01:30:00Z", "P6WD", calendar), "2026-10-10T01:30:00Z");
  EXPECT_EQ(after("2026-09-25T01:30:00Z", "P7WD", calendar), "2026-10-12T01:30:00Z");
  // Without the arrangement only weekends are off.
  EXPECT_EQ(after("2026-09-25T01:30:00Z", "P5WD", WorkCalendar{}), "2026-10-02T01:30:00Z");
  // The time part is added after the working days.
  EXPECT_EQ(after("2026-09-30T01:00:00Z", "P1WDT4H", calendar), "2026-10-08T05:00:00Z");
  EXPECT_EQ(after("2026-09-30T01:00:00Z", "P0WD", calendar), "2026-09-30T01:00:00Z");
}

TEST(DurationAdd, WorkingDaysCountOnTheChinaDate) {
  const WorkCalendar calendar = calendar_2026();
  // 17:00 UTC on 29 September is 01:00 on Wednesday 30 September in China: one
  // working day later is 01:00 on 8 October (17:00 UTC on 7 October). Counted
  // on the UTC date it would have been 30 September.
  EXPECT_EQ(after("2026-09-29T17:00:00Z", "P1WD", calendar), "2026-10-07T17:00:00Z");
  // 15:59 UTC is still the same China day; 16:00 UTC is the next.
  EXPECT_EQ(after("2026-09-29T15:59:00Z", "P1WD", calendar), "2026-09-30T15:59:00Z");
  EXPECT_EQ(after("2026-09-29T16:00:00Z", "P1WD", calendar), "2026-10-07T16:00:00Z");
}

TEST(DurationAdd, WorkingDaysAroundSpringFestival) {
  const WorkCalendar calendar = calendar_2026();
  // Friday 13 February → the make-up Saturday 14 February.
  EXPECT_EQ(after("2026-02-13T01:00:00Z", "P1WD", calendar), "2026-02-14T01:00:00Z");
  // Then 春节 15–23 February: the next is Tuesday 24 February.
  EXPECT_EQ(after("2026-02-13T01:00:00Z", "P2WD", calendar), "2026-02-24T01:00:00Z");
  // From a day off the first working day counts as 1.
  EXPECT_EQ(after("2026-02-18T01:00:00Z", "P1WD", calendar), "2026-02-24T01:00:00Z");
}

// ------------------------------------------------------------------ working_days_left

TEST(DurationLeft, PositiveZeroAndNegative) {
  const WorkCalendar calendar = calendar_2026();
  // From Friday 25 September (a holiday) to Friday 9 October: 28, 29, 30 Sep, 8, 9 Oct.
  EXPECT_EQ(working_days_left(utc("2026-09-25T02:00:00Z"), utc("2026-10-09T10:00:00Z"), calendar),
            5);
  // Due today, earlier or later in the day: 0.
  EXPECT_EQ(working_days_left(utc("2026-09-30T02:00:00Z"), utc("2026-09-30T09:00:00Z"), calendar),
            0);
  EXPECT_EQ(working_days_left(utc("2026-09-30T09:00:00Z"), utc("2026-09-30T02:00:00Z"), calendar),
            0);
  // Due on the previous working day (Wednesday 30 September seen on Thursday 8 October): −1.
  EXPECT_EQ(working_days_left(utc("2026-10-08T02:00:00Z"), utc("2026-09-30T08:00:00Z"), calendar),
            -1);
  // Seen on Monday 12 October: 8, 9, 10 (调休) and 12 October have passed.
  EXPECT_EQ(working_days_left(utc("2026-10-12T02:00:00Z"), utc("2026-09-30T08:00:00Z"), calendar),
            -4);
  // Over the holiday itself nothing is left to do before 8 October.
  EXPECT_EQ(working_days_left(utc("2026-10-01T02:00:00Z"), utc("2026-10-07T02:00:00Z"), calendar),
            0);
  EXPECT_EQ(working_days_left(utc("2026-10-01T02:00:00Z"), utc("2026-10-08T02:00:00Z"), calendar),
            1);
}

TEST(DurationLeft, DaysAreChinaDays) {
  const WorkCalendar calendar = calendar_2026();
  // Due at 01:00 on 8 October China time (17:00 UTC on 7 October), seen on 30 September.
  EXPECT_EQ(working_days_left(utc("2026-09-30T02:00:00Z"), utc("2026-10-07T17:00:00Z"), calendar),
            1);
  // Seen at 00:30 on 8 October China time (16:30 UTC on 7 October): due today.
  EXPECT_EQ(working_days_left(utc("2026-10-07T16:30:00Z"), utc("2026-10-07T17:00:00Z"), calendar),
            0);
}

TEST(DurationLeft, AWeekendAfterTheDueDateIsStillZero) {
  const WorkCalendar calendar = calendar_2026();
  // Due Friday 16 October, seen on Saturday 17 and Sunday 18: no working day has passed.
  EXPECT_EQ(working_days_left(utc("2026-10-17T02:00:00Z"), utc("2026-10-16T02:00:00Z"), calendar),
            0);
  EXPECT_EQ(working_days_left(utc("2026-10-18T02:00:00Z"), utc("2026-10-16T02:00:00Z"), calendar),
            0);
  EXPECT_EQ(working_days_left(utc("2026-10-19T02:00:00Z"), utc("2026-10-16T02:00:00Z"), calendar),
            -1);
}

TEST(DurationLeft, AgreesWithAddDuration) {
  const WorkCalendar calendar = calendar_2026();
  for (const char* from : {"2026-09-28T01:00:00Z", "2026-02-13T01:00:00Z", "2026-04-30T08:00:00Z",
                           "2026-12-31T01:00:00Z"}) {
    for (int n : {1, 3, 5, 10, 20}) {
      SCOPED_TRACE(std::string(from) + " + " + std::to_string(n));
      const sys_seconds now = utc(from);
      const sys_seconds due = add_duration(now, duration("P" + std::to_string(n) + "WD"), calendar);
      EXPECT_EQ(working_days_left(now, due, calendar), n);
      EXPECT_EQ(working_days_left(due, now, calendar), -n);
    }
  }
}

}  // namespace
