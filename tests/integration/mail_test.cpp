// Outgoing mail end to end on the engine under test: the outbox written in
// the caller's transaction, the sender delivering through libcurl to an
// in-process SMTP sink, retries with backoff, and the password-reset tokens
// whose links travel by mail.
#include <atomic>
#include <chrono>
#include <regex>
#include <thread>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "db/dialect.hpp"
#include "db/migration.hpp"
#include "identity/password_reset.hpp"
#include "identity/session_store.hpp"
#include "mail/outbox.hpp"
#include "mail/smtp_sender.hpp"
#include "tests/support/smtp_sink.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::test::SmtpSink;
using yiwang::test::TestServer;

#define REQUIRE_SERVER(s) \
  if (!(s).available()) GTEST_SKIP() << "database engine under test is not available"

namespace {

const std::string kFrom = "noreply@example.gov.cn";
const std::string kPrefix = "https://www.example.gov.cn/account/reset?token=";

audit::AuditEvent visitor() { return {.account = "-", .organ = "-", .source = "192.0.2.7"}; }

std::string utc_after(std::chrono::seconds delta) {
  auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + delta;
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t);
}

bool applied(db::Database& d, const db::Migration& m) {
  int n = 0;
  *d.acquire() << "SELECT COUNT(*) FROM schema_migrations WHERE module = :m AND number = :n",
      soci::use(m.module), soci::use(m.number), soci::into(n);
  return n > 0;
}

// The mail and password-reset tables, whether or not the application already
// applies them. The outbox goes through a Migrator of its own (which skips
// what is applied); identity 8 cannot (a Migrator wants identity 1..7
// registered before it), so it is applied here the way the Migrator does it
// unless schema_migrations says it has run.
void apply_migrations(db::Database& d) {
  db::Migrator migrator(d);
  migrator.add(mail::Outbox::migrations());
  NoProgress quiet;
  auto n = migrator.apply(quiet);
  ASSERT_TRUE(n) << n.error().key << " " << n.error().params["detail"];
  auto reset = identity::PasswordResetStore::migrations();
  ASSERT_EQ(reset.size(), 1u);
  ASSERT_EQ(reset[0].module, "identity");
  ASSERT_EQ(reset[0].number, 8);
  if (applied(d, reset[0])) return;
  d.transaction([&](soci::session& s) {
    for (const auto& stmt : db::split_statements(db::dialect_sql(d.engine(), reset[0].sql)))
      s << stmt;
    std::string now = db::utc_now();
    s << "INSERT INTO schema_migrations (module, number, name, applied_at) VALUES "
         "(:m, :n, :name, :at)",
        soci::use(reset[0].module), soci::use(reset[0].number), soci::use(reset[0].name),
        soci::use(now);
  });
  EXPECT_TRUE(applied(d, reset[0]));
}

// Waits until the outbox row has a status other than "queued".
std::optional<mail::OutboxEntry> wait_settled(mail::Outbox& outbox, long long id) {
  for (int i = 0; i < 200; ++i) {
    auto e = outbox.find(id);
    if (e && *e && (*e)->status != "queued") return **e;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  return std::nullopt;
}

long long enqueue(db::Database& d, mail::Outbox& outbox, const mail::Message& m) {
  return d.transaction([&](soci::session& s) {
    auto id = outbox.enqueue(s, m);
    EXPECT_TRUE(id) << id.error().key;
    return id.value_or(0);
  });
}

// The 64-hex token after the link prefix in a mail body.
std::string token_in(const std::string& body) {
  auto at = body.find(kPrefix);
  if (at == std::string::npos) return {};
  return body.substr(at + kPrefix.size(), 64);
}

long long first_account(TestServer& s) {
  auto admins = s.app().accounts().create_administrators(
      {.account = "os:root", .organ = "-", .source = "cli"});
  EXPECT_TRUE(admins) << admins.error().key;
  return admins ? (*admins)[0].account.id : 0;
}

}  // namespace

