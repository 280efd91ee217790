// The authorisation matrix: every registered route of every zone, asked over
// HTTP by each demo role — anonymous, a citizen, an enterprise, a civil
// servant of organ A and one of organ B, 系统管理员, 安全管理员 and 审计管理员 —
// answers only the combinations its declared permission intends. The routes
// come from the router, so a new route is covered the day it is registered;
// what each role should get is computed from the route's permission, the
// permission catalogue (the administrators' built-in permissions) and the
// grants made here, never from the code under test. Routes that hide what an
// actor may not see (a seal of another organ is "not found", so its existence
// is not told) count a 404 as their refusal. Then the organ scope in
// detail (an id changed in the URL reads nothing of another organ), and
// sessions that are honoured only in the zone they were started in.
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/demo_city.hpp"
#include "http/percent_encoding.hpp"
#include "http/router.hpp"
#include "identity/permissions.hpp"
#include "services/service_item.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::identity::AccountKind;
using yiwang::test::cookie_value;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

const std::string kCsrf(64, 'e');
const char* kStaffPassword = "Staff-Pass-2026";
const char* kAdminPassword = "Admin-Pass-2026";
const char* kCitizenPassword = "Citizen-Pass-1";
// Valid identifiers (GB 11643, GB 32100) for the public accounts.
const char* kCitizenNumber = "350102199001011238";
const char* kCreditCode = "91350100M000100Y43";

audit::AuditEvent by(const std::string& account) { return {.account = account, .source = "test"}; }

// One role of the matrix: who it is and what it holds, as the test sets it up.
struct Actor {
  std::string label;
  std::optional<AccountKind> kind;  // none: anonymous
  long long account_id = 0;
  Zone home = Zone::internet;                         // the zone its sessions are started in
  std::set<std::string> everywhere;                   // built-in permissions of its kind
  std::map<std::string, std::set<long long>> scoped;  // staff: permission → organs granted
  int clearance = 0;
};

// Where a route's path parameters point, and whether the URL names an organ.
struct Target {
  std::string path;
  std::optional<long long> organ;
  bool hides = false;  // refuses with 404, as if the object did not exist
};

// What the hook (and the few checks handlers make on top) answered.
struct Outcome {
  bool allowed = false;
  std::string shape_error;  // a refusal not in the form the hook promises
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string json_code(const HttpResult& r) {
  auto body = nlohmann::json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.contains("error")) return "";
  return body["error"].value("code", "");
}

class AuthorizationMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    auto& app = server_->app();
    const auto& catalogue = app.permissions();

    // The three administrators, past their first sign-in.
    auto admins = app.accounts().create_administrators(by("test"));
    ASSERT_TRUE(admins) << admins.error().key;
    for (const auto& a : *admins) {
      auto changed =
          app.accounts().change_password(a.account.id, a.one_time_password, kAdminPassword,
                                         app.password_policy(), by(a.account.name));
      ASSERT_TRUE(changed) << a.account.name << ": " << changed.error().key;
    }

    // Organs A and B under the city, and C for objects that may be changed.
    ASSERT_TRUE(app::load_demo_organs(app.organs(), by("test")));
    auto top = app.organs().children(std::nullopt);
    ASSERT_TRUE(top && !top->empty());
    city_ = top->front().id;
    auto subs = app.organs().children(city_);
    ASSERT_TRUE(subs && subs->size() >= 3);
    organ_a_ = (*subs)[0].id;
    organ_b_ = (*subs)[1].id;
    organ_c_ = (*subs)[2].id;
    staff_a_ = staff("zhang.san", "张三", organ_a_);
    staff_b_ = staff("li.si", "李四", organ_b_);
    staff_c_ = staff("wang.wu", "王五", organ_c_);

    // A role with every permission staff may hold (the directory, the seals), so
    // a new staff permission has its positive case here without an edit.
    std::vector<std::string> grantable;
    for (const auto* p : catalogue.all())
      if (catalogue.grantable(p->name)) grantable.push_back(p->name);
    ASSERT_FALSE(grantable.empty());
    auto role = app.roles().create_role({"机关工作人员", "", grantable}, by("secadmin"));
    ASSERT_TRUE(role) << role.error().key;
    role_ = role->id;
    ASSERT_TRUE(app.roles().grant(staff_a_, role_, organ_a_, false, by("secadmin")));
    ASSERT_TRUE(app.roles().grant(staff_b_, role_, organ_b_, false, by("secadmin")));
    // The platform CA and a seal of B and of C (the certificates with them).
    ASSERT_TRUE(app.authority().init("示范市电子政务认证中心", by("test")));
    for (auto [organ, seal, cert] : {std::tuple{organ_b_, &seal_b_, &certificate_b_},
                                     std::tuple{organ_c_, &seal_c_, &certificate_c_}}) {
      auto made = app.seals().create({.organ_id = organ}, by("secadmin"));
      ASSERT_TRUE(made) << made.error().key;
      *seal = made->id;
      *cert = made->certificate_id;
    }
    // A draft of B's in the service catalogue (事项库).
    auto item = services::parse_service_item(
        {{"code", "MATRIX-001"},
         {"name", "矩阵测试事项"},
         {"type", "public_service"},
         {"legal_basis", "《示范条例》第一条"},
         {"conditions", "符合条件"},
         {"procedure", "申请、受理、决定"},
         {"statutory_days", 20},
         {"promised_days", 10},
         {"fees", "不收费"},
         {"place", "政务服务中心"},
         {"hours", "工作日"},
         {"visits", 1},
         {"phone", "12345"},
         {"complaint_phone", "12345"},
         {"audience", "both"},
         {"process_key", "matrix"},
         {"form",
          {{"title", "申请表"},
           {"fields", {{{"name", "reason"}, {"type", "text"}, {"label", "事由"}}}}}}});
    ASSERT_TRUE(item);
    auto draft = app.service_items().save_draft(*item, organ_b_, by("test"));
    ASSERT_TRUE(draft) << draft.error().key;
    item_b_ = draft->item_id;
    // Objects the state-changing routes may act on: a spare role, and a grant
    // and a session of C's civil servant, who is no actor of the matrix.
    auto spare = app.roles().create_role({"临时角色", "", grantable}, by("secadmin"));
    ASSERT_TRUE(spare) << spare.error().key;
    spare_role_ = spare->id;
    auto spare_grant = app.roles().grant(staff_c_, spare_role_, organ_c_, false, by("secadmin"));
    ASSERT_TRUE(spare_grant) << spare_grant.error().key;
    spare_grant_ = spare_grant->id;
    start_session(staff_c_, Zone::intranet);
    auto sessions = app.sessions().list(staff_c_);
    ASSERT_TRUE(sessions && sessions->size() == 1u);
    spare_session_ = sessions->front().id;

    // A citizen and an enterprise, registered as on the portal.
    auto citizen = app.accounts().register_public(AccountKind::citizen,
                                                  {.name = "li.ming",
                                                   .password = kCitizenPassword,
                                                   .password_confirm = kCitizenPassword,
                                                   .email = "li.ming@example.cn",
                                                   .phone = "13800138000",
                                                   .address = "示范市中山路1号",
                                                   .real_name = "李明",
                                                   .citizen_number = kCitizenNumber},
                                                  app.password_policy(), by("-"));
    ASSERT_TRUE(citizen) << citizen.error().key << " " << citizen.error().field;
    citizen_ = citizen->id;
    auto enterprise = app.accounts().register_public(AccountKind::enterprise,
                                                     {.name = "acme",
                                                      .password = "Enterprise-1",
                                                      .password_confirm = "Enterprise-1",
                                                      .email = "acme@example.cn",
                                                      .phone = "13800138001",
                                                      .address = "示范市中山路2号",
                                                      .enterprise_name = "示范科技有限公司",
                                                      .credit_code = kCreditCode,
                                                      .legal_representative = "钱七"},
                                                     app.password_policy(), by("-"));
    ASSERT_TRUE(enterprise) << enterprise.error().key << " " << enterprise.error().field;
    enterprise_ = enterprise->id;
    app.authorizer().clear_cache();

    // The actors, and what each holds as this test granted it.
    auto account = [&](const std::string& name) {
      auto a = app.accounts().find_by_name(name);
      return a && *a ? (*a)->id : 0;
    };
    auto actor = [&](std::string label, AccountKind kind, long long id, Zone home) {
      Actor a{.label = std::move(label), .kind = kind, .account_id = id, .home = home};
      for (auto& p : catalogue.built_in(kind)) a.everywhere.insert(std::move(p));
      return a;
    };
    actors_.push_back({.label = "anonymous"});
    actors_.push_back(actor("citizen", AccountKind::citizen, citizen_, Zone::internet));
    actors_.push_back(actor("enterprise", AccountKind::enterprise, enterprise_, Zone::internet));
    Actor a = actor("staff-A", AccountKind::staff, staff_a_, Zone::intranet);
    Actor b = actor("staff-B", AccountKind::staff, staff_b_, Zone::intranet);
    for (const auto& p : grantable) {
      a.scoped[p] = {organ_a_};
      b.scoped[p] = {organ_b_};
    }
    actors_.push_back(std::move(a));
    actors_.push_back(std::move(b));
    actors_.push_back(
        actor("sysadmin", AccountKind::system_admin, account("sysadmin"), Zone::intranet));
    actors_.push_back(
        actor("secadmin", AccountKind::security_admin, account("secadmin"), Zone::intranet));
    actors_.push_back(
        actor("auditadmin", AccountKind::audit_admin, account("auditadmin"), Zone::intranet));
    for (const auto& x : actors_) ASSERT_TRUE(!x.kind || x.account_id > 0) << x.label;
  }

  long long account_of(const std::string& label) const {
    for (const auto& a : actors_)
      if (a.label == label) return a.account_id;
    return 0;
  }

  // A civil servant past the first sign-in.
  long long staff(const std::string& name, const std::string& display, long long organ) {
    auto& app = server_->app();
    auto a = app.accounts().create_staff({.name = name, .display_name = display, .organ_id = organ},
                                         by("sysadmin"));
    EXPECT_TRUE(a) << a.error().key;
    if (!a) return 0;
    auto changed = app.accounts().change_password(a->account.id, a->one_time_password,
                                                  kStaffPassword, app.password_policy(), by(name));
    EXPECT_TRUE(changed) << name << ": " << changed.error().key;
    return a->account.id;
  }

  // A new, fully signed-in session of the account in a zone.
  std::string start_session(long long account_id, Zone zone) {
    auto& app = server_->app();
    auto token = app.database().transaction([&](soci::session& s) -> Result<std::string> {
      return app.sessions().start(s, account_id, std::string(http::zone_name(zone)), "127.0.0.1",
                                  "matrix");
    });
    EXPECT_TRUE(token);
    return token ? *token : std::string();
  }

  std::map<std::string, std::string> cookies(const std::string& token) {
    return {{"Cookie", "yw_csrf=" + kCsrf + (token.empty() ? "" : "; yw_session=" + token)}};
  }

  HttpResult get(Zone zone, const std::string& token, const std::string& target) {
    return server_->get(zone, target, cookies(token));
  }

  HttpResult post_form(Zone zone, const std::string& token, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body = "_csrf=" + kCsrf;
    for (const auto& [n, v] : fields)
      body += "&" + http::percent_encode(n) + "=" + http::percent_encode(v);
    auto headers = cookies(token);
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    return server_->request(zone, "POST", target, body, headers);
  }

  // The route's path with its parameters replaced by ids that exist. Reading
  // routes point at organ B and its people (what staff of A must not see);
  // state-changing routes at organ C, its civil servant and the spare role,
  // grant and session, so that whatever a request is allowed to change, the
  // actors and their grants stay as they are. Empty when a parameter is new
  // to this test (a failure: decide which object it should name).
  std::optional<Target> target(const http::Route& route) {
    bool reads = route.method == "GET";
    Target out;
    std::string previous;
    std::size_t i = 0;
    while (i < route.pattern.size()) {
      std::size_t slash = route.pattern.find('/', i + 1);
      if (slash == std::string::npos) slash = route.pattern.size();
      std::string segment = route.pattern.substr(i + 1, slash - i - 1);
      out.path += "/";
      if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
        std::string name = segment.substr(1, segment.size() - 2);
        std::string value;
        if (name == "organ" || (name == "id" && previous == "organs")) {
          out.organ = reads ? organ_b_ : organ_c_;
          value = std::to_string(*out.organ);
        } else if (name == "id" && previous == "accounts") {
          value = std::to_string(reads ? staff_b_ : staff_c_);
        } else if (name == "id" && previous == "roles") {
          value = std::to_string(reads ? role_ : spare_role_);
        } else if (name == "grant") {
          value = std::to_string(spare_grant_);
        } else if (name == "id" && previous == "sessions") {
          value = std::to_string(spare_session_);
        } else if (name == "id" && previous == "agents") {
          value = std::to_string(citizen_);
        } else if (name == "id" && previous == "seals") {
          // A seal of B to read, C's to change; sealing a file is asked of
          // B's seal, which B's civil servant may apply (the empty form seals
          // nothing). The staff pages answer a seal outside one's scope
          // with 404.
          bool staff_page = route.pattern.starts_with("/seals/");
          bool b = reads || staff_page;
          out.organ = b ? organ_b_ : organ_c_;
          out.hides = staff_page;
          value = std::to_string(b ? seal_b_ : seal_c_);
        } else if (name == "id" && previous == "certificates") {
          value = std::to_string(reads ? certificate_b_ : certificate_c_);
        } else if (name == "id" && previous == "departments") {
          // Setting a department's head: the empty body is refused before the
          // department is looked up, so any id does.
          value = "1";
        } else if (name == "id" &&
                   (previous == "tasks" || previous == "instances" || previous == "licences")) {
          // Workflow tasks and instances: an id that names none. Whether the
          // hook lets an actor through does not depend on the object (the
          // handlers answer 404 alike for one that does not exist and for
          // one the actor may not see); workflow_pages_test covers who sees
          // which.
          value = "999999";
        } else if (name == "number" || name == "ref" || (name == "id" && previous == "documents")) {
          // Cases and their files: a number that names none. The case pages
          // answer 404 alike for a case that does not exist and one that is
          // not the viewer's; service_pages_test covers who sees which.
          value = name == "number" ? "SQ20260101999999"
                  : name == "ref"  ? std::string(64, '0')
                                   : "1";
        } else if (name == "id" && (previous == "catalogue" || previous == "review")) {
          // The service catalogue's items: B's draft, for reading and for
          // the forms, which refuse the empty form without a change. An
          // item outside one's organs is "not found".
          out.organ = organ_b_;
          out.hides = true;
          value = std::to_string(item_b_);
        } else if (name == "key" && previous == "definitions") {
          value = "no_such_process";
        } else if (name == "file") {
          value = "1.bpmn";
        } else if (name == "version") {
          value = "1";
        } else if (name == "code") {
          value = "350102";
        } else if (name == "slug") {
          // The portal's columns are public; the name of one.
          value = "headlines";
        } else if (name == "id" && previous == "articles") {
          // Articles: an id that names none. The public page and the editor
          // answer 404 alike for an article that does not exist and one of
          // an organ outside the editor's grant; portal_test covers which.
          value = "999999";
        } else if (name == "comment" ||
                   (name == "id" && (previous == "letters" || previous == "annual-reports" ||
                                     previous == "consultations"))) {
          // Letters, annual reports, consultations and their comments: an id
          // that names none. Their pages
          // answer 404 alike for one that does not exist and one outside the
          // viewer's organs (or unpublished); letters_test and
          // disclosure_test cover which.
          value = "999999";
        } else if (name == "n") {
          value = "0";
        } else {
          ADD_FAILURE() << "no test object for {" << name << "} in " << route.method << " "
                        << route.pattern << ": teach target() which id it takes";
          return std::nullopt;
        }
        out.path += value;
      } else {
        out.path += segment;
        previous = segment;
      }
      i = slash;
    }
    if (out.path.empty()) out.path = "/";
    return out;
  }

  // Whether the actor is meant to reach the route (with these parameters).
  static bool intended(const http::Route& route, const Actor& a, const Target& t) {
    if (route.permission == http::kPublic) return true;
    // A session counts only in the zone it was started in.
    if (!a.kind || a.home != route.zone) return false;
    if (static_cast<int>(route.max_classification) > a.clearance) return false;
    if (route.permission != http::kSignedIn) {
      bool held = a.everywhere.contains(route.permission);
      if (!held) {
        auto it = a.scoped.find(route.permission);
        // Within the organ the URL names, or anywhere when it names none.
        held = it != a.scoped.end() && !it->second.empty() &&
               (!t.organ || it->second.contains(*t.organ));
      }
      if (!held) return false;
    }
    // The checks handlers make on top of "signed-in": only an enterprise
    // authorises agents; the workflow pages and API are for civil servants
    // (the three administrators hold no tasks), except the list of deployed
    // processes, which the system administrator reads too.
    if (route.pattern.starts_with("/account/agents")) return a.kind == AccountKind::enterprise;
    bool workflow =
        route.pattern.starts_with("/workflow/") || route.pattern.starts_with("/api/v1/workflow/");
    if (workflow && route.permission == http::kSignedIn) {
      if (route.pattern == "/api/v1/workflow/definitions")
        return a.kind == AccountKind::staff || a.everywhere.contains("workflow.definition.manage");
      return a.kind == AccountKind::staff;
    }
    return true;
  }

  // A request of the matrix, with the route's method (GET routes are also
  // asked with HEAD), the actor's session, a valid CSRF token and an empty
  // form — the hook's decision does not depend on the form, and the handlers
  // refuse it without changing anything.
  HttpResult send(Zone zone, const std::string& verb, const http::Route& route, const Target& t,
                  const std::string& token) {
    auto headers = cookies(token);
    if (verb == "GET" || verb == "HEAD") return server_->request(zone, verb, t.path, {}, headers);
    std::string body;
    if (http::is_api_pattern(route.pattern)) {
      headers["X-CSRF-Token"] = kCsrf;
    } else {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      body = "_csrf=" + kCsrf;
    }
    return server_->request(zone, verb, t.path, body, headers);
  }

  // Refused: 401/403 for the API; for pages a 403, or the redirect that
  // sends someone not signed in to /signin (a handler's own redirect to
  // /signin, after signing out, carries no ?next=).
  static Outcome classify(const std::string& verb, const http::Route& route, const Target& t,
                          const Actor& a, const HttpResult& r) {
    bool api = http::is_api_pattern(route.pattern);
    std::string location = r.header("location");
    bool redirect = r.status == 302 || r.status == 303;
    Outcome out;
    if (api)
      out.allowed = r.status != 401 && r.status != 403;
    else
      out.allowed = r.status != 403 && !(redirect && location.starts_with("/signin?next=")) &&
                    !(t.hides && r.status == 404);
    if (out.allowed) {
      if (r.status >= 500) out.shape_error = "server error";
      return out;
    }
    // The refusal has the form the hook promises.
    bool signed_in = a.kind && a.home == route.zone;
    bool safe = verb == "GET" || verb == "HEAD";
    bool body = verb != "HEAD";
    if (!signed_in && api) {
      if (r.status != 401 || (body && json_code(r) != "http.unauthorised"))
        out.shape_error = "expected 401 JSON http.unauthorised";
    } else if (!signed_in) {
      std::string want = "/signin?next=" + http::percent_encode(safe ? t.path : "/");
      if (r.status != (safe ? 302 : 303) || location != want)
        out.shape_error = fmt::format("expected {} to {}", safe ? 302 : 303, want);
    } else if (r.status != 403 && !(t.hides && r.status == 404)) {
      out.shape_error = t.hides ? "expected 403 or 404" : "expected 403";
    } else if (api && body && json_code(r).empty()) {
      out.shape_error = "expected a JSON error";
    }
    return out;
  }

  std::unique_ptr<TestServer> server_;
  long long city_ = 0, organ_a_ = 0, organ_b_ = 0, organ_c_ = 0;
  long long staff_a_ = 0, staff_b_ = 0, staff_c_ = 0, citizen_ = 0, enterprise_ = 0;
  long long role_ = 0, spare_role_ = 0, spare_grant_ = 0, spare_session_ = 0;
  long long seal_b_ = 0, seal_c_ = 0, certificate_b_ = 0, certificate_c_ = 0;
  long long item_b_ = 0;
  std::vector<Actor> actors_;
};

}  // namespace

