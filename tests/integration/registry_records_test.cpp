// The population and legal-entity records on the engine under test: people
// sealed at rest and found by citizen number, enterprises by credit code,
// status changes, look-up by name, and every field's rule.
#include <gtest/gtest.h>

#include "audit/audit_log.hpp"
#include "core/china_time.hpp"
#include "core/identifier.hpp"
#include "crypto/keyring.hpp"
#include "db/migration.hpp"
#include "registry/base_registry.hpp"
#include "registry/division_store.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using registry::EntityRecord;
using registry::EntityStatus;
using registry::PersonRecord;
using yiwang::test::TempDir;
using yiwang::test::TestDatabase;

namespace {

// A valid citizen number for the division, birth date and sequence.
std::string citizen(const std::string& first17) {
  return first17 + core::citizen_check_char(first17);
}
// A valid credit code: registration authority and kind, division, and an
// organisation code with its own check character (GB 11714).
std::string credit(const std::string& org8, const std::string& head = "91350102") {
  std::string first17 = head + org8 + core::orgcode_check_char(org8);
  return first17 + core::uscc_check_char(first17);
}

struct World {
  TempDir dir;
  TestDatabase tdb{dir.path()};
  std::unique_ptr<db::Database> db;
  std::unique_ptr<crypto::Keyring> keys;
  std::unique_ptr<registry::RegistryStore> store;

  bool ready() {
    db = test::open_migrated(
        tdb, {audit::AuditLog::migrations(), crypto::Keyring::migrations(),
              registry::DivisionStore::migrations(), registry::RegistryStore::migrations()});
    if (!db) return false;
    keys = std::make_unique<crypto::Keyring>(
        *db, crypto::Secret("the master secret of the registry test, 32+ bytes"));
    if (!keys->load()) return false;
    store = std::make_unique<registry::RegistryStore>(*db, *keys);
    return true;
  }

  Result<PersonRecord> put(PersonRecord p) {
    return db->transaction([&](soci::session& s) { return store->put_person(s, p); });
  }
  Result<EntityRecord> put(EntityRecord e) {
    return db->transaction([&](soci::session& s) { return store->put_entity(s, e); });
  }
};

EntityRecord company(const std::string& code, const std::string& name) {
  EntityRecord e;
  e.credit_code = code;
  e.name = name;
  e.kind = "有限责任公司";
  e.legal_representative = "王五";
  e.registered_capital = "100万元";
  e.address = "福建省福州市鼓楼区五四路 1 号";
  e.established = "2020-05-01";
  e.source = "demo";
  return e;
}

}  // namespace

TEST(RegistryRecords, PeopleAreSealedAtRestAndFoundByCitizenNumber) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  std::string id = citizen("35010219900307151");  // sequence 151: odd, male
  PersonRecord p;
  p.citizen_id = id;
  p.name = "  张三  ";
  p.phone = "１３９ ０５９１ ００００";  // full width, spaces
  p.address = "福州市鼓楼区";
  p.source = "registration";
  auto saved = w.put(p);
  ASSERT_TRUE(saved) << saved.error().key;
  EXPECT_EQ(saved->name, "张三");
  EXPECT_EQ(saved->gender, "male");
  EXPECT_EQ(saved->birth_date, "1990-03-07");
  EXPECT_EQ(saved->phone, "13905910000");

  // Found by the number, also when typed in full-width digits.
  auto found = w.store->person(id);
  std::string wide;
  for (char c : id)
    wide += c >= '0' && c <= '9' ? std::string("\xEF\xBC") + static_cast<char>(0x90 + (c - '0'))
                                 : std::string(1, c);
  ASSERT_TRUE(w.store->person(wide).has_value());
  EXPECT_TRUE(*w.store->person(wide));
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->name, "张三");
  EXPECT_EQ((*found)->address, "福州市鼓楼区");
  EXPECT_FALSE(*w.store->person(citizen("35010219900307153")));
  EXPECT_FALSE(*w.store->person("not a number"));

  // Nothing readable at rest: neither the name nor the number.
  std::string record, index;
  *w.db->acquire() << "SELECT record, citizen_index FROM registry_people", soci::into(record),
      soci::into(index);
  EXPECT_EQ(record.find("张三"), std::string::npos);
  EXPECT_EQ(record.find(id), std::string::npos);
  EXPECT_EQ(index.find(id), std::string::npos);

  // Putting the same number again updates the one record.
  p.name = "张三丰";
  ASSERT_TRUE(w.put(p));
  int n = 0;
  *w.db->acquire() << "SELECT COUNT(*) FROM registry_people", soci::into(n);
  EXPECT_EQ(n, 1);
  EXPECT_EQ((*w.store->person(id))->name, "张三丰");
}

