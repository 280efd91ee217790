// 互动交流 over HTTP: a citizen writes (signed in, or anonymously where the
// kind allows) and gets a query code; problems are named at their fields and
// what was typed is kept; the rate limit holds across requests without a
// CAPTCHA; the code shows the state (and nothing for a wrong code); the letter
// goes 分办 → 办理 → 审核 on the intranet task pages (审核 can send it back),
// the answer is published only with the writer's consent and found by the
// site search; the writer rates it within the window; unanswered letters are
// escalated once however many followers run, and the site health lists them.
// Hostile text is inert wherever it shows.
#include <atomic>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/demo_city.hpp"
#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "portal/letter_process.hpp"
#include "portal/permissions.hpp"
#include "portal/site_health.hpp"
#include "tests/integration/service_world.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

const std::string kCsrf(64, 'e');
using Fields = std::vector<std::pair<std::string, std::string>>;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class LetterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    auto& app = server_->app();
    auto sec = test::by_account("secadmin");
    ASSERT_TRUE(app.accounts().create_administrators(test::by_account("test")));
    ASSERT_TRUE(app::load_demo_organs(app.organs(), test::by_account("test")));
    auto top = app.organs().children(std::nullopt);
    top_ = top->front();
    auto subs = app.organs().children(top_.id);
    organ_a_ = (*subs)[0];
    organ_b_ = (*subs)[1];
    std::ifstream in(test::source_dir() / "data/portal/columns.json");
    std::stringstream json;
    json << in.rdbuf();
    ASSERT_TRUE(app.portal().columns().load_tree(nlohmann::json::parse(json.str()), sec));
    const auto& rules = app.portal().letters().rules();
    auto role = [&](const std::string& name) {
      auto r = app.roles().create_role({name, "", {portal::perm::kLetterRead}}, sec);
      EXPECT_TRUE(r) << r.error().key;
      return r->id;
    };
    long long triage = role(rules.triage_role), handle = role(rules.handle_role),
              review = role(rules.review_role);
    role(rules.supervise_role);
    long long a = organ_a_.id, b = organ_b_.id;
    ASSERT_TRUE(app.roles().grant(world_.staff(*server_, "xin.box", "信箱甲", top_.id), triage,
                                  top_.id, false, sec));
    ASSERT_TRUE(
        app.roles().grant(world_.staff(*server_, "ban.a", "办理甲", a), handle, a, false, sec));
    ASSERT_TRUE(
        app.roles().grant(world_.staff(*server_, "shen.a", "审核甲", a), review, a, false, sec));
    ASSERT_TRUE(
        app.roles().grant(world_.staff(*server_, "ban.b", "办理乙", b), handle, b, false, sec));
    auto r = app.accounts().register_public(identity::AccountKind::enterprise,
                                            {.name = "acme",
                                             .password = "Enterprise-13800138001",
                                             .password_confirm = "Enterprise-13800138001",
                                             .email = "acme@example.cn",
                                             .phone = "13800138001",
                                             .address = "示范市中山路2号",
                                             .enterprise_name = "示范科技有限公司",
                                             .credit_code = "91350100M000100Y43",
                                             .legal_representative = "钱七"},
                                            app.password_policy(), test::by_account("-"));
    ASSERT_TRUE(r) << r.error().key << " " << r.error().field;
    app.authorizer().clear_cache();
  }

  std::string session(const std::string& name, const std::string& zone = "intranet") {
    std::string key = name + "@" + zone;
    auto it = sessions_.find(key);
    if (it != sessions_.end()) return it->second;
    return sessions_[key] = test::start_session(server_->app(), name, zone);
  }
  HttpResult get(const std::string& who, const std::string& target) {
    return server_->get(Zone::intranet, target, test::session_cookies(session(who), kCsrf));
  }
  HttpResult pub(const std::string& target) { return server_->get(Zone::internet, target); }
  HttpResult post_pub(const std::string& target, const Fields& f, const std::string& who = "") {
    return test::post_form(*server_, Zone::internet, target,
                           who.empty() ? "" : session(who, "internet"), kCsrf, f);
  }
  HttpResult post_in(const std::string& who, const std::string& target, const Fields& f) {
    return test::post_form(*server_, Zone::intranet, target, session(who), kCsrf, f);
  }

  // Forgets the rate limit (tests write many letters from one address).
  void forget_limits() {
    *server_->app().database().acquire() << "DELETE FROM portal_letter_limits";
  }

  static Fields letter(const std::string& kind, const std::string& title, const std::string& body,
                       bool consent = true) {
    return {{"letter_kind", kind},
            {"letter_title", title},
            {"letter_body", body},
            {"writer_name", "王小明"},
            {"writer_phone", "13912345678"},
            {"writer_email", "wang@example.cn"},
            {"letter_organ", ""},
            {"consent", consent ? "1" : ""}};
  }

  static std::string code_of(const HttpResult& r) {
    std::smatch m;
    static const std::regex re("id=\"query-code\">([0-9A-Z-]+)<");
    return std::regex_search(r.body, m, re) ? m[1].str() : std::string();
  }

  // Writes a letter anonymously; its query code and id.
  std::pair<std::string, long long> write(const Fields& f, const std::string& who = "") {
    forget_limits();
    auto r = post_pub("/letters/write", f, who);
    EXPECT_EQ(r.status, 200) << r.body.substr(0, 3000);
    std::string code = code_of(r);
    auto l = server_->app().portal().letters().by_code(code);
    EXPECT_TRUE(l && *l);
    return {code, l && *l ? (**l).id : 0};
  }

  portal::Letter letter_row(long long id) {
    return *server_->app().portal().letters().get(id).value();
  }

  // The open task of the letter's process, claimed by `who` and completed
  // through its task page with the fields.
  HttpResult act(long long id, const std::string& who, Fields fields) {
    auto& app = server_->app();
    auto tasks = app.workflow().open_tasks(letter_row(id).instance_id);
    EXPECT_TRUE(tasks && tasks->size() == 1u);
    if (!tasks || tasks->empty()) return {};
    std::string href = "/workflow/tasks/" + std::to_string(tasks->front().id);
    auto claimed = post_in(who, href + "/claim", {});
    EXPECT_EQ(claimed.status, 303) << claimed.body.substr(0, 2000);
    return post_in(who, href + "/complete", fields);
  }

  void answer_through(long long id, const std::string& answer, bool publish = true) {
    auto t =
        act(id, "xin.box", {{"outcome", "受理"}, {"letter_organ", std::to_string(organ_a_.id)}});
    ASSERT_EQ(t.status, 303) << t.body.substr(0, 3000);
    auto h = act(id, "ban.a", {{"outcome", "提交审核"}, {"letter_answer", answer}});
    ASSERT_EQ(h.status, 303) << h.body.substr(0, 3000);
    auto r = act(id, "shen.a", {{"outcome", "同意答复"}, {"publish", publish ? "1" : ""}});
    ASSERT_EQ(r.status, 303) << r.body.substr(0, 3000);
  }

  search::SearchResults search(const std::string& text) {
    auto& app = server_->app();
    auto index = app.search_index();
    EXPECT_TRUE(index);
    EXPECT_TRUE((*index)->catch_up(app.database()));
    auto r = (*index)->search({.text = text});
    return r ? *r : search::SearchResults{};
  }

  std::unique_ptr<TestServer> server_;
  test::ServiceWorld world_;
  identity::Organ top_, organ_a_, organ_b_;
  std::map<std::string, std::string> sessions_;
};

