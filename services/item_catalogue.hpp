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
  long long organ_id = 0;  // 实施主体
  int latest_version = 0;
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

struct CataloguePage {
  std::vector<CatalogueEntry> entries;  // by name
  long long total = 0;
};

class ItemCatalogue {
 public:
  explicit ItemCatalogue(db::Database& db) : db_(db) {}
  static std::vector<db::Migration> migrations();

  // Saves the item as a new draft version (the item is created on its first
  // save, identified by its code). A draft that is already open is replaced,
  // not stacked. Fails with "services.catalogue.in_review" while a version
  // awaits review, "services.catalogue.other_organ" when the code belongs to
  // another organ's item.
  Result<ItemVersion> save_draft(const ServiceItem& item, long long organ_id,
                                 const audit::AuditEvent& who);
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
  // The versions of an item, newest first.
  Result<std::vector<ItemVersion>> versions(long long item_id);

 private:
  db::Database& db_;
};

}  // namespace yiwang::services
