// The three administrators' pages, the staff directory and the identity JSON
// API, driven over HTTP as each administrator would use them: what they can
// do, what they are told when input is wrong (field and rule, what they typed
// kept, nothing changed), and what the audit log keeps.
#include <tuple>

#include <fmt/chrono.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/demo_city.hpp"
#include "http/percent_encoding.hpp"
#include "identity/admin_pages.hpp"
#include "identity/permissions.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

const std::string kCsrf(64, 'c');

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    auto& app = server_->app();
    auto admins = app.accounts().create_administrators({.account = "test"});
    ASSERT_TRUE(admins);
    // Past the first sign-in: the one-time passwords are changed.
    for (const auto& a : *admins)
      ASSERT_TRUE(app.accounts().change_password(a.account.id, a.one_time_password,
                                                 "Admin-Pass-2026", app.password_policy(),
                                                 {.account = a.account.name}));
    ASSERT_TRUE(app::load_demo_organs(app.organs(), {.account = "test"}));
    auto top = app.organs().children(std::nullopt);
    city_ = top->front().id;
    auto subs = app.organs().children(city_);
    organ_a_ = (*subs)[0].id;
    organ_b_ = (*subs)[1].id;
    staff_a_ = staff("zhang.san", "张三", organ_a_);
    staff_b_ = staff("li.si", "李四", organ_b_);
  }

  long long staff(const std::string& name, const std::string& display, long long organ) {
    auto& app = server_->app();
    auto a = app.accounts().create_staff({.name = name, .display_name = display, .organ_id = organ},
                                         {.account = "sysadmin"});
    EXPECT_TRUE(a) << a.error().key;
    EXPECT_TRUE(app.accounts().change_password(a->account.id, a->one_time_password,
                                               "Staff-Pass-2026", app.password_policy(),
                                               {.account = name}));
    return a->account.id;
  }

  long long id_of(const std::string& name) {
    return (*server_->app().accounts().find_by_name(name))->id;
  }

  // A signed-in intranet session of the account.
  std::string session(const std::string& name) { return test::start_session(server_->app(), name); }

  std::map<std::string, std::string> cookies(const std::string& token) {
    return test::session_cookies(token, kCsrf);
  }

  HttpResult get(const std::string& token, const std::string& target) {
    return server_->get(Zone::intranet, target, cookies(token));
  }

  // A form post with the CSRF token; `fields` are encoded here.
  HttpResult post(const std::string& token, const std::string& target,
                  const std::vector<std::pair<std::string, std::string>>& fields = {}) {
    return test::post_form(*server_, Zone::intranet, target, token, kCsrf, fields);
  }

  long long audit_count(const std::string& event) {
    auto found = server_->app().audit_log().find({.event = event, .limit = 1000});
    return found ? static_cast<long long>(found->size()) : -1;
  }

  std::unique_ptr<TestServer> server_;
  long long city_ = 0, organ_a_ = 0, organ_b_ = 0, staff_a_ = 0, staff_b_ = 0;
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

// ---- 系统管理员 -------------------------------------------------------------

TEST_F(AdminTest, SystemAdministratorSeesTheOrganTreeAndAddsAnOrgan) {
  std::string sys = session("sysadmin");
  auto tree = get(sys, "/admin/organs");
  ASSERT_EQ(tree.status, 200) << tree.body;
  EXPECT_TRUE(contains(tree.body, "示范市人民政府"));
  EXPECT_TRUE(contains(tree.body, "class=\"depth-1\""));  // sub-organs indented
  // The navigation offers the system administrator's pages only.
  EXPECT_TRUE(contains(tree.body, "href=\"/admin/accounts\""));
  EXPECT_FALSE(contains(tree.body, "href=\"/audit\""));
  EXPECT_FALSE(contains(tree.body, "href=\"/security/roles\""));

  long long before = audit_count("identity.organ.created");
  // A bad credit code: the field and the rule, what was typed kept and escaped.
  auto bad = post(sys, "/admin/organs",
                  {{"name", "<script>alert(1)</script>局"},
                   {"short_name", "测试局"},
                   {"doc_prefix", "示测"},
                   {"level", "city"},
                   {"division_code", "350100"},
                   {"credit_code", "11350100MB0000999X"},
                   {"parent_id", std::to_string(city_)}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(contains(bad.body, "统一社会信用代码")) << bad.body;
  EXPECT_TRUE(contains(bad.body, "&lt;script&gt;alert(1)&lt;/script&gt;局"));
  EXPECT_FALSE(contains(bad.body, "<script>alert(1)"));
  EXPECT_TRUE(contains(bad.body, "id=\"credit_code\" name=\"credit_code\""));
  EXPECT_EQ(audit_count("identity.organ.created"), before);

  std::string code = app::demo_credit_code("350100", 77);
  auto ok = post(sys, "/admin/organs",
                 {{"name", "示范市测试局"},
                  {"short_name", "市测试局"},
                  {"doc_prefix", "示测"},
                  {"level", "city"},
                  {"division_code", "350100"},
                  {"credit_code", code},
                  {"parent_id", std::to_string(city_)}});
  ASSERT_EQ(ok.status, 303) << ok.body;
  std::string where = ok.header("location");
  EXPECT_TRUE(where.starts_with("/admin/organs/"));
  auto page = get(sys, where);
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "示范市测试局"));
  EXPECT_EQ(audit_count("identity.organ.created"), before + 1);
}

