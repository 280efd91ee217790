#include "identity/signin_routes.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "http/cookie.hpp"
#include "http/csrf.hpp"

namespace yiwang::identity {

namespace {

// What the user is told about an error: its message, except for internal
// failures, whose details stay in the log.
std::string user_message(const render::PageRenderer& pages, const http::Request& req,
                         const Error& e) {
  if (e.key.starts_with("db.")) {
    spdlog::error("{}: {}", e.key, e.params.contains("detail") ? e.params.at("detail") : "");
    return pages.text(req, "http.internal_error");
  }
  return pages.catalogue().message(req.lang, e);
}

http::Response signin_page(const render::PageRenderer& pages, const http::Request& req,
                           const std::string& account, const std::string& error, int status) {
  http::Response cookies;
  std::string token = http::csrf_token(req, cookies);
  // Keep what the user typed when the page is shown again.
  nlohmann::json model = {{"csrf", token}, {"account", account}};
  if (!error.empty()) model["error"] = error;
  http::Response res = pages.page(req, "identity/signin", "identity.signin.title", model, status);
  for (auto& h : cookies.headers) res.add(h.first, h.second);
  return res;
}

std::string session_cookie(const http::Request& req, const std::string& value,
                           std::optional<std::int64_t> max_age = std::nullopt) {
  http::SetCookie c;
  c.name = kSessionCookie;
  c.value = value;
  c.secure = req.secure;
  c.same_site = "Lax";
  c.max_age = max_age;
  return http::format_set_cookie(c);
}

}  // namespace

void register_signin_routes(http::Router& router, const render::PageRenderer& pages,
                            SignIn& sign_in, SessionStore& sessions) {
  router.add({.method = "GET",
              .pattern = "/",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kPublic),
              .handler = [&pages](http::Request& req) {
                if (!req.principal) return http::Response::redirect("/signin", 302);
                http::Response cookies;
                std::string token = http::csrf_token(req, cookies);
                nlohmann::json model = {
                    {"csrf", token},
                    {"display_name", req.principal->display_name},
                    {"name", req.principal->name},
                    {"kind", pages.text(req, "identity.kind." + req.principal->kind)},
                    {"must_change_password", req.principal->must_change_password}};
                http::Response res = pages.page(req, "identity/home", "identity.home.title", model);
                for (auto& h : cookies.headers) res.add(h.first, h.second);
                return res;
              }});
  router.add({.method = "GET",
              .pattern = "/signin",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kPublic),
              .handler = [&pages](http::Request& req) {
                if (req.principal) return http::Response::redirect("/", 303);
                return signin_page(pages, req, req.query.value("account"), "", 200);
              }});
  router.add({.method = "POST",
              .pattern = "/signin",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kPublic),
              .handler = [&pages, &sign_in](http::Request& req) {
                auto form = req.form();  // parsed and CSRF-checked by the authorisation hook
                std::string account = form ? form->value("account") : "";
                std::string password = form ? form->value("password") : "";
                const std::string* agent = req.header("user-agent");
                auto done = sign_in.sign_in({.account = account,
                                             .password = password,
                                             .zone = std::string(http::zone_name(req.zone)),
                                             .source = req.remote_addr,
                                             .user_agent = agent ? *agent : "",
                                             .request_id = req.request_id});
                if (!done) {
                  std::string message = user_message(pages, req, done.error());
                  return signin_page(pages, req, account, message, 401);
                }
                http::Response res = http::Response::redirect("/", 303);
                res.add("Set-Cookie", session_cookie(req, done->token));
                return res;
              }});
  router.add({.method = "POST",
              .pattern = "/signout",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kPublic),
              .handler = [&sessions](http::Request& req) {
                if (req.principal)
                  (void)sessions.end(req.principal->account_id, req.principal->session_id);
                http::Response res = http::Response::redirect("/signin", 303);
                res.add("Set-Cookie", session_cookie(req, "", 0));
                return res;
              }});
}

namespace {
http::Response password_page(const render::PageRenderer& pages, const http::Request& req,
                             const std::string& error, const std::string& field, int status) {
  http::Response cookies;
  std::string token = http::csrf_token(req, cookies);
  nlohmann::json model = {{"csrf", token},
                          {"forced", req.principal && req.principal->must_change_password}};
  if (!error.empty()) {
    model["error"] = error;
    model["error_" + field] = true;
  }
  http::Response res =
      pages.page(req, "identity/password", "identity.password.title", model, status);
  for (auto& h : cookies.headers) res.add(h.first, h.second);
  return res;
}
}  // namespace

void register_password_routes(http::Router& router, const render::PageRenderer& pages,
                              AccountStore& accounts, SessionStore& sessions,
                              const PasswordPolicy& policy) {
  router.add({.method = "GET",
              .pattern = "/account/password",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kPublic),
              .handler = [&pages](http::Request& req) {
                if (!req.principal) return http::Response::redirect("/signin", 302);
                return password_page(pages, req, "", "", 200);
              }});
  router.add({.method = "POST",
              .pattern = "/account/password",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kPublic),
              .handler = [&pages, &accounts, &sessions, &policy](http::Request& req) {
                if (!req.principal) return http::Response::redirect("/signin", 303);
                auto form = req.form();
                std::string current = form ? form->value("current_password") : "";
                std::string next = form ? form->value("password") : "";
                std::string confirm = form ? form->value("password_confirm") : "";
                if (next != confirm) {
                  Error e("identity.password.mismatch", "password_confirm");
                  return password_page(pages, req, pages.catalogue().message(req.lang, e), e.field,
                                       400);
                }
                audit::AuditEvent who{.account = req.principal->name,
                                      .organ = "-",
                                      .source = req.remote_addr,
                                      .request_id = req.request_id};
                auto changed =
                    accounts.change_password(req.principal->account_id, current, next, policy, who);
                if (!changed)
                  return password_page(pages, req, user_message(pages, req, changed.error()),
                                       changed.error().field, 400);
                const std::string* agent = req.header("user-agent");
                auto token = sessions.rotate(req.principal->account_id,
                                             std::string(http::zone_name(req.zone)),
                                             req.remote_addr, agent ? *agent : "");
                http::Response res = http::Response::redirect("/?password=changed", 303);
                if (token) res.add("Set-Cookie", session_cookie(req, *token));
                return res;
              }});
}

}  // namespace yiwang::identity
