// The portal over HTTP: the demo columns; an editor of organ A writes an
// article (hostile markup in the body is cleaned, hostile text elsewhere is
// escaped, a form with problems keeps what was typed and names each field),
// submits it, and 初审 → 复审 → 终审 publish it — then it is on the column
// page, in the column's RSS and Atom feeds, in the sitemap and in the site
// search (HTML and JSON). A reviewer's 退回修改 brings it back with the note;
// a new version waits for review while the published one stays on the site,
// and the versions page shows what changed; withdrawing takes it off
// everywhere and its page says why (410). Another organ's editor cannot
// reach it; the import takes an old site's articles once, reporting bad lines
// by number; a document number finds its document however its brackets are
// typed.
#include <atomic>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/demo_city.hpp"
#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "portal/article_import.hpp"
#include "portal/article_review.hpp"
#include "portal/permissions.hpp"
#include "portal/site_health.hpp"
#include "tests/integration/service_world.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/permissions.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::test::FormPart;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

const std::string kCsrf(64, 'f');

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

using Fields = std::vector<std::pair<std::string, std::string>>;

class PortalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    auto& app = server_->app();
    auto sec = test::by_account("secadmin");
    ASSERT_TRUE(app.accounts().create_administrators(test::by_account("test")));
    ASSERT_TRUE(app::load_demo_organs(app.organs(), test::by_account("test")));
    auto top = app.organs().children(std::nullopt);
    auto subs = app.organs().children(top->front().id);
    organ_a_ = (*subs)[0];
    organ_b_ = (*subs)[1];
    std::ifstream in(test::source_dir() / "data/portal/columns.json");
    std::stringstream json;
    json << in.rdbuf();
    ASSERT_TRUE(app.portal().columns().load_tree(nlohmann::json::parse(json.str()), sec));
    auto editor = app.roles().create_role({"网站编辑", "", {portal::perm::kArticleEdit}}, sec);
    auto withdraw = app.roles().create_role(
        {"网站管理员", "", {portal::perm::kArticleWithdraw, portal::perm::kSiteHealth}}, sec);
    ASSERT_TRUE(editor && withdraw);
    long long a = organ_a_.id, b = organ_b_.id;
    ASSERT_TRUE(app.roles().grant(world_.staff(*server_, "bian.a", "编辑甲", a), editor->id, a,
                                  false, sec));
    ASSERT_TRUE(app.roles().grant(world_.staff(*server_, "bian.b", "编辑乙", b), editor->id, b,
                                  false, sec));
    long long guan = world_.staff(*server_, "guan.a", "管理甲", a);
    ASSERT_TRUE(app.roles().grant(guan, withdraw->id, a, false, sec));
    for (auto [role, account] : {std::pair{portal::kFirstReviewRole, "chu.a"},
                                 std::pair{portal::kSecondReviewRole, "fu.a"},
                                 std::pair{portal::kFinalReviewRole, "zhong.a"}}) {
      auto r =
          app.roles().create_role({std::string(role), "", {workflow::perm::kInstanceStart}}, sec);
      ASSERT_TRUE(r) << r.error().key;
      ASSERT_TRUE(
          app.roles().grant(world_.staff(*server_, account, account, a), r->id, a, false, sec));
    }
    app.authorizer().clear_cache();
  }

  std::string session(const std::string& name) {
    auto it = sessions_.find(name);
    if (it != sessions_.end()) return it->second;
    return sessions_[name] = test::start_session(server_->app(), name, "intranet");
  }

  HttpResult get(const std::string& who, const std::string& target) {
    return server_->get(Zone::intranet, target, test::session_cookies(session(who), kCsrf));
  }
  HttpResult pub(const std::string& target) { return server_->get(Zone::internet, target); }

  // The public page once it satisfies `ok` (pages are dropped from the cache
  // within a second of a change); the last answer otherwise.
  HttpResult eventually(const std::string& target,
                        const std::function<bool(const HttpResult&)>& ok) {
    HttpResult r;
    for (int i = 0; i < 100; ++i) {
      r = pub(target);
      if (ok(r)) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return r;
  }

  Fields article_fields(const std::string& title, const std::string& body,
                        const std::string& column = "headlines") {
    auto c = server_->app().portal().columns().by_slug(column);
    return {{"column", std::to_string(c->id)},
            {"organ", std::to_string(organ_a_.id)},
            {"title", title},
            {"subtitle", ""},
            {"source", "市政府办公室"},
            {"author", ""},
            {"doc_number", ""},
            {"written_on", "2026-11-20"},
            {"formed_on", ""},
            {"body", body},
            {"keywords", "营商环境，一网通办"},
            {"disclosure", "none"},
            {"category", ""},
            {"disclosure_reason", ""},
            {"policy", ""},
            {"scheduled_at", ""}};
  }

  HttpResult post(const std::string& who, const std::string& target, const Fields& fields,
                  const std::string& action = "save") {
    std::vector<FormPart> parts;
    for (const auto& [n, v] : fields) parts.push_back({n, v});
    parts.push_back({"_action", action});
    return test::post_multipart(*server_, Zone::intranet, target, session(who), kCsrf, parts);
  }

  long long created_id(const HttpResult& r) {
    std::string loc = r.header("location");
    auto slash = loc.rfind('/');
    return slash == std::string::npos ? 0 : std::atoll(loc.c_str() + slash + 1);
  }

  // The open review task of the article's instance for `who`, completed.
  void review(long long article, const std::string& who, const std::string& outcome,
              const std::string& opinion = "") {
    auto& app = server_->app();
    auto a = app.portal().articles().get(article);
    ASSERT_TRUE(a && *a);
    auto tasks = app.workflow().open_tasks((*a)->review_instance);
    ASSERT_TRUE(tasks);
    ASSERT_EQ(tasks->size(), 1u);
    auto actor = test::workflow_actor(who);
    auto claimed = app.workflow().claim(tasks->front().id, actor);
    ASSERT_TRUE(claimed) << claimed.error().key;
    auto done =
        app.workflow().complete(tasks->front().id, {.outcome = outcome, .opinion = opinion}, actor);
    ASSERT_TRUE(done) << done.error().key;
  }

  void approve_all(long long article) {
    review(article, "chu.a", "通过");
    review(article, "fu.a", "通过");
    review(article, "zhong.a", "发布");
  }

  search::SearchResults search(const std::string& text) {
    auto& app = server_->app();
    auto index = app.search_index();
    EXPECT_TRUE(index);
    EXPECT_TRUE((*index)->catch_up(app.database()));
    auto r = (*index)->search({.text = text});
    EXPECT_TRUE(r) << (r ? "" : r.error().key);
    return r ? *r : search::SearchResults{};
  }

  std::unique_ptr<TestServer> server_;
  test::ServiceWorld world_;
  identity::Organ organ_a_, organ_b_;
  std::map<std::string, std::string> sessions_;
};

