// Permissions are declared in code by the module that checks them
// ("portal.article.publish"), each with the account kinds that may hold it.
// Civil servants (staff) hold permissions only through roles granted within
// an organ scope; the three administrators, citizens and enterprises hold the
// permissions declared for their kind, everywhere, and nothing else. A
// permission of an administrator kind belongs to that kind alone, so no
// account can gather two administrators' powers (三员分立) and none is
// all-powerful.
//
// Thread safety: declare everything at start-up; reading is safe afterwards.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "identity/account_store.hpp"

namespace yiwang::identity {

struct PermissionSpec {
  std::string name;                  // module.object.action, lower case
  std::vector<AccountKind> holders;  // staff = through roles; other kinds hold it built in
};

class PermissionCatalogue {
 public:
  // Adds a permission. Throws std::invalid_argument for a malformed or
  // duplicate name, no holders, or an administrator's permission shared with
  // any other kind.
  void declare(PermissionSpec spec);

  const PermissionSpec* find(std::string_view name) const;
  // Every permission, by name.
  std::vector<const PermissionSpec*> all() const;
  // Whether roles may contain it (staff hold it).
  bool grantable(std::string_view name) const;
  // The administrator kind that alone holds it, if any.
  std::optional<AccountKind> administrator_of(std::string_view name) const;
  // The permissions a kind holds without roles.
  std::vector<std::string> built_in(AccountKind kind) const;

 private:
  std::map<std::string, PermissionSpec, std::less<>> specs_;
};

// Declares the identity and audit modules' own permissions.
void declare_identity_permissions(PermissionCatalogue& catalogue);

// Names of the identity module's permissions.
namespace perm {
inline constexpr const char* kOrganManage = "identity.organ.manage";        // 系统管理员
inline constexpr const char* kAccountManage = "identity.account.manage";    // 系统管理员
inline constexpr const char* kRoleManage = "identity.role.manage";          // 安全管理员
inline constexpr const char* kGrantManage = "identity.grant.manage";        // 安全管理员
inline constexpr const char* kSecurityManage = "identity.security.manage";  // 安全管理员
inline constexpr const char* kAuditRead = "audit.log.read";                 // 审计管理员
inline constexpr const char* kDirectoryRead = "identity.directory.read";    // staff, by role
}  // namespace perm

}  // namespace yiwang::identity
