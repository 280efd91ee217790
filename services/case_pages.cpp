// The applicant's pages: the application form, my cases, a case, its
// corrections, its files, and the message centre.
#include <algorithm>

#include <fmt/format.h>

#include "core/civil_date.hpp"
#include "forms/form_view.hpp"
#include "http/download.hpp"
#include "http/percent_encoding.hpp"
#include "render/pager.hpp"
#include "services/catalogue_routes.hpp"
#include "services/clock_view.hpp"
#include "services/guide_routes.hpp"
#include "services/permissions.hpp"
#include "services/service_pages.hpp"

namespace yiwang::services {

namespace {

constexpr int kPageSize = 20;

std::string case_href(const std::string& number) { return "/services/cases/" + number; }

// The refs of every file in a form's values.
void collect_refs(const nlohmann::json& v, std::vector<std::string>& out) {
  if (v.is_object()) {
    if (v.contains("ref") && v["ref"].is_string() && v.contains("name"))
      out.push_back(v["ref"].get<std::string>());
    for (const auto& [k, x] : v.items()) collect_refs(x, out);
  } else if (v.is_array()) {
    for (const auto& x : v) collect_refs(x, out);
  }
}

// The name a file was uploaded under.
std::string file_name(const nlohmann::json& v, const std::string& ref) {
  if (v.is_object()) {
    if (v.contains("ref") && v["ref"] == ref && v.contains("name") && v["name"].is_string())
      return v["name"].get<std::string>();
    for (const auto& [k, x] : v.items())
      if (auto n = file_name(x, ref); !n.empty()) return n;
  } else if (v.is_array()) {
    for (const auto& x : v)
      if (auto n = file_name(x, ref); !n.empty()) return n;
  }
  return "";
}

// The applicant's own case, or nothing (someone else's reads as missing).
Result<std::optional<CaseRecord>> own_case(ServicePages& p, const http::Request& req) {
  auto c = p.online.cases().find(req.param("number"));
  if (!c) return std::unexpected(c.error());
  if (!*c || (*c)->applicant != req.principal->name) return std::optional<CaseRecord>();
  return c;
}

http::Response case_not_found(ServicePages& p, const http::Request& req) {
  return p.identity.pages.error(req, 404, "services.case.not_found",
                                {{"number", req.param("number")}});
}

// The apply page: the item's guide essentials and its form.
http::Response apply_page(ServicePages& p, const http::Request& req, const CatalogueEntry& entry,
                          const nlohmann::json& values, const std::vector<Error>& errors,
                          long long draft_id, const Applicant& a, int status) {
  const auto& pages = p.identity.pages;
  const ServiceItem& it = *entry.published;
  forms::ViewOptions options;
  options.lang = req.lang;
  options.prefill = p.online.applications().prefill(a);
  nlohmann::json form = forms::edit_model(it.form, values, errors, pages.catalogue(), options);
  form["error_title"] = pages.text(req, "services.pages.apply.errors");
  nlohmann::json materials = nlohmann::json::array();
  for (const auto& m : it.materials)
    materials.push_back(
        {{"name", m.name},
         {"form", pages.text(req, "services.material." + std::string(material_form_name(m.form)))},
         {"count", m.count},
         {"required", m.required}});
  nlohmann::json model = {
      {"item",
       {{"code", entry.code},
        {"name", it.name},
        {"promised_days", it.promised_days},
        {"statutory_days", it.statutory_days},
        {"fees", it.fees}}},
      {"materials", materials},
      {"has_materials", !materials.empty()},
      {"form", form},
      {"draft_id", draft_id},
      {"action", "/services/items/" + http::percent_encode(entry.code) + "/apply"},
      {"saved", req.query.value("done") == "saved"}};
  return pages.form_page(req, "services/apply", "services.pages.apply.title", model, status);
}

http::Response apply_get(ServicePages& p, http::Request& req) {
  auto a = applicant_of(p, req);
  if (!a) return applicants_only(p, req);
  auto entry = p.online.applications().item(req.param("code"));
  if (!entry) {
    if (entry.error().key == "services.apply.not_found")
      return p.identity.pages.error(req, 404, "services.apply.not_found",
                                    {{"code", req.param("code")}});
    return internal_error(p, req);
  }
  nlohmann::json values = nlohmann::json::object();
  long long draft_id = 0;
  if (auto id = req.query.get("draft")) {
    draft_id = std::atoll(id->c_str());
    auto d = p.online.cases().draft(draft_id, a->account);
    if (!d) return internal_error(p, req);
    if (!*d || (*d)->item_code != entry->code)
      return p.identity.pages.error(req, 404, "services.draft.not_found");
    values = (*d)->values;
  }
  return apply_page(p, req, *entry, values, {}, draft_id, *a, 200);
}

http::Response apply_post(ServicePages& p, http::Request& req) {
  auto a = applicant_of(p, req);
  if (!a) return applicants_only(p, req);
  auto form = req.form();
  if (!form) return p.identity.pages.error(req, form.error().status, form.error().key);
  std::string code = req.param("code");
  long long draft_id = std::max(0LL, std::atoll(form->value("draft").c_str()));
  auto entry = p.online.applications().item(code);
  if (!entry) {
    if (entry.error().key == "services.apply.not_found")
      return p.identity.pages.error(req, 404, "services.apply.not_found", {{"code", code}});
    return internal_error(p, req);
  }
  auto& apps = p.online.applications();
  if (form->value("_action") == "save") {
    auto saved = apps.save(code, *form, draft_id, *a);
    if (!saved) {
      if (saved.error().key == "services.draft.not_found")
        return p.identity.pages.error(req, 404, "services.draft.not_found");
      return internal_error(p, req);
    }
    return http::Response::redirect("/services/items/" + http::percent_encode(code) +
                                        "/apply?draft=" + std::to_string(saved->draft->id) +
                                        "&done=saved",
                                    303);
  }
  auto out = apps.submit(code, *form, draft_id, *a);
  if (!out) {
    if (out.error().key == "services.draft.not_found")
      return p.identity.pages.error(req, 404, "services.draft.not_found");
    if (is_internal(out.error())) return internal_error(p, req);
    // The process could not start (a configuration fault): said on the form.
    return apply_page(p, req, *entry, nlohmann::json::object(), {out.error()}, draft_id, *a, 409);
  }
  if (out->record) {
    if (p.identity.mail_written) p.identity.mail_written();
    return http::Response::redirect(case_href(out->record->number) + "?done=submitted", 303);
  }
  // Files that came with a refused form are kept for the next try, as the page
  // says: in a draft (the applicant finds it under my drafts too).
  if (!form->files().empty()) {
    auto saved = apps.save(code, *form, draft_id, *a);
    if (!saved) return internal_error(p, req);
    if (saved->draft) draft_id = saved->draft->id;
  }
  return apply_page(p, req, *entry, out->submission.values, out->submission.errors, draft_id, *a,
                    out->submission.adjusted ? 200 : 400);
}

// Sections of the templates show for any string, even an empty one: what may
// be empty is given as null instead.
nlohmann::json optional_text(const std::string& text) {
  return text.empty() ? nlohmann::json() : nlohmann::json(text);
}

}  // namespace

// ---- shared with the other page files ----

std::optional<ServiceItem> item_of_case(ServicePages& p, const CaseRecord& c) {
  auto version = p.online.items().version_item(c.item_id, c.item_version);
  return version ? *version : std::nullopt;
}

std::optional<Applicant> applicant_of(ServicePages& p, const http::Request& req) {
  if (!req.principal) return std::nullopt;
  const auto& kind = req.principal->kind;
  if (kind != "citizen" && kind != "enterprise") return std::nullopt;
  auto account = p.identity.accounts.get(req.principal->account_id);
  if (!account || !*account) return std::nullopt;
  Applicant a;
  a.account = (*account)->name;
  a.name = (*account)->display_name;
  a.enterprise = kind == "enterprise";
  a.citizen_number = (*account)->citizen_number;
  a.credit_code = (*account)->credit_code;
  a.email = (*account)->email;
  a.phone = (*account)->phone;
  a.audit = identity::who(req);
  return a;
}

http::Response applicants_only(ServicePages& p, const http::Request& req) {
  return p.identity.pages.error(req, 403, "services.pages.applicants_only");
}

http::Response internal_error(ServicePages& p, const http::Request& req) {
  return p.identity.pages.error(req, 500, "http.internal_error");
}

bool is_internal(const Error& e) { return e.key.starts_with("db."); }

std::string case_state_text(const render::PageRenderer& pages, const http::Request& req,
                            CaseState s) {
  return pages.text(req, "services.case.state." + std::string(case_state_name(s)));
}

nlohmann::json case_summary(ServicePages& p, const http::Request& req, const CaseRecord& c) {
  const auto& pages = p.identity.pages;
  CaseClocks clocks = p.online.cases().clocks(c);
  nlohmann::json model = {
      {"number", c.number},
      {"item_name", c.item_name},
      {"item_code", c.item_code},
      {"subject", c.subject},
      {"applicant_name", c.applicant_name},
      {"state", case_state_text(pages, req, c.state)},
      {"state_name", std::string(case_state_name(c.state))},
      {"submitted_at", identity::local_time(c.submitted_at)},
      {"accepted_at", c.accepted_at.empty() ? "" : identity::local_time(c.accepted_at)},
      {"completed_at", c.completed_at.empty()
                           ? nlohmann::json()
                           : nlohmann::json(identity::local_time(c.completed_at))},
      {"accepted", clocks.accepted},
      {"decided", c.decision != Decision::none},
      {"approved", c.decision == Decision::approved},
      {"decision_note", optional_text(c.decision_note)},
      {"missing", c.missing},
      {"needs_correction", c.state == CaseState::correction},
      {"stopped", clocks.stopped}};
  nlohmann::json list = nlohmann::json::array();
  if (!clocks.accepted) {
    list.push_back(clock_model(req, pages, clocks.acceptance, "services.pages.clock.acceptance"));
  } else {
    list.push_back(clock_model(req, pages, clocks.promised, "services.pages.clock.promised"));
    list.push_back(clock_model(req, pages, clocks.statutory, "services.pages.clock.statutory"));
  }
  if (!clocks.stopped) model["clocks"] = list;
  model["has_clocks"] = !clocks.stopped;
  return model;
}

nlohmann::json values_model(ServicePages& p, const http::Request& req, const CaseRecord& c,
                            const std::string& file_base) {
  auto item = item_of_case(p, c);
  if (!item) return nlohmann::json::object();
  return forms::read_model(item->form, c.values, p.identity.pages.catalogue(), req.lang,
                           [&](const std::string& ref) { return file_base + ref; });
}

http::Response case_file(ServicePages& p, const http::Request& req, const CaseRecord& c) {
  std::string ref = req.param("ref");
  std::vector<std::string> refs;
  collect_refs(c.values, refs);
  if (std::find(refs.begin(), refs.end(), ref) == refs.end())
    return p.identity.pages.error(req, 404, "services.pages.file_not_found");
  auto file = p.online.attachments().get(ref);
  if (!file) return internal_error(p, req);
  if (!*file) return p.identity.pages.error(req, 404, "services.pages.file_not_found");
  return http::download(std::move((*file)->data), (*file)->mime, file_name(c.values, ref), true);
}

namespace {

// The rating form (or the rating given): five criteria ★1–5 and a comment,
// with what was typed and the error when a rating was refused.
nlohmann::json rating_model(ServicePages& p, const http::Request& req, const CaseRecord& c,
                            const http::FormData* typed, const Error* error) {
  const auto& pages = p.identity.pages;
  nlohmann::json model = {
      {"open", c.state == CaseState::completed || c.state == CaseState::delivered},
      {"action", case_href(c.number) + "/rate"}};
  auto given = p.online.ratings().of_case(c.id);
  nlohmann::json criteria = nlohmann::json::array();
  for (std::size_t i = 0; i < kRatingCriteria.size(); ++i) {
    std::string name(kRatingCriteria[i]);
    std::string chosen = typed ? typed->value(name) : "";
    nlohmann::json stars = nlohmann::json::array();
    for (int n = 5; n >= 1; --n)
      stars.push_back({{"value", n},
                       {"id", "rate-" + name + "-" + std::to_string(n)},
                       {"label", pages.text(req, "services.rating.star." + std::to_string(n))},
                       {"checked", chosen == std::to_string(n)}});
    nlohmann::json row = {{"name", name},
                          {"label", pages.text(req, "services.rating.criterion." + name)},
                          {"stars", stars}};
    if (given && *given) row["given"] = (*given)->scores[i];
    if (error && error->field == name) row["error"] = pages.catalogue().message(req.lang, *error);
    criteria.push_back(row);
  }
  model["criteria"] = criteria;
  model["comment"] = typed ? typed->value("comment") : "";
  if (error && (error->field == "comment" || error->field == "case"))
    model["error"] = pages.catalogue().message(req.lang, *error);
  if (given && *given) {
    model["given"] = true;
    model["given_comment"] = optional_text((*given)->comment);
  }
  return model;
}

http::Response case_page(ServicePages& p, http::Request& req, const http::FormData* typed = nullptr,
                         const Error* rating_error = nullptr) {
  auto c = own_case(p, req);
  if (!c) return internal_error(p, req);
  if (!*c) return case_not_found(p, req);
  const auto& pages = p.identity.pages;
  const CaseRecord& rec = **c;
  nlohmann::json model = case_summary(p, req, rec);
  auto events = p.online.cases().events(rec.id);
  auto documents = p.online.cases().documents(rec.id);
  if (!events || !documents) return internal_error(p, req);
  nlohmann::json ev = nlohmann::json::array();
  for (const auto& e : *events) {
    std::string detail = e.detail;
    if (e.key == "services.case.event.delivered")
      detail = pages.text(req, "services.case.delivery." + e.detail);
    ev.push_back({{"at", identity::local_time(e.at)},
                  {"text", pages.catalogue().text(req.lang, e.key, {{"detail", detail}})},
                  {"state", case_state_text(pages, req, e.state)}});
  }
  std::reverse(ev.begin(), ev.end());  // newest first
  nlohmann::json docs = nlohmann::json::array();
  for (const auto& d : *documents)
    docs.push_back({{"name", d.name},
                    {"kind", pages.text(req, "services.document." + d.kind)},
                    {"href", case_href(rec.number) + "/documents/" + std::to_string(d.id)},
                    {"at", identity::local_time(d.created_at)}});
  model["events"] = ev;
  model["documents"] = docs;
  model["has_documents"] = !docs.empty();
  model["form"] = values_model(p, req, rec, case_href(rec.number) + "/files/");
  model["correct_href"] = case_href(rec.number) + "/correct";
  std::string done = req.query.value("done");
  model["submitted"] = done == "submitted";
  model["corrected"] = done == "corrected";
  model["rated"] = done == "rated";
  model["rating"] = rating_model(p, req, rec, typed, rating_error);
  return pages.form_page(req, "services/case", "services.pages.case.title", model,
                         rating_error ? 400 : 200);
}

http::Response rate_post(ServicePages& p, http::Request& req) {
  auto a = applicant_of(p, req);
  if (!a) return applicants_only(p, req);
  auto form = req.form();
  if (!form) return p.identity.pages.error(req, form.error().status, form.error().key);
  auto r = p.online.ratings().rate(req.param("number"), *form, *a);
  if (!r) {
    if (is_internal(r.error())) return internal_error(p, req);
    if (r.error().key == "services.case.not_found") return case_not_found(p, req);
    return case_page(p, req, &*form, &r.error());
  }
  if (p.identity.mail_written) p.identity.mail_written();
  return http::Response::redirect(case_href(r->case_number) + "?done=rated", 303);
}

http::Response correct_page(ServicePages& p, const http::Request& req, const CaseRecord& c,
                            const nlohmann::json& values, const std::vector<Error>& errors,
                            int status) {
  const auto& pages = p.identity.pages;
  auto item = item_of_case(p, c);
  if (!item) return internal_error(p, req);
  auto a = applicant_of(p, req);
  forms::ViewOptions options;
  options.lang = req.lang;
  if (a) options.prefill = p.online.applications().prefill(*a);
  nlohmann::json form = forms::edit_model(item->form, values, errors, pages.catalogue(), options);
  form["error_title"] = pages.text(req, "services.pages.apply.errors");
  nlohmann::json model = case_summary(p, req, c);
  model["form"] = form;
  model["action"] = case_href(c.number) + "/correct";
  return pages.form_page(req, "services/correct", "services.pages.correct.title", model, status);
}

http::Response correct_get(ServicePages& p, http::Request& req) {
  if (!applicant_of(p, req)) return applicants_only(p, req);
  auto c = own_case(p, req);
  if (!c) return internal_error(p, req);
  if (!*c) return case_not_found(p, req);
  if ((*c)->state != CaseState::correction)
    return http::Response::redirect(case_href((*c)->number), 303);
  return correct_page(p, req, **c, (*c)->values, {}, 200);
}

http::Response correct_post(ServicePages& p, http::Request& req) {
  auto a = applicant_of(p, req);
  if (!a) return applicants_only(p, req);
  auto c = own_case(p, req);
  if (!c) return internal_error(p, req);
  if (!*c) return case_not_found(p, req);
  auto form = req.form();
  if (!form) return p.identity.pages.error(req, form.error().status, form.error().key);
  auto out = p.online.applications().correct((*c)->number, *form, *a);
  if (!out) {
    if (is_internal(out.error())) return internal_error(p, req);
    return correct_page(p, req, **c, (*c)->values, {out.error()}, 409);
  }
  if (out->record) {
    if (p.identity.mail_written) p.identity.mail_written();
    return http::Response::redirect(case_href((*c)->number) + "?done=corrected", 303);
  }
  return correct_page(p, req, **c, out->submission.values, out->submission.errors,
                      out->submission.adjusted ? 200 : 400);
}

http::Response cases_page(ServicePages& p, http::Request& req) {
  auto a = applicant_of(p, req);
  if (!a) return applicants_only(p, req);
  const auto& pages = p.identity.pages;
  CaseFilter filter;
  filter.applicant = a->account;
  std::string state = req.query.value("state");
  if (!state.empty()) filter.state = parse_case_state(state);
  filter.query = req.query.value("q").substr(0, 100);
  auto page = render::page_request(req, kPageSize);
  auto list = p.online.cases().list(filter, page.offset(), kPageSize);
  auto drafts = p.online.cases().drafts(a->account);
  if (!list || !drafts) return internal_error(p, req);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& c : list->cases) {
    nlohmann::json row = case_summary(p, req, c);
    row["href"] = case_href(c.number);
    if (row.contains("clocks") && !row["clocks"].empty()) row["clock"] = row["clocks"][0];
    rows.push_back(row);
  }
  nlohmann::json draft_rows = nlohmann::json::array();
  for (const auto& d : *drafts)
    draft_rows.push_back({{"item_code", d.item_code},
                          {"updated_at", identity::local_time(d.updated_at)},
                          {"href", "/services/items/" + http::percent_encode(d.item_code) +
                                       "/apply?draft=" + std::to_string(d.id)}});
  nlohmann::json states = nlohmann::json::array();
  for (CaseState s : {CaseState::submitted, CaseState::correction, CaseState::review,
                      CaseState::special, CaseState::completed, CaseState::delivered,
                      CaseState::not_accepted, CaseState::rated, CaseState::archived})
    states.push_back({{"value", std::string(case_state_name(s))},
                      {"label", case_state_text(pages, req, s)},
                      {"selected", state == case_state_name(s)}});
  nlohmann::json model = {{"cases", rows},
                          {"has_cases", !rows.empty()},
                          {"total", list->total},
                          {"drafts", draft_rows},
                          {"has_drafts", !draft_rows.empty()},
                          {"states", states},
                          {"q", filter.query},
                          {"pager", render::pager(req, page, list->total)}};
  return pages.page(req, "services/cases", "services.pages.cases.title", model);
}

http::Response document_get(ServicePages& p, http::Request& req) {
  auto c = own_case(p, req);
  if (!c) return internal_error(p, req);
  if (!*c) return case_not_found(p, req);
  auto id = identity::id_param(req);
  if (!id) return p.identity.pages.error(req, 404, "services.pages.file_not_found");
  auto doc = p.online.cases().document((*c)->id, *id);
  if (!doc) return internal_error(p, req);
  if (!*doc) return p.identity.pages.error(req, 404, "services.pages.file_not_found");
  auto file = p.online.attachments().get((*doc)->ref);
  if (!file) return internal_error(p, req);
  if (!*file) return p.identity.pages.error(req, 404, "services.pages.file_not_found");
  return http::download(std::move((*file)->data), (*file)->mime, (*doc)->name,
                        req.query.value("download") != "1");
}

http::Response messages_page(ServicePages& p, http::Request& req) {
  const auto& pages = p.identity.pages;
  auto page = render::page_request(req, kPageSize);
  auto list = p.online.messages().list(req.principal->name, page.offset(), kPageSize);
  if (!list) return internal_error(p, req);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& n : list->notices)
    rows.push_back({{"id", n.id},
                    {"title", n.title},
                    {"body", n.body},
                    {"link", n.link},
                    {"at", identity::local_time(n.created_at)},
                    {"unread", n.read_at.empty()}});
  nlohmann::json model = {{"notices", rows},
                          {"has_notices", !rows.empty()},
                          {"unread", list->unread},
                          {"pager", render::pager(req, page, list->total)}};
  return pages.form_page(req, "services/messages", "services.pages.messages.title", model);
}

