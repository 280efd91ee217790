// The site search over a temporary SQLite database: catching up with the
// outbox, CJK matching, ranking (title, phrase, document number), facets and
// filters, paging, escaped snippets, hostile queries, and rebuilds while
// searches go on.
#include <atomic>
#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <xapian.h>

#include "search/search_documents.hpp"
#include "search/search_index.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using search::Document;
using search::SearchDocuments;
using search::SearchIndex;
using search::SearchQuery;
using search::SearchResults;

namespace {

// Chinese text that holds none of the words the tests look for.
const std::string kFiller =
    "本市各级部门认真贯彻落实有关要求，进一步提升服务水平，"
    "切实做好民生保障，推动经济社会高质量发展。";

Document doc(const std::string& id, const std::string& title, const std::string& body) {
  Document d;
  d.id = id;
  d.kind = "article";
  d.title = title;
  d.body = body;
  d.url = "/articles/" + id;
  d.published_at = "2024-01-02T03:04:05Z";
  return d;
}

class RecordingProgress : public Progress {
 public:
  void update(std::string_view what, std::uint64_t done, std::uint64_t total) override {
    EXPECT_EQ(what, "search.rebuild");
    updates.emplace_back(done, total);
  }
  void finish(std::string_view what) override {
    EXPECT_EQ(what, "search.rebuild");
    ++finished;
  }
  std::vector<std::pair<std::uint64_t, std::uint64_t>> updates;
  int finished = 0;
};

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = std::make_unique<test::TestDatabase>(dir_.path());
    db_ = test::open_migrated(*database_, {SearchDocuments::migrations()}, 4);
    if (!db_) GTEST_SKIP() << "the database under test is unavailable";
    auto index = SearchIndex::open(dir_.path() / "search");
    ASSERT_TRUE(index) << index.error().key << " " << index.error().params["detail"];
    index_ = std::move(*index);
  }
  void TearDown() override {
    index_.reset();
    db_.reset();
    database_.reset();
  }

  void put(const Document& d) {
    db_->transaction([&](soci::session& s) { SearchDocuments::put(s, d); });
  }
  void put_all(const std::vector<Document>& docs) {
    db_->transaction([&](soci::session& s) {
      for (const auto& d : docs) SearchDocuments::put(s, d);
    });
  }
  void remove(const std::string& id) {
    db_->transaction([&](soci::session& s) { SearchDocuments::remove(s, id); });
  }
  std::size_t catch_up() {
    auto n = index_->catch_up(*db_);
    EXPECT_TRUE(n) << n.error().key << " " << n.error().params["detail"];
    return n ? *n : 0;
  }
  SearchResults find(SearchQuery q) {
    auto r = index_->search(q);
    EXPECT_TRUE(r) << q.text << ": " << r.error().key << " " << r.error().params["detail"];
    return r ? *r : SearchResults{};
  }
  SearchResults find(const std::string& text) {
    SearchQuery q;
    q.text = text;
    return find(q);
  }
  static std::vector<std::string> ids(const SearchResults& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.id);
    return out;
  }
  static std::set<std::string> id_set(const SearchResults& r) {
    std::set<std::string> out;
    for (const auto& h : r.hits) out.insert(h.id);
    return out;
  }
  std::string current_target() {
    std::ifstream in(dir_.path() / "search" / "current");
    std::string type, target;
    in >> type >> target;
    return target;
  }

  test::TempDir dir_;
  std::unique_ptr<test::TestDatabase> database_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<SearchIndex> index_;
};

}  // namespace

TEST_F(SearchIndexTest, OpensAnEmptyIndexWithAStub) {
  EXPECT_EQ(current_target(), "index-1");
  EXPECT_TRUE(std::filesystem::is_directory(dir_.path() / "search" / "index-1"));
  EXPECT_EQ(index_->size(), 0u);
  EXPECT_EQ(index_->applied_seq(), 0);
  EXPECT_EQ(find("政务公开").total, 0u);
  EXPECT_EQ(catch_up(), 0u);
  // Opening again finds the same index.
  auto again = SearchIndex::open(dir_.path() / "search");
  ASSERT_TRUE(again);
  EXPECT_EQ(current_target(), "index-1");
}