TEST(Mail, SenderDeliversQueuedMailOverSmtp) {
  TestServer s;
  REQUIRE_SERVER(s);
  apply_migrations(s.app().database());
  SmtpSink sink;
  mail::Outbox outbox(s.app().database());
  mail::Message m{"Li.Si@Example.GOV.cn", "关于办理营业执照的通知（第 2026-001 号）",
                  "李四您好：\n您申请的事项已办结。\n.以点开头的一行\n示范市人民政府"};
  long long id = enqueue(s.app().database(), outbox, m);
  ASSERT_GT(id, 0);
  auto queued = outbox.find(id);
  ASSERT_TRUE(queued && *queued);
  EXPECT_EQ((*queued)->status, "queued");
  EXPECT_EQ((*queued)->message.to, "Li.Si@example.gov.cn");

  mail::MailSender sender(outbox, {.url = sink.url(), .from = kFrom},
                          std::chrono::milliseconds(100));
  sender.start();
  sender.poke();
  ASSERT_TRUE(sink.wait_for(1));
  auto settled = wait_settled(outbox, id);
  sender.stop();
  ASSERT_TRUE(settled);
  EXPECT_EQ(settled->status, "sent");
  EXPECT_FALSE(settled->sent_at.empty());
  EXPECT_EQ(settled->attempts, 0);

  auto received = sink.messages();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].from, kFrom);
  EXPECT_EQ(received[0].recipients, std::vector<std::string>{"Li.Si@example.gov.cn"});
  EXPECT_EQ(received[0].header("To"), "Li.Si@example.gov.cn");
  EXPECT_EQ(received[0].subject(), m.subject);
  EXPECT_EQ(received[0].text(), m.body);
  EXPECT_NE(received[0].header("Message-ID").find("@example.gov.cn>"), std::string::npos);
  // Nothing more is due.
  auto again = outbox.pending(10);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
}

TEST(Mail, EnqueueCommitsAndRollsBackWithTheCallersTransaction) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& d = s.app().database();
  apply_migrations(d);
  mail::Outbox outbox(d);
  EXPECT_THROW(d.transaction([&](soci::session& tx) {
    ASSERT_TRUE(outbox.enqueue(tx, {"a@example.cn", "主题", "正文"}));
    throw std::runtime_error("the change failed");
  }),
               std::runtime_error);
  auto refused = d.transaction([&](soci::session& tx) -> Result<long long> {
    return outbox.enqueue(tx, {"a@example.cn\r\nBcc: b@example.cn", "主题", "正文"});
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().key, "mail.invalid_address");
  int rows = -1;
  *d.acquire() << "SELECT COUNT(*) FROM mail_outbox", soci::into(rows);
  EXPECT_EQ(rows, 0);
}

TEST(Mail, FailedDeliveryBacksOffThenGivesUp) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& d = s.app().database();
  apply_migrations(d);
  SmtpSink sink;
  std::string url = sink.url();
  sink.stop();  // the port now refuses connections
  mail::Outbox outbox(d, {.max_attempts = 3, .first_retry = std::chrono::seconds(60)});
  long long id = enqueue(d, outbox, {"wang.wu@example.cn", "测试", "正文"});
  mail::MailSender sender(outbox, {.url = url, .from = kFrom, .timeout = std::chrono::seconds(5)});

  // Attempt 1: recorded, retried no sooner than a minute later.
  std::string earliest = utc_after(std::chrono::seconds(60));
  auto sent = sender.deliver_due();
  ASSERT_TRUE(sent) << sent.error().key;
  EXPECT_EQ(*sent, 0);
  auto e = outbox.find(id);
  ASSERT_TRUE(e && *e);
  EXPECT_EQ((*e)->status, "queued");
  EXPECT_EQ((*e)->attempts, 1);
  EXPECT_FALSE((*e)->last_error.empty());
  EXPECT_GE((*e)->next_attempt_at, earliest);
  auto due = outbox.pending(10);
  ASSERT_TRUE(due);
  EXPECT_TRUE(due->empty());  // not due yet

  // Attempt 2 (made due by moving the clock of the row): the wait doubles.
  auto make_due = [&] {
    *d.acquire()
        << "UPDATE mail_outbox SET next_attempt_at = '2000-01-01T00:00:00Z' WHERE id = :id",
        soci::use(id);
  };
  make_due();
  earliest = utc_after(std::chrono::seconds(120));
  ASSERT_TRUE(sender.deliver_due());
  e = outbox.find(id);
  EXPECT_EQ((*e)->status, "queued");
  EXPECT_EQ((*e)->attempts, 2);
  EXPECT_GE((*e)->next_attempt_at, earliest);

  // Attempt 3 is the last.
  make_due();
  ASSERT_TRUE(sender.deliver_due());
  e = outbox.find(id);
  EXPECT_EQ((*e)->status, "failed");
  EXPECT_EQ((*e)->attempts, 3);
  make_due();
  due = outbox.pending(10);
  ASSERT_TRUE(due);
  EXPECT_TRUE(due->empty());  // given up for good
}

