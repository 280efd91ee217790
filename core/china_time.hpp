// China Standard Time (UTC+8, no daylight saving): the calendar day that
// deadlines, birth-date checks and page dates are reckoned in. Timestamps are
// stored in UTC; only the day boundary uses this.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace yiwang::core {

inline constexpr std::chrono::hours kChinaUtcOffset{8};

// Today's date in China.
inline std::chrono::sys_days china_today() {
  return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + kChinaUtcOffset);
}

// The China date of a stored UTC time ("2026-11-27T17:00:00Z" is
// 2026-11-28 in China); nullopt when it does not start with a date.
std::optional<std::chrono::sys_days> china_day_of(std::string_view utc);

}  // namespace yiwang::core