TEST_F(SearchIndexTest, AMissingIndexIsRecreatedAndADamagedOneRebuilt) {
  put(doc("article:1", "关于优化营商环境的通知", kFiller));
  EXPECT_EQ(catch_up(), 1u);
  index_.reset();
  std::filesystem::remove_all(dir_.path() / "search" / "index-1");
  auto reopened = SearchIndex::open(dir_.path() / "search");
  ASSERT_TRUE(reopened);
  index_ = std::move(*reopened);
  EXPECT_EQ(index_->size(), 0u);
  EXPECT_EQ(catch_up(), 1u);  // from change 0 again
  EXPECT_EQ(find("营商环境").total, 1u);

  index_.reset();
  std::filesystem::remove_all(dir_.path() / "search" / "index-1");
  test::write_file(dir_.path() / "search" / "index-1", "not a database");
  reopened = SearchIndex::open(dir_.path() / "search");
  ASSERT_TRUE(reopened);  // opened all the same, so that it can be rebuilt
  index_ = std::move(*reopened);
  SearchQuery q;
  q.text = "营商环境";
  auto broken = index_->search(q);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().key, "search.failed");
  EXPECT_FALSE(index_->catch_up(*db_));
  NoProgress quiet;
  auto rebuilt = index_->rebuild(*db_, quiet);
  ASSERT_TRUE(rebuilt) << rebuilt.error().params["detail"];
  EXPECT_EQ(*rebuilt, 1u);
  EXPECT_EQ(find("营商环境").total, 1u);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "search" / "index-1"));
}

TEST_F(SearchIndexTest, CatchUpAppliesPutsUpdatesAndRemoves) {
  put(doc("article:1", "关于优化营商环境的通知", kFiller));
  put(doc("article:2", "关于加强教育工作的意见", kFiller));
  EXPECT_EQ(catch_up(), 2u);
  EXPECT_EQ(index_->size(), 2u);
  EXPECT_EQ(index_->applied_seq(), *SearchDocuments::last_seq(*db_));
  EXPECT_EQ(ids(find("营商环境")), std::vector<std::string>{"article:1"});
  EXPECT_EQ(catch_up(), 0u);  // nothing new (the recent window is not applied twice)

  put(doc("article:1", "关于改善交通出行的通知", kFiller));
  EXPECT_EQ(catch_up(), 1u);
  EXPECT_EQ(find("营商环境").total, 0u);
  EXPECT_EQ(ids(find("交通出行")), std::vector<std::string>{"article:1"});
  EXPECT_EQ(index_->size(), 2u);

  remove("article:2");
  EXPECT_EQ(catch_up(), 1u);
  EXPECT_EQ(find("教育工作").total, 0u);
  EXPECT_EQ(index_->size(), 1u);
  EXPECT_EQ(index_->applied_seq(), *SearchDocuments::last_seq(*db_));

  // A second SearchIndex on the same directory (another process) sees it all.
  auto other = SearchIndex::open(dir_.path() / "search");
  ASSERT_TRUE(other);
  EXPECT_EQ((*other)->size(), 1u);
  EXPECT_EQ((*other)->applied_seq(), index_->applied_seq());
}

TEST_F(SearchIndexTest, CatchUpManyChangesInSeveralBatches) {
  std::vector<Document> docs;
  for (int i = 0; i < 2500; ++i)
    docs.push_back(
        doc("article:" + std::to_string(i), "第" + std::to_string(i) + "号公告", kFiller));
  put_all(docs);
  EXPECT_EQ(catch_up(), 2500u);
  EXPECT_EQ(index_->size(), 2500u);
  EXPECT_EQ(catch_up(), 0u);
  EXPECT_EQ(index_->applied_seq(), *SearchDocuments::last_seq(*db_));
}

TEST_F(SearchIndexTest, CatchUpWaitsWhileAnotherWriterHoldsTheLock) {
  put(doc("article:1", "关于优化营商环境的通知", kFiller));
  {
    Xapian::WritableDatabase other((dir_.path() / "search" / current_target()).string(),
                                   Xapian::DB_OPEN);
    auto n = index_->catch_up(*db_);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 0u);
  }
  EXPECT_EQ(catch_up(), 1u);
  EXPECT_EQ(find("营商环境").total, 1u);
}

