#include "search/search_documents.hpp"

#include <algorithm>
#include <chrono>
#include <limits>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "db/dialect.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"

namespace yiwang::search {

namespace {

// The next change number, in the caller's transaction. The one place where
// the engines differ: SQLite runs one writer at a time (transactions begin
// IMMEDIATE), so the highest number plus one is unique and never reused;
// PostgreSQL writers run side by side, so they draw from a sequence (the one
// behind search_change_numbers.n, created portably by the ${id} token) and
// never wait on one another for a number.
long long next_seq(soci::session& s) {
  long long seq = 0;
  const std::string sql =
      s.get_backend_name() == "postgresql"
          ? "SELECT nextval(pg_get_serial_sequence('search_change_numbers', 'n'))"
          : "SELECT COALESCE(MAX(seq), 0) + 1 FROM search_documents";
  db::query(s, sql, [&](const soci::row& r) { seq = db::row_int64(r, 0); });
  return seq;
}

void write(soci::session& s, const std::string& id, bool deleted, const std::string& body) {
  long long seq = next_seq(s);
  int gone = deleted ? 1 : 0;
  std::string now = db::utc_now();
  db::execute(s,
              "INSERT INTO search_documents (doc_id, seq, deleted, body, changed_at) VALUES "
              "(:i, :s, :d, :b, :c) ON CONFLICT (doc_id) DO UPDATE SET seq = excluded.seq, "
              "deleted = excluded.deleted, body = excluded.body, changed_at = excluded.changed_at",
              id, seq, gone, body, now);
}

// Columns: seq, deleted, body, changed_at, doc_id.
DocumentChange change_of(const soci::row& r) {
  DocumentChange c;
  c.seq = db::row_int64(r, 0);
  c.deleted = db::row_int64(r, 1) != 0;
  if (!c.deleted) c.doc = document_from_json(r.get<std::string>(2));
  c.doc.id = r.get<std::string>(4);  // the key, whatever the body says
  c.changed_at = r.get<std::string>(3);
  return c;
}

std::string utc_seconds_ago(int seconds) {
  auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) -
           std::chrono::seconds(seconds);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t);
}

}  // namespace

std::vector<db::Migration> SearchDocuments::migrations() {
  return {{"search", 1, "search documents (the search index's outbox)", R"SQL(
CREATE TABLE search_documents (
  doc_id TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  deleted SMALLINT NOT NULL,
  body TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE INDEX search_documents_seq ON search_documents (seq);
CREATE INDEX search_documents_changed ON search_documents (changed_at);
-- Never holds a row: on PostgreSQL the sequence behind its identity column
-- numbers the changes (see next_seq in search_documents.cpp).
CREATE TABLE search_change_numbers (
  n ${id}
);
)SQL"}};
}

void SearchDocuments::put(soci::session& s, const Document& doc) {
  write(s, doc.id, false, document_to_json(doc));
}

void SearchDocuments::remove(soci::session& s, std::string_view id) {
  std::string key(id);
  nlohmann::json body = {{"id", key}};
  write(s, key, true, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<std::vector<DocumentChange>> SearchDocuments::changes_since(db::Database& db,
                                                                   std::int64_t after,
                                                                   std::size_t limit,
                                                                   int recent_seconds) {
  return db::guarded([&]() -> Result<std::vector<DocumentChange>> {
    auto s = db.acquire();
    std::vector<DocumentChange> out;
    long long from = after;
    long long n = static_cast<long long>(std::clamp<std::size_t>(limit, 1, 100000));
    auto each = [&](const soci::row& r) { out.push_back(change_of(r)); };
    if (recent_seconds > 0) {
      std::string since = utc_seconds_ago(recent_seconds);
      db::query(
          *s,
          "SELECT seq, deleted, body, changed_at, doc_id FROM search_documents WHERE seq > :a "
          "OR changed_at >= :t ORDER BY seq LIMIT :n",
          each, from, since, n);
    } else {
      db::query(
          *s,
          "SELECT seq, deleted, body, changed_at, doc_id FROM search_documents WHERE seq > :a "
          "ORDER BY seq LIMIT :n",
          each, from, n);
    }
    return out;
  });
}

Result<std::size_t> SearchDocuments::each_live(
    db::Database& db, const std::function<void(const DocumentChange&)>& each, std::size_t batch) {
  return db::guarded([&]() -> Result<std::size_t> {
    long long n = static_cast<long long>(std::clamp<std::size_t>(batch, 1, 100000));
    long long after = std::numeric_limits<long long>::min();
    std::size_t count = 0;
    for (;;) {
      std::vector<DocumentChange> page;
      {
        auto s = db.acquire();  // held for one page only, not while `each` works
        db::query(
            *s,
            "SELECT seq, deleted, body, changed_at, doc_id FROM search_documents WHERE "
            "deleted = 0 AND seq > :a ORDER BY seq LIMIT :n",
            [&](const soci::row& r) { page.push_back(change_of(r)); }, after, n);
      }
      for (const auto& c : page) each(c);
      count += page.size();
      if (page.size() < static_cast<std::size_t>(n)) return count;
      after = page.back().seq;
    }
  });
}

Result<std::size_t> SearchDocuments::count_live(db::Database& db) {
  return db::guarded([&]() -> Result<std::size_t> {
    auto s = db.acquire();
    long long n = 0;
    db::query(*s, "SELECT COUNT(*) FROM search_documents WHERE deleted = 0",
              [&](const soci::row& r) { n = db::row_int64(r, 0); });
    return static_cast<std::size_t>(n);
  });
}

Result<std::int64_t> SearchDocuments::last_seq(db::Database& db) {
  return db::guarded([&]() -> Result<std::int64_t> {
    auto s = db.acquire();
    long long n = 0;
    db::query(*s, "SELECT COALESCE(MAX(seq), 0) FROM search_documents",
              [&](const soci::row& r) { n = db::row_int64(r, 0); });
    return static_cast<std::int64_t>(n);
  });
}

}  // namespace yiwang::search
