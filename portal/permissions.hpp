// The portal module's permissions. The public pages need none; reviewers act
// through their tasks of the review process (candidate groups by role).
#pragma once

#include "identity/permissions.hpp"

namespace yiwang::portal {

namespace perm {
// staff, by role (网站编辑): write articles for the organs granted, save
// versions and submit them for review.
inline constexpr const char* kArticleEdit = "portal.article.edit";
// staff, by role (网站管理员): take a published article of the organs granted
// off the site, with a reason.
inline constexpr const char* kArticleWithdraw = "portal.article.withdraw";
// staff, by role (网站管理员): the site's health against the inspection
// checklist (stale and empty columns, broken links, late 主动公开 items of the
// organs granted).
inline constexpr const char* kSiteHealth = "portal.site.health";
}  // namespace perm

void declare_portal_permissions(identity::PermissionCatalogue& catalogue);

}  // namespace yiwang::portal
