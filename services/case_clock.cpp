#include "services/case_clock.hpp"

#include <algorithm>

namespace yiwang::services {

ClockReading read_clock(std::chrono::sys_days start, int limit,
                        const std::vector<ClockPause>& pauses, std::chrono::sys_days today,
                        const core::WorkCalendar& calendar) {
  ClockReading r;
  r.limit = limit;
  std::chrono::sys_days end = std::max(today, start);
  for (const auto& p : pauses) {
    std::chrono::sys_days from = std::max(p.from, start);
    std::chrono::sys_days to = p.to ? std::min(*p.to, end) : end;
    if (!p.to && p.from <= end) r.running = false;
    if (to > from) r.paused += calendar.working_days_between(from, to);
  }
  r.used = calendar.working_days_between(start, end) - r.paused;
  if (r.used < 0) r.used = 0;
  r.left = limit - r.used;
  r.overdue = r.left < 0;
  r.due = calendar.add_working_days(start, limit + r.paused);
  return r;
}

}  // namespace yiwang::services
