// The site's columns (栏目): a tree the site configures. A column is a list of
// articles (news, notices, policies, interpretations, disclosure items), a
// single page (公开指南, 机构概况), a group of sub-columns, or a link to
// another part of the portal (办事服务, 领导信箱, 站内搜索). Each list column
// says after how many days without a new article it counts as stale for the
// inspection checklist (STANDARDS §3: news 2 weeks, notices and policies 6
// months).
//
// The tree is small and read on every public page, so it is kept in memory
// and reloaded after each change. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"

namespace yiwang::portal {

enum class ColumnKind { group, news, notice, policy, interpretation, disclosure, page, link };
std::string_view column_kind_name(ColumnKind k);
std::optional<ColumnKind> parse_column_kind(std::string_view name);
// Whether articles are published in columns of this kind.
bool holds_articles(ColumnKind k);

struct Column {
  long long id = 0;
  long long parent_id = 0;  // 0: top level
  std::string slug;         // in URLs: /columns/{slug}; a-z, 0-9 and '-'
  std::string name;         // 栏目名称
  std::string name_en;
  ColumnKind kind = ColumnKind::news;
  int position = 0;    // order among siblings
  std::string link;    // kind link: the portal path it leads to
  int stale_days = 0;  // 0: never stale
  std::string description;
  bool on_home = false;  // its latest articles are shown on the home page

  bool operator==(const Column&) const = default;
};

struct ColumnInput {
  std::string parent_slug;  // empty: top level
  std::string slug, name, name_en, kind, link, description;
  int position = 0;
  int stale_days = -1;  // -1: the kind's default
  bool on_home = false;
};

class ColumnStore {
 public:
  explicit ColumnStore(db::Database& db) : db_(db) {}
  static std::vector<db::Migration> migrations();

  // Reads the tree from the database (at start-up and after changes).
  Result<void> load();

  std::vector<Column> all() const;  // in tree order (parents before children, by position)
  std::optional<Column> find(long long id) const;
  std::optional<Column> by_slug(std::string_view slug) const;
  std::vector<Column> children(long long parent_id) const;
  // The column and its ancestors, from the top.
  std::vector<Column> trail(long long id) const;
  // The column and every column under it.
  std::vector<long long> subtree(long long id) const;

  // Adds a column or changes the one with that slug (configuration and the
  // demo city); audited. Nothing is written when nothing would change. Errors name the field:
  // portal.column.slug, portal.column.parent, portal.column.kind, text.*.
  Result<Column> upsert(const ColumnInput& input, const audit::AuditEvent& who);

  // Loads a tree from JSON ([{slug, name, name_en, kind, link, stale_days,
  // on_home, description, children: [...]}, ...]); how many columns were added or
  // changed. Used by `yiwang demo` (data/portal/columns.json).
  Result<int> load_tree(const nlohmann::json& tree, const audit::AuditEvent& who);

  // The default staleness of a kind, in days (0: never).
  static int default_stale_days(ColumnKind k);

 private:
  db::Database& db_;
  mutable std::shared_mutex mu_;
  std::vector<Column> columns_;
};

}  // namespace yiwang::portal
