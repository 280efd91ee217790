// The organ tree on the engine under test: validation that names the field
// and rule, history, moves without cycles, retirement, stale versions, audit.
#include <gtest/gtest.h>

#include "core/identifier.hpp"
#include "identity/organ_store.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using identity::OrganInput;
using identity::OrganStore;
using yiwang::test::TestServer;

#define REQUIRE_SERVER(s) \
  if (!(s).available()) GTEST_SKIP() << "database engine under test is not available"

namespace {
audit::AuditEvent admin() { return {.account = "sysadmin", .organ = "-", .source = "test"}; }

// A valid 统一社会信用代码 for an organ (登记管理部门 1, 机构类别 1) in a division.
std::string credit_code(const std::string& division, int n) {
  std::string org = "MB" + std::string(5 - std::to_string(n).size(), '0') + std::to_string(n) + "0";
  org += core::orgcode_check_char(org);
  std::string first17 = "11" + division + org;
  return first17 + core::uscc_check_char(first17);
}

OrganInput city_government() {
  return {.name = "示范市人民政府",
          .short_name = "市政府",
          .doc_prefix = "示政发",
          .level = "city",
          .division_code = "350100",
          .credit_code = credit_code("350100", 1)};
}
}  // namespace

class Organs : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>(TestServer::Options{.import_divisions = true});
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    store_ = std::make_unique<OrganStore>(server_->app().database(), server_->app().divisions());
  }
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<OrganStore> store_;
};

TEST_F(Organs, AddWithHistoryAndAudit) {
  auto gov = store_->add(city_government(), admin());
  ASSERT_TRUE(gov) << gov.error().key << " " << gov.error().field;
  EXPECT_EQ(gov->version, 1);
  auto office = store_->add({.name = "示范市人民政府办公室",
                             .short_name = "市政府办",
                             .doc_prefix = "示政办发",
                             .level = "city",
                             .division_code = "350100",
                             .credit_code = credit_code("350100", 2),
                             .parent_id = gov->id},
                            admin());
  ASSERT_TRUE(office) << office.error().key;
  auto kids = store_->children(gov->id);
  ASSERT_TRUE(kids);
  ASSERT_EQ(kids->size(), 1u);
  EXPECT_EQ((*kids)[0].doc_prefix, "示政办发");
  EXPECT_TRUE(*store_->is_within(office->id, gov->id));
  EXPECT_FALSE(*store_->is_within(gov->id, office->id));
  auto records = server_->app().audit_log().find({.event = "identity.organ.created"});
  ASSERT_TRUE(records);
  EXPECT_EQ(records->size(), 2u);
  EXPECT_EQ((*records)[0].event.account, "sysadmin");
}

TEST_F(Organs, ValidationNamesFieldAndRule) {
  struct Case {
    std::function<void(OrganInput&)> change;
    std::string field, key;
  };
  std::vector<Case> cases = {
      {[](OrganInput& o) { o.name = "  "; }, "name", "text.required"},
      {[](OrganInput& o) { o.name = std::string(101 * 3, 'x'); }, "name", "text.too_long"},
      {[](OrganInput& o) { o.name = "示范\n市"; }, "name", "text.control"},
      {[](OrganInput& o) { o.doc_prefix = "示〔政〕发"; }, "doc_prefix",
       "identity.organ.doc_prefix_chars"},
      {[](OrganInput& o) { o.doc_prefix = "示政2发"; }, "doc_prefix",
       "identity.organ.doc_prefix_chars"},
      {[](OrganInput& o) { o.level = "galaxy"; }, "level", "identity.organ.bad_level"},
      {[](OrganInput& o) { o.division_code = "359999"; }, "division_code",
       "id.division.division_unknown"},
      {[](OrganInput& o) { o.credit_code = "11350100MB00001000"; }, "credit_code",
       "id.uscc.org_check_digit"},
      {[](OrganInput& o) { o.parent_id = 999999; }, "parent_id", "identity.organ.no_parent"},
  };
  for (const auto& c : cases) {
    OrganInput in = city_government();
    c.change(in);
    auto r = store_->add(in, admin());
    ASSERT_FALSE(r) << c.key;
    EXPECT_EQ(r.error().field, c.field) << c.key;
    EXPECT_EQ(r.error().key, c.key) << r.error().key;
  }
  EXPECT_TRUE(store_->children(std::nullopt)->empty());  // nothing was stored
  ASSERT_TRUE(store_->add(city_government(), admin()));
  auto dup = store_->add(city_government(), admin());
  EXPECT_EQ(dup.error().key, "identity.organ.duplicate_credit_code");
}

TEST_F(Organs, HostileNamesAreStoredVerbatim) {
  OrganInput in = city_government();
  in.name = "<script>alert('x')</script>'; DROP TABLE identity_organs; --";
  auto o = store_->add(in, admin());
  ASSERT_TRUE(o) << o.error().key;
  auto back = store_->get(o->id);
  EXPECT_EQ((*back)->name, in.name);
}

TEST_F(Organs, RenameMoveRetireWithVersions) {
  auto gov = *store_->add(city_government(), admin());
  auto county = *store_->add({.name = "示范县人民政府",
                              .short_name = "县政府",
                              .doc_prefix = "示县政发",
                              .level = "county",
                              .division_code = "350121",
                              .credit_code = credit_code("350121", 3),
                              .parent_id = gov.id},
                             admin());
  auto renamed =
      store_->rename(county.id, "示范区人民政府", "区政府", "示区政发", county.version, admin());
  ASSERT_TRUE(renamed) << renamed.error().key;
  EXPECT_EQ(renamed->version, 2);
  // A second writer that still holds version 1 is told, not obeyed.
  auto stale = store_->rename(county.id, "别的名字", "别名", "别发", 1, admin());
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().key, "identity.organ.stale");
  // No cycles; no city under a county.
  EXPECT_EQ(store_->move(gov.id, county.id, gov.version, admin()).error().key,
            "identity.organ.level_above_parent");
  EXPECT_EQ(store_->move(county.id, county.id, renamed->version, admin()).error().key,
            "identity.organ.cycle");
  // Retiring needs the sub-organs gone first.
  EXPECT_EQ(store_->retire(gov.id, gov.version, admin()).error().key,
            "identity.organ.has_children");
  auto retired = store_->retire(county.id, renamed->version, admin());
  ASSERT_TRUE(retired);
  EXPECT_TRUE(retired->retired);
  EXPECT_TRUE(store_->retire(gov.id, gov.version, admin()));
  auto history = store_->history(county.id);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[0].change, "created");
  EXPECT_EQ((*history)[1].change, "renamed");
  EXPECT_EQ((*history)[1].name, "示范区人民政府");
  EXPECT_EQ((*history)[2].change, "retired");
  // Still there: never deleted.
  EXPECT_TRUE((*store_->get(county.id)).has_value());
}

TEST_F(Organs, Departments) {
  auto gov = *store_->add(city_government(), admin());
  ASSERT_TRUE(store_->add_department(gov.id, "综合科", admin()));
  ASSERT_TRUE(store_->add_department(gov.id, "秘书科", admin()));
  EXPECT_EQ(store_->add_department(gov.id, " 综合科 ", admin()).error().key,
            "identity.department.duplicate");
  EXPECT_EQ(store_->add_department(424242, "综合科", admin()).error().key,
            "identity.organ.not_found");
  auto list = store_->departments(gov.id);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "综合科");
}
