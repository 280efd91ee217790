#include "portal/permissions.hpp"

namespace yiwang::portal {

void declare_portal_permissions(identity::PermissionCatalogue& c) {
  c.declare({perm::kArticleEdit, {identity::AccountKind::staff}});
  c.declare({perm::kArticleWithdraw, {identity::AccountKind::staff}});
  c.declare({perm::kSiteHealth, {identity::AccountKind::staff}});
  c.declare({perm::kDisclosureHandle, {identity::AccountKind::staff}});
  c.declare({perm::kReportEdit, {identity::AccountKind::staff}});
  c.declare({perm::kConsultationManage, {identity::AccountKind::staff}});
  c.declare({perm::kLetterRead, {identity::AccountKind::staff}});
}

}  // namespace yiwang::portal
