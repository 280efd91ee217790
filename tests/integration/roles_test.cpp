// Roles, grants and organ scopes, and the separation of the three
// administrators (三员分立): what the role store refuses, and what an
// account may then do through the authorisation hook.
#include <gtest/gtest.h>

#include "app/demo_city.hpp"
#include "identity/permissions.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::test::TestServer;

namespace {

audit::AuditEvent secadmin() { return {.account = "secadmin", .organ = "-", .source = "test"}; }

class RolesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    auto& app = server_->app();
    ASSERT_TRUE(app.accounts().create_administrators({.account = "test"}));
    ASSERT_TRUE(app::load_demo_organs(app.organs(), {.account = "test"}));
    auto top = app.organs().children(std::nullopt);
    ASSERT_TRUE(top && !top->empty());
    city_ = top->front().id;
    auto subs = app.organs().children(city_);
    ASSERT_TRUE(subs && subs->size() >= 2);
    organ_a_ = (*subs)[0].id;
    organ_b_ = (*subs)[1].id;
    auto a = app.accounts().create_staff(
        {.name = "zhang.san", .display_name = "张三", .organ_id = organ_a_},
        {.account = "sysadmin"});
    ASSERT_TRUE(a) << a.error().key;
    staff_a_ = a->account;
  }

  identity::Account admin(const std::string& name) {
    return **server_->app().accounts().find_by_name(name);
  }

  std::unique_ptr<TestServer> server_;
  long long city_ = 0, organ_a_ = 0, organ_b_ = 0;
  identity::Account staff_a_;
};

}  // namespace

TEST(Permissions, AnAdministratorsPermissionBelongsToItAlone) {
  identity::PermissionCatalogue c;
  identity::declare_identity_permissions(c);
  EXPECT_THROW(
      c.declare(
          {"x.y.z", {identity::AccountKind::system_admin, identity::AccountKind::security_admin}}),
      std::invalid_argument);
  EXPECT_THROW(
      c.declare({"x.y.z", {identity::AccountKind::audit_admin, identity::AccountKind::staff}}),
      std::invalid_argument);
  EXPECT_THROW(c.declare({"Bad Name", {identity::AccountKind::staff}}), std::invalid_argument);
  EXPECT_THROW(c.declare({"public", {identity::AccountKind::staff}}), std::invalid_argument);
  EXPECT_THROW(c.declare({identity::perm::kDirectoryRead, {identity::AccountKind::staff}}),
               std::invalid_argument);  // twice
  // No kind holds everything, and the three administrators share nothing.
  auto sys = c.built_in(identity::AccountKind::system_admin);
  auto sec = c.built_in(identity::AccountKind::security_admin);
  auto aud = c.built_in(identity::AccountKind::audit_admin);
  for (const auto& p : sys) {
    EXPECT_EQ(std::count(sec.begin(), sec.end(), p), 0);
    EXPECT_EQ(std::count(aud.begin(), aud.end(), p), 0);
  }
  EXPECT_EQ(aud, std::vector<std::string>{identity::perm::kAuditRead});
  EXPECT_TRUE(c.built_in(identity::AccountKind::staff).empty());
}

TEST_F(RolesTest, RolesRefuseAdministratorsPermissionsAndSayWhy) {
  auto& roles = server_->app().roles();
  auto bad = roles.create_role(
      {"万能角色", "", {identity::perm::kDirectoryRead, identity::perm::kAuditRead}}, secadmin());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "identity.role.administrator_permission.audit_admin");
  EXPECT_EQ(bad.error().params["permission"], identity::perm::kAuditRead);
  EXPECT_EQ(bad.error().field, "permissions");
  auto unknown = roles.create_role({"角色", "", {"no.such.permission"}}, secadmin());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().key, "identity.role.unknown_permission");
  auto empty = roles.create_role({"角色", "", {}}, secadmin());
  EXPECT_EQ(empty.error().key, "identity.role.no_permissions");
  auto blank = roles.create_role({"   ", "", {identity::perm::kDirectoryRead}}, secadmin());
  EXPECT_EQ(blank.error().key, "text.required");
  EXPECT_EQ(blank.error().field, "name");
  auto list = roles.roles();
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());  // nothing was stored
}

