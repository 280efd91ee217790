// 依申请公开 over HTTP: a citizen asks organ A for information on the portal
// (the form names every problem and keeps what was typed; hostile text is
// shown inert); A's officer registers it or asks once for a clarification
// (the clock pauses until the citizen answers on the request's page),
// handles it — consulting a third party pauses the clock, the one extension
// needs the head's approval and cannot be asked twice — and drafts a reply
// of one of the seven types, which the head signs or sends back; the reply
// letter is a PDF sealed with A's seal that verifies, and the citizen reads
// it on the request's page within the time limit. Nobody else sees the
// request: not another applicant, not another organ's officer.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "ca/seal_signature.hpp"
#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "portal/annual_report.hpp"
#include "portal/article_review.hpp"
#include "portal/disclosure_desk.hpp"
#include "portal/permissions.hpp"
#include "tests/integration/service_world.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/permissions.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

const std::string kCsrf(64, 'e');
const char* kCitizenNumber = "350102199001011238";
const std::string kHostile = "<script>alert('x')</script>' OR 1=1; -- ＡＢＣ全角";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

using Fields = std::vector<std::pair<std::string, std::string>>;

class DisclosureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    ASSERT_NO_FATAL_FAILURE(world_.set_up(*server_));
    auto& app = server_->app();
    auto sec = test::by_account("secadmin");
    auto officer = app.roles().create_role(
        {std::string(portal::kDisclosureOfficerRole), "", {portal::perm::kDisclosureHandle}}, sec);
    auto head = app.roles().create_role(
        {std::string(portal::kDisclosureHeadRole), "", {portal::perm::kDisclosureHandle}}, sec);
    auto reporter = app.roles().create_role(
        {"年报编制", "", {portal::perm::kReportEdit, portal::perm::kArticleEdit}}, sec);
    ASSERT_TRUE(officer && head && reporter);
    long long a = world_.organ_a.id, b = world_.organ_b.id;
    ASSERT_TRUE(app.roles().grant(world_.staff(*server_, "jing.ban", "经办甲", a), officer->id, a,
                                  false, sec));
    ASSERT_TRUE(
        app.roles().grant(world_.staff(*server_, "fu.ze", "负责人甲", a), head->id, a, false, sec));
    ASSERT_TRUE(app.roles().grant(world_.staff(*server_, "jing.ban.b", "经办乙", b), officer->id, b,
                                  false, sec));
    ASSERT_TRUE(app.roles().grant(world_.staff(*server_, "nian.bao", "年报甲", a), reporter->id, a,
                                  false, sec));
    ASSERT_NO_FATAL_FAILURE(
        world_.citizen(*server_, "li.ming", "李明", kCitizenNumber, "13800138000"));
    ASSERT_NO_FATAL_FAILURE(
        world_.citizen(*server_, "wang.fang", "王芳", "11010519491231002X", "13800138009"));
    app.authorizer().clear_cache();
  }

  std::string session(const std::string& name, Zone zone) {
    std::string key = name + (zone == Zone::internet ? "@internet" : "@intranet");
    auto it = sessions_.find(key);
    if (it != sessions_.end()) return it->second;
    return sessions_[key] = test::start_session(server_->app(), name,
                                                zone == Zone::internet ? "internet" : "intranet");
  }
  HttpResult get(const std::string& who, const std::string& target, Zone zone = Zone::internet) {
    return server_->get(zone, target, test::session_cookies(session(who, zone), kCsrf));
  }
  HttpResult post(const std::string& who, const std::string& target, const Fields& fields,
                  Zone zone = Zone::internet) {
    return test::post_form(*server_, zone, target, session(who, zone), kCsrf, fields);
  }

  Fields request_fields(const std::string& description) {
    return {{"organ", std::to_string(world_.organ_a.id)},
            {"applicant_type", "person"},
            {"phone", "13800138000"},
            {"email", "li.ming@example.cn"},
            {"address", ""},
            {"info_name", "2026年老旧小区改造计划"},
            {"doc_number", "示政办〔2026〕3号"},
            {"description", description},
            {"format", "electronic"},
            {"delivery", "online"}};
  }

  // Files a request as li.ming; its number.
  std::string file_request(
      const std::string& description = "请提供本市2026年老旧小区改造的项目清单。") {
    auto r = post("li.ming", "/disclosure/requests/new", request_fields(description));
    EXPECT_EQ(r.status, 303) << r.body.substr(0, 3000);
    std::string loc = r.header("location");
    auto start = loc.find("/disclosure/requests/");
    if (start == std::string::npos) return "";
    std::string rest = loc.substr(start + 21);
    return rest.substr(0, rest.find('?'));
  }

  portal::DisclosureRequest request(const std::string& number) {
    auto r = server_->app().portal().requests().find(number);
    EXPECT_TRUE(r && *r) << number;
    return r && *r ? **r : portal::DisclosureRequest{};
  }

  // The open task of the request's process; its id (0 when none).
  long long open_task(const std::string& number, const std::string& node) {
    auto tasks = server_->app().workflow().open_tasks(request(number).instance_id);
    EXPECT_TRUE(tasks);
    if (!tasks) return 0;
    for (const auto& t : *tasks)
      if (t.node_id == node) return t.id;
    ADD_FAILURE() << "no open task " << node << " for " << number;
    return 0;
  }

  // Completes the request's open task `node` as `who` through the task page.
  HttpResult complete(const std::string& number, const std::string& node, const std::string& who,
                      const std::string& outcome, Fields fields = {}) {
    long long id = open_task(number, node);
    auto claimed = server_->app().workflow().claim(id, test::workflow_actor(who));
    EXPECT_TRUE(claimed) << (claimed ? "" : claimed.error().key);
    auto task = server_->app().workflow().task(id);
    fields.push_back({"outcome", outcome});
    fields.push_back({"opinion", ""});
    fields.push_back({"expected_version", std::to_string((*task)->version)});
    return post(who, "/workflow/tasks/" + std::to_string(id) + "/complete", fields, Zone::intranet);
  }

  std::unique_ptr<TestServer> server_;
  test::ServiceWorld world_;
  std::map<std::string, std::string> sessions_;
};

