// 统一社会信用代码 (GB 32100-2015): 登记管理部门 (1) + 机构类别 (1) + 6-digit division
// code + 9-character 组织机构代码 (with its own GB 11714 check) + check character.
#include <array>

#include "core/identifier.hpp"

namespace yiwang::core {

namespace {

constexpr std::string_view kCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::string_view kAuthorities = "123456789ANY";
constexpr std::array<int, 17> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                          29, 25, 13, 8,  24, 10, 30, 28};

// The value of a character in the charset, or -1.
int value_of(char c) {
  const auto pos = kCharset.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::string_view uscc_charset() { return kCharset; }

std::string_view uscc_registration_authorities() { return kAuthorities; }

char uscc_check_char(std::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) {
    const int v = value_of(first17[i]);
    if (v < 0) return '\0';
    sum += v * kWeights[i];
  }
  return kCharset[static_cast<std::size_t>((31 - sum % 31) % 31)];
}

std::string make_uscc(char authority, char category, std::string_view division6,
                      std::string_view org_body8) {
  if (division6.size() != 6 || org_body8.size() != 8) return "";
  const char org_check = orgcode_check_char(org_body8);
  if (org_check == '\0') return "";
  std::string first17 = std::string{authority, category};
  first17.append(division6).append(org_body8).push_back(org_check);
  const char check = uscc_check_char(first17);
  if (check == '\0') return "";
  return first17 + check;
}

namespace detail {

Outcome check_credit_code(std::string_view s, const DivisionExists& divisions) {
  if (char_count(s) != 18) return length_failure(18, s);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (value_of(s[i]) < 0) return charset_failure(s, i);
  }
  if (kAuthorities.find(s[0]) == std::string_view::npos) {
    return Failure{"authority", {{"actual", std::string(1, s[0])}}};
  }
  if (auto failed = check_division_part(s.substr(2, 6), divisions, true)) return failed;

  const char org_expected = orgcode_check_char(s.substr(8, 8));
  if (s[16] != org_expected) return check_char_failure("org_check_digit", org_expected, s[16]);

  const char expected = uscc_check_char(s.substr(0, 17));
  if (s[17] != expected) return check_char_failure("check_digit", expected, s[17]);
  return std::nullopt;
}

}  // namespace detail

}  // namespace yiwang::core
