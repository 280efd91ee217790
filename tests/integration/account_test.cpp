// Accounts of this stage: the three administrators created by init, and the
// demo city's organs.
#include <set>

#include <gtest/gtest.h>

#include "app/demo_city.hpp"
#include "core/identifier.hpp"
#include "identity/account_store.hpp"
#include "identity/password.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::test::TestServer;

#define REQUIRE_SERVER(s) \
  if (!(s).available()) GTEST_SKIP() << "database engine under test is not available"

namespace {
audit::AuditEvent installer() { return {.account = "os:root", .organ = "-", .source = "cli"}; }
}  // namespace

TEST(Accounts, ExactlyThreeSeparateAdministratorsWithOneTimePasswords) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& accounts = s.app().accounts();
  auto admins = accounts.create_administrators(installer());
  ASSERT_TRUE(admins) << admins.error().key << " " << admins.error().params["detail"];
  ASSERT_EQ(admins->size(), 3u);
  std::set<identity::AccountKind> kinds;
  std::set<std::string> passwords;
  for (const auto& a : *admins) {
    kinds.insert(a.account.kind);
    passwords.insert(a.one_time_password);
    EXPECT_TRUE(identity::is_administrator(a.account.kind));
    auto stored = accounts.find_by_name(a.account.name);
    ASSERT_TRUE(stored && *stored);
    EXPECT_TRUE((*stored)->must_change_password);
    EXPECT_EQ((*stored)->kind, a.account.kind);
    auto hash = accounts.password_hash((*stored)->id);
    ASSERT_TRUE(hash);
    EXPECT_TRUE(hash->starts_with("$argon2id$"));
    EXPECT_TRUE(identity::verify_password(a.one_time_password, *hash));
    EXPECT_EQ(hash->find(a.one_time_password), std::string::npos);  // never stored in clear
  }
  EXPECT_EQ(kinds.size(), 3u);  // one of each role, no account holds two
  EXPECT_EQ(passwords.size(), 3u);
  // Never a second set.
  auto again = accounts.create_administrators(installer());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().key, "identity.admin.exists");
  auto records = s.app().audit_log().find({.event = "identity.account.created"});
  ASSERT_TRUE(records);
  EXPECT_EQ(records->size(), 3u);
  for (const auto& r : *records) EXPECT_EQ(r.event.detail.find("$argon2id"), std::string::npos);
  // Names are case-insensitive at sign-in.
  EXPECT_TRUE(*accounts.find_by_name("SysAdmin"));
  EXPECT_FALSE(*accounts.find_by_name("root"));
}

TEST(Accounts, DemoCityOrgansLoadOnceWithValidCodes) {
  TestServer s(TestServer::Options{.import_divisions = true});
  REQUIRE_SERVER(s);
  auto first = app::load_demo_organs(s.app().organs(), installer());
  ASSERT_TRUE(first) << first.error().key << " " << first.error().field;
  EXPECT_EQ(*first, 11);
  auto second = app::load_demo_organs(s.app().organs(), installer());
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, 0);
  auto top = s.app().organs().children(std::nullopt);
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ((*top)[0].name, "示范市人民政府");
  EXPECT_EQ((*top)[0].doc_prefix, "示政发");
  auto subs = s.app().organs().children((*top)[0].id);
  EXPECT_EQ(subs->size(), 10u);
  for (const auto& o : *subs) {
    auto check = core::check_identifier(
        core::IdKind::uscc, o.credit_code,
        [&](std::string_view c) { return s.app().divisions().exists(c); },
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
    EXPECT_EQ(check.status, core::IdStatus::valid) << o.name << " " << o.credit_code;
  }
}
