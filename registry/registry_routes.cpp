#include "registry/registry_routes.hpp"

#include <nlohmann/json.hpp>

#include "core/normalise.hpp"
#include "registry/identifier_check.hpp"

namespace yiwang::registry {

namespace {

constexpr std::size_t kMaxIdentifierInput = 64;

nlohmann::json division_json(const Division& d) {
  return {{"code", d.code}, {"name", d.name}, {"level", d.level}, {"parent", d.parent_code}};
}

nlohmann::json version_json(const DivisionStore& divisions) {
  if (auto v = divisions.version())
    return {{"source", v->source}, {"data_date", v->data_date}, {"imported_at", v->imported_at}};
  return nullptr;
}

bool six_digits(const std::string& s) {
  return s.size() == 6 && s.find_first_not_of("0123456789") == std::string::npos;
}

// Page model for one division (or the provinces when code is empty).
nlohmann::json division_page(const DivisionStore& divisions, const std::string& code) {
  nlohmann::json m;
  m["nav_divisions"] = true;
  m["version"] = version_json(divisions);
  std::vector<Division> children;
  if (code.empty()) {
    for (const auto& d : divisions.children("")) children.push_back(d);
  } else {
    auto d = divisions.find(code);
    m["current"] = division_json(*d);
    nlohmann::json ancestors = nlohmann::json::array();
    std::string parent = d->parent_code;
    std::vector<nlohmann::json> chain;
    while (!parent.empty()) {
      auto p = divisions.find(parent);
      if (!p) break;
      chain.insert(chain.begin(), division_json(*p));
      parent = p->parent_code;
    }
    for (auto& a : chain) ancestors.push_back(a);
    m["ancestors"] = ancestors;
    children = divisions.children(code);
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : children) {
    auto j = division_json(c);
    j["has_children"] = c.level < 3 && !divisions.children(c.code).empty();
    list.push_back(j);
  }
  m["children"] = list;
  m["child_count"] = list.size();
  m["has_children"] = !list.empty();
  return m;
}

void add_api(http::Router& router, http::Zone zone, const render::PageRenderer& pages,
             const DivisionStore& divisions) {
  router.add(
      {.method = "GET",
       .pattern = "/api/v1/identifiers/check",
       .zone = zone,
       .permission = std::string(http::kPublic),
       .handler =
           [&](http::Request& req) {
             const std::string* kind_text = req.query.get("kind");
             if (!kind_text || kind_text->empty())
               return pages.json_error(req, 400, Error("api.required", "kind"));
             auto kind = core::parse_id_kind(*kind_text);
             if (!kind)
               return pages.json_error(req, 400, Error("api.identifiers.bad_kind", "kind"));
             const std::string* value = req.query.get("value");
             if (!value || value->empty())
               return pages.json_error(req, 400, Error("api.required", "value"));
             if (value->size() > kMaxIdentifierInput)
               return pages.json_error(
                   req, 400,
                   Error("api.too_long", "value", {{"max", std::to_string(kMaxIdentifierInput)}}));
             auto check = check_identifier(*kind, *value, divisions);
             return http::Response::json(
                 identifier_json(*kind, check, divisions, pages.catalogue(), req.lang).dump());
           },
       .summary = "Check a citizen number, credit code, organisation code or division code"});
  router.add(
      {.method = "GET",
       .pattern = "/api/v1/divisions",
       .zone = zone,
       .permission = std::string(http::kPublic),
       .handler =
           [&](http::Request&) {
             nlohmann::json list = nlohmann::json::array();
             for (const auto& d : divisions.children("")) list.push_back(division_json(d));
             return http::Response::json(
                 nlohmann::json{{"version", version_json(divisions)}, {"divisions", list}}.dump());
           },
       .summary = "Provinces of the current GB/T 2260 division table"});
  router.add({.method = "GET",
              .pattern = "/api/v1/divisions/{code}",
              .zone = zone,
              .permission = std::string(http::kPublic),
              .handler =
                  [&](http::Request& req) {
                    std::string code = req.param("code");
                    if (!six_digits(code))
                      return pages.json_error(req, 400, Error("api.divisions.bad_code", "code"));
                    auto d = divisions.find(code);
                    if (!d)
                      return pages.json_error(req, 404, Error("api.divisions.not_found", "code"));
                    nlohmann::json children = nlohmann::json::array();
                    for (const auto& c : divisions.children(code))
                      children.push_back(division_json(c));
                    auto j = division_json(*d);
                    j["children"] = children;
                    j["version"] = version_json(divisions);
                    return http::Response::json(j.dump());
                  },
              .summary = "One division with its children"});
}

}  // namespace

void register_registry_routes(http::Router& router, const render::PageRenderer& pages,
                              const DivisionStore& divisions) {
  router.add({.method = "GET",
              .pattern = "/divisions",
              .zone = http::Zone::internet,
              .permission = std::string(http::kPublic),
              .handler =
                  [&](http::Request& req) {
                    auto res = pages.page(req, "registry/divisions", "registry.divisions.title",
                                          division_page(divisions, ""));
                    res.cache_seconds = 300;
                    return res;
                  },
              .cacheable = true});
  router.add({.method = "GET",
              .pattern = "/divisions/{code}",
              .zone = http::Zone::internet,
              .permission = std::string(http::kPublic),
              .handler =
                  [&](http::Request& req) {
                    std::string code = req.param("code");
                    if (!six_digits(code) || !divisions.find(code))
                      return pages.error(req, 404, "registry.divisions.not_found");
                    auto res = pages.page(req, "registry/divisions", "registry.divisions.title",
                                          division_page(divisions, code));
                    res.cache_seconds = 300;
                    return res;
                  },
              .cacheable = true});
  router.add(
      {.method = "GET",
       .pattern = "/tools/check-id",
       .zone = http::Zone::internet,
       .permission = std::string(http::kPublic),
       .handler = [&](http::Request& req) {
         std::string kind_text = req.query.value("kind", "citizen");
         std::string value = req.query.value("value");
         auto kind = core::parse_id_kind(kind_text);
         nlohmann::json kinds = nlohmann::json::array();
         for (const char* k : {"citizen", "uscc", "orgcode", "division"})
           kinds.push_back({{"value", k},
                            {"label", pages.text(req, std::string("registry.check_id.kind.") + k)},
                            {"selected", kind_text == k}});
         nlohmann::json model = {{"nav_check_id", true}, {"kinds", kinds}, {"value", value}};
         int status = 200;
         if (req.query.get("value")) {
           nlohmann::json r;
           if (!kind) {
             status = 400;
             r = {{"css", "bad"},
                  {"verdict",
                   pages.catalogue().message(req.lang, Error("api.identifiers.bad_kind", "kind"))}};
           } else if (value.empty()) {
             status = 400;
             r = {{"css", "bad"},
                  {"verdict", pages.catalogue().message(req.lang, Error("api.required", "value"))}};
           } else if (value.size() > kMaxIdentifierInput) {
             status = 400;
             r = {
                 {"css", "bad"},
                 {"verdict", pages.catalogue().message(
                                 req.lang, Error("api.too_long", "value",
                                                 {{"max", std::to_string(kMaxIdentifierInput)}}))}};
           } else {
             auto check = check_identifier(*kind, value, divisions);
             r["normalised"] = check.normalised;
             if (!check.converted.empty()) r["converted"] = check.converted;
             if (check.status == core::IdStatus::valid) {
               r["css"] = "ok";
               r["verdict"] = pages.text(req, "registry.check_id.valid");
             } else if (check.status == core::IdStatus::legacy) {
               r["css"] = "warn";
               r["verdict"] = pages.text(req, "registry.check_id.legacy");
             } else {
               r["css"] = "bad";
               r["verdict"] = pages.text(req, "registry.check_id.invalid");
               r["message"] = pages.catalogue().text(req.lang, check.error.key, check.error.params);
             }
           }
           model["result"] = r;
         }
         auto res = pages.page(req, "registry/check_id", "registry.check_id.title", model, status);
         // The value may be personal data: keep it out of shared caches.
         res.set("Cache-Control", "no-store");
         return res;
       }});
  for (http::Zone zone : http::kAllZones) add_api(router, zone, pages, divisions);
}

}  // namespace yiwang::registry
