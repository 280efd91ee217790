// The audit log on the engine under test: records share the change's
// transaction, the sealer links them into an SM3 chain, and verify() names the
// first record that was edited or deleted behind the program's back.
#include <thread>

#include <gtest/gtest.h>

#include "app/cli.hpp"
#include "audit/audit_log.hpp"
#include "tests/support/test_server.hpp"

using yiwang::audit::AuditEvent;
using yiwang::audit::AuditLog;
using yiwang::test::TestServer;

#define REQUIRE_SERVER(s) \
  if (!(s).available()) GTEST_SKIP() << "database engine under test is not available"

namespace {
AuditEvent event(std::string name, std::string account = "zhangsan") {
  return AuditEvent{.account = std::move(account),
                    .organ = "11350100",
                    .source = "127.0.0.1",
                    .event = std::move(name),
                    .object = "thing:1",
                    .success = true,
                    .request_id = "0123456789abcdef",
                    .detail = ""};
}

long long count(yiwang::db::Database& db, const std::string& where = "1 = 1") {
  long long n = 0;
  *db.acquire() << "SELECT COUNT(*) FROM audit_records WHERE " + where, soci::into(n);
  return n;
}
}  // namespace

TEST(Audit, RecordSharesTheChangesTransaction) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& db = s.app().database();
  long long before = count(db);
  EXPECT_THROW(db.transaction([&](soci::session& t) {
    AuditLog::record(t, event("test.change"));
    throw std::runtime_error("the change failed");
  }),
               std::runtime_error);
  EXPECT_EQ(count(db), before);  // no record of a change that did not happen
  db.transaction([&](soci::session& t) { AuditLog::record(t, event("test.change")); });
  EXPECT_EQ(count(db), before + 1);
}

TEST(Audit, SealerLinksRecordsAndVerifyFindsTampering) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& log = s.app().audit_log();
  auto& db = s.app().database();
  for (int i = 0; i < 30; ++i) log.record(event("test.event." + std::to_string(i % 3)));
  yiwang::NoProgress quiet;
  auto ok = log.verify(quiet);
  ASSERT_TRUE(ok) << ok.error().params["detail"];
  EXPECT_TRUE(ok->intact);
  EXPECT_GE(ok->sealed, 30);
  EXPECT_EQ(count(db, "chain_seq IS NULL"), 0);

  // Edit one record's detail directly in the database.
  long long victim = 0;
  *db.acquire() << "SELECT id FROM audit_records WHERE chain_seq = 10", soci::into(victim);
  *db.acquire() << "UPDATE audit_records SET detail = 'nothing happened' WHERE id = :id",
      soci::use(victim);
  auto edited = log.verify(quiet);
  ASSERT_TRUE(edited);
  EXPECT_FALSE(edited->intact);
  EXPECT_EQ(edited->reason, "hash");
  EXPECT_EQ(*edited->first_broken_id, victim);
  EXPECT_EQ(*edited->first_broken_seq, 10);
}

TEST(Audit, DeletedRecordsAreDetected) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& log = s.app().audit_log();
  auto& db = s.app().database();
  for (int i = 0; i < 12; ++i) log.record(event("test.event"));
  yiwang::NoProgress quiet;
  ASSERT_TRUE(log.verify(quiet)->intact);
  *db.acquire() << "DELETE FROM audit_records WHERE chain_seq = 5";
  auto gap = log.verify(quiet);
  EXPECT_FALSE(gap->intact);
  EXPECT_EQ(gap->reason, "gap");
  EXPECT_EQ(*gap->first_broken_seq, 6);
}

TEST(Audit, DeletingTheNewestRecordsIsDetected) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& log = s.app().audit_log();
  auto& db = s.app().database();
  for (int i = 0; i < 5; ++i) log.record(event("test.event"));
  yiwang::NoProgress quiet;
  auto before = log.verify(quiet);
  ASSERT_TRUE(before->intact);
  *db.acquire() << "DELETE FROM audit_records WHERE chain_seq = :n", soci::use(before->sealed);
  auto after = log.verify(quiet);
  EXPECT_FALSE(after->intact);
  EXPECT_EQ(after->reason, "head");
}

