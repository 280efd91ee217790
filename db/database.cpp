#include "db/database.hpp"

#include "db/prepared.hpp"

#include <cctype>
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
        s = std::make_unique<soci::session>(soci::postgresql, pg_keywords(target));
        *s << "SET TIME ZONE 'UTC'";
      }
      detail::keep_statements_of(*s);
      db->sessions_.push_back(std::move(s));
      db->free_.push_back(i);
    }
  } catch (const std::exception& e) {
    return fail("db.connect", "database.url", {{"url", db->display_url_}, {"detail", e.what()}});
  }
  return db;
}

namespace {
std::string pct_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string quoted(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}
}  // namespace

std::string pg_keywords(std::string_view url) {
  std::string_view rest = url;
  for (std::string_view scheme : {"postgresql://", "postgres://"})
    if (rest.starts_with(scheme)) rest.remove_prefix(scheme.size());
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view path;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  std::vector<std::pair<std::string, std::string>> kv;
  if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = userinfo.find(':');
    kv.emplace_back("user", pct_decode(userinfo.substr(0, colon)));
    if (colon != std::string_view::npos)
      kv.emplace_back("password", pct_decode(userinfo.substr(colon + 1)));
  }
  if (!rest.empty()) {
    std::string_view host = rest, port;
    if (rest.front() == '[') {  // [::1]:5432
      auto close = rest.find(']');
      host = rest.substr(1, close == std::string_view::npos ? rest.size() - 1 : close - 1);
      if (close != std::string_view::npos && close + 1 < rest.size() && rest[close + 1] == ':')
        port = rest.substr(close + 2);
    } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
    }
    if (!host.empty()) kv.emplace_back("host", pct_decode(host));
    if (!port.empty()) kv.emplace_back("port", std::string(port));
  }
  if (!path.empty()) kv.emplace_back("dbname", pct_decode(path));
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    kv.emplace_back(pct_decode(pair.substr(0, eq)), pct_decode(pair.substr(eq + 1)));
  }
  std::string out;
  for (const auto& [k, v] : kv) {
    if (!out.empty()) out += ' ';
    out += k + "=" + quoted(v);
  }
  return out;
}

Database::~Database() {
  for (auto& s : sessions_) detail::forget_statements_of(*s);
}

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
