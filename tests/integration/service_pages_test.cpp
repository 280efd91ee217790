// The online-services pages over HTTP: an enterprise signed in on the portal
// opens an item's form (its registered name filled in from the legal-entity
// record), is told field by field what is wrong with what it typed (kept, and
// escaped), saves a draft, submits and lands on its case; the window clerk
// sees the case on the intranet task page with its materials and asks for a
// correction; the enterprise reads what is missing, corrects it and follows
// the case. Nobody else sees the case or its files.
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/integration/service_world.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::test::FormPart;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

const std::string kCsrf(64, 'e');
const char* kCreditCode = "91350100M000100Y43";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

using test::by_account;
using test::kTestPdf;

class ServicePagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    ASSERT_NO_FATAL_FAILURE(world_.set_up(*server_));
    auto& app = server_->app();
    auto enterprise = [&](const char* name, const char* display, const char* code,
                          const char* phone) {
      std::string password = std::string("Enterprise-") + phone;
      auto r = app.accounts().register_public(identity::AccountKind::enterprise,
                                              {.name = name,
                                               .password = password,
                                               .password_confirm = password,
                                               .email = std::string(name) + "@example.cn",
                                               .phone = phone,
                                               .address = "示范市中山路2号",
                                               .enterprise_name = display,
                                               .credit_code = code,
                                               .legal_representative = "钱七"},
                                              app.password_policy(), by_account("-"));
      EXPECT_TRUE(r) << r.error().key << " " << r.error().field;
      return r.has_value();
    };
    ASSERT_TRUE(enterprise("acme", "示范科技有限公司", kCreditCode, "13800138001"));
    ASSERT_TRUE(enterprise("other", "别家公司", "91350100M000101969", "13800138002"));
    // The legal-entity record the government holds under that credit code.
    auto put = app.database().transaction([&](soci::session& s) {
      registry::EntityRecord r;
      r.credit_code = kCreditCode;
      r.name = "示范科技有限公司（登记名）";
      r.kind = "有限责任公司";
      r.legal_representative = "钱七";
      r.source = "test";
      return app.base_registry().put_entity(s, r);
    });
    ASSERT_TRUE(put) << put.error().key << " " << put.error().field;
    app.authorizer().clear_cache();
  }

  std::string session(const std::string& name, const std::string& zone) {
    std::string key = name + "@" + zone;
    auto it = sessions_.find(key);
    if (it != sessions_.end()) return it->second;
    return sessions_[key] = test::start_session(server_->app(), name, zone);
  }

  HttpResult get(const std::string& who, const std::string& target, Zone zone = Zone::internet) {
    return server_->get(zone, target,
                        test::session_cookies(
                            session(who, zone == Zone::internet ? "internet" : "intranet"), kCsrf));
  }

  HttpResult post(const std::string& who, const std::string& target, std::vector<FormPart> parts,
                  Zone zone = Zone::internet) {
    return test::post_multipart(*server_, zone, target,
                                session(who, zone == Zone::internet ? "internet" : "intranet"),
                                kCsrf, std::move(parts));
  }

  std::vector<FormPart> good(const std::string& action = "submit") {
    return {{.name = "_action", .data = action},
            {.name = "draft", .data = "0"},
            {.name = "scope", .data = "软件开发"},
            {.name = "contact", .data = "13800138001"},
            {.name = "premises",
             .data = kTestPdf,
             .filename = "场所.pdf",
             .content_type = "application/pdf"}};
  }

  std::string submit_case() {
    auto r = post("acme", "/services/items/TEST-LIC-001/apply", good());
    EXPECT_EQ(r.status, 303) << r.body;
    std::smatch m;
    std::string location = r.header("location");
    EXPECT_TRUE(std::regex_search(location, m, std::regex("/services/cases/(SQ[0-9]+)")))
        << location;
    return m.size() > 1 ? m[1].str() : "";
  }

  std::unique_ptr<TestServer> server_;
  test::ServiceWorld world_;
  std::map<std::string, std::string> sessions_;
};

}  // namespace

