// The online-services module's permissions. Applicants act on their own
// applications and cases, civil servants on the tasks of case processes
// (routes for the signed-in need no permission); these cover the rest.
#pragma once

#include "identity/permissions.hpp"

namespace yiwang::services {

namespace perm {
// staff, by role (证照管理员): list the licences their organ issued and revoke one.
inline constexpr const char* kLicenceManage = "services.licence.manage";
// staff, by role (事项编辑): write the catalogue's items of the organs granted —
// create, edit, submit versions for review, retire and restore.
inline constexpr const char* kItemEdit = "services.item.edit";
// staff, by role (事项审核): publish or reject the versions under review of
// the organs granted, never a version they wrote themselves.
inline constexpr const char* kItemReview = "services.item.review";
}  // namespace perm

void declare_services_permissions(identity::PermissionCatalogue& catalogue);

}  // namespace yiwang::services