TEST_F(PortalTest, ColumnsOfTheDemoTreeAreServed) {
  auto home = pub("/");
  EXPECT_EQ(home.status, 200);
  EXPECT_TRUE(contains(home.body, "href=\"/columns/headlines\"")) << "home lists 要闻";
  auto news = pub("/columns/news");
  EXPECT_EQ(news.status, 200);
  EXPECT_TRUE(contains(news.body, "要闻") && contains(news.body, "通知公告"));
  EXPECT_EQ(pub("/columns/headlines").status, 200);
  auto link = pub("/columns/services");
  EXPECT_EQ(link.status, 302);
  EXPECT_EQ(link.header("location"), "/services");
  EXPECT_EQ(pub("/columns/no-such").status, 404);
  EXPECT_EQ(pub("/articles/999999").status, 404);
  auto robots = pub("/robots.txt");
  EXPECT_TRUE(contains(robots.body, "Sitemap:") && contains(robots.body, "/sitemap.xml"));
  auto columns = nlohmann::json::parse(pub("/api/v1/columns").body);
  EXPECT_GE(columns["columns"].size(), 12u);
}

TEST_F(PortalTest, AnArticleIsReviewedThreeTimesThenPublishedEverywhere) {
  const std::string body =
      "<p>全市推行“一网通办”。</p><script>alert(1)</script>"
      "<p><img src=x onerror=alert(2)>第二段<a href=\"javascript:alert(3)\">链接</a></p>";
  auto created =
      post("bian.a", "/portal/articles/new", article_fields("优化营商环境新闻发布会召开", body));
  ASSERT_EQ(created.status, 303) << created.body.substr(0, 2000);
  long long id = created_id(created);
  ASSERT_GT(id, 0);
  auto stored = server_->app().portal().articles().get(id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_FALSE(contains((*stored)->body_html, "script"));
  EXPECT_FALSE(contains((*stored)->body_html, "onerror"));
  EXPECT_FALSE(contains((*stored)->body_html, "javascript"));
  EXPECT_TRUE(contains((*stored)->body_html, "第二段"));
  EXPECT_EQ(pub("/articles/" + std::to_string(id)).status, 404) << "a draft is not public";
  // Cached now, without the article: each must be dropped on publication.
  for (const char* cached : {"/columns/headlines", "/api/v1/columns/headlines/articles",
                             "/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83"})
    EXPECT_EQ(pub(cached).status, 200) << cached;

  auto submitted =
      post("bian.a", "/portal/articles/" + std::to_string(id) + "/submit", {{"version", "1"}});
  ASSERT_EQ(submitted.status, 303) << submitted.body.substr(0, 2000);
  EXPECT_EQ(server_->app().portal().articles().get(id).value()->state,
            portal::ArticleState::review);
  approve_all(id);
  auto published = server_->app().portal().articles().get(id);
  EXPECT_EQ((*published)->state, portal::ArticleState::published);

  std::string path = "/articles/" + std::to_string(id);
  auto page = pub(path);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "优化营商环境新闻发布会召开"));
  EXPECT_TRUE(contains(page.body, "<meta name=\"description\""));
  EXPECT_FALSE(contains(page.body, "alert(1)"));
  auto column =
      eventually("/columns/headlines", [&](const HttpResult& r) { return contains(r.body, path); });
  EXPECT_TRUE(contains(column.body, path)) << "the column page was invalidated";
  EXPECT_TRUE(contains(
      eventually("/", [&](const HttpResult& r) { return contains(r.body, path); }).body, path));
  EXPECT_TRUE(contains(eventually("/api/v1/columns/headlines/articles",
                                  [&](const HttpResult& r) { return contains(r.body, path); })
                           .body,
                       path))
      << "the column's JSON was invalidated";
  auto rss = pub("/columns/headlines/rss.xml");
  EXPECT_TRUE(contains(rss.header("content-type"), "application/rss+xml"));
  EXPECT_TRUE(contains(rss.body, "<title>优化营商环境新闻发布会召开</title>"));
  EXPECT_TRUE(contains(pub("/columns/headlines/atom.xml").body, "<entry><title>优化营商环境"));
  EXPECT_EQ(pub("/columns/news/rss.xml").status, 404) << "a group has no feed of its own";
  auto sitemap =
      eventually("/sitemap.xml", [&](const HttpResult& r) { return contains(r.body, path); });
  EXPECT_TRUE(contains(sitemap.body, path + "</loc>"));

  // The server's indexer applies the publication and drops the cached search
  // page it made stale (cached above, before the article was there).
  auto html = eventually("/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83",
                         [&](const HttpResult& r) { return contains(r.body, path); });
  EXPECT_TRUE(contains(html.body, path)) << "the cached search page was dropped";
  EXPECT_TRUE(contains(html.body, "<mark>")) << "snippets highlight the words";
  auto found = search("营商环境");
  ASSERT_FALSE(found.hits.empty());
  EXPECT_EQ(found.hits.front().url, path);
  auto api =
      nlohmann::json::parse(pub("/api/v1/search?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83").body);
  ASSERT_FALSE(api["hits"].empty());
  EXPECT_EQ(api["hits"][0]["url"], path);

  // The audit trail holds each step.
  auto records = server_->app().audit_log().find({.limit = 1000});
  ASSERT_TRUE(records);
  std::set<std::string> events;
  for (const auto& r : *records)
    if (r.event.object == "article:" + std::to_string(id)) events.insert(r.event.event);
  for (const char* e : {"portal.article.create", "portal.article.submit", "portal.article.publish"})
    EXPECT_TRUE(events.contains(e)) << e;
}