TEST_F(ServicePagesTest, TheFormIsPrefilledAndExplainsEveryProblem) {
  auto page = get("acme", "/services/items/TEST-LIC-001/apply");
  ASSERT_EQ(page.status, 200) << page.body;
  // The registered name is shown, not asked for.
  EXPECT_TRUE(contains(page.body, "示范科技有限公司（登记名）"));
  EXPECT_FALSE(contains(page.body, "name=\"company\""));
  EXPECT_TRUE(contains(page.body, "营业场所证明"));
  EXPECT_TRUE(contains(page.body, "enctype=\"multipart/form-data\""));

  // Hostile and invalid input: a message per field, what was typed kept and escaped.
  std::string hostile = "<script>alert('x')</script>" + std::string(300, 'a');
  auto bad = post("acme", "/services/items/TEST-LIC-001/apply",
                  {{.name = "_action", .data = "submit"},
                   {.name = "scope", .data = hostile},
                   {.name = "contact", .data = "'; DROP TABLE svc_cases; --"},
                   {.name = "premises",
                    .data = "MZ\x90\x00 not a pdf",
                    .filename = "场所.pdf",
                    .content_type = "application/pdf"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_FALSE(contains(bad.body, "<script>alert('x')"));
  EXPECT_TRUE(contains(bad.body, "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"));
  EXPECT_TRUE(contains(bad.body, "&apos;; DROP TABLE svc_cases; --"));
  EXPECT_TRUE(contains(bad.body, "id=\"form-errors\""));
  EXPECT_TRUE(contains(bad.body, "href=\"#f-scope\""));
  EXPECT_TRUE(contains(bad.body, "href=\"#f-contact\""));
  EXPECT_TRUE(contains(bad.body, "href=\"#f-premises\""));
  long long cases = -1;
  *server_->app().database().acquire() << "SELECT COUNT(*) FROM svc_cases", soci::into(cases);
  EXPECT_EQ(cases, 0);
  // Empty and full-width input.
  auto empty = post("acme", "/services/items/TEST-LIC-001/apply",
                    {{.name = "_action", .data = "submit"},
                     {.name = "scope", .data = "　"},
                     {.name = "contact", .data = "１３８００１３８００１"}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(contains(empty.body, "href=\"#f-scope\""));
  EXPECT_FALSE(contains(empty.body, "href=\"#f-contact\""));  // full-width digits are a phone

  // A staff account or someone signed out cannot apply.
  auto signed_out = server_->get(Zone::internet, "/services/items/TEST-LIC-001/apply");
  EXPECT_EQ(signed_out.status, 302);
  EXPECT_TRUE(contains(signed_out.header("location"), "/signin")) << signed_out.header("location");
  EXPECT_EQ(get("acme", "/services/items/NO-SUCH/apply").status, 404);
}

TEST_F(ServicePagesTest, ADraftIsSavedAndResumed) {
  auto saved =
      post("acme", "/services/items/TEST-LIC-001/apply",
           {{.name = "_action", .data = "save"}, {.name = "scope", .data = "半成品<b>内容</b>"}});
  ASSERT_EQ(saved.status, 303) << saved.body;
  std::string location = saved.header("location");
  EXPECT_TRUE(contains(location, "draft=")) << location;
  auto resumed = get("acme", location);
  ASSERT_EQ(resumed.status, 200);
  EXPECT_TRUE(contains(resumed.body, "半成品&lt;b&gt;内容&lt;/b&gt;"));
  auto list = get("acme", "/services/cases");
  EXPECT_TRUE(contains(list.body, "TEST-LIC-001"));
  // Another enterprise cannot open it.
  EXPECT_EQ(get("other", location).status, 404);
}

TEST_F(ServicePagesTest, TheWholeCaseIsFollowedOnline) {
  std::string number = submit_case();
  ASSERT_FALSE(number.empty());
  auto page = get("acme", "/services/cases/" + number + "?done=submitted");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(contains(page.body, number));
  EXPECT_TRUE(contains(page.body, "已申请，待受理"));
  EXPECT_TRUE(contains(page.body, "受理时限"));
  EXPECT_TRUE(contains(page.body, "场所.pdf"));
  // The material opens in the browser, for the applicant only.
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      page.body, m, std::regex("href=\"(/services/cases/" + number + "/files/[0-9a-f]+)\"")));
  std::string file_href = m[1].str();
  auto file = get("acme", file_href);
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.body, kTestPdf);
  EXPECT_EQ(file.header("content-type"), "application/pdf");
  EXPECT_TRUE(contains(file.header("content-disposition"), "inline"));
  EXPECT_EQ(get("other", "/services/cases/" + number).status, 404);
  EXPECT_EQ(get("other", file_href).status, 404);
  EXPECT_EQ(get("acme", "/services/cases/" + number + "/files/" + std::string(64, '0')).status,
            404);

  // The clerk's task page shows the case and its material.
  auto& engine = server_->app().workflow();
  auto c = server_->app().online().cases().find(number);
  auto tasks = engine.open_tasks((*c)->instance_id);
  ASSERT_EQ(tasks->size(), 1u);
  std::string task = "/workflow/tasks/" + std::to_string(tasks->front().id);
  workflow::Actor clerk;
  clerk.account = "chuang.kou";
  ASSERT_TRUE(engine.claim(tasks->front().id, clerk));
  auto task_page = get("chuang.kou", task, Zone::intranet);
  ASSERT_EQ(task_page.status, 200) << task_page.body;
  EXPECT_TRUE(contains(task_page.body, number));
  EXPECT_TRUE(contains(task_page.body, "示范科技有限公司（登记名）"));
  EXPECT_TRUE(contains(task_page.body, "name=\"missing\" value=\"营业场所证明\""));
  std::string staff_file =
      "/services/handling/" + number + file_href.substr(file_href.find("/files/"));
  EXPECT_TRUE(contains(task_page.body, staff_file));
  EXPECT_EQ(get("chuang.kou", staff_file, Zone::intranet).status, 200);
  // A civil servant not involved in the case does not get it.
  EXPECT_EQ(get("pang.guan", staff_file, Zone::intranet).status, 404);

  // 补正 through the task page's form.
  auto asked = test::post_form(
      *server_, Zone::intranet, task + "/complete", session("chuang.kou", "intranet"), kCsrf,
      {{"outcome", "补正"},
       {"missing", "营业场所证明"},
       {"missing_other", "租赁合同<script>1</script>\n\n法定代表人身份证明"},
       {"correction_note", "请上传盖章件"}});
  EXPECT_EQ(asked.status, 303) << asked.body;
  auto waiting = get("acme", "/services/cases/" + number);
  EXPECT_TRUE(contains(waiting.body, "待补齐补正"));
  EXPECT_TRUE(contains(waiting.body, "租赁合同&lt;script&gt;1&lt;/script&gt;"));
  EXPECT_TRUE(contains(waiting.body, "法定代表人身份证明"));
  EXPECT_TRUE(contains(waiting.body, "/services/cases/" + number + "/correct"));
  EXPECT_TRUE(contains(waiting.body, "已暂停"));

  auto form = get("acme", "/services/cases/" + number + "/correct");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(contains(form.body, "软件开发"));  // what was submitted, to correct
  auto fixed = post("acme", "/services/cases/" + number + "/correct",
                    {{.name = "scope", .data = "软件开发；信息技术咨询"},
                     {.name = "contact", .data = "13800138001"},
                     {.name = "premises",
                      .data = kTestPdf + "%stamped\n",
                      .filename = "场所（盖章）.pdf",
                      .content_type = "application/pdf"}});
  ASSERT_EQ(fixed.status, 303) << fixed.body;
  auto resumed = get("acme", "/services/cases/" + number + "?done=corrected");
  EXPECT_TRUE(contains(resumed.body, "已申请，待受理"));
  EXPECT_TRUE(contains(resumed.body, "场所（盖章）.pdf"));
  EXPECT_TRUE(contains(resumed.body, "信息技术咨询"));

  // The message centre has a notice per step, linking to the case.
  auto messages = get("acme", "/messages");
  ASSERT_EQ(messages.status, 200);
  EXPECT_TRUE(contains(messages.body, number));
  EXPECT_TRUE(contains(messages.body, "value=\"/services/cases/" + number + "\""));
  auto read = test::post_form(*server_, Zone::internet, "/messages/read",
                              session("acme", "internet"), kCsrf, {{"id", "0"}});
  EXPECT_EQ(read.status, 303);
  EXPECT_EQ(*server_->app().online().messages().unread("acme"), 0);
  // The list of my cases.
  auto list = get("acme", "/services/cases?q=" + number);
  EXPECT_TRUE(contains(list.body, "/services/cases/" + number));
}

TEST_F(ServicePagesTest, TheLicenceIsInTheWalletAndAnyoneCanVerifyIt) {
  std::string number = submit_case();
  ASSERT_FALSE(number.empty());
  auto& engine = server_->app().workflow();
  auto c = *server_->app().online().cases().find(number);
  auto finish = [&](const std::string& node, const std::string& who, const std::string& outcome) {
    auto open = engine.open_tasks(c->instance_id);
    ASSERT_TRUE(open);
    for (const auto& t : *open)
      if (t.node_id == node) {
        auto claimed = engine.claim(t.id, test::workflow_actor(who));
        ASSERT_TRUE(claimed) << claimed.error().key << " " << node;
        workflow::Engine::CompleteInput in;
        in.outcome = outcome;
        ASSERT_TRUE(engine.complete(t.id, in, test::workflow_actor(who)));
      }
  };
  finish("accept_review", "chuang.kou", "受理");
  finish("review_a", "shen.a", "同意");
  finish("review_b", "shen.b", "同意");
  auto page = get("acme", "/services/cases/" + number);
  EXPECT_TRUE(contains(page.body, "已送达"));
  EXPECT_TRUE(contains(page.body, "电子证照"));
  // The rating form: a wrong value is named at its criterion, what was chosen kept.
  EXPECT_TRUE(contains(page.body, "评价本次服务"));
  EXPECT_TRUE(contains(page.body, "name=\"usability\""));
  auto refused = post("acme", "/services/cases/" + number + "/rate",
                      {{.name = "overall", .data = "4"},
                       {.name = "efficiency", .data = "9"},
                       {.name = "accuracy", .data = "4"},
                       {.name = "convenience", .data = "4"},
                       {.name = "usability", .data = "4"},
                       {.name = "comment", .data = "<b>很好</b>"}});
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(contains(refused.body, "id=\"rate-efficiency-error\""));
  EXPECT_TRUE(contains(refused.body, "id=\"rate-overall-4\" name=\"overall\" value=\"4\" checked"));
  EXPECT_TRUE(contains(refused.body, "&lt;b&gt;很好&lt;/b&gt;"));
  auto rated = post("acme", "/services/cases/" + number + "/rate",
                    {{.name = "overall", .data = "5"},
                     {.name = "efficiency", .data = "5"},
                     {.name = "accuracy", .data = "4"},
                     {.name = "convenience", .data = "5"},
                     {.name = "usability", .data = "5"}});
  ASSERT_EQ(rated.status, 303) << rated.body;
  auto thanked = get("acme", rated.header("location"));
  EXPECT_TRUE(contains(thanked.body, "感谢您的评价"));
  EXPECT_TRUE(contains(thanked.body, "已归档"));
  EXPECT_FALSE(contains(thanked.body, "name=\"usability\""));

  auto wallet = get("acme", "/licences");
  ASSERT_EQ(wallet.status, 200);
  EXPECT_TRUE(contains(wallet.body, "测试经营许可证"));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(wallet.body, m, std::regex("href=\"(/licences/[0-9]+/pdf)\"")));
  auto pdf = get("acme", m[1].str());
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.header("content-type"), "application/pdf");
  EXPECT_EQ(get("other", m[1].str()).status, 404);  // not theirs
  ASSERT_TRUE(
      std::regex_search(wallet.body, m, std::regex("(1\\.2\\.156\\.3005\\.2\\.[0-9A-Z.]+)")));
  std::string identifier = m[1].str();

  // Anyone, signed out: the QR code's page.
  auto verify = server_->get(Zone::internet, "/licences/verify?id=" + identifier);
  ASSERT_EQ(verify.status, 200);
  EXPECT_TRUE(contains(verify.body, "证照有效"));
  EXPECT_TRUE(contains(verify.body, "示范科技有限公司（登记名）"));
  // The file as issued matches; one changed byte does not.
  auto upload = [&](const std::string& bytes) {
    return test::post_multipart(*server_, Zone::internet, "/licences/verify", "", kCsrf,
                                {{.name = "id", .data = identifier},
                                 {.name = "file",
                                  .data = bytes,
                                  .filename = "licence.pdf",
                                  .content_type = "application/pdf"}});
  };
  auto same = upload(pdf.body);
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_TRUE(contains(same.body, "完全一致"));
  std::string tampered = pdf.body;
  tampered[tampered.size() / 3] ^= 0x20;
  auto changed = upload(tampered);
  EXPECT_TRUE(contains(changed.body, "不一致"));
  // The API.
  auto api = server_->request(Zone::internet, "POST", "/api/v1/licences/verify",
                              nlohmann::json{{"identifier", identifier}}.dump(),
                              {{"Content-Type", "application/json"}});
  ASSERT_EQ(api.status, 200) << api.body;
  auto answer = nlohmann::json::parse(api.body);
  EXPECT_EQ(answer["verdict"], "valid");
  EXPECT_EQ(answer["licence"]["identifier"], identifier);
  auto bad = server_->request(Zone::internet, "POST", "/api/v1/licences/verify",
                              R"({"identifier": "<script>alert(1)</script>"})",
                              {{"Content-Type", "application/json"}});
  EXPECT_EQ(nlohmann::json::parse(bad.body)["verdict"], "malformed");
  auto hostile =
      server_->get(Zone::internet, "/licences/verify?id=%3Cscript%3Ealert(1)%3C/script%3E");
  EXPECT_EQ(hostile.status, 200);
  EXPECT_FALSE(contains(hostile.body, "<script>alert(1)"));
}

