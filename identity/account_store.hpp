// Accounts. Kinds: civil servants (staff, in an organ and department, with a
// clearance level), citizens, enterprises, and the three administrators of
// 三员分立 — 系统管理员 (organs, accounts), 安全管理员 (roles, permissions,
// clearance, security policy), 审计管理员 (reads the audit log, nothing
// else). An administrator is an account kind, so no account can hold two of
// the roles; administrators are created only by `yiwang init`, exactly one of
// each, with one-time passwords that must be changed at first sign-in.
//
// Thread-safe: every call is its own transaction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "identity/password.hpp"

namespace yiwang::identity {

enum class AccountKind { staff, citizen, enterprise, system_admin, security_admin, audit_admin };

std::string_view account_kind_name(AccountKind kind);
std::optional<AccountKind> parse_account_kind(std::string_view name);
bool is_administrator(AccountKind kind);

// Security labels a civil servant may be cleared for (绝密 never enters).
enum class Clearance { open = 0, internal = 1, secret = 2, confidential = 3 };
std::string_view clearance_name(Clearance c);
std::optional<Clearance> parse_clearance(std::string_view name);

struct Account {
  long long id = 0;
  std::string name;  // sign-in name, lower case
  AccountKind kind = AccountKind::staff;
  std::string display_name;
  std::optional<long long> organ_id;
  Clearance clearance = Clearance::open;
  bool must_change_password = false;
  std::string password_changed_at;
  bool active = true;
  long long version = 0;
};

// An administrator created by init, with the password shown once.
struct NewAdministrator {
  Account account;
  std::string one_time_password;
};

class AccountStore {
 public:
  AccountStore(db::Database& db, HashCost cost) : db_(db), cost_(cost) {}

  static std::vector<db::Migration> migrations();

  // Creates 系统管理员 sysadmin, 安全管理员 secadmin and 审计管理员 auditadmin
  // with random one-time passwords. Refuses ("identity.admin.exists") when any
  // administrator exists already.
  Result<std::vector<NewAdministrator>> create_administrators(audit::AuditEvent who);

  Result<std::optional<Account>> find_by_name(const std::string& name);
  Result<std::optional<Account>> get(long long id);
  // The stored Argon2id hash (for sign-in).
  Result<std::string> password_hash(long long id);

  // Changes a password after checking the current one ("current_password") and
  // the policy ("password"; the last passwords count as history). Clears the
  // must-change flag; audited in the same transaction.
  Result<void> change_password(long long id, std::string_view current, std::string_view next,
                               const PasswordPolicy& policy, audit::AuditEvent who);

 private:
  db::Database& db_;
  HashCost cost_;
};

}  // namespace yiwang::identity
