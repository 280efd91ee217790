#include "identity/signin_routes.hpp"

#include <nlohmann/json.hpp>

#include "http/csrf.hpp"

namespace yiwang::identity {

void register_signin_routes(http::Router& router, const render::PageRenderer& pages) {
  router.add({.method = "GET",
              .pattern = "/",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kPublic),
              .handler = [](http::Request&) { return http::Response::redirect("/signin", 302); }});
  router.add({.method = "GET",
              .pattern = "/signin",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kPublic),
              .handler = [&pages](http::Request& req) {
                http::Response cookies;
                std::string token = http::csrf_token(req, cookies);
                // Keep what the user typed when the page is shown again.
                nlohmann::json model = {{"csrf", token}, {"account", req.query.value("account")}};
                http::Response res =
                    pages.page(req, "identity/signin", "identity.signin.title", model);
                for (auto& h : cookies.headers) res.add(h.first, h.second);
                return res;
              }});
}

}  // namespace yiwang::identity
