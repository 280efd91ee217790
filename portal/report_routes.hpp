// The annual report on government information disclosure on the workbench
// (portal.report.edit, for the organs granted):
//
//   /portal/annual-reports         the organs' reports by year, whether each
//                                  passes the consistency check, when it is due
//                                  (31 January of the next year); POST generates
//                                  the report of an organ and a year from the data
//   /portal/annual-reports/{id}    the report: the three tables and the texts,
//                                  editable while a draft, the check per
//                                  applicant type; POST _action=save keeps
//                                  what was typed (every bad cell named),
//                                  regenerate recomputes the tables from the
//                                  data, publish (only when the check passes)
//                                  makes it an article of 公开年报 and submits it
//                                  to the site's review.
#pragma once

#include "http/router.hpp"
#include "identity/services.hpp"
#include "portal/portal.hpp"

namespace yiwang::portal {

struct ReportPages {
  identity::Services& identity;
  Portal& portal;
};

void register_report_routes(http::Router& router, ReportPages& pages);
void add_report_nav(render::PageRenderer& pages);

}  // namespace yiwang::portal
