// Server-side sessions. The browser holds a random 256-bit token in an
// HttpOnly, SameSite=Lax cookie (Secure behind TLS); the database holds only
// the token's SHA-256, so a stolen copy of the database cannot sign anyone in.
// A session ends after the idle timeout (default 30 minutes), at the absolute
// limit (default 12 hours), at sign-out, or when revoked from the sessions
// page. Signing in always issues a new token (no session fixation).
//
// Thread-safe: every call is its own transaction.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"

namespace yiwang::identity {

// The session cookie's name.
inline constexpr const char* kSessionCookie = "yw_session";

struct SessionPolicy {
  std::chrono::minutes idle{30};
  std::chrono::hours absolute{12};
};

struct Session {
  long long id = 0;
  long long account_id = 0;
  std::string zone;
  std::string created_at, last_seen_at, expires_at;  // UTC ISO 8601
  std::string source, user_agent;
  std::string stage = "full";  // "full", or "second_factor" / "enrol" while signing in
};

class SessionStore {
 public:
  SessionStore(db::Database& db, SessionPolicy policy) : db_(db), policy_(policy) {}

  static std::vector<db::Migration> migrations();

  // Starts a session inside the caller's transaction; returns the token for
  // the cookie (shown once, never stored).
  std::string start(soci::session& s, long long account_id, const std::string& zone,
                    const std::string& source, const std::string& user_agent,
                    const std::string& stage = "full");

  // The live session of a token in a zone, and marks it seen (at most once a
  // minute, so reads stay reads). Expired sessions (idle or absolute) are
  // ended on the way.
  Result<std::optional<Session>> touch(const std::string& token, const std::string& zone);

  // Ends every session of the account and starts a new one (after a password
  // or privilege change); returns the new token.
  Result<std::string> rotate(long long account_id, const std::string& zone,
                             const std::string& source, const std::string& user_agent);

  // Ends a session and starts the next stage of signing in with a new token
  // (the second factor done, or enrolled).
  Result<std::string> advance(long long account_id, long long session_id, const std::string& stage);

  // Ends every session of an account inside the caller's transaction (a
  // privilege or account change).
  void end_all(soci::session& s, long long account_id);

  // Ends one session of an account (sign-out, or "sign out this one") and,
  // when it was live, writes `who` (its event set by the caller; the object
  // defaults to the session) to the audit log in the same transaction.
  Result<bool> end(long long account_id, long long session_id, audit::AuditEvent who);
  // Ends every session of an account but `keep` (0: all), audited the same
  // way with the number ended as detail.
  Result<int> end_others(long long account_id, long long keep, audit::AuditEvent who);
  // The account's live sessions, newest first.
  Result<std::vector<Session>> list(long long account_id);

  // Counts the sessions this process has ended; caches of sessions compare it
  // to know when to look again.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  void ended() { generation_.fetch_add(1, std::memory_order_acq_rel); }

  db::Database& db_;
  SessionPolicy policy_;
  std::atomic<std::uint64_t> generation_{0};
};

// The SHA-256 hex of a session token.
std::string session_token_digest(const std::string& token);

}  // namespace yiwang::identity
