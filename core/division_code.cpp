// 行政区划代码 (GB/T 2260): 6 digits, province (2) + prefecture (2) + county (2),
// no check digit. Codes change over time, so existence is a lookup in a dated table.
#include "core/identifier.hpp"

namespace yiwang::core::detail {

Outcome check_division_code(std::string_view s, const DivisionExists& divisions) {
  if (char_count(s) != 6) return length_failure(6, s);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return charset_failure(s, i);
  }
  return check_division_part(s, divisions, false);
}

}  // namespace yiwang::core::detail
