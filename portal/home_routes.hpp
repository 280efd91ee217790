// The portal's home page (外网 zone): the site name, today's date with whether
// it is a working day, and the public data and tools the platform offers.
// It lists the latest articles of the columns marked for the home page. The
// page is cached for a minute (it names today's date) and dropped at once
// when an article is published or withdrawn.
#pragma once

#include "core/work_calendar.hpp"
#include "http/router.hpp"
#include "portal/portal.hpp"
#include "registry/division_store.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::portal {

void register_home_routes(http::Router& router, const render::PageRenderer& pages,
                          const core::WorkCalendar& calendar,
                          const registry::DivisionStore& divisions, Portal& portal);

}  // namespace yiwang::portal