http::Response messages_read(ServicePages& p, http::Request& req) {
  auto form = req.form();
  if (!form) return p.identity.pages.error(req, form.error().status, form.error().key);
  long long id = std::max(0LL, std::atoll(form->value("id", "0").c_str()));
  auto r = p.online.messages().mark_read(req.principal->name, id);
  if (!r) {
    if (is_internal(r.error())) return internal_error(p, req);
    return p.identity.pages.error(req, 404, r.error().key);
  }
  // Back to the notice's link when one was opened, else to the list.
  std::string next = form->value("next");
  next = identity::safe_next(next);
  if (next == "/") next = "/messages";
  return http::Response::redirect(next, 303);
}

}  // namespace

void add_service_nav(render::PageRenderer& pages) {
  const std::string signed_in(http::kSignedIn);
  for (const auto& [href, key] : {std::pair{"/services/cases", "services.pages.nav.cases"},
                                  std::pair{"/licences", "services.pages.nav.licences"},
                                  std::pair{"/messages", "services.pages.nav.messages"}})
    pages.add_nav({http::Zone::internet, signed_in, href, key, {"citizen", "enterprise"}});
  pages.add_nav({http::Zone::intranet, perm::kLicenceManage, "/services/licences",
                 "services.pages.nav.licences_admin"});
  pages.add_nav({http::Zone::intranet, perm::kItemEdit, "/services/catalogue",
                 "services.catalogue.nav.edit"});
  pages.add_nav({http::Zone::intranet, perm::kItemReview, "/services/review",
                 "services.catalogue.nav.review"});
}