TEST_F(AdminTest, OrganRenameMoveRetireAndStaleVersions) {
  std::string sys = session("sysadmin");
  auto o = *server_->app().organs().get(organ_b_);
  std::string base = "/admin/organs/" + std::to_string(organ_b_);
  // Someone else's change first: the old version is refused, nothing changes.
  auto stale = post(sys, base + "/rename",
                    {{"name", "改名局"},
                     {"short_name", "改名"},
                     {"doc_prefix", "示改"},
                     {"version", std::to_string(o->version + 1)}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_TRUE(contains(stale.body, "改名局"));  // what was typed is kept
  EXPECT_EQ((*server_->app().organs().get(organ_b_))->name, o->name);
  auto renamed = post(sys, base + "/rename",
                      {{"name", "示范市改名局"},
                       {"short_name", "市改名局"},
                       {"doc_prefix", "示改"},
                       {"version", std::to_string(o->version)}});
  ASSERT_EQ(renamed.status, 303) << renamed.body;
  auto dept = post(sys, base + "/departments", {{"name", "办公室"}});
  ASSERT_EQ(dept.status, 303);
  auto dup = post(sys, base + "/departments", {{"name", "办公室"}});
  EXPECT_EQ(dup.status, 400);
  auto empty = post(sys, base + "/departments", {{"name", ""}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(contains(empty.body, "aria-invalid=\"true\""));
  // Moving under itself is refused with the rule.
  o = *server_->app().organs().get(organ_b_);
  auto cycle =
      post(sys, base + "/move",
           {{"parent_id", std::to_string(organ_b_)}, {"version", std::to_string(o->version)}});
  EXPECT_EQ(cycle.status, 400);
  auto moved =
      post(sys, base + "/move",
           {{"parent_id", std::to_string(organ_a_)}, {"version", std::to_string(o->version)}});
  ASSERT_EQ(moved.status, 303) << moved.body;
  o = *server_->app().organs().get(organ_b_);
  EXPECT_EQ(o->parent_id, organ_a_);
  auto retired = post(sys, base + "/retire", {{"version", std::to_string(o->version)}});
  ASSERT_EQ(retired.status, 303) << retired.body;
  auto page = get(sys, base);
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "已撤销"));
  EXPECT_TRUE(contains(page.body, "示范市改名局"));
  // The history keeps every step.
  auto history = server_->app().organs().history(organ_b_);
  EXPECT_EQ(history->size(), 4u);  // created, renamed, moved, retired
  EXPECT_EQ(get(sys, "/admin/organs/999999").status, 404);
  EXPECT_EQ(get(sys, "/admin/organs/abc").status, 404);
}

TEST_F(AdminTest, AccountsListSearchesSortsAndPages) {
  std::string sys = session("sysadmin");
  for (int i = 0; i < 23; ++i)
    staff("user" + std::to_string(100 + i), "王" + std::to_string(i), organ_a_);
  auto first = get(sys, "/admin/accounts?kind=staff");
  ASSERT_EQ(first.status, 200);
  EXPECT_TRUE(contains(first.body, "第 1–20 条，共 25 条"));  // zhang.san, li.si and 23 more
  EXPECT_TRUE(contains(first.body, "rel=\"next\""));
  auto second = get(sys, "/admin/accounts?kind=staff&page=2");
  EXPECT_TRUE(contains(second.body, "第 21–25 条，共 25 条"));
  EXPECT_TRUE(contains(second.body, "rel=\"prev\""));
  // Sorting by name, descending: zhang.san first.
  auto desc = get(sys, "/admin/accounts?kind=staff&sort=name&dir=desc");
  auto z = desc.body.find("zhang.san"), u = desc.body.find("user100");
  EXPECT_NE(z, std::string::npos);
  EXPECT_TRUE(u == std::string::npos || z < u);
  EXPECT_TRUE(contains(desc.body, "aria-sort=\"descending\""));
  // Search: a plain substring; % and _ are not wildcards.
  auto found = get(sys, "/admin/accounts?q=" + http::percent_encode("张"));
  EXPECT_TRUE(contains(found.body, "zhang.san"));
  EXPECT_FALSE(contains(found.body, "li.si"));
  auto wildcard = get(sys, "/admin/accounts?q=%25");
  EXPECT_TRUE(contains(wildcard.body, "没有符合条件的账号"));
  auto hostile = get(sys, "/admin/accounts?q=" + http::percent_encode("' OR 1=1 --<b>"));
  EXPECT_EQ(hostile.status, 200);
  EXPECT_TRUE(contains(hostile.body, "&#39; OR 1=1 --&lt;b&gt;") ||
              contains(hostile.body, "&apos; OR 1=1 --&lt;b&gt;") ||
              contains(hostile.body, "' OR 1=1 --&lt;b&gt;"));
  EXPECT_TRUE(contains(hostile.body, "没有符合条件的账号"));
  auto by_organ = get(sys, "/admin/accounts?organ=" + std::to_string(organ_b_));
  EXPECT_TRUE(contains(by_organ.body, "li.si"));
  EXPECT_FALSE(contains(by_organ.body, "zhang.san"));
}

TEST_F(AdminTest, CreatingStaffShowsTheOneTimePasswordOnce) {
  std::string sys = session("sysadmin");
  auto bad = post(sys, "/admin/accounts",
                  {{"name", "9wang"},
                   {"display_name", "王五"},
                   {"organ", std::to_string(organ_a_)},
                   {"email", "wang@example.gov.cn"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(contains(bad.body, "账号"));
  EXPECT_TRUE(contains(bad.body, "value=\"王五\""));
  auto no_organ = post(sys, "/admin/accounts", {{"name", "wang.wu"}, {"display_name", "王五"}});
  EXPECT_EQ(no_organ.status, 400);
  EXPECT_TRUE(contains(no_organ.body, "所属机关"));
  auto made = post(sys, "/admin/accounts",
                   {{"name", "wang.wu"},
                    {"display_name", "王五"},
                    {"organ", std::to_string(organ_a_)},
                    {"email", "wang@example.gov.cn"},
                    {"phone", "13912345678"}});
  ASSERT_EQ(made.status, 200) << made.body;
  EXPECT_EQ(made.header("cache-control"), "no-store");
  auto at = made.body.find("id=\"one-time-password\">");
  ASSERT_NE(at, std::string::npos);
  std::string password = made.body.substr(at + 23, made.body.find('<', at + 23) - at - 23);
  EXPECT_GE(password.size(), 12u);
  auto& app = server_->app();
  auto signed_in = app.sign_in().sign_in(
      {.account = "wang.wu", .password = password, .zone = "intranet", .source = "t"});
  ASSERT_TRUE(signed_in);
  EXPECT_TRUE(signed_in->account.must_change_password);
  // The account page never shows it again.
  auto page = get(sys, "/admin/accounts/" + std::to_string(signed_in->account.id));
  EXPECT_FALSE(contains(page.body, password));
}

TEST_F(AdminTest, DisablingAnAccountEndsItsSessionsAndResetGivesANewPassword) {
  std::string sys = session("sysadmin");
  std::string a = session("zhang.san");
  ASSERT_EQ(get(a, "/account").status, 200);
  auto acc = *server_->app().accounts().get(staff_a_);
  std::string base = "/admin/accounts/" + std::to_string(staff_a_);
  auto stale = post(sys, base + "/active", {{"active", "0"}, {"version", "999"}});
  EXPECT_EQ(stale.status, 409);
  auto off =
      post(sys, base + "/active", {{"active", "0"}, {"version", std::to_string(acc->version)}});
  ASSERT_EQ(off.status, 303) << off.body;
  EXPECT_NE(get(a, "/account").status, 200);  // signed out
  acc = *server_->app().accounts().get(staff_a_);
  EXPECT_FALSE(acc->active);
  auto on =
      post(sys, base + "/active", {{"active", "1"}, {"version", std::to_string(acc->version)}});
  ASSERT_EQ(on.status, 303);
  auto reset = post(sys, base + "/reset-password");
  ASSERT_EQ(reset.status, 200);
  EXPECT_TRUE(contains(reset.body, "one-time-password"));
  EXPECT_TRUE((*server_->app().accounts().get(staff_a_))->must_change_password);
  // Administrators' accounts are fixed, and nobody disables themselves.
  long long sec = id_of("secadmin");
  auto fixed = post(sys, "/admin/accounts/" + std::to_string(sec) + "/active",
                    {{"active", "0"}, {"version", "2"}});
  EXPECT_EQ(fixed.status, 400);
  auto self = post(sys, "/admin/accounts/" + std::to_string(id_of("sysadmin")) + "/active",
                   {{"active", "0"}, {"version", "2"}});
  EXPECT_EQ(self.status, 400);
  EXPECT_TRUE((*server_->app().accounts().find_by_name("sysadmin"))->active);
}

// ---- 安全管理员 -------------------------------------------------------------

TEST_F(AdminTest, SecurityAdministratorComposesRolesAndGrantsThemWithinScopes) {
  std::string sec = session("secadmin");
  auto form = get(sec, "/security/roles/new");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(contains(form.body, "value=\"identity.directory.read\""));
  EXPECT_FALSE(contains(form.body, "value=\"audit.log.read\""));  // not grantable to staff
  // An administrator's permission forced into the form: refused with the reason.
  auto bad =
      post(sec, "/security/roles", {{"name", "<b>万能</b>"}, {"permissions", "audit.log.read"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(contains(bad.body, "&lt;b&gt;万能&lt;/b&gt;"));
  EXPECT_TRUE(contains(bad.body, "专属于审计管理员"));  // says whose it is, by name
  auto none = post(sec, "/security/roles", {{"name", "空角色"}});
  EXPECT_EQ(none.status, 400);
  EXPECT_TRUE(contains(none.body, "权限"));
  auto made = post(sec, "/security/roles",
                   {{"name", "通讯录查阅"},
                    {"description", "查阅本机关通讯录"},
                    {"permissions", "identity.directory.read"}});
  ASSERT_EQ(made.status, 303) << made.body;
  auto roles = *server_->app().roles().roles();
  ASSERT_EQ(roles.size(), 1u);
  long long role = roles[0].id;
  std::string base = "/security/accounts/" + std::to_string(staff_a_);
  auto page = get(sec, base);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "通讯录查阅"));
  auto granted = post(sec, base + "/grants",
                      {{"role", std::to_string(role)},
                       {"organ", std::to_string(city_)},
                       {"include_sub_organs", "1"}});
  ASSERT_EQ(granted.status, 303) << granted.body;
  auto twice = post(sec, base + "/grants",
                    {{"role", std::to_string(role)},
                     {"organ", std::to_string(city_)},
                     {"include_sub_organs", "1"}});
  EXPECT_EQ(twice.status, 400);
  // Staff A now reads B's directory (B lies below the city).
  std::string a = session("zhang.san");
  auto dir = get(a, "/directory/" + std::to_string(organ_b_));
  EXPECT_EQ(dir.status, 200);
  EXPECT_TRUE(contains(dir.body, "李四"));
  auto grants = *server_->app().roles().grants_of(staff_a_);
  ASSERT_EQ(grants.size(), 1u);
  // A grant id through another account's URL is not found.
  auto other = post(sec, "/security/accounts/" + std::to_string(staff_b_) + "/grants/" +
                             std::to_string(grants[0].id) + "/revoke");
  EXPECT_EQ(other.status, 404);
  auto revoked = post(sec, base + "/grants/" + std::to_string(grants[0].id) + "/revoke");
  ASSERT_EQ(revoked.status, 303);
  EXPECT_TRUE(server_->app().roles().grants_of(staff_a_)->empty());
  EXPECT_EQ(audit_count("identity.grant.revoked"), 1);
  // The role can be edited; a stale version is refused.
  auto stale =
      post(sec, "/security/roles/" + std::to_string(role),
           {{"name", "改"}, {"permissions", "identity.directory.read"}, {"version", "99"}});
  EXPECT_EQ(stale.status, 409);
}

TEST_F(AdminTest, ClearanceUnlockSecondFactorResetAndPolicy) {
  std::string sec = session("secadmin");
  auto& app = server_->app();
  std::string base = "/security/accounts/" + std::to_string(staff_a_);
  auto acc = *app.accounts().get(staff_a_);
  auto bad = post(sec, base + "/clearance", {{"clearance", "top_secret"}, {"version", "1"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(contains(bad.body, "涉密等级"));
  auto set = post(sec, base + "/clearance",
                  {{"clearance", "secret"}, {"version", std::to_string(acc->version)}});
  ASSERT_EQ(set.status, 303) << set.body;
  EXPECT_EQ((*app.accounts().get(staff_a_))->clearance, identity::Clearance::secret);
  // Lock the account with wrong passwords, then unlock it.
  for (int i = 0; i < 5; ++i)
    (void)app.sign_in().sign_in({.account = "zhang.san", .password = "wrong", .zone = "intranet"});
  ASSERT_TRUE(*app.sign_in().locked("zhang.san"));
  auto page = get(sec, base);
  EXPECT_TRUE(contains(page.body, "已锁定"));
  ASSERT_EQ(post(sec, base + "/unlock").status, 303);
  EXPECT_FALSE(*app.sign_in().locked("zhang.san"));
  EXPECT_EQ(audit_count("identity.unlock"), 1);
  // A lost authenticator: reset ends the person's sessions.
  auto pending = app.second_factor().begin_enrolment(staff_a_, {.account = "zhang.san"});
  ASSERT_TRUE(pending);
  std::string a = session("zhang.san");
  ASSERT_EQ(get(a, "/account").status, 200);
  ASSERT_EQ(post(sec, base + "/second-factor/reset").status, 303);
  EXPECT_NE(get(a, "/account").status, 200);  // signed out everywhere
  EXPECT_EQ(audit_count("identity.totp.disabled"), 1);
  auto none = post(sec, base + "/second-factor/reset");
  EXPECT_EQ(none.status, 400);  // nothing left to reset: says so
  // Policy: the rule is named and nothing changes on bad input.
  auto bad_policy = post(sec, "/security/policy",
                         {{"second_factor_required", "1"}, {"password_max_age_days", "４００"}});
  EXPECT_EQ(bad_policy.status, 400);
  EXPECT_TRUE(contains(bad_policy.body, "密码有效期"));
  EXPECT_TRUE(contains(bad_policy.body, "value=\"４００\""));
  EXPECT_EQ(app.security_policy().get().password_max_age_days, 90);
  auto saved = post(sec, "/security/policy", {{"password_max_age_days", "30"}});
  ASSERT_EQ(saved.status, 303);
  EXPECT_FALSE(app.security_policy().get().second_factor_required);
  EXPECT_EQ(app.security_policy().get().password_max_age_days, 30);
}

// ---- 审计管理员 -------------------------------------------------------------

TEST_F(AdminTest, AuditAdministratorFiltersAndExportsTheLog) {
  auto& app = server_->app();
  (void)app.sign_in().sign_in({.account = "li.si", .password = "wrong", .zone = "intranet"});
  app.audit_log().record({.account = "=cmd|' /C calc'!A0",
                          .organ = "-",
                          .source = "t",
                          .event = "test.formula",
                          .object = "+x",
                          .detail = "say \"hi\", <b>"});
  std::string aud = session("auditadmin");
  auto all = get(aud, "/audit");
  ASSERT_EQ(all.status, 200);
  EXPECT_TRUE(contains(all.body, "<td>identity.signin</td>"));
  EXPECT_TRUE(contains(all.body, "&lt;b&gt;"));
  auto prefix = get(aud, "/audit?event=identity");
  EXPECT_TRUE(contains(prefix.body, "<td>identity.signin</td>"));
  EXPECT_TRUE(contains(prefix.body, "<td>identity.account.created</td>"));
  EXPECT_FALSE(contains(prefix.body, "<td>test.formula</td>"));
  EXPECT_TRUE(contains(prefix.body, "<td>登录</td>"));  // what the code means
  auto exact = get(aud, "/audit?event=identity.signin");
  EXPECT_TRUE(contains(exact.body, "<td>identity.signin</td>"));
  EXPECT_FALSE(contains(exact.body, "<td>identity.account.created</td>"));
  auto partial = get(aud, "/audit?event=identity.sign");  // a prefix of a word is no match
  EXPECT_FALSE(contains(partial.body, "<td>identity.signin</td>"));
  auto by_account = get(aud, "/audit?account=li.si");
  EXPECT_TRUE(contains(by_account.body, "li.si"));
  EXPECT_FALSE(contains(by_account.body, "zhang.san"));
  auto future = get(aud, "/audit?from=2999-01-01");
  EXPECT_EQ(future.status, 200) << future.body;
  EXPECT_TRUE(contains(future.body, "没有符合条件的记录")) << future.body;
  auto bad = get(aud, "/audit?from=2026-13-45");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(contains(bad.body, "开始日期"));
  EXPECT_TRUE(contains(bad.body, "value=\"2026-13-45\""));
  // CSV: UTF-8 with BOM, quoted cells, formulas defused; the export is audited.
  auto csv = get(aud, "/audit/export.csv?event=test.formula");
  ASSERT_EQ(csv.status, 200);
  EXPECT_TRUE(csv.header("content-type").starts_with("text/csv"));
  EXPECT_TRUE(contains(csv.header("content-disposition"), "attachment"));
  EXPECT_TRUE(csv.body.starts_with("\xEF\xBB\xBF\"id\""));
  EXPECT_TRUE(contains(csv.body, "\"'=cmd|' /C calc'!A0\""));
  EXPECT_TRUE(contains(csv.body, "\"'+x\""));
  EXPECT_TRUE(contains(csv.body, "\"say \"\"hi\"\", <b>\""));
  EXPECT_FALSE(contains(csv.body, "identity.signin"));
  EXPECT_EQ(audit_count("audit.log.exported"), 1);
  // Nobody else reads it: not the other administrators, not staff.
  for (const char* who : {"sysadmin", "secadmin", "zhang.san"}) {
    std::string t = session(who);
    EXPECT_EQ(get(t, "/audit").status, 403) << who;
    EXPECT_EQ(get(t, "/audit/export.csv").status, 403) << who;
    EXPECT_EQ(get(t, "/api/v1/identity/audit/records").status, 403) << who;
  }
}

// ---- the directory and the API ---------------------------------------------

TEST_F(AdminTest, DirectoryIsReadWithinTheOrganScopeOnly) {
  auto& app = server_->app();
  auto role = app.roles().create_role({"通讯录", "", {identity::perm::kDirectoryRead}},
                                      {.account = "secadmin"});
  ASSERT_TRUE(app.roles().grant(staff_a_, role->id, organ_a_, false, {.account = "secadmin"}));
  std::string a = session("zhang.san");
  auto own = get(a, "/directory");
  ASSERT_EQ(own.status, 303);
  EXPECT_EQ(own.header("location"), "/directory/" + std::to_string(organ_a_));
  auto page = get(a, "/directory/" + std::to_string(organ_a_));
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "张三"));
  EXPECT_EQ(get(a, "/directory/" + std::to_string(organ_b_)).status, 403);
  EXPECT_EQ(get(a, "/api/v1/identity/organs/" + std::to_string(organ_b_) + "/staff").status, 403);
  auto api = get(a, "/api/v1/identity/organs/" + std::to_string(organ_a_) + "/staff");
  EXPECT_EQ(api.status, 200);
  EXPECT_TRUE(contains(api.body, "张三"));
  EXPECT_EQ(get(a, "/directory/x1").status, 404);
  // B holds no role: no directory at all.
  EXPECT_EQ(get(session("li.si"), "/directory/" + std::to_string(organ_b_)).status, 403);
}

TEST_F(AdminTest, ApiNeedsTheCsrfHeaderForChangesAndNamesBadParameters) {
  std::string sys = session("sysadmin");
  auto me = get(sys, "/api/v1/identity/me");
  ASSERT_EQ(me.status, 200) << me.body;
  auto body = nlohmann::json::parse(me.body);
  EXPECT_EQ(body["kind"], "system_admin");
  EXPECT_EQ(body["csrf_token"], kCsrf);
  auto perms = body["permissions"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(perms.begin(), perms.end(), "identity.account.manage"), perms.end());
  auto list = get(sys, "/api/v1/identity/accounts?kind=staff&sort=display_name&limit=1");
  ASSERT_EQ(list.status, 200);
  auto page = nlohmann::json::parse(list.body);
  EXPECT_EQ(page["total"], 2);
  EXPECT_EQ(page["accounts"].size(), 1u);
  auto bad = get(sys, "/api/v1/identity/accounts?limit=5000");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad.body)["error"]["field"], "limit");
  EXPECT_EQ(get(sys, "/api/v1/identity/accounts?sort=password_hash").status, 400);
  EXPECT_EQ(get(sys, "/api/v1/identity/roles").status, 403);  // the security administrator's
  // Ending a session over the API: the header is required.
  std::string other = session("sysadmin");
  auto sessions = nlohmann::json::parse(get(sys, "/api/v1/identity/sessions").body);
  long long other_id = 0;
  for (const auto& x : sessions["sessions"])
    if (!x["current"].get<bool>()) other_id = x["id"];
  ASSERT_NE(other_id, 0);
  std::string target = "/api/v1/identity/sessions/" + std::to_string(other_id) + "/end";
  auto refused = server_->request(Zone::intranet, "POST", target, "", cookies(sys));
  EXPECT_EQ(refused.status, 403);
  auto headers = cookies(sys);
  headers["X-CSRF-Token"] = kCsrf;
  auto ended = server_->request(Zone::intranet, "POST", target, "", headers);
  EXPECT_EQ(ended.status, 200) << ended.body;
  EXPECT_EQ(audit_count("identity.session.ended"), 1);  // written with the change
  auto again = server_->request(Zone::intranet, "POST", target, "", headers);
  EXPECT_EQ(again.status, 404);  // ended already: nothing more to end, nothing recorded
  EXPECT_EQ(audit_count("identity.session.ended"), 1);
  EXPECT_EQ(get(other, "/api/v1/identity/me").status, 401);
  EXPECT_EQ(get("", "/api/v1/identity/me").status, 401);
}

TEST(AuditQuery, DatesAreChinaDaysAsUtcBounds) {
  http::FormData q;
  q.add("from", "2026-11-28");
  q.add("to", "2026-11-28");
  auto a = identity::audit_query(q);
  EXPECT_FALSE(a.error);
  EXPECT_EQ(a.filter.from, "2026-11-27T16:00:00.000Z");
  EXPECT_EQ(a.filter.to, "2026-11-28T15:59:59.999Z");
  http::FormData edge;
  edge.add("from", "2999-01-01");  // beyond what nanosecond clocks hold
  edge.add("to", "2000-03-01");
  a = identity::audit_query(edge);
  EXPECT_EQ(a.filter.from, "2998-12-31T16:00:00.000Z");
  EXPECT_EQ(a.filter.to, "2000-03-01T15:59:59.999Z");
  for (const char* bad : {"2026-02-30", "2026-1-1", "26-01-01", "2026-01-01x", "１２３", "<script>",
                          "2026-01-01' OR 1=1"}) {
    http::FormData q2;
    q2.add("to", bad);
    auto r = identity::audit_query(q2);
    ASSERT_TRUE(r.error) << bad;
    EXPECT_EQ(r.error->field, "to");
    EXPECT_TRUE(r.filter.to.empty());
  }
}

TEST_F(AdminTest, ASessionOfTheWrongZoneForTheAccountKindIsNotHonoured) {
  auto& app = server_->app();
  // Sign-in never makes such a session; one written behind its back (or by a
  // future bug) still opens nothing.
  std::string token = *app.database().transaction([&](soci::session& s) -> Result<std::string> {
    return app.sessions().start(s, id_of("sysadmin"), "internet", "127.0.0.1", "test");
  });
  auto me =
      server_->get(Zone::internet, "/api/v1/identity/me", {{"Cookie", "yw_session=" + token}});
  EXPECT_EQ(me.status, 401);
  EXPECT_FALSE(app.authorizer().principal(token, Zone::internet));
}

TEST(AdminCatalogue, EveryPermissionHasAName) {
  TestServer s;
  if (!s.available()) GTEST_SKIP();
  const auto& catalogue = s.app().catalogue();
  // Roles are composed from these labels; a permission without one would show its code.
  for (const auto* p : s.app().permissions().all())
    for (const char* lang : {"zh-CN", "en"})
      EXPECT_TRUE(catalogue.has(lang, "perm." + p->name)) << lang << " perm." << p->name;
}

TEST_F(AdminTest, OrgansHavePositionsAndStaffHoldThoseOfTheirOwnOrgan) {
  std::string sys = session("sysadmin");
  std::string base = "/admin/organs/" + std::to_string(organ_a_);
  auto empty = post(sys, base + "/positions", {{"name", "　"}});  // a full-width space only
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(contains(empty.body,
                       "id=\"p-name\" name=\"name\" type=\"text\" required "
                       "maxlength=\"100\" value=\"　\" aria-invalid=\"true\""));
  ASSERT_EQ(post(sys, base + "/positions", {{"name", "科长"}}).status, 303);
  ASSERT_EQ(post(sys, base + "/positions", {{"name", "<i>科员</i>"}}).status, 303);
  auto dup = post(sys, base + "/positions", {{"name", "科长"}});
  EXPECT_EQ(dup.status, 400);
  EXPECT_TRUE(contains(dup.body, "已有同名的职位"));
  auto page = get(sys, base);
  EXPECT_TRUE(contains(page.body, "&lt;i&gt;科员&lt;/i&gt;"));
  ASSERT_EQ(
      post(sys, "/admin/organs/" + std::to_string(organ_b_) + "/positions", {{"name", "局长"}})
          .status,
      303);
  auto& app = server_->app();
  auto a_positions = *app.organs().positions(organ_a_);
  auto b_positions = *app.organs().positions(organ_b_);
  ASSERT_EQ(a_positions.size(), 2u);
  std::string account = "/admin/accounts/" + std::to_string(staff_a_);
  EXPECT_TRUE(contains(get(sys, account).body, "value=\"" + std::to_string(a_positions[0].id)));
  // Another organ's position, sent by hand: refused, nothing changes.
  auto other = post(sys, account + "/positions",
                    {{"positions", std::to_string(a_positions[0].id)},
                     {"positions", std::to_string(b_positions[0].id)}});
  EXPECT_EQ(other.status, 400);
  EXPECT_TRUE(contains(other.body, "只能选择本人所属机关的职位"));
  EXPECT_TRUE(app.accounts().positions_of(staff_a_)->empty());
  auto held = post(sys, account + "/positions",
                   {{"positions", std::to_string(a_positions[0].id)},
                    {"positions", std::to_string(a_positions[1].id)}});
  ASSERT_EQ(held.status, 303) << held.body;
  EXPECT_EQ(app.accounts().positions_of(staff_a_)->size(), 2u);
  EXPECT_EQ(audit_count("identity.account.positions"), 1);
  // The directory shows them.
  auto role = app.roles().create_role({"通讯录", "", {identity::perm::kDirectoryRead}},
                                      {.account = "secadmin"});
  ASSERT_TRUE(app.roles().grant(staff_a_, role->id, organ_a_, false, {.account = "secadmin"}));
  auto dir = get(session("zhang.san"), "/directory/" + std::to_string(organ_a_));
  EXPECT_TRUE(contains(dir.body, "科长、&lt;i&gt;科员&lt;/i&gt;"));
  // Clearing them is a change too; administrators hold none.
  ASSERT_EQ(post(sys, account + "/positions").status, 303);
  EXPECT_TRUE(app.accounts().positions_of(staff_a_)->empty());
  auto admin = post(sys, "/admin/accounts/" + std::to_string(id_of("secadmin")) + "/positions",
                    {{"positions", std::to_string(a_positions[0].id)}});
  EXPECT_EQ(admin.status, 400);
}

// 部门负责人 on the organ page: a select of the organ's staff in each
// department's row, the head's name in the list, errors that keep the page,
// hostile ids refused with the field, every change audited.
TEST_F(AdminTest, TheOrganPageSetsAndClearsDepartmentHeads) {
  std::string sys = session("sysadmin");
  auto& app = server_->app();
  std::string base = "/admin/organs/" + std::to_string(organ_a_);
  ASSERT_EQ(post(sys, base + "/departments", {{"name", "办公室"}}).status, 303);
  ASSERT_EQ(
      post(sys, "/admin/organs/" + std::to_string(organ_b_) + "/departments", {{"name", "综合科"}})
          .status,
      303);
  long long office = (*app.organs().departments(organ_a_))[0].id;
  long long other_office = (*app.organs().departments(organ_b_))[0].id;
  std::string head_form = base + "/department-head";
  std::string select = "id=\"h-" + std::to_string(office) + "\" name=\"head_account_id\"";

  auto page = get(sys, base);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "action=\"" + head_form + "\"")) << page.body;
  EXPECT_TRUE(contains(page.body, "name=\"department_id\" value=\"" + std::to_string(office)));
  EXPECT_TRUE(contains(
      page.body, "<option value=\"" + std::to_string(staff_a_) + "\">张三 (zhang.san)</option>"));
  EXPECT_FALSE(contains(page.body, "李四"));  // another organ's staff are not offered
  EXPECT_TRUE(contains(page.body, "<td>办公室</td><td>—</td>"));

  auto set = post(
      sys, head_form,
      {{"department_id", std::to_string(office)}, {"head_account_id", std::to_string(staff_a_)}});
  ASSERT_EQ(set.status, 303) << set.body;
  EXPECT_EQ(set.header("location"), base + "?done=head");
  EXPECT_EQ(*app.organs().department_head(office), staff_a_);
  EXPECT_EQ(audit_count("identity.department.head_set"), 1);
  page = get(sys, base + "?done=head");
  EXPECT_TRUE(contains(page.body, "负责人已保存。"));
  EXPECT_TRUE(contains(page.body, "<td>办公室</td><td>张三</td>"));
  EXPECT_TRUE(contains(page.body, "<option value=\"" + std::to_string(staff_a_) +
                                      "\" selected>张三 (zhang.san)</option>"));

  // Another organ's civil servant, sent by hand: refused with the field, the
  // page kept with the department's select marked and the head unchanged.
  auto other = post(
      sys, head_form,
      {{"department_id", std::to_string(office)}, {"head_account_id", std::to_string(staff_b_)}});
  EXPECT_EQ(other.status, 400);
  EXPECT_TRUE(contains(other.body, "负责人：负责人须是该内设机构所属机关的工作人员。"))
      << other.body;
  EXPECT_TRUE(contains(other.body, select + " aria-invalid=\"true\""));
  EXPECT_TRUE(contains(other.body, "<option value=\"" + std::to_string(staff_a_) +
                                       "\" selected>张三 (zhang.san)</option>"));
  EXPECT_TRUE(contains(other.body, "action=\"" + base + "/departments\""));  // the rest too
  EXPECT_EQ(*app.organs().department_head(office), staff_a_);
  auto administrator = post(sys, head_form,
                            {{"department_id", std::to_string(office)},
                             {"head_account_id", std::to_string(id_of("sysadmin"))}});
  EXPECT_EQ(administrator.status, 400);
  EXPECT_TRUE(contains(administrator.body, "负责人须是工作人员账号"));

  // Hostile or stale ids: a clear error naming the field, never a 500.
  for (const auto& [department, head, message] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"abc", std::to_string(staff_a_), "内设机构：没有这个内设机构。"},
           {"", std::to_string(staff_a_), "内设机构：没有这个内设机构。"},
           {"99999999999999999999999999", std::to_string(staff_a_), "没有这个内设机构"},
           {"-3", std::to_string(staff_a_), "没有这个内设机构"},
           {std::to_string(other_office), std::to_string(staff_b_), "没有这个内设机构"},
           {std::to_string(office), "abc", "负责人：没有这个账号。"},
           {std::to_string(office), "99999999999999999999999999", "没有这个账号"},
           {std::to_string(office), "0x10", "没有这个账号"},
           {std::to_string(office), "<script>alert(1)</script>", "没有这个账号"}}) {
    auto r = post(sys, head_form, {{"department_id", department}, {"head_account_id", head}});
    EXPECT_EQ(r.status, 400) << department << " " << head;
    EXPECT_TRUE(contains(r.body, message)) << department << " " << head;
    EXPECT_TRUE(contains(r.body, "id=\"form-error\"")) << department << " " << head;
    EXPECT_FALSE(contains(r.body, "<script>alert(1)")) << department << " " << head;
  }
  EXPECT_EQ(*app.organs().department_head(office), staff_a_);
  EXPECT_EQ(*app.organs().department_head(other_office), std::nullopt);
  EXPECT_EQ(audit_count("identity.department.head_set"), 1);
  // Without the CSRF token: refused before anything is looked at.
  auto forged =
      server_->request(Zone::intranet, "POST", head_form,
                       "department_id=" + std::to_string(office) + "&head_account_id=", [&] {
                         auto h = cookies(sys);
                         h["Content-Type"] = "application/x-www-form-urlencoded";
                         return h;
                       }());
  EXPECT_EQ(forged.status, 403);
  EXPECT_EQ(*app.organs().department_head(office), staff_a_);

  // Cleared with the empty choice.
  auto cleared =
      post(sys, head_form, {{"department_id", std::to_string(office)}, {"head_account_id", ""}});
  ASSERT_EQ(cleared.status, 303) << cleared.body;
  EXPECT_EQ(*app.organs().department_head(office), std::nullopt);
  EXPECT_EQ(audit_count("identity.department.head_cleared"), 1);
  EXPECT_TRUE(contains(get(sys, base).body, "<td>办公室</td><td>—</td>"));
  // English page.
  auto english = get(sys, base + "?lang=en");
  EXPECT_TRUE(contains(english.body, "Set the head"));
  EXPECT_TRUE(contains(english.body, "(no head)"));
  // Civil servants do not reach the form.
  EXPECT_EQ(post(session("zhang.san"), head_form,
                 {{"department_id", std::to_string(office)},
                  {"head_account_id", std::to_string(staff_a_)}})
                .status,
            403);
}

// The JSON API: an organ's departments with their heads (directory scope),
// and PUT of a department's head (系统管理员, CSRF header, JSON body).
TEST_F(AdminTest, TheApiReadsAndSetsDepartmentHeads) {
  auto& app = server_->app();
  auto office = app.organs().add_department(organ_a_, "办公室", {.account = "sysadmin"});
  ASSERT_TRUE(office);
  std::string sys = session("sysadmin");
  std::string target = "/api/v1/identity/departments/" + std::to_string(office->id) + "/head";
  auto headers = cookies(sys);
  headers["X-CSRF-Token"] = kCsrf;
  headers["Content-Type"] = "application/json";
  auto put = [&](const std::string& body, std::map<std::string, std::string> h) {
    return server_->request(Zone::intranet, "PUT", target, body, h);
  };
  auto set = put(fmt::format(R"({{"head_account_id": {}}})", staff_a_), headers);
  ASSERT_EQ(set.status, 200) << set.body;
  auto j = nlohmann::json::parse(set.body);
  EXPECT_EQ(j["head_account_id"], staff_a_);
  EXPECT_EQ(j["head_name"], "张三");
  EXPECT_EQ(j["head_active"], true);
  EXPECT_EQ(audit_count("identity.department.head_set"), 1);

  for (const auto& [body, field] : std::vector<std::pair<std::string, std::string>>{
           {"", ""},
           {"not json", ""},
           {"[1]", ""},
           {"{}", "head_account_id"},
           {R"({"head_account_id": "12"})", "head_account_id"},
           {R"({"head_account_id": 1.5})", "head_account_id"},
           {R"({"head_account_id": -4})", "head_account_id"},
           {R"({"head_account_id": 99999999999999999999999})", "head_account_id"},
           {fmt::format(R"({{"head_account_id": {}}})", staff_b_), "head_account_id"}}) {
    auto r = put(body, headers);
    EXPECT_EQ(r.status, 400) << body << " " << r.body;
    auto e = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_FALSE(e.is_discarded()) << body;
    EXPECT_EQ(e["error"].value("field", ""), field) << body;
    EXPECT_FALSE(e["error"]["message"].get<std::string>().empty()) << body;
  }
  EXPECT_EQ(*app.organs().department_head(office->id), staff_a_);
  auto unknown = server_->request(Zone::intranet, "PUT", "/api/v1/identity/departments/999999/head",
                                  R"({"head_account_id": null})", headers);
  EXPECT_EQ(unknown.status, 404);
  auto no_csrf = cookies(sys);
  EXPECT_EQ(put(R"({"head_account_id": null})", no_csrf).status, 403);
  auto staff_headers = cookies(session("zhang.san"));
  staff_headers["X-CSRF-Token"] = kCsrf;
  EXPECT_EQ(put(R"({"head_account_id": null})", staff_headers).status, 403);
  EXPECT_EQ(*app.organs().department_head(office->id), staff_a_);

  // Read within the directory scope.
  auto role = app.roles().create_role({"通讯录", "", {identity::perm::kDirectoryRead}},
                                      {.account = "secadmin"});
  ASSERT_TRUE(app.roles().grant(staff_a_, role->id, organ_a_, false, {.account = "secadmin"}));
  std::string a = session("zhang.san");
  auto read = get(a, "/api/v1/identity/organs/" + std::to_string(organ_a_) + "/departments");
  ASSERT_EQ(read.status, 200) << read.body;
  auto list = nlohmann::json::parse(read.body)["departments"];
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["name"], "办公室");
  EXPECT_EQ(list[0]["head_account_id"], staff_a_);
  EXPECT_EQ(list[0]["head_name"], "张三");
  EXPECT_EQ(get(a, "/api/v1/identity/organs/" + std::to_string(organ_b_) + "/departments").status,
            403);

  auto cleared = put(R"({"head_account_id": null})", headers);
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(nlohmann::json::parse(cleared.body)["head_account_id"].is_null());
  EXPECT_EQ(audit_count("identity.department.head_cleared"), 1);
}

