// Site settings that the portal keeps in the database (so every node of a
// cluster sees the same): for now the site name that `yiwang demo` or an
// administrator sets over the configured default.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"

namespace yiwang::portal {

class SiteSettings {
 public:
  explicit SiteSettings(db::Database& db) : db_(db) {}

  static std::vector<db::Migration> migrations();

  // The stored value of a setting, or nullopt.
  Result<std::optional<std::string>> get(const std::string& key);
  // Stores a value (insert or replace) in its own transaction, with the audit
  // record of who changed it (`who.event` and `who.object` are filled in).
  Result<void> set(const std::string& key, const std::string& value, audit::AuditEvent who);

 private:
  db::Database& db_;
};

}  // namespace yiwang::portal
