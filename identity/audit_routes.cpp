// 审计管理员: the audit viewer (filter by account, organ, event and time,
// paged) and its CSV export. Only audit.log.read reaches them.
#include <chrono>

#include <fmt/chrono.h>
#include <nlohmann/json.hpp>

#include "identity/admin_pages.hpp"
#include "identity/admin_routes.hpp"
#include "render/pager.hpp"

namespace yiwang::identity {

namespace {

constexpr std::size_t kExportLimit = 100000;  // rows in one CSV file

std::string organ_name(const std::map<std::string, std::string>& names, const std::string& id) {
  auto it = names.find(id);
  return it == names.end() ? id : it->second;
}

http::Response audit_page(Services& s, const http::Request& req) {
  AuditQuery parsed = audit_query(req.query);
  auto tree = organ_tree(s.organs, true);
  if (!tree) return s.pages.error(req, 500, "http.internal_error");
  std::map<std::string, std::string> names;
  for (const auto& row : *tree) names[std::to_string(row.organ.id)] = row.organ.name;
  std::optional<long long> organ = positive_number(parsed.filter.organ);
  nlohmann::json model = {{"f",
                           {{"account", req.query.value("account")},
                            {"event", req.query.value("event")},
                            {"from", req.query.value("from")},
                            {"to", req.query.value("to")}}},
                          {"organs", organ_options(*tree, organ)}};
  // The export link: the same filter on the CSV route.
  std::string query = render::with_query(req, {});
  auto q = query.find('?');
  model["export"] = "/audit/export.csv" + (q == std::string::npos ? "" : query.substr(q));
  if (parsed.error) {
    put_error(s, req, model, *parsed.error);
    model["records"] = nlohmann::json::array();
    return s.pages.page(req, "identity/admin/audit", "admin.audit.title", model, 400);
  }
  render::PageRequest page = render::page_request(req, 50);
  parsed.filter.offset = static_cast<std::size_t>(page.offset());
  parsed.filter.limit = static_cast<std::size_t>(page.per_page) + 1;  // one more: is there a next?
  auto found = s.audit.find(parsed.filter);
  if (!found) return s.pages.error(req, 500, "http.internal_error");
  bool more = found->size() > static_cast<std::size_t>(page.per_page);
  if (more) found->pop_back();
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : *found)
    rows.push_back({{"id", r.id},
                    {"at", local_time(r.occurred_at)},
                    {"account", r.event.account},
                    {"organ", organ_name(names, r.event.organ)},
                    {"source", r.event.source},
                    {"event", r.event.event},
                    {"event_label", s.pages.catalogue().has(req.lang, "event." + r.event.event)
                                        ? s.pages.text(req, "event." + r.event.event)
                                        : ""},
                    {"object", r.event.object},
                    {"success", r.event.success},
                    {"request_id", r.event.request_id},
                    {"detail", r.event.detail}});
  model["records"] = rows;
  model["has_records"] = !rows.empty();
  // The total is not counted (the log is large); the pager knows whether a
  // next page exists.
  long long seen = page.offset() + static_cast<long long>(rows.size()) + (more ? 1 : 0);
  model["pager"] = render::pager(req, page, seen);
  model["pager"].erase("pages");
  model["pager"]["has_pages"] = page.page > 1 || more;
  model["pager"]["open_ended"] = true;
  return s.pages.page(req, "identity/admin/audit", "admin.audit.title", model);
}

// One CSV cell: quoted, quotes doubled, and a leading = + - @ tab or CR made
// harmless for spreadsheets (CSV injection).
std::string csv_cell(const std::string& v) {
  std::string out = "\"";
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
    out += '\'';
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

http::Response audit_export(Services& s, const http::Request& req) {
  AuditQuery parsed = audit_query(req.query);
  if (parsed.error) return s.pages.error(req, 400, parsed.error->key, parsed.error->params);
  std::string body = "\xEF\xBB\xBF";  // BOM: spreadsheets read the file as UTF-8
  std::vector<std::string> head = {"id",      "occurred_at_utc", "account",  "organ",
                                   "source",  "event",           "object",   "outcome",
                                   "request", "detail",          "chain_seq"};
  for (std::size_t i = 0; i < head.size(); ++i) body += (i ? "," : "") + csv_cell(head[i]);
  body += "\r\n";
  std::size_t rows = 0;
  parsed.filter.limit = 1000;
  for (parsed.filter.offset = 0; rows < kExportLimit; parsed.filter.offset += 1000) {
    auto found = s.audit.find(parsed.filter);
    if (!found) return s.pages.error(req, 500, "http.internal_error");
    for (const auto& r : *found) {
      std::vector<std::string> cells = {std::to_string(r.id),
                                        r.occurred_at,
                                        r.event.account,
                                        r.event.organ,
                                        r.event.source,
                                        r.event.event,
                                        r.event.object,
                                        r.event.success ? "success" : "failure",
                                        r.event.request_id,
                                        r.event.detail,
                                        r.chain_seq ? std::to_string(*r.chain_seq) : ""};
      for (std::size_t i = 0; i < cells.size(); ++i) body += (i ? "," : "") + csv_cell(cells[i]);
      body += "\r\n";
      if (++rows >= kExportLimit) break;
    }
    if (found->size() < 1000) break;
  }
  // Reading the log out is itself an event the log keeps.
  audit::AuditEvent e = who(req);
  e.event = "audit.log.exported";
  e.object = "audit";
  e.detail = fmt::format("account={} organ={} event={} from={} to={} rows={}",
                         parsed.filter.account, parsed.filter.organ, parsed.filter.event,
                         req.query.value("from"), req.query.value("to"), rows);
  s.audit.record(e);
  http::Response res;
  res.status = 200;
  res.set("Content-Type", "text/csv; charset=utf-8");
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() +
                                                     std::chrono::hours(8));
  res.set("Content-Disposition",
          fmt::format("attachment; filename=\"audit-{:%Y%m%d}.csv\"", today));
  res.set("Cache-Control", "no-store");
  res.body = std::move(body);
  return res;
}

}  // namespace

void register_audit_routes(http::Router& router, Services& s) {
  router.add({.method = "GET",
              .pattern = "/audit",
              .zone = http::Zone::intranet,
              .permission = perm::kAuditRead,
              .handler = [&s](http::Request& req) { return audit_page(s, req); },
              .summary = "The audit viewer"});
  router.add({.method = "GET",
              .pattern = "/audit/export.csv",
              .zone = http::Zone::intranet,
              .permission = perm::kAuditRead,
              .handler = [&s](http::Request& req) { return audit_export(s, req); },
              .summary = "The audit records of a filter as CSV"});
}

}  // namespace yiwang::identity