TEST_F(AuthorizationMatrixTest, EveryRouteAnswersOnlyTheRolesItIsMeantFor) {
  const auto& router = server_->app().router();
  // Not vacuous: the routes this matrix is about are registered.
  auto has = [&](Zone zone, const std::string& method, const std::string& pattern) {
    for (const http::Route* r : router.routes(zone))
      if (r->method == method && r->pattern == pattern) return true;
    return false;
  };
  const std::vector<std::tuple<Zone, const char*, const char*>> expected = {
      {Zone::intranet, "GET", "/"},
      {Zone::intranet, "GET", "/admin/organs"},
      {Zone::intranet, "POST", "/admin/organs/{id}/retire"},
      {Zone::intranet, "GET", "/admin/accounts"},
      {Zone::intranet, "GET", "/admin/accounts/{id}"},
      {Zone::intranet, "POST", "/admin/accounts/{id}/active"},
      {Zone::intranet, "GET", "/security/roles"},
      {Zone::intranet, "POST", "/security/roles/{id}"},
      {Zone::intranet, "POST", "/security/accounts/{id}/grants"},
      {Zone::intranet, "POST", "/security/accounts/{id}/grants/{grant}/revoke"},
      {Zone::intranet, "GET", "/security/policy"},
      {Zone::intranet, "GET", "/audit"},
      {Zone::intranet, "GET", "/audit/export.csv"},
      {Zone::intranet, "GET", "/directory/{organ}"},
      {Zone::intranet, "GET", "/seals"},
      {Zone::intranet, "GET", "/seals/{id}"},
      {Zone::intranet, "GET", "/seals/{id}/image.png"},
      {Zone::intranet, "POST", "/seals/{id}/apply"},
      {Zone::intranet, "GET", "/security/seals"},
      {Zone::intranet, "POST", "/security/seals/new"},
      {Zone::intranet, "POST", "/security/seals/{id}/retire"},
      {Zone::intranet, "GET", "/security/certificates/{id}"},
      {Zone::intranet, "POST", "/security/certificates/{id}/revoke"},
      {Zone::intranet, "GET", "/workflow/inbox"},
      {Zone::intranet, "GET", "/workflow/tasks/{id}"},
      {Zone::intranet, "POST", "/workflow/tasks/{id}/complete"},
      {Zone::intranet, "POST", "/workflow/instances/{id}/copy"},
      {Zone::intranet, "POST", "/workflow/start"},
      {Zone::intranet, "POST", "/workflow/admin/instances/{id}/terminate"},
      {Zone::intranet, "POST", "/workflow/admin/tasks/{id}/reassign"},
      {Zone::intranet, "GET", "/admin/workflow/definitions/{key}/{file}"},
      {Zone::intranet, "POST", "/admin/workflow/definitions"},
      {Zone::intranet, "GET", "/services/catalogue"},
      {Zone::intranet, "GET", "/services/catalogue/new"},
      {Zone::intranet, "POST", "/services/catalogue/new"},
      {Zone::intranet, "GET", "/services/catalogue/{id}"},
      {Zone::intranet, "POST", "/services/catalogue/{id}"},
      {Zone::intranet, "POST", "/services/catalogue/{id}/retire"},
      {Zone::intranet, "GET", "/services/review"},
      {Zone::intranet, "GET", "/services/review/{id}"},
      {Zone::intranet, "POST", "/services/review/{id}"},
      {Zone::intranet, "GET", "/api/v1/workflow/tasks"},
      {Zone::intranet, "POST", "/api/v1/workflow/tasks/{id}/complete"},
      {Zone::intranet, "GET", "/api/v1/identity/me"},
      {Zone::intranet, "GET", "/api/v1/identity/organs/{id}/staff"},
      {Zone::intranet, "GET", "/api/v1/identity/accounts"},
      {Zone::intranet, "GET", "/api/v1/identity/roles"},
      {Zone::intranet, "GET", "/api/v1/identity/audit/records"},
      {Zone::intranet, "POST", "/signout"},
      {Zone::internet, "GET", "/account"},
      {Zone::internet, "POST", "/account/agents"},
      {Zone::internet, "GET", "/api/v1/identity/me"},
      {Zone::internet, "POST", "/register/citizen"},
  };
  for (const auto& [zone, method, pattern] : expected)
    EXPECT_TRUE(has(zone, method, pattern))
        << method << " " << pattern << " on " << http::zone_name(zone);
  // No administrator's page or API call is mounted where the public is.
  for (const http::Route* r : router.routes(Zone::internet)) {
    EXPECT_FALSE(r->pattern.starts_with("/admin") || r->pattern.starts_with("/security") ||
                 r->pattern.starts_with("/audit") || r->pattern.starts_with("/directory") ||
                 r->pattern.starts_with("/seals") || r->pattern.starts_with("/workflow"))
        << r->method << " " << r->pattern;
    EXPECT_FALSE(server_->app().permissions().administrator_of(r->permission).has_value())
        << r->method << " " << r->pattern << " needs " << r->permission;
  }

  std::vector<std::string> rows;
  int routes = 0, pairs = 0, requests = 0, allowed = 0;
  std::map<std::string, int> privileged;  // actor → non-public routes it reached
  // Reading routes first, each actor with one session; then every route that
  // may change something, each request with a session of its own.
  std::map<std::string, std::string> standing;
  for (const Actor& a : actors_)
    standing[a.label] = a.kind ? start_session(a.account_id, a.home) : "";
  for (bool reading : {true, false}) {
    for (Zone zone : http::kAllZones) {
      for (const http::Route* route : router.routes(zone)) {
        if ((route->method == "GET") != reading) continue;
        auto t = target(*route);
        if (!t) continue;
        ++routes;
        std::vector<std::string> verbs = {route->method};
        if (route->method == "GET") verbs.push_back("HEAD");
        bool someone = false;
        for (const Actor& a : actors_) {
          bool want = intended(*route, a, *t);
          someone = someone || want;
          ++pairs;
          std::string token =
              reading || !a.kind ? standing[a.label] : start_session(a.account_id, a.home);
          for (const auto& verb : verbs) {
            HttpResult r = send(zone, verb, *route, *t, token);
            Outcome got = classify(verb, *route, *t, a, r);
            ++requests;
            allowed += got.allowed;
            if (got.allowed && route->permission != http::kPublic && verb != "HEAD")
              ++privileged[a.label];
            if (got.allowed == want && got.shape_error.empty()) continue;
            std::string location = r.header("location");
            rows.push_back(
                fmt::format("{:<8} {:<5} {:<45} {:<10} {:<28} expected {:<7} got {:<7} {}{}{}",
                            http::zone_name(zone), verb, t->path, a.label, route->permission,
                            want ? "allowed" : "refused", got.allowed ? "allowed" : "refused",
                            r.status, location.empty() ? "" : " -> " + location,
                            got.shape_error.empty() ? "" : " (" + got.shape_error + ")"));
          }
        }
        // Every permission has its positive case among the actors.
        EXPECT_TRUE(someone) << route->method << " " << route->pattern << " (" << route->permission
                             << "): no actor of the matrix may reach it";
      }
    }
  }
  std::string table;
  for (const auto& row : rows) table += row + "\n";
  EXPECT_TRUE(rows.empty()) << rows.size() << " of " << requests
                            << " requests answered otherwise than intended:\n"
                            << fmt::format("{:<8} {:<5} {:<45} {:<10} {:<28}\n", "zone", "verb",
                                           "path", "role", "permission")
                            << table;
  // Every signed-in role reached something beyond the public pages.
  EXPECT_GE(routes, 50);
  for (const Actor& a : actors_) {
    if (!a.kind) continue;
    EXPECT_GT(privileged[a.label], 0) << a.label;
  }
  EXPECT_EQ(privileged["anonymous"], 0);
  std::cout << "[ matrix   ] " << routes << " routes × " << actors_.size() << " roles = " << pairs
            << " pairs, " << requests << " requests (GET also as HEAD): " << allowed
            << " let through, " << requests - allowed << " refused\n";
}

