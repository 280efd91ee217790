// 安全管理员: roles and their permissions, grants with organ scopes,
// clearance, the security policy, unlocking accounts and resetting a lost
// authenticator.
#include <nlohmann/json.hpp>

#include "identity/admin_pages.hpp"
#include "identity/admin_routes.hpp"

namespace yiwang::identity {

namespace {

// ---- roles ----------------------------------------------------------------

http::Response roles_page(Services& s, const http::Request& req) {
  auto roles = s.roles.roles();
  if (!roles) return s.pages.error(req, 500, "http.internal_error");
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : *roles) {
    nlohmann::json perms = nlohmann::json::array();
    for (const auto& p : r.permissions) perms.push_back(s.pages.text(req, "perm." + p));
    rows.push_back(
        {{"id", r.id}, {"name", r.name}, {"description", r.description}, {"permissions", perms}});
  }
  nlohmann::json model = {{"roles", rows}, {"has_roles", !rows.empty()}};
  std::string done = req.query.value("done");
  if (done == "created" || done == "updated")
    model["notice"] = s.pages.text(req, "admin.role.done." + done);
  return s.pages.page(req, "identity/admin/roles", "admin.roles.title", model);
}

// The role form: new (id 0) or an existing role; what was typed is kept.
http::Response role_form(Services& s, const http::Request& req, long long id,
                         const http::FormData* typed, const Error* error) {
  std::optional<Role> role;
  if (id) {
    auto found = s.roles.get(id);
    if (!found) return s.pages.error(req, 500, "http.internal_error");
    if (!*found) return s.pages.error(req, 404, "identity.role.not_found");
    role = **found;
  }
  std::vector<std::string> chosen;
  if (typed)
    for (auto p : typed->all("permissions")) chosen.emplace_back(p);
  else if (role)
    chosen = role->permissions;
  nlohmann::json perms = nlohmann::json::array();
  for (const PermissionSpec* p : s.permissions.all()) {
    if (!s.permissions.grantable(p->name)) continue;
    perms.push_back(
        {{"name", p->name},
         {"label", s.pages.text(req, "perm." + p->name)},
         {"checked", std::find(chosen.begin(), chosen.end(), p->name) != chosen.end()}});
  }
  nlohmann::json model = {
      {"id", id},
      {"action", id ? "/security/roles/" + std::to_string(id) : "/security/roles"},
      {"name", typed  ? typed->value("name")
               : role ? role->name
                      : ""},
      {"description", typed  ? typed->value("description")
                      : role ? role->description
                             : ""},
      {"version", role ? role->version : 0},
      {"permissions", perms},
      {"existing", id != 0}};
  if (error) put_error(s, req, model, *error);
  return s.pages.form_page(req, "identity/admin/role",
                           id ? "admin.role.edit_title" : "admin.role.new_title", model,
                           error ? (error->key.ends_with(".stale") ? 409 : 400) : 200);
}

RoleInput role_input(const http::FormData& form) {
  RoleInput in{.name = form.value("name"), .description = form.value("description")};
  for (auto p : form.all("permissions")) in.permissions.emplace_back(p);
  return in;
}

// ---- accounts -------------------------------------------------------------

http::Response security_accounts_page(Services& s, const http::Request& req) {
  auto tree = organ_tree(s.organs, true);
  if (!tree) return s.pages.error(req, 500, "http.internal_error");
  nlohmann::json model = nlohmann::json::object();
  if (!account_list(s, req, "/security/accounts", *tree, model))
    return s.pages.error(req, 500, "http.internal_error");
  return s.pages.page(req, "identity/admin/accounts", "admin.security_accounts.title", model);
}

http::Response security_account_page(Services& s, const http::Request& req, long long id,
                                     const std::string& failed = "", const Error* error = nullptr,
                                     const http::FormData* typed = nullptr) {
  auto account = s.accounts.get(id);
  if (!account) return s.pages.error(req, 500, "http.internal_error");
  if (!*account) return s.pages.error(req, 404, "identity.account.not_found");
  const Account& a = **account;
  auto locked = s.sign_in.locked(a.name);
  auto enrolled = s.second_factor.enrolled(a.id);
  auto tree = organ_tree(s.organs, false);
  if (!locked || !enrolled || !tree) return s.pages.error(req, 500, "http.internal_error");
  bool staff = a.kind == AccountKind::staff;
  nlohmann::json model = {{"id", a.id},
                          {"account_id", a.id},
                          {"name", a.name},
                          {"display_name", a.display_name},
                          {"kind", kind_text(s, req, a.kind)},
                          {"active", a.active},
                          {"version", a.version},
                          {"staff", staff},
                          {"locked", *locked},
                          {"second_factor", *enrolled},
                          {"clearance", clearance_text(s, req, a.clearance)}};
  if (a.organ_id)
    if (auto organ = s.organs.get(*a.organ_id); organ && *organ) model["organ"] = (*organ)->name;
  if (staff) {
    nlohmann::json levels = nlohmann::json::array();
    for (auto c :
         {Clearance::open, Clearance::internal, Clearance::secret, Clearance::confidential})
      levels.push_back({{"value", std::string(clearance_name(c))},
                        {"label", clearance_text(s, req, c)},
                        {"selected", c == a.clearance}});
    model["levels"] = levels;
    auto grants = s.roles.grants_of(a.id);
    auto roles = s.roles.roles();
    if (!grants || !roles) return s.pages.error(req, 500, "http.internal_error");
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& g : *grants)
      rows.push_back({{"id", g.id},
                      {"role", g.role_name},
                      {"organ", g.organ_name},
                      {"sub_organs", g.include_sub_organs},
                      {"by", g.granted_by},
                      {"at", local_time(g.granted_at)}});
    model["grants"] = rows;
    model["has_grants"] = !rows.empty();
    std::string typed_role = typed && failed == "grants" ? typed->value("role") : "";
    nlohmann::json role_options = nlohmann::json::array();
    for (const auto& r : *roles)
      role_options.push_back(
          {{"id", r.id}, {"name", r.name}, {"selected", std::to_string(r.id) == typed_role}});
    model["roles"] = role_options;
    std::optional<long long> organ = a.organ_id;
    if (typed && failed == "grants") {
      organ = positive_number(typed->value("organ"));
      model["sub_organs_checked"] = typed->value("include_sub_organs") == "1";
    }
    model["organs"] = organ_options(*tree, organ);
  }
  if (error) {
    model["failed_" + failed] = true;
    put_error(s, req, model, *error);
  }
  std::string done = req.query.value("done");
  for (const char* d : {"granted", "revoked", "clearance", "unlocked", "second_factor"})
    if (done == d) model["notice"] = s.pages.text(req, std::string("admin.security.done.") + d);
  return s.pages.form_page(req, "identity/admin/security_account", "admin.security_account.title",
                           model, error ? (error->key.ends_with(".stale") ? 409 : 400) : 200);
}

