// The case clock in working days: the start day not counted, weekends and
// holidays skipped, pauses for corrections and special procedures taken
// out, an open pause stopping it, overdue when the days run out.
#include <gtest/gtest.h>

#include "core/civil_date.hpp"
#include "services/case_clock.hpp"

using namespace yiwang;
using services::ClockPause;
using services::read_clock;

namespace {

std::chrono::sys_days day(const char* iso) { return *core::parse_iso_date(iso); }

core::WorkCalendar calendar() {
  core::WorkCalendar c;
  // 2026-10-01 … 10-07 off (国庆), 2026-10-10 (Saturday) worked.
  core::YearArrangement y;
  y.year = 2026;
  y.holidays.push_back({"国庆节", day("2026-10-01"), day("2026-10-07")});
  y.workdays.push_back({day("2026-10-10"), "国庆节调休"});
  c.add(y);
  return c;
}

}  // namespace

TEST(CaseClock, TheStartDayIsNotCountedAndWeekendsAreSkipped) {
  auto cal = calendar();
  // Accepted Friday 2026-11-27, 1 working day: due Monday 11-30.
  auto r = read_clock(day("2026-11-27"), 1, {}, day("2026-11-27"), cal);
  EXPECT_EQ(r.used, 0);
  EXPECT_EQ(r.left, 1);
  EXPECT_EQ(r.due, day("2026-11-30"));
  EXPECT_TRUE(r.running);
  EXPECT_FALSE(r.overdue);
  // Seen on Saturday and Sunday: nothing used yet.
  EXPECT_EQ(read_clock(day("2026-11-27"), 1, {}, day("2026-11-29"), cal).used, 0);
  // Monday: used up, not overdue; Tuesday: overdue by one.
  auto monday = read_clock(day("2026-11-27"), 1, {}, day("2026-11-30"), cal);
  EXPECT_EQ(monday.used, 1);
  EXPECT_EQ(monday.left, 0);
  EXPECT_FALSE(monday.overdue);
  auto tuesday = read_clock(day("2026-11-27"), 1, {}, day("2026-12-01"), cal);
  EXPECT_EQ(tuesday.left, -1);
  EXPECT_TRUE(tuesday.overdue);
}

TEST(CaseClock, HolidaysDoNotCountAndMakeUpDaysDo) {
  auto cal = calendar();
  // Accepted Wednesday 09-30, 3 working days: 10-08 (Thu), 10-09 (Fri), 10-10 (Sat, worked).
  auto r = read_clock(day("2026-09-30"), 3, {}, day("2026-09-30"), cal);
  EXPECT_EQ(r.due, day("2026-10-10"));
  EXPECT_EQ(read_clock(day("2026-09-30"), 3, {}, day("2026-10-07"), cal).used, 0);
}

TEST(CaseClock, AClosedPauseMovesTheDueDateByItsWorkingDays) {
  auto cal = calendar();
  // Accepted Monday 11-02 with 5 days; paused from Tuesday 11-03 to Friday 11-06
  // (Wednesday, Thursday and Friday not counted).
  std::vector<ClockPause> pauses{{day("2026-11-03"), day("2026-11-06"), "correction"}};
  auto r = read_clock(day("2026-11-02"), 5, pauses, day("2026-11-09"), cal);
  EXPECT_EQ(r.paused, 3);
  EXPECT_EQ(r.used, 2);  // Tuesday 11-03 and Monday 11-09
  EXPECT_EQ(r.left, 3);
  EXPECT_EQ(r.due, day("2026-11-12"));
  EXPECT_TRUE(r.running);
  // Without the pause it would be due on 11-09.
  EXPECT_EQ(read_clock(day("2026-11-02"), 5, {}, day("2026-11-09"), cal).due, day("2026-11-09"));
}

TEST(CaseClock, AnOpenPauseStopsTheClock) {
  auto cal = calendar();
  std::vector<ClockPause> pauses{{day("2026-11-03"), std::nullopt, "special"}};
  auto before = read_clock(day("2026-11-02"), 5, pauses, day("2026-11-05"), cal);
  auto later = read_clock(day("2026-11-02"), 5, pauses, day("2026-11-20"), cal);
  EXPECT_FALSE(later.running);
  EXPECT_EQ(before.used, 1);
  EXPECT_EQ(later.used, 1);  // however long the pause lasts
  EXPECT_FALSE(later.overdue);
  EXPECT_GT(later.due, before.due);
}

TEST(CaseClock, PausesOutsideTheClocksSpanDoNotCount) {
  auto cal = calendar();
  // A pause before acceptance (a correction at the acceptance stage).
  std::vector<ClockPause> pauses{{day("2026-10-26"), day("2026-10-29"), "correction"}};
  auto r = read_clock(day("2026-11-02"), 5, pauses, day("2026-11-04"), cal);
  EXPECT_EQ(r.paused, 0);
  EXPECT_EQ(r.used, 2);
  // A reading before the start uses nothing.
  EXPECT_EQ(read_clock(day("2026-11-02"), 5, {}, day("2026-10-30"), cal).used, 0);
}