// The demo city names a head wherever one of its people leads a department:
// the 科长 and 主任, and 张伟 (副主任 of 市政府办公室) for its 综合科.
TEST_F(AdminTest, TheDemoCitySetsDepartmentHeads) {
  auto& app = server_->app();
  ASSERT_TRUE(app::load_demo_staff(app.organs(), app.accounts(), app.roles(), {.account = "demo"}));
  // Seven in the document flow's organs, four in those of online services.
  EXPECT_EQ(audit_count("identity.department.head_set"), 11);
  auto head_of = [&](const std::string& name) {
    return app.accounts().head_of_account_department(id_of(name)).value();
  };
  EXPECT_EQ(head_of("liuyang.bgs"), id_of("zhangwei.bgs"));   // 综合科: a deputy director
  EXPECT_EQ(head_of("zhangwei.bgs"), id_of("chenjing.bgs"));  // 秘书科
  EXPECT_EQ(head_of("lijun.fgw"), id_of("lijun.fgw"));
  EXPECT_EQ(head_of("zhouting.scjg"), id_of("zhaomin.scjg"));
  EXPECT_EQ(head_of("zhenglei.dcq"), id_of("wuqiang.dcq"));
  EXPECT_EQ(head_of("sunhao.scjg"), std::nullopt);  // 办公室 of 市市场监管局: only a 科员
  EXPECT_EQ(head_of("huangli.dcq"), std::nullopt);
  // Loading again changes nothing, and leaves an administrator's choice alone.
  auto zhangwei = *app.accounts().find_by_name("zhangwei.bgs");
  auto office = *app.organs().departments(*zhangwei->organ_id);
  long long secretariat = office[0].name == "秘书科" ? office[0].id : office[1].id;
  ASSERT_TRUE(app.organs().set_department_head(secretariat, zhangwei->id, {.account = "sysadmin"}));
  ASSERT_TRUE(app::load_demo_staff(app.organs(), app.accounts(), app.roles(), {.account = "demo"}));
  EXPECT_EQ(audit_count("identity.department.head_set"), 12);
  EXPECT_EQ(head_of("chenjing.bgs"), zhangwei->id);
  EXPECT_EQ(head_of("liuwei.ga"), id_of("liuwei.ga"));  // 户政管理科 of 市公安局
}

