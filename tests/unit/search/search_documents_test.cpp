// The search outbox table on SQLite and, when YIWANG_TEST_PG_URL names a
// server, on PostgreSQL: change numbers, upserts, tombstones, the recent
// window and batched reading of the live documents.
#include <cstdlib>
#include <future>
#include <set>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "search/search_documents.hpp"
#include "search/search_index.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using search::Document;
using search::DocumentChange;
using search::SearchDocuments;

namespace {

// Sets an environment variable for the lifetime of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

Document doc(const std::string& id, const std::string& title) {
  Document d;
  d.id = id;
  d.kind = "article";
  d.title = title;
  d.body = "正文：" + title;
  d.url = "/articles/" + id;
  d.column = "工作动态";
  d.organ = "市政府办公室";
  d.published_at = "2024-05-06T07:08:09Z";
  d.keywords = {"政务", "公开"};
  return d;
}

class SearchDocumentsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      const char* url = std::getenv("YIWANG_TEST_PG_URL");
      if (!url || !*url) GTEST_SKIP() << "YIWANG_TEST_PG_URL is not set";
      ScopedEnv engine("YIWANG_TEST_ENGINE", "postgresql");
      database_ = std::make_unique<test::TestDatabase>(dir_.path());
    } else {
      ScopedEnv engine("YIWANG_TEST_ENGINE", "sqlite");
      database_ = std::make_unique<test::TestDatabase>(dir_.path());
    }
    db_ = test::open_migrated(*database_, {SearchDocuments::migrations()}, 4);
    ASSERT_TRUE(db_);
  }
  void TearDown() override {
    db_.reset();
    database_.reset();
  }

  void put(const Document& d) {
    db_->transaction([&](soci::session& s) { SearchDocuments::put(s, d); });
  }
  void remove(const std::string& id) {
    db_->transaction([&](soci::session& s) { SearchDocuments::remove(s, id); });
  }
  std::vector<DocumentChange> since(std::int64_t after, std::size_t limit = 100, int recent = 0) {
    auto r = SearchDocuments::changes_since(*db_, after, limit, recent);
    EXPECT_TRUE(r) << r.error().key << " " << r.error().params["detail"];
    return r ? *r : std::vector<DocumentChange>{};
  }

  test::TempDir dir_;
  std::unique_ptr<test::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
};

}  // namespace

TEST_P(SearchDocumentsTest, EmptyTable) {
  EXPECT_TRUE(since(0).empty());
  EXPECT_EQ(*SearchDocuments::last_seq(*db_), 0);
  EXPECT_EQ(*SearchDocuments::count_live(*db_), 0u);
  std::size_t calls = 0;
  EXPECT_EQ(*SearchDocuments::each_live(*db_, [&](const DocumentChange&) { ++calls; }), 0u);
  EXPECT_EQ(calls, 0u);
}

TEST_P(SearchDocumentsTest, PutsAreNumberedInOrderAndReadBack) {
  put(doc("article:1", "第一篇"));
  put(doc("article:2", "第二篇"));
  put(doc("article:3", "第三篇"));
  auto all = since(0);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_LT(all[0].seq, all[1].seq);
  EXPECT_LT(all[1].seq, all[2].seq);
  EXPECT_EQ(all[0].doc.id, "article:1");
  EXPECT_EQ(all[2].doc.id, "article:3");
  EXPECT_FALSE(all[0].deleted);
  EXPECT_EQ(all[0].doc.title, "第一篇");
  EXPECT_EQ(all[0].doc.body, "正文：第一篇");
  EXPECT_EQ(all[0].doc.column, "工作动态");
  EXPECT_EQ(all[0].doc.keywords, (std::vector<std::string>{"政务", "公开"}));
  EXPECT_EQ(all[0].changed_at.size(), 20u);  // YYYY-MM-DDTHH:MM:SSZ
  EXPECT_EQ(*SearchDocuments::last_seq(*db_), all[2].seq);

  auto after_first = since(all[0].seq);
  ASSERT_EQ(after_first.size(), 2u);
  EXPECT_EQ(after_first[0].doc.id, "article:2");
  auto limited = since(0, 1);
  ASSERT_EQ(limited.size(), 1u);
  EXPECT_EQ(limited[0].doc.id, "article:1");
  EXPECT_TRUE(since(all[2].seq).empty());
}

TEST_P(SearchDocumentsTest, AnUpdateTakesANewNumber) {
  put(doc("article:1", "旧标题"));
  put(doc("article:2", "第二篇"));
  auto before = since(0);
  put(doc("article:1", "新标题"));
  auto all = since(0);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].doc.id, "article:2");
  EXPECT_EQ(all[1].doc.id, "article:1");
  EXPECT_EQ(all[1].doc.title, "新标题");
  EXPECT_GT(all[1].seq, before[1].seq);
  EXPECT_EQ(*SearchDocuments::count_live(*db_), 2u);
}

