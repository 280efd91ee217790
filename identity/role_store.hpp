// Roles and grants. A role is a named set of permissions that staff may hold
// (never an administrator's: 三员分立); a grant gives a role to a civil
// servant within an organ scope — that organ, or that organ and its
// sub-organs. Every change is audited in its transaction, and a change of
// what someone may do ends their sessions so they sign in again with a new
// token (GB/T 22239: new session on privilege change).
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
#include "http/request.hpp"
#include "identity/account_store.hpp"
#include "identity/organ_store.hpp"
#include "identity/permissions.hpp"
#include "identity/session_store.hpp"

namespace yiwang::identity {

struct RoleInput {
  std::string name;  // 公文管理员
  std::string description;
  std::vector<std::string> permissions;
};

struct Role {
  long long id = 0;
  std::string name, description;
  std::vector<std::string> permissions;  // sorted
  long long version = 0;
};

struct Grant {
  long long id = 0;
  long long account_id = 0;
  long long role_id = 0;
  std::string role_name;
  long long organ_id = 0;
  std::string organ_name;
  bool include_sub_organs = false;
  std::string granted_by, granted_at;
};

class RoleStore {
 public:
  RoleStore(db::Database& db, const PermissionCatalogue& catalogue, OrganStore& organs,
            SessionStore& sessions)
      : db_(db), catalogue_(catalogue), organs_(organs), sessions_(sessions) {}

  // Roles, role permissions, grants, session stages and the security policy.
  static std::vector<db::Migration> migrations();

  // Creates a role. Every permission must be declared and grantable to staff
  // ("identity.role.not_grantable" names it and its administrator).
  Result<Role> create_role(const RoleInput& input, audit::AuditEvent who);
  // Replaces name, description and permissions; ends the sessions of everyone
  // holding the role.
  Result<Role> update_role(long long id, const RoleInput& input, long long expected_version,
                           audit::AuditEvent who);
  Result<std::vector<Role>> roles();
  Result<std::optional<Role>> get(long long id);

  // Grants a role to a civil servant within an organ (and its sub-organs).
  Result<Grant> grant(long long account_id, long long role_id, long long organ_id,
                      bool include_sub_organs, audit::AuditEvent who);
  // Withdraws a grant of that account.
  Result<void> revoke(long long account_id, long long grant_id, audit::AuditEvent who);
  // The account's grants, by role name.
  Result<std::vector<Grant>> grants_of(long long account_id);

  // What an account may do: its kind's built-in permissions plus its grants,
  // with organ scopes expanded to organ ids.
  Result<http::Authority> authority(const Account& account);

 private:
  Result<void> check_input(const RoleInput& input) const;

  db::Database& db_;
  const PermissionCatalogue& catalogue_;
  OrganStore& organs_;
  SessionStore& sessions_;
};

}  // namespace yiwang::identity