void register_service_routes(http::Router& router, ServicePages& p) {
  using http::Zone;
  const std::string signed_in(http::kSignedIn);
  router.add({.method = "GET",
              .pattern = "/services/items/{code}/apply",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) { return apply_get(p, req); }});
  router.add({.method = "POST",
              .pattern = "/services/items/{code}/apply",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) { return apply_post(p, req); }});
  router.add({.method = "GET",
              .pattern = "/services/cases",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) { return cases_page(p, req); }});
  router.add({.method = "GET",
              .pattern = "/services/cases/{number}",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) { return case_page(p, req); }});
  router.add({.method = "POST",
              .pattern = "/services/cases/{number}/rate",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) { return rate_post(p, req); }});
  router.add({.method = "GET",
              .pattern = "/services/cases/{number}/correct",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) { return correct_get(p, req); }});
  router.add({.method = "POST",
              .pattern = "/services/cases/{number}/correct",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) { return correct_post(p, req); }});
  router.add({.method = "GET",
              .pattern = "/services/cases/{number}/files/{ref}",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) {
                auto c = own_case(p, req);
                if (!c) return internal_error(p, req);
                if (!*c) return case_not_found(p, req);
                return case_file(p, req, **c);
              }});
  router.add({.method = "GET",
              .pattern = "/services/cases/{number}/documents/{id}",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) { return document_get(p, req); }});
  router.add({.method = "GET",
              .pattern = "/messages",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) { return messages_page(p, req); }});
  router.add({.method = "POST",
              .pattern = "/messages/read",
              .zone = Zone::internet,
              .permission = signed_in,
              .handler = [&p](http::Request& req) { return messages_read(p, req); }});
  register_handling_routes(router, p);
  register_licence_routes(router, p);
  register_guide_routes(router, p);
  register_catalogue_routes(router, p);
}

}  // namespace yiwang::services