TEST_F(RolesTest, OnlyStaffHoldRolesAndTheAdministratorsCannotBeGivenMore) {
  auto& roles = server_->app().roles();
  auto role = roles.create_role(
      {"通讯录查阅", "<b>查看</b>本机关通讯录", {identity::perm::kDirectoryRead}}, secadmin());
  ASSERT_TRUE(role) << role.error().key;
  for (const char* name : {"sysadmin", "secadmin", "auditadmin"}) {
    auto g = roles.grant(admin(name).id, role->id, organ_a_, false, secadmin());
    ASSERT_FALSE(g) << name;
    EXPECT_EQ(g.error().key, "identity.grant.not_staff");
    EXPECT_EQ(g.error().field, "account");
  }
  auto g = roles.grant(staff_a_.id, role->id, organ_a_, false, secadmin());
  ASSERT_TRUE(g) << g.error().key;
  auto twice = roles.grant(staff_a_.id, role->id, organ_a_, false, secadmin());
  EXPECT_EQ(twice.error().key, "identity.grant.exists");
  auto records = server_->app().audit_log().find({.event = "identity.grant.added"});
  ASSERT_TRUE(records);
  EXPECT_EQ(records->size(), 1u);
}

TEST_F(RolesTest, ScopesAreTheOrganOrTheOrganAndItsSubOrgans) {
  auto& roles = server_->app().roles();
  auto role = roles.create_role({"通讯录查阅", "", {identity::perm::kDirectoryRead}}, secadmin());
  ASSERT_TRUE(role);
  ASSERT_TRUE(roles.grant(staff_a_.id, role->id, organ_a_, false, secadmin()));
  auto authority = roles.authority(staff_a_);
  ASSERT_TRUE(authority);
  EXPECT_TRUE(authority->holds(identity::perm::kDirectoryRead, organ_a_));
  EXPECT_FALSE(authority->holds(identity::perm::kDirectoryRead, organ_b_));
  EXPECT_FALSE(authority->holds(identity::perm::kDirectoryRead, city_));
  EXPECT_FALSE(authority->holds(identity::perm::kAuditRead));
  // The whole city and everything below it.
  ASSERT_TRUE(roles.grant(staff_a_.id, role->id, city_, true, secadmin()));
  authority = roles.authority(staff_a_);
  EXPECT_TRUE(authority->holds(identity::perm::kDirectoryRead, organ_b_));
  EXPECT_TRUE(authority->holds(identity::perm::kDirectoryRead, city_));
  // Withdrawn: back to organ A only.
  auto grants = roles.grants_of(staff_a_.id);
  ASSERT_TRUE(grants);
  ASSERT_EQ(grants->size(), 2u);
  for (const auto& g : *grants)
    if (g.organ_id == city_) {
      ASSERT_TRUE(roles.revoke(staff_a_.id, g.id, secadmin()));
    }
  authority = roles.authority(staff_a_);
  EXPECT_FALSE(authority->holds(identity::perm::kDirectoryRead, organ_b_));
  // A grant of another account cannot be withdrawn through this one.
  auto other = roles.revoke(admin("sysadmin").id, grants->front().id, secadmin());
  EXPECT_EQ(other.error().key, "identity.grant.not_found");
}

TEST_F(RolesTest, AChangeOfPrivilegeEndsTheHoldersSessions) {
  auto& app = server_->app();
  std::string token = *app.database().transaction([&](soci::session& s) -> Result<std::string> {
    return app.sessions().start(s, staff_a_.id, "intranet", "test", "test");
  });
  ASSERT_TRUE(app.authorizer().principal(token, Zone::intranet));
  auto role =
      app.roles().create_role({"通讯录查阅", "", {identity::perm::kDirectoryRead}}, secadmin());
  ASSERT_TRUE(app.roles().grant(staff_a_.id, role->id, organ_a_, false, secadmin()));
  // The old token is dead at once on this node: the cache notices the ended session.
  EXPECT_FALSE(app.authorizer().principal(token, Zone::intranet));
}

TEST_F(RolesTest, ClearanceIsTheSecurityAdministratorsAndStaffOnly) {
  auto& app = server_->app();
  auto sys = admin("sysadmin");
  auto refused = app.accounts().set_clearance(sys.id, identity::Clearance::secret, sys.version,
                                              app.sessions(), secadmin());
  EXPECT_EQ(refused.error().key, "identity.clearance.staff_only");
  auto stale = app.accounts().set_clearance(staff_a_.id, identity::Clearance::secret,
                                            staff_a_.version + 5, app.sessions(), secadmin());
  EXPECT_EQ(stale.error().key, "identity.account.stale");
  auto ok = app.accounts().set_clearance(staff_a_.id, identity::Clearance::secret, staff_a_.version,
                                         app.sessions(), secadmin());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->clearance, identity::Clearance::secret);
  auto disabled = app.accounts().set_active(sys.id, false, sys.version, app.sessions(),
                                            {.account = "sysadmin"});
  EXPECT_EQ(disabled.error().key, "identity.account.administrator_fixed");
}