TEST_F(PortalTest, SendBackEditAgainAndTheVersionsShowWhatChanged) {
  auto created = post("bian.a", "/portal/articles/new",
                      article_fields("第一版标题", "<p>第一段。</p><p>第二段。</p>"), "submit");
  ASSERT_EQ(created.status, 303);
  long long id = created_id(created);
  review(id, "chu.a", "通过");
  review(id, "fu.a", "退回修改", "第二段表述不准确");
  auto a = server_->app().portal().articles().get(id);
  EXPECT_EQ((*a)->state, portal::ArticleState::draft);
  EXPECT_EQ((*a)->review_note, "第二段表述不准确");
  auto page = get("bian.a", "/portal/articles/" + std::to_string(id));
  EXPECT_TRUE(contains(page.body, "第二段表述不准确"));

  auto saved = post(
      "bian.a", "/portal/articles/" + std::to_string(id),
      [&] {
        auto f = article_fields("第一版标题", "<p>第一段。</p><p>第二段已改。</p>");
        f.emplace_back("version", "1");
        return f;
      }(),
      "submit");
  ASSERT_EQ(saved.status, 303) << saved.body.substr(0, 3000);
  approve_all(id);
  ASSERT_EQ(pub("/articles/" + std::to_string(id)).status, 200);

  // A third version: under review while version 2 stays on the site.
  auto third = post(
      "bian.a", "/portal/articles/" + std::to_string(id),
      [&] {
        auto f = article_fields("第三版标题", "<p>第一段。</p><p>第二段已改。</p>");
        f.emplace_back("version", "2");
        return f;
      }(),
      "submit");
  ASSERT_EQ(third.status, 303) << third.body.substr(0, 3000);
  EXPECT_TRUE(contains(pub("/articles/" + std::to_string(id)).body, "第一版标题"));
  auto versions = get("bian.a", "/portal/articles/" + std::to_string(id) + "/versions?from=2&to=3");
  EXPECT_EQ(versions.status, 200);
  EXPECT_TRUE(contains(versions.body, "<del>第一版标题</del>"));
  EXPECT_TRUE(contains(versions.body, "<ins>第三版标题</ins>"));
  auto body_diff =
      get("bian.a", "/portal/articles/" + std::to_string(id) + "/versions?from=1&to=2");
  EXPECT_TRUE(contains(body_diff.body, "<del>第二段。</del>"));
  EXPECT_TRUE(contains(body_diff.body, "<ins>第二段已改。</ins>"));
  // Saving over a version someone else replaced is refused.
  auto stale = post("bian.a", "/portal/articles/" + std::to_string(id), [&] {
    auto f = article_fields("旧页面", "<p>旧</p>");
    f.emplace_back("version", "1");
    return f;
  }());
  EXPECT_EQ(stale.status, 400);
}