TEST_F(SearchIndexTest, IndexerKeepsUpInTheBackground) {
  search::Indexer indexer(*index_, *db_);
  put(doc("article:1", "关于优化营商环境的通知", kFiller));
  indexer.poke();
  bool found = false;
  for (int i = 0; i < 100 && !found; ++i) {
    found = find("营商环境").total == 1;
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(found);
}

TEST_F(SearchIndexTest, FindsChineseWordsInsideText) {
  put(doc("article:1", "年度工作报告",
          kFiller + "今年以来，我们全面推进政务公开，持续优化营商环境，" + kFiller));
  put(doc("article:2", "另一篇", kFiller));
  catch_up();
  EXPECT_EQ(ids(find("政务公开")), std::vector<std::string>{"article:1"});
  EXPECT_EQ(ids(find("营商")), std::vector<std::string>{"article:1"});              // two
  EXPECT_EQ(ids(find("优化营商环境")), std::vector<std::string>{"article:1"});      // five
  EXPECT_EQ(ids(find("持续优化营商环境")), std::vector<std::string>{"article:1"});  // eight
  EXPECT_EQ(ids(find("推进政务公开")), std::vector<std::string>{"article:1"});      // six
  EXPECT_EQ(find("政务服务中心").total, 0u);
  // Full-width digits and letters are found by half-width ones and back.
  put(doc("article:3", "２０２４年ＡＢＣ计划", kFiller));
  catch_up();
  EXPECT_EQ(ids(find("2024年abc计划")), std::vector<std::string>{"article:3"});
  EXPECT_EQ(ids(find("２０２４年")), std::vector<std::string>{"article:3"});
}

TEST_F(SearchIndexTest, ATitleMatchOutranksABodyMatch) {
  put(doc("article:body", "年度工作报告", kFiller + "推进政务公开。" + kFiller));
  put(doc("article:title", "推进政务公开工作方案", kFiller));
  put(doc("article:other", "无关", kFiller));
  catch_up();
  auto r = find("政务公开");
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].id, "article:title");
  EXPECT_EQ(r.hits[1].id, "article:body");
  EXPECT_EQ(r.hits[0].percent, 100);
  EXPECT_LT(r.hits[1].percent, 100);
  EXPECT_GE(r.hits[1].percent, 1);
}

TEST_F(SearchIndexTest, ThePhraseOutranksScatteredCharacters) {
  // Both hold 政务, 务公 and 公开; only one holds 政务公开.
  put(doc("article:scattered", "年度工作",
          "加强政务工作，坚持公开透明，履行义务公平公正，开展检查。政务工作，公开，义务公平。"));
  put(doc("article:phrase", "年度工作", kFiller + "推进政务公开。"));
  catch_up();
  auto r = find("政务公开");
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].id, "article:phrase");
  EXPECT_EQ(r.hits[1].id, "article:scattered");
  // The same for a quoted phrase and with spaces between the words.
  EXPECT_EQ(ids(find("\"政务公开\"")), std::vector<std::string>{"article:phrase"});
  EXPECT_EQ(find("政务 公开").hits.at(0).id, "article:phrase");
}

TEST_F(SearchIndexTest, ADocumentNumberFindsItsDocumentFirst) {
  Document target = doc("policy:9", "关于进一步优化政务服务的意见", kFiller);
  target.kind = "policy";
  target.doc_number = "国办发〔2019〕9号";
  put(target);
  // Documents that mention the number's parts far more often.
  put(doc("article:1", "国办发2019年文件汇编",
          "国办发2019第9号号文件，国办发2019，9号，国办发，2019，9号，国办发〔2019〕90号"));
  put(doc("article:2", "2019年9号国办发", "国办发 2019 9号 国办发 2019 9号 国办发 2019 9号"));
  catch_up();
  for (const char* typed : {"国办发〔2019〕9号", "国办发[2019]9号", "国办发（2019）9号",
                            "国办发(2019)9号", "国办发［２０１９］９号", "国办发 [2019] 9 号"}) {
    auto r = find(typed);
    ASSERT_FALSE(r.hits.empty()) << typed;
    EXPECT_EQ(r.hits[0].id, "policy:9") << typed;
    EXPECT_EQ(r.hits[0].doc_number, "国办发〔2019〕9号");
  }
  // Another number does not bring it first.
  auto r = find("国办发〔2019〕90号");
  ASSERT_FALSE(r.hits.empty());
  EXPECT_NE(r.hits[0].id, "policy:9");
}

