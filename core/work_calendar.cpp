#include "core/work_calendar.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/core.h>
#include <toml++/toml.h>

#include "core/civil_date.hpp"

namespace yiwang::core {

using std::chrono::days;
using std::chrono::sys_days;

namespace {

constexpr int kMinYear = 1949;
constexpr int kMaxYear = 9999;
constexpr int kMaxHolidayDays = 31;  // the longest break ever is 9 days; more is a typo

// A Monday, the origin of weekday_rank.
constexpr sys_days kMonday{std::chrono::year{1970} / std::chrono::January / 5};

// Mon–Fri days in [kMonday, d] (negative before it): differences count weekdays.
std::int64_t weekday_rank(sys_days d) {
  const std::int64_t t = (d - kMonday).count() + 1;
  std::int64_t weeks = t / 7;
  std::int64_t rest = t % 7;
  if (rest < 0) {
    rest += 7;
    --weeks;
  }
  return 5 * weeks + std::min<std::int64_t>(rest, 5);
}

// Dates an arrangement may name: its year, plus December before and January after
// (元旦 breaks and their make-up days sometimes fall there).
sys_days window_start(int year) { return *make_date(year - 1, 12, 1); }
sys_days window_end(int year) { return *make_date(year + 1, 1, 31); }

using Params = std::map<std::string, std::string>;

std::unexpected<Error> calendar_error(std::string key, const std::string& field,
                                      const toml::node* at, Params params = {}) {
  if (at != nullptr) params["line"] = std::to_string(at->source().begin.line);
  return std::unexpected(Error(std::move(key), field, std::move(params)));
}

// Reports the first key of `table` not in `allowed`.
std::optional<Error> unknown_key(const toml::table& table, const std::string& prefix,
                                 std::initializer_list<std::string_view> allowed) {
  for (auto&& [k, v] : table) {
    if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end()) {
      return calendar_error("calendar.unknown_key", prefix + std::string(k.str()), &v).error();
    }
  }
  return std::nullopt;
}

// A non-empty string value.
Result<std::string> read_text(const toml::table& table, const std::string& prefix,
                              std::string_view name, const toml::node* owner) {
  const std::string field = prefix + std::string(name);
  const toml::node* node = table.get(name);
  if (node == nullptr) return calendar_error("calendar.missing_key", field, owner);
  const auto* text = node->as_string();
  if (text == nullptr) {
    return calendar_error("calendar.wrong_type", field, node, {{"expected", "string"}});
  }
  const std::string& value = text->get();
  if (value.find_first_not_of(" \t") == std::string::npos) {
    return calendar_error("calendar.empty_value", field, node);
  }
  return value;
}

// A date written as a TOML local date (2026-02-15) or a string ("2026-02-15"),
// within the window of `year`.
Result<sys_days> read_date(const toml::table& table, const std::string& prefix,
                           std::string_view name, const toml::node* owner, int year) {
  const std::string field = prefix + std::string(name);
  const toml::node* node = table.get(name);
  if (node == nullptr) return calendar_error("calendar.missing_key", field, owner);
  std::optional<sys_days> date;
  if (const auto* native = node->as_date()) {
    const toml::date& v = native->get();
    date = make_date(v.year, v.month, v.day);
    if (!date) {
      return calendar_error("calendar.bad_date", field, node,
                            {{"value", fmt::format("{:04}-{:02}-{:02}", v.year, v.month, v.day)}});
    }
  } else if (const auto* text = node->as_string()) {
    date = parse_iso_date(text->get());
    if (!date) return calendar_error("calendar.bad_date", field, node, {{"value", text->get()}});
  } else {
    return calendar_error("calendar.wrong_type", field, node, {{"expected", "date"}});
  }
  if (*date < window_start(year) || *date > window_end(year)) {
    return calendar_error("calendar.date_outside_year", field, node,
                          {{"date", format_iso_date(*date)}, {"year", std::to_string(year)}});
  }
  return *date;
}

// The entries of an optional array of tables ([[holiday]]); empty when absent.
Result<std::vector<const toml::table*>> read_tables(const toml::table& root,
                                                    std::string_view name) {
  std::vector<const toml::table*> out;
  const toml::node* node = root.get(name);
  if (node == nullptr) return out;
  const auto* array = node->as_array();
  if (array == nullptr || !(array->empty() || array->is_array_of_tables())) {
    return calendar_error("calendar.wrong_type", std::string(name), node,
                          {{"expected", "array of tables ([[" + std::string(name) + "]])"}});
  }
  for (const auto& element : *array) out.push_back(element.as_table());
  return out;
}

std::string entry_prefix(std::string_view name, std::size_t index) {
  return std::string(name) + "[" + std::to_string(index + 1) + "].";
}

}  // namespace