// With registry.check_applicant before the window's task (as the demo's
// 出口退税申报 has it), the clerk's task page says what the legal-entity
// records hold; for a deregistered company the reason for 不予受理 is ready.
TEST_F(ServicePagesTest, TheWindowSeesTheRegistryCheck) {
  auto& app = server_->app();
  std::ifstream in(test::source_dir() / "tests/data/services/case_process.bpmn", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string xml = text.str();
  auto replace = [&](const std::string& from, const std::string& to) {
    auto at = xml.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    xml.replace(at, from.size(), to);
  };
  for (int i = 0; i < 4; ++i)
    if (xml.find("{ORGAN_A}") != std::string::npos)
      replace("{ORGAN_A}", world_.organ_a.credit_code);
  for (int i = 0; i < 4; ++i)
    if (xml.find("{ORGAN_B}") != std::string::npos)
      replace("{ORGAN_B}", world_.organ_b.credit_code);
  replace(R"(<bpmn:startEvent id="start" name="网上申请" />)",
          R"(<bpmn:startEvent id="start" name="网上申请" />
    <bpmn:serviceTask id="check" name="核验" yiwang:handler="registry.check_applicant" />)");
  replace(R"(<bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="accept_review" />)",
          R"(<bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f_check" sourceRef="check" targetRef="accept_review" />)");
  ASSERT_TRUE(app.workflow().deploy(xml, test::workflow_actor("sysadmin")));

  auto task_page = [&](const std::string& number) {
    auto c = app.online().cases().find(number);
    EXPECT_TRUE(c && *c);
    auto tasks = app.workflow().open_tasks((*c)->instance_id);
    EXPECT_TRUE(tasks && tasks->size() == 1u);
    workflow::Actor clerk;
    clerk.account = "chuang.kou";
    EXPECT_TRUE(app.workflow().claim(tasks->front().id, clerk));
    return get("chuang.kou", "/workflow/tasks/" + std::to_string(tasks->front().id),
               Zone::intranet);
  };
  auto page = task_page(submit_case());
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(contains(page.body, "统一社会信用代码 " + std::string(kCreditCode) +
                                      " 已在法人库登记，登记状态为存续。"))
      << page.body;
  EXPECT_TRUE(contains(page.body, "aria-describedby=\"svc-reason-hint\"></textarea>"));

  auto cancelled = app.database().transaction([&](soci::session& s) {
    return app.base_registry().set_entity_status(s, kCreditCode, registry::EntityStatus::cancelled,
                                                 "决议解散");
  });
  ASSERT_TRUE(cancelled) << cancelled.error().key;
  page = task_page(submit_case());
  ASSERT_EQ(page.status, 200) << page.body;
  std::string reason =
      "统一社会信用代码 " + std::string(kCreditCode) + " 对应的市场主体已注销，不能办理本事项。";
  EXPECT_TRUE(contains(page.body, "class=\"result warn\"")) << page.body;
  EXPECT_TRUE(contains(page.body, "aria-describedby=\"svc-reason-hint\">" + reason + "</textarea>"))
      << page.body;
}

// A file that came with a refused form is listed as kept, and it is: the
// page carries a draft that holds it, and the corrected submission has it.
TEST_F(ServicePagesTest, FilesOfARefusedFormAreKeptForTheNextTry) {
  auto parts = good();
  parts[3].data = "123";  // contact: not a phone number
  auto refused = post("acme", "/services/items/TEST-LIC-001/apply", parts);
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_TRUE(contains(refused.body, "场所.pdf"));
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(refused.body, m, std::regex("name=\"draft\" value=\"([1-9][0-9]*)\"")))
      << refused.body;
  std::string draft = m[1].str();
  auto again = post("acme", "/services/items/TEST-LIC-001/apply",
                    {{.name = "_action", .data = "submit"},
                     {.name = "draft", .data = draft},
                     {.name = "scope", .data = "软件开发"},
                     {.name = "contact", .data = "13800138001"}});
  ASSERT_EQ(again.status, 303) << again.body;
  std::string location = again.header("location");
  ASSERT_TRUE(std::regex_search(location, m, std::regex("/services/cases/(SQ[0-9]+)")));
  auto c = server_->app().online().cases().find(m[1].str());
  ASSERT_TRUE(c && *c);
  ASSERT_TRUE((*c)->values["premises"].is_array()) << (*c)->values.dump();
  ASSERT_EQ((*c)->values["premises"].size(), 1u);
  EXPECT_EQ((*c)->values["premises"][0]["name"], "场所.pdf");
}