TEST(Mail, ClaimedRowsAreNotClaimedTwiceAndOffMeansQueued) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& d = s.app().database();
  apply_migrations(d);
  mail::Outbox outbox(d);
  long long id = enqueue(d, outbox, {"zhao.liu@example.cn", "测试", "正文"});
  // No relay configured: nothing is claimed or sent.
  mail::MailSender off(outbox, {.url = "", .from = kFrom});
  auto none = off.deliver_due();
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);
  auto first = outbox.pending(10);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].id, id);
  EXPECT_EQ((*first)[0].message.to, "zhao.liu@example.cn");
  auto second = outbox.pending(10);  // leased by the first claim
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->empty());
  // A direct send with no relay says so.
  auto r = mail::send({.url = "", .from = kFrom}, {"a@example.cn", "s", "b"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "mail.disabled");
  auto bad = mail::send({.url = "http://example.cn", .from = kFrom}, {"a@example.cn", "s", "b"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "mail.bad_url");
}

TEST(PasswordReset, RequestMailsALinkThatWorksOnce) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& d = s.app().database();
  apply_migrations(d);
  long long account = first_account(s);
  mail::Outbox outbox(d);
  identity::PasswordResetStore resets(d, outbox, s.app().catalogue());
  auto mail_id = resets.request(account, "Sys.Admin@Example.GOV.cn", kPrefix, "zh-CN", visitor());
  ASSERT_TRUE(mail_id) << mail_id.error().key << " " << mail_id.error().params["detail"];

  auto queued = outbox.find(*mail_id);
  ASSERT_TRUE(queued && *queued);
  EXPECT_EQ((*queued)->message.to, "Sys.Admin@example.gov.cn");
  EXPECT_NE((*queued)->message.subject.find("找回密码"), std::string::npos);
  EXPECT_NE((*queued)->message.body.find("30 分钟"), std::string::npos);
  std::string token = token_in((*queued)->message.body);
  ASSERT_TRUE(std::regex_match(token, std::regex("[0-9a-f]{64}"))) << (*queued)->message.body;

  // Only the digest is stored.
  int clear = -1, digests = -1;
  *d.acquire() << "SELECT COUNT(*) FROM identity_password_resets WHERE token_digest = :t",
      soci::use(token), soci::into(clear);
  std::string digest = identity::session_token_digest(token);
  *d.acquire() << "SELECT COUNT(*) FROM identity_password_resets WHERE token_digest = :t",
      soci::use(digest), soci::into(digests);
  EXPECT_EQ(clear, 0);
  EXPECT_EQ(digests, 1);

  // The mail goes out through SMTP with the Chinese subject and the link.
  SmtpSink sink;
  mail::MailSender sender(outbox, {.url = sink.url(), .from = kFrom});
  auto sent = sender.deliver_due();
  ASSERT_TRUE(sent);
  EXPECT_EQ(*sent, 1);
  ASSERT_TRUE(sink.wait_for(1));
  auto received = sink.messages()[0];
  EXPECT_EQ(received.recipients, std::vector<std::string>{"Sys.Admin@example.gov.cn"});
  EXPECT_EQ(received.subject(), (*queued)->message.subject);
  EXPECT_EQ(token_in(received.text()), token);

  // Checking does not use it up; redeeming does, once.
  auto checked = resets.check(token);
  ASSERT_TRUE(checked);
  EXPECT_EQ(*checked, account);
  auto redeemed = resets.redeem(token, visitor());
  ASSERT_TRUE(redeemed) << redeemed.error().key;
  EXPECT_EQ(*redeemed, account);
  auto twice = resets.redeem(token, visitor());
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().key, "identity.reset.invalid_token");
  EXPECT_EQ(twice.error().field, "token");
  EXPECT_FALSE(resets.check(token));

  auto requested = s.app().audit_log().find({.event = "identity.password_reset.requested"});
  ASSERT_TRUE(requested);
  ASSERT_EQ(requested->size(), 1u);
  EXPECT_EQ((*requested)[0].event.object, "account:" + std::to_string(account));
  EXPECT_EQ((*requested)[0].event.detail.find(token), std::string::npos);
  auto redeems = s.app().audit_log().find({.event = "identity.password_reset.redeemed"});
  ASSERT_TRUE(redeems);
  ASSERT_EQ(redeems->size(), 2u);  // newest first: the refused second use, then the success
  EXPECT_FALSE((*redeems)[0].event.success);
  EXPECT_EQ((*redeems)[0].event.detail, "used");
  EXPECT_TRUE((*redeems)[1].event.success);
}