TEST_F(SearchIndexTest, ADocumentNumberIsFoundEvenWhenTheTextIsNot) {
  // Written with spaces, the number's text holds no 京政 or 政发 bigram, so
  // the text query does not match it: the number alone brings it.
  Document target = doc("policy:1", "某某意见", kFiller);
  target.doc_number = "京 政 发〔2021〕3号";
  put(target);
  put(doc("article:2", "京政发2021年3号文件解读", kFiller + "京政发〔2021〕3号"));
  catch_up();
  auto r = find("京政发【2021】3号");
  ASSERT_EQ(r.hits.size(), 2u);
  EXPECT_EQ(r.hits[0].id, "policy:1");
  EXPECT_EQ(r.hits[1].id, "article:2");
}

TEST_F(SearchIndexTest, FacetsCountAndFiltersNarrow) {
  struct Row {
    const char *id, *column, *year, *kind, *organ;
  };
  const Row rows[] = {
      {"policy:1", "政策文件", "2019", "policy", "国务院办公厅"},
      {"policy:2", "政策文件", "2020", "policy", "国务院办公厅"},
      {"article:3", "工作动态", "2020", "article", "市发展改革委"},
      {"article:4", "工作动态", "2021", "article", "市发展改革委"},
      {"article:5", "工作动态", "2021", "article", "市教育局"},
  };
  std::vector<Document> docs;
  for (const auto& row : rows) {
    Document d = doc(row.id, "营商环境建设", kFiller);
    d.column = row.column;
    d.kind = row.kind;
    d.organ = row.organ;
    d.published_at = std::string(row.year) + "-06-01T00:00:00Z";
    docs.push_back(d);
  }
  docs.push_back(doc("article:6", "无关标题", kFiller));  // matches nothing
  put_all(docs);
  catch_up();

  auto r = find("营商环境");
  EXPECT_EQ(r.total, 5u);
  using F = std::vector<std::pair<std::string, std::size_t>>;
  auto facet = [&](const std::string& name) {
    F out;
    for (const auto& v : r.facets[name]) out.emplace_back(v.value, v.count);
    return out;
  };
  EXPECT_EQ(facet("column"), (F{{"工作动态", 3}, {"政策文件", 2}}));
  EXPECT_EQ(facet("year"), (F{{"2020", 2}, {"2021", 2}, {"2019", 1}}));
  EXPECT_EQ(facet("type"), (F{{"article", 3}, {"policy", 2}}));
  EXPECT_EQ(facet("organ"), (F{{"国务院办公厅", 2}, {"市发展改革委", 2}, {"市教育局", 1}}));

  SearchQuery q;
  q.text = "营商环境";
  q.column = "工作动态";
  EXPECT_EQ(find(q).total, 3u);
  q = {};
  q.text = "营商环境";
  q.year = "2021";
  auto y = find(q);
  EXPECT_EQ(y.total, 2u);
  EXPECT_EQ(id_set(y), (std::set<std::string>{"article:4", "article:5"}));
  q = {};
  q.text = "营商环境";
  q.kind = "policy";
  EXPECT_EQ(find(q).total, 2u);
  q = {};
  q.text = "营商环境";
  q.organ = "市教育局";
  EXPECT_EQ(ids(find(q)), std::vector<std::string>{"article:5"});
  q = {};
  q.text = "营商环境";
  q.column = "工作动态";
  q.year = "2020";
  auto both = find(q);
  EXPECT_EQ(ids(both), std::vector<std::string>{"article:3"});
  EXPECT_EQ(both.facets["column"].size(), 1u);
  q = {};
  q.text = "营商环境";
  q.organ = "不存在的机关";
  EXPECT_EQ(find(q).total, 0u);
}

TEST_F(SearchIndexTest, FacetsOfManyMatchesAreScaledToTheTotal) {
  std::vector<Document> docs;
  for (int i = 0; i < 3000; ++i) {
    Document d =
        doc("article:" + std::to_string(i), "营商环境第" + std::to_string(i) + "期", kFiller);
    d.column = i % 3 == 0 ? "政策文件" : "工作动态";
    docs.push_back(d);
  }
  put_all(docs);
  catch_up();
  auto r = find("营商环境");
  EXPECT_NEAR(static_cast<double>(r.total), 3000, 300);
  ASSERT_EQ(r.facets["column"].size(), 2u);
  EXPECT_EQ(r.facets["column"][0].value, "工作动态");
  EXPECT_NEAR(static_cast<double>(r.facets["column"][0].count), r.total * 2.0 / 3, 300);
  EXPECT_NEAR(static_cast<double>(r.facets["column"][1].count), r.total / 3.0, 300);
}

