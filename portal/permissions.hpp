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
// staff, by role (依申请公开经办/负责人): the requests for information made to
// the organs granted, their documents; the work is done in the process's tasks.
inline constexpr const char* kDisclosureHandle = "portal.disclosure.handle";
// staff, by role (依申请公开负责人): the organ's annual report on government
// information disclosure — generate, edit, submit it for publication.
inline constexpr const char* kReportEdit = "portal.report.edit";
// staff, by role (征集调查管理): the organ's consultations on drafts and its
// surveys — write, publish, moderate comments, publish the adoption summary.
inline constexpr const char* kConsultationManage = "portal.consultation.manage";
// staff, by role (信箱管理员, 信件办理, 信件审核, 信件督办): the letters of
// 互动交流 assigned to the organs granted (and, granted for the mailbox
// organ, those not yet assigned). Handling them is done through the tasks of
// the letter process (candidate groups by role).
inline constexpr const char* kLetterRead = "portal.letter.read";
}  // namespace perm

void declare_portal_permissions(identity::PermissionCatalogue& catalogue);

}  // namespace yiwang::portal
