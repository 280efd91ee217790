// The database layer on the engine under test (SQLite, or PostgreSQL when
// YIWANG_TEST_ENGINE=postgresql): migrations, transactions, retries.
#include <atomic>
#include <thread>

#include <gtest/gtest.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "db/database.hpp"
#include "db/dialect.hpp"
#include "db/migration.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::test::TempDir;
using yiwang::test::TestDatabase;

namespace {
std::unique_ptr<db::Database> open(const std::string& url, std::size_t pool = 4) {
  db::Options o;
  o.url = url;
  o.pool_size = pool;
  auto d = db::Database::open(o);
  EXPECT_TRUE(d) << (d ? "" : d.error().params["detail"]);
  return d ? std::move(*d) : nullptr;
}

std::vector<db::Migration> sample() {
  return {{"sample", 1, "counters",
           "CREATE TABLE sample_counters (\n  id ${id},\n  name TEXT NOT NULL UNIQUE,\n  n BIGINT "
           "NOT NULL\n);\n"
           "-- a comment line\nCREATE INDEX sample_counters_n ON sample_counters (n);\n"},
          {"sample", 2, "blobs", "CREATE TABLE sample_blobs (k TEXT PRIMARY KEY, v ${blob});\n"}};
}

// Applies the sample migrations; false (with the reason printed) on failure.
bool apply_sample(db::Database& d) {
  db::Migrator m(d);
  m.add(sample());
  NoProgress quiet;
  auto n = m.apply(quiet);
  EXPECT_TRUE(n) << (n ? "" : n.error().params["detail"]);
  return n.has_value();
}

#define OPEN_OR_SKIP(var, dir)                                          \
  TestDatabase tdb_##var(dir.path());                                   \
  if (tdb_##var.url().empty()) GTEST_SKIP() << "no PostgreSQL to test"; \
  auto var = open(tdb_##var.url());                                     \
  ASSERT_NE(var, nullptr)
}  // namespace

TEST(Database, MigrationsApplyOnceAndAreRecorded) {
  TempDir dir;
  OPEN_OR_SKIP(d, dir);
  db::Migrator m(*d);
  m.add(sample());
  NoProgress quiet;
  auto first = m.apply(quiet);
  ASSERT_TRUE(first) << first.error().params["detail"];
  EXPECT_EQ(*first, 2);
  auto second = m.apply(quiet);
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, 0);
  auto st = m.status();
  ASSERT_TRUE(st);
  ASSERT_EQ(st->size(), 2u);
  EXPECT_TRUE((*st)[0].applied);
  EXPECT_EQ((*st)[1].applied_at.size(), 20u);  // 2026-01-01T00:00:00Z
}

TEST(Database, FailedMigrationChangesNothingAndNamesItself) {
  TempDir dir;
  OPEN_OR_SKIP(d, dir);
  db::Migrator m(*d);
  m.add({{"broken", 1, "half",
          "CREATE TABLE broken_a (x INTEGER);\nCREATE TABLE nonsense syntax here;\n"}});
  NoProgress quiet;
  auto r = m.apply(quiet);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "db.migration_failed");
  EXPECT_EQ(r.error().params["module"], "broken");
  // The first statement was rolled back with the second.
  auto s = d->acquire();
  EXPECT_THROW(*s << "SELECT COUNT(*) FROM broken_a", soci::soci_error);
}

TEST(Database, MigrationsMustBeNumberedWithoutGaps) {
  TempDir dir;
  OPEN_OR_SKIP(d, dir);
  db::Migrator m(*d);
  EXPECT_THROW(m.add({{"gap", 2, "two", "SELECT 1"}}), std::invalid_argument);
}

