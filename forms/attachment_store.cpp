#include "forms/attachment_store.hpp"

#include <algorithm>

#include "crypto/bytes.hpp"
#include "crypto/sm3.hpp"
#include "db/dialect.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"

namespace yiwang::forms {

std::vector<db::Migration> AttachmentStore::migrations() {
  return {{"attachments", 1, "files by SM3 digest, in chunks", R"SQL(
CREATE TABLE att_files (
  ref TEXT PRIMARY KEY,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  chunks INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE att_chunks (
  ref TEXT NOT NULL REFERENCES att_files (ref),
  seq INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (ref, seq)
);
)SQL"}};
}

std::string AttachmentStore::put(soci::session& s, std::string_view data, std::string_view mime) {
  std::string ref = crypto::to_hex(crypto::sm3(data));
  int chunks = static_cast<int>((data.size() + kChunkBytes - 1) / kChunkBytes);
  long long size = static_cast<long long>(data.size());
  std::string type(mime), at = db::utc_now();
  // The same file may be stored by two transactions at once (two applicants
  // uploading one form template): the second writes nothing, on both engines.
  if (db::execute(s,
                  "INSERT INTO att_files (ref, mime, size, chunks, created_at) VALUES (:r, :m, :s, "
                  ":c, :t) ON CONFLICT (ref) DO NOTHING",
                  ref, type, size, chunks, at) == 0)
    return ref;
  for (int i = 0; i < chunks; ++i) {
    std::string part =
        crypto::base64(data.substr(static_cast<std::size_t>(i) * kChunkBytes, kChunkBytes));
    db::execute(s, "INSERT INTO att_chunks (ref, seq, data) VALUES (:r, :q, :d)", ref, i, part);
  }
  return ref;
}

namespace {

std::optional<StoredFile> load(soci::session& s, std::string_view ref, bool with_data) {
  std::optional<StoredFile> out;
  std::string key(ref);
  db::query(
      s, "SELECT ref, mime, size, created_at FROM att_files WHERE ref = :r",
      [&](const soci::row& r) {
        out = StoredFile{r.get<std::string>(0),
                         r.get<std::string>(1),
                         db::row_int64(r, 2),
                         r.get<std::string>(3),
                         {}};
      },
      key);
  if (!out || !with_data) return out;
  db::query(
      s, "SELECT data FROM att_chunks WHERE ref = :r ORDER BY seq",
      [&](const soci::row& r) {
        auto bytes = crypto::unbase64(r.get<std::string>(0));
        if (bytes) out->data += *bytes;
      },
      key);
  return out;
}

}  // namespace

Result<std::optional<StoredFile>> AttachmentStore::get(std::string_view ref) {
  return db::guarded([&]() -> Result<std::optional<StoredFile>> {
    auto s = db_.acquire();
    return load(*s, ref, true);
  });
}

Result<std::optional<StoredFile>> AttachmentStore::info(std::string_view ref) {
  return db::guarded([&]() -> Result<std::optional<StoredFile>> {
    auto s = db_.acquire();
    return load(*s, ref, false);
  });
}

}  // namespace yiwang::forms
