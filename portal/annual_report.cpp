#include "portal/annual_report.hpp"

#include <algorithm>
#include <regex>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/text_rules.hpp"
#include "db/paged.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"

namespace yiwang::portal {

namespace {

constexpr long long kMaxCount = 10000000;
constexpr std::size_t kMaxSection = 20000;

std::string utc_now() {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                     std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

long long count_of(const nlohmann::json& v) {
  return v.is_number_integer() ? v.get<long long>() : 0;
}

std::string year_text(int year, const char* md) { return fmt::format("{:04d}-{}", year, md); }

}  // namespace

const std::vector<std::string_view>& request_rows() {
  static const std::vector<std::string_view> rows{
      "new",
      "carried_in",
      "disclosed",
      "partial",
      "nd_state_secret",
      "nd_law_forbids",
      "nd_security_stability",
      "nd_third_party",
      "nd_internal",
      "nd_deliberative",
      "nd_enforcement_file",
      "nd_inquiry",
      "ne_not_held",
      "ne_must_be_made",
      "ne_unclear",
      "np_complaint",
      "np_repeat",
      "np_publication",
      "np_mass",
      "np_confirm",
      "other_no_correction",
      "other_no_fee",
      "other_other",
      "carried_out",
  };
  return rows;
}

const std::vector<std::string_view>& result_rows() {
  static const std::vector<std::string_view> rows = [] {
    const auto& all = request_rows();
    return std::vector<std::string_view>(all.begin() + 2, all.end() - 1);
  }();
  return rows;
}

const std::vector<std::string_view>& request_columns() {
  static const std::vector<std::string_view> columns = [] {
    std::vector<std::string_view> out;
    for (auto t : kApplicantTypes) out.push_back(applicant_type_name(t));
    return out;
  }();
  return columns;
}

const std::vector<std::pair<std::string_view, std::vector<std::string_view>>>& active_rows() {
  static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> rows{
      {"regulations", {"made", "repealed", "in_force"}},
      {"normative", {"made", "repealed", "in_force"}},
      {"licensing", {"decisions"}},
      {"punishment", {"decisions"}},
      {"enforcement", {"decisions"}},
      {"fees", {"amount"}},
  };
  return rows;
}

const std::vector<std::string_view>& appeal_rows() {
  static const std::vector<std::string_view> rows{"review", "suit_direct", "suit_after_review"};
  return rows;
}

const std::vector<std::string_view>& appeal_cells() {
  static const std::vector<std::string_view> cells{"upheld", "corrected", "other", "pending"};
  return cells;
}

const std::vector<std::string_view>& report_sections() {
  static const std::vector<std::string_view> sections{"overview", "problems", "other"};
  return sections;
}

std::string result_row(ReplyType type, const std::string& reason) {
  switch (type) {
    case ReplyType::already_public:
      return "disclosed";
    case ReplyType::disclosed:
      return reason == "part" ? "partial" : "disclosed";
    case ReplyType::not_disclosed:
      return "nd_" + (reason.empty() ? "third_party" : reason);
    case ReplyType::not_exist:
      return "ne_" + (reason.empty() ? "not_held" : reason);
    case ReplyType::not_this_organ:
      return "ne_not_held";
    case ReplyType::repeat:
      return "np_repeat";
    case ReplyType::special_law:
      return "other_other";
    case ReplyType::none:
      break;
  }
  return "other_other";
}

long long request_count(const nlohmann::json& data, std::string_view row, std::string_view column) {
  auto t = data.find("requests");
  if (t == data.end() || !t->is_object()) return 0;
  auto r = t->find(std::string(row));
  if (r == t->end() || !r->is_object()) return 0;
  auto c = r->find(std::string(column));
  return c == r->end() ? 0 : count_of(*c);
}

long long request_total(const nlohmann::json& data, std::string_view row, std::string_view column) {
  long long sum = 0;
  auto add_row = [&](std::string_view r) {
    if (!column.empty()) {
      sum += request_count(data, r, column);
      return;
    }
    for (auto c : request_columns()) sum += request_count(data, r, c);
  };
  if (row == "results_total")
    for (auto r : result_rows()) add_row(r);
  else
    add_row(row);
  return sum;
}

std::vector<CheckFailure> check_report(const nlohmann::json& data) {
  std::vector<CheckFailure> out;
  std::vector<std::string_view> columns = request_columns();
  columns.push_back("");  // the 总计 column
  for (auto c : columns) {
    long long in = request_total(data, "new", c) + request_total(data, "carried_in", c);
    long long out_n =
        request_total(data, "results_total", c) + request_total(data, "carried_out", c);
    if (in != out_n) out.push_back({c.empty() ? "total" : std::string(c), in, out_n});
  }
  return out;
}

AnnualReports::AnnualReports(db::Database& db, identity::OrganStore& organs, ArticleStore& articles,
                             const ColumnStore& columns, DisclosureStore& requests)
    : db_(db), organs_(organs), articles_(articles), columns_(columns), requests_(requests) {}

std::vector<db::Migration> AnnualReports::migrations() {
  return {{"disclosure", 2, "annual reports on government information disclosure", R"SQL(
CREATE TABLE portal_annual_reports (
  id ${id},
  organ_id BIGINT NOT NULL,
  year INTEGER NOT NULL,
  state TEXT NOT NULL,
  data TEXT NOT NULL,
  article_id BIGINT NOT NULL,
  generated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL,
  UNIQUE (organ_id, year)
);
)SQL"}};
}

Result<nlohmann::json> AnnualReports::requests_table(long long organ_id, int year) {
  auto tallies = requests_.tallies(organ_id, year);
  if (!tallies) return std::unexpected(tallies.error());
  nlohmann::json t = nlohmann::json::object();
  for (auto r : request_rows()) {
    nlohmann::json row = nlohmann::json::object();
    for (auto c : request_columns()) row[std::string(c)] = 0;
    t[std::string(r)] = row;
  }
  const std::string first = year_text(year, "01-01"), last = year_text(year, "12-31");
  for (const auto& x : *tallies) {
    std::string column(applicant_type_name(x.applicant_type));
    auto bump = [&](const std::string& row) {
      t[row][column] = t[row][column].get<long long>() + 1;
    };
    bool answered_before = !x.answered_on.empty() && x.answered_on < first;
    if (x.received_on >= first)
      bump("new");
    else if (!answered_before)
      bump("carried_in");
    if (!x.answered_on.empty() && x.answered_on >= first && x.answered_on <= last)
      bump(result_row(x.reply_type, x.reply_reason));
    else if (!answered_before && (x.answered_on.empty() || x.answered_on > last))
      bump("carried_out");
  }
  return t;
}

Result<nlohmann::json> AnnualReports::active_table(long long organ_id, int year) {
  const std::string first = year_text(year, "01-01"), last = year_text(year, "12-31");
  long long made = 0, repealed = 0, in_force = 0;
  for (const auto& column : columns_.all()) {
    if (column.kind != ColumnKind::policy) continue;
    for (int offset = 0;; offset += 200) {
      ArticleFilter f;
      f.column_id = column.id;
      f.organs = std::vector<long long>{organ_id};
      f.offset = offset;
      f.limit = 200;
      auto page = articles_.list(f);
      if (!page) return std::unexpected(page.error());
      for (const auto& a : page->items) {
        auto published = core::china_day_of(a.published_at);
        if (!published) continue;  // never on the site
        std::string on = core::format_iso_date(*published);
        auto withdrawn = core::china_day_of(a.withdrawn_at);
        std::string off = withdrawn ? core::format_iso_date(*withdrawn) : "";
        if (on >= first && on <= last) ++made;
        if (!off.empty() && off >= first && off <= last) ++repealed;
        if (on <= last && (off.empty() || off > last)) ++in_force;
      }
      if (static_cast<long long>(offset) + 200 >= page->total) break;
    }
  }
  long long licensing = 0;
  if (decisions_) {
    auto n = decisions_(organ_id, year);
    if (!n) return std::unexpected(n.error());
    licensing = *n;
  }
  return nlohmann::json{
      {"regulations", {{"made", 0}, {"repealed", 0}, {"in_force", 0}}},
      {"normative", {{"made", made}, {"repealed", repealed}, {"in_force", in_force}}},
      {"licensing", {{"decisions", licensing}}},
      {"punishment", {{"decisions", 0}}},
      {"enforcement", {{"decisions", 0}}},
      {"fees", {{"amount", "0"}}}};
}

Result<nlohmann::json> AnnualReports::generate(long long organ_id, int year) {
  auto requests = requests_table(organ_id, year);
  if (!requests) return std::unexpected(requests.error());
  auto active = active_table(organ_id, year);
  if (!active) return std::unexpected(active.error());
  nlohmann::json appeals = nlohmann::json::object();
  for (auto r : appeal_rows()) {
    nlohmann::json row = nlohmann::json::object();
    for (auto c : appeal_cells()) row[std::string(c)] = 0;
    appeals[std::string(r)] = row;
  }
  nlohmann::json texts = nlohmann::json::object();
  for (auto s : report_sections()) texts[std::string(s)] = "";
  return nlohmann::json{
      {"active", *active}, {"requests", *requests}, {"appeals", appeals}, {"texts", texts}};
}

std::vector<Error> AnnualReports::problems(const nlohmann::json& data) {
  std::vector<Error> out;
  auto count = [&](const nlohmann::json& table, std::string_view row, std::string_view cell,
                   const std::string& field) {
    auto r = table.find(std::string(row));
    const nlohmann::json* v = nullptr;
    if (r != table.end() && r->is_object())
      if (auto c = r->find(std::string(cell)); c != r->end()) v = &*c;
    if (!v || !v->is_number_integer() || v->get<long long>() < 0 || v->get<long long>() > kMaxCount)
      out.emplace_back("portal.report.count", field,
                       std::map<std::string, std::string>{{"max", std::to_string(kMaxCount)}});
  };
  static const nlohmann::json empty = nlohmann::json::object();
  auto table = [&](const char* name) -> const nlohmann::json& {
    auto t = data.find(name);
    return t != data.end() && t->is_object() ? *t : empty;
  };
  for (const auto& [row, cells] : active_rows())
    for (auto cell : cells) {
      std::string field = fmt::format("active.{}.{}", row, cell);
      if (cell == "amount") {
        auto r = table("active").find(std::string(row));
        std::string v = r != table("active").end() && r->is_object() && r->contains("amount") &&
                                (*r)["amount"].is_string()
                            ? (*r)["amount"].get<std::string>()
                            : "";
        static const std::regex money(R"(\d{1,9}(\.\d{1,4})?)");
        if (!std::regex_match(v, money)) out.emplace_back("portal.report.amount", field);
      } else {
        count(table("active"), row, cell, field);
      }
    }
  for (auto row : request_rows())
    for (auto column : request_columns())
      count(table("requests"), row, column, fmt::format("requests.{}.{}", row, column));
  for (auto row : appeal_rows())
    for (auto cell : appeal_cells())
      count(table("appeals"), row, cell, fmt::format("appeals.{}.{}", row, cell));
  for (auto section : report_sections()) {
    auto t = table("texts").find(std::string(section));
    std::string v = t != table("texts").end() && t->is_string() ? t->get<std::string>() : "";
    if (auto r = core::check_text(v, "texts." + std::string(section), kMaxSection, false); !r)
      out.push_back(r.error());
  }
  return out;
}

namespace {

AnnualReport report_from(const soci::row& r) {
  AnnualReport a;
  a.id = db::row_int64(r, 0);
  a.organ_id = db::row_int64(r, 1);
  a.year = static_cast<int>(db::row_int64(r, 2));
  a.state = r.get<std::string>(3);
  a.data = nlohmann::json::parse(r.get<std::string>(4), nullptr, false);
  if (!a.data.is_object()) a.data = nlohmann::json::object();
  a.article_id = db::row_int64(r, 5);
  a.generated_at = r.get<std::string>(6);
  a.updated_by = r.get<std::string>(7);
  a.updated_at = r.get<std::string>(8);
  a.version = db::row_int64(r, 9);
  return a;
}

const std::string kReportColumns =
    "SELECT id, organ_id, year, state, data, article_id, generated_at, updated_by, updated_at, "
    "version FROM portal_annual_reports ";

std::optional<AnnualReport> load_report(soci::session& s, long long id) {
  std::optional<AnnualReport> out;
  db::query(
      s, kReportColumns + "WHERE id = :i", [&](const soci::row& r) { out = report_from(r); }, id);
  return out;
}

void audit_report(soci::session& s, const Editor& by, const std::string& event,
                  const AnnualReport& r, const std::string& detail) {
  audit::AuditEvent e = by.audit;
  e.account = by.account;
  e.event = event;
  e.object = fmt::format("annual_report:{}", r.id);
  e.detail = fmt::format("organ {} year {}{}", r.organ_id, r.year, detail);
  audit::AuditLog::record(s, e);
}

}  // namespace

Result<AnnualReport> AnnualReports::create(long long organ_id, int year, const Editor& by) {
  int this_year = core::year_of(core::china_today());
  if (year < 2008 || year > this_year) return fail("portal.report.year_invalid", "year");
  auto organ = organs_.get(organ_id);
  if (!organ) return std::unexpected(organ.error());
  if (!*organ || (*organ)->retired) return fail("portal.report.organ_invalid", "organ");
  auto data = generate(organ_id, year);
  if (!data) return std::unexpected(data.error());
  return db::guarded([&]() -> Result<AnnualReport> {
    return db_.transaction([&](soci::session& s) -> Result<AnnualReport> {
      long long existing = 0;
      db::query(
          s, "SELECT id FROM portal_annual_reports WHERE organ_id = :o AND year = :y",
          [&](const soci::row& r) { existing = db::row_int64(r, 0); }, organ_id, year);
      if (existing) return fail("portal.report.exists", "year", {{"id", std::to_string(existing)}});
      std::string at = utc_now(), state = "draft", text = data->dump();
      long long id = db::insert_returning_id(
          s,
          "INSERT INTO portal_annual_reports (organ_id, year, state, data, article_id, "
          "generated_at, updated_by, updated_at, version) VALUES (:o, :y, :s, :d, 0, :g, :b, :u, "
          "1) RETURNING id",
          organ_id, year, state, text, at, by.account, at);
      AnnualReport r = *load_report(s, id);
      audit_report(s, by, "portal.report.created", r, "");
      r.organ_name = (*organ)->name;
      return r;
    });
  });
}

Result<AnnualReport> AnnualReports::save(long long id, const nlohmann::json& data,
                                         long long expected_version, const Editor& by) {
  if (auto p = problems(data); !p.empty()) return std::unexpected(p.front());
  return db::guarded([&]() -> Result<AnnualReport> {
    return db_.transaction([&](soci::session& s) -> Result<AnnualReport> {
      auto r = load_report(s, id);
      if (!r) return fail("portal.report.not_found", "report");
      if (r->state != "draft") return fail("portal.report.submitted", "report");
      std::string text = data.dump(), at = utc_now();
      if (db::execute(s,
                      "UPDATE portal_annual_reports SET data = :d, updated_by = :b, updated_at = "
                      ":u, version = version + 1 WHERE id = :i AND version = :v",
                      text, by.account, at, id, expected_version) == 0)
        return fail("portal.report.changed", "report");
      auto saved = *load_report(s, id);
      audit_report(s, by, "portal.report.saved", saved, "");
      return saved;
    });
  });
}

Result<AnnualReport> AnnualReports::regenerate(long long id, long long expected_version,
                                               const Editor& by) {
  auto current = get(id);
  if (!current) return std::unexpected(current.error());
  if (!*current) return fail("portal.report.not_found", "report");
  auto data = generate((*current)->organ_id, (*current)->year);
  if (!data) return std::unexpected(data.error());
  if (auto texts = (*current)->data.find("texts"); texts != (*current)->data.end())
    (*data)["texts"] = *texts;
  return db::guarded([&]() -> Result<AnnualReport> {
    return db_.transaction([&](soci::session& s) -> Result<AnnualReport> {
      auto r = load_report(s, id);
      if (!r) return fail("portal.report.not_found", "report");
      if (r->state != "draft") return fail("portal.report.submitted", "report");
      std::string text = data->dump(), at = utc_now();
      if (db::execute(s,
                      "UPDATE portal_annual_reports SET data = :d, generated_at = :g, updated_by = "
                      ":b, updated_at = :u, version = version + 1 WHERE id = :i AND version = :v",
                      text, at, by.account, at, id, expected_version) == 0)
        return fail("portal.report.changed", "report");
      auto saved = *load_report(s, id);
      audit_report(s, by, "portal.report.regenerated", saved, "");
      return saved;
    });
  });
}

Result<AnnualReport> AnnualReports::submitted(long long id, long long article_id,
                                              long long expected_version, const Editor& by) {
  return db::guarded([&]() -> Result<AnnualReport> {
    return db_.transaction([&](soci::session& s) -> Result<AnnualReport> {
      std::string state = "submitted", at = utc_now();
      if (db::execute(s,
                      "UPDATE portal_annual_reports SET state = :s, article_id = :a, updated_by = "
                      ":b, updated_at = :u, version = version + 1 WHERE id = :i AND version = :v "
                      "AND state = 'draft'",
                      state, article_id, by.account, at, id, expected_version) == 0)
        return fail("portal.report.changed", "report");
      auto saved = *load_report(s, id);
      audit_report(s, by, "portal.report.submitted", saved, fmt::format(" article {}", article_id));
      return saved;
    });
  });
}

Result<std::optional<AnnualReport>> AnnualReports::get(long long id) {
  return db::guarded([&]() -> Result<std::optional<AnnualReport>> {
    std::optional<AnnualReport> r;
    {
      auto s = db_.acquire();
      r = load_report(*s, id);
    }
    if (r)
      if (auto organ = organs_.get(r->organ_id); organ && *organ) r->organ_name = (*organ)->name;
    return r;
  });
}

Result<std::vector<AnnualReport>> AnnualReports::list(
    const std::optional<std::vector<long long>>& organs) {
  return db::guarded([&]() -> Result<std::vector<AnnualReport>> {
    std::vector<AnnualReport> out;
    std::string where;
    if (organs) {
      if (organs->empty()) return out;
      where = "WHERE organ_id IN (" + db::id_list(*organs) + ") ";
    }
    {
      auto s = db_.acquire();
      db::query(*s, kReportColumns + where + "ORDER BY year DESC, organ_id LIMIT 500",
                [&](const soci::row& r) { out.push_back(report_from(r)); });
    }
    for (auto& r : out)
      if (auto organ = organs_.get(r.organ_id); organ && *organ) r.organ_name = (*organ)->name;
    return out;
  });
}

std::string AnnualReports::html(const AnnualReport& report, const render::Catalogue& catalogue) {
  constexpr std::string_view lang = render::Catalogue::kDefaultLanguage;
  auto t = [&](const std::string& key) { return core::xml_escape(catalogue.text(lang, key)); };
  const nlohmann::json& d = report.data;
  auto number = [](const nlohmann::json& table, std::string_view row, std::string_view cell) {
    auto r = table.find(std::string(row));
    if (r == table.end() || !r->is_object()) return std::string("0");
    auto c = r->find(std::string(cell));
    if (c == r->end()) return std::string("0");
    return c->is_string() ? core::xml_escape(c->get<std::string>()) : std::to_string(count_of(*c));
  };
  static const nlohmann::json empty = nlohmann::json::object();
  auto table = [&](const char* name) -> const nlohmann::json& {
    auto it = d.find(name);
    return it != d.end() && it->is_object() ? *it : empty;
  };
  auto paragraphs = [&](std::string_view section) {
    std::string out;
    auto texts = table("texts");
    auto it = texts.find(std::string(section));
    std::string text = it != texts.end() && it->is_string() ? it->get<std::string>() : "";
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      std::string line = core::trim_text(std::string_view(text).substr(start, end - start));
      if (!line.empty()) out += "<p>" + core::xml_escape(line) + "</p>";
      start = end + 1;
    }
    return out.empty() ? "<p>" + t("portal.report.none") + "</p>" : out;
  };
  auto heading = [&](std::string_view section) {
    return "<h2>" + t("portal.report.part." + std::string(section)) + "</h2>";
  };
  std::string h;
  h += heading("overview") + paragraphs("overview");
  h += heading("active");
  const auto& active = table("active");
  h += "<table><thead><tr><th>" + t("portal.report.content") + "</th><th>" +
       t("portal.report.cell.made") + "</th><th>" + t("portal.report.cell.repealed") + "</th><th>" +
       t("portal.report.cell.in_force") + "</th></tr></thead><tbody>";
  for (const char* row : {"regulations", "normative"})
    h += "<tr><th>" + t(std::string("portal.report.active.") + row) + "</th><td>" +
         number(active, row, "made") + "</td><td>" + number(active, row, "repealed") + "</td><td>" +
         number(active, row, "in_force") + "</td></tr>";
  h += "</tbody></table><table><thead><tr><th>" + t("portal.report.content") + "</th><th>" +
       t("portal.report.cell.decisions") + "</th></tr></thead><tbody>";
  for (const char* row : {"licensing", "punishment", "enforcement"})
    h += "<tr><th>" + t(std::string("portal.report.active.") + row) + "</th><td>" +
         number(active, row, "decisions") + "</td></tr>";
  h += "</tbody></table><table><thead><tr><th>" + t("portal.report.content") + "</th><th>" +
       t("portal.report.cell.amount") + "</th></tr></thead><tbody><tr><th>" +
       t("portal.report.active.fees") + "</th><td>" + number(active, "fees", "amount") +
       "</td></tr></tbody></table>";

  h += heading("requests") + "<table><thead><tr><th>" + t("portal.report.applicant") + "</th>";
  for (auto c : request_columns())
    h += "<th>" + t("portal.disclosure.applicant." + std::string(c)) + "</th>";
  h += "<th>" + t("portal.report.total") + "</th></tr></thead><tbody>";
  auto request_row = [&](std::string_view row) {
    h += "<tr><th>" + t("portal.report.row." + std::string(row)) + "</th>";
    for (auto c : request_columns())
      h += "<td>" +
           std::to_string(row == "results_total" ? request_total(d, row, c)
                                                 : request_count(d, row, c)) +
           "</td>";
    h += "<td>" + std::to_string(request_total(d, row)) + "</td></tr>";
  };
  for (auto row : request_rows()) {
    if (row == "carried_out") request_row("results_total");
    request_row(row);
  }
  h += "</tbody></table>";

  h += heading("appeals") + "<table><thead><tr><th>" + t("portal.report.appeal") + "</th>";
  for (auto c : appeal_cells()) h += "<th>" + t("portal.report.cell." + std::string(c)) + "</th>";
  h += "<th>" + t("portal.report.total") + "</th></tr></thead><tbody>";
  const auto& appeals = table("appeals");
  for (auto row : appeal_rows()) {
    h += "<tr><th>" + t("portal.report.appeal." + std::string(row)) + "</th>";
    long long total = 0;
    for (auto c : appeal_cells()) {
      h += "<td>" + number(appeals, row, c) + "</td>";
      auto r = appeals.find(std::string(row));
      if (r != appeals.end() && r->is_object() && r->contains(std::string(c)))
        total += count_of((*r)[std::string(c)]);
    }
    h += "<td>" + std::to_string(total) + "</td></tr>";
  }
  h += "</tbody></table>";
  h += heading("problems") + paragraphs("problems");
  h += heading("other") + paragraphs("other");
  return h;
}

}  // namespace yiwang::portal