TEST(Database, TransactionCommitsRollsBackAndReturnsErrors) {
  TempDir dir;
  OPEN_OR_SKIP(d, dir);
  ASSERT_TRUE(apply_sample(*d));
  d->transaction(
      [](soci::session& s) { s << "INSERT INTO sample_counters (name, n) VALUES ('a', 1)"; });
  EXPECT_THROW(d->transaction([](soci::session& s) {
    s << "INSERT INTO sample_counters (name, n) VALUES ('b', 1)";
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  Result<int> refused = d->transaction([](soci::session& s) -> Result<int> {
    s << "INSERT INTO sample_counters (name, n) VALUES ('c', 1)";
    return fail("sample.refused");
  });
  EXPECT_FALSE(refused);
  int count = 0;
  *d->acquire() << "SELECT COUNT(*) FROM sample_counters", soci::into(count);
  EXPECT_EQ(count, 1);  // only 'a'
}

TEST(Database, ConcurrentWritersAllSucceed) {
  TempDir dir;
  OPEN_OR_SKIP(d, dir);
  ASSERT_TRUE(apply_sample(*d));
  d->transaction(
      [](soci::session& s) { s << "INSERT INTO sample_counters (name, n) VALUES ('hits', 0)"; });
  constexpr int kThreads = 4, kEach = 50;
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        try {
          d->transaction([](soci::session& s) {
            long long n = 0;
            s << "SELECT n FROM sample_counters WHERE name = 'hits'", soci::into(n);
            ++n;
            s << "UPDATE sample_counters SET n = :n WHERE name = 'hits'", soci::use(n);
          });
        } catch (const std::exception&) {
          ++errors;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  long long n = 0;
  *d->acquire() << "SELECT n FROM sample_counters WHERE name = 'hits'", soci::into(n);
  EXPECT_EQ(errors.load(), 0);
  if (d->engine() == db::Engine::sqlite) {
    EXPECT_EQ(n, kThreads * kEach);  // BEGIN IMMEDIATE serialises
  }
}

// db::execute keeps one prepared statement per SQL text and session: each
// call must bind its own values, report its own affected rows, survive a
// failing call and take part in the surrounding transaction.
TEST(Database, KeptStatementsBindFreshValuesEachTime) {
  TempDir dir;
  OPEN_OR_SKIP(d, dir);
  ASSERT_TRUE(apply_sample(*d));
  const std::string insert = "INSERT INTO sample_counters (name, n) VALUES (:name, :n)";
  d->transaction([&](soci::session& s) {
    for (long long i = 1; i <= 5; ++i) {
      std::string name = "k" + std::to_string(i);
      EXPECT_EQ(db::execute(s, insert, name, i * 10), 1);
    }
  });
  long long sum = 0;
  int count = 0;
  *d->acquire() << "SELECT COUNT(*), SUM(n) FROM sample_counters", soci::into(count),
      soci::into(sum);
  EXPECT_EQ(count, 5);
  EXPECT_EQ(sum, 150);

  // Affected rows are this call's: 3 rows, then none.
  const std::string bump = "UPDATE sample_counters SET n = n + 1 WHERE n >= :min";
  d->transaction([&](soci::session& s) {
    EXPECT_EQ(db::execute(s, bump, 30LL), 3);
    EXPECT_EQ(db::execute(s, bump, 1000LL), 0);
  });

  // A failing call (duplicate name) throws, and the same statement then
  // works again with other values.
  EXPECT_THROW(
      d->transaction([&](soci::session& s) { db::execute(s, insert, std::string("k1"), 1LL); }),
      std::exception);
  d->transaction([&](soci::session& s) { db::execute(s, insert, std::string("k6"), 60LL); });

  // A rolled-back transaction keeps none of the kept statement's writes.
  EXPECT_THROW(d->transaction([&](soci::session& s) {
    db::execute(s, insert, std::string("k7"), 70LL);
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  *d->acquire() << "SELECT COUNT(*), SUM(n) FROM sample_counters", soci::into(count),
      soci::into(sum);
  EXPECT_EQ(count, 6);
  EXPECT_EQ(sum, 150 + 3 + 60);

  // Text with quotes, NUL-free SQL fragments and CJK is bound, not spliced.
  const std::string hostile = "'); DROP TABLE sample_counters; -- 统一社会信用代码";
  d->transaction([&](soci::session& s) { db::execute(s, insert, hostile, 1LL); });
  std::string back;
  *d->acquire() << "SELECT name FROM sample_counters WHERE n = 1", soci::into(back);
  EXPECT_EQ(back, hostile);
}

// db::query reads every row of a kept statement, each time with the values
// of that call; db::insert_returning_id gives the new row's id.
TEST(Database, KeptQueriesReadEveryRowWithTheirOwnValues) {
  TempDir dir;
  OPEN_OR_SKIP(d, dir);
  ASSERT_TRUE(apply_sample(*d));
  std::vector<long long> ids;
  d->transaction([&](soci::session& s) {
    for (int i = 1; i <= 4; ++i)
      ids.push_back(db::insert_returning_id(
          s, "INSERT INTO sample_counters (name, n) VALUES (:name, :n) RETURNING id",
          std::string("名称") + std::to_string(i), static_cast<long long>(i)));
  });
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[2], ids[3]);
  auto names_over = [&](long long min) {
    std::vector<std::string> names;
    auto s = d->acquire();
    db::query(
        *s, "SELECT name, n FROM sample_counters WHERE n > :min ORDER BY n",
        [&](const soci::row& r) { names.push_back(r.get<std::string>(0)); }, min);
    return names;
  };
  EXPECT_EQ(names_over(2), (std::vector<std::string>{"名称3", "名称4"}));
  EXPECT_EQ(names_over(0), (std::vector<std::string>{"名称1", "名称2", "名称3", "名称4"}));
  EXPECT_TRUE(names_over(10).empty());
  EXPECT_EQ(names_over(3), (std::vector<std::string>{"名称4"}));

  // NULLs arrive as indicators, and a statement whose reader threw is
  // prepared afresh on the next call.
  d->transaction(
      [&](soci::session& s) { s << "INSERT INTO sample_blobs (k, v) VALUES ('empty', NULL)"; });
  auto s = d->acquire();
  int nulls = 0;
  db::query(
      *s, "SELECT v FROM sample_blobs WHERE k = :k",
      [&](const soci::row& r) { nulls += r.get_indicator(0) == soci::i_null; },
      std::string("empty"));
  EXPECT_EQ(nulls, 1);
  EXPECT_THROW(db::query(
                   *s, "SELECT name FROM sample_counters WHERE n > :min",
                   [](const soci::row&) { throw std::runtime_error("reader failed"); }, 0LL),
               std::runtime_error);
  int rows = 0;
  db::query(
      *s, "SELECT name FROM sample_counters WHERE n > :min", [&](const soci::row&) { ++rows; },
      0LL);
  EXPECT_EQ(rows, 4);
}

// A row callback may run statements of its own on the same session, even the
// same query: the running statement is not reused under it.
TEST(Database, KeptQueriesMayNestOnOneSession) {
  TempDir dir;
  OPEN_OR_SKIP(d, dir);
  ASSERT_TRUE(apply_sample(*d));
  const std::string insert = "INSERT INTO sample_counters (name, n) VALUES (:name, :n)";
  const std::string select = "SELECT name, n FROM sample_counters WHERE n >= :min ORDER BY n";
  d->transaction([&](soci::session& s) {
    for (long long i = 1; i <= 3; ++i)
      db::execute(s, insert, std::string("outer") + std::to_string(i), i);
  });
  std::vector<std::string> seen;
  d->transaction([&](soci::session& s) {
    db::query(
        s, select,
        [&](const soci::row& r) {
          std::string name = r.get<std::string>(0);
          if (!name.starts_with("outer")) return;
          long long n = db::row_int64(r, 1);
          // The same query nested, and a write, while the outer one runs.
          int inner = 0;
          db::query(
              s, select, [&](const soci::row&) { ++inner; }, n);
          seen.push_back(name + ":" + std::to_string(inner));
          db::execute(s, insert, "inner" + std::to_string(n), -n);  // below the outer query's range
        },
        1LL);
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"outer1:3", "outer2:2", "outer3:1"}));
  int count = 0;
  *d->acquire() << "SELECT COUNT(*) FROM sample_counters", soci::into(count);
  EXPECT_EQ(count, 6);
}

TEST(Database, KeptStatementsWorkOnSessionsOutsideThePool) {
  TempDir dir;
  OPEN_OR_SKIP(d, dir);
  ASSERT_TRUE(apply_sample(*d));
  if (d->engine() != db::Engine::sqlite) GTEST_SKIP() << "an own SQLite session";
  // A session no pool owns: the statement is prepared for the call only.
  soci::session own(soci::sqlite3, "db=" + (dir.path() / "own.db").string());
  own << "CREATE TABLE t (v TEXT)";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(db::execute(own, "INSERT INTO t (v) VALUES (:v)", i), 1);
  int n = 0;
  own << "SELECT COUNT(*) FROM t", soci::into(n);
  EXPECT_EQ(n, 3);
}

TEST(Database, BadUrlsAreRefusedWithoutLeakingPasswords) {
  db::Options o;
  o.url = "mysql://x";
  auto r = db::Database::open(o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "db.bad_url");
  EXPECT_EQ(r.error().field, "database.url");
  o.url = "postgresql://user:hunter2@127.0.0.1:1/none";
  auto pg = db::Database::open(o);
  ASSERT_FALSE(pg);
  EXPECT_EQ(pg.error().key, "db.connect");
  EXPECT_EQ(pg.error().params["url"].find("hunter2"), std::string::npos);
}

TEST(Database, SqlitePragmasAreSet) {
  TempDir dir;
  auto d = open("sqlite:" + (dir.path() / "p.db").string());
  ASSERT_NE(d, nullptr);
  auto s = d->acquire();
  std::string mode;
  int fk = 0, sync = 0;
  *s << "PRAGMA journal_mode", soci::into(mode);
  *s << "PRAGMA foreign_keys", soci::into(fk);
  *s << "PRAGMA synchronous", soci::into(sync);
  EXPECT_EQ(mode, "wal");
  EXPECT_EQ(fk, 1);
  EXPECT_EQ(sync, 2);  // FULL
}

TEST(Dialect, TokensExpandPerEngine) {
  EXPECT_EQ(db::dialect_sql(db::Engine::sqlite, "x ${id}, y ${blob}"),
            "x INTEGER PRIMARY KEY AUTOINCREMENT, y BLOB");
  EXPECT_EQ(db::dialect_sql(db::Engine::postgresql, "y ${blob}"), "y BYTEA");
  auto parts =
      db::split_statements("CREATE TABLE a (x TEXT);\n-- note;\nCREATE TABLE b (y TEXT);\n");
  ASSERT_EQ(parts.size(), 2u);
}
