#include "portal/home_routes.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "portal/site_routes.hpp"

namespace yiwang::portal {

void register_home_routes(http::Router& router, const render::PageRenderer& pages,
                          const core::WorkCalendar& calendar,
                          const registry::DivisionStore& divisions, Portal& portal) {
  router.add({.method = "GET",
              .pattern = "/",
              .zone = http::Zone::internet,
              .permission = std::string(http::kPublic),
              .handler =
                  [&pages, &calendar, &divisions, &portal](http::Request& req) {
                    auto today = core::china_today();
                    nlohmann::json model = {
                        {"nav_home", true},
                        {"description", pages.text(req, "portal.home.description")},
                        {"today_iso", core::format_iso_date(today)},
                        {"today_text", req.lang == "en" ? core::format_iso_date(today)
                                                        : core::format_chinese_date(today)},
                        {"today_working", calendar.is_working_day(today)},
                        {"columns", home_columns(portal, req)}};
                    if (auto v = divisions.version())
                      model["division_version"] = v->data_date.empty() ? v->source : v->data_date;
                    http::Response res = pages.page(req, "portal/home", "portal.home.title", model);
                    res.cache_seconds = 60;
                    return res;
                  },
              .cacheable = true});
}

}  // namespace yiwang::portal
