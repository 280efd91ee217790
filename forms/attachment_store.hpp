// Files in the database (DESIGN.md §5): each stored once under its SM3
// digest (the `ref` of forms::AcceptedFile), in chunks, so a backup of the
// database is a backup of every file and replication carries them too.
// Storing a file that is already there changes nothing; rows of other
// tables refer to files by ref.
//
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>

#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"

namespace yiwang::forms {

struct StoredFile {
  std::string ref;  // SM3, hex
  std::string mime;
  long long size = 0;
  std::string created_at;
  std::string data;  // empty from info()
};

class AttachmentStore {
 public:
  static constexpr std::size_t kChunkBytes = 256 * 1024;

  explicit AttachmentStore(db::Database& db) : db_(db) {}
  static std::vector<db::Migration> migrations();

  // Stores `data` inside the caller's transaction and returns its ref (the
  // SM3 digest of the bytes, hex). Nothing is written when it is stored already.
  static std::string put(soci::session& s, std::string_view data, std::string_view mime);

  // The file with its bytes, or nothing.
  Result<std::optional<StoredFile>> get(std::string_view ref);
  // The file without its bytes, or nothing.
  Result<std::optional<StoredFile>> info(std::string_view ref);

 private:
  db::Database& db_;
};

}  // namespace yiwang::forms
