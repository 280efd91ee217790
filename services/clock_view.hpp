// A time limit's clock for people (the table of web/templates/services/clocks):
// {"name", "limit", "used", "left", "over", "paused_days", "due", "overdue",
// "running", "state"} — working days, the due date, and whether it runs, is
// paused or is overdue, in the request's language.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "http/request.hpp"
#include "render/page_renderer.hpp"
#include "services/case_clock.hpp"

namespace yiwang::services {

nlohmann::json clock_model(const http::Request& req, const render::PageRenderer& pages,
                           const ClockReading& r, std::string_view name_key);

}  // namespace yiwang::services
