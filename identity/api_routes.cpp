#include "identity/api_routes.hpp"

#include <nlohmann/json.hpp>

#include "http/csrf.hpp"
#include "identity/admin_pages.hpp"

namespace yiwang::identity {

namespace {

using nlohmann::json;

http::Response ok(const json& body) { return http::Response::json(body.dump()); }

http::Response failed(Services& s, const http::Request& req, int status, const Error& e) {
  return s.pages.json_error(req, status, e);
}

http::Response internal(Services& s, const http::Request& req) {
  return failed(s, req, 500, Error("http.internal_error"));
}

// A paging parameter: absent → fallback; otherwise 0..max, else an error
// naming it.
Result<int> bounded(const http::Request& req, const char* name, int fallback, int max) {
  std::string text = req.query.value(name);
  if (text.empty()) return fallback;
  if (text == "0") return 0;
  auto n = positive_number(text);
  if (!n || *n > max)
    return std::unexpected(Error("api.bad_range", name, {{"max", std::to_string(max)}}));
  return static_cast<int>(*n);
}

json account_json(const Account& a) {
  json j = {{"id", a.id},
            {"name", a.name},
            {"kind", std::string(account_kind_name(a.kind))},
            {"display_name", a.display_name},
            {"active", a.active}};
  j["organ_id"] = a.organ_id ? json(*a.organ_id) : json(nullptr);
  j["department_id"] = a.department_id ? json(*a.department_id) : json(nullptr);
  if (a.kind == AccountKind::staff) j["clearance"] = std::string(clearance_name(a.clearance));
  return j;
}

json organ_json(const Organ& o) {
  return {{"id", o.id},
          {"name", o.name},
          {"short_name", o.short_name},
          {"doc_prefix", o.doc_prefix},
          {"level", std::string(organ_level_name(o.level))},
          {"division_code", o.division_code},
          {"credit_code", o.credit_code},
          {"parent_id", o.parent_id ? json(*o.parent_id) : json(nullptr)},
          {"retired", o.retired},
          {"version", o.version}};
}

json department_json(const Department& d) {
  json j = {{"id", d.id}, {"organ_id", d.organ_id}, {"name", d.name}};
  j["head_account_id"] = d.head_account_id ? json(*d.head_account_id) : json(nullptr);
  j["head_name"] = d.head_account_id ? json(d.head_name) : json(nullptr);
  j["head_active"] = d.head_account_id ? json(d.head_active) : json(nullptr);
  return j;
}

// The head a PUT body names: {"head_account_id": 12} sets, null clears.
// Anything else is an error naming the field.
Result<std::optional<long long>> head_from_body(const std::string& body) {
  auto j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("identity.api.bad_body", "");
  if (!j.contains("head_account_id")) return fail("api.required", "head_account_id");
  const json& v = j["head_account_id"];
  if (v.is_null()) return std::optional<long long>();
  if (!v.is_number_integer() || v.get<long long>() <= 0)
    return fail("identity.api.bad_head", "head_account_id");
  return std::optional<long long>(v.get<long long>());
}

// The organ named by the path when the reader's directory scope covers it;
// otherwise the response to send instead (404, 403 or 500).
std::expected<Organ, http::Response> readable_organ(Services& s, http::Request& req) {
  auto id = id_param(req);
  if (!id) return std::unexpected(failed(s, req, 404, Error("identity.organ.not_found")));
  if (!req.principal->holds(perm::kDirectoryRead, *id))
    return std::unexpected(failed(s, req, 403, Error("http.forbidden")));
  auto organ = s.organs.get(*id);
  if (!organ) return std::unexpected(internal(s, req));
  if (!*organ) return std::unexpected(failed(s, req, 404, Error("identity.organ.not_found")));
  return std::move(**organ);
}

http::Response me(http::Request& req) {
  const http::Principal& p = *req.principal;
  json scoped = json::object();
  for (const auto& [perm, ids] : p.authority->organs) scoped[perm] = ids;
  std::vector<std::string> everywhere(p.authority->everywhere.begin(),
                                      p.authority->everywhere.end());
  std::sort(everywhere.begin(), everywhere.end());
  json body = {{"id", p.account_id},
               {"name", p.name},
               {"display_name", p.display_name},
               {"kind", p.kind},
               {"organ_id", p.organ_id ? json(*p.organ_id) : json(nullptr)},
               {"permissions", everywhere},
               {"scoped_permissions", scoped}};
  if (p.kind == "staff")
    body["clearance"] = std::string(clearance_name(static_cast<Clearance>(p.clearance)));
  http::Response res;
  body["csrf_token"] = http::csrf_token(req, res);
  http::Response out = ok(body);
  for (const auto& h : res.headers)
    if (h.first == "Set-Cookie") out.add(h.first, h.second);
  out.set("Cache-Control", "no-store");
  return out;
}

}  // namespace

void register_identity_api(http::Router& router, Services& s) {
  for (auto zone : {http::Zone::intranet, http::Zone::internet}) {
    router.add({.method = "GET",
                .pattern = "/api/v1/identity/me",
                .zone = zone,
                .permission = std::string(http::kSignedIn),
                .handler = [](http::Request& req) { return me(req); },
                .summary = "The signed-in account, its permissions and the CSRF token"});
    router.add({.method = "GET",
                .pattern = "/api/v1/identity/sessions",
                .zone = zone,
                .permission = std::string(http::kSignedIn),
                .handler =
                    [&s](http::Request& req) {
                      auto list = s.sessions.list(req.principal->account_id);
                      if (!list) return internal(s, req);
                      json rows = json::array();
                      for (const auto& x : *list)
                        rows.push_back({{"id", x.id},
                                        {"zone", x.zone},
                                        {"created_at", x.created_at},
                                        {"last_seen_at", x.last_seen_at},
                                        {"source", x.source},
                                        {"user_agent", x.user_agent},
                                        {"current", x.id == req.principal->session_id}});
                      return ok({{"sessions", rows}});
                    },
                .summary = "The signed-in account's live sessions"});
    router.add({.method = "POST",
                .pattern = "/api/v1/identity/sessions/{id}/end",
                .zone = zone,
                .permission = std::string(http::kSignedIn),
                .handler =
                    [&s](http::Request& req) {
                      auto id = id_param(req);
                      if (!id) return failed(s, req, 404, Error("http.not_found"));
                      audit::AuditEvent e = who(req);
                      e.event = "identity.session.ended";
                      auto ended = s.sessions.end(req.principal->account_id, *id, e);
                      if (!ended) return internal(s, req);
                      if (!*ended) return failed(s, req, 404, Error("http.not_found"));
                      return ok({{"ended", *id}});
                    },
                .summary = "Ends one of the signed-in account's sessions"});
  }
  const auto zone = http::Zone::intranet;
  router.add({.method = "GET",
              .pattern = "/api/v1/identity/organs",
              .zone = zone,
              .permission = std::string(http::kSignedIn),
              .handler =
                  [&s](http::Request& req) {
                    auto tree = organ_tree(s.organs, req.query.value("retired") == "1");
                    if (!tree) return internal(s, req);
                    json rows = json::array();
                    for (const auto& row : *tree) {
                      json o = organ_json(row.organ);
                      o["depth"] = row.depth;
                      rows.push_back(std::move(o));
                    }
                    return ok({{"organs", rows}});
                  },
              .summary = "The organ tree, depth first"});
  router.add({.method = "GET",
              .pattern = "/api/v1/identity/organs/{id}/staff",
              .zone = zone,
              .permission = perm::kDirectoryRead,
              .handler =
                  [&s](http::Request& req) {
                    auto organ = readable_organ(s, req);
                    if (!organ) return std::move(organ.error());
                    auto staff = s.accounts.staff_of(organ->id);
                    if (!staff) return internal(s, req);
                    json rows = json::array();
                    for (const auto& a : *staff) {
                      json j = {{"id", a.id},
                                {"display_name", a.display_name},
                                {"department_id",
                                 a.department_id ? json(*a.department_id) : json(nullptr)},
                                {"email", a.email},
                                {"phone", a.phone}};
                      rows.push_back(std::move(j));
                    }
                    return ok({{"organ", organ_json(*organ)}, {"staff", rows}});
                  },
              .summary = "The staff directory of an organ (within the reader's organ scope)"});
  router.add({.method = "GET",
              .pattern = "/api/v1/identity/organs/{id}/departments",
              .zone = zone,
              .permission = perm::kDirectoryRead,
              .handler =
                  [&s](http::Request& req) {
                    auto organ = readable_organ(s, req);
                    if (!organ) return std::move(organ.error());
                    auto list = s.organs.departments(organ->id);
                    if (!list) return internal(s, req);
                    json rows = json::array();
                    for (const auto& d : *list) rows.push_back(department_json(d));
                    return ok({{"organ", organ_json(*organ)}, {"departments", rows}});
                  },
              .summary = "An organ's departments with their heads (within the reader's organ "
                         "scope)"});
  router.add({.method = "PUT",
              .pattern = "/api/v1/identity/departments/{id}/head",
              .zone = zone,
              .permission = perm::kOrganManage,
              .handler =
                  [&s](http::Request& req) {
                    auto id = id_param(req);
                    if (!id) return failed(s, req, 404, Error("identity.department.not_found"));
                    auto head = head_from_body(req.body);
                    if (!head) return failed(s, req, 400, head.error());
                    auto d = s.organs.set_department_head(*id, *head, who(req));
                    if (!d) {
                      if (d.error().key == "identity.department.not_found")
                        return failed(s, req, 404, d.error());
                      if (d.error().key.starts_with("db.")) return internal(s, req);
                      return failed(s, req, 400, d.error());
                    }
                    return ok(department_json(*d));
                  },
              .summary = "Sets (an account id) or clears (null) a department's head"});
  router.add({.method = "GET",
              .pattern = "/api/v1/identity/accounts",
              .zone = zone,
              .permission = perm::kAccountManage,
              .handler =
                  [&s](http::Request& req) {
                    auto offset = bounded(req, "offset", 0, 1000000);
                    if (!offset) return failed(s, req, 400, offset.error());
                    auto limit = bounded(req, "limit", 50, 200);
                    if (!limit) return failed(s, req, 400, limit.error());
                    std::optional<AccountKind> kind;
                    if (std::string k = req.query.value("kind"); !k.empty()) {
                      kind = parse_account_kind(k);
                      if (!kind)
                        return failed(s, req, 400,
                                      Error("identity.account.bad_kind", "account_kind"));
                    }
                    std::optional<long long> organ;
                    if (std::string o = req.query.value("organ"); !o.empty()) {
                      organ = positive_number(o);
                      if (!organ)
                        return failed(s, req, 400, Error("identity.organ.not_found", "organ"));
                    }
                    auto sort = account_sort(req.query.value("sort", "name"));
                    if (!sort) return failed(s, req, 400, Error("api.bad_sort", "sort"));
                    std::string q = req.query.value("q");
                    if (q.size() > 100)
                      return failed(s, req, 400, Error("api.too_long", "q", {{"max", "100"}}));
                    auto page = s.accounts.list(kind, organ, q, *offset, *limit, *sort,
                                                req.query.value("dir") == "desc");
                    if (!page) return internal(s, req);
                    json rows = json::array();
                    for (const auto& a : page->accounts) rows.push_back(account_json(a));
                    return ok({{"total", page->total},
                               {"offset", *offset},
                               {"limit", *limit},
                               {"accounts", rows}});
                  },
              .summary = "Accounts: filter by kind, organ and text, sort, page"});
  router.add({.method = "GET",
              .pattern = "/api/v1/identity/accounts/{id}",
              .zone = zone,
              .permission = perm::kAccountManage,
              .handler =
                  [&s](http::Request& req) {
                    auto id = id_param(req);
                    if (!id) return failed(s, req, 404, Error("identity.account.not_found"));
                    auto a = s.accounts.get(*id);
                    if (!a) return internal(s, req);
                    if (!*a) return failed(s, req, 404, Error("identity.account.not_found"));
                    json j = account_json(**a);
                    j["email"] = (*a)->email;
                    j["phone"] = (*a)->phone;
                    j["must_change_password"] = (*a)->must_change_password;
                    j["password_changed_at"] = (*a)->password_changed_at;
                    j["version"] = (*a)->version;
                    return ok(j);
                  },
              .summary = "One account"});
  router.add({.method = "GET",
              .pattern = "/api/v1/identity/roles",
              .zone = zone,
              .permission = perm::kRoleManage,
              .handler =
                  [&s](http::Request& req) {
                    auto roles = s.roles.roles();
                    if (!roles) return internal(s, req);
                    json rows = json::array();
                    for (const auto& r : *roles)
                      rows.push_back({{"id", r.id},
                                      {"name", r.name},
                                      {"description", r.description},
                                      {"permissions", r.permissions},
                                      {"version", r.version}});
                    return ok({{"roles", rows}});
                  },
              .summary = "Roles and their permissions"});
  router.add({.method = "GET",
              .pattern = "/api/v1/identity/audit/records",
              .zone = zone,
              .permission = perm::kAuditRead,
              .handler =
                  [&s](http::Request& req) {
                    AuditQuery q = audit_query(req.query);
                    if (q.error) return failed(s, req, 400, *q.error);
                    auto offset = bounded(req, "offset", 0, 10000000);
                    if (!offset) return failed(s, req, 400, offset.error());
                    auto limit = bounded(req, "limit", 50, 1000);
                    if (!limit) return failed(s, req, 400, limit.error());
                    q.filter.offset = static_cast<std::size_t>(*offset);
                    q.filter.limit = static_cast<std::size_t>(*limit);
                    auto found = s.audit.find(q.filter);
                    if (!found) return internal(s, req);
                    json rows = json::array();
                    for (const auto& r : *found)
                      rows.push_back(
                          {{"id", r.id},
                           {"occurred_at", r.occurred_at},
                           {"account", r.event.account},
                           {"organ", r.event.organ},
                           {"source", r.event.source},
                           {"event", r.event.event},
                           {"object", r.event.object},
                           {"success", r.event.success},
                           {"request_id", r.event.request_id},
                           {"detail", r.event.detail},
                           {"chain_seq", r.chain_seq ? json(*r.chain_seq) : json(nullptr)}});
                    return ok({{"offset", *offset}, {"limit", *limit}, {"records", rows}});
                  },
              .summary = "Audit records, newest first (audit administrator only)"});
}

}  // namespace yiwang::identity
