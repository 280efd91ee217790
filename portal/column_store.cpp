#include "portal/column_store.hpp"

#include <algorithm>
#include <array>
#include <functional>

#include "core/text_rules.hpp"
#include "db/dialect.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"

namespace yiwang::portal {

namespace {

constexpr std::array<std::string_view, 8> kKindNames{
    "group", "news", "notice", "policy", "interpretation", "disclosure", "page", "link"};

bool valid_slug(std::string_view s) {
  if (s.empty() || s.size() > 40 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Column read_column(const soci::row& r) {
  Column c;
  c.id = db::row_int64(r, 0);
  c.parent_id = db::row_int64(r, 1);
  c.slug = r.get<std::string>(2);
  c.name = r.get<std::string>(3);
  c.name_en = r.get<std::string>(4);
  c.kind = parse_column_kind(r.get<std::string>(5)).value_or(ColumnKind::news);
  c.position = static_cast<int>(db::row_int64(r, 6));
  c.link = r.get<std::string>(7);
  c.stale_days = static_cast<int>(db::row_int64(r, 8));
  c.description = r.get<std::string>(9);
  c.on_home = db::row_int64(r, 10) != 0;
  return c;
}

}  // namespace

std::string_view column_kind_name(ColumnKind k) { return kKindNames[static_cast<int>(k)]; }

std::optional<ColumnKind> parse_column_kind(std::string_view name) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == name) return static_cast<ColumnKind>(i);
  return std::nullopt;
}

bool holds_articles(ColumnKind k) { return k != ColumnKind::group && k != ColumnKind::link; }

int ColumnStore::default_stale_days(ColumnKind k) {
  switch (k) {
    case ColumnKind::news:
      return 14;
    case ColumnKind::notice:
    case ColumnKind::policy:
    case ColumnKind::interpretation:
    case ColumnKind::disclosure:
      return 183;
    default:
      return 0;
  }
}

std::vector<db::Migration> ColumnStore::migrations() {
  return {{"portal", 2, "columns", R"SQL(
CREATE TABLE portal_columns (
  id ${id},
  parent_id BIGINT NOT NULL,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  kind TEXT NOT NULL,
  position INTEGER NOT NULL,
  link TEXT NOT NULL,
  stale_days INTEGER NOT NULL,
  description TEXT NOT NULL,
  on_home INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
)SQL"}};
}

Result<void> ColumnStore::load() {
  std::vector<Column> rows;
  auto read = db::guarded([&]() -> Result<void> {
    auto s = db_.acquire();
    db::query(*s,
              "SELECT id, parent_id, slug, name, name_en, kind, position, link, stale_days, "
              "description, on_home FROM portal_columns ORDER BY position, id",
              [&](const soci::row& r) { rows.push_back(read_column(r)); });
    return {};
  });
  if (!read) return read;
  // Tree order: each parent followed by its children, siblings by position.
  std::vector<Column> ordered;
  std::function<void(long long)> walk = [&](long long parent) {
    for (const auto& c : rows)
      if (c.parent_id == parent) {
        ordered.push_back(c);
        walk(c.id);
      }
  };
  walk(0);
  std::unique_lock lock(mu_);
  columns_ = std::move(ordered);
  return {};
}

std::vector<Column> ColumnStore::all() const {
  std::shared_lock lock(mu_);
  return columns_;
}

std::optional<Column> ColumnStore::find(long long id) const {
  std::shared_lock lock(mu_);
  for (const auto& c : columns_)
    if (c.id == id) return c;
  return std::nullopt;
}

std::optional<Column> ColumnStore::by_slug(std::string_view slug) const {
  std::shared_lock lock(mu_);
  for (const auto& c : columns_)
    if (c.slug == slug) return c;
  return std::nullopt;
}

std::vector<Column> ColumnStore::children(long long parent_id) const {
  std::shared_lock lock(mu_);
  std::vector<Column> out;
  for (const auto& c : columns_)
    if (c.parent_id == parent_id) out.push_back(c);
  return out;
}

std::vector<Column> ColumnStore::trail(long long id) const {
  std::vector<Column> out;
  for (auto c = find(id); c && out.size() < 20; c = find(c->parent_id)) out.push_back(*c);
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<long long> ColumnStore::subtree(long long id) const {
  std::shared_lock lock(mu_);
  std::vector<long long> out{id};
  // Tree order puts descendants after their ancestors.
  for (const auto& c : columns_)
    if (std::find(out.begin(), out.end(), c.parent_id) != out.end()) out.push_back(c.id);
  return out;
}

Result<Column> ColumnStore::upsert(const ColumnInput& in, const audit::AuditEvent& who) {
  if (!valid_slug(in.slug)) return fail("portal.column.slug", "slug");
  auto kind = parse_column_kind(in.kind);
  if (!kind) return fail("portal.column.kind", "kind");
  auto name = core::check_text(in.name, "name", 40);
  if (!name) return std::unexpected(name.error());
  auto name_en = core::check_text(in.name_en, "name_en", 80, false);
  if (!name_en) return std::unexpected(name_en.error());
  auto description = core::check_text(in.description, "description", 500, false);
  if (!description) return std::unexpected(description.error());
  std::string link = core::trim_text(in.link);
  if (*kind == ColumnKind::link &&
      (link.empty() || link.front() != '/' || link.size() > 200 || link.starts_with("//")))
    return fail("portal.column.link", "link");
  long long parent_id = 0;
  if (!in.parent_slug.empty()) {
    auto parent = by_slug(in.parent_slug);
    if (!parent || parent->slug == in.slug) return fail("portal.column.parent", "parent");
    parent_id = parent->id;
  }
  int stale = in.stale_days >= 0 ? in.stale_days : default_stale_days(*kind);
  auto before = by_slug(in.slug);
  if (before && before->parent_id == parent_id && before->name == *name &&
      before->name_en == *name_en && before->kind == *kind && before->position == in.position &&
      before->link == link && before->stale_days == stale && before->description == *description &&
      before->on_home == in.on_home)
    return *before;
  auto written = db::guarded([&]() -> Result<void> {
    return db_.transaction([&](soci::session& s) -> Result<void> {
      std::string kind_name(column_kind_name(*kind)), now = db::utc_now();
      int home = in.on_home ? 1 : 0;
      long long changed = db::execute(
          s,
          "UPDATE portal_columns SET parent_id = :p, name = :n, name_en = :e, kind = :k, "
          "position = :o, link = :l, stale_days = :s, description = :d, on_home = :h, "
          "updated_at = :u WHERE slug = :g",
          parent_id, *name, *name_en, kind_name, in.position, link, stale, *description, home, now,
          in.slug);
      if (changed == 0)
        db::execute(s,
                    "INSERT INTO portal_columns (parent_id, slug, name, name_en, kind, position, "
                    "link, stale_days, description, on_home, updated_at) VALUES (:p, :g, :n, :e, "
                    ":k, :o, :l, :s, :d, :h, :u)",
                    parent_id, in.slug, *name, *name_en, kind_name, in.position, link, stale,
                    *description, home, now);
      audit::AuditEvent e = who;
      e.event = "portal.column.save";
      e.object = "column:" + in.slug;
      audit::AuditLog::record(s, e);
      return {};
    });
  });
  if (!written) return std::unexpected(written.error());
  if (auto loaded = load(); !loaded) return std::unexpected(loaded.error());
  return *by_slug(in.slug);
}

Result<int> ColumnStore::load_tree(const nlohmann::json& tree, const audit::AuditEvent& who) {
  int count = 0;
  std::function<Result<void>(const nlohmann::json&, const std::string&)> add =
      [&](const nlohmann::json& list, const std::string& parent) -> Result<void> {
    if (!list.is_array()) return fail("portal.column.tree", "columns");
    int position = 0;
    for (const auto& c : list) {
      if (!c.is_object()) return fail("portal.column.tree", "columns");
      auto text = [&](const char* key) {
        auto it = c.find(key);
        return it != c.end() && it->is_string() ? it->get<std::string>() : std::string();
      };
      ColumnInput in;
      in.parent_slug = parent;
      in.slug = text("slug");
      in.name = text("name");
      in.name_en = text("name_en");
      in.kind = text("kind");
      in.link = text("link");
      in.description = text("description");
      in.position = position += 10;
      if (auto it = c.find("stale_days"); it != c.end() && it->is_number_integer())
        in.stale_days = it->get<int>();
      if (auto it = c.find("on_home"); it != c.end() && it->is_boolean())
        in.on_home = it->get<bool>();
      auto before = by_slug(in.slug);
      auto saved = upsert(in, who);
      if (!saved) {
        Error e = saved.error();
        e.params["slug"] = in.slug;
        return std::unexpected(e);
      }
      if (!before || *before != *saved) ++count;
      if (auto kids = c.find("children"); kids != c.end())
        if (auto r = add(*kids, in.slug); !r) return r;
    }
    return {};
  };
  if (auto r = add(tree, ""); !r) return std::unexpected(r.error());
  return count;
}

}  // namespace yiwang::portal
