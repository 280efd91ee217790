// GB 32100-2015 unified social credit codes.
//
// Charset values: 0–9 = 0–9, A10 B11 C12 D13 E14 F15 G16 H17 J18 K19 L20 M21 N22
// P23 Q24 R25 T26 U27 W28 X29 Y30; weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
//
// 91350100M000100Y43 (a published example, 福州):
//   9·1 + 1·3 + 3·9 + 5·27 + 0 + 1·26 + 0 + 0 + M21·20 + 0 + 0 + 0 + 1·8 + 0 + 0
//   + Y30·30 + 4·28 = 9+3+27+135+26+420+8+900+112 = 1640; 1640 mod 31 = 28;
//   31 − 28 = 3 → '3'.
//   Its organisation code M000100Y-4 (GB 11714, M = 22, Y = 34, weights 3 7 9 10 5 8 4 2):
//   22·3 + 1·5 + 34·2 = 139; 139 mod 11 = 7; 11 − 7 = 4 → '4'.
// 11100000000013127D (a central organ: division 100000 = the whole country):
//   organisation code 00001312-7: 1·5 + 3·8 + 1·4 + 2·2 = 37; 37 mod 11 = 4; 11 − 4 = 7.
//   1·1 + 1·3 + 1·9 + 1·8 + 3·24 + 1·10 + 2·30 + 7·28 = 359; 359 mod 31 = 18;
//   31 − 18 = 13 → 'D'.
#include <gtest/gtest.h>

#include "core/identifier.hpp"

