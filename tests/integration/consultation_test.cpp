// 征集调查 over HTTP: organ A publishes a draft for comment (the draft's
// scripts are removed, a period that ends before it starts is refused at its
// field); signed-in citizens comment, and a comment shows only once a
// moderator approves it (a rejected one shows its reason to its writer
// alone); after the period the organ publishes how much it adopted. A survey
// with a malformed question is refused with the line; each account answers
// once, every question must be answered, and the results show shares to
// those who answered and to everyone once closed. Hostile text stays inert.
#include <gtest/gtest.h>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "portal/consultation_store.hpp"
#include "portal/permissions.hpp"
#include "tests/integration/service_world.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

const std::string kCsrf(64, 'c');
const std::string kHostile = "<script>alert('x')</script>' OR 1=1; -- ＡＢＣ全角";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

using Fields = std::vector<std::pair<std::string, std::string>>;

class ConsultationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    ASSERT_NO_FATAL_FAILURE(world_.set_up(*server_));
    auto& app = server_->app();
    auto sec = test::by_account("secadmin");
    auto manager =
        app.roles().create_role({"征集调查管理", "", {portal::perm::kConsultationManage}}, sec);
    ASSERT_TRUE(manager);
    ASSERT_TRUE(app.roles().grant(world_.staff(*server_, "zheng.ji", "征集甲", world_.organ_a.id),
                                  manager->id, world_.organ_a.id, false, sec));
    ASSERT_NO_FATAL_FAILURE(
        world_.citizen(*server_, "li.ming", "公民", "350102199001011238", "13800138000"));
    ASSERT_NO_FATAL_FAILURE(
        world_.citizen(*server_, "wang.fang", "公民", "11010519491231002X", "13800138009"));
    app.authorizer().clear_cache();
  }

  std::string session(const std::string& name, Zone zone) {
    std::string key = name + (zone == Zone::internet ? "@i" : "@w");
    if (auto it = sessions_.find(key); it != sessions_.end()) return it->second;
    return sessions_[key] = test::start_session(server_->app(), name,
                                                zone == Zone::internet ? "internet" : "intranet");
  }
  HttpResult get(const std::string& who, const std::string& target, Zone zone = Zone::internet) {
    if (who.empty()) return server_->get(zone, target);
    return server_->get(zone, target, test::session_cookies(session(who, zone), kCsrf));
  }
  HttpResult post(const std::string& who, const std::string& target, const Fields& fields,
                  Zone zone = Zone::internet) {
    return test::post_form(*server_, zone, target, session(who, zone), kCsrf, fields);
  }

  static std::string day(int offset) {
    return core::format_iso_date(core::china_today() + std::chrono::days(offset));
  }

  Fields fields(const std::string& kind, const std::string& title, const std::string& body,
                const std::string& questions, int from = -1, int to = 10) {
    return {{"kind", kind},         {"organ", std::to_string(world_.organ_a.id)},
            {"title", title},       {"description", "请提出意见。"},
            {"body", body},         {"opens_on", day(from)},
            {"closes_on", day(to)}, {"questions", questions},
            {"version", "0"},       {"_action", "save"}};
  }

  // Creates and publishes as zheng.ji; the id.
  long long publish(const Fields& f) {
    auto made = post("zheng.ji", "/portal/consultations/new", f, Zone::intranet);
    EXPECT_EQ(made.status, 303) << made.body.substr(0, 3000);
    std::string loc = made.header("location");
    long long id = std::atoll(loc.substr(loc.rfind('/') + 1).c_str());
    auto c = server_->app().portal().consultations().get(id);
    EXPECT_TRUE(c && *c);
    auto done =
        post("zheng.ji", "/portal/consultations/" + std::to_string(id),
             {{"version", std::to_string((*c)->version)}, {"_action", "publish"}}, Zone::intranet);
    EXPECT_EQ(done.status, 303) << done.body.substr(0, 3000);
    return id;
  }

  // The period ended yesterday (time passes).
  void close(long long id) {
    ASSERT_TRUE(server_->app().database().transaction([&](soci::session& s) -> Result<void> {
      std::string from = day(-20), to = day(-1);
      s << "UPDATE portal_consultations SET opens_on = :f, closes_on = :t WHERE id = :i",
          soci::use(from), soci::use(to), soci::use(id);
      return {};
    }));
  }

  std::unique_ptr<TestServer> server_;
  test::ServiceWorld world_;
  std::map<std::string, std::string> sessions_;
};

