// The intranet side of 互动交流:
//   /portal/letters        (portal.letter.read) the letters of the organs
//                          granted — the mailbox administrators also see
//                          those not yet assigned: kind, state, organ, due
//                          date with the working days left or overdue, 督办;
//                          filtered, searched (title), sorted, paged
//   /portal/letters/{id}   a letter with its writer, answer, escalations and
//                          a link to its process
// and the business forms of the process's task pages (workflow inbox):
//   portal.letter.triage   分办: the organ to assign to, or the reason of 不予受理
//   portal.letter.handle   办理: the answer (a reviewer's note when sent back)
//   portal.letter.review   审核: the answer as it will be published
#pragma once

#include "http/router.hpp"
#include "identity/services.hpp"
#include "portal/portal.hpp"
#include "workflow/task_forms.hpp"

namespace yiwang::portal {

struct LetterDesk {
  identity::Services& identity;
  Portal& portal;
};

void register_letter_desk_routes(http::Router& router, LetterDesk& desk);
void register_letter_task_forms(workflow::TaskForms& forms, LetterDesk& desk);
void add_letter_nav(render::PageRenderer& pages);

}  // namespace yiwang::portal
