// The staff directory (通讯录) of an organ, for civil servants who hold
// identity.directory.read within that organ's scope.
#include <nlohmann/json.hpp>

#include "identity/admin_pages.hpp"
#include "identity/admin_routes.hpp"

namespace yiwang::identity {

void register_directory_routes(http::Router& router, Services& s) {
  router.add({.method = "GET",
              .pattern = "/directory",
              .zone = http::Zone::intranet,
              .permission = perm::kDirectoryRead,
              .handler =
                  [&s](http::Request& req) {
                    // One's own organ, or the first organ one may read.
                    if (req.principal->organ_id &&
                        req.principal->holds(perm::kDirectoryRead, *req.principal->organ_id))
                      return http::Response::redirect(
                          "/directory/" + std::to_string(*req.principal->organ_id), 303);
                    auto scoped = req.principal->authority->organs_for(perm::kDirectoryRead);
                    if (!scoped.empty())
                      return http::Response::redirect("/directory/" + std::to_string(scoped[0]),
                                                      303);
                    return s.pages.error(req, 403, "http.forbidden");
                  },
              .summary = "The staff directory of one's organ"});
  router.add({.method = "GET",
              .pattern = "/directory/{organ}",
              .zone = http::Zone::intranet,
              .permission = perm::kDirectoryRead,
              .handler =
                  [&s](http::Request& req) {
                    auto id = id_param(req, "organ");
                    if (!id) return s.pages.error(req, 404, "identity.organ.not_found");
                    // The permission within this organ, not just somewhere.
                    if (!req.principal->holds(perm::kDirectoryRead, *id))
                      return s.pages.error(req, 403, "http.forbidden");
                    auto organ = s.organs.get(*id);
                    if (!organ) return s.pages.error(req, 500, "http.internal_error");
                    if (!*organ) return s.pages.error(req, 404, "identity.organ.not_found");
                    auto staff = s.accounts.staff_of(*id);
                    auto departments = s.organs.departments(*id);
                    if (!staff || !departments)
                      return s.pages.error(req, 500, "http.internal_error");
                    std::map<long long, std::string> dept;
                    for (const auto& d : *departments) dept[d.id] = d.name;
                    nlohmann::json rows = nlohmann::json::array();
                    for (const auto& a : *staff) {
                      auto held = s.accounts.positions_of(a.id);
                      std::string positions = held ? position_names(*held) : "";
                      rows.push_back({{"display_name", a.display_name},
                                      {"department", a.department_id ? dept[*a.department_id] : ""},
                                      {"positions", positions},
                                      {"email", a.email},
                                      {"phone", a.phone}});
                    }
                    // Other organs this person may read, for switching.
                    nlohmann::json others = nlohmann::json::array();
                    if (auto tree = organ_tree(s.organs, false))
                      for (const auto& row : *tree)
                        if (row.organ.id != *id &&
                            req.principal->holds(perm::kDirectoryRead, row.organ.id))
                          others.push_back({{"id", row.organ.id}, {"name", row.organ.name}});
                    nlohmann::json model = {{"organ", (*organ)->name},
                                            {"staff", rows},
                                            {"has_staff", !rows.empty()},
                                            {"others", others},
                                            {"has_others", !others.empty()}};
                    return s.pages.page(req, "identity/directory", "admin.directory.title", model);
                  },
              .summary = "The staff directory of an organ"});
}

}  // namespace yiwang::identity
