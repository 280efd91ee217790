#include "services/clock_view.hpp"

#include <algorithm>

#include "core/civil_date.hpp"

namespace yiwang::services {

nlohmann::json clock_model(const http::Request& req, const render::PageRenderer& pages,
                           const ClockReading& r, std::string_view name_key) {
  std::string state_key = !r.running  ? "services.pages.clock.paused"
                          : r.overdue ? "services.pages.clock.overdue"
                                      : "services.pages.clock.running";
  return {{"name", pages.text(req, name_key)},
          {"limit", r.limit},
          {"used", r.used},
          {"left", std::max(r.left, 0)},
          {"over", std::max(-r.left, 0)},
          {"paused_days", r.paused > 0 ? nlohmann::json(r.paused) : nlohmann::json()},
          {"due", core::format_iso_date(r.due)},
          {"overdue", r.overdue},
          {"running", r.running},
          {"state", pages.text(req, state_key)}};
}

}  // namespace yiwang::services
