#include "identity/admin_pages.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <functional>

#include <fmt/chrono.h>

#include "core/text_rules.hpp"
#include "identity/admin_routes.hpp"
#include "render/pager.hpp"

namespace yiwang::identity {

std::optional<long long> positive_number(std::string_view text) {
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

namespace {

// A date typed as YYYY-MM-DD (China time) as the UTC bound of that day:
// its first millisecond (`end` false) or its last.
Result<std::string> day_bound(const std::string& text, const std::string& field, bool end) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return std::unexpected(Error("admin.audit.bad_date", field, {{"value", text}}));
  std::chrono::year_month_day day{std::chrono::year(y),
                                  std::chrono::month(static_cast<unsigned>(m)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!day.ok() || y < 2000 || y > 2999)
    return std::unexpected(Error("admin.audit.bad_date", field, {{"value", text}}));
  // 00:00 China time is 16:00 UTC the day before; 24:00 is 16:00 UTC that
  // day. (Whole days only: fmt's time formatting overflows past 2262.)
  auto text_of = [](std::chrono::year_month_day ymd, const char* time) {
    return fmt::format("{:04d}-{:02d}-{:02d}T{}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), time);
  };
  if (!end) return text_of(std::chrono::sys_days(day) - std::chrono::days(1), "16:00:00.000Z");
  return text_of(day, "15:59:59.999Z");
}

}  // namespace

Result<std::vector<OrganRow>> organ_tree(OrganStore& organs, bool include_retired) {
  std::vector<OrganRow> out;
  std::function<Result<void>(std::optional<long long>, int)> walk =
      [&](std::optional<long long> parent, int depth) -> Result<void> {
    auto children = organs.children(parent);
    if (!children) return std::unexpected(children.error());
    for (auto& o : *children) {
      if (o.retired && !include_retired) continue;
      long long id = o.id;
      out.push_back({std::move(o), depth});
      // The tree is at most five levels deep (国家 to 乡); a cycle cannot be
      // stored, the bound only guards against a damaged table.
      if (depth < 16)
        if (auto r = walk(id, depth + 1); !r) return r;
    }
    return {};
  };
  if (auto r = walk(std::nullopt, 0); !r) return std::unexpected(r.error());
  return out;
}

nlohmann::json organ_options(const std::vector<OrganRow>& tree, std::optional<long long> selected) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : tree) {
    if (row.organ.retired) continue;
    std::string indent;
    for (int i = 0; i < row.depth; ++i) indent += "\u3000";
    out.push_back({{"id", row.organ.id},
                   {"label", indent + row.organ.name},
                   {"selected", selected && *selected == row.organ.id}});
  }
  return out;
}

std::string kind_text(Services& s, const http::Request& req, AccountKind kind) {
  return s.pages.text(req, "identity.kind." + std::string(account_kind_name(kind)));
}

std::string clearance_text(Services& s, const http::Request& req, Clearance c) {
  return s.pages.text(req, "identity.clearance." + std::string(clearance_name(c)));
}

bool account_list(Services& s, const http::Request& req, const std::string& base,
                  const std::vector<OrganRow>& tree, nlohmann::json& model) {
  std::string kind_name = req.query.value("kind");
  std::optional<AccountKind> kind = parse_account_kind(kind_name);
  std::optional<long long> organ = positive_number(req.query.value("organ"));
  std::string q = core::cut_utf8(req.query.value("q"), 100);
  std::string sort_name = req.query.value("sort", "name");
  auto parsed_sort = account_sort(sort_name);
  if (!parsed_sort) sort_name = "name";
  AccountStore::Sort sort = parsed_sort.value_or(AccountStore::Sort::name);
  bool desc = req.query.value("dir") == "desc";
  render::PageRequest page = render::page_request(req);
  auto list = s.accounts.list(kind, organ, q, page.offset(), page.per_page, sort, desc);
  if (!list) return false;
  std::map<long long, std::string> organ_names;
  for (const auto& row : tree) organ_names[row.organ.id] = row.organ.name;
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& a : list->accounts) {
    nlohmann::json r = {{"id", a.id},
                        {"href", base + "/" + std::to_string(a.id)},
                        {"name", a.name},
                        {"display_name", a.display_name},
                        {"kind", kind_text(s, req, a.kind)},
                        {"active", a.active}};
    if (a.organ_id) r["organ"] = organ_names.count(*a.organ_id) ? organ_names[*a.organ_id] : "";
    rows.push_back(std::move(r));
  }
  model["accounts"] = rows;
  model["has_accounts"] = !rows.empty();
  model["pager"] = render::pager(req, page, list->total);
  model["base"] = base;
  nlohmann::json kinds = nlohmann::json::array();
  for (auto k : {AccountKind::staff, AccountKind::citizen, AccountKind::enterprise,
                 AccountKind::system_admin, AccountKind::security_admin, AccountKind::audit_admin})
    kinds.push_back({{"value", std::string(account_kind_name(k))},
                     {"label", kind_text(s, req, k)},
                     {"selected", kind && *kind == k}});
  model["filter"] = {
      {"q", q}, {"kinds", kinds}, {"organs", organ_options(tree, organ)}, {"sort", sort_name}};
  // Column headings link to sorting by that column; the current one flips.
  nlohmann::json columns = nlohmann::json::object();
  for (const char* c : {"name", "display_name", "kind", "organ"}) {
    bool current = sort_name == c;
    std::string dir = current && !desc ? "desc" : "asc";
    std::string href = render::with_query(req, {{"sort", c}, {"dir", dir}});
    columns[c] = {{"href", href},
                  {"sorted", current},
                  {"aria_sort", current ? (desc ? "descending" : "ascending") : "none"}};
  }
  model["columns"] = columns;
  return true;
}

