// The database: a pool of SOCI sessions on SQLite (the embedded default) or
// PostgreSQL (by a postgresql:// URL), and the transaction helper every
// module writes through.
//
// SQLite sessions run with WAL, foreign keys on, a busy timeout and
// synchronous=FULL. Transactions that fail because the database is busy
// (SQLite) or on a serialization failure or deadlock (PostgreSQL) are
// retried with backoff; the function passed in must therefore be safe to run
// again (it must not have side effects outside the transaction).
//
// Thread-safe: any thread may acquire a session; a session is used by one
// thread at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <expected>
#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <soci/soci.h>

#include "core/error.hpp"

namespace yiwang::db {

enum class Engine { sqlite, postgresql };

// A postgresql://user:password@host:port/dbname?key=value URL as a libpq
// keyword/value string ("host='…' port='…' …"). libpq's own URL parsing is
// not relied on: some libpq and SOCI versions together misread a URL without
// a query (dbname "postgres=").
std::string pg_keywords(std::string_view url);

struct Options {
  std::string url;  // sqlite:PATH, sqlite:///ABS/PATH, or postgresql://…
  std::size_t pool_size = 8;
  std::chrono::milliseconds busy_timeout{5000};
  int max_retries = 10;
};

struct PoolStats {
  std::size_t size = 0;
  std::size_t in_use = 0;
};

class Database {
 public:
  // Opens the pool. Fails with "db.bad_url" or "db.connect" naming the URL
  // (password removed) and the reason.
  static Result<std::unique_ptr<Database>> open(const Options& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Engine engine() const { return engine_; }
  // The URL with any password removed, for messages and logs.
  const std::string& display_url() const { return display_url_; }

  // A session borrowed from the pool; given back when the lease ends.
  class Lease {
   public:
    Lease(Database* db, std::size_t slot) : db_(db), slot_(slot) {}
    Lease(Lease&& o) noexcept : db_(std::exchange(o.db_, nullptr)), slot_(o.slot_) {}
    Lease(const Lease&) = delete;
    ~Lease() {
      if (db_) db_->give_back(slot_);
    }
    soci::session& operator*() const { return *db_->sessions_[slot_]; }
    soci::session* operator->() const { return db_->sessions_[slot_].get(); }

   private:
    Database* db_;
    std::size_t slot_;
  };

  // Borrows a session, waiting while all are in use.
  Lease acquire();

  // Runs fn(session) inside one transaction and returns what fn returns.
  // Commits when fn returns, rolls back when it throws (and rethrows), and
  // retries the whole of fn on busy/serialization failures. When fn returns a
  // std::expected holding an error, the transaction is rolled back instead of
  // committed.
  template <class F>
  auto transaction(F&& fn) -> decltype(fn(std::declval<soci::session&>()));

  PoolStats stats() const;

 private:
  Database() = default;
  void give_back(std::size_t slot);
  void begin(soci::session& s);
  bool retryable(const std::exception& e) const;
  void backoff(int attempt) const;

  template <class T>
  static bool is_failure(const T&) {
    return false;
  }
  template <class T, class E>
  static bool is_failure(const std::expected<T, E>& r) {
    return !r.has_value();
  }

  Engine engine_ = Engine::sqlite;
  std::string display_url_;
  Options options_;
  std::vector<std::unique_ptr<soci::session>> sessions_;
  std::vector<std::size_t> free_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
};

// Runs fn (which returns a Result) and turns a database exception into the
// error "db.query_failed" with the database's message, so store functions
// need no try/catch of their own.
template <class F>
auto guarded(F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return std::unexpected(Error("db.query_failed", "", {{"detail", e.what()}}));
  }
}

template <class F>
auto Database::transaction(F&& fn) -> decltype(fn(std::declval<soci::session&>())) {
  for (int attempt = 0;; ++attempt) {
    Lease s = acquire();
    try {
      begin(*s);
      using R = decltype(fn(*s));
      if constexpr (std::is_void_v<R>) {
        fn(*s);
        s->commit();
        return;
      } else {
        R result = fn(*s);
        if (is_failure(result))
          s->rollback();
        else
          s->commit();
        return result;
      }
    } catch (const std::exception& e) {
      try {
        s->rollback();
      } catch (...) {
      }
      if (attempt + 1 < options_.max_retries && retryable(e)) {
        backoff(attempt);
        continue;
      }
      throw;
    }
  }
}

}  // namespace yiwang::db