TEST_F(DisclosureTest, ARequestIsAnsweredWithASealedLetterThatVerifies) {
  std::string number = file_request(kHostile);
  ASSERT_FALSE(number.empty());
  auto filed = request(number);
  EXPECT_EQ(filed.state, portal::RequestState::submitted);
  EXPECT_EQ(filed.applicant_name, "李明");
  EXPECT_EQ(filed.id_number, kCitizenNumber) << "identity comes from the account";
  std::string stored;
  ASSERT_TRUE(server_->app().database().transaction([&](soci::session& s) -> Result<void> {
    s << "SELECT id_number FROM portal_disclosure_requests WHERE id = " << filed.id,
        soci::into(stored);
    return {};
  }));
  EXPECT_FALSE(stored.empty());
  EXPECT_FALSE(contains(stored, kCitizenNumber)) << "the identity number is sealed in the database";
  EXPECT_EQ(filed.limit_days, 20);

  auto page = get("li.ming", "/disclosure/requests/" + number + "?done=submitted");
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(contains(page.body, "<script>alert")) << "hostile text is escaped";
  EXPECT_TRUE(contains(page.body, "&lt;script&gt;"));
  EXPECT_TRUE(contains(page.body, "ＡＢＣ全角"));
  EXPECT_TRUE(contains(page.body, "登记审查"));

  // The officer of organ A has it in the list and the inbox; B's does not.
  auto list = get("jing.ban", "/portal/disclosure", Zone::intranet);
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(contains(list.body, number));
  EXPECT_FALSE(contains(get("jing.ban.b", "/portal/disclosure", Zone::intranet).body, number));
  EXPECT_EQ(get("jing.ban.b", "/portal/disclosure/" + number, Zone::intranet).status, 404);
  EXPECT_EQ(get("wang.fang", "/disclosure/requests/" + number).status, 404) << "another applicant";

  auto registered = complete(number, "register", "jing.ban", "登记办理");
  ASSERT_EQ(registered.status, 303) << registered.body.substr(0, 3000);
  EXPECT_EQ(request(number).state, portal::RequestState::processing);

  // A refusal without its reason is refused at the field.
  auto bad = complete(number, "handle", "jing.ban", "拟答复",
                      {{"reply_type", "not_disclosed"},
                       {"reply_reason", ""},
                       {"reply_text", "理由见下"},
                       {"refer_organ", ""}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(contains(bad.body, "请选择与答复类型相符的理由")) << bad.body.substr(0, 3000);
  EXPECT_TRUE(contains(bad.body, "理由见下")) << "what was typed is kept";

  auto drafted = complete(number, "handle", "jing.ban", "拟答复",
                          {{"reply_type", "disclosed"},
                           {"reply_reason", "part"},
                           {"reply_text", "项目清单见附件。" + kHostile},
                           {"refer_organ", ""}});
  ASSERT_EQ(drafted.status, 303) << drafted.body.substr(0, 3000);
  // The head sees the draft on the signing task and sends it back once.
  long long sign = open_task(number, "sign");
  auto sign_page = get("fu.ze", "/workflow/tasks/" + std::to_string(sign), Zone::intranet);
  EXPECT_TRUE(contains(sign_page.body, "项目清单见附件。")) << sign_page.body.substr(0, 3000);
  EXPECT_FALSE(contains(sign_page.body, "<script>alert"));
  ASSERT_EQ(complete(number, "sign", "fu.ze", "退回修改").status, 303);
  auto again = get("jing.ban", "/workflow/tasks/" + std::to_string(open_task(number, "handle")),
                   Zone::intranet);
  EXPECT_TRUE(contains(again.body, "项目清单见附件。")) << "the draft comes back";
  ASSERT_EQ(complete(number, "handle", "jing.ban", "拟答复",
                     {{"reply_type", "disclosed"},
                      {"reply_reason", "part"},
                      {"reply_text", "项目清单见附件。"},
                      {"refer_organ", ""}})
                .status,
            303);
  ASSERT_EQ(complete(number, "sign", "fu.ze", "签发").status, 303);

  auto answered = request(number);
  EXPECT_EQ(answered.state, portal::RequestState::answered);
  EXPECT_EQ(answered.reply_type, portal::ReplyType::disclosed);
  auto clock = server_->app().portal().requests().clock(answered);
  EXPECT_FALSE(clock.overdue) << "answered within its time limit";
  EXPECT_LE(clock.used, clock.limit);

  auto docs = server_->app().portal().requests().documents(answered.id);
  ASSERT_TRUE(docs);
  ASSERT_EQ(docs->size(), 1u);
  EXPECT_EQ(docs->front().kind, "reply_letter");
  auto shown = get("li.ming", "/disclosure/requests/" + number);
  EXPECT_TRUE(contains(shown.body, "已答复"));
  EXPECT_TRUE(contains(shown.body, "部分公开"));
  std::string href =
      "/disclosure/requests/" + number + "/documents/" + std::to_string(docs->front().id);
  EXPECT_TRUE(contains(shown.body, href));
  auto pdf = get("li.ming", href);
  ASSERT_EQ(pdf.status, 200);
  EXPECT_TRUE(pdf.body.starts_with("%PDF-"));
  EXPECT_EQ(get("wang.fang", href).status, 404);
  auto carried = ca::extract_signature(pdf.body);
  ASSERT_TRUE(carried) << "the letter carries its seal's signature";
  auto verified = server_->app().seals().verify(carried->first, carried->second);
  ASSERT_TRUE(verified) << verified.error().key;
  EXPECT_EQ(verified->verdict, ca::SealVerdict::valid);
  EXPECT_EQ(verified->claims->organ, world_.organ_a.name);
  EXPECT_EQ(verified->claims->signer_account, "fu.ze") << "sealed for the head who signed";

  // The applicant was told in the message centre.
  auto messages = get("li.ming", "/messages");
  EXPECT_TRUE(contains(messages.body, number));
}

TEST_F(DisclosureTest, AClarificationPausesTheClockUntilTheApplicantAnswers) {
  std::string number = file_request();
  ASSERT_FALSE(number.empty());
  auto empty = complete(number, "register", "jing.ban", "补正", {{"correction_note", "  "}});
  EXPECT_EQ(empty.status, 400) << "补正 needs what to clarify";
  ASSERT_EQ(complete(number, "register", "jing.ban", "补正",
                     {{"correction_note", "请写明所需项目清单的年度和区县。"}})
                .status,
            303);
  auto waiting = request(number);
  EXPECT_EQ(waiting.state, portal::RequestState::correction);
  ASSERT_EQ(waiting.pauses.size(), 1u);
  EXPECT_EQ(waiting.pauses[0].reason, "correction");
  EXPECT_TRUE(waiting.pauses[0].to.empty());
  EXPECT_FALSE(server_->app().portal().requests().clock(waiting).running) << "paused";
  auto docs = server_->app().portal().requests().documents(waiting.id);
  ASSERT_TRUE(docs && docs->size() == 1u);
  EXPECT_EQ(docs->front().kind, "correction_notice");

  auto page = get("li.ming", "/disclosure/requests/" + number);
  EXPECT_TRUE(contains(page.body, "请写明所需项目清单的年度和区县。"));
  EXPECT_TRUE(contains(page.body, "/disclosure/requests/" + number + "/correct"));
  // An empty clarification is refused at its field; nothing changes.
  auto blank =
      post("li.ming", "/disclosure/requests/" + number + "/correct", {{"description", ""}});
  EXPECT_EQ(blank.status, 400);
  EXPECT_TRUE(contains(blank.body, "f-description-error"));
  EXPECT_EQ(request(number).state, portal::RequestState::correction);
  EXPECT_EQ(post("wang.fang", "/disclosure/requests/" + number + "/correct",
                 {{"description", "别人的补正"}})
                .status,
            404);
  auto done = post("li.ming", "/disclosure/requests/" + number + "/correct",
                   {{"description", "2026年鼓楼区老旧小区改造项目清单。"}});
  ASSERT_EQ(done.status, 303) << done.body.substr(0, 2000);
  auto back = request(number);
  EXPECT_EQ(back.state, portal::RequestState::submitted);
  EXPECT_EQ(back.description, "2026年鼓楼区老旧小区改造项目清单。");
  ASSERT_EQ(back.pauses.size(), 1u);
  EXPECT_FALSE(back.pauses[0].to.empty()) << "the pause ended";
  EXPECT_TRUE(server_->app().portal().requests().clock(back).running);
  EXPECT_GT(open_task(number, "register"), 0) << "back at 登记审查";
}

TEST_F(DisclosureTest, ConsultationPausesAndTheOneExtensionNeedsTheHead) {
  std::string number = file_request();
  ASSERT_FALSE(number.empty());
  ASSERT_EQ(complete(number, "register", "jing.ban", "登记办理").status, 303);
  EXPECT_EQ(complete(number, "handle", "jing.ban", "征求第三方意见", {{"third_party", ""}}).status,
            400);
  ASSERT_EQ(complete(number, "handle", "jing.ban", "征求第三方意见",
                     {{"third_party", "示范建设有限公司"}})
                .status,
            303);
  auto consulting = request(number);
  EXPECT_EQ(consulting.state, portal::RequestState::consultation);
  EXPECT_FALSE(server_->app().portal().requests().clock(consulting).running);
  ASSERT_EQ(complete(number, "opinion", "jing.ban", "已收到意见",
                     {{"opinion", "同意公开，但请隐去联系人电话。"}})
                .status,
            303);
  EXPECT_EQ(request(number).state, portal::RequestState::processing);

  EXPECT_EQ(complete(number, "handle", "jing.ban", "申请延期", {{"extension_reason", ""}}).status,
            400);
  ASSERT_EQ(complete(number, "handle", "jing.ban", "申请延期",
                     {{"extension_reason", "需要汇总十个区县的数据"}})
                .status,
            303);
  EXPECT_FALSE(request(number).extended) << "not before the head approves";
  ASSERT_EQ(complete(number, "extension", "fu.ze", "同意延期").status, 303);
  auto extended = request(number);
  EXPECT_TRUE(extended.extended);
  EXPECT_EQ(extended.limit_days, 40);
  auto docs = server_->app().portal().requests().documents(extended.id);
  ASSERT_TRUE(docs && docs->size() == 1u);
  EXPECT_EQ(docs->front().kind, "extension_notice");
  auto twice =
      complete(number, "handle", "jing.ban", "申请延期", {{"extension_reason", "还需要再延"}});
  EXPECT_EQ(twice.status, 400);
  EXPECT_TRUE(contains(twice.body, "已经延长过一次"));
  auto shown = get("li.ming", "/disclosure/requests/" + number);
  EXPECT_TRUE(contains(shown.body, "答复期限（已延长）"));
  EXPECT_TRUE(contains(shown.body, "示范建设有限公司"));
}

TEST_F(DisclosureTest, TheFormNamesEveryProblemAndKeepsWhatWasTyped) {
  Fields f = request_fields("");
  for (auto& [name, value] : f) {
    if (name == "organ") value = "999999";
    if (name == "phone") value = "12345";
    if (name == "delivery") value = "email";
    if (name == "email") value = "";
    if (name == "info_name") value = kHostile;
    if (name == "format") value = "floppy";
  }
  auto r = post("li.ming", "/disclosure/requests/new", f);
  EXPECT_EQ(r.status, 400);
  for (const char* field : {"organ", "phone", "email", "description", "format"})
    EXPECT_TRUE(contains(r.body, std::string("id=\"f-") + field + "-error\"")) << field;
  EXPECT_FALSE(contains(r.body, "<script>alert"));
  EXPECT_TRUE(contains(r.body, "&lt;script&gt;alert")) << "what was typed is kept, escaped";
  Fields too_long = request_fields(std::string(2001, 'a'));
  auto long_r = post("li.ming", "/disclosure/requests/new", too_long);
  EXPECT_EQ(long_r.status, 400);
  EXPECT_TRUE(contains(long_r.body, "f-description-error"));
  Fields enterprise_type = request_fields("需要的信息");
  enterprise_type[1].second = "business";
  EXPECT_EQ(post("li.ming", "/disclosure/requests/new", enterprise_type).status, 400)
      << "a citizen applies as a natural person";
  auto none = server_->app().portal().requests().list({});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->total, 0) << "nothing was filed";
  // Signed out: sign in first.
  EXPECT_NE(server_->get(Zone::internet, "/disclosure/requests/new").status, 200);
}

TEST_F(DisclosureTest, TheAnnualReportComesFromTheDataIsCheckedEditedAndPublished) {
  auto& app = server_->app();
  std::ifstream in(test::source_dir() / "data/portal/columns.json");
  std::stringstream json;
  json << in.rdbuf();
  ASSERT_TRUE(app.portal().columns().load_tree(nlohmann::json::parse(json.str()),
                                               test::by_account("secadmin")));
  // The organ's site reviewers, for the report's article.
  for (auto role :
       {portal::kFirstReviewRole, portal::kSecondReviewRole, portal::kFinalReviewRole}) {
    auto r = app.roles().create_role({std::string(role), "", {workflow::perm::kInstanceStart}},
                                     test::by_account("secadmin"));
    ASSERT_TRUE(r) << r.error().key;
    ASSERT_TRUE(app.roles().grant(app.accounts().find_by_name("fu.ze").value()->id, r->id,
                                  world_.organ_a.id, false, test::by_account("secadmin")));
  }
  app.authorizer().clear_cache();
  // Two requests this year: one answered in part, one still open.
  std::string answered = file_request();
  std::string open = file_request("另一项申请：本市2026年财政预算执行情况。");
  ASSERT_FALSE(answered.empty() || open.empty());
  ASSERT_EQ(complete(answered, "register", "jing.ban", "登记办理").status, 303);
  ASSERT_EQ(complete(answered, "handle", "jing.ban", "拟答复",
                     {{"reply_type", "disclosed"},
                      {"reply_reason", "part"},
                      {"reply_text", "部分内容涉及第三方，已隐去。"},
                      {"refer_organ", ""}})
                .status,
            303);
  ASSERT_EQ(complete(answered, "sign", "fu.ze", "签发").status, 303);

  int year = core::year_of(core::china_today());
  std::string organ = std::to_string(world_.organ_a.id);
  EXPECT_EQ(post("nian.bao", "/portal/annual-reports",
                 {{"organ", std::to_string(world_.organ_b.id)}, {"year", std::to_string(year)}},
                 Zone::intranet)
                .status,
            400)
      << "only the organs of the grant";
  auto made = post("nian.bao", "/portal/annual-reports",
                   {{"organ", organ}, {"year", std::to_string(year)}}, Zone::intranet);
  ASSERT_EQ(made.status, 303) << made.body.substr(0, 2000);
  std::string path = made.header("location");
  long long id = std::atoll(path.substr(path.rfind('/') + 1).c_str());
  auto report = app.portal().reports().get(id);
  ASSERT_TRUE(report && *report);
  const auto& data = (*report)->data;
  EXPECT_EQ(portal::request_count(data, "new", "person"), 2);
  EXPECT_EQ(portal::request_count(data, "partial", "person"), 1);
  EXPECT_EQ(portal::request_count(data, "carried_out", "person"), 1);
  EXPECT_EQ(portal::request_total(data, "results_total"), 1);
  EXPECT_TRUE(portal::check_report(data).empty());
  auto again = post("nian.bao", "/portal/annual-reports",
                    {{"organ", organ}, {"year", std::to_string(year)}}, Zone::intranet);
  EXPECT_EQ(again.header("location"), path) << "one report per organ and year";
  EXPECT_EQ(get("jing.ban.b", path, Zone::intranet).status, 403) << "no report permission";

  auto page = get("nian.bao", path, Zone::intranet);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "name=\"requests.partial.person\" value=\"1\""));

  // The form as posted: every cell of the tables, then changes.
  auto fields_of = [&](const nlohmann::json& d) {
    Fields f{{"version", std::to_string((*app.portal().reports().get(id))->version)}};
    for (const auto& [row, cells] : portal::active_rows())
      for (auto c : cells) {
        const auto& v = d["active"][std::string(row)][std::string(c)];
        f.push_back({"active." + std::string(row) + "." + std::string(c),
                     v.is_string() ? v.get<std::string>() : std::to_string(v.get<long long>())});
      }
    for (auto row : portal::request_rows())
      for (auto c : portal::request_columns())
        f.push_back({"requests." + std::string(row) + "." + std::string(c),
                     std::to_string(portal::request_count(d, row, c))});
    for (auto row : portal::appeal_rows())
      for (auto c : portal::appeal_cells())
        f.push_back({"appeals." + std::string(row) + "." + std::string(c), "0"});
    f.push_back({"texts.overview", "本年度共收到申请 2 件。" + kHostile});
    f.push_back({"texts.problems", ""});
    f.push_back({"texts.other", ""});
    return f;
  };
  auto set = [](Fields f, const std::string& name, const std::string& value) {
    for (auto& [n, v] : f)
      if (n == name) v = value;
    return f;
  };
  Fields good = fields_of(data);
  auto bad = post("nian.bao", path, set(set(good, "requests.new.person", "-1"), "_action", "save"),
                  Zone::intranet);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(contains(bad.body, "r-requests.new.person-error"));
  EXPECT_TRUE(contains(bad.body, "value=\"-1\"")) << "what was typed is kept";
  Fields inconsistent = set(good, "requests.new.person", "3");
  inconsistent.push_back({"_action", "save"});
  ASSERT_EQ(post("nian.bao", path, inconsistent, Zone::intranet).status, 303);
  EXPECT_FALSE(portal::check_report((*app.portal().reports().get(id))->data).empty());
  Fields publish_bad = fields_of((*app.portal().reports().get(id))->data);
  publish_bad.push_back({"_action", "publish"});
  auto refused = post("nian.bao", path, publish_bad, Zone::intranet);
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(contains(refused.body, "勾稽关系校验未通过"));

  Fields regenerate{{"version", std::to_string((*app.portal().reports().get(id))->version)},
                    {"_action", "regenerate"}};
  ASSERT_EQ(post("nian.bao", path, regenerate, Zone::intranet).status, 303);
  auto fresh = (*app.portal().reports().get(id))->data;
  EXPECT_EQ(portal::request_count(fresh, "new", "person"), 2) << "the data again";
  EXPECT_TRUE(contains(fresh["texts"]["overview"].get<std::string>(), "本年度共收到申请 2 件。"))
      << "the texts are kept";
  Fields publish = fields_of(fresh);
  publish.push_back({"_action", "publish"});
  auto published = post("nian.bao", path, publish, Zone::intranet);
  ASSERT_EQ(published.status, 303) << published.body.substr(0, 3000);
  auto submitted = app.portal().reports().get(id);
  ASSERT_TRUE(submitted && *submitted);
  EXPECT_EQ((*submitted)->state, "submitted");
  auto article = app.portal().articles().get((*submitted)->article_id);
  ASSERT_TRUE(article && *article);
  EXPECT_EQ((*article)->state, portal::ArticleState::review) << "the site's review";
  EXPECT_EQ((*article)->column_id, app.portal().columns().by_slug("annual-reports")->id);
  EXPECT_TRUE(contains((*article)->title, std::to_string(year) + "年政府信息公开工作年度报告"));
  EXPECT_TRUE(contains((*article)->body_html, "部分公开"));
  EXPECT_TRUE(contains((*article)->body_html, "<table>"));
  EXPECT_FALSE(contains((*article)->body_html, "<script>")) << (*article)->body_html;
  auto locked = post("nian.bao", path, set(good, "_action", "save"), Zone::intranet);
  EXPECT_EQ(locked.status, 400) << "a submitted report is no longer edited";
}

}  // namespace
