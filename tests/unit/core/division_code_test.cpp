// GB/T 2260 administrative division codes, and the kind names.
#include <gtest/gtest.h>

#include "core/identifier.hpp"

namespace yiwang::core {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

IdCheck check(std::string_view input, const DivisionExists& table = {}) {
  return check_identifier(IdKind::division, input, table, sys_days{2026y / 1 / 15});
}

TEST(ProvincePrefix, RealProvincesOnly) {
  for (std::string_view p :
       {"11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81", "82"}) {
    EXPECT_TRUE(is_province_prefix(p)) << p;
  }
  for (std::string_view p : {"00", "10", "16", "20", "24", "30", "38", "40", "47",  "49", "55",
                             "60", "66", "70", "72", "80", "83", "99", "1",  "111", "1A"}) {
    EXPECT_FALSE(is_province_prefix(p)) << p;
  }
}

TEST(Division, Valid) {
  EXPECT_EQ(check("350100").status, IdStatus::valid);
  EXPECT_EQ(check("820000").status, IdStatus::valid);
  const IdCheck r = check(" ３５０１００　");
  EXPECT_EQ(r.status, IdStatus::valid);
  EXPECT_EQ(r.normalised, "350100");
}

TEST(Division, Length) {
  const IdCheck r = check("35010");
  EXPECT_EQ(r.rule, "length");
  EXPECT_EQ(r.error.key, "id.division.length");
  EXPECT_EQ(r.error.params.at("expected"), "6");
  EXPECT_EQ(r.error.params.at("actual"), "5");
}

TEST(Division, Charset) {
  const IdCheck r = check("35010A");
  EXPECT_EQ(r.rule, "charset");
  EXPECT_EQ(r.error.key, "id.division.charset");
  EXPECT_EQ(r.error.params.at("position"), "6");
  EXPECT_EQ(r.error.params.at("char"), "A");
}

TEST(Division, Encoding) {
  EXPECT_EQ(check("\xED\xA0\x80"
                  "123")
                .rule,
            "encoding");
}

TEST(Division, Format) {
  IdCheck r = check("990100");
  EXPECT_EQ(r.rule, "division_format");
  EXPECT_EQ(r.error.key, "id.division.division_format");
  EXPECT_EQ(r.error.params.at("code"), "990100");
  // 100000 stands for the whole country inside credit codes, not for a division.
  EXPECT_EQ(check("100000").rule, "division_format");
}

TEST(Division, LookupGivenOrEmpty) {
  const DivisionExists table = [](std::string_view code) { return code == "350100"; };
  EXPECT_EQ(check("350100", table).status, IdStatus::valid);
  const IdCheck r = check("350199", table);
  EXPECT_EQ(r.rule, "division_unknown");
  EXPECT_EQ(r.error.key, "id.division.division_unknown");
  EXPECT_EQ(r.error.params.at("code"), "350199");
  EXPECT_EQ(check("350199").status, IdStatus::valid);
}

TEST(IdKindNames, RoundTrip) {
  for (IdKind kind : {IdKind::citizen, IdKind::uscc, IdKind::orgcode, IdKind::division}) {
    EXPECT_EQ(parse_id_kind(id_kind_name(kind)), kind);
  }
  EXPECT_EQ(parse_id_kind("citizen"), IdKind::citizen);
  EXPECT_EQ(parse_id_kind("uscc"), IdKind::uscc);
  EXPECT_EQ(parse_id_kind("orgcode"), IdKind::orgcode);
  EXPECT_EQ(parse_id_kind("division"), IdKind::division);
  EXPECT_FALSE(parse_id_kind("Citizen"));
  EXPECT_FALSE(parse_id_kind(""));
}

}  // namespace
}  // namespace yiwang::core
