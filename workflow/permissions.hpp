// The workflow module's permissions. Every civil servant works their own
// inbox (routes for signed-in staff need no permission); these cover the rest.
#pragma once

#include "identity/permissions.hpp"

namespace yiwang::workflow {

namespace perm {
// 系统管理员: upload, validate and deploy process definitions (configuration).
inline constexpr const char* kDefinitionManage = "workflow.definition.manage";
// staff, by role (流程管理员): see every instance in the organ scope,
// reassign tasks, suspend, resume and terminate instances.
inline constexpr const char* kInstanceManage = "workflow.instance.manage";
// staff, by role: start an instance of a deployed process from the inbox.
inline constexpr const char* kInstanceStart = "workflow.instance.start";
}  // namespace perm

void declare_workflow_permissions(identity::PermissionCatalogue& catalogue);

}  // namespace yiwang::workflow
