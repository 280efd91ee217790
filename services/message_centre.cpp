#include "services/message_centre.hpp"

#include <algorithm>

#include "db/dialect.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"

namespace yiwang::services {

namespace {

// At most `max` characters (code points) of UTF-8 text.
std::string cut(const std::string& text, std::size_t max) {
  std::size_t count = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (count == max) break;
      ++count;
    }
  }
  return text.substr(0, i);
}

}  // namespace

std::vector<db::Migration> MessageCentre::migrations() {
  return {{"messages", 1, "notices of the message centre", R"SQL(
CREATE TABLE msg_notices (
  id ${id},
  account TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  link TEXT NOT NULL,
  created_at TEXT NOT NULL,
  read_at TEXT NOT NULL
);
CREATE INDEX msg_notices_account ON msg_notices (account, id);
)SQL"}};
}

void MessageCentre::post(soci::session& s, const std::string& account, const std::string& title,
                         const std::string& body, const std::string& link) {
  std::string t = cut(title, 200), b = cut(body, 2000), at = db::utc_now(), empty;
  db::execute(s,
              "INSERT INTO msg_notices (account, title, body, link, created_at, read_at) VALUES "
              "(:a, :t, :b, :l, :c, :r)",
              account, t, b, link, at, empty);
}

Result<NoticePage> MessageCentre::list(const std::string& account, int offset, int limit) {
  return db::guarded([&]() -> Result<NoticePage> {
    auto s = db_.acquire();
    NoticePage page;
    db::query(
        *s,
        "SELECT COUNT(*), SUM(CASE WHEN read_at = '' THEN 1 ELSE 0 END) FROM msg_notices WHERE "
        "account = :a",
        [&](const soci::row& r) {
          page.total = db::row_int64(r, 0);
          if (r.get_indicator(1) == soci::i_ok) page.unread = db::row_int64(r, 1);
        },
        account);
    int lim = std::clamp(limit, 1, 200), off = std::max(0, offset);
    db::query(
        *s,
        "SELECT id, account, title, body, link, created_at, read_at FROM msg_notices WHERE "
        "account = :a ORDER BY id DESC LIMIT :l OFFSET :o",
        [&](const soci::row& r) {
          page.notices.push_back(Notice{db::row_int64(r, 0), r.get<std::string>(1),
                                        r.get<std::string>(2), r.get<std::string>(3),
                                        r.get<std::string>(4), r.get<std::string>(5),
                                        r.get<std::string>(6)});
        },
        account, lim, off);
    return page;
  });
}

Result<long long> MessageCentre::unread(const std::string& account) {
  return db::guarded([&]() -> Result<long long> {
    auto s = db_.acquire();
    long long n = 0;
    db::query(
        *s, "SELECT COUNT(*) FROM msg_notices WHERE account = :a AND read_at = ''",
        [&](const soci::row& r) { n = db::row_int64(r, 0); }, account);
    return n;
  });
}

Result<void> MessageCentre::mark_read(const std::string& account, long long id) {
  return db::guarded([&]() -> Result<void> {
    return db_.transaction([&](soci::session& s) -> Result<void> {
      std::string at = db::utc_now();
      if (id == 0)
        db::execute(s, "UPDATE msg_notices SET read_at = :t WHERE account = :a AND read_at = ''",
                    at, account);
      else {
        long long mine = 0;
        db::query(
            s, "SELECT COUNT(*) FROM msg_notices WHERE account = :a AND id = :i",
            [&](const soci::row& r) { mine = db::row_int64(r, 0); }, account, id);
        if (mine == 0) return std::unexpected(Error("services.notice.not_found", "notice"));
        db::execute(s,
                    "UPDATE msg_notices SET read_at = :t WHERE account = :a AND id = :i AND "
                    "read_at = ''",
                    at, account, id);
      }
      return {};
    });
  });
}

}  // namespace yiwang::services
