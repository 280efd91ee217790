#include "portal/report_routes.hpp"

#include <charconv>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/text_rules.hpp"
#include "http/organ_scope.hpp"
#include "portal/permissions.hpp"

namespace yiwang::portal {

namespace {

const std::string kBase = "/portal/annual-reports";

const render::PageRenderer& pages_of(ReportPages& p) { return p.identity.pages; }

http::Response internal(ReportPages& p, const http::Request& req, const Error& e) {
  (void)pages_of(p).user_message(req, e);
  return pages_of(p).error(req, 500, "http.internal_error");
}

http::Response not_found(ReportPages& p, const http::Request& req) {
  return pages_of(p).error(req, 404, "portal.report.not_found");
}

std::optional<long long> whole_number(std::string_view text) {
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

Editor editor_of(const http::Request& req) {
  return {req.principal->name, req.principal->display_name, identity::who(req)};
}

// The due date of a year's report and whether it is past.
nlohmann::json due_model(int year) {
  auto due = core::make_date(year + 1, 1, 31);
  std::string text = due ? core::format_iso_date(*due) : "";
  return {{"due", text}, {"late", due && core::china_today() > *due}};
}

// ---- the list ----

http::Response list_page(ReportPages& p, const http::Request& req, const Error* error = nullptr,
                         const http::FormData* typed = nullptr) {
  const auto& pages = pages_of(p);
  auto granted = http::organs_of(req, perm::kReportEdit);
  auto reports = p.portal.reports().list(granted);
  if (!reports) return internal(p, req, reports.error());
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : *reports) {
    auto failures = check_report(r.data);
    nlohmann::json row = {
        {"href", kBase + "/" + std::to_string(r.id)},
        {"organ", r.organ_name},
        {"year", r.year},
        {"state", pages.text(req, "portal.report.state." + r.state)},
        {"consistent", failures.empty()},
        {"updated", identity::local_time(r.updated_at)},
        {"article_href", r.article_id
                             ? nlohmann::json("/portal/articles/" + std::to_string(r.article_id))
                             : nlohmann::json()}};
    row.update(due_model(r.year));
    rows.push_back(std::move(row));
  }
  // The organs one may report for: those of the grant, else one's own.
  std::vector<long long> organ_ids = granted ? *granted : std::vector<long long>{};
  if (!granted && req.principal->organ_id) organ_ids.push_back(*req.principal->organ_id);
  std::string chosen_organ = typed ? typed->value("organ") : "";
  nlohmann::json organs = nlohmann::json::array();
  for (long long id : organ_ids) {
    auto organ = p.portal.organs().get(id);
    if (!organ || !*organ) continue;
    organs.push_back(
        {{"value", id}, {"label", (*organ)->name}, {"on", chosen_organ == std::to_string(id)}});
  }
  int this_year = core::year_of(core::china_today());
  std::string chosen_year = typed ? typed->value("year") : std::to_string(this_year - 1);
  nlohmann::json years = nlohmann::json::array();
  for (int y = this_year; y >= this_year - 5; --y)
    years.push_back({{"value", y}, {"label", y}, {"on", chosen_year == std::to_string(y)}});
  nlohmann::json m = {
      {"rows", rows},
      {"has_rows", !rows.empty()},
      {"organs", organs},
      {"years", years},
      {"error", error ? nlohmann::json(pages.user_message(req, *error)) : nlohmann::json()}};
  return pages.form_page(req, "portal/annual_reports", "portal.report.list_title", m,
                         error ? 400 : 200);
}

http::Response list_get(ReportPages& p, http::Request& req) { return list_page(p, req); }

http::Response create_post(ReportPages& p, http::Request& req) {
  auto form = req.form();
  if (!form) return pages_of(p).error(req, form.error().status, form.error().key);
  long long organ = whole_number(form->value("organ")).value_or(0);
  int year = static_cast<int>(whole_number(form->value("year")).value_or(0));
  if (!req.principal->holds(perm::kReportEdit, organ)) {
    Error e("portal.report.organ_invalid", "organ");
    return list_page(p, req, &e, &*form);
  }
  auto made = p.portal.reports().create(organ, year, editor_of(req));
  if (!made) {
    if (made.error().key.starts_with("db.")) return internal(p, req, made.error());
    if (made.error().key == "portal.report.exists")
      return http::Response::redirect(kBase + "/" + made.error().params.at("id"), 303);
    return list_page(p, req, &made.error(), &*form);
  }
  return http::Response::redirect(kBase + "/" + std::to_string(made->id), 303);
}

// ---- one report ----

Result<std::optional<AnnualReport>> report_for(ReportPages& p, const http::Request& req) {
  auto id = identity::id_param(req);
  if (!id) return std::optional<AnnualReport>();
  auto r = p.portal.reports().get(*id);
  if (!r) return std::unexpected(r.error());
  if (!*r || !req.principal->holds(perm::kReportEdit, (*r)->organ_id))
    return std::optional<AnnualReport>();
  return r;
}

// The posted tables and texts: numbers where a whole number was typed, the
// text as typed otherwise (so problems() names it and the page shows it).
nlohmann::json data_of(const http::FormData& f) {
  auto cell = [&](const std::string& name) -> nlohmann::json {
    std::string v = core::trim_text(f.value(name));
    if (auto n = whole_number(v)) return *n;
    return v;
  };
  nlohmann::json d = {{"active", nlohmann::json::object()},
                      {"requests", nlohmann::json::object()},
                      {"appeals", nlohmann::json::object()},
                      {"texts", nlohmann::json::object()}};
  for (const auto& [row, cells] : active_rows())
    for (auto c : cells) {
      std::string name = fmt::format("active.{}.{}", row, c);
      d["active"][std::string(row)][std::string(c)] =
          c == "amount" ? nlohmann::json(core::trim_text(f.value(name))) : cell(name);
    }
  for (auto row : request_rows())
    for (auto c : request_columns())
      d["requests"][std::string(row)][std::string(c)] = cell(fmt::format("requests.{}.{}", row, c));
  for (auto row : appeal_rows())
    for (auto c : appeal_cells())
      d["appeals"][std::string(row)][std::string(c)] = cell(fmt::format("appeals.{}.{}", row, c));
  for (auto s : report_sections()) d["texts"][std::string(s)] = f.value("texts." + std::string(s));
  return d;
}

std::string shown(const nlohmann::json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_string()) return v.get<std::string>();
  return "0";
}

const nlohmann::json& at(const nlohmann::json& d, std::initializer_list<std::string_view> path) {
  static const nlohmann::json none;
  const nlohmann::json* v = &d;
  for (auto k : path) {
    if (!v->is_object()) return none;
    auto it = v->find(std::string(k));
    if (it == v->end()) return none;
    v = &*it;
  }
  return *v;
}

http::Response report_page(ReportPages& p, const http::Request& req, const AnnualReport& r,
                           const nlohmann::json& data, const std::vector<Error>& errors,
                           const std::string& done, int status = 200) {
  const auto& pages = pages_of(p);
  std::map<std::string, std::string> error_of;
  nlohmann::json error_list = nlohmann::json::array();
  for (const auto& e : errors) {
    std::string text = pages.user_message(req, e);
    if (!error_of.contains(e.field)) error_of[e.field] = text;
    error_list.push_back({{"field", e.field}, {"message", text}});
  }
  auto input = [&](const std::string& name, const nlohmann::json& value, const std::string& label) {
    auto e = error_of.find(name);
    return nlohmann::json{
        {"name", name},
        {"id", "r-" + name},
        {"value", shown(value)},
        {"label", label},
        {"error", e == error_of.end() ? nlohmann::json() : nlohmann::json(e->second)}};
  };
  bool editable = r.state == "draft";
  // Table 1.
  nlohmann::json active = nlohmann::json::array();
  for (const auto& [row, cells] : active_rows()) {
    std::string row_label = pages.text(req, "portal.report.active." + std::string(row));
    nlohmann::json cs = nlohmann::json::array();
    for (auto c : cells)
      cs.push_back(
          input(fmt::format("active.{}.{}", row, c), at(data, {"active", row, c}),
                row_label + " " + pages.text(req, "portal.report.cell." + std::string(c))));
    active.push_back({{"label", row_label}, {"cells", cs}});
  }
  // Table 2.
  nlohmann::json columns = nlohmann::json::array();
  for (auto c : request_columns())
    columns.push_back(pages.text(req, "portal.disclosure.applicant." + std::string(c)));
  nlohmann::json rows = nlohmann::json::array();
  auto add_row = [&](std::string_view row, bool computed) {
    std::string label = pages.text(req, "portal.report.row." + std::string(row));
    nlohmann::json cs = nlohmann::json::array();
    for (auto c : request_columns()) {
      if (computed)
        cs.push_back({{"computed", request_total(data, row, c)},
                      {"name", nullptr},
                      {"id", nullptr},
                      {"label", nullptr},
                      {"error", nullptr}});
      else
        cs.push_back(
            input(fmt::format("requests.{}.{}", row, c), at(data, {"requests", row, c}),
                  label + " " + pages.text(req, "portal.disclosure.applicant." + std::string(c))));
    }
    rows.push_back({{"label", label},
                    {"sub", row.find('_') != std::string_view::npos && row != "carried_in" &&
                                row != "carried_out" && row != "results_total"},
                    {"cells", cs},
                    {"total", request_total(data, row)},
                    {"computed", computed}});
  };
  for (auto row : request_rows()) {
    if (row == "carried_out") add_row("results_total", true);
    add_row(row, false);
  }
  // Table 3.
  nlohmann::json appeals = nlohmann::json::array();
  for (auto row : appeal_rows()) {
    std::string label = pages.text(req, "portal.report.appeal." + std::string(row));
    nlohmann::json cs = nlohmann::json::array();
    long long total = 0;
    for (auto c : appeal_cells()) {
      const auto& v = at(data, {"appeals", row, c});
      if (v.is_number_integer()) total += v.get<long long>();
      cs.push_back(input(fmt::format("appeals.{}.{}", row, c), v,
                         label + " " + pages.text(req, "portal.report.cell." + std::string(c))));
    }
    appeals.push_back({{"label", label}, {"cells", cs}, {"total", total}});
  }
  nlohmann::json appeal_heads = nlohmann::json::array();
  for (auto c : appeal_cells())
    appeal_heads.push_back(pages.text(req, "portal.report.cell." + std::string(c)));
  nlohmann::json texts = nlohmann::json::array();
  for (auto s : report_sections()) {
    nlohmann::json t = input("texts." + std::string(s), at(data, {"texts", s}),
                             pages.text(req, "portal.report.part." + std::string(s)));
    texts.push_back(std::move(t));
  }
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& f : check_report(data))
    failures.push_back(
        {{"column", f.column == "total"
                        ? pages.text(req, "portal.report.total")
                        : pages.text(req, "portal.disclosure.applicant." + f.column)},
         {"in", f.in},
         {"out", f.out}});
  nlohmann::json m = {{"id", r.id},
                      {"title", fmt::format("{} {}", r.organ_name, r.year)},
                      {"organ", r.organ_name},
                      {"year", r.year},
                      {"version", r.version},
                      {"state", pages.text(req, "portal.report.state." + r.state)},
                      {"editable", editable},
                      {"generated", identity::local_time(r.generated_at)},
                      {"action", kBase + "/" + std::to_string(r.id)},
                      {"article_href", r.article_id ? nlohmann::json("/portal/articles/" +
                                                                     std::to_string(r.article_id))
                                                    : nlohmann::json()},
                      {"active", active},
                      {"columns", columns},
                      {"rows", rows},
                      {"appeals", appeals},
                      {"appeal_heads", appeal_heads},
                      {"texts", texts},
                      {"failures", failures},
                      {"consistent", failures.empty()},
                      {"has_errors", !error_list.empty()},
                      {"error_list", error_list},
                      {"saved", done == "saved"},
                      {"regenerated", done == "regenerated"},
                      {"submitted", done == "submitted"},
                      {"not_in_review", done == "not_in_review"}};
  m.update(due_model(r.year));
  return pages.form_page(req, "portal/annual_report", "portal.report.title", m, status);
}

