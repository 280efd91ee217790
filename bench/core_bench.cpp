// Benchmarks of core/: identifier checks (one per kind) and working-day arithmetic.
// The calendar is the 2025 and 2026 arrangements (STANDARDS.md §10), built in memory
// so the benchmark reads no files.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdlib>
#include <string_view>

#include "core/identifier.hpp"
#include "core/work_calendar.hpp"

namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;
using yiwang::core::check_identifier;
using yiwang::core::DivisionExists;
using yiwang::core::IdKind;
using yiwang::core::WorkCalendar;

constexpr std::string_view k2025 = R"(
year = 2025
source = "国办发明电〔2024〕12号"
[[holiday]]
name = "元旦"
from = 2025-01-01
to = 2025-01-01
[[holiday]]
name = "春节"
from = 2025-01-28
to = 2025-02-04
[[holiday]]
name = "清明节"
from = 2025-04-04
to = 2025-04-06
[[holiday]]
name = "劳动节"
from = 2025-05-01
to = 2025-05-05
[[holiday]]
name = "端午节"
from = 2025-05-31
to = 2025-06-02
[[holiday]]
name = "国庆节、中秋节"
from = 2025-10-01
to = 2025-10-08
[[workday]]
name = "春节调休"
date = 2025-01-26
[[workday]]
name = "春节调休"
date = 2025-02-08
[[workday]]
name = "劳动节调休"
date = 2025-04-27
[[workday]]
name = "国庆节、中秋节调休"
date = 2025-09-28
[[workday]]
name = "国庆节、中秋节调休"
date = 2025-10-11
)";

constexpr std::string_view k2026 = R"(
year = 2026
source = "国务院办公厅 2025-11-04 发布"
[[holiday]]
name = "元旦"
from = 2026-01-01
to = 2026-01-03
[[holiday]]
name = "春节"
from = 2026-02-15
to = 2026-02-23
[[holiday]]
name = "清明节"
from = 2026-04-04
to = 2026-04-06
[[holiday]]
name = "劳动节"
from = 2026-05-01
to = 2026-05-05
[[holiday]]
name = "端午节"
from = 2026-06-19
to = 2026-06-21
[[holiday]]
name = "中秋节"
from = 2026-09-25
to = 2026-09-27
[[holiday]]
name = "国庆节"
from = 2026-10-01
to = 2026-10-07
[[workday]]
name = "元旦调休"
date = 2026-01-04
[[workday]]
name = "春节调休"
date = 2026-02-14
[[workday]]
name = "春节调休"
date = 2026-02-28
[[workday]]
name = "劳动节调休"
date = 2026-05-09
[[workday]]
name = "国庆节调休"
date = 2026-09-20
[[workday]]
name = "国庆节调休"
date = 2026-10-10
)";

WorkCalendar make_calendar() {
  WorkCalendar calendar;
  for (std::string_view text : {k2025, k2026}) {
    auto parsed = yiwang::core::parse_year_arrangement(text);
    if (!parsed) std::abort();
    calendar.add(std::move(*parsed));
  }
  return calendar;
}

const sys_days kToday{2026y / 1 / 15};
const DivisionExists kDivisions = [](std::string_view code) {
  return code == "110105" || code == "350100";
};

void check(benchmark::State& state, IdKind kind, std::string_view input) {
  for (auto _ : state) {
    auto result = check_identifier(kind, input, kDivisions, kToday);
    benchmark::DoNotOptimize(result);
  }
}

void BM_CheckCitizen(benchmark::State& state) {
  check(state, IdKind::citizen, "11010519491231002X");
}
void BM_CheckCitizenFullWidth(benchmark::State& state) {
  check(state, IdKind::citizen, "　１１０１０５１９４９１２３１００２ｘ　");
}
void BM_CheckCitizenLegacy(benchmark::State& state) {
  check(state, IdKind::citizen, "110105491231002");
}
void BM_CheckUscc(benchmark::State& state) { check(state, IdKind::uscc, "91350100M000100Y43"); }
void BM_CheckOrgCode(benchmark::State& state) { check(state, IdKind::orgcode, "M000100Y-4"); }
void BM_CheckDivision(benchmark::State& state) { check(state, IdKind::division, "350100"); }
void BM_CheckCitizenInvalid(benchmark::State& state) {
  check(state, IdKind::citizen, "110105194912310021");
}

void BM_AddWorkingDays20(benchmark::State& state) {
  const WorkCalendar calendar = make_calendar();
  sys_days day{2025y / 1 / 1};
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.add_working_days(day, 20));
    day += std::chrono::days{1};
    if (day > sys_days{2026y / 12 / 1}) day = sys_days{2025y / 1 / 1};
  }
}

void BM_AddWorkingDays250(benchmark::State& state) {
  const WorkCalendar calendar = make_calendar();
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.add_working_days(sys_days{2025y / 3 / 3}, 250));
  }
}

void BM_WorkingDaysBetweenYear(benchmark::State& state) {
  const WorkCalendar calendar = make_calendar();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        calendar.working_days_between(sys_days{2025y / 6 / 1}, sys_days{2026y / 6 / 1}));
  }
}

void BM_IsWorkingDay(benchmark::State& state) {
  const WorkCalendar calendar = make_calendar();
  sys_days day{2025y / 1 / 1};
  for (auto _ : state) {
    benchmark::DoNotOptimize(calendar.is_working_day(day));
    day += std::chrono::days{1};
    if (day > sys_days{2026y / 12 / 31}) day = sys_days{2025y / 1 / 1};
  }
}

void BM_ParseYearArrangement(benchmark::State& state) {
  for (auto _ : state) {
    auto parsed = yiwang::core::parse_year_arrangement(k2026);
    benchmark::DoNotOptimize(parsed);
  }
}

}  // namespace

BENCHMARK(BM_CheckCitizen);
BENCHMARK(BM_CheckCitizenFullWidth);
BENCHMARK(BM_CheckCitizenLegacy);
BENCHMARK(BM_CheckCitizenInvalid);
BENCHMARK(BM_CheckUscc);
BENCHMARK(BM_CheckOrgCode);
BENCHMARK(BM_CheckDivision);
BENCHMARK(BM_AddWorkingDays20);
BENCHMARK(BM_AddWorkingDays250);
BENCHMARK(BM_WorkingDaysBetweenYear);
BENCHMARK(BM_IsWorkingDay);
BENCHMARK(BM_ParseYearArrangement);
