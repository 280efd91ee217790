// Signing in to the workbench: CSRF, generic failures, lockout and unlock,
// session cookie, no session fixation, sign-out, idle expiry, audit.
#include <regex>

#include <gtest/gtest.h>

#include "http/percent_encoding.hpp"
#include "identity/session_store.hpp"
#include "identity/totp.hpp"
#include "tests/support/test_server.hpp"

using yiwang::http::Zone;
using yiwang::test::cookie_value;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

class SignInTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    auto admins = server_->app().accounts().create_administrators({.account = "test"});
    ASSERT_TRUE(admins);
    password_ = (*admins)[0].one_time_password;  // sysadmin
    auto page = server_->get(Zone::intranet, "/signin");
    csrf_ = cookie_value(page, "yw_csrf");
    ASSERT_EQ(csrf_.size(), 64u);
  }

  HttpResult post_signin(const std::string& account, const std::string& password,
                         const std::string& extra_cookie = "") {
    std::string body = "_csrf=" + csrf_ + "&account=" + yiwang::http::percent_encode(account) +
                       "&password=" + yiwang::http::percent_encode(password);
    std::string cookie = "yw_csrf=" + csrf_ + (extra_cookie.empty() ? "" : "; " + extra_cookie);
    return server_->request(
        Zone::intranet, "POST", "/signin", body,
        {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", cookie}});
  }

  // Completes the enrolment the policy requires of an intranet account and
  // returns the session token that follows it.
  std::string enrol(const std::string& token) {
    std::string cookie = "yw_csrf=" + csrf_ + "; yw_session=" + token;
    auto page = server_->get(Zone::intranet, "/account/second-factor", {{"Cookie", cookie}});
    EXPECT_EQ(page.status, 200);
    std::smatch m;
    std::regex re("id=\"totp-secret\">([A-Z2-7]+)<");
    if (!std::regex_search(page.body, m, re)) {
      ADD_FAILURE() << "no secret on the enrolment page";
      return "";
    }
    secret_ = *yiwang::identity::base32_decode(m[1].str());
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    auto done = server_->request(
        Zone::intranet, "POST", "/account/second-factor/confirm",
        "_csrf=" + csrf_ + "&code=" + yiwang::identity::totp_code(secret_, now),
        {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", cookie}});
    EXPECT_EQ(done.status, 200) << done.body;
    EXPECT_NE(done.body.find("recovery-codes"), std::string::npos);
    return cookie_value(done, "yw_session");
  }

  std::unique_ptr<TestServer> server_;
  std::string password_;
  std::string csrf_;
  std::string secret_;
};

}  // namespace

TEST_F(SignInTest, SuccessSetsSessionCookieAndShowsWorkbench) {
  auto r = post_signin("SysAdmin", password_);
  ASSERT_EQ(r.status, 303) << r.body;
  // The policy requires a second factor of intranet accounts: enrol first.
  EXPECT_EQ(r.header("location"), "/account/second-factor");
  std::string token = cookie_value(r, "yw_session");
  EXPECT_EQ(token.size(), 64u);
  EXPECT_NE(r.header("set-cookie").find("HttpOnly"), std::string::npos);
  EXPECT_NE(r.header("set-cookie").find("SameSite=Lax"), std::string::npos);
  auto early = server_->get(Zone::intranet, "/", {{"Cookie", "yw_session=" + token}});
  EXPECT_EQ(early.status, 303);
  EXPECT_EQ(early.header("location"), "/account/second-factor");
  std::string full = enrol(token);
  ASSERT_EQ(full.size(), 64u);
  EXPECT_NE(full, token);  // a new token once enrolled
  EXPECT_EQ(server_->get(Zone::intranet, "/", {{"Cookie", "yw_session=" + token}}).status, 302);
  // Then the one-time password must be changed before anything else.
  auto home = server_->get(Zone::intranet, "/", {{"Cookie", "yw_session=" + full}});
  EXPECT_EQ(home.status, 303);
  EXPECT_EQ(home.header("location"), "/account/password");
  auto forced =
      server_->get(Zone::intranet, "/account/password", {{"Cookie", "yw_session=" + full}});
  EXPECT_EQ(forced.status, 200);
  EXPECT_NE(forced.body.find("必须先修改密码"), std::string::npos);  // one-time password
  // The token is stored only as a digest.
  long long plain = 0;
  *server_->app().database().acquire()
      << "SELECT COUNT(*) FROM identity_sessions WHERE token_digest = :t",
      soci::use(token), soci::into(plain);
  EXPECT_EQ(plain, 0);
  // The intranet session means nothing on the internet zone.
  auto s = server_->app().sessions().touch(token, "internet");
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->has_value());
}

TEST_F(SignInTest, FailuresAreGenericAndKeepTheAccountTyped) {
  auto wrong = post_signin("sysadmin", "Wrong-password-1");
  auto unknown = post_signin("nobody", "Wrong-password-1");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  auto message = [](const std::string& body) {
    auto start = body.find("role=\"alert\"");
    return start == std::string::npos ? std::string()
                                      : body.substr(start, body.find("</div>", start) - start);
  };
  EXPECT_FALSE(message(wrong.body).empty());
  EXPECT_EQ(message(wrong.body), message(unknown.body));  // never says whether the account exists
  EXPECT_NE(wrong.body.find("value=\"sysadmin\""), std::string::npos);
  EXPECT_TRUE(cookie_value(wrong, "yw_session").empty());
  auto hostile = post_signin("<script>x</script>", "x");
  EXPECT_EQ(hostile.body.find("<script>x"), std::string::npos);
  auto failures = server_->app().audit_log().find({.event = "identity.signin"});
  ASSERT_TRUE(failures);
  EXPECT_EQ(failures->size(), 3u);
  for (const auto& f : *failures) EXPECT_FALSE(f.event.success);
}

TEST_F(SignInTest, MissingCsrfTokenIsRefused) {
  auto r = server_->request(Zone::intranet, "POST", "/signin",
                            "account=sysadmin&password=" + yiwang::http::percent_encode(password_),
                            {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(cookie_value(r, "yw_session").empty());
}

TEST_F(SignInTest, FiveFailuresLockTheAccountUntilUnlocked) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(post_signin("sysadmin", "Wrong-password-1").status, 401);
  // The right password no longer helps, and the answer looks the same.
  EXPECT_EQ(post_signin("sysadmin", password_).status, 401);
  EXPECT_TRUE(*server_->app().sign_in().locked("sysadmin"));
  auto lock = server_->app().audit_log().find({.event = "identity.lockout"});
  EXPECT_EQ(lock->size(), 1u);
  ASSERT_TRUE(server_->app().sign_in().unlock("SYSADMIN", {.account = "secadmin"}));
  EXPECT_EQ(post_signin("sysadmin", password_).status, 303);
}

TEST_F(SignInTest, NoSessionFixationAndSignOutEndsTheSession) {
  std::string planted(64, 'a');
  auto r = post_signin("sysadmin", password_, "yw_session=" + planted);
  std::string token = cookie_value(r, "yw_session");
  ASSERT_EQ(token.size(), 64u);
  EXPECT_NE(token, planted);
  EXPECT_EQ(server_->get(Zone::intranet, "/", {{"Cookie", "yw_session=" + planted}}).status, 302);
  auto out = server_->request(Zone::intranet, "POST", "/signout", "_csrf=" + csrf_,
                              {{"Content-Type", "application/x-www-form-urlencoded"},
                               {"Cookie", "yw_csrf=" + csrf_ + "; yw_session=" + token}});
  EXPECT_EQ(out.status, 303);
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(server_->get(Zone::intranet, "/", {{"Cookie", "yw_session=" + token}}).status, 302);
}

TEST_F(SignInTest, IdleSessionsExpire) {
  auto r = post_signin("sysadmin", password_);
  std::string token = cookie_value(r, "yw_session");
  ASSERT_EQ(
      server_->get(Zone::intranet, "/account/second-factor", {{"Cookie", "yw_session=" + token}})
          .status,
      200);
  std::string digest = yiwang::identity::session_token_digest(token);
  *server_->app().database().acquire() << "UPDATE identity_sessions SET last_seen_at = "
                                          "'2000-01-01T00:00:00Z' WHERE token_digest = :d",
      soci::use(digest);
  server_->app().authorizer().clear_cache();
  auto after = server_->get(Zone::intranet, "/", {{"Cookie", "yw_session=" + token}});
  EXPECT_EQ(after.status, 302);
  EXPECT_EQ(after.header("location"), "/signin?next=%2F");
}

TEST_F(SignInTest, OneTimePasswordMustBeChangedAndOldSessionsEnd) {
  std::string token = enrol(cookie_value(post_signin("sysadmin", password_), "yw_session"));
  ASSERT_EQ(token.size(), 64u);
  auto change = [&](const std::string& current, const std::string& next,
                    const std::string& confirm) {
    std::string body = "_csrf=" + csrf_ +
                       "&current_password=" + yiwang::http::percent_encode(current) +
                       "&password=" + yiwang::http::percent_encode(next) +
                       "&password_confirm=" + yiwang::http::percent_encode(confirm);
    return server_->request(Zone::intranet, "POST", "/account/password", body,
                            {{"Content-Type", "application/x-www-form-urlencoded"},
                             {"Cookie", "yw_csrf=" + csrf_ + "; yw_session=" + token}});
  };
  auto wrong = change("not-it-A1", "New-Secret-2026", "New-Secret-2026");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("当前密码：不正确"), std::string::npos);
  auto weak = change(password_, "password", "password");
  EXPECT_EQ(weak.status, 400);
  EXPECT_NE(weak.body.find("至少 3 类"), std::string::npos);
  auto same = change(password_, password_, password_);
  EXPECT_NE(same.body.find("最近 5 次"), std::string::npos);
  auto mismatch = change(password_, "New-Secret-2026", "New-Secret-2027");
  EXPECT_NE(mismatch.body.find("与新密码不一致"), std::string::npos);
  EXPECT_EQ(server_->get(Zone::intranet, "/account/password").status,
            302);  // signed out: to sign-in

  auto ok = change(password_, "New-Secret-2026", "New-Secret-2026");
  ASSERT_EQ(ok.status, 303) << ok.body;
  std::string fresh = cookie_value(ok, "yw_session");
  ASSERT_EQ(fresh.size(), 64u);
  EXPECT_NE(fresh, token);
  EXPECT_EQ(server_->get(Zone::intranet, "/", {{"Cookie", "yw_session=" + token}}).status, 302);
  auto home = server_->get(Zone::intranet, "/", {{"Cookie", "yw_session=" + fresh}});
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(home.body.find("必须先修改密码"), std::string::npos);
  EXPECT_EQ(post_signin("sysadmin", password_).status, 401);
  // Enrolled now: the next sign-in asks for the code.
  auto again = post_signin("sysadmin", "New-Secret-2026");
  EXPECT_EQ(again.status, 303);
  EXPECT_EQ(again.header("location"), "/signin/code");
  // Wrong codes count like wrong passwords: the fifth ends the session and locks the account.
  std::string half = cookie_value(again, "yw_session");
  auto code = [&](const std::string& c) {
    return server_->request(Zone::intranet, "POST", "/signin/code", "_csrf=" + csrf_ + "&code=" + c,
                            {{"Content-Type", "application/x-www-form-urlencoded"},
                             {"Cookie", "yw_csrf=" + csrf_ + "; yw_session=" + half}});
  };
  EXPECT_EQ(
      server_->get(Zone::intranet, "/", {{"Cookie", "yw_session=" + half}}).header("location"),
      "/signin/code");
  for (int i = 0; i < 4; ++i) {
    auto wrong_code = code(i == 0 ? "<script>" : "000000");
    EXPECT_EQ(wrong_code.status, 401);
    EXPECT_NE(wrong_code.body.find("动态口令"), std::string::npos);
    EXPECT_EQ(wrong_code.body.find("区划代码"), std::string::npos);
    EXPECT_EQ(wrong_code.body.find("<script>"), std::string::npos);
  }
  auto fifth = code("000000");
  EXPECT_EQ(fifth.status, 303);
  EXPECT_EQ(fifth.header("location"), "/signin");
  EXPECT_TRUE(*server_->app().sign_in().locked("sysadmin"));
  server_->app().authorizer().clear_cache();
  EXPECT_EQ(server_->get(Zone::intranet, "/signin/code", {{"Cookie", "yw_session=" + half}}).status,
            302);
  auto changed = server_->app().audit_log().find({.event = "identity.password.changed"});
  EXPECT_EQ(changed->size(), 1u);
}

TEST_F(SignInTest, LongMultibyteAccountNamesAreCutCleanly) {
  std::string name;
  for (int i = 0; i < 30; ++i) name += "政务";  // 180 bytes; byte 64 is inside a character
  auto r = post_signin(name, "Wrong-password-1");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body.find("数据库"), std::string::npos);
  auto failures = server_->app().audit_log().find({.event = "identity.signin"});
  ASSERT_TRUE(failures);
  ASSERT_EQ(failures->size(), 1u);
  EXPECT_EQ(failures->front().event.account.size(), 63u);  // 21 whole characters
}
