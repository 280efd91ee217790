#include "app/system_routes.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace yiwang::app {

nlohmann::json openapi_for_zone(const nlohmann::json& document, http::Zone zone) {
  nlohmann::json out = document;
  nlohmann::json paths = nlohmann::json::object();
  std::string name(http::zone_name(zone));
  for (auto it = document["paths"].begin(); it != document["paths"].end(); ++it) {
    nlohmann::json ops = nlohmann::json::object();
    for (auto op = it.value().begin(); op != it.value().end(); ++op) {
      const auto& zones = op.value().value("x-yiwang-zones", nlohmann::json::array());
      if (std::find(zones.begin(), zones.end(), name) != zones.end()) ops[op.key()] = op.value();
    }
    if (!ops.empty()) paths[it.key()] = ops;
  }
  out["paths"] = paths;
  out["info"]["x-yiwang-zone"] = name;
  return out;
}

void register_system_routes(http::Router& router, db::Database& db, http::Metrics& metrics,
                            const std::string& openapi) {
  auto document = std::make_shared<nlohmann::json>(nlohmann::json::parse(openapi));
  for (http::Zone zone : http::kAllZones) {
    router.add({.method = "GET",
                .pattern = "/healthz",
                .zone = zone,
                .permission = std::string(http::kPublic),
                .handler = [&db](http::Request&) {
                  try {
                    auto s = db.acquire();
                    int one = 0;
                    *s << "SELECT 1", soci::into(one);
                    if (one == 1) return http::Response::text("ok\n");
                  } catch (const std::exception&) {
                  }
                  return http::Response::text("database unavailable\n", 503);
                }});
    auto body = std::make_shared<std::string>(openapi_for_zone(*document, zone).dump(2));
    router.add({.method = "GET",
                .pattern = "/api/v1/openapi.json",
                .zone = zone,
                .permission = std::string(http::kPublic),
                .handler = [body](http::Request&) { return http::Response::json(*body); },
                .summary = "This zone's OpenAPI 3 document"});
  }
  router.add({.method = "GET",
              .pattern = "/metrics",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kPublic),
              .handler = [&metrics](http::Request&) {
                http::Response r = http::Response::text(metrics.render());
                r.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                return r;
              }});
}

}  // namespace yiwang::app