TEST_F(LetterTest, ACitizenWritesSignedInOrAnonymouslyWhereAllowed) {
  auto form = pub("/letters/write?kind=consult");
  EXPECT_EQ(form.status, 200);
  EXPECT_TRUE(contains(form.body, "name=\"_csrf\""));
  auto [code, id] =
      write(letter("consult", "营业执照办理需要哪些材料", "请问个体户营业执照\n需要哪些材料？"));
  EXPECT_EQ(code.size(), 19u) << "16 characters of base32 in four groups";
  auto l = letter_row(id);
  EXPECT_EQ(l.state, portal::LetterState::received);
  EXPECT_TRUE(l.account.empty());
  EXPECT_EQ(l.body, "请问个体户营业执照\n需要哪些材料？");
  EXPECT_FALSE(l.due_on.empty());
  auto tasks = server_->app().workflow().open_tasks(l.instance_id);
  ASSERT_TRUE(tasks);
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ(tasks->front().name, "分办");
  EXPECT_FALSE(tasks->front().due_at.empty()) << "the due date comes from the configuration";

  // 领导信箱 needs a signed-in writer.
  forget_limits();
  auto anonymous = post_pub("/letters/write", letter("mayor", "建议", "内容"));
  EXPECT_EQ(anonymous.status, 400);
  EXPECT_TRUE(contains(anonymous.body, "f-letter_kind-error"));
  EXPECT_TRUE(contains(pub("/letters/write?kind=mayor").body, "/signin?next="));
  auto signed_in = write(letter("mayor", "关于增设公交线路的建议", "建议增设公交线路。"), "acme");
  auto mine = letter_row(signed_in.second);
  EXPECT_EQ(mine.account, "acme");
  EXPECT_EQ(mine.writer, "示范科技有限公司") << "the name is the account's, whatever was typed";
  std::string stored;
  ASSERT_TRUE(server_->app().database().transaction([&](soci::session& s) -> Result<void> {
    s << "SELECT data FROM portal_letters WHERE id = " << signed_in.second, soci::into(stored);
    return {};
  }));
  EXPECT_FALSE(contains(stored, "示范科技有限公司"))
      << "the writer's name is sealed in the database";
}

