#include "core/china_time.hpp"

#include "core/civil_date.hpp"

namespace yiwang::core {

std::optional<std::chrono::sys_days> china_day_of(std::string_view utc) {
  if (utc.size() < 10) return std::nullopt;
  auto day = parse_iso_date(utc.substr(0, 10));
  if (!day) return std::nullopt;
  int hour = 0;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (utc.size() >= 13 && (utc[10] == 'T' || utc[10] == ' ') && digit(utc[11]) && digit(utc[12]))
    hour = (utc[11] - '0') * 10 + (utc[12] - '0');
  if (hour >= 24 - kChinaUtcOffset.count()) *day += std::chrono::days(1);
  return day;
}

}  // namespace yiwang::core
