#include "workflow/duration.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>

#include <fmt/core.h>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"

namespace yiwang::workflow {

namespace {

using namespace std::chrono;

// Values above this are certainly beyond 100 years (even as seconds), and
// their weighted sum below still fits in 64 bits.
constexpr long long kValueCap = 100'000'000'000LL;

// Seconds per unit for the 100-year limit: a year of 365.25 days, a month of
// a twelfth of that, a working day of 7/5 days (five working days a week).
constexpr long long kYear = 31'557'600;
constexpr long long kMonth = kYear / 12;
constexpr long long kWeek = 7 * 86'400;
constexpr long long kDay = 86'400;
constexpr long long kWorkingDay = 7 * 86'400 / 5;
constexpr long long kLimit = 100 * kYear;

// How many characters of the offending text an error shows.
constexpr int kShownChars = 40;

bool decode(std::string_view s, std::size_t i, std::size_t& len) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    len = 1;
    return c >= 0x20 && c != 0x7F;  // controls are not shown either
  }
  std::size_t n = 0;
  char32_t cp = 0, min = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2, cp = c & 0x1F, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, cp = c & 0x0F, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return false;
  }
  if (i + n > s.size()) return false;
  for (std::size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp < 0xA0) return false;
  len = n;
  return true;
}

// The text as an error shows it: at most kShownChars characters, control
// characters and invalid UTF-8 replaced by U+FFFD.
std::string shown(std::string_view s) {
  std::string out;
  int count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    if (count == kShownChars) {
      out += "…";
      break;
    }
    std::size_t len = 1;
    if (decode(s, i, len)) {
      out.append(s.substr(i, len));
    } else {
      out += "\uFFFD";
    }
    i += len;
  }
  return out;
}

bool digit(char c) { return c >= '0' && c <= '9'; }

// Reads digits at s[i] (at least one), saturating at kValueCap.
bool read_number(std::string_view s, std::size_t& i, long long& value) {
  const std::size_t from = i;
  value = 0;
  while (i < s.size() && digit(s[i])) {
    value = std::min(kValueCap, value * 10 + (s[i] - '0'));
    ++i;
  }
  return i > from;
}

// Reads exactly n digits at s[i].
bool fixed_digits(std::string_view s, std::size_t i, std::size_t n, int& value) {
  if (i + n > s.size()) return false;
  value = 0;
  for (std::size_t k = 0; k < n; ++k) {
    if (!digit(s[i + k])) return false;
    value = value * 10 + (s[i + k] - '0');
  }
  return true;
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  auto invalid = [&] { return fail("workflow.duration.invalid", {}, {{"text", shown(text)}}); };
  if (text.size() < 2 || text[0] != 'P') return invalid();

  // Date part: Y, M, W, D in that order, or WD (working days) alone.
  enum { Y, M, W, D, WD, H, MIN, S, kParts };
  std::array<long long, kParts> v{};
  std::array<bool, kParts> seen{};
  std::size_t i = 1;
  int last = -1;
  while (i < text.size() && text[i] != 'T') {
    long long n = 0;
    if (!read_number(text, i, n) || i >= text.size()) return invalid();
    int part = 0;
    switch (text[i]) {
      case 'Y':
        part = Y;
        break;
      case 'M':
        part = M;
        break;
      case 'D':
        part = D;
        break;
      case 'W':
        if (i + 1 < text.size() && text[i + 1] == 'D') {
          part = WD;
          ++i;
        } else {
          part = W;
        }
        break;
      default:
        return invalid();
    }
    ++i;
    if (part <= last) return invalid();
    last = part;
    v[part] = n;
    seen[part] = true;
  }
  // Time part: H, M, S in that order, at least one.
  if (i < text.size()) {
    ++i;  // 'T'
    if (i >= text.size()) return invalid();
    last = -1;
    while (i < text.size()) {
      long long n = 0;
      if (!read_number(text, i, n) || i >= text.size()) return invalid();
      int part = 0;
      switch (text[i]) {
        case 'H':
          part = H;
          break;
        case 'M':
          part = MIN;
          break;
        case 'S':
          part = S;
          break;
        default:
          return invalid();
      }
      ++i;
      if (part <= last) return invalid();
      last = part;
      v[part] = n;
      seen[part] = true;
    }
  }
  bool any = false;
  for (bool s : seen) any = any || s;
  if (!any) return invalid();
  // Working days count on the working-day calendar; calendar days, weeks,
  // months and years cannot be mixed with them.
  if (seen[WD] && (seen[Y] || seen[M] || seen[W] || seen[D])) return invalid();

  const long long total = v[Y] * kYear + v[M] * kMonth + v[W] * kWeek + v[D] * kDay +
                          v[WD] * kWorkingDay + v[H] * 3600 + v[MIN] * 60 + v[S];
  if (total > kLimit) return invalid();

  Duration d;
  d.years = static_cast<int>(v[Y]);
  d.months = static_cast<int>(v[M]);
  d.weeks = static_cast<int>(v[W]);
  d.days = static_cast<int>(v[D]);
  d.working_days = static_cast<int>(v[WD]);
  d.seconds = v[H] * 3600 + v[MIN] * 60 + v[S];
  d.text = std::string(text);
  return d;
}

