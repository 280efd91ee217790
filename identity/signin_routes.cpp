#include "identity/signin_routes.hpp"

#include <nlohmann/json.hpp>

#include "http/percent_encoding.hpp"
#include "identity/authorizer.hpp"

namespace yiwang::identity {

namespace {

// Where a signed-in browser goes first.
std::string home_of(http::Zone zone) { return zone == http::Zone::intranet ? "/" : "/account"; }

// The page a session in a stage goes to next.
std::string after_stage(const std::string& stage, http::Zone zone, const std::string& next) {
  if (stage == kStageSecondFactor) return "/signin/code";
  if (stage == kStageEnrol) return "/account/second-factor";
  return next == "/" ? home_of(zone) : next;
}

http::Response signin_page(Services& s, const http::Request& req, const std::string& account,
                           const std::string& next, const std::string& error, int status) {
  // Keep what the user typed when the page is shown again.
  nlohmann::json model = {
      {"account", account}, {"next", next}, {"internet", req.zone == http::Zone::internet}};
  if (!error.empty()) model["error"] = error;
  return s.pages.form_page(req, "identity/signin", "identity.signin.title", model, status);
}

http::Response code_page(Services& s, const http::Request& req, const std::string& error,
                         int status) {
  nlohmann::json model = {{"next", safe_next(req.query.value("next"))}};
  if (!error.empty()) model["error"] = error;
  return s.pages.form_page(req, "identity/signin_code", "identity.code.title", model, status);
}

}  // namespace

void register_signin_routes(http::Router& router, Services& s, http::Zone zone) {
  if (zone == http::Zone::intranet)
    router.add({.method = "GET",
                .pattern = "/",
                .zone = http::Zone::intranet,
                .permission = std::string(http::kSignedIn),
                .handler = [&s](http::Request& req) {
                  nlohmann::json model = {
                      {"display_name", req.principal->display_name},
                      {"name", req.principal->name},
                      {"kind", s.pages.text(req, "identity.kind." + req.principal->kind)},
                      {"password_changed", req.query.value("password") == "changed"}};
                  return s.pages.form_page(req, "identity/home", "identity.home.title", model);
                }});
  router.add({.method = "GET",
              .pattern = "/signin",
              .zone = zone,
              .permission = std::string(http::kPublic),
              .handler = [&s](http::Request& req) {
                std::string next = safe_next(req.query.value("next"));
                if (req.principal)
                  return http::Response::redirect(after_stage(req.principal->stage, req.zone, next),
                                                  303);
                return signin_page(s, req, req.query.value("account"), next, "", 200);
              }});
  router.add({.method = "POST",
              .pattern = "/signin",
              .zone = zone,
              .permission = std::string(http::kPublic),
              .handler = [&s](http::Request& req) {
                auto form = req.form();  // parsed and CSRF-checked by the authorisation hook
                std::string account = form ? form->value("account") : "";
                std::string password = form ? form->value("password") : "";
                std::string next = safe_next(form ? form->value("next") : "");
                const std::string* agent = req.header("user-agent");
                auto done = s.sign_in.sign_in({.account = account,
                                               .password = password,
                                               .zone = std::string(http::zone_name(req.zone)),
                                               .source = req.remote_addr,
                                               .user_agent = agent ? *agent : "",
                                               .request_id = req.request_id});
                if (!done)
                  return signin_page(s, req, account, next, s.pages.user_message(req, done.error()),
                                     401);
                std::string to = after_stage(done->stage, req.zone, next);
                if (done->stage == kStageSecondFactor && next != "/")
                  to += "?next=" + http::percent_encode(next);
                return redirect_with_session(req, to, done->token);
              }});
  router.add({.method = "GET",
              .pattern = "/signin/code",
              .zone = zone,
              .permission = std::string(http::kSignedIn),
              .handler = [&s](http::Request& req) {
                if (req.principal->stage != kStageSecondFactor)
                  return http::Response::redirect(home_of(req.zone), 303);
                return code_page(s, req, "", 200);
              }});
  router.add(
      {.method = "POST",
       .pattern = "/signin/code",
       .zone = zone,
       .permission = std::string(http::kSignedIn),
       .handler = [&s](http::Request& req) {
         if (req.principal->stage != kStageSecondFactor)
           return http::Response::redirect(home_of(req.zone), 303);
         auto form = req.form();
         std::string code = form ? form->value("code") : "";
         std::string recovery = form ? form->value("recovery_code") : "";
         std::string next = safe_next(form ? form->value("next") : "");
         audit::AuditEvent e = who(req);
         Result<void> ok;
         if (!recovery.empty()) {
           auto used = s.second_factor.use_recovery_code(req.principal->account_id, recovery, e);
           if (!used) ok = std::unexpected(used.error());
         } else {
           ok = s.second_factor.verify(
               req.principal->account_id, code,
               std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()), e);
         }
         if (!ok) {
           // Wrong codes count like wrong passwords: at the lockout the
           // half-signed-in session ends.
           auto locked =
               s.sign_in.second_factor_failed(req.principal->name, req.remote_addr, req.request_id);
           if (!locked || *locked) {
             audit::AuditEvent e = who(req);
             e.event = "identity.session.ended";
             e.detail = "lockout";
             (void)s.sessions.end(req.principal->account_id, req.principal->session_id, e);
             return redirect_with_session(req, "/signin", "");
           }
           Error shown = ok.error();
           if (shown.field == "code" || shown.field.empty()) shown.field = "otp";
           return code_page(s, req, s.pages.user_message(req, shown), 401);
         }
         auto token =
             s.sessions.advance(req.principal->account_id, req.principal->session_id, kStageFull);
         if (!token) return code_page(s, req, s.pages.user_message(req, token.error()), 500);
         return redirect_with_session(req, next == "/" ? home_of(req.zone) : next, *token);
       }});
  router.add({.method = "POST",
              .pattern = "/signout",
              .zone = zone,
              .permission = std::string(http::kPublic),
              .handler = [&s](http::Request& req) {
                if (req.principal) {
                  audit::AuditEvent e = who(req);
                  e.event = "identity.signout";
                  e.object = "account:" + req.principal->name;
                  (void)s.sessions.end(req.principal->account_id, req.principal->session_id, e);
                }
                return redirect_with_session(req, "/signin", "");
              }});
}

