// The service catalogue (事项库): service items kept with every version, each
// version written as a draft, submitted for review, and published by a
// reviewer who is not its author; the portal shows only published versions.
// Publishing a version supersedes the one published before; retiring an item
// takes it off the portal with a reason. Every change writes its audit record
// in the same transaction.
//
// Permission checks (who may edit, review, retire for which organ) belong to
// the routes; this store enforces the states and the four-eyes rule.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "services/service_item.hpp"

namespace yiwang::services {

// The state of one version.
enum class VersionState { draft, in_review, published, superseded, rejected };
std::string_view version_state_name(VersionState s);
std::optional<VersionState> parse_version_state(std::string_view s);

struct ItemVersion {
  long long item_id = 0;
  int version = 0;
  VersionState state = VersionState::draft;
  ServiceItem item;
  std::string author;
  std::string created_at;
  std::string reviewer;
  std::string reviewed_at;
  std::string review_note;
};

// An item of the catalogue with its published version, if any.
struct CatalogueEntry {
  long long id = 0;
  std::string code;
  std::string name;        // of the published version; of the latest until one is published
  long long organ_id = 0;  // 实施主体
  int latest_version = 0;
  VersionState latest_state = VersionState::draft;
  int published_version = 0;  // 0: never published, or retired
  bool retired = false;
  std::string retired_reason;
  std::string updated_at;
  std::optional<ServiceItem> published;
};

struct CatalogueFilter {
  long long organ_id = 0;            // 0: every organ
  std::optional<Audience> audience;  // individual also matches "both", and so on
  std::string theme;                 // a life event, exactly
  std::string query;                 // part of the name or the code
};

// What the intranet's list of items asks for.
struct CatalogueQuery {
  std::optional<std::vector<long long>> organs;  // the organs whose items; nullopt: every organ
  std::string query;                             // part of the name or the code, literally
  std::optional<VersionState> state;             // of the latest version (published: not retired)
  bool retired = false;                          // only items taken off the portal
  bool by_code = false;                          // ordered by code, else by name
  bool descending = false;
};

// What save_draft does besides saving the draft.
struct DraftOptions {
  bool create = false;    // a new item: "services.catalogue.code_taken" when the code is in use
  bool submit = false;    // submit the draft for review too, in the same transaction
  int base_version = -1;  // ≥ 0: the latest version the editor started from;
                          // "services.catalogue.changed" when another version came since
};

struct CataloguePage {
  std::vector<CatalogueEntry> entries;  // by name, or as the query orders them
  long long total = 0;
};

class ItemCatalogue {
 public:
  explicit ItemCatalogue(db::Database& db) : db_(db) {}
  static std::vector<db::Migration> migrations();

  // The organ names the site search shows for the guides (set at start-up).
  // Publishing a version puts its guide into the search (search::SearchDocuments)
  // in the same transaction; retiring takes it out, restoring puts it back.
  void set_organ_names(std::function<std::string(long long organ_id)> names) {
    organ_names_ = std::move(names);
  }

  // Saves the item as a new draft version (the item is created on its first
  // save, identified by its code). A draft that is already open is replaced,
  // not stacked. Fails with "services.catalogue.in_review" while a version
  // awaits review, "services.catalogue.other_organ" when the code belongs to
  // another organ's item; see DraftOptions for the rest.
  Result<ItemVersion> save_draft(const ServiceItem& item, long long organ_id,
                                 const audit::AuditEvent& who, DraftOptions options = {});
  // Submits the open draft for review.
  Result<ItemVersion> submit(long long item_id, const audit::AuditEvent& who);
  // Publishes (approve) or rejects, with a note, the version under review.
  // The author may not review their own version ("services.catalogue.own_version");
  // a rejection needs a note.
  Result<ItemVersion> review(long long item_id, bool approve, std::string_view note,
                             const audit::AuditEvent& who);
  // Takes a published item off the portal, or puts it back (reason required to retire).
  Result<CatalogueEntry> retire(long long item_id, bool retired, std::string_view reason,
                                const audit::AuditEvent& who);

  Result<std::optional<CatalogueEntry>> entry(long long item_id);
  // The published, not retired item with this code (what the portal shows).
  Result<std::optional<CatalogueEntry>> published(std::string_view code);
  // Published, not retired items matching the filter, by name.
  Result<CataloguePage> list_published(const CatalogueFilter& filter, int offset, int limit);
  // Every item of an organ (0: all), for the intranet's list, by name.
  Result<CataloguePage> list_all(long long organ_id, int offset, int limit);
  // The items the query picks, drafts and retired items too (the intranet's list).
  Result<CataloguePage> list_items(const CatalogueQuery& query, int offset, int limit);
  // The versions of an item, newest first.
  Result<std::vector<ItemVersion>> versions(long long item_id);
  // One version of an item (what a case was applied for), or nullopt.
  Result<std::optional<ServiceItem>> version_item(long long item_id, int version);

 private:
  std::function<std::string(long long)> organ_names_;
  db::Database& db_;
};

}  // namespace yiwang::services
