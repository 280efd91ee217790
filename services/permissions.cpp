#include "services/permissions.hpp"

namespace yiwang::services {

void declare_services_permissions(identity::PermissionCatalogue& c) {
  c.declare({perm::kLicenceManage, {identity::AccountKind::staff}});
  c.declare({perm::kItemEdit, {identity::AccountKind::staff}});
  c.declare({perm::kItemReview, {identity::AccountKind::staff}});
}

}  // namespace yiwang::services
