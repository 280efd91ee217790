#include "identity/account_routes.hpp"

#include <fmt/chrono.h>
#include <nlohmann/json.hpp>

#include "identity/authorizer.hpp"
#include "identity/qr_code.hpp"

namespace yiwang::identity {

namespace {

std::chrono::sys_seconds now_seconds() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

// TOTP errors concern the form field "code", labelled 动态口令 (field "otp").
Error otp_field(Error e) {
  if (e.field == "code" || e.field.empty()) e.field = "otp";
  return e;
}

http::Response profile_page(Services& s, http::Request& req, const std::string& notice,
                            const std::string& agent_error = "", const std::string& agent = "") {
  auto account = s.accounts.get(req.principal->account_id);
  if (!account || !*account) return s.pages.error(req, 404, "identity.account.not_found");
  const Account& a = **account;
  nlohmann::json model = {
      {"name", a.name},
      {"display_name", a.display_name},
      {"kind", s.pages.text(req, "identity.kind." + req.principal->kind)},
      {"email", a.email},
      {"phone", a.phone},
      {"address", a.address},
      {"enterprise", a.kind == AccountKind::enterprise},
      {"citizen", a.kind == AccountKind::citizen},
      {"credit_code", a.credit_code},
      {"legal_representative", a.legal_representative},
      {"clearance",
       s.pages.text(req, "identity.clearance." + std::string(clearance_name(a.clearance)))},
      {"staff", a.kind == AccountKind::staff}};
  // Citizen numbers are shown masked: the first 6 and the last 4 characters.
  if (a.citizen_number.size() == 18)
    model["citizen_number"] =
        a.citizen_number.substr(0, 6) + "********" + a.citizen_number.substr(14);
  if (a.organ_id)
    if (auto organ = s.organs.get(*a.organ_id); organ && *organ) model["organ"] = (*organ)->name;
  if (auto enrolled = s.second_factor.enrolled(a.id); enrolled) model["second_factor"] = *enrolled;
  if (!notice.empty()) model["notice"] = s.pages.text(req, notice);
  if (!agent_error.empty()) {
    model["agent_error"] = agent_error;
    model["agent"] = agent;
  }
  if (a.kind == AccountKind::enterprise) {
    nlohmann::json agents = nlohmann::json::array();
    if (auto list = s.accounts.agents(a.id))
      for (const auto& g : *list)
        agents.push_back({{"id", g.id}, {"name", g.name}, {"display_name", g.display_name}});
    model["has_agents"] = !agents.empty();
    model["agents"] = agents;
  }
  if (a.kind == AccountKind::citizen) {
    nlohmann::json principals = nlohmann::json::array();
    if (auto list = s.accounts.principals_of_agent(a.id))
      for (const auto& e : *list) principals.push_back({{"display_name", e.display_name}});
    model["has_acts_for"] = !principals.empty();
    model["acts_for"] = principals;
  }
  return s.pages.form_page(req, "identity/account", "identity.account.title", model,
                           agent_error.empty() ? 200 : 400);
}

http::Response sessions_page(Services& s, http::Request& req, const std::string& notice) {
  auto list = s.sessions.list(req.principal->account_id);
  if (!list) return s.pages.error(req, 500, "http.internal_error");
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& x : *list)
    rows.push_back({{"id", x.id},
                    {"zone", s.pages.text(req, "identity.sessions.zone." + x.zone)},
                    {"created", local_time(x.created_at)},
                    {"last_seen", local_time(x.last_seen_at)},
                    {"source", x.source},
                    {"agent", x.user_agent},
                    {"current", x.id == req.principal->session_id}});
  nlohmann::json model = {{"sessions", rows}, {"others", list->size() > 1}};
  if (!notice.empty()) model["notice"] = s.pages.text(req, notice);
  return s.pages.form_page(req, "identity/sessions", "identity.sessions.title", model);
}

http::Response second_factor_page(Services& s, http::Request& req, const std::string& error,
                                  int status) {
  long long id = req.principal->account_id;
  nlohmann::json model = {{"required", req.principal->stage == kStageEnrol}};
  auto enrolled = s.second_factor.enrolled(id);
  if (!enrolled) return s.pages.error(req, 500, "http.internal_error");
  if (*enrolled) {
    model["enrolled"] = true;
    if (auto left = s.second_factor.remaining_recovery_codes(id)) model["remaining"] = *left;
  } else {
    auto pending = s.second_factor.begin_enrolment(id, who(req));
    if (!pending) return s.pages.error(req, 500, "http.internal_error");
    model["secret"] = pending->secret;
    model["uri"] = pending->uri;
    auto svg = qr_svg(pending->uri, s.pages.text(req, "identity.second_factor.qr_label"));
    if (svg) model["qr"] = *svg;
  }
  if (!error.empty()) model["error"] = error;
  return s.pages.form_page(req, "identity/second_factor", "identity.second_factor.title", model,
                           status);
}

http::Response recovery_codes_page(Services& s, http::Request& req,
                                   const std::vector<std::string>& codes, const std::string& next) {
  nlohmann::json model = {{"codes", codes}, {"next", next}};
  http::Response res =
      s.pages.form_page(req, "identity/recovery_codes", "identity.recovery.title", model);
  res.set("Cache-Control", "no-store");
  return res;
}

}  // namespace