// ---- policy ---------------------------------------------------------------

http::Response policy_page(Services& s, const http::Request& req, const http::FormData* typed,
                           const Error* error) {
  SecurityPolicy p = s.policy.get();
  nlohmann::json model = {
      {"second_factor_required",
       typed ? typed->value("second_factor_required") == "1" : p.second_factor_required},
      {"password_max_age_days",
       typed ? typed->value("password_max_age_days") : std::to_string(p.password_max_age_days)}};
  if (error) put_error(s, req, model, *error);
  if (req.query.value("done") == "saved") model["notice"] = s.pages.text(req, "admin.policy.saved");
  return s.pages.form_page(req, "identity/admin/policy", "admin.policy.title", model,
                           error ? 400 : 200);
}

}  // namespace

void register_security_admin_routes(http::Router& router, Services& s) {
  const auto zone = http::Zone::intranet;
  const std::string role_perm = perm::kRoleManage;
  const std::string grant_perm = perm::kGrantManage;
  const std::string security_perm = perm::kSecurityManage;

  router.add({.method = "GET",
              .pattern = "/security/roles",
              .zone = zone,
              .permission = role_perm,
              .handler = [&s](http::Request& req) { return roles_page(s, req); },
              .summary = "Roles and their permissions"});
  router.add(
      {.method = "GET",
       .pattern = "/security/roles/new",
       .zone = zone,
       .permission = role_perm,
       .handler = [&s](http::Request& req) { return role_form(s, req, 0, nullptr, nullptr); }});
  router.add({.method = "POST",
              .pattern = "/security/roles",
              .zone = zone,
              .permission = role_perm,
              .handler = [&s](http::Request& req) {
                auto form = req.form();
                if (!form) return s.pages.error(req, form.error().status, form.error().key);
                auto made = s.roles.create_role(role_input(*form), who(req));
                if (!made) return role_form(s, req, 0, &*form, &made.error());
                return http::Response::redirect("/security/roles?done=created", 303);
              }});
  router.add({.method = "GET",
              .pattern = "/security/roles/{id}",
              .zone = zone,
              .permission = role_perm,
              .handler = [&s](http::Request& req) {
                auto id = id_param(req);
                if (!id) return s.pages.error(req, 404, "identity.role.not_found");
                return role_form(s, req, *id, nullptr, nullptr);
              }});
  router.add({.method = "POST",
              .pattern = "/security/roles/{id}",
              .zone = zone,
              .permission = role_perm,
              .handler = [&s](http::Request& req) {
                auto id = id_param(req);
                if (!id) return s.pages.error(req, 404, "identity.role.not_found");
                auto form = req.form();
                if (!form) return s.pages.error(req, form.error().status, form.error().key);
                auto done =
                    s.roles.update_role(*id, role_input(*form), form_version(*form), who(req));
                if (!done) {
                  if (done.error().key == "identity.role.not_found")
                    return s.pages.error(req, 404, "identity.role.not_found");
                  return role_form(s, req, *id, &*form, &done.error());
                }
                return http::Response::redirect("/security/roles?done=updated", 303);
              }});

  router.add({.method = "GET",
              .pattern = "/security/accounts",
              .zone = zone,
              .permission = grant_perm,
              .handler = [&s](http::Request& req) { return security_accounts_page(s, req); }});
  router.add({.method = "GET",
              .pattern = "/security/accounts/{id}",
              .zone = zone,
              .permission = grant_perm,
              .handler = [&s](http::Request& req) {
                auto id = id_param(req);
                if (!id) return s.pages.error(req, 404, "identity.account.not_found");
                return security_account_page(s, req, *id);
              }});
  // Each action answers with the account's page; an error is shown next to
  // the form it came from.
  using Action =
      std::function<Result<void>(const Account&, const http::FormData&, const http::Request&)>;
  auto action = [&router, &s, zone](const std::string& path, const std::string& permission,
                                    const std::string& form_name, const std::string& done,
                                    Action act) {
    router.add({.method = "POST",
                .pattern = "/security/accounts/{id}/" + path,
                .zone = zone,
                .permission = permission,
                .handler = [&s, form_name, done, act](http::Request& req) {
                  auto id = id_param(req);
                  if (!id) return s.pages.error(req, 404, "identity.account.not_found");
                  auto account = s.accounts.get(*id);
                  if (!account) return s.pages.error(req, 500, "http.internal_error");
                  if (!*account) return s.pages.error(req, 404, "identity.account.not_found");
                  auto form = req.form();
                  if (!form) return s.pages.error(req, form.error().status, form.error().key);
                  auto r = act(**account, *form, req);
                  if (!r) {
                    if (r.error().key == "identity.grant.not_found")
                      return s.pages.error(req, 404, "identity.grant.not_found");
                    return security_account_page(s, req, *id, form_name, &r.error(), &*form);
                  }
                  return http::Response::redirect(
                      "/security/accounts/" + std::to_string(*id) + "?done=" + done, 303);
                }});
  };
  action("grants", grant_perm, "grants", "granted",
         [&s](const Account& a, const http::FormData& f, const http::Request& req) -> Result<void> {
           auto role = positive_number(f.value("role"));
           if (!role) return std::unexpected(Error("identity.role.not_found", "role"));
           auto organ = positive_number(f.value("organ"));
           if (!organ) return std::unexpected(Error("identity.grant.no_organ", "organ"));
           auto g =
               s.roles.grant(a.id, *role, *organ, f.value("include_sub_organs") == "1", who(req));
           if (!g) return std::unexpected(g.error());
           return {};
         });
  router.add({.method = "POST",
              .pattern = "/security/accounts/{id}/grants/{grant}/revoke",
              .zone = zone,
              .permission = grant_perm,
              .handler = [&s](http::Request& req) {
                auto id = id_param(req);
                auto grant = id_param(req, "grant");
                if (!id || !grant) return s.pages.error(req, 404, "identity.grant.not_found");
                // revoke() matches the account too: a grant id of someone
                // else's is "not found".
                auto r = s.roles.revoke(*id, *grant, who(req));
                if (!r) {
                  if (r.error().key == "identity.grant.not_found")
                    return s.pages.error(req, 404, "identity.grant.not_found");
                  return security_account_page(s, req, *id, "grants", &r.error());
                }
                return http::Response::redirect(
                    "/security/accounts/" + std::to_string(*id) + "?done=revoked", 303);
              }});
  action("clearance", security_perm, "clearance", "clearance",
         [&s](const Account& a, const http::FormData& f, const http::Request& req) -> Result<void> {
           auto level = parse_clearance(f.value("clearance"));
           if (!level) return std::unexpected(Error("admin.clearance.invalid", "clearance"));
           auto r = s.accounts.set_clearance(a.id, *level, form_version(f), s.sessions, who(req));
           if (!r) return std::unexpected(r.error());
           return {};
         });
  action("unlock", security_perm, "unlock", "unlocked",
         [&s](const Account& a, const http::FormData&, const http::Request& req) {
           return s.sign_in.unlock(a.name, who(req));
         });
  action("second-factor/reset", security_perm, "second_factor", "second_factor",
         [&s](const Account& a, const http::FormData&, const http::Request& req) {
           return s.second_factor.disable(a.id, who(req), &s.sessions);
         });

  router.add({.method = "GET",
              .pattern = "/security/policy",
              .zone = zone,
              .permission = security_perm,
              .handler = [&s](http::Request& req) { return policy_page(s, req, nullptr, nullptr); },
              .summary = "The security policy"});
  router.add({.method = "POST",
              .pattern = "/security/policy",
              .zone = zone,
              .permission = security_perm,
              .handler = [&s](http::Request& req) {
                auto form = req.form();
                if (!form) return s.pages.error(req, form.error().status, form.error().key);
                SecurityPolicy p;
                p.second_factor_required = form->value("second_factor_required") == "1";
                // Anything but a number of days is refused by the store with
                // the rule (0..365).
                std::string days = form->value("password_max_age_days");
                p.password_max_age_days =
                    days == "0"
                        ? 0
                        : static_cast<int>(std::min(positive_number(days).value_or(-1), 1000LL));
                auto saved = s.policy.set(p, who(req));
                if (!saved) return policy_page(s, req, &*form, &saved.error());
                return http::Response::redirect("/security/policy?done=saved", 303);
              }});
}

}  // namespace yiwang::identity
