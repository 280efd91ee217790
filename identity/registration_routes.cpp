#include "identity/registration_routes.hpp"

#include <nlohmann/json.hpp>

#include "identity/authorizer.hpp"

namespace yiwang::identity {

namespace {

// The fields of each registration form, in order; what the user typed is
// shown again with the error (passwords never are).
const std::vector<std::string> kCitizenFields = {"name",  "real_name", "citizen_number",
                                                 "email", "phone",     "address"};
const std::vector<std::string> kEnterpriseFields = {
    "name", "enterprise_name", "credit_code", "legal_representative", "email", "phone", "address"};

http::Response register_page(Services& s, const http::Request& req, AccountKind kind,
                             const http::FormData* typed, const Error* error, int status) {
  bool citizen = kind == AccountKind::citizen;
  nlohmann::json model = {{"citizen", citizen},
                          {"action", citizen ? "/register/citizen" : "/register/enterprise"}};
  nlohmann::json values;
  for (const auto& f : citizen ? kCitizenFields : kEnterpriseFields)
    values[f] = typed ? typed->value(f) : "";
  model["v"] = values;
  if (error) {
    model["error"] = s.pages.user_message(req, *error);
    model["error_field"] = error->field;
    if (!error->field.empty()) model["invalid"][error->field] = true;
  }
  return s.pages.form_page(
      req, "identity/register",
      citizen ? "identity.register.citizen_title" : "identity.register.enterprise_title", model,
      status);
}

void add_register(http::Router& router, Services& s, AccountKind kind, const char* path) {
  router.add({.method = "GET",
              .pattern = path,
              .zone = http::Zone::internet,
              .permission = std::string(http::kPublic),
              .handler = [&s, kind](http::Request& req) {
                if (req.principal) return http::Response::redirect("/account", 303);
                return register_page(s, req, kind, nullptr, nullptr, 200);
              }});
  router.add({.method = "POST",
              .pattern = path,
              .zone = http::Zone::internet,
              .permission = std::string(http::kPublic),
              .handler = [&s, kind](http::Request& req) {
                auto form = req.form();
                if (!form) return s.pages.error(req, form.error().status, form.error().key);
                RegistrationInput in;
                in.name = form->value("name");
                in.password = form->value("password");
                in.password_confirm = form->value("password_confirm");
                in.email = form->value("email");
                in.phone = form->value("phone");
                in.address = form->value("address");
                in.real_name = form->value("real_name");
                in.citizen_number = form->value("citizen_number");
                in.enterprise_name = form->value("enterprise_name");
                in.credit_code = form->value("credit_code");
                in.legal_representative = form->value("legal_representative");
                auto made = s.accounts.register_public(kind, in, s.password_policy, who(req));
                if (!made) return register_page(s, req, kind, &*form, &made.error(), 400);
                // Registered: sign in with the same credentials right away.
                const std::string* agent = req.header("user-agent");
                auto done = s.sign_in.sign_in({.account = in.name,
                                               .password = in.password,
                                               .zone = "internet",
                                               .source = req.remote_addr,
                                               .user_agent = agent ? *agent : "",
                                               .request_id = req.request_id});
                http::Response res = http::Response::redirect("/account?registered=1", 303);
                if (done) res.add("Set-Cookie", session_cookie(req, done->token));
                return res;
              }});
}

http::Response forgot_page(Services& s, const http::Request& req, const std::string& email,
                           bool sent, const std::string& error, int status) {
  nlohmann::json model = {{"email", email}, {"sent", sent}};
  if (!error.empty()) model["error"] = error;
  return s.pages.form_page(req, "identity/forgot", "identity.reset.forgot_title", model, status);
}

http::Response reset_page(Services& s, const http::Request& req, const std::string& token,
                          const std::string& error, int status) {
  nlohmann::json model = {{"token", token}};
  if (!error.empty()) model["error"] = error;
  return s.pages.form_page(req, "identity/reset", "identity.reset.title", model, status);
}

}  // namespace

void register_registration_routes(http::Router& router, Services& s) {
  add_register(router, s, AccountKind::citizen, "/register/citizen");
  add_register(router, s, AccountKind::enterprise, "/register/enterprise");

  router.add(
      {.method = "GET",
       .pattern = "/password/forgot",
       .zone = http::Zone::internet,
       .permission = std::string(http::kPublic),
       .handler = [&s](http::Request& req) { return forgot_page(s, req, "", false, "", 200); }});
  router.add(
      {.method = "POST",
       .pattern = "/password/forgot",
       .zone = http::Zone::internet,
       .permission = std::string(http::kPublic),
       .handler = [&s](http::Request& req) {
         auto form = req.form();
         std::string typed = form ? form->value("email") : "";
         auto email = mail::check_email(typed, "email");
         if (!email)
           return forgot_page(s, req, typed, false, s.pages.user_message(req, email.error()), 400);
         // The answer is the same whether or not an account has this
         // address, so the page cannot be used to find accounts.
         auto account = s.accounts.find_public_by_email(*email);
         if (account && *account) {
           auto queued =
               s.resets.request((*account)->id, *email,
                                s.public_base_url + "/password/reset?token=", req.lang, who(req));
           if (queued && *queued && s.mail_written) s.mail_written();
         }
         return forgot_page(s, req, *email, true, "", 200);
       }});
  router.add({.method = "GET",
              .pattern = "/password/reset",
              .zone = http::Zone::internet,
              .permission = std::string(http::kPublic),
              .handler = [&s](http::Request& req) {
                std::string token = req.query.value("token");
                if (auto ok = s.resets.check(token); !ok)
                  return reset_page(s, req, "", s.pages.user_message(req, ok.error()), 400);
                return reset_page(s, req, token, "", 200);
              }});
  router.add(
      {.method = "POST",
       .pattern = "/password/reset",
       .zone = http::Zone::internet,
       .permission = std::string(http::kPublic),
       .handler = [&s](http::Request& req) {
         auto form = req.form();
         std::string token = form ? form->value("token") : "";
         std::string next = form ? form->value("password") : "";
         std::string confirm = form ? form->value("password_confirm") : "";
         auto account_id = s.resets.check(token);
         if (!account_id)
           return reset_page(s, req, "", s.pages.user_message(req, account_id.error()), 400);
         if (next != confirm)
           return reset_page(
               s, req, token,
               s.pages.user_message(req, Error("identity.password.mismatch", "password_confirm")),
               400);
         auto account = s.accounts.get(*account_id);
         auto hash = s.accounts.password_hash(*account_id);
         if (!account || !*account || !hash)
           return reset_page(s, req, "", s.pages.text(req, "http.internal_error"), 500);
         // The policy first, so a weak password does not use the token up.
         if (auto ok = check_password_policy(next, (*account)->name, {*hash}, s.password_policy);
             !ok)
           return reset_page(s, req, token, s.pages.user_message(req, ok.error()), 400);
         auto redeemed = s.resets.redeem(token, who(req));
         if (!redeemed)
           return reset_page(s, req, "", s.pages.user_message(req, redeemed.error()), 400);
         audit::AuditEvent e = who(req);
         e.account = (*account)->name;
         auto set = s.accounts.set_password(*redeemed, next, s.password_policy, s.sessions, e);
         if (!set) return reset_page(s, req, "", s.pages.user_message(req, set.error()), 400);
         return http::Response::redirect("/signin?reset=1", 303);
       }});
}

}  // namespace yiwang::identity