void register_account_routes(http::Router& router, Services& s, http::Zone zone) {
  router.add({.method = "GET",
              .pattern = "/account",
              .zone = zone,
              .permission = std::string(http::kSignedIn),
              .handler = [&s](http::Request& req) {
                std::string notice;
                if (req.query.value("password") == "changed") notice = "identity.password.changed";
                if (req.query.value("registered") == "1") notice = "identity.register.done";
                if (req.query.value("agent") == "added") notice = "identity.agents.added";
                if (req.query.value("agent") == "removed") notice = "identity.agents.removed";
                return profile_page(s, req, notice);
              }});
  if (zone == http::Zone::internet) {
    router.add(
        {.method = "POST",
         .pattern = "/account/agents",
         .zone = zone,
         .permission = std::string(http::kSignedIn),
         .handler = [&s](http::Request& req) {
           if (req.principal->kind != "enterprise")
             return s.pages.error(req, 403, "http.forbidden");
           auto form = req.form();
           std::string agent = form ? form->value("agent") : "";
           auto added = s.accounts.add_agent(req.principal->account_id, agent,
                                             form ? form->value("citizen_number") : "", who(req));
           if (!added)
             return profile_page(s, req, "", s.pages.user_message(req, added.error()), agent);
           return http::Response::redirect("/account?agent=added", 303);
         }});
    router.add({.method = "POST",
                .pattern = "/account/agents/{id}/remove",
                .zone = zone,
                .permission = std::string(http::kSignedIn),
                .handler = [&s](http::Request& req) {
                  if (req.principal->kind != "enterprise")
                    return s.pages.error(req, 403, "http.forbidden");
                  auto id = id_param(req);
                  if (!id) return s.pages.error(req, 404, "http.not_found");
                  auto removed = s.accounts.remove_agent(req.principal->account_id, *id, who(req));
                  if (!removed) return s.pages.error(req, 404, "http.not_found");
                  return http::Response::redirect("/account?agent=removed", 303);
                }});
  }
  router.add({.method = "GET",
              .pattern = "/account/sessions",
              .zone = zone,
              .permission = std::string(http::kSignedIn),
              .handler = [&s](http::Request& req) { return sessions_page(s, req, ""); }});
  router.add({.method = "POST",
              .pattern = "/account/sessions/{id}/end",
              .zone = zone,
              .permission = std::string(http::kSignedIn),
              .handler = [&s](http::Request& req) {
                auto id = id_param(req);
                if (!id) return s.pages.error(req, 404, "http.not_found");
                // Only one's own sessions: end() matches the account too.
                audit::AuditEvent e = who(req);
                e.event = "identity.session.ended";
                auto ended = s.sessions.end(req.principal->account_id, *id, e);
                if (!ended || !*ended) return s.pages.error(req, 404, "http.not_found");
                if (*id == req.principal->session_id) {
                  return redirect_with_session(req, "/signin", "");
                }
                return http::Response::redirect("/account/sessions?ended=1", 303);
              }});
  router.add({.method = "POST",
              .pattern = "/account/sessions/end-others",
              .zone = zone,
              .permission = std::string(http::kSignedIn),
              .handler = [&s](http::Request& req) {
                audit::AuditEvent e = who(req);
                e.event = "identity.session.ended_others";
                e.object = "account:" + req.principal->name;
                auto n =
                    s.sessions.end_others(req.principal->account_id, req.principal->session_id, e);
                if (!n) return s.pages.error(req, 500, "http.internal_error");
                return http::Response::redirect("/account/sessions?ended=1", 303);
              }});
  router.add({.method = "GET",
              .pattern = "/account/second-factor",
              .zone = zone,
              .permission = std::string(http::kSignedIn),
              .handler = [&s](http::Request& req) { return second_factor_page(s, req, "", 200); }});
  router.add({.method = "POST",
              .pattern = "/account/second-factor/confirm",
              .zone = zone,
              .permission = std::string(http::kSignedIn),
              .handler = [&s](http::Request& req) {
                auto form = req.form();
                std::string code = form ? form->value("code") : "";
                auto codes = s.second_factor.confirm_enrolment(req.principal->account_id, code,
                                                               now_seconds(), who(req));
                if (!codes)
                  return second_factor_page(
                      s, req, s.pages.user_message(req, otp_field(codes.error())), 400);
                // Enrolment done: a new token, and the session is fully signed in.
                std::string next = req.zone == http::Zone::intranet ? "/" : "/account";
                http::Response res = recovery_codes_page(s, req, *codes, next);
                if (req.principal->stage == kStageEnrol) {
                  auto token = s.sessions.advance(req.principal->account_id,
                                                  req.principal->session_id, kStageFull);
                  if (token) res.add("Set-Cookie", session_cookie(req, *token));
                }
                return res;
              }});
  router.add({.method = "POST",
              .pattern = "/account/second-factor/recovery-codes",
              .zone = zone,
              .permission = std::string(http::kSignedIn),
              .handler = [&s](http::Request& req) {
                auto codes =
                    s.second_factor.regenerate_recovery_codes(req.principal->account_id, who(req));
                if (!codes)
                  return second_factor_page(s, req, s.pages.user_message(req, codes.error()), 400);
                return recovery_codes_page(s, req, *codes, "/account/second-factor");
              }});
}

}  // namespace yiwang::identity
