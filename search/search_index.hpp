// The site search (DESIGN §4): a Xapian database with CJK n-grams on both
// indexing and query parsing, kept in <data dir>/search. The directory holds a
// stub file naming the current database, so a rebuild writes a new database
// beside it and swaps the stub atomically while searches go on.
//
// Ranking: a match in the title weighs more than one in the body, documents
// holding the query as a phrase come before those holding only its parts, and
// a query that is a document number (国办发〔2019〕9号) finds that document first
// however its brackets were typed. Results carry facets (column, year, type,
// organ) and snippets with the matched words highlighted (HTML-escaped, <mark>).
//
// Thread-safe: searches may run on any thread while one writer (the server's
// Indexer, or `yiwang reindex`) changes the index.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "db/database.hpp"
#include "search/document.hpp"

namespace yiwang::search {

struct SearchQuery {
  std::string text;  // as typed (trimmed and limited to 200 characters by the caller)
  // Filters: empty means any.
  std::string column, year, kind, organ;
  std::size_t page = 1;        // from 1
  std::size_t page_size = 10;  // 1..50
};

struct SearchHit {
  std::string id, kind, title, url, column, organ, doc_number, published_at;
  std::string title_html;    // the title, escaped, matches in <mark>
  std::string snippet_html;  // up to ~120 characters of the body around the matches
  int percent = 0;           // relevance 1..100, relative to the best match
};

struct FacetValue {
  std::string value;
  std::size_t count = 0;
};

struct SearchResults {
  std::size_t total = 0;  // Xapian's estimate (exact for small result sets)
  std::size_t page = 1, page_size = 10;
  std::vector<SearchHit> hits;
  // "column", "year", "type", "organ" → values by falling count.
  std::map<std::string, std::vector<FacetValue>> facets;
};

class SearchIndex {
 public:
  // Opens (creating when absent) the index under `dir`.
  static Result<std::unique_ptr<SearchIndex>> open(const std::filesystem::path& dir);
  ~SearchIndex();

  Result<SearchResults> search(const SearchQuery& q) const;

  // Applies the changes after the last one this index has seen (recorded in
  // the index itself); returns how many were applied. Safe to call often.
  Result<std::size_t> catch_up(db::Database& db);

  // Builds a new database from every live document of SearchDocuments, then
  // makes it current; searches meanwhile use the old one. Returns the count.
  Result<std::size_t> rebuild(db::Database& db, Progress& progress);

  // The change number the index has reached, and its document count.
  std::int64_t applied_seq() const;
  std::size_t size() const;

 private:
  struct Impl;
  explicit SearchIndex(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Keeps an index caught up while the server runs: catch_up once a second and
// at once when poked (after a publication), on its own thread.
class Indexer {
 public:
  // `applied`, when given, is called on the indexer's thread after a round
  // that changed the index (the server drops its cached search pages then:
  // they are stale when the index changes, not when the database does).
  Indexer(SearchIndex& index, db::Database& db, std::function<void()> applied = {});
  ~Indexer();  // stops the thread
  void poke();

 private:
  void run();
  SearchIndex& index_;
  db::Database& db_;
  std::function<void()> applied_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool poked_ = false;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace yiwang::search
