#include "db/migration.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "db/dialect.hpp"
#include "db/row_value.hpp"

namespace yiwang::db {

namespace {
const char* const kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " module TEXT NOT NULL,"
    " number INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL,"
    " PRIMARY KEY (module, number))";
}

std::vector<std::string> split_statements(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  std::size_t start = 0;
  while (start < sql.size()) {
    std::size_t end = sql.find('\n', start);
    if (end == std::string::npos) end = sql.size();
    std::string line = sql.substr(start, end - start);
    start = end + 1;
    std::string trimmed = line;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())))
      trimmed.pop_back();
    if (trimmed.starts_with("--")) continue;
    current += line;
    current += '\n';
    if (!trimmed.empty() && trimmed.back() == ';') {
      current.erase(current.find_last_of(';'));
      out.push_back(current);
      current.clear();
    }
  }
  if (std::any_of(current.begin(), current.end(),
                  [](char c) { return !std::isspace(static_cast<unsigned char>(c)); }))
    out.push_back(current);
  return out;
}

void Migrator::add(const std::vector<Migration>& migrations) {
  for (const auto& m : migrations) {
    int expected = 1;
    for (const auto& existing : migrations_)
      if (existing.module == m.module) expected = existing.number + 1;
    if (m.number != expected)
      throw std::invalid_argument(
          fmt::format("migrations of {} must be numbered 1..N: found {} where {} was due", m.module,
                      m.number, expected));
    migrations_.push_back(m);
  }
}

Result<std::vector<MigrationStatus>> Migrator::status() {
  std::map<std::pair<std::string, int>, std::string> applied;
  try {
    auto s = db_.acquire();
    *s << kCreateTable;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT module, number, applied_at FROM schema_migrations");
    for (const auto& r : rows)
      applied[{r.get<std::string>(0), static_cast<int>(row_int64(r, 1))}] = r.get<std::string>(2);
  } catch (const std::exception& e) {
    return fail("db.migration_status", "", {{"detail", e.what()}});
  }
  std::vector<MigrationStatus> out;
  for (const auto& m : migrations_) {
    auto it = applied.find({m.module, m.number});
    out.push_back({m, it != applied.end(), it != applied.end() ? it->second : ""});
  }
  return out;
}

Result<int> Migrator::apply(Progress& progress) {
  auto st = status();
  if (!st) return std::unexpected(st.error());
  std::vector<const Migration*> pending;
  for (const auto& s : *st)
    if (!s.applied)
      for (const auto& m : migrations_)
        if (m.module == s.migration.module && m.number == s.migration.number) pending.push_back(&m);
  int done = 0;
  if (pending.empty()) return 0;
  for (const Migration* m : pending) {
    progress.update("migrations", done, pending.size());
    try {
      db_.transaction([&](soci::session& s) {
        for (const auto& stmt : split_statements(dialect_sql(db_.engine(), m->sql))) s << stmt;
        std::string now = utc_now();
        s << "INSERT INTO schema_migrations (module, number, name, applied_at) VALUES "
             "(:m, :n, :name, :at)",
            soci::use(m->module), soci::use(m->number), soci::use(m->name), soci::use(now);
      });
    } catch (const std::exception& e) {
      progress.finish("migrations");
      return fail("db.migration_failed", "",
                  {{"module", m->module},
                   {"number", std::to_string(m->number)},
                   {"name", m->name},
                   {"detail", e.what()}});
    }
    spdlog::info("migration {} {:03d} {} applied", m->module, m->number, m->name);
    ++done;
  }
  progress.update("migrations", done, pending.size());
  progress.finish("migrations");
  return done;
}

}  // namespace yiwang::db
