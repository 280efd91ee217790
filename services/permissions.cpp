#include "services/permissions.hpp"

namespace yiwang::services {

void declare_services_permissions(identity::PermissionCatalogue& c) {
  c.declare({perm::kLicenceManage, {identity::AccountKind::staff}});
}

}  // namespace yiwang::services
