// 公民身份号码 (GB 11643-1999): 6-digit address code, birth date YYYYMMDD,
// 3-digit sequence (odd = male), check character; 15-digit legacy numbers
// (YYMMDD, no check character) are converted by inserting "19" and adding it.
#include <array>

#include "core/civil_date.hpp"
#include "core/identifier.hpp"

namespace yiwang::core {

namespace {

constexpr std::array<int, 17> kWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};

// Birth years before this are typing errors, not people (the standard only
// requires a real date; this bound keeps 0949 from passing as a date).
constexpr int kEarliestBirthYear = 1800;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

int number(std::string_view digits) {
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

char citizen_check_char(std::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    if (!is_digit(first17[i])) return '\0';
    sum += (first17[i] - '0') * kWeights[i];
  }
  const int check = (12 - sum % 11) % 11;
  return check == 10 ? 'X' : static_cast<char>('0' + check);
}

namespace detail {

Outcome check_citizen_id(std::string_view s, const DivisionExists& divisions,
                         std::chrono::sys_days today, std::string& converted) {
  const std::size_t n = char_count(s);
  if (n != 18 && n != 15) return length_failure(18, s);
  const bool legacy = n == 15;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool last = !legacy && i == 17;
    if (!(is_digit(s[i]) || (last && s[i] == 'X'))) return charset_failure(s, i);
  }

  if (auto failed = check_division_part(s.substr(0, 6), divisions, false)) return failed;

  const std::string date_digits =
      legacy ? "19" + std::string(s.substr(6, 6)) : std::string(s.substr(6, 8));
  const int year = number(std::string_view(date_digits).substr(0, 4));
  const auto birth =
      make_date(year, static_cast<unsigned>(number(std::string_view(date_digits).substr(4, 2))),
                static_cast<unsigned>(number(std::string_view(date_digits).substr(6, 2))));
  if (!birth || year < kEarliestBirthYear) {
    return Failure{"birth_date", {{"date", date_digits}}};
  }
  if (*birth > today) {
    return Failure{"future_birth_date",
                   {{"date", format_iso_date(*birth)}, {"today", format_iso_date(today)}}};
  }

  if (legacy) {
    std::string first17 = std::string(s.substr(0, 6)) + "19" + std::string(s.substr(6));
    const char check = citizen_check_char(first17);
    converted = std::move(first17);
    converted.push_back(check);
    return std::nullopt;
  }
  const char expected = citizen_check_char(s.substr(0, 17));
  if (s[17] != expected) return check_char_failure("check_digit", expected, s[17]);
  return std::nullopt;
}

}  // namespace detail

}  // namespace yiwang::core
