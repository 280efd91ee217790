#include "core/civil_date.hpp"

#include <array>

#include <fmt/core.h>

namespace yiwang::core {

namespace {

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

unsigned to_number(std::string_view digits) {
  unsigned v = 0;
  for (char c : digits) v = v * 10 + static_cast<unsigned>(c - '0');
  return v;
}

}  // namespace

std::optional<std::chrono::sys_days> make_date(int year, unsigned month, unsigned day) {
  const std::chrono::year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                                        std::chrono::day{day}};
  // chrono::month and chrono::day keep only 8 bits, so range-check before ok().
  if (month > 12 || day > 31 || !ymd.ok()) return std::nullopt;
  return std::chrono::sys_days{ymd};
}

std::optional<std::chrono::sys_days> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const std::string_view y = text.substr(0, 4);
  const std::string_view m = text.substr(5, 2);
  const std::string_view d = text.substr(8, 2);
  if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::nullopt;
  return make_date(static_cast<int>(to_number(y)), to_number(m), to_number(d));
}

std::string format_iso_date(std::chrono::sys_days date) {
  const std::chrono::year_month_day ymd{date};
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string format_chinese_date(std::chrono::sys_days date) {
  const std::chrono::year_month_day ymd{date};
  return fmt::format("{}年{}月{}日", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

int year_of(std::chrono::sys_days date) {
  return static_cast<int>(std::chrono::year_month_day{date}.year());
}

unsigned iso_weekday(std::chrono::sys_days date) {
  return std::chrono::weekday{date}.iso_encoding();
}

bool is_weekend(std::chrono::sys_days date) { return iso_weekday(date) >= 6; }

std::string_view chinese_weekday_name(std::chrono::sys_days date) {
  static constexpr std::array<std::string_view, 7> names = {"星期一", "星期二", "星期三", "星期四",
                                                            "星期五", "星期六", "星期日"};
  return names[iso_weekday(date) - 1];
}

}  // namespace yiwang::core
