// 系统管理员: the organ tree and the accounts.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "identity/admin_pages.hpp"
#include "identity/admin_routes.hpp"

namespace yiwang::identity {

namespace {

constexpr const char* kLevels[] = {"national", "province", "city", "county", "township"};

// An optional id chosen in a form: none when empty, -1 (which the stores
// refuse with the field's rule) when it is no id.
std::optional<long long> optional_id(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return positive_number(text).value_or(-1);
}

nlohmann::json level_options(Services& s, const http::Request& req, const std::string& selected) {
  nlohmann::json out = nlohmann::json::array();
  for (const char* l : kLevels)
    out.push_back({{"value", l},
                   {"label", s.pages.text(req, std::string("identity.level.") + l)},
                   {"selected", selected == l}});
  return out;
}

// ---- organs ---------------------------------------------------------------

http::Response organs_page(Services& s, const http::Request& req) {
  auto tree = organ_tree(s.organs, true);
  if (!tree) return s.pages.error(req, 500, "http.internal_error");
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& row : *tree)
    rows.push_back(
        {{"id", row.organ.id},
         {"name", row.organ.name},
         {"short_name", row.organ.short_name},
         {"doc_prefix", row.organ.doc_prefix},
         {"level",
          s.pages.text(req, "identity.level." + std::string(organ_level_name(row.organ.level)))},
         {"division_code", row.organ.division_code},
         {"depth", row.depth},
         {"retired", row.organ.retired}});
  nlohmann::json model = {{"organs", rows}, {"has_organs", !rows.empty()}};
  if (req.query.value("done") == "created")
    model["notice"] = s.pages.text(req, "admin.organ.created");
  return s.pages.page(req, "identity/admin/organs", "admin.organs.title", model);
}

http::Response new_organ_page(Services& s, const http::Request& req, const http::FormData* typed,
                              const Error* error) {
  auto tree = organ_tree(s.organs, false);
  if (!tree) return s.pages.error(req, 500, "http.internal_error");
  nlohmann::json v;
  for (const char* f :
       {"name", "short_name", "doc_prefix", "level", "division_code", "credit_code", "parent_id"})
    v[f] = typed ? typed->value(f) : "";
  if (!typed) v["parent_id"] = req.query.value("parent");
  std::optional<long long> parent = optional_id(v["parent_id"].get<std::string>());
  nlohmann::json model = {{"v", v},
                          {"levels", level_options(s, req, v["level"].get<std::string>())},
                          {"parents", organ_options(*tree, parent)}};
  if (error) put_error(s, req, model, *error);
  return s.pages.form_page(req, "identity/admin/organ_new", "admin.organ.new_title", model,
                           error ? 400 : 200);
}

// The organ's departments, each with its head and the form that sets it: a
// <select> of the organ's active staff (and the current head, if disabled).
// `typed` is the department-head form that failed: its department keeps the
// choice that was sent and is marked invalid.
nlohmann::json department_rows(Services& s, const http::Request& req,
                               const std::vector<Department>& departments,
                               const std::vector<Account>& staff, const http::FormData* typed) {
  std::optional<long long> typed_department =
      typed ? positive_number(typed->value("department_id")) : std::nullopt;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& d : departments) {
    bool failed = typed_department && *typed_department == d.id;
    nlohmann::json options = nlohmann::json::array();
    for (const auto& a : staff) {
      std::string label = a.display_name + " (" + a.name + ")";
      if (a.department_id)
        for (const auto& other : departments)
          if (other.id == *a.department_id) label += " · " + other.name;
      options.push_back({{"id", a.id}, {"label", label}, {"selected", false}});
    }
    bool listed = std::any_of(options.begin(), options.end(), [&](const nlohmann::json& o) {
      return d.head_account_id && o["id"] == *d.head_account_id;
    });
    if (d.head_account_id && !listed)
      options.push_back(
          {{"id", *d.head_account_id},
           {"label", d.head_name + " — " + s.pages.text(req, "admin.account.disabled")},
           {"selected", false}});
    // The choice that failed when it is on the list, else the current head
    // (so sending the form again never clears a head by accident).
    std::string chosen = d.head_account_id ? std::to_string(*d.head_account_id) : "";
    std::string sent = failed ? typed->value("head_account_id") : "";
    for (const auto& o : options)
      if (failed && std::to_string(o["id"].get<long long>()) == sent) chosen = sent;
    for (auto& o : options) o["selected"] = std::to_string(o["id"].get<long long>()) == chosen;
    rows.push_back({{"id", d.id},
                    {"organ_id", d.organ_id},
                    {"name", d.name},
                    {"has_head", d.head_account_id.has_value()},
                    {"head_name", d.head_name},
                    {"head_disabled", d.head_account_id && !d.head_active},
                    {"options", options},
                    {"failed", failed}});
  }
  return rows;
}

