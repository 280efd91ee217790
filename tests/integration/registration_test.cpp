// Citizens and enterprises register on the internet zone: every rule of the
// citizen number and the credit code is named, hostile text is stored as
// typed and shown escaped, nothing is stored on an error, and a forgotten
// password is reset through a one-time link sent by e-mail.
#include <regex>

#include <gtest/gtest.h>

#include "http/percent_encoding.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::test::cookie_value;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

// A valid citizen number (GB 11643) for tests: 350102 1990-01-01, sequence 123.
const char* kCitizen = "350102199001011238";

class RegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    auto page = server_->get(Zone::internet, "/register/citizen");
    ASSERT_EQ(page.status, 200);
    csrf_ = cookie_value(page, "yw_csrf");
    ASSERT_EQ(csrf_.size(), 64u);
  }

  HttpResult post(const std::string& path, std::vector<std::pair<std::string, std::string>> fields,
                  const std::string& session = "") {
    std::string body = "_csrf=" + csrf_;
    for (const auto& [k, v] : fields) body += "&" + k + "=" + http::percent_encode(v);
    std::string cookie = "yw_csrf=" + csrf_ + (session.empty() ? "" : "; yw_session=" + session);
    return server_->request(
        Zone::internet, "POST", path, body,
        {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", cookie}});
  }

  HttpResult register_citizen(const std::string& name, const std::string& real_name,
                              const std::string& number, const std::string& email = "li@example.cn",
                              const std::string& address = "示范市中山路1号") {
    return post("/register/citizen", {{"name", name},
                                      {"real_name", real_name},
                                      {"citizen_number", number},
                                      {"email", email},
                                      {"phone", "13800138000"},
                                      {"address", address},
                                      {"password", "Citizen-Pass-1"},
                                      {"password_confirm", "Citizen-Pass-1"}});
  }

  long long accounts() {
    long long n = 0;
    *server_->app().database().acquire() << "SELECT COUNT(*) FROM identity_accounts", soci::into(n);
    return n;
  }

  std::unique_ptr<TestServer> server_;
  std::string csrf_;
};

}  // namespace

TEST_F(RegistrationTest, EveryBadCitizenNumberNamesTheRuleAndStoresNothing) {
  struct Case {
    const char* number;
    const char* key_part;
  };
  const Case cases[] = {{"", "text.required"},
                        {"3501021990010112", "id.citizen."},    // too short
                        {"350102199001011231", "id.citizen."},  // check digit
                        {"350102199013011234", "id.citizen."},  // month 13
                        {"35010230000101123X", "id.citizen."},  // born in the future
                        {"<script>alert(1)</script>", "id.citizen."},
                        {"1' OR '1'='1", "id.citizen."}};
  for (const auto& c : cases) {
    auto r = register_citizen("li.si", "李四", c.number);
    EXPECT_EQ(r.status, 400) << c.number;
    EXPECT_NE(r.body.find("role=\"alert\""), std::string::npos) << c.number;
    EXPECT_NE(r.body.find("id=\"citizen_number\""), std::string::npos);
    EXPECT_NE(r.body.find("aria-invalid=\"true\""), std::string::npos) << c.number;
    EXPECT_EQ(r.body.find("<script>alert(1)"), std::string::npos);
    // What was typed is kept (escaped), the password is not.
    EXPECT_NE(r.body.find("value=\"li.si\""), std::string::npos);
    EXPECT_EQ(r.body.find("Citizen-Pass-1"), std::string::npos);
  }
  EXPECT_EQ(accounts(), 0);
}

TEST_F(RegistrationTest, CitizenRegistersAndIsSignedInWithHostileTextEscaped) {
  std::string hostile = "<img src=x onerror=alert(1)>王五";
  auto r =
      register_citizen("wang.wu", hostile, "３５０１０２１９９００１０１１２３８",  // full width
                       "Wang.Wu@Example.CN", "'; DROP TABLE identity_accounts; --");
  ASSERT_EQ(r.status, 303) << r.body;
  std::string session = cookie_value(r, "yw_session");
  ASSERT_EQ(session.size(), 64u);  // citizens need no second factor by default
  auto page = server_->get(Zone::internet, "/account", {{"Cookie", "yw_session=" + session}});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<img src=x"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;img src=x onerror=alert(1)&gt;王五"), std::string::npos);
  EXPECT_NE(page.body.find("350102********1238"), std::string::npos);  // masked
  EXPECT_EQ(page.body.find(kCitizen), std::string::npos);
  EXPECT_NE(page.body.find("Wang.Wu@example.cn"), std::string::npos);  // domain lower-cased
  auto stored = server_->app().accounts().find_by_name("wang.wu");
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->display_name, hostile);
  EXPECT_EQ((*stored)->address, "'; DROP TABLE identity_accounts; --");
  EXPECT_EQ((*stored)->citizen_number, kCitizen);
  // The same person cannot register twice.
  auto again = register_citizen("wang.wu2", "王五", kCitizen, "other@example.cn");
  EXPECT_EQ(again.status, 400);
  EXPECT_NE(again.body.find("已经注册过账号"), std::string::npos);
  // A citizen cannot use the intranet.
  EXPECT_EQ(server_->get(Zone::intranet, "/", {{"Cookie", "yw_session=" + session}}).status, 302);
  auto audit = server_->app().audit_log().find({.event = "identity.account.registered"});
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->size(), 1u);
}

