// The search's outbox (DESIGN §5): the latest version of every searchable
// document, written by the publishing module in the same transaction as the
// change itself, each write stamped with a change number. The index follows
// the change numbers and can always be rebuilt from this table, so it never
// silently drifts from what is published.
//
// A withdrawn document stays as a tombstone (deleted = true) so that every
// index that had it removes it.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include <soci/soci.h>

#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "search/document.hpp"

namespace yiwang::search {

struct DocumentChange {
  std::int64_t seq = 0;
  bool deleted = false;
  Document doc;            // only doc.id when deleted
  std::string changed_at;  // UTC, ISO 8601
};

class SearchDocuments {
 public:
  static std::vector<db::Migration> migrations();

  // In the caller's transaction: the document is now `doc` (added or changed).
  static void put(soci::session& s, const Document& doc);
  // In the caller's transaction: the document is no longer searchable.
  static void remove(soci::session& s, std::string_view id);

  // Changes with a change number above `after`, in change order, at most
  // `limit`; also every change of the last `recent_seconds` seconds whatever
  // its number, because on PostgreSQL a transaction may commit after a later
  // one took a higher number (applying a change twice does no harm).
  static Result<std::vector<DocumentChange>> changes_since(db::Database& db, std::int64_t after,
                                                           std::size_t limit,
                                                           int recent_seconds = 60);
  // Every live document in change order, in batches of `batch`, for a rebuild;
  // returns how many were passed to `each`.
  static Result<std::size_t> each_live(db::Database& db,
                                       const std::function<void(const DocumentChange&)>& each,
                                       std::size_t batch = 1000);
  static Result<std::size_t> count_live(db::Database& db);
  static Result<std::int64_t> last_seq(db::Database& db);
};

}  // namespace yiwang::search
