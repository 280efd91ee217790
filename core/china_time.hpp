// China Standard Time (UTC+8, no daylight saving): the calendar day that
// deadlines, birth-date checks and page dates are reckoned in. Timestamps are
// stored in UTC; only the day boundary uses this.
#pragma once

#include <chrono>

namespace yiwang::core {

inline constexpr std::chrono::hours kChinaUtcOffset{8};

// Today's date in China.
inline std::chrono::sys_days china_today() {
  return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + kChinaUtcOffset);
}

}  // namespace yiwang::core