TEST_F(AuthorizationMatrixTest, StaffOfOrganACannotReadOrganBByChangingTheId) {
  auto colleague = server_->app().accounts().create_staff(
      {.name = "zhao.liu", .display_name = "赵六", .organ_id = organ_a_}, by("sysadmin"));
  ASSERT_TRUE(colleague) << colleague.error().key;
  std::string a = start_session(staff_a_, Zone::intranet);
  std::string organ_a = std::to_string(organ_a_), organ_b = std::to_string(organ_b_);

  auto own = get(Zone::intranet, a, "/directory/" + organ_a);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_TRUE(contains(own.body, "赵六"));
  EXPECT_FALSE(contains(own.body, "李四"));
  auto own_api = get(Zone::intranet, a, "/api/v1/identity/organs/" + organ_a + "/staff");
  ASSERT_EQ(own_api.status, 200) << own_api.body;
  EXPECT_TRUE(contains(own_api.body, "赵六"));

  // The same pages with B's id: refused, and nothing of B's people shown.
  auto other = get(Zone::intranet, a, "/directory/" + organ_b);
  EXPECT_EQ(other.status, 403);
  EXPECT_FALSE(contains(other.body, "李四"));
  EXPECT_FALSE(contains(other.body, "赵六"));
  auto other_api = get(Zone::intranet, a, "/api/v1/identity/organs/" + organ_b + "/staff");
  EXPECT_EQ(other_api.status, 403);
  EXPECT_TRUE(contains(other_api.header("content-type"), "application/json"));
  EXPECT_EQ(json_code(other_api), "http.forbidden");
  EXPECT_FALSE(contains(other_api.body, "李四"));
  // B reads B.
  auto b = get(Zone::intranet, start_session(staff_b_, Zone::intranet), "/directory/" + organ_b);
  EXPECT_EQ(b.status, 200);
  EXPECT_TRUE(contains(b.body, "李四"));

  // An id that names no organ is refused exactly like B's, so the answer
  // does not tell which ids exist; text that is no id at all is not found.
  auto none = get(Zone::intranet, a, "/directory/999999999");
  EXPECT_EQ(none.status, other.status);
  auto none_api = get(Zone::intranet, a, "/api/v1/identity/organs/999999999/staff");
  EXPECT_EQ(none_api.status, other_api.status);
  for (const char* bad : {"x1", "0", "-1", "1e3", "%2B1"}) {
    EXPECT_EQ(get(Zone::intranet, a, std::string("/directory/") + bad).status, 404) << bad;
    auto api = get(Zone::intranet, a, std::string("/api/v1/identity/organs/") + bad + "/staff");
    EXPECT_EQ(api.status, 404) << bad;
    EXPECT_EQ(json_code(api), "identity.organ.not_found") << bad;
  }
  // The directory's own entry leads to A, never elsewhere.
  auto entry = get(Zone::intranet, a, "/directory");
  EXPECT_EQ(entry.status, 303);
  EXPECT_EQ(entry.header("location"), "/directory/" + organ_a);
}

