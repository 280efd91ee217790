// Calendar dates as std::chrono::sys_days, in the two notations the platform uses.
//
// Forms, files and APIs exchange dates as ISO 8601 (2026-01-05); official
// documents print them the GB/T 9704 way (2026年1月5日, no leading zeros).
// Deadlines and identifiers need real calendar dates and the day of the week,
// so this unit parses strictly and never guesses.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace yiwang::core {

// The date for year/month/day, or nullopt when it is not a real calendar date.
std::optional<std::chrono::sys_days> make_date(int year, unsigned month, unsigned day);

// Parses exactly "YYYY-MM-DD" (four-digit year, two-digit month and day, a real date).
std::optional<std::chrono::sys_days> parse_iso_date(std::string_view text);

// Formats as "YYYY-MM-DD".
std::string format_iso_date(std::chrono::sys_days date);

// Formats as in official documents: "2026年1月5日" (full year, no leading zeros).
std::string format_chinese_date(std::chrono::sys_days date);

// The year of the date (proleptic Gregorian).
int year_of(std::chrono::sys_days date);

// ISO weekday number: 1 = Monday … 7 = Sunday.
unsigned iso_weekday(std::chrono::sys_days date);

// Whether the date is a Saturday or a Sunday.
bool is_weekend(std::chrono::sys_days date);

// The Chinese name of the weekday: "星期一" … "星期日".
std::string_view chinese_weekday_name(std::chrono::sys_days date);

}  // namespace yiwang::core
