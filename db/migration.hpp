// Per-module numbered schema migrations, recorded in schema_migrations and
// applied each in its own transaction, in module registration order and
// ascending number. The SQL is portable; the few dialect differences are
// written as tokens that dialect_sql() expands (see db/dialect.hpp), so both
// engines get the same schema.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "db/database.hpp"

namespace yiwang::db {

struct Migration {
  std::string module;  // owning module, e.g. "registry"
  int number = 0;      // 1, 2, 3 … within the module; never renumbered
  std::string name;    // what it does, e.g. "divisions"
  std::string sql;     // statements separated by ';' at the end of a line
};

struct MigrationStatus {
  Migration migration;
  bool applied = false;
  std::string applied_at;  // UTC, ISO 8601
};

class Migrator {
 public:
  explicit Migrator(Database& db) : db_(db) {}

  // Registers a module's migrations (they must be numbered 1..N without gaps).
  void add(const std::vector<Migration>& migrations);

  // Every registered migration and whether it has run.
  Result<std::vector<MigrationStatus>> status();
  // Applies what has not run yet; returns how many were applied. Stops at the
  // first failure, which names the module, number and database message;
  // everything before it stays applied.
  Result<int> apply(Progress& progress);

 private:
  Database& db_;
  std::vector<Migration> migrations_;
};

// Splits migration SQL into single statements.
std::vector<std::string> split_statements(const std::string& sql);

}  // namespace yiwang::db
