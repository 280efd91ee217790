// The outbox: every e-mail the platform sends is first a row of mail_outbox,
// written in the caller's transaction, so a change and the mail announcing it
// (a password-reset token and its link) commit or roll back together. The
// MailSender delivers queued rows in the background and records the outcome;
// a failed delivery is retried with exponential backoff until the attempt
// limit, after which the row stays as `failed` for an administrator to see.
//
// Delivery is at least once: a row is claimed for a lease before sending, so
// several server processes on one database do not send it twice, and a
// process that dies mid-send leaves it to be retried when the lease runs out.
//
// Thread-safe: every call but enqueue() is its own transaction.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "mail/message.hpp"

namespace yiwang::mail {

struct OutboxPolicy {
  int max_attempts = 8;                  // then the row is `failed`
  std::chrono::seconds first_retry{60};  // after the first failure; doubles each time
  std::chrono::seconds max_retry{std::chrono::hours(6)};  // the longest wait between attempts
  std::chrono::seconds lease{std::chrono::minutes(5)};  // a claimed row is not claimed again before
};

// A queued row claimed for delivery.
struct OutboxItem {
  long long id = 0;
  Message message;
  std::string message_token;  // random; the left part of the Message-ID, the same on every attempt
  int attempts = 0;           // failed attempts so far
};

// A row as stored (status pages, tests).
struct OutboxEntry {
  long long id = 0;
  Message message;
  std::string status;  // "queued", "sent" or "failed"
  int attempts = 0;
  std::string next_attempt_at, last_error, created_at, sent_at;  // UTC ISO 8601; "" when none
};

class Outbox {
 public:
  explicit Outbox(db::Database& db, OutboxPolicy policy = {}) : db_(db), policy_(policy) {}

  static std::vector<db::Migration> migrations();

  // Queues a message inside the caller's transaction; returns its row id.
  // Fails like check_message() without touching the database; database
  // errors throw (the caller's transaction rolls back).
  Result<long long> enqueue(soci::session& s, const Message& message);

  // Claims up to `limit` queued rows that are due, oldest first: each is
  // leased (its next attempt moved `lease` ahead) so no other sender takes it
  // meanwhile. The caller sends them and calls mark_sent or mark_failed.
  Result<std::vector<OutboxItem>> pending(std::size_t limit);

  // Records a delivery.
  Result<void> mark_sent(long long id);
  // Records a failed attempt and its error; schedules the next attempt after
  // first_retry · 2^(attempts-1) (at most max_retry), or gives up after
  // max_attempts. Returns whether the row is now `failed`.
  Result<bool> mark_failed(long long id, const std::string& error);

  // One row, or nothing.
  Result<std::optional<OutboxEntry>> find(long long id);

  const OutboxPolicy& policy() const { return policy_; }

 private:
  db::Database& db_;
  OutboxPolicy policy_;
};

}  // namespace yiwang::mail
