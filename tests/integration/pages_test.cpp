// The pages of this issue through the real server: portal home, workbench
// sign-in, error pages, languages, footer filings, security headers.
#include <chrono>
#include <thread>

#include <fstream>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/logging.hpp"

#include "tests/support/test_server.hpp"

using yiwang::http::Zone;
using yiwang::test::TestServer;

#define REQUIRE_SERVER(s) \
  if (!(s).available()) GTEST_SKIP() << "database engine under test is not available"

TEST(Pages, PortalHomeInLayoutWithFooterFilings) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto r = s.get(Zone::internet, "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<html lang=\"zh-CN\">"), std::string::npos);
  EXPECT_NE(r.body.find("测试市人民政府"), std::string::npos);
  EXPECT_NE(r.body.find("网站标识码：1234000001"), std::string::npos);
  EXPECT_NE(r.body.find("测ICP备12345678号"), std::string::npos);
  EXPECT_NE(r.body.find("测公网安备 12345678901234号"), std::string::npos);
  EXPECT_FALSE(r.header("x-request-id").empty());
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_NE(r.header("content-security-policy").find("default-src 'self'"), std::string::npos);
}

TEST(Pages, EnglishByQueryAndByAcceptLanguage) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto q = s.get(Zone::internet, "/?lang=en");
  EXPECT_NE(q.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(q.body.find("Public data and tools"), std::string::npos);
  auto h = s.get(Zone::internet, "/", {{"Accept-Language", "en-US,en;q=0.9,zh;q=0.5"}});
  EXPECT_NE(h.body.find("Public data and tools"), std::string::npos);
  auto zh = s.get(Zone::internet, "/", {{"Accept-Language", "zh-CN,zh;q=0.9"}});
  EXPECT_NE(zh.body.find("公共数据与工具"), std::string::npos);
  // A cached Chinese page is never served to an English reader.
  auto again = s.get(Zone::internet, "/", {{"Accept-Language", "en"}});
  EXPECT_NE(again.body.find("Public data and tools"), std::string::npos);
}

TEST(Pages, WorkbenchSignInFormWithCsrfToken) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto root = s.get(Zone::intranet, "/");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.header("location"), "/signin?next=%2F");
  auto r = s.get(Zone::intranet, "/signin");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<form"), std::string::npos);
  EXPECT_NE(r.body.find("name=\"account\""), std::string::npos);
  EXPECT_NE(r.body.find("type=\"password\""), std::string::npos);
  EXPECT_NE(r.body.find("name=\"_csrf\""), std::string::npos);
  EXPECT_NE(r.header("set-cookie").find("yw_csrf="), std::string::npos);
  EXPECT_NE(r.header("set-cookie").find("HttpOnly"), std::string::npos);
  EXPECT_EQ(r.header("cache-control"), "no-store");
  // Citizens and enterprises sign in on the internet zone, with links to register.
  auto pub = s.get(Zone::internet, "/signin");
  EXPECT_EQ(pub.status, 200);
  EXPECT_NE(pub.body.find("/register/citizen"), std::string::npos);
  EXPECT_EQ(r.body.find("/register/citizen"), std::string::npos);
}

TEST(Pages, SignInKeepsTypedAccountEscaped) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto r = s.get(Zone::intranet, "/signin?account=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(r.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
}

TEST(Pages, NotFoundInLayoutAndJsonUnderApi) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto r = s.get(Zone::internet, "/no-such-page");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("页面不存在"), std::string::npos);
  EXPECT_NE(r.body.find("网站标识码"), std::string::npos);  // inside the layout
  EXPECT_NE(r.body.find(r.header("x-request-id")), std::string::npos);
  auto api = s.get(Zone::internet, "/api/v1/nothing");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.header("content-type"), "application/json; charset=utf-8");
  EXPECT_NE(api.body.find("\"request_id\""), std::string::npos);
}

TEST(Pages, HealthzOnEveryZoneMetricsOnIntranetOnly) {
  TestServer s;
  REQUIRE_SERVER(s);
  for (Zone z : yiwang::http::kAllZones) {
    auto r = s.get(z, "/healthz");
    EXPECT_EQ(r.status, 200) << yiwang::http::zone_name(z);
    EXPECT_EQ(r.body, "ok\n");
  }
  s.get(Zone::internet, "/");
  // The request is counted just after its response is written: wait for it.
  yiwang::test::HttpResult m;
  for (int i = 0; i < 200; ++i) {
    m = s.get(Zone::intranet, "/metrics");
    if (m.body.find("zone=\"internet\",route=\"/\"") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("yiwang_http_requests_total{zone=\"internet\",route=\"/"
                        "\",method=\"GET\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(m.body.find("yiwang_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(m.body.find("yiwang_db_pool_in_use"), std::string::npos);
  EXPECT_EQ(s.get(Zone::internet, "/metrics").status, 404);
  EXPECT_EQ(s.get(Zone::exchange, "/metrics").status, 404);
}

TEST(Pages, ChosenLanguageIsRememberedInACookie) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto chosen = s.get(Zone::internet, "/?lang=en", {{"Accept-Language", "zh-CN"}});
  EXPECT_NE(chosen.header("set-cookie").find("yw_lang=en"), std::string::npos);
  auto next =
      s.get(Zone::internet, "/divisions", {{"Accept-Language", "zh-CN"}, {"Cookie", "yw_lang=en"}});
  EXPECT_NE(next.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_TRUE(next.header("set-cookie").empty());
  // An unknown language in the cookie is ignored.
  auto odd = s.get(Zone::internet, "/", {{"Accept-Language", "zh-CN"}, {"Cookie", "yw_lang=xx"}});
  EXPECT_NE(odd.body.find("<html lang=\"zh-CN\">"), std::string::npos);
  // Cached pages never carry the cookie to someone else.
  auto cached = s.get(Zone::internet, "/?lang=en");
  auto other = s.get(Zone::internet, "/?lang=en", {{"Cookie", "yw_lang=en"}});
  EXPECT_TRUE(other.header("set-cookie").empty());
  EXPECT_NE(cached.header("set-cookie").find("yw_lang=en"), std::string::npos);
}

TEST(Pages, AccessLogHasOneJsonLinePerRequestWithItsId) {
  TestServer s(TestServer::Options{.configure = [](yiwang::app::Config& c) {
    c.access_log = "access.log";
    yiwang::app::setup_logging(c);
  }});
  REQUIRE_SERVER(s);
  auto r = s.get(Zone::internet, "/divisions?secret=11010519491231002X");
  std::string id = r.header("x-request-id");
  ASSERT_FALSE(id.empty());
  std::string line;
  for (int i = 0; i < 200 && line.empty(); ++i) {
    spdlog::get("access")->flush();
    std::ifstream in(s.data_dir() / "access.log");
    std::string l;
    while (std::getline(in, l))
      if (l.find(id) != std::string::npos) line = l;
    if (line.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_FALSE(line.empty());
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["request_id"], id);
  EXPECT_EQ(j["zone"], "internet");
  EXPECT_EQ(j["path"], "/divisions");
  EXPECT_EQ(j["status"], 200);
  EXPECT_EQ(j["method"], "GET");
  // The query string (which may hold personal data) is never logged.
  EXPECT_EQ(line.find("11010519491231002X"), std::string::npos);
  spdlog::drop("access");
}
