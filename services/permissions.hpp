// The online-services module's permissions. Applicants act on their own
// applications and cases, civil servants on the tasks of case processes
// (routes for the signed-in need no permission); these cover the rest.
#pragma once

#include "identity/permissions.hpp"

namespace yiwang::services {

namespace perm {
// staff, by role (证照管理员): list the licences their organ issued and revoke one.
inline constexpr const char* kLicenceManage = "services.licence.manage";
}  // namespace perm

void declare_services_permissions(identity::PermissionCatalogue& catalogue);

}  // namespace yiwang::services