TEST_F(PortalTest, ProblemsAreNamedAtTheirFieldsAndTypedTextIsKeptEscaped) {
  auto f = article_fields("", "<p>正文 '; DROP TABLE portal_articles;--</p>");
  f[0].second = "999999";  // no such column
  for (auto& [n, v] : f)
    if (n == "subtitle")
      v = "<script>alert('副')</script>";
    else if (n == "written_on")
      v = "2026-13-45";
    else if (n == "disclosure")
      v = "active";
    else if (n == "scheduled_at")
      v = "明天";
  auto r = post("bian.a", "/portal/articles/new", f);
  EXPECT_EQ(r.status, 400);
  for (const char* field : {"f-title-error", "f-column-error", "f-written_on-error",
                            "f-category-error", "f-scheduled_at-error"})
    EXPECT_TRUE(contains(r.body, field)) << field;
  EXPECT_FALSE(contains(r.body, "<script>alert('副')"));
  EXPECT_TRUE(contains(r.body, "&lt;script&gt;alert(&apos;副&apos;)") ||
              contains(r.body, "&lt;script&gt;alert(&#39;副&#39;)"));
  EXPECT_TRUE(contains(r.body, "DROP TABLE portal_articles"));
  auto list = server_->app().portal().articles().list({});
  ASSERT_TRUE(list);
  EXPECT_EQ(list->total, 0) << "nothing was saved";
  // Very long and full-width text.
  auto g = article_fields(std::string(201 * 3, '\0'), "<p>正文</p>");
  std::string long_title;
  for (int i = 0; i < 201; ++i) long_title += "长";
  g[2].second = long_title;
  auto too_long = post("bian.a", "/portal/articles/new", g);
  EXPECT_EQ(too_long.status, 400);
  EXPECT_TRUE(contains(too_long.body, "f-title-error"));
  auto h = article_fields("ＡＢＣ全角标题　测试", "<p>　全角正文</p>");
  auto ok = post("bian.a", "/portal/articles/new", h);
  EXPECT_EQ(ok.status, 303);
  // The CSRF token is required.
  std::vector<FormPart> parts;
  for (const auto& [n, v] : h) parts.push_back({n, v});
  auto forged = test::post_multipart(*server_, Zone::intranet, "/portal/articles/new",
                                     session("bian.a"), kCsrf, parts, false);
  EXPECT_EQ(forged.status, 403);
}