TEST_F(AdminTest, VeryLongAndEmptyTextIsRefusedByFieldAndChangesNothing) {
  std::string sys = session("sysadmin"), sec = session("secadmin");
  const std::string long_text(3000, 'x'), long_chinese = [] {
    std::string s;
    for (int i = 0; i < 300; ++i) s += "机";
    return s;
  }();
  auto& app = server_->app();
  auto organs_before = app.organs().children(city_)->size();
  for (const auto& [field, value] : std::vector<std::pair<std::string, std::string>>{
           {"name", long_chinese}, {"name", ""}, {"short_name", long_text}, {"doc_prefix", ""}}) {
    std::vector<std::pair<std::string, std::string>> form = {
        {"name", "示范市长名局"},
        {"short_name", "长名局"},
        {"doc_prefix", "示长"},
        {"level", "city"},
        {"division_code", "350100"},
        {"credit_code", app::demo_credit_code("350100", 88)},
        {"parent_id", std::to_string(city_)}};
    for (auto& [n, v] : form)
      if (n == field) v = value;
    auto r = post(sys, "/admin/organs", form);
    EXPECT_EQ(r.status, 400) << field;
    EXPECT_TRUE(contains(r.body, "id=\"form-error\"")) << field;
  }
  EXPECT_EQ(app.organs().children(city_)->size(), organs_before);
  auto staff = post(
      sys, "/admin/accounts",
      {{"name", "long.name"}, {"display_name", long_chinese}, {"organ", std::to_string(organ_a_)}});
  EXPECT_EQ(staff.status, 400);
  EXPECT_TRUE(contains(staff.body, "姓名"));
  EXPECT_FALSE(*app.accounts().find_by_name("long.name"));
  auto role = post(
      sec, "/security/roles",
      {{"name", "长说明"}, {"description", long_text}, {"permissions", "identity.directory.read"}});
  EXPECT_EQ(role.status, 400);
  EXPECT_TRUE(contains(role.body, "说明"));
  EXPECT_TRUE(app.roles().roles()->empty());
  auto search = get(sys, "/admin/accounts?q=" + long_text);
  EXPECT_EQ(search.status, 200);  // a search is cut to 100 bytes, never refused
  auto audit = get(session("auditadmin"), "/audit?account=" + long_text + "&event=" + long_text);
  EXPECT_EQ(audit.status, 200);
}

