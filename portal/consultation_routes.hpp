// The pages of 征集调查.
//
// On the portal:
//   /consultations                 consultations and surveys, open ones first
//                                  by date (?kind=consultation|survey), paged
//   /consultations/{id}            a consultation: the draft, its period, the
//                                  approved comments, the comment form for a
//                                  signed-in citizen or enterprise while open
//                                  (one's own comments show with their state),
//                                  and the summary of adoption once published;
//                                  a survey: its questions while open and not
//                                  yet answered, the results after answering
//                                  and once it is closed
//   POST /consultations/{id}/comments, /consultations/{id}/responses
// On the workbench, portal.consultation.manage for the organs granted:
//   /portal/consultations          the organs' consultations and surveys with
//                                  how many comments wait for moderation
//   /portal/consultations/new      a new one (?kind=); drafts are edited at
//   /portal/consultations/{id}     which also publishes them, moderates their
//                                  comments (approve, or reject with a reason)
//                                  and, after the period, publishes the summary
//                                  of adoption; a survey shows its results.
#pragma once

#include "http/router.hpp"
#include "identity/services.hpp"
#include "portal/portal.hpp"

namespace yiwang::portal {

struct ConsultationPages {
  identity::Services& identity;
  Portal& portal;
};

void register_consultation_routes(http::Router& router, ConsultationPages& pages);
void add_consultation_nav(render::PageRenderer& pages);

}  // namespace yiwang::portal
