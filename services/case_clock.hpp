// The clock of a case (办件时限): how many working days of its time limit
// are used and left, with the periods that do not count — waiting for the
// applicant's corrections (补齐补正) and special procedures (特别程序:
// hearings, tests, expert reviews) — taken out.
//
// A case has two clocks in turn. From submission to acceptance runs the
// acceptance limit (受理时限, 5 working days under 行政许可法 art. 32); from
// acceptance, the promised limit (承诺时限) and the statutory limit (法定时限)
// of the service item. The day a clock starts is not counted: a case
// accepted on Monday with a limit of 1 working day is due on Tuesday.
// A pause covers the working days after the day it began up to and
// including the day it ended; an open pause runs to today.
//
// Pure; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/work_calendar.hpp"

namespace yiwang::services {

inline constexpr int kAcceptanceDays = 5;

struct ClockPause {
  std::chrono::sys_days from{};
  std::optional<std::chrono::sys_days> to;  // none: still paused
  std::string reason;                       // "correction" | "special"; pauses do not overlap
};

struct ClockReading {
  int limit = 0;                // working days allowed
  int used = 0;                 // working days counted so far (pauses excluded)
  int left = 0;                 // limit − used; negative when overdue
  int paused = 0;               // working days not counted
  std::chrono::sys_days due{};  // the date the limit runs out, pauses so far included
  bool running = true;          // false while a pause is open
  bool overdue = false;
};

// Reads a clock started on `start` with `limit` working days, as of `today`
// (a stopped clock reads as of the day it stopped). Pauses are clipped to
// the clock's span.
ClockReading read_clock(std::chrono::sys_days start, int limit,
                        const std::vector<ClockPause>& pauses, std::chrono::sys_days today,
                        const core::WorkCalendar& calendar);

}  // namespace yiwang::services