TEST_F(PortalTest, WithdrawingTakesItOffEverywhereAndThePageSaysWhy) {
  auto created = post("bian.a", "/portal/articles/new",
                      article_fields("将要撤回的通知", "<p>撤回测试正文</p>", "notices"), "submit");
  long long id = created_id(created);
  approve_all(id);
  std::string path = "/articles/" + std::to_string(id);
  ASSERT_EQ(pub(path).status, 200);
  ASSERT_FALSE(search("撤回测试").hits.empty());
  // The editor without the permission cannot withdraw; nor can another organ's.
  EXPECT_EQ(
      post("bian.a", "/portal/articles/" + std::to_string(id) + "/withdraw", {{"reason", "x"}})
          .status,
      403);
  auto empty =
      post("guan.a", "/portal/articles/" + std::to_string(id) + "/withdraw", {{"reason", ""}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(contains(empty.body, "f-reason-error"));
  auto done = post("guan.a", "/portal/articles/" + std::to_string(id) + "/withdraw",
                   {{"reason", "内容已过时<b>"}});
  ASSERT_EQ(done.status, 303) << done.body.substr(0, 2000);
  auto gone = eventually(path, [](const HttpResult& r) { return r.status == 410; });
  EXPECT_EQ(gone.status, 410);
  EXPECT_TRUE(contains(gone.body, "内容已过时&lt;b&gt;"));
  auto column =
      eventually("/columns/notices", [&](const HttpResult& r) { return !contains(r.body, path); });
  EXPECT_FALSE(contains(column.body, path));
  EXPECT_TRUE(search("撤回测试").hits.empty());
  EXPECT_EQ(pub(path + "/files/0").status, 404);
  EXPECT_EQ(post("guan.a", "/portal/articles/" + std::to_string(id) + "/withdraw",
                 {{"reason", "再次撤回"}})
                .status,
            400)
      << "what is not on the site cannot be withdrawn again";

  // Corrected and reviewed again, it is back; until then its page still says
  // it was withdrawn.
  auto fixed = post(
      "bian.a", "/portal/articles/" + std::to_string(id),
      [&] {
        auto f = article_fields("更正后的通知", "<p>撤回测试正文（已更正）</p>", "notices");
        f.emplace_back("version", "1");
        return f;
      }(),
      "submit");
  ASSERT_EQ(fixed.status, 303) << fixed.body.substr(0, 2000);
  EXPECT_EQ(pub(path).status, 410);
  approve_all(id);
  auto back = eventually(path, [](const HttpResult& r) { return r.status == 200; });
  EXPECT_EQ(back.status, 200);
  EXPECT_TRUE(contains(back.body, "更正后的通知"));
  EXPECT_FALSE(search("已更正").hits.empty());
}

TEST_F(PortalTest, AnotherOrgansEditorCannotSeeTheArticle) {
  auto created =
      post("bian.a", "/portal/articles/new", article_fields("甲机关的信息", "<p>正文</p>"));
  long long id = created_id(created);
  EXPECT_EQ(get("bian.b", "/portal/articles/" + std::to_string(id)).status, 404);
  EXPECT_EQ(get("guan.a", "/portal/articles").status, 403);
  auto list = get("bian.b", "/portal/articles");
  EXPECT_EQ(list.status, 200);
  EXPECT_FALSE(contains(list.body, "甲机关的信息"));
  // bian.b may not issue in organ A's name.
  auto f = article_fields("冒用机关", "<p>正文</p>");
  auto r = post("bian.b", "/portal/articles/new", f);
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(contains(r.body, "f-organ-error"));
}

TEST_F(PortalTest, ImportTakesAnOldSitesArticlesOnceAndReportsBadLines) {
  std::string jsonl =
      "{\"id\":\"old-1\",\"column\":\"policies\",\"title\":\"关于印发某某工作方案的通知\","
      "\"body\":\"<p>方案全文</p>\",\"published_at\":\"2019-02-01\",\"issuer\":\"" +
      organ_a_.name +
      "\",\"doc_number\":\"国办发〔2019〕9号\",\"disclosure\":\"active\",\"category\":\"02\"}\n"
      "not json\n"
      "{\"id\":\"old-2\",\"column\":\"headlines\",\"title\":\"缺发布机构\",\"body\":\"<p>x</p>\","
      "\"published_at\":\"2020-01-01\",\"issuer\":\"不存在的机关\"}\n"
      "{\"id\":\"old-3\",\"column\":\"interpretations\",\"title\":\"方案解读\",\"body\":\"<p>解读</"
      "p>\","
      "\"published_at\":\"2019-02-02\",\"issuer\":\"" +
      organ_a_.name + "\",\"policy\":\"old-1\"}\n";
  std::istringstream in(jsonl);
  NoProgress quiet;
  auto r = portal::import_articles(server_->app().portal(), in, jsonl.size(), quiet,
                                   test::by_account("import"));
  ASSERT_TRUE(r) << r.error().key;
  EXPECT_EQ(r->imported, 2u);
  ASSERT_EQ(r->problems.size(), 2u);
  EXPECT_EQ(r->problems[0].line, 2u);
  EXPECT_EQ(r->problems[1].line, 3u);
  EXPECT_EQ(r->problems[1].error.field, "issuer");
  std::istringstream again(jsonl);
  auto r2 = portal::import_articles(server_->app().portal(), again, jsonl.size(), quiet,
                                    test::by_account("import"));
  EXPECT_EQ(r2->imported, 0u);
  EXPECT_EQ(r2->skipped, 2u);

  // The document number finds the document, however the brackets are typed.
  for (const char* typed : {"国办发〔2019〕9号", "国办发[2019]9号", "国办发（2019）9号"}) {
    auto found = search(typed);
    ASSERT_FALSE(found.hits.empty()) << typed;
    EXPECT_EQ(found.hits.front().doc_number, "国办发〔2019〕9号") << typed;
  }
  // The policy and its interpretation link both ways; the policy has an 索引号.
  long long policy = *server_->app().portal().articles().imported("old-1");
  long long reading = *server_->app().portal().articles().imported("old-3");
  auto policy_page = pub("/articles/" + std::to_string(policy));
  EXPECT_TRUE(contains(policy_page.body, "/articles/" + std::to_string(reading)));
  EXPECT_TRUE(contains(policy_page.body, organ_a_.credit_code + "/02/2019-00001"));
  EXPECT_TRUE(contains(pub("/articles/" + std::to_string(reading)).body,
                       "/articles/" + std::to_string(policy)));
}

TEST_F(PortalTest, SiteHealthFindsStaleAndEmptyColumnsBrokenLinksAndLateDisclosure) {
  auto& app = server_->app();
  auto day = [](int days_ago) {
    return core::format_iso_date(core::china_today() - std::chrono::days(days_ago));
  };
  // 部门动态 last updated 30 days ago (news: 14 days); 要闻 today, with links.
  std::string jsonl =
      "{\"id\":\"h-1\",\"column\":\"department-news\",\"title\":\"旧动态\",\"body\":\"<p>旧</p>\","
      "\"published_at\":\"" +
      day(30) + "\",\"issuer\":\"" + organ_a_.name + "\"}\n";
  std::istringstream in(jsonl);
  NoProgress quiet;
  ASSERT_TRUE(
      portal::import_articles(app.portal(), in, jsonl.size(), quiet, test::by_account("t")));
  auto created = post("bian.a", "/portal/articles/new",
                      article_fields("带链接的要闻",
                                     "<p><a href=\"/articles/999999\">失效</a> <a "
                                     "href=\"/columns/no-such\">失效栏目</a> <a "
                                     "href=\"/columns/headlines\">有效</a></p>"),
                      "submit");
  ASSERT_EQ(created.status, 303);
  approve_all(created_id(created));
  // A 主动公开 item formed 40 days ago and still a draft.
  auto f = article_fields("迟迟未公开的预算", "<p>预算</p>", "disclosure-catalogue");
  for (auto& [n, v] : f)
    if (n == "disclosure")
      v = "active";
    else if (n == "category")
      v = "04";
    else if (n == "formed_on")
      v = day(40);
  ASSERT_EQ(post("bian.a", "/portal/articles/new", f).status, 303);

  auto page = get("guan.a", "/portal/health");
  ASSERT_EQ(page.status, 200);
  auto section = [&](const std::string& id) {
    auto at = page.body.find("id=\"" + id + "\"");
    auto end = page.body.find("</section>", at);
    return at == std::string::npos ? std::string() : page.body.substr(at, end - at);
  };
  EXPECT_TRUE(contains(section("h-stale"), "部门动态"));
  EXPECT_FALSE(contains(section("h-stale"), "要闻"));
  EXPECT_TRUE(contains(section("h-empty"), "通知公告"));
  EXPECT_FALSE(contains(section("h-empty"), ">要闻<"));
  EXPECT_TRUE(contains(section("h-broken"), "/articles/999999"));
  EXPECT_TRUE(contains(section("h-broken"), "/columns/no-such"));
  EXPECT_FALSE(contains(section("h-broken"), "/columns/headlines<"));
  EXPECT_TRUE(contains(section("h-late"), "迟迟未公开的预算"));
  EXPECT_EQ(get("bian.a", "/portal/health").status, 403);

  auto health = portal::check_site(app.portal(), app.calendar(), core::china_today(),
                                   std::vector<long long>{organ_b_.id});
  ASSERT_TRUE(health);
  EXPECT_TRUE(health->late.empty()) << "another organ's late items are not listed";
  auto mine = portal::check_site(app.portal(), app.calendar(), core::china_today(),
                                 std::vector<long long>{organ_a_.id});
  ASSERT_EQ(mine->late.size(), 1u);
  EXPECT_GT(mine->late[0].days_late, 0);
  EXPECT_TRUE(mine->late[0].published_at.empty());
  EXPECT_EQ(mine->broken.size(), 2u);
}

TEST_F(PortalTest, AScheduledArticleIsPublishedOnceAtItsTime) {
  auto& app = server_->app();
  auto f = article_fields("定时发布的通知", "<p>定时发布正文</p>", "notices");
  for (auto& [n, v] : f)
    if (n == "scheduled_at") v = "2099-01-01T09:00";
  auto created = post("bian.a", "/portal/articles/new", f, "submit");
  ASSERT_EQ(created.status, 303) << created.body.substr(0, 2000);
  long long id = created_id(created);
  approve_all(id);
  auto a = app.portal().articles().get(id);
  EXPECT_EQ((*a)->state, portal::ArticleState::scheduled);
  EXPECT_EQ((*a)->scheduled_at, "2099-01-01T01:00:00Z") << "09:00 China time";
  std::string path = "/articles/" + std::to_string(id);
  EXPECT_EQ(pub(path).status, 404) << "not before its time";
  EXPECT_EQ(*app.portal().articles().publish_due(), 0);

  // Its time comes: this test's two threads and the server's follower race
  // for it, and it is published exactly once.
  std::string past = "2020-01-01T00:00:00Z";
  *app.database().acquire() << "UPDATE portal_articles SET scheduled_at = :t WHERE id = :i",
      soci::use(past), soci::use(id);
  std::atomic<int> published{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 2; ++i)
    racers.emplace_back([&] {
      auto n = app.portal().articles().publish_due();
      EXPECT_TRUE(n) << (n ? "" : n.error().key);
      if (n) published += *n;
    });
  for (auto& t : racers) t.join();
  auto page = eventually(path, [](const HttpResult& r) { return r.status == 200; });
  EXPECT_EQ(page.status, 200);
  EXPECT_LE(published.load(), 1);
  auto records = app.audit_log().find({.event = "portal.article.publish", .limit = 1000});
  ASSERT_TRUE(records);
  int publications = 0;
  for (const auto& r : *records) publications += r.event.object == "article:" + std::to_string(id);
  EXPECT_EQ(publications, 1);
}

}  // namespace
