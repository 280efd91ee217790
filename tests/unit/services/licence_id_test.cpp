// Electronic-licence identifiers (GB/T 36904): the ISO/IEC 7064 MOD 37,36
// check character, the identifier's parts checked one by one, and a
// mistyped or altered identifier caught by its check character.
#include <gtest/gtest.h>

#include "core/identifier.hpp"
#include "services/licence_id.hpp"

using namespace yiwang;
using services::LicenceId;

namespace {

// A valid credit code from 17 characters whose organisation-code part
// (characters 9–17) gets its own check character first.
std::string credit_code(std::string first16) {
  std::string org8 = first16.substr(8, 8);
  std::string first17 = first16 + core::orgcode_check_char(org8);
  return first17 + core::uscc_check_char(first17);
}

LicenceId licence() {
  LicenceId id;
  std::string authority = credit_code("1110000000001327");
  id.type_code = authority + "001";
  id.issuer_code = credit_code("1135010000001234");
  id.number = "2026000123";
  id.version = "001";
  return id;
}

}  // namespace

TEST(LicenceId, Mod3736MatchesTheStandardsExample) {
  // ISO/IEC 7064's example for MOD 37,36.
  EXPECT_EQ(services::mod37_36_check("A12425GABC1234002"), 'M');
}

TEST(LicenceId, EverySingleCharacterChangeIsCaught) {
  std::string body = "A12425GABC1234002";
  char check = services::mod37_36_check(body);
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  for (std::size_t i = 0; i < body.size(); ++i)
    for (char c : alphabet) {
      if (c == body[i]) continue;
      std::string changed = body;
      changed[i] = c;
      EXPECT_NE(services::mod37_36_check(changed), check) << i << " " << c;
    }
  // And swapping neighbours.
  for (std::size_t i = 0; i + 1 < body.size(); ++i) {
    if (body[i] == body[i + 1]) continue;
    std::string swapped = body;
    std::swap(swapped[i], swapped[i + 1]);
    EXPECT_NE(services::mod37_36_check(swapped), check) << i;
  }
}

TEST(LicenceId, FormatsAndParsesBack) {
  auto id = services::format_licence_id(licence());
  ASSERT_TRUE(id) << id.error().key;
  EXPECT_TRUE(id->starts_with("1.2.156.3005.2."));
  auto l = licence();
  EXPECT_EQ(id->substr(0, id->size() - 2), "1.2.156.3005.2." + l.type_code + "." + l.issuer_code +
                                               "." + l.number + "." + l.version);
  EXPECT_EQ(id->back(),
            services::mod37_36_check(l.type_code + l.issuer_code + l.number + l.version));
  auto back = services::parse_licence_id(*id);
  ASSERT_TRUE(back) << back.error().key;
  EXPECT_EQ(back->number, "2026000123");
  EXPECT_EQ(back->issuer_code, l.issuer_code);
  // Lower case is read as upper case.
  std::string lower = *id;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_TRUE(services::parse_licence_id(lower));
}

TEST(LicenceId, AnAlteredIdentifierFailsItsCheck) {
  auto id = *services::format_licence_id(licence());
  std::string changed = id;
  auto at = changed.find("2026000123");
  changed[at + 9] = '4';
  auto r = services::parse_licence_id(changed);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "services.licence_id.check");
  EXPECT_EQ(r.error().field, "identifier");
}

TEST(LicenceId, EachPartIsChecked) {
  auto bad = [](auto change) {
    LicenceId id = licence();
    change(id);
    auto r = services::format_licence_id(id);
    return r ? std::string("ok") : r.error().key;
  };
  EXPECT_EQ(bad([](LicenceId& i) { i.type_code.pop_back(); }), "services.licence_id.type_code");
  EXPECT_EQ(bad([](LicenceId& i) { i.type_code[20] = 'A'; }), "services.licence_id.type_code");
  EXPECT_EQ(bad([](LicenceId& i) { i.type_code[17] = i.type_code[17] == '0' ? '1' : '0'; }),
            "services.licence_id.type_code");
  EXPECT_EQ(bad([](LicenceId& i) { i.issuer_code[17] = i.issuer_code[17] == '0' ? '1' : '0'; }),
            "services.licence_id.issuer_code");
  EXPECT_EQ(bad([](LicenceId& i) { i.number = ""; }), "services.licence_id.number");
  EXPECT_EQ(bad([](LicenceId& i) { i.number = std::string(31, '1'); }),
            "services.licence_id.number");
  EXPECT_EQ(bad([](LicenceId& i) { i.number = "2026-01"; }), "services.licence_id.number");
  EXPECT_EQ(bad([](LicenceId& i) { i.number = "２０２６"; }), "services.licence_id.number");
  EXPECT_EQ(bad([](LicenceId& i) { i.version = "1"; }), "services.licence_id.version");
  EXPECT_EQ(bad([](LicenceId& i) { i.version = "00A"; }), "services.licence_id.version");
}

TEST(LicenceId, ThingsThatAreNotIdentifiersAreRefused) {
  for (const char* text : {"", "1.2.156.3005.2", "1.2.156.3005.2.....", "<script>alert(1)</script>",
                           "1.2.156.3005.2.a.b.c.d.e.f", "'; DROP TABLE svc_licences; --"}) {
    auto r = services::parse_licence_id(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().key, "services.licence_id.format") << text;
  }
}
