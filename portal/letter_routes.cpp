#include "portal/letter_routes.hpp"

#include <sstream>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/text_rules.hpp"
#include "identity/admin_pages.hpp"
#include "identity/services.hpp"
#include "portal/page_model.hpp"
#include "render/pager.hpp"

namespace yiwang::portal {

namespace {

constexpr int kPageSize = 20;
constexpr int kCacheSeconds = 3600;  // pages are dropped on change; this bounds the rest

std::string kind_name(const http::Request& req, const LetterRules& rules, const std::string& key) {
  const LetterKind* k = rules.kind(key);
  if (!k) return key;
  return req.lang == "en" && !k->name_en.empty() ? k->name_en : k->name;
}

std::string organ_name(Portal& p, long long id) {
  if (id <= 0) return {};
  auto organ = p.organs().get(id);
  return organ && *organ ? (*organ)->name : std::string();
}

http::Response failed(const render::PageRenderer& pages, const http::Request& req, const Error& e) {
  (void)pages.user_message(req, e);
  return pages.error(req, 500, "http.internal_error");
}

bool is_internal(const Error& e) { return e.key.starts_with("db."); }

// Problems as the form shows them: by field, and a list to jump to each.
void put_errors(const render::PageRenderer& pages, const http::Request& req, nlohmann::json& model,
                const std::vector<Error>& problems) {
  nlohmann::json errors = nlohmann::json::object(), list = nlohmann::json::array();
  for (const auto& e : problems) {
    std::string field = e.field.empty() ? "form" : e.field;
    std::string text = pages.user_message(req, e);
    if (!errors.contains(field)) errors[field] = text;
    list.push_back({{"field", field}, {"message", text}});
  }
  model["errors"] = errors;
  model["error_list"] = list;
  model["has_errors"] = !list.empty();
}

bool signed_in(const http::Request& req) { return req.principal.has_value(); }

// ---- writing ----

LetterInput input_of(const http::Request& req, const http::FormData& f) {
  LetterInput in;
  in.kind = f.value("letter_kind");
  in.title = f.value("letter_title");
  in.body = f.value("letter_body");
  in.writer = f.value("writer_name");
  in.phone = f.value("writer_phone");
  in.email = f.value("writer_email");
  in.organ_id = identity::positive_number(f.value("letter_organ")).value_or(0);
  if (!f.value("letter_organ").empty() && in.organ_id == 0) in.organ_id = -1;
  in.consent = f.value("consent") == "1";
  in.address = req.remote_addr;
  if (signed_in(req)) {
    in.account = req.principal->name;
    in.writer = req.principal->display_name;
  }
  return in;
}

Result<nlohmann::json> write_model(const http::Request& req, Portal& p, const LetterInput& in) {
  const LetterRules& rules = p.letters().rules();
  const LetterKind* kind = rules.kind(in.kind);
  nlohmann::json organs = nlohmann::json::array();
  auto list = p.letter_process().organs();
  if (!list) return std::unexpected(list.error());
  for (const auto& o : *list)
    organs.push_back({{"value", o.id}, {"label", o.name}, {"on", o.id == in.organ_id}});
  nlohmann::json model = {
      {"kinds", letter_kind_options(req, rules, in.kind)},
      {"kind", nullptr},
      {"organs", organs},
      {"signed_in", signed_in(req)},
      {"must_sign_in", kind && !kind->anonymous && !signed_in(req)},
      {"signin_href", "/signin?next=" + std::string("/letters/write%3Fkind%3D") +
                          (kind ? kind->key : std::string())},
      {"v",
       {{"letter_title", in.title},
        {"letter_body", in.body},
        {"writer_name", in.writer},
        {"writer_phone", in.phone},
        {"writer_email", in.email},
        {"consent", in.consent}}},
      {"errors", nlohmann::json::object()},
      {"error_list", nlohmann::json::array()},
      {"has_errors", false},
      {"limited", nullptr}};
  if (kind)
    model["kind"] = {{"name", kind_name(req, rules, kind->key)},
                     {"description", null_if_empty(kind->description)},
                     {"days", kind->answer_days},
                     {"anonymous", kind->anonymous}};
  return model;
}

http::Response write_page(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  LetterInput in;
  in.kind = req.query.value("kind");
  if (!p.letters().rules().kind(in.kind)) in.kind = p.letters().rules().kinds.front().key;
  in.consent = true;
  if (signed_in(req)) in.writer = req.principal->display_name;
  auto model = write_model(req, p, in);
  if (!model) return failed(pages, req, model.error());
  return pages.form_page(req, "portal/letter_write", "portal.letter.write_title", *model);
}

http::Response write_post(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  auto form = req.form();
  if (!form) return pages.error(req, form.error().status, form.error().key);
  LetterInput in = input_of(req, *form);
  std::vector<Error> problems = p.letters().problems(in);
  int status = 400;
  std::optional<Error> limited;
  if (problems.empty()) {
    auto written = p.letter_process().write(in, identity::who(req));
    if (written) {
      const LetterKind* kind = p.letters().rules().kind(in.kind);
      auto l = p.letters().get(written->id);
      if (!l || !*l) return failed(pages, req, Error("portal.letter.not_found"));
      nlohmann::json model = {
          {"code", written->code}, {"kind", kind_name(req, p.letters().rules(), in.kind)},
          {"title", (*l)->title},  {"days", kind ? kind->answer_days : 0},
          {"due", (*l)->due_on},   {"email", null_if_empty((*l)->email)}};
      return pages.page(req, "portal/letter_sent", "portal.letter.sent_title", model);
    }
    if (is_internal(written.error())) return failed(pages, req, written.error());
    if (written.error().key.starts_with("portal.letter.rate_limited")) {
      limited = written.error();
      status = 429;
    } else {
      problems.push_back(written.error());
    }
  }
  auto model = write_model(req, p, in);
  if (!model) return failed(pages, req, model.error());
  put_errors(pages, req, *model, problems);
  if (limited) (*model)["limited"] = pages.user_message(req, *limited);
  return pages.form_page(req, "portal/letter_write", "portal.letter.write_title", *model, status);
}

// ---- following a letter with its code ----

http::Response query_result(const render::PageRenderer& pages, Portal& p, http::Request& req,
                            const std::string& code, const std::vector<Error>& problems,
                            const http::FormData* typed, const char* done) {
  nlohmann::json model = {
      {"code", code},
      {"letter", nullptr},
      {"rating", nullptr},
      {"done", done ? nlohmann::json(pages.text(req, done)) : nlohmann::json()}};
  int status = 200;
  std::vector<Error> shown = problems;
  std::string trimmed = core::trim_text(core::cut_utf8(code, 100));
  if (trimmed.empty()) {
    shown.emplace_back("portal.letter.code_required", "query_code");
    status = 400;
  } else {
    auto l = p.letters().by_code(trimmed);
    if (!l) return failed(pages, req, l.error());
    if (!*l) {
      // The same answer for every unknown code: nothing about other letters.
      shown.emplace_back("portal.letter.code_unknown", "query_code");
      status = 404;
    } else {
      auto today = core::china_today();
      model["letter"] = letter_view(pages, req, p, **l, today, false);
      nlohmann::json rating;
      if ((*l)->state == LetterState::answered) {
        auto end = p.letters().calendar().add_working_days(
            core::parse_iso_date(identity::local_time((*l)->answered_at).substr(0, 10))
                .value_or(today),
            p.letters().rules().rating_days);
        nlohmann::json options = nlohmann::json::array();
        std::string chosen = typed ? typed->value("rating") : std::string();
        for (auto r : kRatings)
          options.push_back({{"value", r},
                             {"label", pages.text(req, "portal.letter.rating." + std::string(r))},
                             {"on", chosen == r}});
        rating = {{"options", options},
                  {"until", core::format_iso_date(end)},
                  {"comment", typed ? typed->value("rating_comment") : std::string()}};
      }
      model["rating"] = rating;
      if (!problems.empty()) status = 400;
    }
  }
  put_errors(pages, req, model, shown);
  return pages.form_page(req, "portal/letter_query", "portal.letter.query_title", model, status);
}

http::Response query_page(const render::PageRenderer& pages, Portal&, http::Request& req) {
  nlohmann::json model = {{"code", ""},
                          {"letter", nullptr},
                          {"rating", nullptr},
                          {"done", nullptr},
                          {"errors", nlohmann::json::object()},
                          {"has_errors", false},
                          {"error_list", nlohmann::json::array()}};
  return pages.form_page(req, "portal/letter_query", "portal.letter.query_title", model);
}

http::Response query_post(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  auto form = req.form();
  if (!form) return pages.error(req, form.error().status, form.error().key);
  return query_result(pages, p, req, form->value("query_code"), {}, nullptr, nullptr);
}

http::Response rate_post(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  auto form = req.form();
  if (!form) return pages.error(req, form.error().status, form.error().key);
  std::string code = form->value("query_code");
  auto rated =
      p.letters().rate(core::trim_text(core::cut_utf8(code, 100)), form->value("rating"),
                       form->value("rating_comment"), identity::who(req), core::china_today());
  if (rated) return query_result(pages, p, req, code, {}, nullptr, "portal.letter.rated_thanks");
  if (is_internal(rated.error())) return failed(pages, req, rated.error());
  return query_result(pages, p, req, code, {rated.error()}, &*form, nullptr);
}

// ---- published letters ----

http::Response cached(http::Response res) {
  res.cache_seconds = kCacheSeconds;
  return res;
}

http::Response list_page(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  const LetterRules& rules = p.letters().rules();
  std::string kind = req.query.value("kind");
  if (!rules.kind(kind)) kind.clear();
  auto page = render::page_request(req, kPageSize);
  auto list = p.letters().published(kind, page.offset(), page.per_page);
  if (!list) return failed(pages, req, list.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& l : list->items)
    items.push_back({{"href", "/letters/" + std::to_string(l.id)},
                     {"title", l.title},
                     {"kind", kind_name(req, rules, l.kind)},
                     {"organ", null_if_empty(l.answer_organ)},
                     {"date", identity::local_time(l.answered_at).substr(0, 10)}});
  nlohmann::json tabs = nlohmann::json::array();
  tabs.push_back({{"label", pages.text(req, "portal.letter.all_kinds")},
                  {"href", "/letters"},
                  {"on", kind.empty()}});
  for (const auto& k : rules.kinds)
    tabs.push_back({{"label", kind_name(req, rules, k.key)},
                    {"href", "/letters?kind=" + k.key},
                    {"on", k.key == kind}});
  const LetterKind* chosen = rules.kind(kind);
  nlohmann::json model = {
      {"tabs", tabs},
      {"items", items},
      {"has_items", !items.empty()},
      {"kind", chosen ? nlohmann::json({{"name", kind_name(req, rules, kind)},
                                        {"description", null_if_empty(chosen->description)},
                                        {"days", chosen->answer_days}})
                      : nlohmann::json()},
      {"write_href", "/letters/write" + (kind.empty() ? std::string() : "?kind=" + kind)},
      {"pager",
       list->total > page.per_page ? render::pager(req, page, list->total) : nlohmann::json()}};
  return cached(pages.page(req, "portal/letters", "portal.letter.list_title", model));
}

http::Response letter_page(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  auto id = identity::id_param(req);
  if (!id) return pages.error(req, 404, "portal.letter.not_found");
  auto l = p.letters().get(*id);
  if (!l) return failed(pages, req, l.error());
  if (!*l || !(*l)->published) return pages.error(req, 404, "portal.letter.not_found");
  nlohmann::json model = {{"letter", letter_view(pages, req, p, **l, core::china_today(), false)},
                          {"title", (*l)->title}};
  return cached(pages.page(req, "portal/letter", "portal.letter.page_title", model));
}

nlohmann::json api_item(const http::Request& req, Portal& p, const Letter& l, bool full) {
  nlohmann::json j = {{"id", l.id},
                      {"kind", l.kind},
                      {"kind_name", kind_name(req, p.letters().rules(), l.kind)},
                      {"title", l.title},
                      {"received_at", l.received_at},
                      {"answered_at", l.answered_at},
                      {"answer_organ", l.answer_organ},
                      {"url", "/letters/" + std::to_string(l.id)}};
  if (full) {
    j["body"] = l.body;
    j["answer"] = l.answer;
    j["rating"] = null_if_empty(l.rating);
  }
  return j;
}

http::Response list_api(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  std::string kind = req.query.value("kind");
  if (!kind.empty() && !p.letters().rules().kind(kind))
    return pages.json_error(req, 400, Error("portal.letter.kind", "kind"));
  auto page = render::page_request(req, kPageSize);
  auto list = p.letters().published(kind, page.offset(), page.per_page);
  if (!list) return failed(pages, req, list.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& l : list->items) items.push_back(api_item(req, p, l, false));
  return cached(http::Response::json(
      nlohmann::json{{"total", list->total}, {"page", page.page}, {"letters", items}}.dump()));
}

http::Response letter_api(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  auto id = identity::id_param(req);
  auto l = id ? p.letters().get(*id) : Result<std::optional<Letter>>();
  if (!l) return failed(pages, req, l.error());
  if (!*l || !(*l)->published) return pages.json_error(req, 404, Error("portal.letter.not_found"));
  return cached(http::Response::json(api_item(req, p, **l, true).dump()));
}

}  // namespace

nlohmann::json letter_kind_options(const http::Request& req, const LetterRules& rules,
                                   const std::string& chosen) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& k : rules.kinds)
    out.push_back(
        {{"value", k.key}, {"label", kind_name(req, rules, k.key)}, {"on", k.key == chosen}});
  return out;
}