TEST_F(RegistrationTest, FieldsAreCheckedOneRuleAtATime) {
  std::string long_name(51 * 3, 'x');
  auto too_long = register_citizen("zhao.liu", std::string(60, 'A'), kCitizen);
  EXPECT_EQ(too_long.status, 400);
  EXPECT_NE(too_long.body.find("aria-invalid=\"true\""), std::string::npos);
  auto bad_name = register_citizen("1abc", "赵六", kCitizen);
  EXPECT_NE(bad_name.body.find("账号名须为"), std::string::npos);
  auto bad_mail = register_citizen("zhao.liu", "赵六", kCitizen, "zhao＠example.cn");
  EXPECT_EQ(bad_mail.status, 400);
  auto mismatch = post("/register/citizen", {{"name", "zhao.liu"},
                                             {"real_name", "赵六"},
                                             {"citizen_number", kCitizen},
                                             {"email", "z@example.cn"},
                                             {"password", "Citizen-Pass-1"},
                                             {"password_confirm", "Citizen-Pass-2"}});
  EXPECT_NE(mismatch.body.find("与新密码不一致"), std::string::npos);
  auto weak = post("/register/citizen", {{"name", "zhao.liu"},
                                         {"real_name", "赵六"},
                                         {"citizen_number", kCitizen},
                                         {"email", "z@example.cn"},
                                         {"password", "zhao.liu-123"},
                                         {"password_confirm", "zhao.liu-123"}});
  EXPECT_NE(weak.body.find("不能包含账号名"), std::string::npos);
  EXPECT_EQ(accounts(), 0);
}

TEST_F(RegistrationTest, EnterprisesNameTheCreditCodeRuleAndAuthoriseAgents) {
  auto bad = post("/register/enterprise", {{"name", "acme"},
                                           {"enterprise_name", "示范科技有限公司"},
                                           {"credit_code", "91350100M000100Y4"},
                                           {"legal_representative", "钱七"},
                                           {"email", "acme@example.cn"},
                                           {"password", "Enterprise-1"},
                                           {"password_confirm", "Enterprise-1"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_EQ(accounts(), 0);
  auto citizen = register_citizen("sun.ba", "孙八", kCitizen);
  ASSERT_EQ(citizen.status, 303);
  auto ok = post("/register/enterprise", {{"name", "acme"},
                                          {"enterprise_name", "示范科技有限公司"},
                                          {"credit_code", "91350100M000100Y43"},
                                          {"legal_representative", "钱七"},
                                          {"email", "acme@example.cn"},
                                          {"password", "Enterprise-1"},
                                          {"password_confirm", "Enterprise-1"}});
  ASSERT_EQ(ok.status, 303) << ok.body;
  std::string session = cookie_value(ok, "yw_session");
  // The agent must match both the account name and the citizen number.
  auto wrong = post("/account/agents",
                    {{"agent", "sun.ba"}, {"citizen_number", "110101199003077777"}}, session);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("都相符"), std::string::npos);
  auto added =
      post("/account/agents", {{"agent", "sun.ba"}, {"citizen_number", kCitizen}}, session);
  EXPECT_EQ(added.status, 303);
  auto page = server_->get(Zone::internet, "/account", {{"Cookie", "yw_session=" + session}});
  EXPECT_NE(page.body.find("孙八"), std::string::npos);
  // A citizen cannot manage agents.
  auto refused = post("/account/agents", {{"agent", "acme"}, {"citizen_number", kCitizen}},
                      cookie_value(citizen, "yw_session"));
  EXPECT_EQ(refused.status, 403);
}

TEST_F(RegistrationTest, ForgottenPasswordIsResetByAOneTimeLink) {
  ASSERT_EQ(register_citizen("zhou.jiu", "周九", kCitizen, "zhou@example.cn").status, 303);
  // The answer is the same for an unknown address.
  auto unknown = post("/password/forgot", {{"email", "nobody@example.cn"}});
  auto known = post("/password/forgot", {{"email", "ZHOU@example.cn"}});
  EXPECT_EQ(unknown.status, 200);
  EXPECT_EQ(known.status, 200);
  EXPECT_NE(known.body.find("role=\"status\""), std::string::npos);
  auto bad = post("/password/forgot", {{"email", "<script>@x"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body.find("<script>@x"), std::string::npos);
  // The link is in the queued mail.
  std::string body;
  long long mails = 0;
  *server_->app().database().acquire() << "SELECT COUNT(*) FROM mail_outbox", soci::into(mails);
  EXPECT_EQ(mails, 1);  // none for the unknown address
  *server_->app().database().acquire() << "SELECT body FROM mail_outbox", soci::into(body);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(body, m, std::regex("/password/reset\\?token=([0-9a-f]{64})")))
      << body;
  std::string token = m[1].str();
  EXPECT_EQ(server_->get(Zone::internet, "/password/reset?token=" + token).status, 200);
  auto weak = post("/password/reset",
                   {{"token", token}, {"password", "short"}, {"password_confirm", "short"}});
  EXPECT_EQ(weak.status, 400);
  auto done = post(
      "/password/reset",
      {{"token", token}, {"password", "Reset-Pass-2026"}, {"password_confirm", "Reset-Pass-2026"}});
  ASSERT_EQ(done.status, 303) << done.body;
  auto reuse = post(
      "/password/reset",
      {{"token", token}, {"password", "Reset-Pass-2027"}, {"password_confirm", "Reset-Pass-2027"}});
  EXPECT_EQ(reuse.status, 400);
  auto in = post("/signin", {{"account", "zhou.jiu"}, {"password", "Reset-Pass-2026"}});
  EXPECT_EQ(in.status, 303);
  EXPECT_EQ(in.header("location"), "/account");
}
