// Durations of task deadlines and timers: ISO 8601 durations
// (P1Y2M3DT4H5M6S, P2W, PT30M) and working-day durations P5WD that count
// days on the core working-day calendar (weekends, holidays and 调休 as
// published), so "P5WD" set on Friday before 国庆 lands after the holiday.
//
// Calendar arithmetic is done on China Standard Time days: a duration of days
// or working days keeps the time of day in China; the time part (T…) is then
// added as elapsed seconds.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/work_calendar.hpp"

namespace yiwang::workflow {

struct Duration {
  int years = 0, months = 0, weeks = 0, days = 0;
  int working_days = 0;
  long long seconds = 0;  // hours, minutes and seconds together
  std::string text;       // as written ("P5WD")

  bool zero() const {
    return years == 0 && months == 0 && weeks == 0 && days == 0 && working_days == 0 &&
           seconds == 0;
  }
};

// Parses "P5WD" (working days, alone or followed by a time part: "P1WDT4H"),
// or an ISO 8601 duration. Parts are non-negative integers (seconds may not be
// fractional); at least one part is present; at most 100 years in total.
// Errors "workflow.duration.invalid" (param "text", at most 40 characters).
//
// Strictly: upper-case designators only ("p1d" and "P1d" are refused), no
// spaces or signs, the date parts in the order Y M W D (weeks may be combined
// with the others, as ISO 8601-2 allows: "P1W2D"), the time parts in the order
// H M S after a "T" that must be followed by at least one. Working days cannot
// be mixed with years, months, weeks or days ("P5WD3D", "P1M5WD"): they count
// on another calendar, and the sum would depend on the order of adding. A part
// may be 0 ("PT0S" is a zero duration). For the 100-year limit a year is 365.25
// days, a month a twelfth of that and a working day 7/5 days.
Result<Duration> parse_duration(std::string_view text);

// A repeating cycle "R3/P1WD" (3 times) or "R/P1D" (unbounded: repeat = -1).
// The count is 1 to INT_MAX; the period must not be zero; the ISO forms with a
// start or end date ("R3/2026-01-01T00:00:00Z/P1D") are not supported.
struct Cycle {
  int repeat = -1;
  Duration every;
};
// Errors "workflow.duration.invalid_cycle" (param "text").
Result<Cycle> parse_cycle(std::string_view text);

// An ISO 8601 date-time with "Z" or an offset ("2026-12-01T09:00:00+08:00"),
// or a date alone (midnight China time). Errors "workflow.duration.invalid_date"
// (param "text"). The form is YYYY-MM-DDTHH:MM:SS with an upper-case "T", an
// optional fraction of 1 to 9 digits that is dropped (…:00.5Z is …:00Z), then
// "Z" or ±HH:MM (at most 18:00). A time without a zone is refused as ambiguous.
Result<std::chrono::sys_seconds> parse_date_time(std::string_view text);

// The moment the duration after `from`: on the China date of `from` the years
// and months are added first (clamped to the month's end: 31 January + P1M is
// 28 or 29 February), then weeks and days, or the working days
// (calendar.add_working_days, so from a day off the first working day counts
// as 1), keeping the China time of day; then the time part's seconds.
std::chrono::sys_seconds add_duration(std::chrono::sys_seconds from, const Duration& d,
                                      const core::WorkCalendar& calendar);

// Working days from now until the due moment's China date: 0 when due today,
// negative when the due date has passed (−1 = due on the previous working day).
// That is calendar.working_days_between(today, due date): the working days in
// (today, due] ahead, minus those in (due, today] behind, so a due date on
// Friday seen on the following Saturday or Sunday is still 0.
int working_days_left(std::chrono::sys_seconds now, std::chrono::sys_seconds due,
                      const core::WorkCalendar& calendar);

// UTC as "2026-12-01T01:00:00Z", and back (only that form).
std::string format_utc(std::chrono::sys_seconds t);
std::optional<std::chrono::sys_seconds> parse_utc(std::string_view text);

}  // namespace yiwang::workflow
