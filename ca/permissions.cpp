#include "ca/permissions.hpp"

namespace yiwang::ca {

void declare_ca_permissions(identity::PermissionCatalogue& c) {
  using identity::AccountKind;
  c.declare({perm::kSealRead, {AccountKind::staff}});
  c.declare({perm::kSealApply, {AccountKind::staff}});
  c.declare({perm::kSealManage, {AccountKind::security_admin}});
  c.declare({perm::kCertificateManage, {AccountKind::security_admin}});
}

}  // namespace yiwang::ca