TEST_F(LetterTest, ProblemsAreNamedAtTheirFieldsAndWhatWasTypedIsKept) {
  std::string long_body;
  for (int i = 0; i < 5001; ++i) long_body += "长";
  auto r = post_pub("/letters/write", {{"letter_kind", "nosuch"},
                                       {"letter_title", ""},
                                       {"letter_body", long_body},
                                       {"writer_name", "<b>王</b>"},
                                       {"writer_phone", "12345"},
                                       {"writer_email", "不是邮箱"}});
  EXPECT_EQ(r.status, 400);
  for (const char* field : {"f-letter_kind-error", "f-letter_title-error", "f-letter_body-error",
                            "f-writer_phone-error", "f-writer_email-error"})
    EXPECT_TRUE(contains(r.body, field)) << field;
  EXPECT_TRUE(contains(r.body, "信件标题")) << "the message names the field";
  EXPECT_TRUE(contains(r.body, "&lt;b&gt;王&lt;/b&gt;")) << "typed text is kept, escaped";
  EXPECT_TRUE(contains(r.body, "长长长长"));
  auto en = post_pub("/letters/write?lang=en", {{"letter_kind", "consult"}, {"letter_title", ""}});
  EXPECT_TRUE(contains(en.body, "Subject")) << "English names the field too";
  auto list = server_->app().portal().letters().list({});
  EXPECT_EQ(list->total, 0) << "nothing was stored";
  // The CSRF token is required.
  auto forged = server_->request(
      Zone::internet, "POST", "/letters/write", "letter_kind=consult",
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", "yw_csrf=" + kCsrf}});
  EXPECT_EQ(forged.status, 403);
}

TEST_F(LetterTest, TheRateLimitHoldsAcrossRequestsAndKeepsWhatWasTyped) {
  forget_limits();
  int per_hour = server_->app().portal().letters().rules().per_address_per_hour;
  for (int i = 0; i < per_hour; ++i)
    EXPECT_EQ(
        post_pub("/letters/write", letter("consult", "咨询" + std::to_string(i), "内容")).status,
        200);
  auto limited = post_pub("/letters/write", letter("consult", "第四封咨询", "被限制的正文"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_TRUE(contains(limited.body, "每小时最多"));
  EXPECT_TRUE(contains(limited.body, "被限制的正文")) << "what was typed is kept";
  EXPECT_EQ(server_->app().portal().letters().list({})->total, per_hour);
}

TEST_F(LetterTest, TheQueryCodeShowsTheStateAndAWrongCodeNothing) {
  auto [code, id] = write(letter("consult", "社保转移", "社保如何转移？"));
  auto r = post_pub("/letters/query", {{"query_code", code}});
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r.body, "待审查"));
  EXPECT_TRUE(contains(r.body, "社保如何转移"));
  std::string lower;
  for (char c : code) lower += c == '-' ? ' ' : static_cast<char>(std::tolower(c));
  EXPECT_EQ(post_pub("/letters/query", {{"query_code", lower}}).status, 200)
      << "case, spaces and hyphens do not matter";
  auto wrong = post_pub("/letters/query", {{"query_code", "0000-0000-0000-0000"}});
  EXPECT_EQ(wrong.status, 404);
  EXPECT_TRUE(contains(wrong.body, "f-query_code-error"));
  EXPECT_FALSE(contains(wrong.body, "社保"));
  auto hostile = post_pub("/letters/query", {{"query_code", "' OR 1=1 --<script>"}});
  EXPECT_EQ(hostile.status, 404);
  EXPECT_EQ(wrong.body.size() - std::string("0000-0000-0000-0000").size(),
            hostile.body.size() - std::string("&apos; OR 1=1 --&lt;script&gt;").size())
      << "every unknown code gets the same page";
  EXPECT_EQ(post_pub("/letters/query", {{"query_code", ""}}).status, 400);
}

TEST_F(LetterTest, ALetterIsRoutedAnsweredPublishedFoundAndRated) {
  auto [code, id] = write(letter("consult", "公积金提取条件", "租房可以提取公积金吗？"));
  // 分办 without an organ: the error names the field; nothing moves.
  auto bad = act(id, "xin.box", {{"outcome", "受理"}, {"letter_organ", ""}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(contains(bad.body, "承办单位")) << bad.body.substr(0, 3000);
  auto t = post_in(
      "xin.box",
      "/workflow/tasks/" +
          std::to_string(
              server_->app().workflow().open_tasks(letter_row(id).instance_id)->front().id) +
          "/complete",
      {{"outcome", "受理"}, {"letter_organ", std::to_string(organ_a_.id)}});
  ASSERT_EQ(t.status, 303) << t.body.substr(0, 3000);
  EXPECT_EQ(letter_row(id).state, portal::LetterState::assigned);
  EXPECT_TRUE(contains(post_pub("/letters/query", {{"query_code", code}}).body, "待处理"));
  // The other organ's handler does not see it; organ A's does.
  EXPECT_FALSE(contains(get("ban.b", "/portal/letters").body, "公积金提取条件"));
  EXPECT_EQ(get("ban.b", "/portal/letters/" + std::to_string(id)).status, 404);
  EXPECT_TRUE(contains(get("ban.a", "/portal/letters").body, "公积金提取条件"));

  auto h = act(id, "ban.a", {{"outcome", "提交审核"}, {"letter_answer", "初稿：可以提取。"}});
  ASSERT_EQ(h.status, 303) << h.body.substr(0, 3000);
  // 审核 sends it back; 办理 sees the note and its draft.
  auto back = act(id, "shen.a", {{"outcome", "退回修改"}, {"opinion", "请写明提取材料"}});
  ASSERT_EQ(back.status, 303) << back.body.substr(0, 3000);
  auto tasks = server_->app().workflow().open_tasks(letter_row(id).instance_id);
  ASSERT_EQ(tasks->front().name, "办理");
  auto page = get("ban.a", "/workflow/tasks/" + std::to_string(tasks->front().id));
  EXPECT_TRUE(contains(page.body, "请写明提取材料"));
  EXPECT_TRUE(contains(page.body, "初稿：可以提取。"));
  auto empty = act(id, "ban.a", {{"outcome", "提交审核"}, {"letter_answer", ""}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(contains(empty.body, "答复内容"));
  auto h2 = post_in(
      "ban.a", "/workflow/tasks/" + std::to_string(tasks->front().id) + "/complete",
      {{"outcome", "提交审核"}, {"letter_answer", "租房可以提取公积金。\n请携带租房合同。"}});
  ASSERT_EQ(h2.status, 303) << h2.body.substr(0, 3000);
  auto ok = act(id, "shen.a", {{"outcome", "同意答复"}, {"publish", "1"}});
  ASSERT_EQ(ok.status, 303) << ok.body.substr(0, 3000);
  auto l = letter_row(id);
  EXPECT_EQ(l.state, portal::LetterState::answered);
  EXPECT_TRUE(l.published);
  EXPECT_EQ(l.answer_organ, organ_a_.name);

  auto shown = post_pub("/letters/query", {{"query_code", code}});
  EXPECT_TRUE(contains(shown.body, "已处理"));
  EXPECT_TRUE(contains(shown.body, "请携带租房合同。"));
  EXPECT_TRUE(contains(shown.body, "name=\"rating\""));
  std::string path = "/letters/" + std::to_string(id);
  EXPECT_EQ(pub(path).status, 200);
  EXPECT_TRUE(contains(pub("/letters?kind=consult").body, path));
  auto found = search("公积金");
  ASSERT_FALSE(found.hits.empty());
  EXPECT_EQ(found.hits.front().url, path);
  EXPECT_EQ(found.hits.front().kind, "answer");
  auto api = nlohmann::json::parse(pub("/api/v1/letters/" + std::to_string(id)).body);
  EXPECT_EQ(api["answer"], "租房可以提取公积金。\n请携带租房合同。");
  EXPECT_FALSE(api.contains("writer")) << "no personal data in public";
  EXPECT_FALSE(contains(pub(path).body, "13912345678"));

  // Rating: a wrong value is named; then once.
  auto bad_rating = post_pub("/letters/rate", {{"query_code", code}, {"rating", "great"}});
  EXPECT_EQ(bad_rating.status, 400);
  EXPECT_TRUE(contains(bad_rating.body, "f-rating-error"));
  auto rated = post_pub("/letters/rate",
                        {{"query_code", code}, {"rating", "basic"}, {"rating_comment", "还行"}});
  EXPECT_EQ(rated.status, 200);
  EXPECT_TRUE(contains(rated.body, "感谢您的评价"));
  EXPECT_EQ(letter_row(id).rating, "basic");
  EXPECT_EQ(letter_row(id).state, portal::LetterState::closed);
  EXPECT_EQ(post_pub("/letters/rate", {{"query_code", code}, {"rating", "satisfied"}}).status, 400);

  // The audit trail holds each step.
  auto records = server_->app().audit_log().find({.limit = 1000});
  std::set<std::string> events;
  for (const auto& r : *records)
    if (r.event.object == "letter:" + std::to_string(id)) events.insert(r.event.event);
  for (const char* e : {"portal.letter.write", "portal.letter.assign", "portal.letter.answer",
                        "portal.letter.rate"})
    EXPECT_TRUE(events.contains(e)) << e;
}

TEST_F(LetterTest, WithoutConsentTheAnswerIsNotPublishedAndARejectionSaysWhy) {
  auto [code, id] = write(letter("consult", "私人咨询", "不希望公开的内容", false));
  answer_through(id, "答复内容");
  auto l = letter_row(id);
  EXPECT_EQ(l.state, portal::LetterState::answered);
  EXPECT_FALSE(l.published);
  EXPECT_EQ(pub("/letters/" + std::to_string(id)).status, 404);
  EXPECT_TRUE(search("不希望公开").hits.empty());
  EXPECT_TRUE(contains(post_pub("/letters/query", {{"query_code", code}}).body, "答复内容"));

  auto [code2, id2] = write(letter("consult", "无关内容", "广告"));
  auto missing = act(id2, "xin.box", {{"outcome", "不予受理"}, {"reject_reason", ""}});
  EXPECT_EQ(missing.status, 400);
  auto tasks = server_->app().workflow().open_tasks(letter_row(id2).instance_id);
  auto r = post_in("xin.box", "/workflow/tasks/" + std::to_string(tasks->front().id) + "/complete",
                   {{"outcome", "不予受理"}, {"reject_reason", "来信内容为广告，不属于政府职责"}});
  ASSERT_EQ(r.status, 303) << r.body.substr(0, 2000);
  EXPECT_EQ(letter_row(id2).state, portal::LetterState::rejected);
  auto q = post_pub("/letters/query", {{"query_code", code2}});
  EXPECT_TRUE(contains(q.body, "不予受理"));
  EXPECT_TRUE(contains(q.body, "不属于政府职责"));
}

TEST_F(LetterTest, HostileTextIsInertOnEveryPage) {
  const std::string title = "<script>alert('t')</script>ＡＢＣ全角";
  const std::string body = "<img src=x onerror=alert(1)>\n'; DROP TABLE portal_letters;--";
  auto [code, id] = write(letter("consult", title, body));
  answer_through(id, "<b onmouseover=alert(2)>答复</b>");
  auto check = [&](const std::string& where, const HttpResult& r) {
    EXPECT_FALSE(contains(r.body, "<script>alert('t')")) << where;
    EXPECT_FALSE(contains(r.body, "<img src=x")) << where;
    EXPECT_FALSE(contains(r.body, "<b onmouseover")) << where;
  };
  std::string path = "/letters/" + std::to_string(id);
  auto page = pub(path);
  EXPECT_TRUE(contains(page.body, "&lt;script&gt;")) << "shown as text";
  EXPECT_TRUE(contains(page.body, "ＡＢＣ全角"));
  EXPECT_TRUE(contains(page.body, "DROP TABLE portal_letters"));
  check("page", page);
  check("list", pub("/letters"));
  check("query", post_pub("/letters/query", {{"query_code", code}}));
  check("desk list", get("xin.box", "/portal/letters"));
  check("desk letter", get("xin.box", "/portal/letters/" + std::to_string(id)));
  check("search", pub("/search?q=DROP"));
  EXPECT_EQ(server_->app().portal().letters().list({})->total, 1) << "the table is still there";
}

TEST_F(LetterTest, UnansweredLettersAreEscalatedOnceAndListedInTheSiteHealth) {
  auto& app = server_->app();
  auto [code, id] = write(letter("consult", "超期的咨询", "一直没人答复"));
  // Received four months ago and due long since.
  auto today = core::china_today();
  std::string received = core::format_iso_date(today - std::chrono::days(120)) + "T02:00:00Z";
  std::string due = core::format_iso_date(today - std::chrono::days(100));
  *app.database().acquire()
      << "UPDATE portal_letters SET received_at = :r, due_on = :d WHERE id = :i",
      soci::use(received), soci::use(due), soci::use(id);
  std::atomic<int> escalated{0};
  std::vector<std::thread> followers;
  for (int i = 0; i < 2; ++i)
    followers.emplace_back([&] {
      auto r = app.portal().letters().escalate_due(today);
      EXPECT_TRUE(r);
      if (r) escalated += static_cast<int>(r->size());
    });
  for (auto& t : followers) t.join();
  auto again = app.portal().letters().escalate_due(today);
  EXPECT_TRUE(again && again->empty()) << "nothing more today";
  auto l = letter_row(id);
  EXPECT_EQ(l.escalations.size(), 1u);
  EXPECT_LE(escalated.load(), 1) << "the server's own follower may have been first";
  auto records = app.audit_log().find({.event = "portal.letter.escalate", .limit = 100});
  ASSERT_TRUE(records);
  EXPECT_EQ(records->size(), 1u);
  EXPECT_TRUE(contains(get("xin.box", "/portal/letters?escalated=1").body, "超期的咨询"));

  auto health = portal::check_site(app.portal(), app.calendar(), today, std::nullopt);
  ASSERT_TRUE(health);
  ASSERT_EQ(health->letters.size(), 1u);
  EXPECT_TRUE(health->letters[0].veto) << "a consultation unanswered over 3 months";
  EXPECT_GT(health->letters[0].days_over, 0);
}

TEST_F(LetterTest, NoRatingWithinTheWindowCountsAsSatisfied) {
  auto& app = server_->app();
  auto [code, id] = write(letter("consult", "评价期限", "内容"));
  answer_through(id, "答复");
  std::string long_ago = "2020-01-02T02:00:00Z";
  *app.database().acquire() << "UPDATE portal_letters SET answered_at = :a WHERE id = :i",
      soci::use(long_ago), soci::use(id);
  auto late = post_pub("/letters/rate", {{"query_code", code}, {"rating", "dissatisfied"}});
  EXPECT_EQ(late.status, 400);
  EXPECT_TRUE(contains(late.body, "评价期限已过"));
  // This test or the server's follower closes it; either way once.
  EXPECT_TRUE(app.portal().letters().close_unrated(core::china_today()));
  auto l = letter_row(id);
  EXPECT_EQ(l.state, portal::LetterState::closed);
  EXPECT_EQ(l.rating, "satisfied");
  EXPECT_TRUE(l.rating_default);
}

}  // namespace
