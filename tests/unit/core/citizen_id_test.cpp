// GB 11643-1999 citizen identity numbers.
//
// 11010519491231002X is the example from the standard. By hand, digits × weights
// (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2):
//   1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10
//   + 1·5 + 0·8 + 0·4 + 2·2 = 167; 167 mod 11 = 2; (12 − 2) mod 11 = 10 → X.
// 110105194802290021 (born 1948-02-29, a leap day):
//   7 + 9 + 0 + 5 + 0 + 20 + 2 + 9 + 24 + 24 + 0 + 18 + 20 + 45 + 0 + 0 + 4 = 187;
//   187 mod 11 = 0; (12 − 0) mod 11 = 1 → 1.
// 110105202601200015 (born 2026-01-20):
//   7 + 9 + 0 + 5 + 0 + 20 + 4 + 0 + 12 + 18 + 0 + 9 + 20 + 0 + 0 + 0 + 2 = 106;
//   106 mod 11 = 7; (12 − 7) mod 11 = 5 → 5.
#include <gtest/gtest.h>

#include "core/identifier.hpp"

namespace yiwang::core {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

const sys_days kToday{2026y / 1 / 15};
const DivisionExists kNoTable;
const DivisionExists kTable = [](std::string_view code) {
  return code == "110105" || code == "350100";
};

IdCheck check(std::string_view input, const DivisionExists& table = kNoTable) {
  return check_identifier(IdKind::citizen, input, table, kToday);
}

TEST(CitizenCheckChar, ComputedByHand) {
  EXPECT_EQ(citizen_check_char("11010519491231002"), 'X');
  EXPECT_EQ(citizen_check_char("11010519480229002"), '1');
  EXPECT_EQ(citizen_check_char("11010520260120001"), '5');
}

TEST(CitizenCheckChar, RejectsMalformedInput) {
  EXPECT_EQ(citizen_check_char("1101051949123100"), '\0');
  EXPECT_EQ(citizen_check_char("1101051949123100A"), '\0');
}

TEST(CitizenId, Valid) {
  const IdCheck r = check("11010519491231002X");
  EXPECT_EQ(r.status, IdStatus::valid);
  EXPECT_EQ(r.normalised, "11010519491231002X");
  EXPECT_TRUE(r.converted.empty());
  EXPECT_TRUE(r.rule.empty());
  EXPECT_TRUE(r.error.key.empty());
  EXPECT_EQ(check("110105194802290021").status, IdStatus::valid);
}

TEST(CitizenId, LowercaseX) {
  const IdCheck r = check("11010519491231002x");
  EXPECT_EQ(r.status, IdStatus::valid);
  EXPECT_EQ(r.normalised, "11010519491231002X");
}

TEST(CitizenId, FullWidthWithIdeographicSpaces) {
  const IdCheck r = check("　１１０１０５１９４９１２３１００２Ｘ　");
  EXPECT_EQ(r.status, IdStatus::valid);
  EXPECT_EQ(r.normalised, "11010519491231002X");
  EXPECT_EQ(check(" １１０１０５１９４９１２３１００２ｘ\t").status, IdStatus::valid);
}

TEST(CitizenId, Length) {
  const IdCheck r = check("1101051949123100");
  EXPECT_EQ(r.status, IdStatus::invalid);
  EXPECT_EQ(r.rule, "length");
  EXPECT_EQ(r.error.key, "id.citizen.length");
  EXPECT_TRUE(r.error.field.empty());
  EXPECT_EQ(r.error.params.at("expected"), "18");
  EXPECT_EQ(r.error.params.at("actual"), "16");
  EXPECT_EQ(check("").rule, "length");
  EXPECT_EQ(check("11010519491231002X1").rule, "length");
}

TEST(CitizenId, Charset) {
  IdCheck r = check("1101051949123100A2");
  EXPECT_EQ(r.rule, "charset");
  EXPECT_EQ(r.error.key, "id.citizen.charset");
  EXPECT_EQ(r.error.params.at("position"), "17");
  EXPECT_EQ(r.error.params.at("char"), "A");
  r = check("11010519491231002Y");  // only X may stand last
  EXPECT_EQ(r.rule, "charset");
  EXPECT_EQ(r.error.params.at("position"), "18");
  r = check("11010519491231002中");  // 18 characters, the last not ASCII
  EXPECT_EQ(r.rule, "charset");
  EXPECT_EQ(r.error.params.at("char"), "中");
  EXPECT_EQ(check("11010519491 31002X").rule, "charset");
  EXPECT_EQ(check("11010549123100X").rule, "charset");  // no X in 15-digit numbers
}

TEST(CitizenId, Encoding) {
  const IdCheck r = check("11010519491231002\xFF");
  EXPECT_EQ(r.rule, "encoding");
  EXPECT_EQ(r.error.key, "id.citizen.encoding");
}

TEST(CitizenId, CheckDigit) {
  const IdCheck r = check("110105194912310021");
  EXPECT_EQ(r.status, IdStatus::invalid);
  EXPECT_EQ(r.rule, "check_digit");
  EXPECT_EQ(r.error.key, "id.citizen.check_digit");
  EXPECT_EQ(r.error.params.at("expected"), "X");
  EXPECT_EQ(r.error.params.at("actual"), "1");
}

TEST(CitizenId, BirthDateNotReal) {
  // 1949-02-29: 1949 is not a leap year.
  IdCheck r = check("110105194902290021");
  EXPECT_EQ(r.rule, "birth_date");
  EXPECT_EQ(r.error.key, "id.citizen.birth_date");
  EXPECT_EQ(r.error.params.at("date"), "19490229");
  EXPECT_EQ(check("110105194913310021").rule, "birth_date");  // month 13
  EXPECT_EQ(check("110105194904310021").rule, "birth_date");  // 31 April
  EXPECT_EQ(check("110105094912310021").rule, "birth_date");  // year 0949
}

TEST(CitizenId, FutureBirthDate) {
  const IdCheck r = check("110105202601200015");
  EXPECT_EQ(r.rule, "future_birth_date");
  EXPECT_EQ(r.error.key, "id.citizen.future_birth_date");
  EXPECT_EQ(r.error.params.at("date"), "2026-01-20");
  EXPECT_EQ(r.error.params.at("today"), "2026-01-15");
  // The same number is fine once that day has come.
  EXPECT_EQ(
      check_identifier(IdKind::citizen, "110105202601200015", kNoTable, sys_days{2026y / 1 / 20})
          .status,
      IdStatus::valid);
}

TEST(CitizenId, DivisionFormat) {
  const IdCheck r = check("99010519491231002X");
  EXPECT_EQ(r.rule, "division_format");
  EXPECT_EQ(r.error.key, "id.citizen.division_format");
  EXPECT_EQ(r.error.params.at("code"), "990105");
}

TEST(CitizenId, DivisionLookupGivenOrEmpty) {
  EXPECT_EQ(check("11010519491231002X", kTable).status, IdStatus::valid);
  const DivisionExists other = [](std::string_view code) { return code == "350100"; };
  const IdCheck r = check("11010519491231002X", other);
  EXPECT_EQ(r.rule, "division_unknown");
  EXPECT_EQ(r.error.key, "id.citizen.division_unknown");
  EXPECT_EQ(r.error.params.at("code"), "110105");
  EXPECT_EQ(check("11010519491231002X", kNoTable).status, IdStatus::valid);
}

TEST(CitizenId, FirstFailingRuleIsReported) {
  // Unknown address, impossible date and wrong check digit: the address comes first.
  const DivisionExists none = [](std::string_view) { return false; };
  EXPECT_EQ(check("110105194902290022", none).rule, "division_unknown");
  EXPECT_EQ(check("110105194902290022").rule, "birth_date");
}

TEST(CitizenId, Legacy15DigitConverted) {
  const IdCheck r = check("110105491231002");
  EXPECT_EQ(r.status, IdStatus::legacy);
  EXPECT_EQ(r.normalised, "110105491231002");
  EXPECT_EQ(r.converted, "11010519491231002X");
  EXPECT_TRUE(r.rule.empty());
  EXPECT_EQ(check("１１０１０５４９１２３１００２").converted, "11010519491231002X");
}

TEST(CitizenId, Legacy15DigitStillValidated) {
  IdCheck r = check("110105490229002");  // 1949-02-29
  EXPECT_EQ(r.status, IdStatus::invalid);
  EXPECT_EQ(r.rule, "birth_date");
  EXPECT_TRUE(r.converted.empty());
  r = check("990105491231002");
  EXPECT_EQ(r.rule, "division_format");
  const DivisionExists other = [](std::string_view code) { return code == "350100"; };
  EXPECT_EQ(check("110105491231002", other).rule, "division_unknown");
  EXPECT_EQ(check("110105491231002", kTable).status, IdStatus::legacy);
}

}  // namespace
}  // namespace yiwang::core