TEST_F(ConsultationTest, ADraftIsCommentedModeratedAndItsAdoptionPublished) {
  auto bad =
      post("zheng.ji", "/portal/consultations/new",
           fields("consultation", kHostile, "<script>alert(1)</script>", "", 5, 1), Zone::intranet);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(contains(bad.body, "f-closes_on-error"));
  EXPECT_TRUE(contains(bad.body, "f-body-error")) << "a draft with nothing left is refused";
  EXPECT_FALSE(contains(bad.body, "<script>alert('x')"));
  EXPECT_TRUE(contains(bad.body, "&lt;script&gt;alert(")) << "typed, escaped";

  long long id = publish(fields("consultation", "关于夜间施工管理的规定（征求意见稿）",
                                "<p>第一条 夜间施工须经批准。</p><script>alert(1)</script>"
                                "<img src=x onerror=alert(2)>",
                                ""));
  std::string path = "/consultations/" + std::to_string(id);
  auto page = get("", path);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "第一条 夜间施工须经批准。"));
  EXPECT_FALSE(contains(page.body, "alert(1)"));
  EXPECT_FALSE(contains(page.body, "onerror"));
  EXPECT_TRUE(contains(page.body, "/signin?next=")) << "signed out: sign in to comment";
  EXPECT_TRUE(contains(get("", "/consultations").body, path));
  EXPECT_EQ(get("", "/consultations/999999").status, 404);

  // Comments: empty refused at its field; hostile text inert; pending until moderated.
  auto empty = post("li.ming", path + "/comments", {{"author", ""}, {"comment", " "}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(contains(empty.body, "f-comment-error"));
  ASSERT_EQ(post("li.ming", path + "/comments", {{"author", "老李"}, {"comment", kHostile}}).status,
            303);
  ASSERT_EQ(
      post("wang.fang", path + "/comments", {{"author", ""}, {"comment", "建议明确罚则。"}}).status,
      303);
  auto own = get("li.ming", path);
  EXPECT_TRUE(contains(own.body, "&lt;script&gt;alert")) << "the writer sees their own";
  EXPECT_TRUE(contains(own.body, "待审核"));
  EXPECT_FALSE(contains(own.body, "<script>alert('x')"));
  EXPECT_FALSE(contains(get("", path).body, "&lt;script&gt;alert"))
      << "not public before moderation";
  EXPECT_FALSE(contains(get("wang.fang", path).body, "老李"));

  auto& store = server_->app().portal().consultations();
  auto all = store.comments(id, false);
  ASSERT_TRUE(all && all->size() == 2u);
  std::string admin = "/portal/consultations/" + std::to_string(id);
  auto queue = get("zheng.ji", admin, Zone::intranet);
  EXPECT_TRUE(contains(queue.body, "建议明确罚则。"));
  EXPECT_EQ(post("zheng.ji", admin + "/comments/" + std::to_string((*all)[0].id),
                 {{"decision", "reject"}, {"reason", ""}}, Zone::intranet)
                .status,
            400)
      << "a rejection needs its reason";
  ASSERT_EQ(post("zheng.ji", admin + "/comments/" + std::to_string((*all)[0].id),
                 {{"decision", "reject"}, {"reason", "含有与主题无关的内容"}}, Zone::intranet)
                .status,
            303);
  ASSERT_EQ(post("zheng.ji", admin + "/comments/" + std::to_string((*all)[1].id),
                 {{"decision", "approve"}, {"reason", ""}}, Zone::intranet)
                .status,
            303);
  auto shown = get("", path);
  EXPECT_TRUE(contains(shown.body, "建议明确罚则。"));
  EXPECT_TRUE(contains(shown.body, "网民")) << "an unsigned comment";
  EXPECT_FALSE(contains(shown.body, "老李"));
  EXPECT_TRUE(contains(get("li.ming", path).body, "含有与主题无关的内容"))
      << "the writer learns why";

  // The summary of adoption waits for the end of the period.
  auto c = store.get(id);
  auto early = post("zheng.ji", admin,
                    {{"version", std::to_string((*c)->version)},
                     {"_action", "summarise"},
                     {"adopted", "1"},
                     {"summary", "采纳了关于罚则的建议。"}},
                    Zone::intranet);
  EXPECT_EQ(early.status, 400);
  EXPECT_TRUE(contains(early.body, "征集期结束后"));
  close(id);
  EXPECT_EQ(post("wang.fang", path + "/comments", {{"author", ""}, {"comment", "晚了"}}).status,
            400)
      << "closed";
  auto too_many = post("zheng.ji", admin,
                       {{"version", std::to_string((*c)->version)},
                        {"_action", "summarise"},
                        {"adopted", "5"},
                        {"summary", "采纳情况"}},
                       Zone::intranet);
  EXPECT_EQ(too_many.status, 400) << "at most the comments received";
  ASSERT_EQ(post("zheng.ji", admin,
                 {{"version", std::to_string((*c)->version)},
                  {"_action", "summarise"},
                  {"adopted", "1"},
                  {"summary", "采纳了关于罚则的建议，已在第十条中明确。"}},
                 Zone::intranet)
                .status,
            303);
  auto summarised = get("", path);
  EXPECT_TRUE(contains(summarised.body, "已在第十条中明确。"));
  EXPECT_TRUE(contains(summarised.body, "已公布采纳情况"));
}

TEST_F(ConsultationTest, ASurveyTakesOneAnswerPerAccountAndShowsItsResults) {
  auto bad = post("zheng.ji", "/portal/consultations/new",
                  fields("survey", "满意度调查", "", "您满意吗\n满意\n不满意\n\n只有题干的题\n"),
                  Zone::intranet);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(contains(bad.body, "第 5 行")) << bad.body.substr(0, 2000);
  long long id =
      publish(fields("survey", "政务服务满意度调查", "",
                     "您对网上办事的评价\n满意\n基本满意\n不满意\n\n[多选]希望改进的方面\n"
                     "材料精简\n办理时限\n" +
                         kHostile + "\n"));
  std::string path = "/consultations/" + std::to_string(id);
  auto form = get("li.ming", path);
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(contains(form.body, "type=\"radio\" id=\"f-q1-0\""));
  EXPECT_TRUE(contains(form.body, "type=\"checkbox\" id=\"f-q2-0\""));
  EXPECT_FALSE(contains(form.body, "<script>alert('x')"));
  EXPECT_FALSE(contains(form.body, "调查结果")) << "no results before answering";

  auto missing = post("li.ming", path + "/responses", {{"q1", "0"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(contains(missing.body, "请回答第 2 题"));
  EXPECT_TRUE(contains(missing.body, "id=\"f-q1-0\" name=\"q1\" value=\"0\" checked"))
      << "what was chosen is kept";
  EXPECT_EQ(post("li.ming", path + "/responses", {{"q1", "0"}, {"q1", "1"}, {"q2", "0"}}).status,
            400)
      << "one answer to a single choice";
  EXPECT_EQ(post("li.ming", path + "/responses", {{"q1", "7"}, {"q2", "0"}}).status, 400);
  ASSERT_EQ(post("li.ming", path + "/responses", {{"q1", "0"}, {"q2", "0"}, {"q2", "2"}}).status,
            303);
  EXPECT_EQ(post("li.ming", path + "/responses", {{"q1", "1"}, {"q2", "1"}}).status, 400)
      << "once per account";
  ASSERT_EQ(post("wang.fang", path + "/responses", {{"q1", "1"}, {"q2", "0"}}).status, 303);
  auto results = server_->app().portal().consultations().results(id);
  ASSERT_TRUE(results);
  EXPECT_EQ(results->responses, 2);
  EXPECT_EQ(results->counts[0], (std::vector<long long>{1, 1, 0}));
  EXPECT_EQ(results->counts[1], (std::vector<long long>{2, 0, 1}));
  auto mine = get("li.ming", path);
  EXPECT_TRUE(contains(mine.body, "调查结果"));
  EXPECT_TRUE(contains(mine.body, "<td>2</td><td>100%</td>"));
  EXPECT_FALSE(contains(get("", path).body, "调查结果")) << "the public sees them once closed";
  close(id);
  EXPECT_TRUE(contains(get("", path).body, "调查结果"));
  // A published survey no longer changes.
  auto c = server_->app().portal().consultations().get(id);
  auto locked = post("zheng.ji", "/portal/consultations/" + std::to_string(id),
                     fields("survey", "改标题", "", "问\n甲\n乙\n"), Zone::intranet);
  EXPECT_EQ(locked.status, 400);
  EXPECT_EQ((*server_->app().portal().consultations().get(id))->title, "政务服务满意度调查");
}

}  // namespace
