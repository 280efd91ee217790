// The three zones as trust boundaries: what each zone's route table holds, and
// the OpenAPI document agreeing with the routes that really exist.
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "tests/support/test_server.hpp"

using yiwang::http::Classification;
using yiwang::http::Zone;
using yiwang::test::TestServer;

#define REQUIRE_SERVER(s) \
  if (!(s).available()) GTEST_SKIP() << "database engine under test is not available"

TEST(Zones, InternetZoneServesOnlyOpenData) {
  TestServer s;
  REQUIRE_SERVER(s);
  auto routes = s.app().router().routes(Zone::internet);
  EXPECT_FALSE(routes.empty());
  for (const auto* r : routes)
    EXPECT_EQ(r->max_classification, Classification::open) << r->method << " " << r->pattern;
}

TEST(Zones, EveryRouteNamesAPermission) {
  TestServer s;
  REQUIRE_SERVER(s);
  for (Zone z : yiwang::http::kAllZones)
    for (const auto* r : s.app().router().routes(z))
      EXPECT_FALSE(r->permission.empty()) << r->pattern;
}

TEST(Zones, OpenApiListsExactlyTheZonesApiRoutes) {
  TestServer s;
  REQUIRE_SERVER(s);
  for (Zone z : yiwang::http::kAllZones) {
    std::set<std::string> registered;
    for (const auto* r : s.app().router().routes(z))
      if (yiwang::http::is_api_pattern(r->pattern)) {
        std::string m = r->method;
        for (auto& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        registered.insert(m + " " + r->pattern);
      }
    auto res = s.get(z, "/api/v1/openapi.json");
    ASSERT_EQ(res.status, 200);
    auto doc = nlohmann::json::parse(res.body);
    EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
    std::set<std::string> documented;
    for (auto& [path, ops] : doc["paths"].items())
      for (auto& [method, op] : ops.items()) documented.insert(method + " " + path);
    for (const auto& r : registered)
      EXPECT_TRUE(documented.contains(r)) << "registered on " << yiwang::http::zone_name(z)
                                          << " but missing from docs/api/openapi.json: " << r;
    for (const auto& d : documented)
      EXPECT_TRUE(registered.contains(d))
          << "documented for " << yiwang::http::zone_name(z) << " but not registered: " << d;
  }
}
