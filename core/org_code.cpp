// 组织机构代码 (GB 11714): 8 characters 0-9/A-Z (A = 10 … Z = 35) + check character.
#include <array>

#include "core/identifier.hpp"

namespace yiwang::core {

namespace {

constexpr std::array<int, 8> kWeights = {3, 7, 9, 10, 5, 8, 4, 2};

// The value of a body character, or -1.
int value_of(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

}  // namespace

char orgcode_check_char(std::string_view first8) {
  if (first8.size() != 8) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const int v = value_of(first8[i]);
    if (v < 0) return '\0';
    sum += v * kWeights[i];
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

namespace detail {

Outcome check_org_code(std::string_view s) {
  if (char_count(s) != 9) return length_failure(9, s);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = i < 8 ? value_of(c) >= 0 : ((c >= '0' && c <= '9') || c == 'X');
    if (!ok) return charset_failure(s, i);
  }
  const char expected = orgcode_check_char(s.substr(0, 8));
  if (s[8] != expected) return check_char_failure("check_digit", expected, s[8]);
  return std::nullopt;
}

}  // namespace detail

}  // namespace yiwang::core
