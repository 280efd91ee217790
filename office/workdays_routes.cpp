#include "office/workdays_routes.hpp"

#include <nlohmann/json.hpp>

#include "core/civil_date.hpp"

namespace yiwang::office {

namespace {

constexpr int kMaxDays = 3650;

// Reads a date field; an Error names the field and the rule.
Result<std::chrono::sys_days> date_field(const http::Request& req, const char* name) {
  const std::string* v = req.query.get(name);
  if (!v || v->empty()) return fail("api.required", name);
  auto d = core::parse_iso_date(*v);
  if (!d) return fail("api.bad_date", name, {{"value", *v}});
  return *d;
}

Result<int> days_field(const http::Request& req, const char* name) {
  const std::string* v = req.query.get(name);
  if (!v || v->empty()) return fail("api.required", name);
  if (v->size() > 5 || v->find_first_not_of("0123456789") != std::string::npos)
    return fail("api.bad_count", name, {{"max", std::to_string(kMaxDays)}});
  int n = std::stoi(*v);
  if (n > kMaxDays) return fail("api.bad_count", name, {{"max", std::to_string(kMaxDays)}});
  return n;
}

std::string years_text(const core::WorkCalendar& calendar) {
  std::string out;
  for (int y : calendar.years()) out += (out.empty() ? "" : ", ") + std::to_string(y);
  return out;
}

}  // namespace

void register_workdays_routes(http::Router& router, const render::PageRenderer& pages,
                              const core::WorkCalendar& calendar) {
  router.add({.method = "GET",
              .pattern = "/api/v1/workdays/add",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kPublic),
              .handler =
                  [&](http::Request& req) {
                    auto date = date_field(req, "date");
                    if (!date) return pages.json_error(req, 400, date.error());
                    auto days = days_field(req, "days");
                    if (!days) return pages.json_error(req, 400, days.error());
                    auto due = calendar.add_working_days(*date, *days);
                    int y = static_cast<int>(std::chrono::year_month_day(due).year());
                    return http::Response::json(nlohmann::json{
                        {"date", core::format_iso_date(*date)},
                        {"days", *days},
                        {"due", core::format_iso_date(due)},
                        {"calendar_covers",
                         calendar.has_year(y)}}.dump());
                  },
              .summary = "The date N working days after a date"});
  router.add({.method = "GET",
              .pattern = "/api/v1/workdays/between",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kPublic),
              .handler =
                  [&](http::Request& req) {
                    auto from = date_field(req, "from");
                    if (!from) return pages.json_error(req, 400, from.error());
                    auto to = date_field(req, "to");
                    if (!to) return pages.json_error(req, 400, to.error());
                    return http::Response::json(
                        nlohmann::json{{"from", core::format_iso_date(*from)},
                                       {"to", core::format_iso_date(*to)},
                                       {"working_days", calendar.working_days_between(*from, *to)}}
                            .dump());
                  },
              .summary = "Working days after one date up to and including another"});
  router.add({.method = "GET",
              .pattern = "/tools/workdays",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kPublic),
              .handler = [&](http::Request& req) {
                nlohmann::json m = {{"date", req.query.value("date")},
                                    {"days", req.query.value("days")},
                                    {"from", req.query.value("from")},
                                    {"to", req.query.value("to")},
                                    {"years", years_text(calendar)}};
                int status = 200;
                std::vector<std::string> errors;
                if (req.query.get("date") || req.query.get("days")) {
                  auto date = date_field(req, "date");
                  auto days = days_field(req, "days");
                  if (!date)
                    errors.push_back(pages.catalogue().message(req.lang, date.error()));
                  else if (!days)
                    errors.push_back(pages.catalogue().message(req.lang, days.error()));
                  else {
                    auto due = calendar.add_working_days(*date, *days);
                    m["due_iso"] = core::format_iso_date(due);
                    m["due"] = req.lang == "en" ? core::format_iso_date(due)
                                                : core::format_chinese_date(due);
                  }
                }
                if (req.query.get("from") || req.query.get("to")) {
                  auto from = date_field(req, "from");
                  auto to = date_field(req, "to");
                  if (!from)
                    errors.push_back(pages.catalogue().message(req.lang, from.error()));
                  else if (!to)
                    errors.push_back(pages.catalogue().message(req.lang, to.error()));
                  else {
                    m["count"] = calendar.working_days_between(*from, *to);
                    m["count_known"] = true;
                  }
                }
                if (!errors.empty()) {
                  status = 400;
                  std::string joined;
                  for (const auto& e : errors) joined += (joined.empty() ? "" : "；") + e;
                  m["error"] = joined;
                }
                return pages.page(req, "office/workdays", "office.workdays.title", m, status);
              }});
}

}  // namespace yiwang::office
