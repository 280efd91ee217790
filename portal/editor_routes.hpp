// The intranet pages where civil servants write the site's articles and see
// them through review. Every page checks that the article's organ is one the
// permission was granted for — another organ's article is "not found".
//
// portal.article.edit (网站编辑):
//   /portal/articles               the articles of the organs granted: state,
//                                  column, last change; searched (title or
//                                  document number), filtered, sorted, paged
//   /portal/articles/new           a new article (保存草稿)
//   /portal/articles/{id}          the editor with the article's current
//                                  version, its state and the reviewer's note;
//                                  POST saves a new version (errors at their
//                                  fields, everything typed kept)
//   POST /portal/articles/{id}/submit   提交审核: starts 初审 → 复审 → 终审
//   /portal/articles/{id}/versions      the versions; ?from=&to= their differences
// portal.article.withdraw (网站管理员):
//   POST /portal/articles/{id}/withdraw   takes it off the site, with a reason
// portal.site.health (网站管理员):
//   /portal/health                 stale and empty columns, broken internal
//                                  links, 主动公开 items later than 20 working days
//
// Reviewers work in the workflow inbox; their task page shows the article as
// it will be published and what changed since the published version
// (task form "portal.review").
#pragma once

#include "core/work_calendar.hpp"
#include "http/router.hpp"
#include "identity/services.hpp"
#include "portal/portal.hpp"
#include "workflow/task_forms.hpp"

namespace yiwang::portal {

struct EditorPages {
  identity::Services& identity;
  Portal& portal;
  const core::WorkCalendar& calendar;
};

void register_editor_routes(http::Router& router, EditorPages& pages);
void register_review_task_form(workflow::TaskForms& forms, EditorPages& pages);
void add_portal_nav(render::PageRenderer& pages);

}  // namespace yiwang::portal