Result<Cycle> parse_cycle(std::string_view text) {
  auto invalid = [&] {
    return fail("workflow.duration.invalid_cycle", {}, {{"text", shown(text)}});
  };
  if (text.size() < 3 || text[0] != 'R') return invalid();
  std::size_t i = 1;
  Cycle cycle;
  if (digit(text[i])) {
    long long n = 0;
    read_number(text, i, n);
    if (n < 1 || n > INT_MAX) return invalid();
    cycle.repeat = static_cast<int>(n);
  }
  if (i >= text.size() || text[i] != '/') return invalid();
  auto every = parse_duration(text.substr(i + 1));
  // A zero period would fire without end.
  if (!every || every->zero()) return invalid();
  cycle.every = std::move(*every);
  return cycle;
}

Result<sys_seconds> parse_date_time(std::string_view text) {
  auto invalid = [&] {
    return fail("workflow.duration.invalid_date", {}, {{"text", shown(text)}});
  };
  if (text.size() == 10) {
    const auto date = core::parse_iso_date(text);
    if (!date) return invalid();
    return sys_seconds{*date} - core::kChinaUtcOffset;
  }
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':') return invalid();
  const auto date = core::parse_iso_date(text.substr(0, 10));
  int hour = 0, minute = 0, second = 0;
  if (!date || !fixed_digits(text, 11, 2, hour) || !fixed_digits(text, 14, 2, minute) ||
      !fixed_digits(text, 17, 2, second) || hour > 23 || minute > 59 || second > 59) {
    return invalid();
  }
  std::size_t i = 19;
  if (text[i] == '.') {
    const std::size_t from = ++i;
    while (i < text.size() && digit(text[i])) ++i;
    if (i == from || i - from > 9) return invalid();  // the fraction is dropped
  }
  const sys_seconds local =
      sys_seconds{*date} + hours{hour} + minutes{minute} + std::chrono::seconds{second};
  const std::string_view zone = text.substr(i);
  if (zone == "Z") return local;
  int oh = 0, om = 0;
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' ||
      !fixed_digits(zone, 1, 2, oh) || !fixed_digits(zone, 4, 2, om) || oh > 18 || om > 59) {
    return invalid();
  }
  const auto offset = hours{oh} + minutes{om};
  return zone[0] == '+' ? local - offset : local + offset;
}

sys_seconds add_duration(sys_seconds from, const Duration& d, const core::WorkCalendar& calendar) {
  const sys_seconds local = from + core::kChinaUtcOffset;
  sys_days day = floor<days>(local);
  const auto time_of_day = local - day;
  if (d.years != 0 || d.months != 0) {
    const year_month_day ymd{day};
    const year_month ym = ymd.year() / ymd.month() + months{d.years * 12 + d.months};
    const auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
    day = sys_days{ym / std::min(ymd.day(), last)};
  }
  day += days{d.weeks * 7 + d.days};
  if (d.working_days > 0) day = calendar.add_working_days(day, d.working_days);
  return day + time_of_day - core::kChinaUtcOffset + std::chrono::seconds{d.seconds};
}

int working_days_left(sys_seconds now, sys_seconds due, const core::WorkCalendar& calendar) {
  const sys_days today = floor<days>(now + core::kChinaUtcOffset);
  const sys_days due_day = floor<days>(due + core::kChinaUtcOffset);
  if (due_day >= today) return calendar.working_days_between(today, due_day);
  return -calendar.working_days_between(due_day, today);
}

std::string format_utc(sys_seconds t) {
  const sys_days day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<std::chrono::seconds> time{t - day};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

std::optional<sys_seconds> parse_utc(std::string_view text) {
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z') {
    return std::nullopt;
  }
  const auto date = core::parse_iso_date(text.substr(0, 10));
  int hour = 0, minute = 0, second = 0;
  if (!date || !fixed_digits(text, 11, 2, hour) || !fixed_digits(text, 14, 2, minute) ||
      !fixed_digits(text, 17, 2, second) || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  return sys_seconds{*date} + hours{hour} + minutes{minute} + std::chrono::seconds{second};
}

}  // namespace yiwang::workflow