// The organ's page: its facts, the forms to rename, move and retire it, its
// departments and its history. `failed` names the form an error belongs to.
http::Response organ_page(Services& s, const http::Request& req, long long id,
                          const std::string& failed = "", const Error* error = nullptr,
                          const http::FormData* typed = nullptr) {
  auto organ = s.organs.get(id);
  if (!organ) return s.pages.error(req, 500, "http.internal_error");
  if (!*organ) return s.pages.error(req, 404, "identity.organ.not_found");
  const Organ& o = **organ;
  auto tree = organ_tree(s.organs, false);
  auto departments = s.organs.departments(id);
  auto history = s.organs.history(id);
  if (!tree || !departments || !history) return s.pages.error(req, 500, "http.internal_error");
  // A move target is any active organ outside this organ's own subtree.
  auto below = s.organs.subtree(id);
  if (!below) return s.pages.error(req, 500, "http.internal_error");
  std::vector<OrganRow> targets;
  for (const auto& row : *tree)
    if (!std::binary_search(below->begin(), below->end(), row.organ.id)) targets.push_back(row);
  std::string parent_name;
  if (o.parent_id)
    for (const auto& row : *tree)
      if (row.organ.id == *o.parent_id) parent_name = row.organ.name;
  nlohmann::json model = {
      {"id", o.id},
      {"name", o.name},
      {"short_name", o.short_name},
      {"doc_prefix", o.doc_prefix},
      {"level", s.pages.text(req, "identity.level." + std::string(organ_level_name(o.level)))},
      {"division_code", o.division_code},
      {"credit_code", o.credit_code},
      {"parent_name", parent_name},
      {"retired", o.retired},
      {"version", o.version},
      {"targets", organ_options(targets, o.parent_id)},
      {"top", !o.parent_id}};
  nlohmann::json r = {{"name", o.name}, {"short_name", o.short_name}, {"doc_prefix", o.doc_prefix}};
  if (typed && failed == "rename")
    for (const char* f : {"name", "short_name", "doc_prefix"}) r[f] = typed->value(f);
  model["r"] = r;
  auto staff = s.accounts.staff_of(id);
  if (!staff) return s.pages.error(req, 500, "http.internal_error");
  model["departments"] =
      department_rows(s, req, *departments, *staff, failed == "department-head" ? typed : nullptr);
  model["has_departments"] = !departments->empty();
  model["department_typed"] = typed && failed == "departments" ? typed->value("name") : "";
  auto positions = s.organs.positions(id);
  if (!positions) return s.pages.error(req, 500, "http.internal_error");
  nlohmann::json posts = nlohmann::json::array();
  for (const auto& p : *positions) posts.push_back({{"id", p.id}, {"name", p.name}});
  model["positions"] = posts;
  model["has_positions"] = !posts.empty();
  model["position_typed"] = typed && failed == "positions" ? typed->value("name") : "";
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& c : *history)
    changes.push_back({{"version", c.version},
                       {"change", s.pages.text(req, "admin.organ.change." + c.change)},
                       {"name", c.name},
                       {"by", c.changed_by},
                       {"at", local_time(c.changed_at)}});
  model["history"] = changes;
  if (error) {
    model["failed_" + failed] = true;
    put_error(s, req, model, *error);
  }
  std::string done = req.query.value("done");
  if (done == "renamed" || done == "moved" || done == "retired" || done == "department" ||
      done == "position" || done == "head")
    model["notice"] = s.pages.text(req, "admin.organ.done." + done);
  return s.pages.form_page(req, "identity/admin/organ", "admin.organ.title", model,
                           error ? (error->key.ends_with(".stale") ? 409 : 400) : 200);
}

// ---- accounts -------------------------------------------------------------

http::Response accounts_page(Services& s, const http::Request& req) {
  auto tree = organ_tree(s.organs, true);
  if (!tree) return s.pages.error(req, 500, "http.internal_error");
  nlohmann::json model = {{"can_create", true}};
  if (!account_list(s, req, "/admin/accounts", *tree, model))
    return s.pages.error(req, 500, "http.internal_error");
  return s.pages.page(req, "identity/admin/accounts", "admin.accounts.title", model);
}

