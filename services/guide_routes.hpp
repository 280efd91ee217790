// The public service guide (办事指南) of the portal, the "办事服务" part of the
// government site where citizens and enterprises find a service. Everything
// here is public on the internet zone and shows only published items that are
// not retired (ItemCatalogue::published / list_published), never drafts.
//
//   /services                       search (name or code, taken literally) and
//                                   filters by department, audience (个人办事 /
//                                   法人办事) and life-event theme; the matching
//                                   items paged, with the total; the departments
//                                   having items, with counts; the themes for
//                                   individuals and for enterprises
//   /services/items/{code}          the guide of one item: every element of
//                                   STANDARDS.md §4 the item holds, and the link
//                                   to apply online (which needs signing in)
//   /api/v1/services/items          the same list as JSON (q, organ_id,
//                                   audience, theme, page)
//   /api/v1/services/items/{code}   the guide elements of one item as JSON
//
// A filter value that matches nothing the portal offers (an organ without
// published items, an unknown audience, a theme no item of that audience
// carries) is ignored, and the JSON says which filter applied.
#pragma once

#include "http/router.hpp"
#include "services/service_routes.hpp"

namespace yiwang::services {

void register_guide_routes(http::Router& router, ServicePages& pages);

}  // namespace yiwang::services