TEST_F(SearchIndexTest, PagesFollowEachOther) {
  std::vector<Document> docs;
  for (int i = 0; i < 25; ++i)
    docs.push_back(doc("article:" + std::to_string(i), "营商环境第" + std::to_string(i) + "期",
                       kFiller + std::string(i % 5, 'x')));
  put_all(docs);
  catch_up();
  SearchQuery q;
  q.text = "营商环境";
  std::set<std::string> seen;
  for (std::size_t page = 1; page <= 3; ++page) {
    q.page = page;
    auto r = find(q);
    EXPECT_EQ(r.total, 25u);
    EXPECT_EQ(r.page, page);
    EXPECT_EQ(r.page_size, 10u);
    EXPECT_EQ(r.hits.size(), page < 3 ? 10u : 5u);
    for (const auto& h : r.hits) EXPECT_TRUE(seen.insert(h.id).second) << h.id;
  }
  EXPECT_EQ(seen.size(), 25u);
  q.page = 4;
  EXPECT_TRUE(find(q).hits.empty());
  EXPECT_EQ(find(q).total, 25u);
  // Out-of-range values are clamped.
  q.page = 0;
  q.page_size = 0;
  auto r = find(q);
  EXPECT_EQ(r.page, 1u);
  EXPECT_EQ(r.page_size, 1u);
  EXPECT_EQ(r.hits.size(), 1u);
  q.page_size = 1000;
  r = find(q);
  EXPECT_EQ(r.page_size, 50u);
  EXPECT_EQ(r.hits.size(), 25u);
  q.page = std::numeric_limits<std::size_t>::max();
  EXPECT_TRUE(find(q).hits.empty());
}

TEST_F(SearchIndexTest, SnippetsMarkMatchesAndEscapeMarkup) {
  Document d = doc("article:1", "推进政务公开 <b>&</b>",
                   kFiller + "全面推进政务公开。<script>alert(1)</script> & \"引号\"" + kFiller);
  d.column = "工作动态";
  d.organ = "市政府办公室";
  put(d);
  catch_up();
  auto r = find("政务公开");
  ASSERT_EQ(r.hits.size(), 1u);
  const auto& h = r.hits[0];
  EXPECT_NE(h.snippet_html.find("<mark>"), std::string::npos) << h.snippet_html;
  EXPECT_NE(h.snippet_html.find("</mark>"), std::string::npos) << h.snippet_html;
  EXPECT_EQ(h.snippet_html.find("<script>"), std::string::npos) << h.snippet_html;
  EXPECT_NE(h.snippet_html.find("&lt;script&gt;"), std::string::npos) << h.snippet_html;
  EXPECT_NE(h.snippet_html.find("&amp;"), std::string::npos) << h.snippet_html;
  EXPECT_LE(h.snippet_html.size(), 600u);
  EXPECT_NE(h.title_html.find("<mark>"), std::string::npos) << h.title_html;
  EXPECT_NE(h.title_html.find("&lt;b&gt;&amp;&lt;/b&gt;"), std::string::npos) << h.title_html;
  // The other fields come back as stored.
  EXPECT_EQ(h.title, d.title);
  EXPECT_EQ(h.url, "/articles/article:1");
  EXPECT_EQ(h.column, "工作动态");
  EXPECT_EQ(h.organ, "市政府办公室");
  EXPECT_EQ(h.kind, "article");
  EXPECT_EQ(h.published_at, d.published_at);
}

TEST_F(SearchIndexTest, TheWholeTitleComesBackWithoutAMatchInIt) {
  put(doc("article:1", "年度工作报告", kFiller + "推进政务公开。"));
  catch_up();
  auto r = find("政务公开");
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_EQ(r.hits[0].title_html, "年度工作报告");
}

