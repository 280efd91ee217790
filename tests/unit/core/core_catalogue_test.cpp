// The message catalogues web/i18n/{zh-CN,en}/core.toml cover every error key core returns.
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include "tests/support/catalogue_file.hpp"

namespace {

using yiwang::test::keys_of;
using yiwang::test::placeholders;

std::map<std::string, std::string> catalogue(const std::string& language) {
  return yiwang::test::catalogue_file(language, "core.toml");
}

std::set<std::string> catalogue_keys(const std::string& language) {
  return keys_of(catalogue(language));
}

// Every key the code in core/ can return (see the rule orders in identifier.hpp
// and the checks in work_calendar.cpp).
const std::set<std::string> kReturnedKeys = {
    "id.citizen.encoding",
    "id.citizen.length",
    "id.citizen.charset",
    "id.citizen.division_format",
    "id.citizen.division_unknown",
    "id.citizen.birth_date",
    "id.citizen.future_birth_date",
    "id.citizen.check_digit",
    "id.uscc.encoding",
    "id.uscc.length",
    "id.uscc.charset",
    "id.uscc.authority",
    "id.uscc.division_format",
    "id.uscc.division_unknown",
    "id.uscc.org_check_digit",
    "id.uscc.check_digit",
    "id.orgcode.encoding",
    "id.orgcode.length",
    "id.orgcode.charset",
    "id.orgcode.check_digit",
    "id.division.encoding",
    "id.division.length",
    "id.division.charset",
    "id.division.division_format",
    "id.division.division_unknown",
    "calendar.syntax",
    "calendar.missing_key",
    "calendar.wrong_type",
    "calendar.unknown_key",
    "calendar.empty_value",
    "calendar.year_range",
    "calendar.bad_date",
    "calendar.date_outside_year",
    "calendar.range_reversed",
    "calendar.holiday_too_long",
    "calendar.holiday_overlap",
    "calendar.workday_not_weekend",
    "calendar.workday_in_holiday",
};

TEST(CoreCatalogue, BothLanguagesHaveTheSameKeys) {
  EXPECT_EQ(catalogue_keys("zh-CN"), catalogue_keys("en"));
}

TEST(CoreCatalogue, EveryReturnedKeyHasAMessage) {
  for (const char* language : {"zh-CN", "en"}) {
    const std::set<std::string> keys = catalogue_keys(language);
    for (const std::string& key : kReturnedKeys) {
      EXPECT_TRUE(keys.contains(key)) << language << " lacks " << key;
    }
  }
}

}  // namespace

namespace {

TEST(CoreCatalogue, BothLanguagesUseTheSamePlaceholders) {
  const auto zh = catalogue("zh-CN");
  const auto en = catalogue("en");
  for (const auto& [key, message] : zh) {
    const auto other = en.find(key);
    if (other == en.end()) continue;  // reported by BothLanguagesHaveTheSameKeys
    EXPECT_EQ(placeholders(message), placeholders(other->second)) << key;
  }
}

}  // namespace
