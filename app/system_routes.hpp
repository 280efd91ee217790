// Routes every deployment has: /healthz on every zone (the database answers),
// /metrics (Prometheus) on the intranet zone only, and /api/v1/openapi.json on
// every zone, listing that zone's API routes from the repository's OpenAPI
// document (docs/api/openapi.json).
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "db/database.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace yiwang::app {

void register_system_routes(http::Router& router, db::Database& db, http::Metrics& metrics,
                            const std::string& openapi);

// The OpenAPI document cut down to the operations of one zone (those whose
// x-yiwang-zones names it).
nlohmann::json openapi_for_zone(const nlohmann::json& document, http::Zone zone);

}  // namespace yiwang::app