std::string position_names(const std::vector<AccountStore::HeldPosition>& held) {
  std::string out;
  for (const auto& h : held) out += (out.empty() ? "" : "、") + h.name;
  return out;
}

std::optional<AccountStore::Sort> account_sort(std::string_view name) {
  if (name == "name") return AccountStore::Sort::name;
  if (name == "display_name") return AccountStore::Sort::display_name;
  if (name == "kind") return AccountStore::Sort::kind;
  if (name == "organ") return AccountStore::Sort::organ;
  return std::nullopt;
}

void put_error(Services& s, const http::Request& req, nlohmann::json& model, const Error& error) {
  model["error"] = s.pages.user_message(req, error);
  if (!error.field.empty()) model["invalid"][error.field] = true;
}

long long form_version(const http::FormData& form) {
  return positive_number(form.value("version")).value_or(0);
}

AuditQuery audit_query(const http::FormData& query) {
  AuditQuery p;
  p.filter.account = core::cut_utf8(query.value("account"), 64);
  p.filter.organ = core::cut_utf8(query.value("organ"), 32);
  p.filter.event = core::cut_utf8(query.value("event"), 100);
  for (auto [field, end] : {std::pair{"from", false}, std::pair{"to", true}}) {
    std::string typed = query.value(field);
    if (typed.empty()) continue;
    auto bound = day_bound(typed, field, end);
    if (!bound) {
      if (!p.error) p.error = bound.error();
      continue;
    }
    (end ? p.filter.to : p.filter.from) = *bound;
  }
  return p;
}

void add_admin_nav(render::PageRenderer& pages) {
  const auto zone = http::Zone::intranet;
  pages.add_nav({zone, perm::kDirectoryRead, "/directory", "nav.directory"});
  pages.add_nav({zone, perm::kOrganManage, "/admin/organs", "nav.organs"});
  pages.add_nav({zone, perm::kAccountManage, "/admin/accounts", "nav.accounts"});
  pages.add_nav({zone, perm::kRoleManage, "/security/roles", "nav.roles"});
  pages.add_nav({zone, perm::kGrantManage, "/security/accounts", "nav.grants"});
  pages.add_nav({zone, perm::kSecurityManage, "/security/policy", "nav.policy"});
  pages.add_nav({zone, perm::kAuditRead, "/audit", "nav.audit"});
}

}  // namespace yiwang::identity
