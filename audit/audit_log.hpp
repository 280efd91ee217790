// The audit log (安全审计, GB/T 22239 level 3): every sign-in, failure,
// permission change and state change of every module leaves a record written
// in the same transaction as the change, with time, account, organ, source
// address, event, object, outcome and request id.
//
// Records form an SM3 hash chain. Writers do not queue on the chain head: a
// record is inserted unsealed, and the sealer (one background thread per
// server, safe to run on several nodes at once) links unsealed records into
// the chain in batches, in the order it finds them: each sealed record gets the
// next chain sequence number, the previous record's hash and its own hash
//   hash = SM3(prev_hash ‖ canonical(record)).
// verify() recomputes the chain and names the first record that was edited,
// deleted or inserted out of turn; the chain head is also kept in its own
// table so that deleting the newest records is detected.
//
// Nothing in the program deletes audit records; they are kept at least the
// retention period (default 180 days, 网络安全法 第二十一条 asks for ≥ 6 months).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "core/error.hpp"
#include "core/progress.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"

namespace yiwang::audit {

struct AuditEvent {
  std::string account;     // account name, or "-" for anonymous
  std::string organ;       // organ code of the account, or "-"
  std::string source;      // client address
  std::string event;       // e.g. "identity.signin", "portal.article.publish"
  std::string object;      // what it was done to, e.g. "account:zhangsan"
  bool success = true;     // outcome
  std::string request_id;  // ties the record to the access log and the user's error page
  std::string detail;      // free text (never passwords or secrets)
};

struct AuditRecord {
  long long id = 0;
  std::string occurred_at;  // UTC, ISO 8601 with milliseconds
  AuditEvent event;
  std::optional<long long> chain_seq;  // empty until sealed
  std::string prev_hash;
  std::string hash;
};

// What verify() found.
struct VerifyReport {
  bool intact = true;
  long long sealed = 0;                       // records checked in the chain
  long long unsealed = 0;                     // records not yet linked (sealed by verify() first)
  std::optional<long long> first_broken_id;   // the first record that fails
  std::optional<long long> first_broken_seq;  // its place in the chain
  std::string reason;                         // "hash", "previous", "gap", "head"
};

class AuditLog {
 public:
  explicit AuditLog(db::Database& db) : db_(db) {}

  static std::vector<db::Migration> migrations();

  // Writes a record inside the caller's transaction. Texts longer than the
  // column limits are cut (at a UTF-8 boundary), never refused: an audit
  // record must not make the change it records fail.
  static void record(soci::session& s, const AuditEvent& event);

  // Writes a record in a transaction of its own (events that change nothing
  // else, e.g. a failed sign-in).
  void record(const AuditEvent& event);

  // Links up to `batch` unsealed records into the chain; returns how many.
  Result<int> seal(std::size_t batch = 1000);

  // Seals what is pending, then checks the whole chain.
  Result<VerifyReport> verify(Progress& progress);

  // Records matching a filter, newest first (the audit viewer). `event`
  // matches that event and the events below it ("identity.signin" finds
  // "identity.signin.failed"); at most 1000 records a call.
  struct Filter {
    std::string account, organ, event;
    std::string from, to;  // ISO 8601 UTC bounds, inclusive; empty = open
    std::size_t limit = 50;
    std::size_t offset = 0;
  };
  Result<std::vector<AuditRecord>> find(const Filter& filter);

 private:
  db::Database& db_;
};

// The bytes a record's hash covers (exposed for tests).
std::string canonical_record(const AuditRecord& r);

}  // namespace yiwang::audit
