#include "workflow/permissions.hpp"

namespace yiwang::workflow {

void declare_workflow_permissions(identity::PermissionCatalogue& c) {
  using identity::AccountKind;
  c.declare({perm::kDefinitionManage, {AccountKind::system_admin}});
  c.declare({perm::kInstanceManage, {AccountKind::staff}});
  c.declare({perm::kInstanceStart, {AccountKind::staff}});
}

}  // namespace yiwang::workflow
