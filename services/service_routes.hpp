// The pages of online services.
//
// 政务外网 (internet), for signed-in citizens and enterprises:
//   /services/items/{code}/apply        the application form (prefilled; save a
//                                       draft, add or remove group items, submit)
//   /services/cases                     my cases and drafts
//   /services/cases/{number}            a case: state, clocks in working days,
//                                       what is needed, events, documents, the form
//   /services/cases/{number}/correct    补齐补正: the form again with what is missing
//   /services/cases/{number}/files/{ref}, …/documents/{id}   the materials and documents
//   /messages                           the message centre
// A case that is not the viewer's is "not found", exactly like one that does
// not exist.
//
// 政务内网 (intranet): the business forms of the case process's task pages
// (form keys services.accept — 受理, 补正 or 不予受理 with the list of what is
// missing — and services.review), and the materials of a case for those
// involved in its process: /services/handling/{number}/files/{ref}.
#pragma once

#include "http/router.hpp"
#include "identity/services.hpp"
#include "render/page_renderer.hpp"
#include "services/online_services.hpp"
#include "workflow/engine.hpp"
#include "workflow/task_forms.hpp"

namespace yiwang::services {

struct ServicePages {
  identity::Services& identity;
  OnlineServices& online;
  workflow::Engine& engine;
};

void register_service_routes(http::Router& router, ServicePages& pages);
// The navigation links: 我的办件, 我的证照 and 消息中心 for citizens and
// enterprises on the portal; 电子证照 for holders of services.licence.manage,
// 事项库 and 事项审核 for holders of services.item.edit and services.item.review.
void add_service_nav(render::PageRenderer& pages);
// The business forms of the case process's task pages.
void register_case_task_forms(workflow::TaskForms& forms, ServicePages& pages);

}  // namespace yiwang::services