TEST_F(SearchIndexTest, HostileQueriesNeverFail) {
  put(doc("article:1", "推进政务公开", kFiller + "script alert(1) OR AND"));
  catch_up();
  std::string longest;
  for (int i = 0; i < 2500; ++i) longest += "政务公开";  // 10 000 characters
  const std::string queries[] = {
      "",
      "   ",
      "\u3000\u3000",
      "' OR 1=1 --",
      "'; DROP TABLE search_documents; --",
      "<script>alert(1)</script>",
      longest,
      std::string(10000, 'a'),
      "\"政务公开",
      "政务公开\"",
      "\"",
      "(((",
      ")",
      "AND AND",
      "AND OR",
      "OR",
      "NOT",
      "政务 AND",
      "title:",
      "title:\"",
      "+ - + -",
      "* ? ~",
      "政务 NEAR 公开",
      "政务 NEAR/999999999 公开",
      "ＡＮＤ　ＯＲ",
      "全角文字：政务公开！",
      "国办发〔",
      "国办发〔2019〕",
      "\xff\xfe bad utf-8 \xc3",
      std::string("nul\0byte", 8),
  };
  for (const auto& text : queries) {
    SearchQuery q;
    q.text = text;
    auto r = index_->search(q);
    EXPECT_TRUE(r) << text.substr(0, 40) << ": " << r.error().key << " "
                   << r.error().params["detail"];
  }
  EXPECT_EQ(find("").total, 0u);
  EXPECT_TRUE(find("").hits.empty());
  EXPECT_TRUE(find("   ").hits.empty());
  EXPECT_EQ(ids(find("<script>alert(1)</script>")), std::vector<std::string>{"article:1"});
  EXPECT_EQ(ids(find("AND OR")), std::vector<std::string>{"article:1"});
  EXPECT_EQ(ids(find("\"政务公开")), std::vector<std::string>{"article:1"});
  EXPECT_EQ(ids(find("全角文字：政务公开！")).size(), 0u);
  EXPECT_EQ(ids(find(longest)).size(), 0u);  // cut to 200 characters, which the doc lacks
}

TEST_F(SearchIndexTest, OddDocumentsAreIndexedOrSkippedWithoutStoppingTheRest) {
  Document long_id = doc("article:" + std::string(400, 'x'), "营商环境一", kFiller);
  Document long_facets = doc("article:2", "营商环境二", kFiller);
  long_facets.column = std::string(300, 'c');
  long_facets.organ = std::string(100, 'o') + "机关" + std::string(200, 'o');
  long_facets.doc_number = "国办发〔2019〕" + std::string(300, '9') + "号";
  Document empty = doc("article:3", "", "");
  empty.published_at = "";
  Document keywords = doc("article:4", "无关", kFiller);
  keywords.keywords = {"营商环境", std::string(500, 'k')};
  put_all({long_id, long_facets, empty, keywords});
  EXPECT_EQ(catch_up(), 4u);
  EXPECT_EQ(index_->size(), 4u);
  auto r = find("营商环境");
  EXPECT_EQ(r.total, 3u);
  SearchQuery q;
  q.text = "营商环境";
  q.column = long_facets.column;
  EXPECT_EQ(ids(find(q)), std::vector<std::string>{"article:2"});
  q.column = "";
  q.text = "keyword:营商环境";
  EXPECT_EQ(ids(find(q)), std::vector<std::string>{"article:4"});
  remove(long_id.id);
  EXPECT_EQ(catch_up(), 1u);
  EXPECT_EQ(index_->size(), 3u);
}

TEST_F(SearchIndexTest, RebuildGivesTheSameResultsWhileSearchesGoOn) {
  std::vector<Document> docs;
  const char* topics[] = {"营商环境", "政务公开", "教育工作", "交通出行", "医疗保障"};
  for (int i = 0; i < 1500; ++i) {
    Document d = doc("article:" + std::to_string(i),
                     std::string(topics[i % 5]) + "第" + std::to_string(i) + "期",
                     kFiller + topics[(i / 5) % 5] + kFiller);
    d.column = i % 2 ? "工作动态" : "政策文件";
    docs.push_back(d);
  }
  put_all(docs);
  remove("article:7");
  catch_up();
  std::map<std::string, std::pair<std::size_t, std::set<std::string>>> before;
  for (const char* t : topics) {
    SearchQuery q;
    q.text = t;
    q.page_size = 50;
    auto r = find(q);
    before[t] = {r.total, id_set(r)};
  }
  std::size_t size_before = index_->size();
  std::string target_before = current_target();

  std::atomic<bool> done{false};
  std::atomic<int> searches{0}, failures{0};
  std::thread searcher([&] {
    // At least a few searches, and on until the rebuild is over.
    while (!done || searches < 5) {
      SearchQuery q;
      q.text = "营商环境";
      auto r = index_->search(q);
      if (!r || r->total == 0) ++failures;
      ++searches;
    }
  });
  RecordingProgress progress;
  auto n = index_->rebuild(*db_, progress);
  done = true;
  searcher.join();
  ASSERT_TRUE(n) << n.error().key << " " << n.error().params["detail"];
  EXPECT_EQ(*n, 1499u);
  EXPECT_EQ(failures, 0);
  EXPECT_GT(searches, 0);
  EXPECT_EQ(progress.finished, 1);
  ASSERT_FALSE(progress.updates.empty());
  EXPECT_EQ(progress.updates.front(), (std::pair<std::uint64_t, std::uint64_t>{0, 1499}));
  EXPECT_EQ(progress.updates.back(), (std::pair<std::uint64_t, std::uint64_t>{1499, 1499}));

  EXPECT_NE(current_target(), target_before);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "search" / target_before));
  EXPECT_EQ(index_->size(), size_before);
  EXPECT_EQ(index_->applied_seq(), *SearchDocuments::last_seq(*db_));
  for (const char* t : topics) {
    SearchQuery q;
    q.text = t;
    q.page_size = 50;
    auto r = find(q);
    EXPECT_EQ(r.total, before[t].first) << t;
    EXPECT_EQ(id_set(r), before[t].second) << t;
  }
  // A second instance (another process) follows the swap too.
  auto other = SearchIndex::open(dir_.path() / "search");
  ASSERT_TRUE(other);
  EXPECT_EQ((*other)->size(), size_before);
}

