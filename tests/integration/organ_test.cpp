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

// Department heads (部门负责人): an active civil servant of the department's
// organ, of any of its departments; set, read, cleared, each refusal naming
// its field and changing nothing, audited with the change.
TEST_F(Organs, DepartmentHeads) {
  auto& app = server_->app();
  auto gov = *store_->add(city_government(), admin());
  auto office = *store_->add({.name = "示范市人民政府办公室",
                              .short_name = "市政府办",
                              .doc_prefix = "示政办发",
                              .level = "city",
                              .division_code = "350100",
                              .credit_code = credit_code("350100", 2),
                              .parent_id = gov.id},
                             admin());
  auto general = *store_->add_department(gov.id, "办公室", admin());
  auto planning = *store_->add_department(gov.id, "综合规划科", admin());
  auto secretariat = *store_->add_department(office.id, "秘书科", admin());
  auto staff = [&](const std::string& name, const std::string& display, long long organ,
                   std::optional<long long> department) {
    auto a = app.accounts().create_staff(
        {.name = name, .display_name = display, .organ_id = organ, .department_id = department},
        admin());
    EXPECT_TRUE(a) << a.error().key;
    return a->account.id;
  };
  long long wang = staff("wang.fang", "王芳", gov.id, general.id);
  long long deputy = staff("li.jun", "李军", gov.id, std::nullopt);  // a deputy, no department
  long long clerk = staff("liu.yang", "刘洋", gov.id, planning.id);
  long long elsewhere = staff("zhao.min", "赵敏", office.id, secretariat.id);
  long long disabled = staff("sun.hao", "孙浩", gov.id, general.id);
  auto sysadmin = app.accounts().create_administrators(admin());
  ASSERT_TRUE(sysadmin);
  long long administrator = (*sysadmin)[0].account.id;
  auto d = app.accounts().get(disabled);
  ASSERT_TRUE(app.accounts().set_active(disabled, false, (*d)->version, app.sessions(), admin()));
  auto set_count = [&] {
    return app.audit_log().find({.event = "identity.department.head_set"})->size();
  };
  auto cleared_count = [&] {
    return app.audit_log().find({.event = "identity.department.head_cleared"})->size();
  };

  // Nobody heads a new department.
  EXPECT_EQ(*store_->department_head(general.id), std::nullopt);
  EXPECT_EQ(*app.accounts().head_of_account_department(wang), std::nullopt);

  // Set: the department answers with its head, so do the list and the account's lookup.
  auto headed = store_->set_department_head(general.id, wang, admin());
  ASSERT_TRUE(headed) << headed.error().key << " " << headed.error().field;
  EXPECT_EQ(headed->head_account_id, wang);
  EXPECT_EQ(headed->head_name, "王芳");
  EXPECT_TRUE(headed->head_active);
  EXPECT_EQ(*store_->department_head(general.id), wang);
  EXPECT_EQ(*app.accounts().head_of_account_department(wang), wang);  // heads her own
  auto list = *store_->departments(gov.id);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].head_name, "王芳");
  EXPECT_EQ(list[1].head_account_id, std::nullopt);
  EXPECT_EQ(list[1].head_name, "");
  EXPECT_EQ(set_count(), 1u);
  auto record = app.audit_log().find({.event = "identity.department.head_set"});
  EXPECT_EQ((*record)[0].event.object, "department:" + std::to_string(general.id));
  EXPECT_EQ((*record)[0].event.account, "sysadmin");
  EXPECT_NE((*record)[0].event.detail.find("办公室: 王芳 (wang.fang)"), std::string::npos)
      << (*record)[0].event.detail;
  // The same head again changes and records nothing.
  ASSERT_TRUE(store_->set_department_head(general.id, wang, admin()));
  EXPECT_EQ(set_count(), 1u);

  // A deputy of the organ without a department may head one.
  ASSERT_TRUE(store_->set_department_head(planning.id, deputy, admin()));
  EXPECT_EQ(*app.accounts().head_of_account_department(clerk), deputy);
  EXPECT_EQ(*app.accounts().head_of_account_department(deputy), std::nullopt);  // no department
  EXPECT_EQ(set_count(), 2u);

  // Refusals name the field and change nothing.
  struct Case {
    long long department;
    long long account;
    std::string key, field;
  };
  for (const auto& c : std::vector<Case>{
           {424242, deputy, "identity.department.not_found", "department_id"},
           {general.id, 424242, "identity.account.not_found", "head_account_id"},
           {general.id, -1, "identity.account.not_found", "head_account_id"},
           {general.id, administrator, "identity.department.head_not_staff", "head_account_id"},
           {general.id, elsewhere, "identity.department.head_other_organ", "head_account_id"},
           {general.id, disabled, "identity.department.head_disabled", "head_account_id"}}) {
    auto refused = store_->set_department_head(c.department, c.account, admin());
    ASSERT_FALSE(refused) << c.key;
    EXPECT_EQ(refused.error().key, c.key);
    EXPECT_EQ(refused.error().field, c.field) << c.key;
  }
  EXPECT_EQ(*store_->department_head(general.id), wang);
  EXPECT_EQ(set_count(), 2u);
  EXPECT_EQ(store_->department_head(424242).error().key, "identity.department.not_found");
  EXPECT_EQ(app.accounts().head_of_account_department(424242).error().key,
            "identity.account.not_found");

  // Cleared: recorded once; clearing again changes nothing.
  auto none = store_->set_department_head(general.id, std::nullopt, admin());
  ASSERT_TRUE(none);
  EXPECT_EQ(none->head_account_id, std::nullopt);
  EXPECT_EQ(*store_->department_head(general.id), std::nullopt);
  EXPECT_EQ(*app.accounts().head_of_account_department(wang), std::nullopt);
  EXPECT_EQ(cleared_count(), 1u);
  ASSERT_TRUE(store_->set_department_head(general.id, std::nullopt, admin()));
  EXPECT_EQ(cleared_count(), 1u);

  // A head disabled later stays recorded but is nobody's head for tasks.
  auto li = app.accounts().get(deputy);
  ASSERT_TRUE(app.accounts().set_active(deputy, false, (*li)->version, app.sessions(), admin()));
  EXPECT_EQ(*store_->department_head(planning.id), deputy);
  EXPECT_FALSE((*store_->departments(gov.id))[1].head_active);
  EXPECT_EQ(*app.accounts().head_of_account_department(clerk), std::nullopt);

  // A retired organ's departments are left as they are.
  auto retired = store_->retire(office.id, office.version, admin());
  ASSERT_TRUE(retired) << retired.error().key;
  auto late = store_->set_department_head(secretariat.id, elsewhere, admin());
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().key, "identity.organ.retired");

  // Positions share the department's shape and have no head.
  auto position = store_->add_position(gov.id, "科长", admin());
  ASSERT_TRUE(position);
  EXPECT_EQ((*store_->positions(gov.id))[0].head_account_id, std::nullopt);
}
