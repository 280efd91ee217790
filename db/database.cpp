#include "db/database.hpp"

#include <random>
#include <regex>
#include <thread>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>

namespace yiwang::db {

namespace {

// postgresql://user:secret@host/db → postgresql://user:***@host/db
std::string hide_password(const std::string& url) {
  static const std::regex re(R"(^([a-z]+://[^:/@]+:)[^@]*@)");
  std::string out = std::regex_replace(url, re, "$1***@");
  static const std::regex kv(R"((password\s*=\s*)\S+)");
  return std::regex_replace(out, kv, "$1***");
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const Options& options) {
  std::unique_ptr<Database> db(new Database());
  db->options_ = options;
  db->display_url_ = hide_password(options.url);
  std::string target;
  if (options.url.starts_with("sqlite:")) {
    db->engine_ = Engine::sqlite;
    target = options.url.substr(7);
    if (target.starts_with("//")) target = target.substr(2);
    if (target.empty()) return fail("db.bad_url", "database.url", {{"url", db->display_url_}});
  } else if (options.url.starts_with("postgresql://") || options.url.starts_with("postgres://")) {
    db->engine_ = Engine::postgresql;
    target = options.url;
  } else {
    return fail("db.bad_url", "database.url", {{"url", db->display_url_}});
  }
  std::size_t n = std::max<std::size_t>(1, options.pool_size);
  try {
    for (std::size_t i = 0; i < n; ++i) {
      std::unique_ptr<soci::session> s;
      if (db->engine_ == Engine::sqlite) {
        s = std::make_unique<soci::session>(
            soci::sqlite3,
            "db=" + target + " timeout=" + std::to_string(options.busy_timeout.count() / 1000 + 1));
        *s << "PRAGMA busy_timeout = " << options.busy_timeout.count();
        *s << "PRAGMA journal_mode = WAL";
        *s << "PRAGMA foreign_keys = ON";
        *s << "PRAGMA synchronous = FULL";
      } else {
        s = std::make_unique<soci::session>(soci::postgresql, target);
        *s << "SET TIME ZONE 'UTC'";
      }
      db->sessions_.push_back(std::move(s));
      db->free_.push_back(i);
    }
  } catch (const std::exception& e) {
    return fail("db.connect", "database.url", {{"url", db->display_url_}, {"detail", e.what()}});
  }
  return db;
}

Database::~Database() = default;

Database::Lease Database::acquire() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !free_.empty(); });
  std::size_t slot = free_.back();
  free_.pop_back();
  return Lease(this, slot);
}

void Database::give_back(std::size_t slot) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(slot);
  }
  cv_.notify_one();
}

void Database::begin(soci::session& s) {
  if (engine_ == Engine::sqlite)
    s << "BEGIN IMMEDIATE";  // take the write lock up front: no upgrade deadlocks
  else
    s.begin();
}

bool Database::retryable(const std::exception& e) const {
  if (auto* le = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    int rc = le->result() & 0xff;
    return rc == 5 /* SQLITE_BUSY */ || rc == 6 /* SQLITE_LOCKED */;
  }
  if (auto* pe = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    std::string state = pe->sqlstate();
    return state == "40001" || state == "40P01";
  }
  return false;
}

void Database::backoff(int attempt) const {
  thread_local std::mt19937 rng{std::random_device{}()};
  int ceiling = 5 << std::min(attempt, 6);
  std::uniform_int_distribution<int> d(1, ceiling);
  std::this_thread::sleep_for(std::chrono::milliseconds(d(rng)));
}

PoolStats Database::stats() const {
  std::lock_guard lock(mu_);
  return {sessions_.size(), sessions_.size() - free_.size()};
}

}  // namespace yiwang::db