TEST(RegistryRecords, APersonsFieldsAreCheckedAndNamed) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  PersonRecord p;
  p.citizen_id = "350102199003071510";  // wrong check digit
  p.name = "李四";
  p.source = "demo";
  auto bad = w.put(p);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "citizen_id");
  EXPECT_TRUE(bad.error().key.starts_with("id.citizen.")) << bad.error().key;

  p.citizen_id = citizen("35010219900307152");
  for (const std::string& name : {std::string(""), std::string(51, 'a'), std::string("a\tb")}) {
    p.name = name;
    auto r = w.put(p);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().field, "name");
  }
  p.name = "<script>x</script>'; DROP TABLE t;--";
  p.phone = "12345";
  EXPECT_EQ(w.put(p).error().field, "phone");
  p.phone = "";
  auto hostile = w.put(p);
  ASSERT_TRUE(hostile) << hostile.error().key;  // stored as data, not run
  EXPECT_EQ((*w.store->person(p.citizen_id))->name, p.name);
  EXPECT_EQ((*w.store->person(p.citizen_id))->gender, "female");
}

TEST(RegistryRecords, EnterprisesByCreditCodeWithStatusAndLookUp) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  std::string code = credit("MA2Y0000");
  auto saved = w.put(company(code, "示范科技有限公司"));
  ASSERT_TRUE(saved) << saved.error().key << " " << saved.error().field;
  EXPECT_EQ(saved->division_code, "350102");
  EXPECT_EQ(saved->status, EntityStatus::active);

  std::string lower = code;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto found = w.store->entity(lower);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->name, "示范科技有限公司");
  EXPECT_EQ((*found)->legal_representative, "王五");

  // Cancelled with a reason; a reason is required to cancel.
  auto no_reason = w.db->transaction([&](soci::session& s) {
    return w.store->set_entity_status(s, code, EntityStatus::cancelled, "");
  });
  EXPECT_EQ(no_reason.error().field, "status_reason");
  auto cancelled = w.db->transaction([&](soci::session& s) {
    return w.store->set_entity_status(s, code, EntityStatus::cancelled, "股东会决议解散");
  });
  ASSERT_TRUE(cancelled);
  EXPECT_EQ((*w.store->entity(code))->status, EntityStatus::cancelled);
  EXPECT_EQ((*w.store->entity(code))->status_reason, "股东会决议解散");
  auto unknown = w.db->transaction([&](soci::session& s) {
    return w.store->set_entity_status(s, credit("MA2Y0009"), EntityStatus::revoked, "x");
  });
  EXPECT_EQ(unknown.error().key, "registry.entity.not_found");

  // Look-up by part of the name or the start of the code; LIKE wildcards
  // typed by the user are literal.
  ASSERT_TRUE(w.put(company(credit("MA2Y0001"), "示范100%食品有限公司")));
  EXPECT_EQ(w.store->find_entities("示范", 10)->size(), 2u);
  EXPECT_EQ(w.store->find_entities("100%", 10)->size(), 1u);
  EXPECT_EQ(w.store->find_entities("%", 10)->size(), 1u);
  EXPECT_EQ(w.store->find_entities("_", 10)->size(), 0u);
  EXPECT_EQ(w.store->find_entities(code.substr(0, 10), 10)->size(), 2u);
  EXPECT_TRUE(w.store->find_entities("   ", 10)->empty());
}

TEST(RegistryRecords, AnEnterprisesFieldsAreCheckedAndNamed) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  auto bad_code = w.put(company("91350102MA2Y000010", "甲公司"));
  ASSERT_FALSE(bad_code);
  EXPECT_EQ(bad_code.error().field, "credit_code");
  std::string code = credit("MA2Y0002");
  EntityRecord e = company(code, "");
  EXPECT_EQ(w.put(e).error().field, "name");
  e = company(code, "乙公司");
  e.established = "2020-02-30";
  EXPECT_EQ(w.put(e).error().field, "established");
  e.established = "";
  e.legal_representative = std::string(51, 'x');
  EXPECT_EQ(w.put(e).error().field, "legal_representative");
  e.legal_representative = "赵六";
  e.business_scope = std::string(2001, 'x');
  EXPECT_EQ(w.put(e).error().field, "business_scope");
  int n = 0;
  *w.db->acquire() << "SELECT COUNT(*) FROM registry_entities", soci::into(n);
  EXPECT_EQ(n, 0);  // nothing stored by the refusals
}

