// GB 11714 organisation codes. Values 0–9, A = 10 … Z = 35; weights 3 7 9 10 5 8 4 2;
// C9 = 11 − (Σ mod 11), 10 → X, 11 → 0. By hand:
//   12345678: 3 + 14 + 27 + 40 + 25 + 48 + 28 + 16 = 201; 201 mod 11 = 3; 11 − 3 = 8 → 12345678-8
//   00000006: 6·2 = 12; 12 mod 11 = 1; 11 − 1 = 10 → X                     → 00000006-X
//   0000000B: 11·2 = 22; 22 mod 11 = 0; 11 − 0 = 11 → 0                    → 0000000B-0
//   M000100Y: 22·3 + 1·5 + 34·2 = 139; 139 mod 11 = 7; 11 − 7 = 4          → M000100Y-4
#include <gtest/gtest.h>

#include "core/identifier.hpp"

namespace yiwang::core {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

IdCheck check(std::string_view input) {
  return check_identifier(IdKind::orgcode, input, {}, sys_days{2026y / 1 / 15});
}

TEST(OrgCodeCheckChar, ComputedByHand) {
  EXPECT_EQ(orgcode_check_char("12345678"), '8');
  EXPECT_EQ(orgcode_check_char("00000006"), 'X');
  EXPECT_EQ(orgcode_check_char("0000000B"), '0');
  EXPECT_EQ(orgcode_check_char("M000100Y"), '4');
  EXPECT_EQ(orgcode_check_char("1234567"), '\0');
  EXPECT_EQ(orgcode_check_char("1234567-"), '\0');
}

TEST(OrgCode, ValidWithAndWithoutHyphen) {
  IdCheck r = check("123456788");
  EXPECT_EQ(r.status, IdStatus::valid);
  EXPECT_EQ(r.normalised, "123456788");
  r = check("12345678-8");
  EXPECT_EQ(r.status, IdStatus::valid);
  EXPECT_EQ(r.normalised, "123456788");
  EXPECT_EQ(check("00000006-X").status, IdStatus::valid);
  EXPECT_EQ(check("0000000B-0").status, IdStatus::valid);
}

TEST(OrgCode, FullWidthLowercaseAndFullWidthHyphen) {
  EXPECT_EQ(check("ｍ０００１００ｙ－４").status, IdStatus::valid);
  EXPECT_EQ(check(" m000100y-4 ").normalised, "M000100Y4");
  EXPECT_EQ(check("00000006-x").status, IdStatus::valid);
}

TEST(OrgCode, Length) {
  IdCheck r = check("1234567-8");
  EXPECT_EQ(r.rule, "charset");  // nine characters, the hyphen in the wrong place
  r = check("12345678");
  EXPECT_EQ(r.rule, "length");
  EXPECT_EQ(r.error.key, "id.orgcode.length");
  EXPECT_EQ(r.error.params.at("expected"), "9");
  EXPECT_EQ(r.error.params.at("actual"), "8");
  EXPECT_EQ(check("1234-5678-8").rule, "length");
}

TEST(OrgCode, Charset) {
  IdCheck r = check("1234567#8");
  EXPECT_EQ(r.rule, "charset");
  EXPECT_EQ(r.error.key, "id.orgcode.charset");
  EXPECT_EQ(r.error.params.at("position"), "8");
  EXPECT_EQ(r.error.params.at("char"), "#");
  r = check("12345678-Y");  // the check character is a digit or X
  EXPECT_EQ(r.rule, "charset");
  EXPECT_EQ(r.error.params.at("position"), "9");
}

TEST(OrgCode, Encoding) { EXPECT_EQ(check("12345678\xE4\xB8").rule, "encoding"); }

TEST(OrgCode, CheckDigit) {
  const IdCheck r = check("12345678-9");
  EXPECT_EQ(r.rule, "check_digit");
  EXPECT_EQ(r.error.key, "id.orgcode.check_digit");
  EXPECT_EQ(r.error.params.at("expected"), "8");
  EXPECT_EQ(r.error.params.at("actual"), "9");
}

}  // namespace
}  // namespace yiwang::core
