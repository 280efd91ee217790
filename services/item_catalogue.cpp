#include "services/item_catalogue.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "core/enum_names.hpp"
#include "core/text_rules.hpp"
#include "db/dialect.hpp"
#include "db/paged.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"
#include "search/search_documents.hpp"

namespace yiwang::services {

namespace {

constexpr std::array<std::pair<VersionState, std::string_view>, 5> kStates{{
    {VersionState::draft, "draft"},
    {VersionState::in_review, "in_review"},
    {VersionState::published, "published"},
    {VersionState::superseded, "superseded"},
    {VersionState::rejected, "rejected"},
}};

const char* const kVersionColumns =
    "item_id, version, state, content, author, created_at, reviewer, reviewed_at, review_note";

// A stored item was checked when it was saved; one that no longer parses
// (edited in the database by hand) is an error, not a guess.
ServiceItem item_of(const std::string& content) {
  auto parsed = parse_service_item(nlohmann::json::parse(content, nullptr, false));
  if (!parsed) throw std::runtime_error("a stored service item no longer parses");
  return std::move(*parsed);
}

ItemVersion version_from_row(const soci::row& r) {
  ItemVersion v;
  v.item_id = db::row_int64(r, 0);
  v.version = static_cast<int>(db::row_int64(r, 1));
  v.state = parse_version_state(r.get<std::string>(2)).value_or(VersionState::draft);
  v.item = item_of(r.get<std::string>(3));
  v.author = r.get<std::string>(4);
  v.created_at = r.get<std::string>(5);
  v.reviewer = r.get<std::string>(6);
  v.reviewed_at = r.get<std::string>(7);
  v.review_note = r.get<std::string>(8);
  return v;
}

std::optional<ItemVersion> latest_version(soci::session& s, long long item_id) {
  std::optional<ItemVersion> out;
  db::query(
      s,
      std::string("SELECT ") + kVersionColumns +
          " FROM svc_item_versions WHERE item_id = :i ORDER BY version DESC LIMIT 1",
      [&](const soci::row& r) { out = version_from_row(r); }, item_id);
  return out;
}

// The entry of an item with its published content (when there is one).
std::optional<CatalogueEntry> load_entry(soci::session& s, long long item_id) {
  std::optional<CatalogueEntry> out;
  db::query(
      s,
      "SELECT i.id, i.code, i.organ_id, i.latest_version, i.published_version, i.retired, "
      "i.retired_reason, i.updated_at, v.content, i.name, l.state FROM svc_items i LEFT JOIN "
      "svc_item_versions v ON v.item_id = i.id AND v.version = i.published_version LEFT JOIN "
      "svc_item_versions l ON l.item_id = i.id AND l.version = i.latest_version WHERE i.id = :i",
      [&](const soci::row& r) {
        CatalogueEntry e;
        e.id = db::row_int64(r, 0);
        e.code = r.get<std::string>(1);
        e.organ_id = db::row_int64(r, 2);
        e.latest_version = static_cast<int>(db::row_int64(r, 3));
        e.published_version = static_cast<int>(db::row_int64(r, 4));
        e.retired = db::row_int64(r, 5) != 0;
        e.retired_reason = r.get<std::string>(6);
        e.updated_at = r.get<std::string>(7);
        if (r.get_indicator(8) == soci::i_ok) e.published = item_of(r.get<std::string>(8));
        e.name = r.get<std::string>(9);
        if (r.get_indicator(10) == soci::i_ok)
          e.latest_state =
              parse_version_state(r.get<std::string>(10)).value_or(VersionState::draft);
        out = std::move(e);
      },
      item_id);
  return out;
}

void audit(soci::session& s, audit::AuditEvent who, const char* event, const std::string& code,
           std::string detail) {
  who.event = event;
  who.object = "service_item:" + code;
  who.detail = std::move(detail);
  audit::AuditLog::record(s, who);
}

// Pages of entries: ids chosen by a condition, then each entry loaded.
CataloguePage page_of(soci::session& s, const std::string& where,
                      const std::vector<std::string>& texts, const std::vector<long long>& ints,
                      int offset, int limit, const std::string& order = "i.name, i.id") {
  CataloguePage page;
  auto ids = db::page_ids(
      s, "svc_items i", "i.id", where, order,
      [&](soci::statement& st) {
        for (const auto& t : texts) st.exchange(soci::use(t));
        for (const auto& n : ints) st.exchange(soci::use(n));
      },
      offset, limit);
  page.total = ids.total;
  for (long long id : ids.ids)
    if (auto e = load_entry(s, id)) page.entries.push_back(std::move(*e));
  return page;
}

}  // namespace

std::string_view version_state_name(VersionState s) { return core::name_in(kStates, s); }

std::optional<VersionState> parse_version_state(std::string_view s) {
  return core::parse_in(kStates, s);
}

std::vector<db::Migration> ItemCatalogue::migrations() {
  return {{"services", 1, "service catalogue with versions",
           R"(CREATE TABLE svc_items (
  id ${id},
  code TEXT NOT NULL UNIQUE,
  organ_id BIGINT NOT NULL,
  name TEXT NOT NULL,
  latest_version INTEGER NOT NULL,
  published_version INTEGER NOT NULL,
  audience TEXT NOT NULL,
  retired INTEGER NOT NULL,
  retired_reason TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX svc_items_organ ON svc_items (organ_id, name);
CREATE INDEX svc_items_name ON svc_items (name);
CREATE TABLE svc_item_versions (
  id ${id},
  item_id BIGINT NOT NULL REFERENCES svc_items (id),
  version INTEGER NOT NULL,
  state TEXT NOT NULL,
  content TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at TEXT NOT NULL,
  reviewer TEXT NOT NULL,
  reviewed_at TEXT NOT NULL,
  review_note TEXT NOT NULL,
  UNIQUE (item_id, version)
);
CREATE TABLE svc_item_themes (
  item_id BIGINT NOT NULL REFERENCES svc_items (id),
  theme TEXT NOT NULL
);
CREATE INDEX svc_item_themes_theme ON svc_item_themes (theme, item_id);
)"}};
}

Result<ItemVersion> ItemCatalogue::save_draft(const ServiceItem& item, long long organ_id,
                                              const audit::AuditEvent& who, DraftOptions options) {
  // The item is checked again as it will be read back: what is stored parses.
  nlohmann::json content = service_item_json(item);
  auto checked = parse_service_item(content);
  if (!checked) return std::unexpected(checked.error().front());
  std::string text = content.dump();
  return db::guarded([&]() -> Result<ItemVersion> {
    return db_.transaction([&](soci::session& s) -> Result<ItemVersion> {
      std::string now = db::utc_now();
      long long id = 0, owner = 0;
      db::query(
          s, "SELECT id, organ_id FROM svc_items WHERE code = :c",
          [&](const soci::row& r) {
            id = db::row_int64(r, 0);
            owner = db::row_int64(r, 1);
          },
          item.code);
      if (id == 0) {
        id = db::insert_returning_id(
            s,
            "INSERT INTO svc_items (code, organ_id, name, latest_version, published_version, "
            "audience, retired, retired_reason, updated_at) VALUES (:c, :o, :n, 0, 0, '', 0, '', "
            ":u) RETURNING id",
            item.code, organ_id, item.name, now);
      } else if (options.create) {
        return fail("services.catalogue.code_taken", "code", {{"code", item.code}});
      } else if (owner != organ_id) {
        return fail("services.catalogue.other_organ", "code", {{"code", item.code}});
      }
      auto latest = latest_version(s, id);
      int number = latest ? latest->version : 0;
      if (options.base_version >= 0 && number != options.base_version)
        return fail("services.catalogue.changed", "", {{"version", std::to_string(number)}});
      if (latest && latest->state == VersionState::in_review)
        return fail("services.catalogue.in_review", "", {{"version", std::to_string(number)}});
      if (latest && latest->state == VersionState::draft) {
        db::execute(s,
                    "UPDATE svc_item_versions SET content = :c, author = :a, created_at = :t "
                    "WHERE item_id = :i AND version = :v",
                    text, who.account, now, id, number);
      } else {
        ++number;
        db::execute(s,
                    "INSERT INTO svc_item_versions (item_id, version, state, content, author, "
                    "created_at, reviewer, reviewed_at, review_note) VALUES (:i, :v, 'draft', :c, "
                    ":a, :t, '', '', '')",
                    id, number, text, who.account, now);
      }
      db::execute(s, "UPDATE svc_items SET latest_version = :v, updated_at = :u WHERE id = :i",
                  number, now, id);
      // Until a version is published the intranet's list knows the item by its latest name.
      db::execute(s, "UPDATE svc_items SET name = :n WHERE id = :i AND published_version = 0",
                  item.name, id);
      audit(s, who, "services.item.draft_saved", item.code, "version " + std::to_string(number));
      if (options.submit) {
        db::execute(s,
                    "UPDATE svc_item_versions SET state = 'in_review' WHERE item_id = :i AND "
                    "version = :v",
                    id, number);
        audit(s, who, "services.item.submitted", item.code, "version " + std::to_string(number));
      }
      return *latest_version(s, id);
    });
  });
}

Result<ItemVersion> ItemCatalogue::submit(long long item_id, const audit::AuditEvent& who) {
  return db::guarded([&]() -> Result<ItemVersion> {
    return db_.transaction([&](soci::session& s) -> Result<ItemVersion> {
      auto entry = load_entry(s, item_id);
      if (!entry) return fail("services.catalogue.not_found");
      auto latest = latest_version(s, item_id);
      if (!latest || latest->state != VersionState::draft)
        return fail("services.catalogue.no_draft");
      db::execute(s,
                  "UPDATE svc_item_versions SET state = 'in_review' WHERE item_id = :i AND "
                  "version = :v",
                  item_id, latest->version);
      audit(s, who, "services.item.submitted", entry->code,
            "version " + std::to_string(latest->version));
      latest->state = VersionState::in_review;
      return *latest;
    });
  });
}

namespace {

// The search document of a published guide: its name, and the text a citizen
// would search for — conditions, materials, procedure, legal basis, fees.
search::Document guide_document(const ServiceItem& item, const std::string& organ) {
  search::Document d;
  d.id = "guide:" + item.code;
  d.kind = "guide";
  d.title = item.name;
  std::string body = item.conditions + "\n";
  for (const auto& m : item.materials) body += m.name + "\n";
  body += item.procedure + "\n" + item.legal_basis + "\n" + item.fees + "\n" + item.place;
  d.body = std::move(body);
  d.url = "/services/items/" + item.code;
  d.column = "办事服务";
  d.organ = organ;
  d.published_at = db::utc_now();
  d.keywords = item.themes;
  return d;
}

}  // namespace

Result<ItemVersion> ItemCatalogue::review(long long item_id, bool approve, std::string_view note,
                                          const audit::AuditEvent& who) {
  auto text = core::check_text(note, "note", 500, !approve);
  if (!text) return std::unexpected(text.error());
  return db::guarded([&]() -> Result<ItemVersion> {
    return db_.transaction([&](soci::session& s) -> Result<ItemVersion> {
      auto entry = load_entry(s, item_id);
      if (!entry) return fail("services.catalogue.not_found");
      auto latest = latest_version(s, item_id);
      if (!latest || latest->state != VersionState::in_review)
        return fail("services.catalogue.nothing_to_review");
      if (latest->author == who.account) return fail("services.catalogue.own_version");
      std::string now = db::utc_now();
      std::string state = approve ? "published" : "rejected";
      db::execute(s,
                  "UPDATE svc_item_versions SET state = :s, reviewer = :r, reviewed_at = :t, "
                  "review_note = :n WHERE item_id = :i AND version = :v",
                  state, who.account, now, *text, item_id, latest->version);
      if (approve) {
        db::execute(s,
                    "UPDATE svc_item_versions SET state = 'superseded' WHERE item_id = :i AND "
                    "state = 'published' AND version <> :v",
                    item_id, latest->version);
        std::string audience(audience_name(latest->item.audience));
        db::execute(s,
                    "UPDATE svc_items SET published_version = :v, name = :n, audience = :a, "
                    "retired = 0, retired_reason = '', updated_at = :u WHERE id = :i",
                    latest->version, latest->item.name, audience, now, item_id);
        db::execute(s, "DELETE FROM svc_item_themes WHERE item_id = :i", item_id);
        for (const auto& theme : latest->item.themes)
          db::execute(s, "INSERT INTO svc_item_themes (item_id, theme) VALUES (:i, :t)", item_id,
                      theme);
        search::SearchDocuments::put(
            s, guide_document(latest->item,
                              organ_names_ ? organ_names_(entry->organ_id) : std::string()));
      }
      audit(s, who, approve ? "services.item.published" : "services.item.rejected", entry->code,
            "version " + std::to_string(latest->version) + (text->empty() ? "" : ": " + *text));
      return *latest_version(s, item_id);
    });
  });
}

Result<CatalogueEntry> ItemCatalogue::retire(long long item_id, bool retired,
                                             std::string_view reason,
                                             const audit::AuditEvent& who) {
  auto text = core::check_text(reason, "reason", 500, retired);
  if (!text) return std::unexpected(text.error());
  return db::guarded([&]() -> Result<CatalogueEntry> {
    return db_.transaction([&](soci::session& s) -> Result<CatalogueEntry> {
      auto entry = load_entry(s, item_id);
      if (!entry) return fail("services.catalogue.not_found");
      if (entry->published_version == 0) return fail("services.catalogue.not_published");
      long long flag = retired ? 1 : 0;
      db::execute(s,
                  "UPDATE svc_items SET retired = :r, retired_reason = :why, updated_at = :u "
                  "WHERE id = :i",
                  flag, *text, db::utc_now(), item_id);
      if (retired)
        search::SearchDocuments::remove(s, "guide:" + entry->code);
      else if (entry->published)
        search::SearchDocuments::put(
            s, guide_document(*entry->published,
                              organ_names_ ? organ_names_(entry->organ_id) : std::string()));
      audit(s, who, retired ? "services.item.retired" : "services.item.restored", entry->code,
            *text);
      return *load_entry(s, item_id);
    });
  });
}

Result<std::optional<CatalogueEntry>> ItemCatalogue::entry(long long item_id) {
  return db::guarded([&]() -> Result<std::optional<CatalogueEntry>> {
    auto s = db_.acquire();
    return load_entry(*s, item_id);
  });
}

Result<std::optional<CatalogueEntry>> ItemCatalogue::published(std::string_view code) {
  std::string c(code);
  return db::guarded([&]() -> Result<std::optional<CatalogueEntry>> {
    auto s = db_.acquire();
    long long id = 0;
    db::query(
        *s, "SELECT id FROM svc_items WHERE code = :c AND published_version > 0 AND retired = 0",
        [&](const soci::row& r) { id = db::row_int64(r, 0); }, c);
    if (id == 0) return std::optional<CatalogueEntry>();
    return load_entry(*s, id);
  });
}

Result<CataloguePage> ItemCatalogue::list_published(const CatalogueFilter& f, int offset,
                                                    int limit) {
  return db::guarded([&]() -> Result<CataloguePage> {
    auto s = db_.acquire();
    std::string where = "i.published_version > 0 AND i.retired = 0";
    std::vector<std::string> texts;
    std::vector<long long> ints;
    if (f.audience && *f.audience != Audience::both) {
      where += " AND i.audience IN (:a, 'both')";
      texts.emplace_back(audience_name(*f.audience));
    }
    if (!f.theme.empty()) {
      where +=
          " AND EXISTS (SELECT 1 FROM svc_item_themes t WHERE t.item_id = i.id AND t.theme = :t)";
      texts.push_back(core::cut_utf8(f.theme, 80));
    }
    if (std::string q = core::trim_text(core::cut_utf8(f.query, 100)); !q.empty()) {
      where += " AND (i.name LIKE :q ESCAPE '\\' OR i.code LIKE :q2 ESCAPE '\\')";
      texts.push_back(db::like_pattern(q));
      texts.push_back(db::like_pattern(q));
    }
    if (f.organ_id != 0) {
      where += " AND i.organ_id = :o";
      ints.push_back(f.organ_id);
    }
    return page_of(*s, where, texts, ints, offset, limit);
  });
}

Result<CataloguePage> ItemCatalogue::list_all(long long organ_id, int offset, int limit) {
  CatalogueQuery q;
  if (organ_id != 0) q.organs = std::vector<long long>{organ_id};
  return list_items(q, offset, limit);
}

Result<CataloguePage> ItemCatalogue::list_items(const CatalogueQuery& q, int offset, int limit) {
  return db::guarded([&]() -> Result<CataloguePage> {
    auto s = db_.acquire();
    // page_of binds the texts first, then the numbers: the condition names them in that order.
    std::string where = "1 = 1";
    std::vector<std::string> texts;
    std::vector<long long> ints;
    if (std::string text = core::trim_text(core::cut_utf8(q.query, 100)); !text.empty()) {
      where += " AND (i.name LIKE :q ESCAPE '\\' OR i.code LIKE :q2 ESCAPE '\\')";
      texts.push_back(db::like_pattern(text));
      texts.push_back(db::like_pattern(text));
    }
    if (q.state) {
      where +=
          " AND EXISTS (SELECT 1 FROM svc_item_versions l WHERE l.item_id = i.id AND l.version = "
          "i.latest_version AND l.state = :s)";
      texts.emplace_back(version_state_name(*q.state));
      if (*q.state == VersionState::published) where += " AND i.retired = 0";
    }
    if (q.retired) where += " AND i.retired = 1";
    if (q.organs) {
      std::string in;
      for (std::size_t n = 0; n < q.organs->size(); ++n)
        in += (n ? ", :o" : ":o") + std::to_string(n);
      where += in.empty() ? " AND 1 = 0" : " AND i.organ_id IN (" + in + ")";
      ints = *q.organs;
    }
    std::string dir = q.descending ? " DESC" : "";
    std::string order = q.by_code ? "i.code" + dir : "i.name" + dir + ", i.id" + dir;
    return page_of(*s, where, texts, ints, offset, limit, order);
  });
}

Result<std::vector<ItemVersion>> ItemCatalogue::versions(long long item_id) {
  return db::guarded([&]() -> Result<std::vector<ItemVersion>> {
    auto s = db_.acquire();
    std::vector<ItemVersion> out;
    db::query(
        *s,
        std::string("SELECT ") + kVersionColumns +
            " FROM svc_item_versions WHERE item_id = :i ORDER BY version DESC",
        [&](const soci::row& r) { out.push_back(version_from_row(r)); }, item_id);
    return out;
  });
}

Result<std::optional<ServiceItem>> ItemCatalogue::version_item(long long item_id, int version) {
  return db::guarded([&]() -> Result<std::optional<ServiceItem>> {
    auto s = db_.acquire();
    std::optional<ServiceItem> out;
    db::query(
        *s,
        std::string("SELECT ") + kVersionColumns +
            " FROM svc_item_versions WHERE item_id = :i AND version = :v",
        [&](const soci::row& r) { out = version_from_row(r).item; }, item_id, version);
    return out;
  });
}

}  // namespace yiwang::services