// Departments of every active organ, grouped for an <optgroup> list.
nlohmann::json department_groups(Services& s, const std::vector<OrganRow>& tree,
                                 std::optional<long long> selected) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& row : tree) {
    if (row.organ.retired) continue;
    auto list = s.organs.departments(row.organ.id);
    if (!list || list->empty()) continue;
    nlohmann::json options = nlohmann::json::array();
    for (const auto& d : *list)
      options.push_back(
          {{"id", d.id}, {"name", d.name}, {"selected", selected && *selected == d.id}});
    groups.push_back({{"organ", row.organ.name}, {"departments", options}});
  }
  return groups;
}

http::Response new_account_page(Services& s, const http::Request& req, const http::FormData* typed,
                                const Error* error) {
  auto tree = organ_tree(s.organs, false);
  if (!tree) return s.pages.error(req, 500, "http.internal_error");
  nlohmann::json v;
  for (const char* f : {"name", "display_name", "organ", "department", "email", "phone"})
    v[f] = typed ? typed->value(f) : "";
  if (!typed) v["organ"] = req.query.value("organ");
  nlohmann::json model = {
      {"v", v},
      {"organs", organ_options(*tree, optional_id(v["organ"].get<std::string>()))},
      {"groups", department_groups(s, *tree, optional_id(v["department"].get<std::string>()))}};
  if (error) put_error(s, req, model, *error);
  return s.pages.form_page(req, "identity/admin/account_new", "admin.account.new_title", model,
                           error ? 400 : 200);
}

// A one-time password, shown once and never cached.
http::Response one_time_password_page(Services& s, const http::Request& req, const NewAccount& made,
                                      bool created) {
  nlohmann::json model = {{"id", made.account.id},
                          {"name", made.account.name},
                          {"display_name", made.account.display_name},
                          {"password", made.one_time_password},
                          {"created", created}};
  http::Response res =
      s.pages.page(req, "identity/admin/one_time_password",
                   created ? "admin.account.created_title" : "admin.account.reset_title", model);
  res.set("Cache-Control", "no-store");
  return res;
}

http::Response account_page(Services& s, const http::Request& req, long long id,
                            const Error* error = nullptr) {
  auto account = s.accounts.get(id);
  if (!account) return s.pages.error(req, 500, "http.internal_error");
  if (!*account) return s.pages.error(req, 404, "identity.account.not_found");
  const Account& a = **account;
  nlohmann::json model = {{"id", a.id},
                          {"name", a.name},
                          {"display_name", a.display_name},
                          {"kind", kind_text(s, req, a.kind)},
                          {"email", a.email},
                          {"phone", a.phone},
                          {"active", a.active},
                          {"version", a.version},
                          {"staff", a.kind == AccountKind::staff},
                          {"administrator", is_administrator(a.kind)},
                          {"self", req.principal && req.principal->account_id == a.id},
                          {"must_change", a.must_change_password},
                          {"password_changed", local_time(a.password_changed_at)}};
  if (a.organ_id)
    if (auto organ = s.organs.get(*a.organ_id); organ && *organ) {
      model["organ"] = (*organ)->name;
      model["organ_id"] = (*organ)->id;
    }
  if (a.department_id)
    if (auto list = s.organs.departments(a.organ_id.value_or(0)))
      for (const auto& d : *list)
        if (d.id == *a.department_id) model["department"] = d.name;
  if (a.kind == AccountKind::staff && a.organ_id) {
    auto offered = s.organs.positions(*a.organ_id);
    auto held = s.accounts.positions_of(a.id);
    if (!offered || !held) return s.pages.error(req, 500, "http.internal_error");
    nlohmann::json options = nlohmann::json::array();
    for (const auto& p : *offered) {
      bool has =
          std::any_of(held->begin(), held->end(), [&](const auto& h) { return h.id == p.id; });
      options.push_back({{"id", p.id}, {"name", p.name}, {"checked", has}});
    }
    model["position_options"] = options;
    model["has_position_options"] = !options.empty();
    model["positions"] = position_names(*held);
  }
  if (error) put_error(s, req, model, *error);
  std::string done = req.query.value("done");
  if (done == "disabled" || done == "enabled" || done == "positions")
    model["notice"] = s.pages.text(req, "admin.account.done." + done);
  return s.pages.form_page(req, "identity/admin/account", "admin.account.title", model,
                           error ? (error->key.ends_with(".stale") ? 409 : 400) : 200);
}

}  // namespace