TEST_F(AuthorizationMatrixTest, AGrantOnTheCityWithItsSubOrgansReachesThem) {
  auto& app = server_->app();
  std::string organ_b = "/directory/" + std::to_string(organ_b_);
  std::string organ_c = "/directory/" + std::to_string(organ_c_);
  std::string city = "/directory/" + std::to_string(city_);
  std::string a = start_session(staff_a_, Zone::intranet);
  EXPECT_EQ(get(Zone::intranet, a, organ_c).status, 403);
  EXPECT_EQ(get(Zone::intranet, a, city).status, 403);

  auto grant = app.roles().grant(staff_a_, role_, city_, true, by("secadmin"));
  ASSERT_TRUE(grant) << grant.error().key;
  // The change of privilege ended the session: sign in again.
  EXPECT_EQ(get(Zone::intranet, a, organ_c).status, 302);
  a = start_session(staff_a_, Zone::intranet);
  auto c = get(Zone::intranet, a, organ_c);
  EXPECT_EQ(c.status, 200);
  EXPECT_TRUE(contains(c.body, "王五"));
  auto b = get(Zone::intranet, a, organ_b);
  EXPECT_EQ(b.status, 200);
  EXPECT_TRUE(contains(b.body, "李四"));
  EXPECT_EQ(get(Zone::intranet, a, city).status, 200);
  auto api =
      get(Zone::intranet, a, "/api/v1/identity/organs/" + std::to_string(organ_c_) + "/staff");
  EXPECT_EQ(api.status, 200);
  EXPECT_TRUE(contains(api.body, "王五"));

  // Withdrawn: back to A alone.
  ASSERT_TRUE(app.roles().revoke(staff_a_, grant->id, by("secadmin")));
  a = start_session(staff_a_, Zone::intranet);
  EXPECT_EQ(get(Zone::intranet, a, organ_b).status, 403);
  EXPECT_EQ(get(Zone::intranet, a, organ_c).status, 403);
  EXPECT_EQ(get(Zone::intranet, a, "/directory/" + std::to_string(organ_a_)).status, 200);
}