Result<YearArrangement> parse_year_arrangement(std::string_view toml_text) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    return calendar_error("calendar.syntax", {}, nullptr,
                          {{"line", std::to_string(e.source().begin.line)},
                           {"column", std::to_string(e.source().begin.column)},
                           {"detail", std::string(e.description())}});
  }
  if (auto bad = unknown_key(root, "", {"year", "source", "holiday", "workday"})) {
    return std::unexpected(*bad);
  }

  YearArrangement out;
  const toml::node* year_node = root.get("year");
  if (year_node == nullptr) return calendar_error("calendar.missing_key", "year", nullptr);
  const auto* year_value = year_node->as_integer();
  if (year_value == nullptr) {
    return calendar_error("calendar.wrong_type", "year", year_node, {{"expected", "integer"}});
  }
  if (year_value->get() < kMinYear || year_value->get() > kMaxYear) {
    return calendar_error("calendar.year_range", "year", year_node,
                          {{"value", std::to_string(year_value->get())},
                           {"min", std::to_string(kMinYear)},
                           {"max", std::to_string(kMaxYear)}});
  }
  out.year = static_cast<int>(year_value->get());

  auto source = read_text(root, "", "source", nullptr);
  if (!source) return std::unexpected(source.error());
  out.source = std::move(*source);

  auto holidays = read_tables(root, "holiday");
  if (!holidays) return std::unexpected(holidays.error());
  for (std::size_t i = 0; i < holidays->size(); ++i) {
    const toml::table& entry = *(*holidays)[i];
    const std::string prefix = entry_prefix("holiday", i);
    if (auto bad = unknown_key(entry, prefix, {"name", "from", "to"})) return std::unexpected(*bad);
    auto name = read_text(entry, prefix, "name", &entry);
    if (!name) return std::unexpected(name.error());
    auto from = read_date(entry, prefix, "from", &entry, out.year);
    if (!from) return std::unexpected(from.error());
    auto to = read_date(entry, prefix, "to", &entry, out.year);
    if (!to) return std::unexpected(to.error());
    if (*to < *from) {
      return calendar_error("calendar.range_reversed", prefix + "to", entry.get("to"),
                            {{"from", format_iso_date(*from)}, {"to", format_iso_date(*to)}});
    }
    const auto length = (*to - *from).count() + 1;
    if (length > kMaxHolidayDays) {
      return calendar_error(
          "calendar.holiday_too_long", prefix + "to", entry.get("to"),
          {{"days", std::to_string(length)}, {"max", std::to_string(kMaxHolidayDays)}});
    }
    for (const Holiday& other : out.holidays) {
      if (*from <= other.to && other.from <= *to) {
        return calendar_error("calendar.holiday_overlap", prefix + "from", entry.get("from"),
                              {{"name", *name}, {"other", other.name}});
      }
    }
    out.holidays.push_back(Holiday{std::move(*name), *from, *to});
  }

  auto workdays = read_tables(root, "workday");
  if (!workdays) return std::unexpected(workdays.error());
  for (std::size_t i = 0; i < workdays->size(); ++i) {
    const toml::table& entry = *(*workdays)[i];
    const std::string prefix = entry_prefix("workday", i);
    if (auto bad = unknown_key(entry, prefix, {"name", "date"})) return std::unexpected(*bad);
    auto name = read_text(entry, prefix, "name", &entry);
    if (!name) return std::unexpected(name.error());
    auto date = read_date(entry, prefix, "date", &entry, out.year);
    if (!date) return std::unexpected(date.error());
    if (!is_weekend(*date)) {
      return calendar_error("calendar.workday_not_weekend", prefix + "date", entry.get("date"),
                            {{"date", format_iso_date(*date)}});
    }
    for (const Holiday& holiday : out.holidays) {
      if (*date >= holiday.from && *date <= holiday.to) {
        return calendar_error("calendar.workday_in_holiday", prefix + "date", entry.get("date"),
                              {{"date", format_iso_date(*date)}, {"holiday", holiday.name}});
      }
    }
    out.workdays.push_back(MakeUpDay{*date, std::move(*name)});
  }
  return out;
}

