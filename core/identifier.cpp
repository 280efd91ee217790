#include "core/identifier.hpp"

#include <cstdint>

#include "core/normalise.hpp"

namespace yiwang::core {

namespace {

std::string rule_key(IdKind kind, std::string_view rule) {
  std::string key = "id.";
  key += id_kind_name(kind);
  key += '.';
  key += rule;
  return key;
}

}  // namespace

IdCheck check_identifier(IdKind kind, std::string_view input, const DivisionExists& divisions,
                         std::chrono::sys_days today) {
  IdCheck result;
  result.normalised = normalise_identifier(input);
  std::string_view s = result.normalised;
  // An organisation code may be written "12345678-9"; the hyphen is only notation.
  if (kind == IdKind::orgcode && s.size() == 10 && s[8] == '-') {
    result.normalised.erase(8, 1);
    s = result.normalised;
  }

  detail::Outcome outcome;
  if (!is_valid_utf8(s)) {
    outcome = detail::Failure{"encoding", {}};
  } else {
    switch (kind) {
      case IdKind::citizen:
        outcome = detail::check_citizen_id(s, divisions, today, result.converted);
        break;
      case IdKind::uscc:
        outcome = detail::check_credit_code(s, divisions);
        break;
      case IdKind::orgcode:
        outcome = detail::check_org_code(s);
        break;
      case IdKind::division:
        outcome = detail::check_division_code(s, divisions);
        break;
    }
  }

  if (outcome) {
    result.status = IdStatus::invalid;
    result.converted.clear();
    result.error = yiwang::Error(rule_key(kind, outcome->rule), {}, std::move(outcome->params));
    result.rule = std::move(outcome->rule);
  } else {
    result.status = result.converted.empty() ? IdStatus::valid : IdStatus::legacy;
  }
  return result;
}

std::optional<IdKind> parse_id_kind(std::string_view name) {
  if (name == "citizen") return IdKind::citizen;
  if (name == "uscc") return IdKind::uscc;
  if (name == "orgcode") return IdKind::orgcode;
  if (name == "division") return IdKind::division;
  return std::nullopt;
}

std::string_view id_kind_name(IdKind kind) {
  switch (kind) {
    case IdKind::citizen:
      return "citizen";
    case IdKind::uscc:
      return "uscc";
    case IdKind::orgcode:
      return "orgcode";
    case IdKind::division:
      return "division";
  }
  return "unknown";
}

bool is_province_prefix(std::string_view two_digits) {
  if (two_digits.size() != 2) return false;
  const char a = two_digits[0];
  const char b = two_digits[1];
  if (b < '0' || b > '9') return false;
  switch (a) {
    case '1':
      return b >= '1' && b <= '5';  // 11 北京 … 15 内蒙古
    case '2':
      return b >= '1' && b <= '3';  // 21 辽宁 … 23 黑龙江
    case '3':
      return b >= '1' && b <= '7';  // 31 上海 … 37 山东
    case '4':
      return b >= '1' && b <= '6';  // 41 河南 … 46 海南
    case '5':
      return b >= '0' && b <= '4';  // 50 重庆 … 54 西藏
    case '6':
      return b >= '1' && b <= '5';  // 61 陕西 … 65 新疆
    case '7':
      return b == '1';  // 71 台湾
    case '8':
      return b == '1' || b == '2';  // 81 香港, 82 澳门
    default:
      return false;
  }
}

namespace detail {

std::size_t char_count(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<std::uint8_t>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

Failure length_failure(std::size_t expected, std::string_view s) {
  return Failure{
      "length",
      {{"expected", std::to_string(expected)}, {"actual", std::to_string(char_count(s))}}};
}

Failure charset_failure(std::string_view s, std::size_t index) {
  std::size_t end = index + 1;
  while (end < s.size() && (static_cast<std::uint8_t>(s[end]) & 0xC0) == 0x80) ++end;
  return Failure{"charset",
                 {{"position", std::to_string(index + 1)},
                  {"char", std::string(s.substr(index, end - index))}}};
}

Outcome check_division_part(std::string_view code6, const DivisionExists& divisions,
                            bool national) {
  if (national && code6 == "100000") return std::nullopt;
  if (!is_province_prefix(code6.substr(0, 2))) {
    return Failure{"division_format", {{"code", std::string(code6)}}};
  }
  if (divisions && !divisions(code6)) {
    return Failure{"division_unknown", {{"code", std::string(code6)}}};
  }
  return std::nullopt;
}

Failure check_char_failure(std::string rule, char expected, char actual) {
  return Failure{std::move(rule),
                 {{"expected", std::string(1, expected)}, {"actual", std::string(1, actual)}}};
}

}  // namespace detail

}  // namespace yiwang::core
