// The working-day calculator of the office workbench (intranet zone) and its
// JSON API: "N working days after D" and "working days between", on the
// calendar that every statutory deadline uses.
#pragma once

#include "core/work_calendar.hpp"
#include "http/router.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::office {

void register_workdays_routes(http::Router& router, const render::PageRenderer& pages,
                              const core::WorkCalendar& calendar);

}  // namespace yiwang::office