// Credit codes for entities registered here: valid, of the category and
// division asked for, and never one the records hold already.
TEST(RegistryRecords, NewCreditCodesAreValidAndFree) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  auto code = [&](char category, const std::string& division, long long serial) {
    auto r = w.db->transaction([&](soci::session& s) -> Result<std::string> {
      return w.store->new_credit_code(s, category, division, serial);
    });
    return r ? *r : std::string("error");
  };
  std::string first = code('1', "350102", 7);
  EXPECT_EQ(first, core::make_uscc('9', '1', "350102", "MA000007"));
  EXPECT_EQ(core::check_identifier(core::IdKind::uscc, first, {}, core::china_today()).status,
            core::IdStatus::valid);
  EXPECT_EQ(code('2', "350102", 7).substr(0, 2), "92");
  // Taken codes are skipped.
  ASSERT_TRUE(w.put(company(first, "甲公司")));
  ASSERT_TRUE(w.put(company(core::make_uscc('9', '1', "350102", "MA000008"), "乙公司")));
  EXPECT_EQ(code('1', "350102", 7), core::make_uscc('9', '1', "350102", "MA000009"));
  // Serials wrap within six digits.
  EXPECT_EQ(code('1', "350102", 1000003), core::make_uscc('9', '1', "350102", "MA000003"));
  EXPECT_EQ(code('1', "3501", 7), "");  // not a division
}

// 实名核验 of registrations: recorded people and enterprises must match,
// new citizens are recorded (audited), unrecorded enterprises pass.
TEST(RegistryRecords, RegistrationsAreCheckedAgainstTheRecords) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  audit::AuditEvent who;
  who.account = "new.citizen";
  who.organ = "-";
  who.source = "test";
  auto check = [&](const registry::Registrant& r) {
    return w.db->transaction(
        [&](soci::session& s) { return w.store->check_registration(s, r, who); });
  };
  std::string id = citizen("35010219900307152");
  ASSERT_TRUE(check({true, id, "陈六", "13800138000", "chen@example.cn", "示范路1号"}));
  auto recorded = w.store->person(id);
  ASSERT_TRUE(recorded && *recorded);
  EXPECT_EQ((*recorded)->name, "陈六");
  EXPECT_EQ((*recorded)->source, "registration");
  EXPECT_EQ((*recorded)->phone, "13800138000");
  long long audited = 0;
  {
    auto s = w.db->acquire();
    std::string object = "person:350102********" + id.substr(14);
    *s << "SELECT COUNT(*) FROM audit_records WHERE event = 'registry.person.recorded' AND object "
          "= "
          ":o",
        soci::use(object), soci::into(audited);
  }
  EXPECT_EQ(audited, 1);
  // The same number under another name is refused; the recorded name passes.
  auto other = check({true, id, "陈七", "", "", ""});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().key, "registry.registration.name_mismatch");
  EXPECT_EQ(other.error().field, "real_name");
  EXPECT_TRUE(check({true, id, "陈六", "", "", ""}));
  // A bad field of a new record is refused with its field, and nothing is recorded.
  std::string id2 = citizen("35010219900307160");
  auto bad = check({true, id2, "陈八", "12345", "", ""});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "phone");
  EXPECT_FALSE(w.store->person(id2)->has_value());

  std::string code = credit("MA0000AB");
  EXPECT_TRUE(check({false, code, "未登记公司", "", "", ""}));  // not recorded: not ours to judge
  EXPECT_FALSE(w.store->entity(code)->has_value());
  ASSERT_TRUE(w.put(company(code, "登记公司")));
  EXPECT_TRUE(check({false, code, "登记公司", "", "", ""}));
  auto misnamed = check({false, code, "别的公司", "", "", ""});
  ASSERT_FALSE(misnamed);
  EXPECT_EQ(misnamed.error().key, "registry.registration.entity_name_mismatch");
  EXPECT_EQ(misnamed.error().field, "enterprise_name");
  for (auto [status, key] : {std::pair{EntityStatus::cancelled, "entity_cancelled"},
                             std::pair{EntityStatus::revoked, "entity_revoked"}}) {
    ASSERT_TRUE(w.db->transaction(
        [&](soci::session& s) { return w.store->set_entity_status(s, code, status, "测试"); }));
    auto refused = check({false, code, "登记公司", "", "", ""});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().key, std::string("registry.registration.") + key);
    EXPECT_EQ(refused.error().field, "credit_code");
  }
}
