// The working-day (工作日) calendar that statutory deadlines are counted in.
//
// Weekends and public holidays do not count; the State Council's annual
// arrangement also declares some Saturdays and Sundays working days (调休).
// Each year's arrangement is data (data/calendar/<year>.toml), published every
// November, so an operator adds next year without a new build. Outside the
// loaded years only weekends are treated as days off.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace yiwang::core {

// A public holiday period, both ends inclusive (e.g. 春节 2026-02-15 … 2026-02-23).
struct Holiday {
  std::string name;
  std::chrono::sys_days from;
  std::chrono::sys_days to;
};

// A Saturday or Sunday declared a working day (调休).
struct MakeUpDay {
  std::chrono::sys_days date;
  std::string name;
};

// One year's arrangement as published by the State Council.
struct YearArrangement {
  int year = 0;
  std::string source;  // the notice it comes from, e.g. 国办发明电〔2024〕12号
  std::vector<Holiday> holidays;
  std::vector<MakeUpDay> workdays;
};

// Parses and checks one year file; errors carry a "calendar.*" catalogue key, the
// offending key as field (e.g. "holiday[2].to", counted from 1) and param "line"
// (the line in the file) where known.
Result<YearArrangement> parse_year_arrangement(std::string_view toml_text);

// Working days over any span of dates, with the loaded years' arrangements applied.
class WorkCalendar {
 public:
  // Loads (or replaces) the arrangement of arrangement.year. Dates it names in the
  // neighbouring years (a 元旦 break starting in December) apply too; where two
  // arrangements name the same date the later year's wins. Years outside 1949–9999
  // (which parse_year_arrangement refuses) are ignored.
  void add(YearArrangement arrangement);

  // Whether the date is a working day.
  bool is_working_day(std::chrono::sys_days date) const;

  // Whether an arrangement for the year is loaded (outside one, only weekends are off).
  bool has_year(int year) const;

  // The date N working days after D (D itself not counted); n <= 0 returns D.
  std::chrono::sys_days add_working_days(std::chrono::sys_days d, int n) const;

  // The number of working days in (a, b]; negative (minus those in (b, a]) when b < a.
  int working_days_between(std::chrono::sys_days a, std::chrono::sys_days b) const;

  // The loaded years, ascending.
  std::vector<int> years() const;

  // The loaded arrangement of a year, or nullptr.
  const YearArrangement* arrangement(int year) const;

 private:
  // Working days of one calendar year touched by an arrangement.
  struct YearTable {
    std::chrono::sys_days first;  // 1 January
    std::chrono::sys_days last;   // 31 December
    std::vector<std::uint8_t> working;
    std::vector<std::int32_t> prefix;  // prefix[i] = working days among the first i days
    std::int64_t shift_before = 0;     // sum of (working − weekdays) over earlier tables
  };

  // Working days in (epoch, d] up to a constant: rank(b) − rank(a) counts (a, b].
  std::int64_t rank(std::chrono::sys_days d) const;
  // Recomputes the year tables from all loaded arrangements.
  void rebuild();

  std::map<int, YearArrangement> arrangements_;
  std::vector<YearTable> tables_;  // ascending, one per touched year
  std::int64_t shift_total_ = 0;
};

}  // namespace yiwang::core
