// The second factor against the real database: enrolment, codes that work
// once (also when two arrive at the same moment), recovery codes, the
// administrator's reset, and the audit records of each step.
#include <atomic>
#include <barrier>
#include <cctype>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/dialect.hpp"
#include "db/migration.hpp"
#include "identity/second_factor_store.hpp"
#include "identity/totp.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::test::TestServer;

#define REQUIRE_SERVER(s) \
  if (!(s).available()) GTEST_SKIP() << "database engine under test is not available"

namespace {

constexpr std::chrono::sys_seconds kT0{std::chrono::seconds(1'750'000'020)};  // a step boundary
constexpr std::chrono::seconds kStep{30};

audit::AuditEvent installer() { return {.account = "os:root", .organ = "-", .source = "cli"}; }
audit::AuditEvent user() {
  return {.account = "sysadmin", .organ = "-", .source = "127.0.0.1", .request_id = "req-2fa"};
}

// The tables of migration identity 7, unless the application applied it.
void ensure_tables(db::Database& db) {
  db.transaction([&](soci::session& s) {
    long long applied = 0;
    s << "SELECT COUNT(*) FROM schema_migrations WHERE module = 'identity' AND number = 7",
        soci::into(applied);
    if (applied) return;
    for (const auto& m : identity::SecondFactorStore::migrations())
      for (const auto& stmt : db::split_statements(db::dialect_sql(db.engine(), m.sql))) s << stmt;
  });
}

// The id of the account sysadmin, created for the test.
long long sysadmin(TestServer& s) {
  auto admins = s.app().accounts().create_administrators(installer());
  EXPECT_TRUE(admins) << admins.error().key << " " << admins.error().params["detail"];
  for (const auto& a : *admins)
    if (a.account.name == "sysadmin") return a.account.id;
  return 0;
}

// The code of a base32 secret at a time.
std::string code_at(const std::string& secret, std::chrono::sys_seconds t) {
  return identity::totp_code(identity::base32_decode(secret).value(), t.time_since_epoch().count());
}

// A six-digit code that matches none of the steps around t.
std::string wrong_code(const std::string& secret, std::chrono::sys_seconds t) {
  std::set<std::string> near{code_at(secret, t - kStep), code_at(secret, t),
                             code_at(secret, t + kStep)};
  for (int i = 0;; ++i) {
    std::string c = fmt::format("{:06d}", i);
    if (!near.contains(c)) return c;
  }
}

std::string key_of(const Error& e) { return e.key + (e.field.empty() ? "" : "@" + e.field); }

}  // namespace

TEST(SecondFactor, EnrolVerifyRecoverDisable) {
  TestServer s;
  REQUIRE_SERVER(s);
  ensure_tables(s.app().database());
  identity::SecondFactorStore store(s.app().database(), s.app().keyring(), "示范市人民政府");
  long long id = sysadmin(s);
  ASSERT_NE(id, 0);
  EXPECT_FALSE(store.enrolled(id).value());

  // Enrolment begins with a pending secret that does not count yet.
  auto pending = store.begin_enrolment(id, user());
  ASSERT_TRUE(pending) << pending.error().key << " " << pending.error().params["detail"];
  EXPECT_EQ(identity::base32_decode(pending->secret).value().size(), 20u);
  EXPECT_TRUE(pending->uri.starts_with("otpauth://totp/%E7%A4%BA%E8%8C%83%E5%B8%82"))
      << pending->uri;
  EXPECT_NE(pending->uri.find(":sysadmin?secret=" + pending->secret + "&"), std::string::npos);
  EXPECT_FALSE(store.enrolled(id).value());
  EXPECT_EQ(key_of(store.verify(id, code_at(pending->secret, kT0), kT0, user()).error()),
            "identity.totp.not_enrolled");

  // A wrong or malformed code leaves it pending.
  auto wrong = store.confirm_enrolment(id, wrong_code(pending->secret, kT0), kT0, user());
  ASSERT_FALSE(wrong);
  EXPECT_EQ(key_of(wrong.error()), "identity.totp.wrong_code@code");
  EXPECT_EQ(key_of(store.confirm_enrolment(id, "12345", kT0, user()).error()),
            "identity.totp.invalid_format@code");
  EXPECT_FALSE(store.enrolled(id).value());

  // The right code activates it and gives ten recovery codes.
  auto codes = store.confirm_enrolment(id, code_at(pending->secret, kT0), kT0, user());
  ASSERT_TRUE(codes) << codes.error().key << " " << codes.error().params["detail"];
  ASSERT_EQ(codes->size(), 10u);
  EXPECT_EQ(std::set<std::string>(codes->begin(), codes->end()).size(), 10u);
  for (const auto& c : *codes) EXPECT_EQ(identity::normalise_recovery_code(c).value(), c);
  EXPECT_TRUE(store.enrolled(id).value());
  EXPECT_EQ(store.remaining_recovery_codes(id).value(), 10);
  EXPECT_EQ(key_of(store.confirm_enrolment(id, code_at(pending->secret, kT0), kT0, user()).error()),
            "identity.totp.no_pending");

  // Each code works once; the one used to confirm counts as used.
  EXPECT_EQ(key_of(store.verify(id, code_at(pending->secret, kT0), kT0, user()).error()),
            "identity.totp.replayed@code");
  auto t1 = kT0 + kStep;
  auto ok = store.verify(id, code_at(pending->secret, t1), t1, user());
  EXPECT_TRUE(ok) << ok.error().key;
  EXPECT_EQ(key_of(store.verify(id, code_at(pending->secret, t1), t1, user()).error()),
            "identity.totp.replayed@code");
  EXPECT_EQ(key_of(store.verify(id, code_at(pending->secret, kT0), t1, user()).error()),
            "identity.totp.replayed@code");  // older than the last one used
  EXPECT_EQ(key_of(store.verify(id, wrong_code(pending->secret, t1), t1, user()).error()),
            "identity.totp.wrong_code@code");
  EXPECT_EQ(key_of(store.verify(id, "<script>", t1, user()).error()),
            "identity.totp.invalid_format@code");
  auto t2 = t1 + kStep;
  EXPECT_TRUE(store.verify(id, code_at(pending->secret, t2), t2, user()));
  // The phone may run a step ahead.
  EXPECT_TRUE(store.verify(id, code_at(pending->secret, t2 + kStep), t2, user()));

  // Recovery codes: each works once, typed in any case.
  auto left = store.use_recovery_code(id, (*codes)[0], user());
  ASSERT_TRUE(left) << left.error().key;
  EXPECT_EQ(*left, 9);
  EXPECT_EQ(key_of(store.use_recovery_code(id, (*codes)[0], user()).error()),
            "identity.recovery.wrong_code@code");
  EXPECT_EQ(store.remaining_recovery_codes(id).value(), 9);
  std::string upper = (*codes)[1];
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(store.use_recovery_code(id, upper, user()).value(), 8);
  EXPECT_EQ(key_of(store.use_recovery_code(id, "abcd-efgh-jkmn", user()).error()),
            "identity.recovery.wrong_code@code");
  EXPECT_EQ(key_of(store.use_recovery_code(id, "123456", user()).error()),
            "identity.recovery.invalid_format@code");
  EXPECT_EQ(store.remaining_recovery_codes(id).value(), 8);

  // New recovery codes replace the old ones.
  auto fresh = store.regenerate_recovery_codes(id, user());
  ASSERT_TRUE(fresh);
  EXPECT_EQ(store.remaining_recovery_codes(id).value(), 10);
  EXPECT_FALSE(store.use_recovery_code(id, (*codes)[2], user()));
  EXPECT_EQ(store.use_recovery_code(id, (*fresh)[2], user()).value(), 9);

  // The security administrator's reset.
  ASSERT_TRUE(store.disable(id, {.account = "secadmin", .organ = "-", .source = "127.0.0.1"}));
  EXPECT_FALSE(store.enrolled(id).value());
  EXPECT_EQ(store.remaining_recovery_codes(id).value(), 0);
  auto t9 = t2 + 10 * kStep;
  EXPECT_EQ(key_of(store.verify(id, code_at(pending->secret, t9), t9, user()).error()),
            "identity.totp.not_enrolled");
  EXPECT_EQ(key_of(store.use_recovery_code(id, (*fresh)[3], user()).error()),
            "identity.totp.not_enrolled");
  EXPECT_EQ(key_of(store.disable(id, user()).error()), "identity.totp.not_enrolled");

  // Audit records of each step, none holding the secret or a recovery code.
  auto& log = s.app().audit_log();
  auto count = [&](const std::string& event, bool success) {
    auto records = log.find({.event = event, .limit = 100});
    EXPECT_TRUE(records);
    int n = 0;
    for (const auto& r : *records) {
      EXPECT_EQ(r.event.object, "account:sysadmin") << event;
      EXPECT_EQ(r.event.detail.find(pending->secret), std::string::npos) << event;
      for (const auto& c : *codes) EXPECT_EQ(r.event.detail.find(c), std::string::npos) << event;
      if (r.event.success == success) ++n;
    }
    return n;
  };
  EXPECT_EQ(count("identity.totp.enrolment_started", true), 1);
  EXPECT_EQ(count("identity.totp.enrolled", true), 1);
  EXPECT_EQ(count("identity.totp.enrolled", false), 2);
  EXPECT_EQ(count("identity.totp.verify", true), 3);
  EXPECT_EQ(count("identity.totp.verify", false), 5);
  EXPECT_EQ(count("identity.recovery.used", true), 3);
  EXPECT_EQ(count("identity.recovery.used", false), 4);
  EXPECT_EQ(count("identity.recovery.regenerated", true), 1);
  EXPECT_EQ(count("identity.totp.disabled", true), 1);
  auto reset = log.find({.event = "identity.totp.disabled"});
  ASSERT_TRUE(reset && reset->size() == 1);
  EXPECT_EQ((*reset)[0].event.account, "secadmin");
  EXPECT_EQ(log.find({.event = "identity.totp.verify", .limit = 1}).value()[0].event.request_id,
            "req-2fa");
}

TEST(SecondFactor, ConcurrentUsesOfOneCodeGiveOneSuccess) {
  TestServer s;
  REQUIRE_SERVER(s);
  ensure_tables(s.app().database());
  identity::SecondFactorStore store(s.app().database(), s.app().keyring());
  long long id = sysadmin(s);
  auto pending = store.begin_enrolment(id, user());
  ASSERT_TRUE(pending);
  auto codes = store.confirm_enrolment(id, code_at(pending->secret, kT0), kT0, user());
  ASSERT_TRUE(codes);

  constexpr int kThreads = 4;
  for (int round = 1; round <= 3; ++round) {
    auto t = kT0 + round * kStep;
    std::string code = code_at(pending->secret, t);
    std::string recovery = (*codes)[static_cast<std::size_t>(round)];
    std::atomic<int> totp_ok{0}, totp_replayed{0}, recovery_ok{0}, recovery_wrong{0};
    std::barrier start(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
      threads.emplace_back([&] {
        start.arrive_and_wait();
        auto r = store.verify(id, code, t, user());
        if (r)
          ++totp_ok;
        else if (r.error().key == "identity.totp.replayed")
          ++totp_replayed;
        auto u = store.use_recovery_code(id, recovery, user());
        if (u)
          ++recovery_ok;
        else if (u.error().key == "identity.recovery.wrong_code")
          ++recovery_wrong;
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(totp_ok.load(), 1) << round;
    EXPECT_EQ(totp_replayed.load(), kThreads - 1) << round;
    EXPECT_EQ(recovery_ok.load(), 1) << round;
    EXPECT_EQ(recovery_wrong.load(), kThreads - 1) << round;
  }
  EXPECT_EQ(store.remaining_recovery_codes(id).value(), 7);
}

TEST(SecondFactor, NewEnrolmentKeepsTheOldSecretUntilConfirmed) {
  TestServer s;
  REQUIRE_SERVER(s);
  ensure_tables(s.app().database());
  identity::SecondFactorStore store(s.app().database(), s.app().keyring());
  long long id = sysadmin(s);
  auto first = store.begin_enrolment(id, user());
  ASSERT_TRUE(first);
  auto old_codes = store.confirm_enrolment(id, code_at(first->secret, kT0), kT0, user());
  ASSERT_TRUE(old_codes);

  // A new phone: the pending secret does not replace the active one yet.
  auto second = store.begin_enrolment(id, user());
  ASSERT_TRUE(second);
  EXPECT_NE(second->secret, first->secret);
  auto t1 = kT0 + kStep;
  EXPECT_TRUE(store.verify(id, code_at(first->secret, t1), t1, user()));
  EXPECT_TRUE(store.enrolled(id).value());

  auto t2 = t1 + kStep;
  auto new_codes = store.confirm_enrolment(id, code_at(second->secret, t2), t2, user());
  ASSERT_TRUE(new_codes) << new_codes.error().key;
  auto t3 = t2 + kStep;
  EXPECT_EQ(key_of(store.verify(id, code_at(first->secret, t3), t3, user()).error()),
            "identity.totp.wrong_code@code");
  EXPECT_TRUE(store.verify(id, code_at(second->secret, t3), t3, user()));
  EXPECT_FALSE(store.use_recovery_code(id, (*old_codes)[0], user()));
  EXPECT_TRUE(store.use_recovery_code(id, (*new_codes)[0], user()));

  // Unknown accounts.
  EXPECT_EQ(key_of(store.begin_enrolment(999999, user()).error()), "identity.account.not_found");
  EXPECT_FALSE(store.enrolled(999999).value());
}

TEST(SecondFactor, TheEnrolmentPageShownAgainKeepsThePendingSecret) {
  TestServer s;
  REQUIRE_SERVER(s);
  ensure_tables(s.app().database());
  identity::SecondFactorStore store(s.app().database(), s.app().keyring());
  long long id = sysadmin(s);
  auto first = store.begin_enrolment(id, user());
  auto again = store.begin_enrolment(id, user());
  ASSERT_TRUE(first && again);
  EXPECT_EQ(again->secret, first->secret);  // what was scanned still works
  EXPECT_EQ(again->uri, first->uri);
  auto started = s.app().audit_log().find({.event = "identity.totp.enrolment_started"});
  EXPECT_EQ(started->size(), 1u);
  // A pending secret older than ten minutes is replaced.
  s.app().database().transaction([&](soci::session& x) {
    x << "UPDATE identity_totp SET updated_at = '2020-01-01T00:00:00Z' WHERE account_id = :a",
        soci::use(id);
  });
  auto later = store.begin_enrolment(id, user());
  ASSERT_TRUE(later);
  EXPECT_NE(later->secret, first->secret);
}