TEST(PasswordReset, ExpiredSupersededAndForgedTokensFail) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& d = s.app().database();
  apply_migrations(d);
  long long account = first_account(s);
  mail::Outbox outbox(d);
  identity::PasswordResetStore resets(d, outbox, s.app().catalogue());
  auto token_of = [&](long long mail_id) {
    auto e = outbox.find(mail_id);
    return e && *e ? token_in((*e)->message.body) : std::string();
  };
  auto first = resets.request(account, "a@example.cn", kPrefix, "en", visitor());
  ASSERT_TRUE(first);
  auto second = resets.request(account, "a@example.cn", kPrefix, "en", visitor());
  ASSERT_TRUE(second);
  std::string old_token = token_of(*first), new_token = token_of(*second);
  ASSERT_EQ(old_token.size(), 64u);
  ASSERT_NE(old_token, new_token);
  auto en = outbox.find(*second);
  EXPECT_NE((*en)->message.body.find("within 30 minutes"), std::string::npos);

  // A new request voids the earlier link.
  auto old = resets.redeem(old_token, visitor());
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().key, "identity.reset.invalid_token");

  // An expired link fails (time moved by editing the row).
  std::string digest = identity::session_token_digest(new_token);
  *d.acquire() << "UPDATE identity_password_resets SET expires_at = '2000-01-01T00:00:00Z' "
                  "WHERE token_digest = :d",
      soci::use(digest);
  EXPECT_FALSE(resets.check(new_token));
  auto expired = resets.redeem(new_token, visitor());
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().key, "identity.reset.invalid_token");

  // Forged, malformed and hostile tokens fail the same way.
  for (std::string forged : {std::string(64, '0'), std::string("abc"), std::string(""),
                             std::string("' OR 1=1 --"), new_token.substr(0, 63) + "G"}) {
    auto r = resets.redeem(forged, visitor());
    ASSERT_FALSE(r) << forged;
    EXPECT_EQ(r.error().key, "identity.reset.invalid_token");
    EXPECT_EQ(r.error().field, "token");
  }
  auto failures = s.app().audit_log().find({.event = "identity.password_reset.redeemed"});
  ASSERT_TRUE(failures);
  EXPECT_EQ(failures->size(), 7u);
  for (const auto& r : *failures) EXPECT_FALSE(r.event.success);
}

TEST(PasswordReset, ConcurrentRedeemsLetExactlyOneThrough) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& d = s.app().database();
  apply_migrations(d);
  long long account = first_account(s);
  mail::Outbox outbox(d);
  identity::PasswordResetStore resets(d, outbox, s.app().catalogue());
  auto mail_id = resets.request(account, "a@example.cn", kPrefix, "zh-CN", visitor());
  ASSERT_TRUE(mail_id);
  std::string token = token_in((*outbox.find(*mail_id))->message.body);
  std::atomic<int> wins = 0, losses = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      auto r = resets.redeem(token, visitor());
      if (r)
        ++wins;
      else if (r.error().key == "identity.reset.invalid_token")
        ++losses;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(losses.load(), 3);
}

TEST(PasswordReset, BadAddressOrRolledBackRequestLeavesNothing) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& d = s.app().database();
  apply_migrations(d);
  long long account = first_account(s);
  mail::Outbox outbox(d);
  identity::PasswordResetStore resets(d, outbox, s.app().catalogue());
  auto bad = resets.request(account, "<script>@x.cn", kPrefix, "zh-CN", visitor());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "mail.invalid_address");
  EXPECT_EQ(bad.error().field, "email");
  // The caller's transaction fails after the request: token and mail roll back together.
  EXPECT_THROW(d.transaction([&](soci::session& tx) {
    ASSERT_TRUE(resets.request(tx, account, "a@example.cn", kPrefix, "zh-CN", visitor()));
    throw std::runtime_error("the page failed later");
  }),
               std::runtime_error);
  int tokens = -1, mails = -1;
  *d.acquire() << "SELECT COUNT(*) FROM identity_password_resets", soci::into(tokens);
  *d.acquire() << "SELECT COUNT(*) FROM mail_outbox", soci::into(mails);
  EXPECT_EQ(tokens, 0);
  EXPECT_EQ(mails, 0);
}

TEST(PasswordReset, AnAccountGetsAtMostThreeMailsAnHour) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& d = s.app().database();
  apply_migrations(d);
  long long account = first_account(s);
  mail::Outbox outbox(d);
  identity::PasswordResetStore resets(d, outbox, s.app().catalogue());
  for (int i = 0; i < 3; ++i) {
    auto sent = resets.request(account, "a@example.cn", kPrefix, "en", visitor());
    ASSERT_TRUE(sent);
    EXPECT_GT(*sent, 0);
  }
  auto held = resets.request(account, "a@example.cn", kPrefix, "en", visitor());
  ASSERT_TRUE(held);
  EXPECT_EQ(*held, 0);  // nothing queued
  auto records = s.app().audit_log().find({.event = "identity.password_reset.requested"});
  ASSERT_EQ(records->size(), 4u);
  EXPECT_FALSE(records->front().event.success);  // newest first: the refusal
  EXPECT_NE(records->front().event.detail.find("limit"), std::string::npos);
  // An hour later the account may ask again (time moved by editing the rows).
  *d.acquire() << "UPDATE identity_password_resets SET created_at = '2000-01-01T00:00:00Z'";
  auto later = resets.request(account, "a@example.cn", kPrefix, "en", visitor());
  ASSERT_TRUE(later);
  EXPECT_GT(*later, 0);
}
