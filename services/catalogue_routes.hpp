// The intranet's pages of the service catalogue (事项库), where civil servants
// write service items and others review them before the portal shows them.
// Every route is on the intranet zone; each page and action also checks that
// the item's organ (实施主体) is one the permission was granted for — an item
// of another organ is "not found", exactly like one that does not exist.
//
// services.item.edit (事项编辑):
//   /services/catalogue                 the items of the organs granted: the
//                                       state of the latest version, the
//                                       published version; searched (name or
//                                       code, literally), filtered by state and
//                                       organ, sorted by name or code, paged
//   /services/catalogue/new             a new item: every element of the guide,
//                                       the form schema and the licence
//                                       template as JSON; 保存草稿 or 提交审核
//   /services/catalogue/{id}            the same editor for an item (its latest
//                                       version prefilled), its versions, and
//                                       retiring or restoring it with a reason
//                                       (POST …/{id}/retire)
// services.item.review (事项审核):
//   /services/review                    the items of the organs granted, those
//                                       awaiting review first (?state=all: all)
//   /services/review/{id}               the version under review, read-only,
//                                       with the versions and the review form:
//                                       发布, or 驳回 with a note; nobody reviews
//                                       a version they wrote
//
// What an editor types is checked by parse_service_item; every problem is
// shown at its element, naming it and the rule, with everything typed kept.
// Saving and submitting is one transaction (ItemCatalogue::save_draft).
#pragma once

#include "http/router.hpp"
#include "services/service_routes.hpp"

namespace yiwang::services {

void register_catalogue_routes(http::Router& router, ServicePages& pages);

}  // namespace yiwang::services