TEST_F(AdminTest, ASearchCutInsideACharacterStillWorks) {
  // 99 ASCII bytes and then 张: cut at 100 bytes, a split character would
  // be invalid UTF-8 (PostgreSQL refuses it).
  std::string q = std::string(99, 'a') + "张三";
  auto r = get(session("sysadmin"), "/admin/accounts?q=" + http::percent_encode(q));
  EXPECT_EQ(r.status, 200);
  auto a = get(session("auditadmin"),
               "/audit?account=" + http::percent_encode(std::string(63, 'a') + "张"));
  EXPECT_EQ(a.status, 200);
}

TEST(SecurityConfiguration, LockoutAndSessionLifetimesComeFromTheConfiguration) {
  TestServer s(TestServer::Options{.configure = [](app::Config& c) {
    c.lockout_failures = 2;
    c.session_idle_minutes = 1;
    c.password_min_length = 12;
    c.password_max_age_days = 30;
  }});
  if (!s.available()) GTEST_SKIP();
  auto& app = s.app();
  auto admins = app.accounts().create_administrators({.account = "test"});
  ASSERT_TRUE(admins);
  for (int i = 0; i < 2; ++i)
    (void)app.sign_in().sign_in({.account = "sysadmin", .password = "wrong", .zone = "intranet"});
  EXPECT_TRUE(*app.sign_in().locked("sysadmin"));  // two, not five
  auto short_one =
      app.accounts().change_password((*admins)[1].account.id, (*admins)[1].one_time_password,
                                     "Abcdef-123", app.password_policy(), {.account = "t"});
  ASSERT_FALSE(short_one);  // ten characters: enough by default, not here
  EXPECT_EQ(short_one.error().key, "identity.password.too_short");
  EXPECT_EQ(app.security_policy().get().password_max_age_days, 30);
  // A session idle for two minutes has ended (time moved by editing the row).
  long long id = (*admins)[0].account.id;
  std::string token = *app.database().transaction([&](soci::session& x) -> Result<std::string> {
    return app.sessions().start(x, id, "intranet", "t", "t");
  });
  ASSERT_TRUE(*app.sessions().touch(token, "intranet"));
  app.database().transaction([&](soci::session& x) {
    std::string two_minutes_ago = fmt::format(
        "{:%Y-%m-%dT%H:%M:%SZ}", std::chrono::floor<std::chrono::seconds>(
                                     std::chrono::system_clock::now() - std::chrono::minutes(2)));
    x << "UPDATE identity_sessions SET last_seen_at = :t", soci::use(two_minutes_ago);
  });
  EXPECT_FALSE(*app.sessions().touch(token, "intranet"));
}