TEST_F(AuthorizationMatrixTest, ASessionIsHonouredOnlyInTheZoneItWasStartedIn) {
  // A citizen's internet session on the intranet: not signed in there.
  std::string citizen = start_session(citizen_, Zone::internet);
  auto home = get(Zone::intranet, citizen, "/");
  EXPECT_EQ(home.status, 302);
  EXPECT_EQ(home.header("location"), "/signin?next=%2F");
  EXPECT_EQ(get(Zone::intranet, citizen, "/api/v1/identity/me").status, 401);
  EXPECT_EQ(get(Zone::intranet, citizen, "/account").status, 302);
  // … and the session still works where it belongs.
  EXPECT_EQ(get(Zone::internet, citizen, "/account").status, 200);

  // An administrator's intranet session on the internet: likewise.
  std::string sysadmin = start_session(account_of("sysadmin"), Zone::intranet);
  auto account = get(Zone::internet, sysadmin, "/account");
  EXPECT_EQ(account.status, 302);
  EXPECT_EQ(account.header("location"), "/signin?next=%2Faccount");
  EXPECT_EQ(get(Zone::internet, sysadmin, "/api/v1/identity/me").status, 401);
  EXPECT_EQ(get(Zone::exchange, sysadmin, "/api/v1/identity/me").status, 404);  // not there
  EXPECT_EQ(get(Zone::intranet, sysadmin, "/admin/accounts").status, 200);
  std::string staff = start_session(staff_a_, Zone::intranet);
  EXPECT_EQ(get(Zone::internet, staff, "/account").status, 302);
  EXPECT_EQ(get(Zone::intranet, staff, "/account").status, 200);

  // Signing in: staff and administrators on the intranet only, citizens and
  // enterprises on the internet only.
  auto sign_in = [&](Zone zone, const std::string& name, const std::string& password) {
    return post_form(zone, "", "/signin", {{"account", name}, {"password", password}});
  };
  struct Case {
    const char* name;
    const char* password;
    Zone zone;
    bool succeeds;
  };
  const Case cases[] = {{"zhang.san", kStaffPassword, Zone::internet, false},
                        {"sysadmin", kAdminPassword, Zone::internet, false},
                        {"li.ming", kCitizenPassword, Zone::intranet, false},
                        {"acme", "Enterprise-1", Zone::intranet, false},
                        {"zhang.san", kStaffPassword, Zone::intranet, true},
                        {"sysadmin", kAdminPassword, Zone::intranet, true},
                        {"li.ming", kCitizenPassword, Zone::internet, true},
                        {"acme", "Enterprise-1", Zone::internet, true}};
  for (const auto& c : cases) {
    auto r = sign_in(c.zone, c.name, c.password);
    std::string where = std::string(c.name) + " on " + std::string(http::zone_name(c.zone));
    if (c.succeeds) {
      EXPECT_EQ(r.status, 303) << where << ": " << r.body.substr(0, 200);
      EXPECT_EQ(cookie_value(r, "yw_session").size(), 64u) << where;
    } else {
      EXPECT_EQ(r.status, 401) << where;
      EXPECT_TRUE(cookie_value(r, "yw_session").empty()) << where;
    }
  }
}
