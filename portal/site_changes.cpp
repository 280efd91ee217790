#include "portal/site_changes.hpp"

#include <chrono>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "db/dialect.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"

namespace yiwang::portal {

std::vector<db::Migration> SiteChanges::migrations() {
  return {{"portal", 4, "stale pages", R"SQL(
CREATE TABLE portal_changes (
  id ${id},
  path TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
)SQL"}};
}

void SiteChanges::record(soci::session& s, const std::vector<std::string>& paths) {
  std::string now = db::utc_now();
  for (const auto& p : paths)
    db::execute(s, "INSERT INTO portal_changes (path, changed_at) VALUES (:p, :c)", p, now);
}

Result<std::vector<std::string>> SiteChanges::since(db::Database& db, long long& after) {
  return db::guarded([&]() -> Result<std::vector<std::string>> {
    auto s = db.acquire();
    std::vector<std::string> out;
    long long last = after;
    db::query(
        *s, "SELECT id, path FROM portal_changes WHERE id > :a ORDER BY id LIMIT 5000",
        [&](const soci::row& r) {
          last = db::row_int64(r, 0);
          out.push_back(r.get<std::string>(1));
        },
        after);
    after = last;
    return out;
  });
}

Result<long long> SiteChanges::last(db::Database& db) {
  return db::guarded([&]() -> Result<long long> {
    auto s = db.acquire();
    long long last = 0;
    db::query(*s, "SELECT MAX(id) FROM portal_changes", [&](const soci::row& r) {
      if (r.get_indicator(0) == soci::i_ok) last = db::row_int64(r, 0);
    });
    return last;
  });
}

Result<void> SiteChanges::prune(db::Database& db) {
  return db::guarded([&]() -> Result<void> {
    auto day_ago = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now() -
                                                            std::chrono::hours(24));
    std::string before = fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", day_ago);
    return db.transaction([&](soci::session& s) -> Result<void> {
      db::execute(s, "DELETE FROM portal_changes WHERE changed_at < :b", before);
      return {};
    });
  });
}

SiteFollower::SiteFollower(db::Database& db, std::function<void()> tick,
                           std::function<void(const std::string&)> drop)
    : db_(db), tick_(std::move(tick)), drop_(std::move(drop)) {
  // The cache starts empty: only later changes matter.
  last_ = SiteChanges::last(db_).value_or(0);
  thread_ = std::thread([this] { run(); });
}

SiteFollower::~SiteFollower() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void SiteFollower::poke() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  cv_.notify_all();
}

void SiteFollower::run() {
  int rounds = 0;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_ || poked_; });
      if (stop_) return;
      poked_ = false;
    }
    if (tick_) tick_();
    auto paths = SiteChanges::since(db_, last_);
    if (!paths) {
      spdlog::warn("site changes: {}", paths.error().params["detail"]);
      continue;
    }
    for (const auto& p : *paths) drop_(p);
    if (++rounds % 3600 == 0)
      if (auto pruned = SiteChanges::prune(db_); !pruned)
        spdlog::warn("site changes: {}", pruned.error().params["detail"]);
  }
}

}  // namespace yiwang::portal
