// Which public pages a change made stale: publishing modules record paths in
// the transaction of the change; every server node follows the table and
// drops those pages from its page cache within a second of the commit (so a
// page re-rendered between a change and its commit cannot stay cached, and
// nodes behind a load balancer agree). A path ending in '*' drops every URL
// starting with what precedes it.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <soci/soci.h>

#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"

namespace yiwang::portal {

class SiteChanges {
 public:
  static std::vector<db::Migration> migrations();
  // In the caller's transaction.
  static void record(soci::session& s, const std::vector<std::string>& paths);
  // Paths recorded after `after` (change id); `after` becomes the last id.
  static Result<std::vector<std::string>> since(db::Database& db, long long& after);
  // The last change id (where a new follower starts).
  static Result<long long> last(db::Database& db);
  // Deletes changes older than a day.
  static Result<void> prune(db::Database& db);
};

// A thread that, once a second (or when poked): publishes the scheduled
// articles that are due (`tick`), then passes the stale paths to `drop`.
class SiteFollower {
 public:
  SiteFollower(db::Database& db, std::function<void()> tick,
               std::function<void(const std::string& path)> drop);
  ~SiteFollower();
  void poke();

 private:
  void run();
  db::Database& db_;
  std::function<void()> tick_;
  std::function<void(const std::string&)> drop_;
  long long last_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool poked_ = false, stop_ = false;
  std::thread thread_;
};

}  // namespace yiwang::portal
