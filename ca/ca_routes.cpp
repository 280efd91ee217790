#include "ca/ca_routes.hpp"

namespace yiwang::ca {

namespace {

http::Response file(std::string body, std::string type, std::string name) {
  http::Response res;
  res.body = std::move(body);
  res.set("Content-Type", std::move(type));
  res.set("Content-Disposition", "attachment; filename=\"" + name + "\"");
  res.set("Cache-Control", "public, max-age=3600");
  return res;
}

}  // namespace

void register_ca_public_routes(http::Router& router, const render::PageRenderer& pages,
                               Authority& authority) {
  // Each document in DER (what software fetches) and PEM (what people open).
  struct Doc {
    const char* pattern;
    bool crl, pem;
  };
  for (auto zone : {http::Zone::internet, http::Zone::intranet, http::Zone::exchange})
    for (Doc d : {Doc{"/ca/root.crt", false, false}, Doc{"/ca/root.pem", false, true},
                  Doc{"/ca/crl", true, false}, Doc{"/ca/crl.pem", true, true}})
      router.add({.method = "GET",
                  .pattern = d.pattern,
                  .zone = zone,
                  .permission = std::string(http::kPublic),
                  .handler = [&pages, &authority, d](http::Request& req) {
                    if (d.crl) {
                      auto crl = authority.crl();
                      if (!crl) return pages.error(req, 404, crl.error().key);
                      return d.pem ? file(crl_pem(*crl), "application/x-pem-file", "crl.pem")
                                   : file(*crl, "application/pkix-crl", "crl.crl");
                    }
                    auto root = authority.root();
                    if (!root) return pages.error(req, 404, root.error().key);
                    return d.pem ? file(root->pem(), "application/x-pem-file", "root.pem")
                                 : file(root->der(), "application/pkix-cert", "root.crt");
                  }});
}

}  // namespace yiwang::ca