TEST_F(SearchIndexTest, CatchUpAfterARebuildAppliesOnlyNewerChanges) {
  put(doc("article:1", "营商环境一", kFiller));
  put(doc("article:2", "营商环境二", kFiller));
  EXPECT_EQ(catch_up(), 2u);
  NoProgress quiet;
  ASSERT_TRUE(index_->rebuild(*db_, quiet));
  EXPECT_EQ(catch_up(), 0u);
  put(doc("article:3", "营商环境三", kFiller));
  remove("article:1");
  EXPECT_EQ(catch_up(), 2u);
  EXPECT_EQ(find("营商环境").total, 2u);
  EXPECT_EQ(index_->size(), 2u);
  // Rebuilt twice: still one index directory.
  ASSERT_TRUE(index_->rebuild(*db_, quiet));
  std::size_t dirs = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path() / "search"))
    if (e.is_directory()) ++dirs;
  EXPECT_EQ(dirs, 1u);
  EXPECT_EQ(find("营商环境").total, 2u);
}

TEST_F(SearchIndexTest, TwoRebuildsAtOnceLeaveOneGoodIndex) {
  std::vector<Document> docs;
  for (int i = 0; i < 600; ++i)
    docs.push_back(
        doc("article:" + std::to_string(i), "营商环境第" + std::to_string(i) + "期", kFiller));
  put_all(docs);
  auto other = SearchIndex::open(dir_.path() / "search");
  ASSERT_TRUE(other);
  Result<std::size_t> first = 0, second = 0;
  std::thread t([&] {
    NoProgress quiet;
    first = (*other)->rebuild(*db_, quiet);
  });
  NoProgress quiet;
  second = index_->rebuild(*db_, quiet);
  t.join();
  EXPECT_TRUE(first || second);
  for (const auto* r : {&first, &second})
    if (!*r) {
      EXPECT_EQ(r->error().key, "search.busy") << r->error().params.at("detail");
    }
  std::size_t dirs = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path() / "search"))
    if (e.is_directory()) ++dirs;
  EXPECT_EQ(dirs, 1u);
  EXPECT_TRUE(std::filesystem::is_directory(dir_.path() / "search" / current_target()));
  EXPECT_EQ(find("营商环境").total, 600u);
  EXPECT_EQ((*other)->size(), 600u);
}

TEST_F(SearchIndexTest, ARebuildByAnotherInstanceIsPickedUp) {
  put(doc("article:1", "营商环境一", kFiller));
  catch_up();
  EXPECT_EQ(find("营商环境").total, 1u);  // this instance's reader is open on index-1
  put(doc("article:2", "营商环境二", kFiller));
  auto other = SearchIndex::open(dir_.path() / "search");
  ASSERT_TRUE(other);
  NoProgress quiet;
  ASSERT_TRUE((*other)->rebuild(*db_, quiet));
  EXPECT_EQ(find("营商环境").total, 2u);
  // The recent window brings article:2 again here (harmless); then nothing more.
  catch_up();
  EXPECT_EQ(catch_up(), 0u);
  put(doc("article:3", "营商环境三", kFiller));
  EXPECT_EQ(catch_up(), 1u);
  EXPECT_EQ(find("营商环境").total, 3u);
}