nlohmann::json letter_view(const render::PageRenderer& pages, const http::Request& req, Portal& p,
                           const Letter& l, std::chrono::sys_days today, bool writer) {
  std::string state(letter_state_name(l.state));
  bool open = l.state == LetterState::received || l.state == LetterState::assigned;
  int left = p.letters().days_left(l, today);
  nlohmann::json days;
  if (open)
    days = left >= 0 ? pages.catalogue().text(req.lang, "portal.letter.days_left",
                                              {{"n", std::to_string(left)}})
                     : pages.catalogue().text(req.lang, "portal.letter.days_over",
                                              {{"n", std::to_string(-left)}});
  nlohmann::json escalations = nlohmann::json::array();
  for (const auto& e : l.escalations)
    escalations.push_back(
        {{"level", e.level}, {"at", identity::local_time(e.at)}, {"days_over", e.days_over}});
  bool answered = l.state == LetterState::answered || l.state == LetterState::closed;
  nlohmann::json out = {
      {"id", l.id},
      {"kind", kind_name(req, p.letters().rules(), l.kind)},
      {"title", l.title},
      {"lines", lines_of(l.body)},
      {"status", pages.text(req, "portal.letter.status." + state)},
      {"state", pages.text(req, "portal.letter.state." + state)},
      {"received", identity::local_time(l.received_at)},
      {"due", l.due_on},
      {"days", days},
      {"overdue", open && left < 0},
      {"answered", answered},
      {"answer_lines", lines_of(l.answer)},
      {"answer_organ", null_if_empty(l.answer_organ)},
      {"answered_at", l.answered_at.empty() ? nlohmann::json()
                                            : nlohmann::json(identity::local_time(l.answered_at))},
      {"rejected", l.state == LetterState::rejected},
      {"reject_reason", null_if_empty(l.reject_reason)},
      {"rating", l.rating.empty()
                     ? nlohmann::json()
                     : nlohmann::json(pages.text(req, "portal.letter.rating." + l.rating))},
      {"rating_default", l.rating_default},
      {"rating_comment", null_if_empty(l.rating_comment)},
      {"escalations", escalations},
      {"has_escalations", !escalations.empty()},
      {"published", l.published},
      {"organ", null_if_empty(organ_name(p, l.organ_id))},
      {"handler_organ", null_if_empty(organ_name(p, l.handler_organ_id))},
      {"writer", nullptr}};
  if (writer) {
    std::string anonymous = pages.text(req, "portal.letter.anonymous");
    out["writer"] = {{"name", l.writer.empty() ? anonymous : l.writer},
                     {"phone", null_if_empty(l.phone)},
                     {"email", null_if_empty(l.email)},
                     {"account", null_if_empty(l.account)},
                     {"consent", l.consent}};
  }
  return out;
}

void register_letter_routes(http::Router& router, const render::PageRenderer& pages,
                            Portal& portal) {
  auto add = [&](const char* method, std::string pattern, auto fn, bool cacheable,
                 std::string summary = {}) {
    router.add(
        {.method = method,
         .pattern = std::move(pattern),
         .zone = http::Zone::internet,
         .permission = std::string(http::kPublic),
         .handler = [&pages, &portal, fn](http::Request& req) { return fn(pages, portal, req); },
         .cacheable = cacheable,
         .summary = std::move(summary)});
  };
  add("GET", "/letters", list_page, true);
  add("GET", "/letters/write", write_page, false);
  add("POST", "/letters/write", write_post, false);
  add("GET", "/letters/query", query_page, false);
  add("POST", "/letters/query", query_post, false);
  add("POST", "/letters/rate", rate_post, false);
  add("GET", "/letters/{id}", letter_page, true);
  add("GET", "/api/v1/letters", list_api, true,
      "Published letters (领导信箱, 咨询, 投诉) with their answers, newest answer first");
  add("GET", "/api/v1/letters/{id}", letter_api, true, "A published letter and its answer");
}

}  // namespace yiwang::portal