namespace yiwang::core {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

const sys_days kToday{2026y / 1 / 15};
const DivisionExists kNoTable;

IdCheck check(std::string_view input, const DivisionExists& table = kNoTable) {
  return check_identifier(IdKind::uscc, input, table, kToday);
}

TEST(UsccCheckChar, ComputedByHand) {
  EXPECT_EQ(uscc_check_char("91350100M000100Y4"), '3');
  EXPECT_EQ(uscc_check_char("11100000000013127"), 'D');
  EXPECT_EQ(uscc_check_char("91350100M000100I4"), '\0');  // I is not in the charset
  EXPECT_EQ(uscc_check_char("91350100M000100Y"), '\0');
}

TEST(MakeUscc, PutsAValidCodeTogether) {
  // The code of the example above, from its parts.
  EXPECT_EQ(make_uscc('9', '1', "350100", "M000100Y"), "91350100M000100Y43");
  EXPECT_EQ(make_uscc('9', '1', "350102", "MA100001"), "91350102MA1000017E");
  for (int n : {0, 1, 42, 999999}) {
    std::string body = "MA" + std::to_string(1000000 + n).substr(1);
    std::string code = make_uscc('9', '2', "350103", body);
    EXPECT_EQ(check(code).status, IdStatus::valid) << code;
    EXPECT_EQ(code.substr(0, 16), "92350103" + body);
  }
  EXPECT_EQ(make_uscc('9', '1', "35010", "MA100001"), "");   // division of 5 digits
  EXPECT_EQ(make_uscc('9', '1', "350102", "MA10000"), "");   // body of 7 characters
  EXPECT_EQ(make_uscc('9', '1', "350102", "MA10000!"), "");  // not in the charset
  EXPECT_EQ(make_uscc('9', 'I', "350102", "MA100001"), "");  // I is not in the charset
}

TEST(UsccCharset, ThirtyOneCharacters) {
  EXPECT_EQ(uscc_charset().size(), 31u);
  for (char c : std::string_view("IOZSV")) {
    EXPECT_EQ(uscc_charset().find(c), std::string_view::npos) << c;
  }
}

TEST(Uscc, Valid) {
  IdCheck r = check("91350100M000100Y43");
  EXPECT_EQ(r.status, IdStatus::valid);
  EXPECT_EQ(r.normalised, "91350100M000100Y43");
  EXPECT_TRUE(r.rule.empty());
  EXPECT_EQ(check("11100000000013127D").status, IdStatus::valid);
}

TEST(Uscc, FullWidthAndLowercase) {
  IdCheck r = check("　９１３５０１００ｍ０００１００ｙ４３ ");
  EXPECT_EQ(r.status, IdStatus::valid);
  EXPECT_EQ(r.normalised, "91350100M000100Y43");
  EXPECT_EQ(check("91350100m000100y43").status, IdStatus::valid);
}

TEST(Uscc, Length) {
  const IdCheck r = check("91350100M000100Y4");
  EXPECT_EQ(r.rule, "length");
  EXPECT_EQ(r.error.key, "id.uscc.length");
  EXPECT_EQ(r.error.params.at("expected"), "18");
  EXPECT_EQ(r.error.params.at("actual"), "17");
}

TEST(Uscc, CharsetExcludesIOZSV) {
  for (char bad : std::string_view("IOZSV")) {
    std::string code = "91350100M000100Y43";
    code[15] = bad;
    const IdCheck r = check(code);
    EXPECT_EQ(r.rule, "charset") << bad;
    EXPECT_EQ(r.error.key, "id.uscc.charset");
    EXPECT_EQ(r.error.params.at("position"), "16");
    EXPECT_EQ(r.error.params.at("char"), std::string(1, bad));
  }
  EXPECT_EQ(check("91350100M000100Y4-").rule, "charset");
}

TEST(Uscc, Encoding) { EXPECT_EQ(check("91350100M000100Y4\xC0").rule, "encoding"); }

TEST(Uscc, RegistrationAuthority) {
  const IdCheck r = check("B1350100M000100Y43");  // B is in the charset but no authority
  EXPECT_EQ(r.rule, "authority");
  EXPECT_EQ(r.error.key, "id.uscc.authority");
  EXPECT_EQ(r.error.params.at("actual"), "B");
  EXPECT_EQ(check("01350100M000100Y43").rule, "authority");
}

TEST(Uscc, DivisionFormat) {
  const IdCheck r = check("91990100M000100Y43");
  EXPECT_EQ(r.rule, "division_format");
  EXPECT_EQ(r.error.key, "id.uscc.division_format");
  EXPECT_EQ(r.error.params.at("code"), "990100");
}

TEST(Uscc, DivisionLookupGivenOrEmpty) {
  const DivisionExists fuzhou = [](std::string_view code) { return code == "350100"; };
  const DivisionExists beijing = [](std::string_view code) { return code == "110105"; };
  EXPECT_EQ(check("91350100M000100Y43", fuzhou).status, IdStatus::valid);
  const IdCheck r = check("91350100M000100Y43", beijing);
  EXPECT_EQ(r.rule, "division_unknown");
  EXPECT_EQ(r.error.key, "id.uscc.division_unknown");
  EXPECT_EQ(r.error.params.at("code"), "350100");
  EXPECT_EQ(check("91350100M000100Y43", kNoTable).status, IdStatus::valid);
  // 100000 (the whole country) is not a table entry but valid for central organs.
  EXPECT_EQ(check("11100000000013127D", beijing).status, IdStatus::valid);
}

TEST(Uscc, EmbeddedOrganisationCode) {
  // Character 17 changed from 4 to 5: the organisation code's own check fails.
  const IdCheck r = check("91350100M000100Y53");
  EXPECT_EQ(r.rule, "org_check_digit");
  EXPECT_EQ(r.error.key, "id.uscc.org_check_digit");
  EXPECT_EQ(r.error.params.at("expected"), "4");
  EXPECT_EQ(r.error.params.at("actual"), "5");
}

TEST(Uscc, CheckDigit) {
  const IdCheck r = check("91350100M000100Y44");
  EXPECT_EQ(r.rule, "check_digit");
  EXPECT_EQ(r.error.key, "id.uscc.check_digit");
  EXPECT_EQ(r.error.params.at("expected"), "3");
  EXPECT_EQ(r.error.params.at("actual"), "4");
}

}  // namespace
}  // namespace yiwang::core