namespace {
http::Response password_page(Services& s, const http::Request& req, const std::string& error,
                             const std::string& field, int status) {
  nlohmann::json model = {{"forced", req.principal->must_change_password},
                          {"expired", req.principal->password_expired}};
  if (!error.empty()) {
    model["error"] = error;
    model["error_" + field] = true;
  }
  return s.pages.form_page(req, "identity/password", "identity.password.title", model, status);
}
}  // namespace

void register_password_routes(http::Router& router, Services& s, http::Zone zone) {
  router.add({.method = "GET",
              .pattern = "/account/password",
              .zone = zone,
              .permission = std::string(http::kSignedIn),
              .handler = [&s](http::Request& req) { return password_page(s, req, "", "", 200); }});
  router.add({.method = "POST",
              .pattern = "/account/password",
              .zone = zone,
              .permission = std::string(http::kSignedIn),
              .handler = [&s](http::Request& req) {
                auto form = req.form();
                std::string current = form ? form->value("current_password") : "";
                std::string next = form ? form->value("password") : "";
                std::string confirm = form ? form->value("password_confirm") : "";
                if (next != confirm) {
                  Error e("identity.password.mismatch", "password_confirm");
                  return password_page(s, req, s.pages.user_message(req, e), e.field, 400);
                }
                auto changed = s.accounts.change_password(req.principal->account_id, current, next,
                                                          s.password_policy, who(req));
                if (!changed)
                  return password_page(s, req, s.pages.user_message(req, changed.error()),
                                       changed.error().field, 400);
                const std::string* agent = req.header("user-agent");
                auto token = s.sessions.rotate(req.principal->account_id,
                                               std::string(http::zone_name(req.zone)),
                                               req.remote_addr, agent ? *agent : "");
                http::Response res = http::Response::redirect(req.zone == http::Zone::intranet
                                                                  ? "/?password=changed"
                                                                  : "/account?password=changed",
                                                              303);
                if (token) res.add("Set-Cookie", session_cookie(req, *token));
                return res;
              }});
}

}  // namespace yiwang::identity