http::Response report_get(ReportPages& p, http::Request& req) {
  auto r = report_for(p, req);
  if (!r) return internal(p, req, r.error());
  if (!*r) return not_found(p, req);
  return report_page(p, req, **r, (*r)->data, {}, req.query.value("done"));
}

http::Response report_post(ReportPages& p, http::Request& req) {
  auto r = report_for(p, req);
  if (!r) return internal(p, req, r.error());
  if (!*r) return not_found(p, req);
  const AnnualReport& report = **r;
  auto form = req.form();
  if (!form) return pages_of(p).error(req, form.error().status, form.error().key);
  long long version = whole_number(form->value("version")).value_or(0);
  std::string action = form->value("_action");
  auto& reports = p.portal.reports();
  auto refused = [&](const nlohmann::json& data, const Error& e) {
    if (e.key.starts_with("db.")) return internal(p, req, e);
    return report_page(p, req, report, data, {e}, "", 400);
  };
  if (action == "regenerate") {
    auto done = reports.regenerate(report.id, version, editor_of(req));
    if (!done) return refused(report.data, done.error());
    return http::Response::redirect(kBase + "/" + std::to_string(report.id) + "?done=regenerated",
                                    303);
  }
  nlohmann::json data = data_of(*form);
  if (auto problems = AnnualReports::problems(data); !problems.empty())
    return report_page(p, req, report, data, problems, "", 400);
  auto saved = reports.save(report.id, data, version, editor_of(req));
  if (!saved) return refused(data, saved.error());
  if (action != "publish")
    return http::Response::redirect(kBase + "/" + std::to_string(report.id) + "?done=saved", 303);
  // Publication: only a consistent report becomes an article of 公开年报.
  if (!check_report(saved->data).empty())
    return refused(saved->data, Error("portal.report.inconsistent", "check"));
  auto column = p.portal.columns().by_slug(kAnnualReportColumn);
  if (!column) return refused(saved->data, Error("portal.report.no_column", "check"));
  saved->organ_name = report.organ_name;
  std::string today = core::format_iso_date(core::china_today());
  ArticleInput in;
  in.column_id = column->id;
  in.organ_id = report.organ_id;
  in.title = pages_of(p).catalogue().text(
      render::Catalogue::kDefaultLanguage, "portal.report.article_title",
      {{"organ", report.organ_name}, {"year", std::to_string(report.year)}});
  in.source = report.organ_name;
  in.written_on = today;
  in.formed_on = today;
  in.body_html = AnnualReports::html(*saved, pages_of(p).catalogue());
  in.keywords = "政府信息公开，年度报告";
  in.disclosure = "active";
  in.category = "09";
  Editor by = editor_of(req);
  auto article = p.portal.articles().create(in, by);
  if (!article) return refused(saved->data, article.error());
  auto marked = reports.submitted(report.id, article->id, saved->version, by);
  if (!marked) return refused(saved->data, marked.error());
  auto review = p.portal.review().submit(article->id, article->version, by);
  std::string back = kBase + "/" + std::to_string(report.id);
  if (!review) {
    // The article stays a draft its editors can submit; the page says so.
    spdlog::warn("annual report {}: article {} not submitted for review: {}", report.id,
                 article->id, review.error().key);
    return http::Response::redirect(back + "?done=not_in_review", 303);
  }
  return http::Response::redirect(back + "?done=submitted", 303);
}

}  // namespace

void register_report_routes(http::Router& router, ReportPages& p) {
  auto add = [&](const char* method, std::string pattern,
                 http::Response (*fn)(ReportPages&, http::Request&)) {
    router.add({.method = method,
                .pattern = std::move(pattern),
                .zone = http::Zone::intranet,
                .permission = perm::kReportEdit,
                .handler = [&p, fn](http::Request& req) { return fn(p, req); }});
  };
  add("GET", kBase, list_get);
  add("POST", kBase, create_post);
  add("GET", kBase + "/{id}", report_get);
  add("POST", kBase + "/{id}", report_post);
}

void add_report_nav(render::PageRenderer& pages) {
  pages.add_nav({http::Zone::intranet, perm::kReportEdit, kBase, "portal.report.nav"});
}

}  // namespace yiwang::portal
