// The security policy the security administrator sets (安全管理员): whether
// intranet accounts must use a second factor, and how many days an intranet
// password lives. Stored in identity_policy, cached in memory and re-read
// every few seconds so every node of a cluster follows a change.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "db/database.hpp"

namespace yiwang::identity {

struct SecurityPolicy {
  bool second_factor_required = true;  // for every intranet account
  int password_max_age_days = 90;      // intranet accounts; 0 = never expires
};

class SecurityPolicyStore {
 public:
  // `defaults` come from the configuration until the administrator saves.
  SecurityPolicyStore(db::Database& db, SecurityPolicy defaults) : db_(db), current_(defaults) {}

  // The policy in force (re-read at most every 5 seconds).
  SecurityPolicy get();
  // Saves a new policy; audited with the old and new values.
  // password_max_age_days must lie in 0..365 (field "password_max_age_days").
  Result<SecurityPolicy> set(const SecurityPolicy& policy, audit::AuditEvent who);

 private:
  db::Database& db_;
  std::mutex mutex_;
  SecurityPolicy current_;
  std::chrono::steady_clock::time_point loaded_{};
};

}  // namespace yiwang::identity