void register_system_admin_routes(http::Router& router, Services& s) {
  const auto zone = http::Zone::intranet;
  const std::string organ_perm = perm::kOrganManage;
  const std::string account_perm = perm::kAccountManage;

  router.add({.method = "GET",
              .pattern = "/admin/organs",
              .zone = zone,
              .permission = organ_perm,
              .handler = [&s](http::Request& req) { return organs_page(s, req); },
              .summary = "The organ tree"});
  router.add(
      {.method = "GET",
       .pattern = "/admin/organs/new",
       .zone = zone,
       .permission = organ_perm,
       .handler = [&s](http::Request& req) { return new_organ_page(s, req, nullptr, nullptr); }});
  router.add({.method = "POST",
              .pattern = "/admin/organs",
              .zone = zone,
              .permission = organ_perm,
              .handler = [&s](http::Request& req) {
                auto form = req.form();
                if (!form) return s.pages.error(req, form.error().status, form.error().key);
                OrganInput in{.name = form->value("name"),
                              .short_name = form->value("short_name"),
                              .doc_prefix = form->value("doc_prefix"),
                              .level = form->value("level"),
                              .division_code = form->value("division_code"),
                              .credit_code = form->value("credit_code"),
                              .parent_id = optional_id(form->value("parent_id"))};
                auto made = s.organs.add(in, who(req));
                if (!made) return new_organ_page(s, req, &*form, &made.error());
                return http::Response::redirect(
                    "/admin/organs/" + std::to_string(made->id) + "?done=created", 303);
              }});
  router.add({.method = "GET",
              .pattern = "/admin/organs/{id}",
              .zone = zone,
              .permission = organ_perm,
              .handler = [&s](http::Request& req) {
                auto id = id_param(req);
                if (!id) return s.pages.error(req, 404, "identity.organ.not_found");
                return organ_page(s, req, *id);
              }});
  // rename, move, retire, add a department or a position, set a department's
  // head: each answers with the organ page, showing the error next to its form.
  auto organ_change =
      [&router, &s, zone, organ_perm](
          const std::string& action,
          std::function<Result<void>(long long, const http::FormData&, audit::AuditEvent)> change) {
        router.add({.method = "POST",
                    .pattern = "/admin/organs/{id}/" + action,
                    .zone = zone,
                    .permission = organ_perm,
                    .handler = [&s, action, change](http::Request& req) {
                      auto id = id_param(req);
                      if (!id) return s.pages.error(req, 404, "identity.organ.not_found");
                      auto form = req.form();
                      if (!form) return s.pages.error(req, form.error().status, form.error().key);
                      auto done = change(*id, *form, who(req));
                      if (!done) {
                        if (done.error().key == "identity.organ.not_found")
                          return s.pages.error(req, 404, "identity.organ.not_found");
                        return organ_page(s, req, *id, action, &done.error(), &*form);
                      }
                      std::string word = action == "departments"       ? "department"
                                         : action == "positions"       ? "position"
                                         : action == "department-head" ? "head"
                                         : action == "move"            ? "moved"
                                                                       : action + "d";
                      return http::Response::redirect(
                          "/admin/organs/" + std::to_string(*id) + "?done=" + word, 303);
                    }});
      };
  organ_change("rename", [&s](long long id, const http::FormData& f, audit::AuditEvent w) {
    auto r = s.organs.rename(id, f.value("name"), f.value("short_name"), f.value("doc_prefix"),
                             form_version(f), w);
    return r ? Result<void>{} : std::unexpected(r.error());
  });
  organ_change("move", [&s](long long id, const http::FormData& f, audit::AuditEvent w) {
    auto r = s.organs.move(id, optional_id(f.value("parent_id")), form_version(f), w);
    return r ? Result<void>{} : std::unexpected(r.error());
  });
  organ_change("retire", [&s](long long id, const http::FormData& f, audit::AuditEvent w) {
    auto r = s.organs.retire(id, form_version(f), w);
    return r ? Result<void>{} : std::unexpected(r.error());
  });
  organ_change("departments", [&s](long long id, const http::FormData& f, audit::AuditEvent w) {
    auto r = s.organs.add_department(id, f.value("name"), w);
    return r ? Result<void>{} : std::unexpected(r.error());
  });
  organ_change("positions", [&s](long long id, const http::FormData& f, audit::AuditEvent w) {
    auto r = s.organs.add_position(id, f.value("name"), w);
    return r ? Result<void>{} : std::unexpected(r.error());
  });
  // Sets or clears a department's head: department_id (of this organ) and
  // head_account_id (empty clears it).
  organ_change(
      "department-head",
      [&s](long long id, const http::FormData& f, audit::AuditEvent w) -> Result<void> {
        auto department = positive_number(f.value("department_id"));
        auto list = s.organs.departments(id);
        if (!list) return std::unexpected(list.error());
        if (!department || std::none_of(list->begin(), list->end(),
                                        [&](const Department& d) { return d.id == *department; }))
          return fail("identity.department.not_found", "department_id");
        auto r =
            s.organs.set_department_head(*department, optional_id(f.value("head_account_id")), w);
        return r ? Result<void>{} : std::unexpected(r.error());
      });

  router.add({.method = "GET",
              .pattern = "/admin/accounts",
              .zone = zone,
              .permission = account_perm,
              .handler = [&s](http::Request& req) { return accounts_page(s, req); },
              .summary = "Accounts: filter, search, sort, page"});
  router.add(
      {.method = "GET",
       .pattern = "/admin/accounts/new",
       .zone = zone,
       .permission = account_perm,
       .handler = [&s](http::Request& req) { return new_account_page(s, req, nullptr, nullptr); }});
  router.add({.method = "POST",
              .pattern = "/admin/accounts",
              .zone = zone,
              .permission = account_perm,
              .handler = [&s](http::Request& req) {
                auto form = req.form();
                if (!form) return s.pages.error(req, form.error().status, form.error().key);
                StaffInput in{.name = form->value("name"),
                              .display_name = form->value("display_name"),
                              .organ_id = optional_id(form->value("organ")).value_or(0),
                              .department_id = optional_id(form->value("department")),
                              .email = form->value("email"),
                              .phone = form->value("phone")};
                auto made = s.accounts.create_staff(in, who(req));
                if (!made) return new_account_page(s, req, &*form, &made.error());
                return one_time_password_page(s, req, *made, true);
              }});
  router.add({.method = "GET",
              .pattern = "/admin/accounts/{id}",
              .zone = zone,
              .permission = account_perm,
              .handler = [&s](http::Request& req) {
                auto id = id_param(req);
                if (!id) return s.pages.error(req, 404, "identity.account.not_found");
                return account_page(s, req, *id);
              }});
  router.add({.method = "POST",
              .pattern = "/admin/accounts/{id}/active",
              .zone = zone,
              .permission = account_perm,
              .handler = [&s](http::Request& req) {
                auto id = id_param(req);
                if (!id) return s.pages.error(req, 404, "identity.account.not_found");
                auto form = req.form();
                if (!form) return s.pages.error(req, form.error().status, form.error().key);
                bool active = form->value("active") == "1";
                if (!active && req.principal->account_id == *id) {
                  Error e("admin.account.not_self", "active");
                  return account_page(s, req, *id, &e);
                }
                auto done =
                    s.accounts.set_active(*id, active, form_version(*form), s.sessions, who(req));
                if (!done) {
                  if (done.error().key == "identity.account.not_found")
                    return s.pages.error(req, 404, "identity.account.not_found");
                  return account_page(s, req, *id, &done.error());
                }
                return http::Response::redirect("/admin/accounts/" + std::to_string(*id) +
                                                    (active ? "?done=enabled" : "?done=disabled"),
                                                303);
              }});
  router.add({.method = "POST",
              .pattern = "/admin/accounts/{id}/positions",
              .zone = zone,
              .permission = account_perm,
              .handler = [&s](http::Request& req) {
                auto id = id_param(req);
                if (!id) return s.pages.error(req, 404, "identity.account.not_found");
                auto form = req.form();
                if (!form) return s.pages.error(req, form.error().status, form.error().key);
                std::vector<long long> chosen;
                for (auto p : form->all("positions"))
                  chosen.push_back(positive_number(p).value_or(0));
                auto done = s.accounts.set_positions(*id, chosen, who(req));
                if (!done) {
                  if (done.error().key == "identity.account.not_found")
                    return s.pages.error(req, 404, "identity.account.not_found");
                  return account_page(s, req, *id, &done.error());
                }
                return http::Response::redirect(
                    "/admin/accounts/" + std::to_string(*id) + "?done=positions", 303);
              }});
  router.add({.method = "POST",
              .pattern = "/admin/accounts/{id}/reset-password",
              .zone = zone,
              .permission = account_perm,
              .handler = [&s](http::Request& req) {
                auto id = id_param(req);
                if (!id) return s.pages.error(req, 404, "identity.account.not_found");
                auto made = s.accounts.reset_password(*id, s.sessions, who(req));
                if (!made) {
                  if (made.error().key == "identity.account.not_found")
                    return s.pages.error(req, 404, "identity.account.not_found");
                  return account_page(s, req, *id, &made.error());
                }
                return one_time_password_page(s, req, *made, false);
              }});
}

}  // namespace yiwang::identity
