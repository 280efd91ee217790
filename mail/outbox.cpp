#include "mail/outbox.hpp"

#include <algorithm>
#include <random>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "db/dialect.hpp"
#include "db/row_value.hpp"

namespace yiwang::mail {

namespace {

constexpr std::size_t kMaxErrorBytes = 1000;

std::string utc_after(std::chrono::seconds delta) {
  auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + delta;
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t);
}

// 128 random bits as hex: unique across processes and deployments.
std::string new_message_token() {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 4; ++i) out += fmt::format("{:08x}", static_cast<std::uint32_t>(rd()));
  return out;
}

// Text cut to at most `max` bytes between UTF-8 characters.
std::string cut_utf8(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

std::string text_or_empty(const soci::row& r, std::size_t i) {
  return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i);
}

}  // namespace

std::vector<db::Migration> Outbox::migrations() {
  return {{"mail", 1, "outbox",
           R"(CREATE TABLE mail_outbox (
  id ${id},
  message_token TEXT NOT NULL UNIQUE,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  last_error TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
)"}};
}

Result<long long> Outbox::enqueue(soci::session& s, const Message& message) {
  auto checked = check_message(message);
  if (!checked) return std::unexpected(checked.error());
  std::string token = new_message_token();
  std::string now = db::utc_now();
  s << "INSERT INTO mail_outbox (message_token, recipient, subject, body, status, attempts, "
       "next_attempt_at, last_error, created_at) VALUES (:k, :r, :s, :b, 'queued', 0, :n, '', :c)",
      soci::use(token), soci::use(checked->to), soci::use(checked->subject),
      soci::use(checked->body), soci::use(now), soci::use(now);
  long long id = 0;
  s << "SELECT id FROM mail_outbox WHERE message_token = :k", soci::use(token), soci::into(id);
  return id;
}

Result<std::vector<OutboxItem>> Outbox::pending(std::size_t limit) {
  return db::guarded([&]() -> Result<std::vector<OutboxItem>> {
    return db_.transaction([&](soci::session& s) -> Result<std::vector<OutboxItem>> {
      std::string now = db::utc_now();
      long long n = static_cast<long long>(limit);
      std::vector<std::pair<OutboxItem, std::string>> due;  // item, its next_attempt_at
      {
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT id, recipient, subject, body, message_token, attempts, "
                          "next_attempt_at FROM mail_outbox WHERE status = 'queued' AND "
                          "next_attempt_at <= :t ORDER BY next_attempt_at, id LIMIT :n",
             soci::use(now), soci::use(n));
        for (const auto& r : rows) {
          OutboxItem item;
          item.id = db::row_int64(r, 0);
          item.message = {r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3)};
          item.message_token = r.get<std::string>(4);
          item.attempts = static_cast<int>(db::row_int64(r, 5));
          due.emplace_back(std::move(item), r.get<std::string>(6));
        }
      }
      std::string leased_until = utc_after(policy_.lease);
      std::vector<OutboxItem> out;
      for (auto& [item, next] : due) {
        soci::statement st =
            (s.prepare << "UPDATE mail_outbox SET next_attempt_at = :l WHERE id = :id AND "
                          "status = 'queued' AND next_attempt_at = :old",
             soci::use(leased_until), soci::use(item.id), soci::use(next));
        st.execute(true);
        if (st.get_affected_rows() == 1) out.push_back(std::move(item));
      }
      return out;
    });
  });
}

Result<void> Outbox::mark_sent(long long id) {
  return db::guarded([&]() -> Result<void> {
    return db_.transaction([&](soci::session& s) -> Result<void> {
      std::string now = db::utc_now();
      soci::statement st =
          (s.prepare << "UPDATE mail_outbox SET status = 'sent', sent_at = :t, last_error = '' "
                        "WHERE id = :id",
           soci::use(now), soci::use(id));
      st.execute(true);
      if (st.get_affected_rows() != 1) return fail("mail.not_found", "id");
      return {};
    });
  });
}

Result<bool> Outbox::mark_failed(long long id, const std::string& error) {
  return db::guarded([&]() -> Result<bool> {
    return db_.transaction([&](soci::session& s) -> Result<bool> {
      long long attempts = -1;
      soci::indicator ind = soci::i_null;
      s << "SELECT attempts FROM mail_outbox WHERE id = :id", soci::use(id),
          soci::into(attempts, ind);
      if (!s.got_data() || ind == soci::i_null) return fail("mail.not_found", "id");
      ++attempts;
      std::string detail = cut_utf8(error, kMaxErrorBytes);
      bool give_up = attempts >= policy_.max_attempts;
      // first_retry · 2^(attempts-1), capped (the shift is bounded so it cannot overflow).
      auto wait = policy_.first_retry * (1LL << std::min<long long>(attempts - 1, 30));
      wait = std::min<std::chrono::seconds>(wait, policy_.max_retry);
      std::string next = utc_after(wait);
      std::string status = give_up ? "failed" : "queued";
      int count = static_cast<int>(attempts);
      s << "UPDATE mail_outbox SET status = :s, attempts = :a, next_attempt_at = :n, "
           "last_error = :e WHERE id = :id",
          soci::use(status), soci::use(count), soci::use(next), soci::use(detail), soci::use(id);
      return give_up;
    });
  });
}

Result<std::optional<OutboxEntry>> Outbox::find(long long id) {
  return db::guarded([&]() -> Result<std::optional<OutboxEntry>> {
    auto s = db_.acquire();
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, recipient, subject, body, status, attempts, next_attempt_at, "
                       "last_error, created_at, sent_at FROM mail_outbox WHERE id = :id",
         soci::use(id));
    for (const auto& r : rows) {
      OutboxEntry e;
      e.id = db::row_int64(r, 0);
      e.message = {r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3)};
      e.status = r.get<std::string>(4);
      e.attempts = static_cast<int>(db::row_int64(r, 5));
      e.next_attempt_at = r.get<std::string>(6);
      e.last_error = r.get<std::string>(7);
      e.created_at = r.get<std::string>(8);
      e.sent_at = text_or_empty(r, 9);
      return std::optional<OutboxEntry>(std::move(e));
    }
    return std::optional<OutboxEntry>();
  });
}

}  // namespace yiwang::mail
