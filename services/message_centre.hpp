// The message centre (消息中心): short notices for an account — a case was
// accepted, corrections are needed, a licence was issued — each with a link
// to where the account acts on it. Notices are posted inside the transaction
// of the change they announce; the account reads them on its messages page.
//
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include <soci/soci.h>

#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"

namespace yiwang::services {

struct Notice {
  long long id = 0;
  std::string account;
  std::string title;
  std::string body;
  std::string link;  // a path on the site, e.g. "/services/cases/SQ20261128000012"
  std::string created_at, read_at;
};

struct NoticePage {
  std::vector<Notice> notices;  // newest first
  long long total = 0;
  long long unread = 0;
};

class MessageCentre {
 public:
  explicit MessageCentre(db::Database& db) : db_(db) {}
  static std::vector<db::Migration> migrations();

  // Posts a notice in the caller's transaction (title ≤ 200, body ≤ 2000
  // characters: longer text is cut, as the texts come from the platform).
  static void post(soci::session& s, const std::string& account, const std::string& title,
                   const std::string& body, const std::string& link);

  Result<NoticePage> list(const std::string& account, int offset, int limit);
  Result<long long> unread(const std::string& account);
  // Marks one notice (0: all) of the account read.
  Result<void> mark_read(const std::string& account, long long id);

 private:
  db::Database& db_;
};

}  // namespace yiwang::services