TEST_P(SearchDocumentsTest, RemoveLeavesATombstone) {
  put(doc("article:1", "第一篇"));
  put(doc("article:2", "第二篇"));
  remove("article:1");
  auto all = since(0);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].doc.id, "article:1");
  EXPECT_TRUE(all[1].deleted);
  EXPECT_EQ(all[1].doc.title, "");
  EXPECT_EQ(*SearchDocuments::count_live(*db_), 1u);
  std::vector<std::string> live;
  EXPECT_EQ(
      *SearchDocuments::each_live(*db_, [&](const DocumentChange& c) { live.push_back(c.doc.id); }),
      1u);
  EXPECT_EQ(live, std::vector<std::string>{"article:2"});
  // Published again: live again.
  put(doc("article:1", "重新发布"));
  EXPECT_EQ(*SearchDocuments::count_live(*db_), 2u);
  auto last = since(all[1].seq);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_FALSE(last[0].deleted);
  EXPECT_EQ(last[0].doc.title, "重新发布");
}

TEST_P(SearchDocumentsTest, RecentChangesComeBackWhateverTheirNumber) {
  put(doc("article:1", "第一篇"));
  put(doc("article:2", "第二篇"));
  std::int64_t last = *SearchDocuments::last_seq(*db_);
  EXPECT_TRUE(since(last, 100, 0).empty());
  auto recent = since(last, 100, 60);
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_LT(recent[0].seq, recent[1].seq);
}

TEST_P(SearchDocumentsTest, RolledBackPutsLeaveNoTrace) {
  put(doc("article:1", "第一篇"));
  EXPECT_THROW(db_->transaction([&](soci::session& s) {
    SearchDocuments::put(s, doc("article:2", "第二篇"));
    throw std::runtime_error("the publication failed");
  }),
               std::runtime_error);
  auto all = since(0);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].doc.id, "article:1");
}

TEST_P(SearchDocumentsTest, EachLiveReadsInBatchesInChangeOrder) {
  for (int i = 0; i < 25; ++i)
    put(doc("article:" + std::to_string(i), "第" + std::to_string(i) + "篇"));
  remove("article:3");
  std::vector<std::int64_t> seqs;
  std::set<std::string> ids;
  auto n = SearchDocuments::each_live(
      *db_,
      [&](const DocumentChange& c) {
        seqs.push_back(c.seq);
        ids.insert(c.doc.id);
        EXPECT_FALSE(c.deleted);
        EXPECT_EQ(c.doc.url, "/articles/" + c.doc.id);
      },
      7);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 24u);
  EXPECT_EQ(ids.size(), 24u);
  EXPECT_FALSE(ids.contains("article:3"));
  EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end()));
  EXPECT_EQ(*SearchDocuments::count_live(*db_), 24u);
}

TEST_P(SearchDocumentsTest, ConcurrentWritersGetDistinctNumbers) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i)
        put(doc("article:" + std::to_string(t) + "-" + std::to_string(i), "并发"));
    });
  for (auto& th : threads) th.join();
  auto all = since(0, 1000);
  ASSERT_EQ(all.size(), 80u);
  std::set<std::int64_t> seqs;
  for (const auto& c : all) seqs.insert(c.seq);
  EXPECT_EQ(seqs.size(), 80u);
}

TEST_P(SearchDocumentsTest, HostileIdsAndTextAreStoredAsData) {
  Document d = doc("article:1'; DROP TABLE search_documents; --", "' OR 1=1 --");
  d.body = "<script>alert(1)</script> \\ \" '";
  put(d);
  remove("x' OR '1'='1");
  auto all = since(0);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].doc.id, d.id);
  EXPECT_EQ(all[0].doc.title, d.title);
  EXPECT_EQ(all[0].doc.body, d.body);
  EXPECT_EQ(all[1].doc.id, "x' OR '1'='1");
  EXPECT_TRUE(all[1].deleted);
}

// On PostgreSQL a transaction can commit after a later one that took a
// higher change number; the index must still get its change.
TEST_P(SearchDocumentsTest, ALateCommitIsStillIndexed) {
  if (GetParam() != "postgresql") GTEST_SKIP() << "SQLite runs one writer at a time";
  auto index = search::SearchIndex::open(dir_.path() / "search");
  ASSERT_TRUE(index);
  std::promise<void> numbered, release;
  std::shared_future<void> released = release.get_future().share();
  std::thread slow([&] {
    bool first = true;
    db_->transaction([&](soci::session& s) {
      SearchDocuments::put(s, doc("article:slow", "迟到的文章"));
      if (first) numbered.set_value();
      first = false;
      released.wait();
    });
  });
  numbered.get_future().wait();
  put(doc("article:fast", "先到的文章"));
  auto n = (*index)->catch_up(*db_);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1u);
  std::int64_t applied = (*index)->applied_seq();
  release.set_value();
  slow.join();
  EXPECT_LT(since(0).front().seq, applied);  // the slow one's number is below
  n = (*index)->catch_up(*db_);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1u);
  EXPECT_EQ((*index)->size(), 2u);
  search::SearchQuery q;
  q.text = "迟到";
  auto r = (*index)->search(q);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->total, 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, SearchDocumentsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });
