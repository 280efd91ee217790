// The pages of 依申请公开.
//
// On the portal (外网), for a signed-in citizen or enterprise:
//   /disclosure/requests                 my requests: number, organ, state,
//                                        working days left, paged
//   /disclosure/requests/new             the request form (identity from the
//                                        account; no purpose asked); errors at
//                                        their fields, everything typed kept
//   /disclosure/requests/{number}        the request: its clock in working
//                                        days, what is asked of the applicant
//                                        (补正, answered on the same page), the
//                                        reply, the sealed documents, the events
//   /disclosure/requests/{number}/documents/{id}   a sealed PDF
// Someone else's request reads as not found.
//
// On the intranet, portal.disclosure.handle (依申请公开经办/负责人) for the
// organs granted:
//   /portal/disclosure                   the requests: state, applicant, organ,
//                                        working days left or overdue; searched,
//                                        filtered, sorted, paged
//   /portal/disclosure/{number}          a request with its events and documents
//   /portal/disclosure/{number}/documents/{id}
// The work itself is done on the process's task pages (task forms
// portal.disclosure.register/handle/opinion/extension/sign).
#pragma once

#include "http/router.hpp"
#include "identity/services.hpp"
#include "portal/portal.hpp"
#include "workflow/task_forms.hpp"

namespace yiwang::portal {

struct DisclosurePages {
  identity::Services& identity;
  Portal& portal;
};

void register_disclosure_routes(http::Router& router, DisclosurePages& pages);
void register_disclosure_task_forms(workflow::TaskForms& forms, DisclosurePages& pages);
void add_disclosure_nav(render::PageRenderer& pages);

}  // namespace yiwang::portal