TEST(Audit, ConcurrentWritersAllLandInTheChain) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& log = s.app().audit_log();
  long long before = count(s.app().database());
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t)
    writers.emplace_back([&log, t] {
      for (int i = 0; i < 25; ++i) log.record(event("test.concurrent", "user" + std::to_string(t)));
    });
  // Seal while they write.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(log.seal());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& w : writers) w.join();
  yiwang::NoProgress quiet;
  auto r = log.verify(quiet);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->intact);
  EXPECT_EQ(r->sealed, before + 100);
}

TEST(Audit, HostileTextIsStoredAsGivenAndFiltersAreBound) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto& log = s.app().audit_log();
  AuditEvent e = event("test.hostile", "x' OR '1'='1");
  e.detail = "<script>alert(1)</script>；全角；" + std::string(10000, 'a');
  e.object = "";
  log.record(e);
  auto found = log.find({.account = "x' OR '1'='1"});
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].event.detail.substr(0, 25), "<script>alert(1)</script>");
  EXPECT_LE((*found)[0].event.detail.size(), 4000u);  // cut, not refused
  EXPECT_EQ((*found)[0].event.object, "-");
  auto none = log.find({.account = "' OR 1=1 --"});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto by_event = log.find({.event = "test.hostile", .limit = 10});
  ASSERT_TRUE(by_event);
  EXPECT_EQ(by_event->size(), 1u);
}

TEST(Audit, CommandLineActionsAreAudited) {
  if (getenv("YIWANG_TEST_ENGINE") && std::string(getenv("YIWANG_TEST_ENGINE")) == "postgresql")
    GTEST_SKIP() << "the command-line installation uses the embedded SQLite database";
  yiwang::test::TempDir dir;
  std::string d = (dir.path() / "data").string();
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--data-dir", d});
    auto r = yiwang::test::run_yiwang(std::move(args));
    return std::pair{r.status, r.out};
  };
  ASSERT_EQ(run({"init"}).first, 0);
  ASSERT_EQ(run({"demo"}).first, 0);
  auto ok = run({"audit", "verify"});
  EXPECT_EQ(ok.first, 0) << ok.second;
  // 3 administrators, the root CA, the site name, the division table, 11 demo
  // organs, the demo staff (1 role, 14 departments, 15 positions, 17
  // accounts, their 17 grants and 17 position assignments, 11 department
  // heads), the demo seals (11 seal certificates issued and 11 seals
  // created, the role 用印人员 and its grant to 张伟), the demo document
  // flow (3 roles and their 4 grants, 发文办理, 差评整改 and the four service
  // processes deployed, one document started and its 拟稿 completed) and the
  // demo online services (6 roles and 20 grants; 4 items each saved,
  // submitted and published), the demo's base records (3 people, 4
  // enterprises) and the demo site (林海, 孙丽 and 周杰 with their positions and
  // grants and the position 主任 of 市政府办公室; 5 roles and their 6 grants; 15
  // columns; the review process deployed; 15 articles published in 2 import
  // batches), 互动交流 (the letter process deployed, 4 roles and their 8
  // grants, the column group and its 3 link columns: 17 records),
  // 依申请公开 (its 2 roles and their 2 grants, the request process deployed,
  // the 3 grants of 市发展改革委's site reviewers: 8 records) and 征集调查 (its
  // role and grant, its link column, a consultation and a survey each created
  // and published: 7 records).
  EXPECT_NE(ok.second.find("共 279 条记录"), std::string::npos) << ok.second;
  {
    yiwang::db::Options o;
    o.url = "sqlite:" + d + "/yiwang.db";
    auto db = yiwang::db::Database::open(o);
    ASSERT_TRUE(db);
    *(*db)->acquire() << "UPDATE audit_records SET account = 'someone-else' WHERE chain_seq = 1";
  }
  auto broken = run({"audit", "verify"});
  EXPECT_EQ(broken.first, 1);
  EXPECT_NE(broken.second.find("审计链断裂"), std::string::npos) << broken.second;
}