void WorkCalendar::add(YearArrangement arrangement) {
  const int year = arrangement.year;
  if (year < kMinYear || year > kMaxYear) return;
  arrangements_[year] = std::move(arrangement);
  rebuild();
}

void WorkCalendar::rebuild() {
  // Days off (false) and make-up working days (true); later years override earlier ones.
  std::map<sys_days, bool> overrides;
  std::set<int> touched;
  for (const auto& [year, arrangement] : arrangements_) {
    touched.insert(year);
    const sys_days lo = window_start(year);
    const sys_days hi = window_end(year);
    for (const Holiday& h : arrangement.holidays) {
      for (sys_days d = std::max(h.from, lo); d <= std::min(h.to, hi); d += days{1}) {
        overrides[d] = false;
      }
    }
    for (const MakeUpDay& w : arrangement.workdays) {
      if (w.date >= lo && w.date <= hi) overrides[w.date] = true;
    }
  }
  for (const auto& entry : overrides) touched.insert(year_of(entry.first));

  tables_.clear();
  std::int64_t shift = 0;
  for (int year : touched) {
    YearTable t;
    t.first = *make_date(year, 1, 1);
    t.last = *make_date(year, 12, 31);
    const auto size = static_cast<std::size_t>((t.last - t.first).count() + 1);
    t.working.resize(size);
    for (std::size_t i = 0; i < size; ++i) {
      t.working[i] = is_weekend(t.first + days{static_cast<days::rep>(i)}) ? 0 : 1;
    }
    for (auto it = overrides.lower_bound(t.first); it != overrides.end() && it->first <= t.last;
         ++it) {
      t.working[static_cast<std::size_t>((it->first - t.first).count())] = it->second ? 1 : 0;
    }
    t.prefix.assign(size + 1, 0);
    for (std::size_t i = 0; i < size; ++i) t.prefix[i + 1] = t.prefix[i] + t.working[i];
    t.shift_before = shift;
    shift += t.prefix[size] - (weekday_rank(t.last) - weekday_rank(t.first - days{1}));
    tables_.push_back(std::move(t));
  }
  shift_total_ = shift;
}

std::int64_t WorkCalendar::rank(sys_days d) const {
  // The first table whose year ends on or after d.
  const auto it = std::lower_bound(tables_.begin(), tables_.end(), d,
                                   [](const YearTable& t, sys_days v) { return t.last < v; });
  if (it == tables_.end()) return weekday_rank(d) + shift_total_;
  if (d < it->first) return weekday_rank(d) + it->shift_before;
  const auto index = static_cast<std::size_t>((d - it->first).count());
  return it->shift_before + weekday_rank(it->first - days{1}) + it->prefix[index + 1];
}

bool WorkCalendar::is_working_day(sys_days date) const {
  const auto it = std::lower_bound(tables_.begin(), tables_.end(), date,
                                   [](const YearTable& t, sys_days v) { return t.last < v; });
  if (it != tables_.end() && it->first <= date) {
    return it->working[static_cast<std::size_t>((date - it->first).count())] != 0;
  }
  return !is_weekend(date);
}

bool WorkCalendar::has_year(int year) const { return arrangements_.contains(year); }

sys_days WorkCalendar::add_working_days(sys_days d, int n) const {
  if (n <= 0) return d;
  const std::int64_t target = rank(d) + n;
  // Find a bound with enough working days (5 in every 7 days, less holidays),
  // then the first date whose rank reaches the target: that is a working day.
  sys_days lo = d;
  std::int64_t step = static_cast<std::int64_t>(n) * 7 / 5 + 2;
  sys_days hi = d + days{step};
  while (rank(hi) < target) {
    lo = hi;
    step *= 2;
    hi = lo + days{step};
  }
  while ((hi - lo).count() > 1) {
    const sys_days mid = lo + days{(hi - lo).count() / 2};
    if (rank(mid) >= target) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi;
}

int WorkCalendar::working_days_between(sys_days a, sys_days b) const {
  return static_cast<int>(rank(b) - rank(a));
}

std::vector<int> WorkCalendar::years() const {
  std::vector<int> out;
  out.reserve(arrangements_.size());
  for (const auto& entry : arrangements_) out.push_back(entry.first);
  return out;
}

const YearArrangement* WorkCalendar::arrangement(int year) const {
  const auto it = arrangements_.find(year);
  return it == arrangements_.end() ? nullptr : &it->second;
}

}  // namespace yiwang::core
