#include "portal/consultation_routes.hpp"

#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/text_rules.hpp"
#include "http/organ_scope.hpp"
#include "http/percent_encoding.hpp"
#include "portal/active_organs.hpp"
#include "portal/page_model.hpp"
#include "portal/permissions.hpp"
#include "render/pager.hpp"
#include "render/select_options.hpp"

namespace yiwang::portal {

namespace {

const std::string kPublicBase = "/consultations";
const std::string kStaffBase = "/portal/consultations";
constexpr int kPageSize = 20;

const render::PageRenderer& pages_of(ConsultationPages& p) { return p.identity.pages; }
ConsultationStore& store_of(ConsultationPages& p) { return p.portal.consultations(); }

http::Response internal(ConsultationPages& p, const http::Request& req, const Error& e) {
  return internal_error(pages_of(p), req, e);
}

http::Response not_found(ConsultationPages& p, const http::Request& req) {
  return pages_of(p).error(req, 404, "portal.consultation.not_found");
}

nlohmann::json summary_model(ConsultationPages& p, const http::Request& req, const Consultation& c,
                             const std::string& base) {
  const auto& pages = pages_of(p);
  auto phase = phase_of(c, store_of(p).today());
  std::string kind(consultation_kind_name(c.kind));
  return {{"id", c.id},
          {"href", base + "/" + std::to_string(c.id)},
          {"title", c.title},
          {"organ", c.organ_name},
          {"kind", pages.text(req, "portal.consultation.kind." + kind)},
          {"is_survey", c.kind == ConsultationKind::survey},
          {"opens_on", c.opens_on},
          {"closes_on", c.closes_on},
          {"phase", pages.text(req, "portal.consultation.phase." +
                                        std::string(consultation_phase_name(phase)))},
          {"open", phase == ConsultationPhase::open},
          {"description", lines_of(c.description)}};
}

// The survey's results: per question its options with count and share.
Result<nlohmann::json> results_model(ConsultationPages& p, const Consultation& c) {
  auto r = store_of(p).results(c.id);
  if (!r) return std::unexpected(r.error());
  nlohmann::json qs = nlohmann::json::array();
  for (std::size_t i = 0; i < c.questions.size(); ++i) {
    nlohmann::json opts = nlohmann::json::array();
    for (std::size_t o = 0; o < c.questions[i].options.size(); ++o) {
      long long n = r->counts[i][o];
      int share = r->responses ? static_cast<int>((n * 1000 / r->responses + 5) / 10) : 0;
      opts.push_back({{"label", c.questions[i].options[o]}, {"count", n}, {"share", share}});
    }
    qs.push_back({{"n", i + 1}, {"text", c.questions[i].text}, {"options", opts}});
  }
  return nlohmann::json{{"responses", r->responses}, {"questions", qs}};
}

// ---- the public pages ----

bool applicant(const http::Request& req) {
  return req.principal && (req.principal->kind == "citizen" || req.principal->kind == "enterprise");
}

http::Response public_list(ConsultationPages& p, http::Request& req) {
  const auto& pages = pages_of(p);
  auto page = render::page_request(req, kPageSize);
  ConsultationFilter f;
  f.published_only = true;
  std::string kind = req.query.value("kind");
  f.kind = parse_consultation_kind(kind);
  if (!f.kind) kind.clear();
  f.offset = page.offset();
  f.limit = page.per_page;
  auto list = store_of(p).list(f);
  if (!list) return internal(p, req, list.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& c : list->items) items.push_back(summary_model(p, req, c, kPublicBase));
  nlohmann::json tabs = nlohmann::json::array();
  for (const char* k : {"", "consultation", "survey"})
    tabs.push_back(
        {{"href", *k ? kPublicBase + "?kind=" + k : kPublicBase},
         {"label", pages.text(req, std::string("portal.consultation.tab.") + (*k ? k : "all"))},
         {"on", kind == k}});
  nlohmann::json m = {{"items", items},
                      {"has_items", !items.empty()},
                      {"tabs", tabs},
                      {"pager", render::pager(req, page, list->total)}};
  return pages.page(req, "portal/consultations", "portal.consultation.list_title", m);
}

struct Typed {
  std::string author, comment;
  std::map<std::string, std::vector<std::string>> answers;  // "q1" → chosen values
};

http::Response public_page(ConsultationPages& p, http::Request& req, const Typed* typed = nullptr,
                           const std::vector<Error>& errors = {}) {
  const auto& pages = pages_of(p);
  long long id = number_of(req.param("id"));
  auto c = store_of(p).get(id);
  if (!c) return internal(p, req, c.error());
  if (!*c || !(*c)->published) return not_found(p, req);
  const Consultation& con = **c;
  auto phase = phase_of(con, store_of(p).today());
  nlohmann::json m = summary_model(p, req, con, kPublicBase);
  m["body"] = con.body_html;  // cleaned by the allow-list when it was saved
  m["signed_in"] = applicant(req);
  m["staff"] = req.principal && !applicant(req);
  m["signin_href"] =
      "/signin?next=" + http::percent_encode(kPublicBase + "/" + std::to_string(con.id));
  std::string account = applicant(req) ? req.principal->name : "";
  std::string done = req.query.value("done");
  m["commented"] = done == "commented";
  m["answered_now"] = done == "answered";
  m["typed"] = {{"author", typed ? typed->author : ""}, {"comment", typed ? typed->comment : ""}};
  add_field_errors(pages_of(p), req, errors, m);
  if (con.kind == ConsultationKind::consultation) {
    auto comments = store_of(p).comments(con.id, true, account);
    if (!comments) return internal(p, req, comments.error());
    nlohmann::json list = nlohmann::json::array();
    for (const auto& x : *comments) {
      bool mine = !account.empty() && x.account == account;
      list.push_back({{"author", x.author.empty() ? pages.text(req, "portal.consultation.anonymous")
                                                  : x.author},
                      {"at", identity::local_time(x.at)},
                      {"lines", lines_of(x.content)},
                      {"mine", mine},
                      {"state", x.state == CommentState::approved
                                    ? nlohmann::json()
                                    : nlohmann::json(pages.text(
                                          req, "portal.consultation.comment." +
                                                   std::string(comment_state_name(x.state))))},
                      {"reason", null_if_empty(x.reason)}});
    }
    m["comments"] = list;
    m["has_comments"] = !list.empty();
    if (phase == ConsultationPhase::summarised) {
      auto counts = store_of(p).comment_counts(con.id);
      if (!counts) return internal(p, req, counts.error());
      m["summary"] = {{"lines", lines_of(con.summary)},
                      {"received", counts->first},
                      {"adopted", con.adopted},
                      {"at", identity::local_time(con.summary_at)}};
    } else {
      m["summary"] = nullptr;
    }
    m["may_comment"] = phase == ConsultationPhase::open && applicant(req);
  } else {
    bool answered = false;
    if (!account.empty()) {
      auto r = store_of(p).responded(con.id, account);
      if (!r) return internal(p, req, r.error());
      answered = *r;
    }
    m["answered"] = answered;
    m["may_answer"] = phase == ConsultationPhase::open && applicant(req) && !answered;
    nlohmann::json qs = nlohmann::json::array();
    for (std::size_t i = 0; i < con.questions.size(); ++i) {
      std::string name = "q" + std::to_string(i + 1);
      const auto& chosen = typed && typed->answers.contains(name) ? typed->answers.at(name)
                                                                  : std::vector<std::string>{};
      nlohmann::json opts = nlohmann::json::array();
      for (std::size_t o = 0; o < con.questions[i].options.size(); ++o) {
        std::string v = std::to_string(o);
        opts.push_back({{"id", name + "-" + v},
                        {"value", v},
                        {"label", con.questions[i].options[o]},
                        {"on", std::find(chosen.begin(), chosen.end(), v) != chosen.end()}});
      }
      auto e = m["errors"].find(name);
      qs.push_back({{"name", name},
                    {"n", i + 1},
                    {"text", con.questions[i].text},
                    {"multiple", con.questions[i].multiple},
                    {"options", opts},
                    {"error", e != m["errors"].end() ? *e : nlohmann::json()}});
    }
    m["questions"] = qs;
    if (answered || phase == ConsultationPhase::closed || phase == ConsultationPhase::summarised) {
      auto r = results_model(p, con);
      if (!r) return internal(p, req, r.error());
      m["results"] = *r;
    } else {
      m["results"] = nullptr;
    }
  }
  return pages.form_page(req, "portal/consultation", "portal.consultation.title", m,
                         errors.empty() ? 200 : 400);
}

http::Response comment_post(ConsultationPages& p, http::Request& req) {
  if (!applicant(req)) return pages_of(p).error(req, 403, "portal.consultation.applicants_only");
  auto form = req.form();
  if (!form) return pages_of(p).error(req, form.error().status, form.error().key);
  Typed typed{form->value("author"), form->value("comment"), {}};
  long long id = number_of(req.param("id"));
  auto r =
      store_of(p).comment(id, req.principal->name, typed.author, typed.comment, identity::who(req));
  if (!r) {
    if (r.error().key.starts_with("db.")) return internal(p, req, r.error());
    if (r.error().key == "portal.consultation.not_found") return not_found(p, req);
    return public_page(p, req, &typed, {r.error()});
  }
  return http::Response::redirect(
      kPublicBase + "/" + std::to_string(id) + "?done=commented#comments", 303);
}

http::Response response_post(ConsultationPages& p, http::Request& req) {
  if (!applicant(req)) return pages_of(p).error(req, 403, "portal.consultation.applicants_only");
  auto form = req.form();
  if (!form) return pages_of(p).error(req, form.error().status, form.error().key);
  long long id = number_of(req.param("id"));
  auto c = store_of(p).get(id);
  if (!c) return internal(p, req, c.error());
  if (!*c || !(*c)->published) return not_found(p, req);
  Typed typed;
  std::vector<std::vector<int>> answers;
  for (std::size_t i = 0; i < (*c)->questions.size(); ++i) {
    std::string name = "q" + std::to_string(i + 1);
    std::vector<int> chosen;
    for (auto v : form->all(name)) {
      typed.answers[name].emplace_back(v);
      long long n = number_of(v);
      // Not a number, or out of range: left for the store to refuse.
      chosen.push_back(v == "0" || n > 0 ? static_cast<int>(std::min<long long>(n, 1000)) : -1);
    }
    answers.push_back(std::move(chosen));
  }
  auto r = store_of(p).respond(id, req.principal->name, answers, identity::who(req));
  if (!r) {
    if (r.error().key.starts_with("db.")) return internal(p, req, r.error());
    return public_page(p, req, &typed, {r.error()});
  }
  return http::Response::redirect(kPublicBase + "/" + std::to_string(id) + "?done=answered", 303);
}

// ---- the workbench ----

ConsultationStore::Actor actor_of(const http::Request& req) {
  return {req.principal->name, req.principal->display_name, identity::who(req)};
}

Result<std::optional<Consultation>> managed(ConsultationPages& p, const http::Request& req) {
  auto c = store_of(p).get(number_of(req.param("id")));
  if (!c) return std::unexpected(c.error());
  if (!*c || !req.principal->holds(perm::kConsultationManage, (*c)->organ_id))
    return std::optional<Consultation>();
  return c;
}

http::Response staff_list(ConsultationPages& p, http::Request& req) {
  auto page = render::page_request(req, kPageSize);
  ConsultationFilter f;
  f.organs = http::organs_of(req, perm::kConsultationManage);
  f.offset = page.offset();
  f.limit = page.per_page;
  auto list = store_of(p).list(f);
  if (!list) return internal(p, req, list.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& c : list->items) {
    nlohmann::json s = summary_model(p, req, c, kStaffBase);
    auto counts = store_of(p).comment_counts(c.id);
    if (!counts) return internal(p, req, counts.error());
    s["pending"] = counts->second ? nlohmann::json(counts->second) : nlohmann::json();
    items.push_back(std::move(s));
  }
  nlohmann::json m = {{"items", items},
                      {"has_items", !items.empty()},
                      {"pager", render::pager(req, page, list->total)}};
  return pages_of(p).page(req, "portal/consultations_admin", "portal.consultation.admin_title", m);
}

ConsultationInput input_of(const http::FormData& f) {
  ConsultationInput in;
  in.kind = f.value("kind");
  in.organ_id = number_of(f.value("organ"));
  in.title = f.value("title");
  in.description = f.value("description");
  in.body_html = f.value("body");
  in.opens_on = f.value("opens_on");
  in.closes_on = f.value("closes_on");
  in.questions = f.value("questions");
  return in;
}

ConsultationInput input_from(const Consultation& c) {
  return {std::string(consultation_kind_name(c.kind)),
          c.organ_id,
          c.title,
          c.description,
          c.body_html,
          c.opens_on,
          c.closes_on,
          ConsultationStore::questions_text(c.questions)};
}

http::Response editor_page(ConsultationPages& p, http::Request& req,
                           const std::optional<Consultation>& c, const ConsultationInput& in,
                           const std::vector<Error>& errors, int status = 200,
                           const std::string& summary_typed = "",
                           const std::string& adopted_typed = "") {
  const auto& pages = pages_of(p);
  nlohmann::json m = {
      {"action", c ? kStaffBase + "/" + std::to_string(c->id) : kStaffBase + "/new"},
      {"kind", in.kind},
      {"is_survey", in.kind == "survey"},
      {"kind_text", pages.text(req, "portal.consultation.kind." + in.kind)},
      {"v",
       {{"title", in.title},
        {"description", in.description},
        {"body", in.body_html},
        {"opens_on", in.opens_on},
        {"closes_on", in.closes_on},
        {"questions", in.questions}}},
      {"editable", !c || !c->published},
      {"version", c ? c->version : 0},
      {"existing", c.has_value()},
      {"done", null_if_empty(req.query.value("done"))}};
  // The organs of the grant (one's own when it holds everywhere).
  auto granted = http::organs_of(req, perm::kConsultationManage);
  std::vector<long long> ids = granted ? *granted : std::vector<long long>{};
  if (!granted) {
    auto all = active_organs(p.portal.organs());
    if (!all) return internal(p, req, all.error());
    for (const auto& o : *all) ids.push_back(o.id);
  }
  std::vector<std::pair<std::string, std::string>> organs;
  for (long long id : ids)
    if (auto o = p.portal.organs().get(id); o && *o)
      organs.emplace_back(std::to_string(id), (*o)->name);
  m["organs"] = render::select_options(organs, in.organ_id ? std::to_string(in.organ_id) : "");
  add_field_errors(pages_of(p), req, errors, m);
  if (c) {
    auto phase = phase_of(*c, store_of(p).today());
    m["summary_model"] = summary_model(p, req, *c, kPublicBase);
    m["public_href"] = kPublicBase + "/" + std::to_string(c->id);
    m["published"] = c->published;
    m["may_publish"] = !c->published;
    if (c->kind == ConsultationKind::consultation) {
      auto comments = store_of(p).comments(c->id, false);
      if (!comments) return internal(p, req, comments.error());
      nlohmann::json pending = nlohmann::json::array(), done_list = nlohmann::json::array();
      for (const auto& x : *comments) {
        nlohmann::json row = {
            {"id", x.id},
            {"action",
             kStaffBase + "/" + std::to_string(c->id) + "/comments/" + std::to_string(x.id)},
            {"author",
             x.author.empty() ? pages.text(req, "portal.consultation.anonymous") : x.author},
            {"account", x.account},
            {"at", identity::local_time(x.at)},
            {"lines", lines_of(x.content)},
            {"state", pages.text(req, "portal.consultation.comment." +
                                          std::string(comment_state_name(x.state)))},
            {"reason", null_if_empty(x.reason)}};
        (x.state == CommentState::pending ? pending : done_list).push_back(std::move(row));
      }
      m["pending"] = pending;
      m["has_pending"] = !pending.empty();
      m["moderated"] = done_list;
      m["has_moderated"] = !done_list.empty();
      m["may_summarise"] =
          phase == ConsultationPhase::closed || phase == ConsultationPhase::summarised;
      m["summary"] = {
          {"text", summary_typed.empty() ? c->summary : summary_typed},
          {"adopted", adopted_typed.empty() ? std::to_string(c->adopted) : adopted_typed}};
    } else if (c->published) {
      auto r = results_model(p, *c);
      if (!r) return internal(p, req, r.error());
      m["results"] = *r;
    }
  }
  return pages.form_page(req, "portal/consultation_admin", "portal.consultation.admin_title", m,
                         status);
}

http::Response new_get(ConsultationPages& p, http::Request& req) {
  ConsultationInput in;
  in.kind = req.query.value("kind") == "survey" ? "survey" : "consultation";
  if (auto granted = http::organs_of(req, perm::kConsultationManage); granted && !granted->empty())
    in.organ_id = granted->front();
  return editor_page(p, req, std::nullopt, in, {});
}

http::Response new_post(ConsultationPages& p, http::Request& req) {
  auto form = req.form();
  if (!form) return pages_of(p).error(req, form.error().status, form.error().key);
  ConsultationInput in = input_of(*form);
  if (!req.principal->holds(perm::kConsultationManage, in.organ_id))
    return editor_page(p, req, std::nullopt, in, {Error("portal.consultation.organ", "organ")},
                       400);
  if (auto problems = store_of(p).problems(in); !problems.empty())
    return editor_page(p, req, std::nullopt, in, problems, 400);
  auto made = store_of(p).create(in, actor_of(req));
  if (!made) {
    if (made.error().key.starts_with("db.")) return internal(p, req, made.error());
    return editor_page(p, req, std::nullopt, in, {made.error()}, 400);
  }
  return http::Response::redirect(kStaffBase + "/" + std::to_string(made->id) + "?done=saved", 303);
}

http::Response staff_get(ConsultationPages& p, http::Request& req) {
  auto c = managed(p, req);
  if (!c) return internal(p, req, c.error());
  if (!*c) return not_found(p, req);
  return editor_page(p, req, *c, input_from(**c), {});
}

http::Response staff_post(ConsultationPages& p, http::Request& req) {
  auto c = managed(p, req);
  if (!c) return internal(p, req, c.error());
  if (!*c) return not_found(p, req);
  auto form = req.form();
  if (!form) return pages_of(p).error(req, form.error().status, form.error().key);
  long long version = number_of(form->value("version"));
  std::string action = form->value("_action");
  auto& store = store_of(p);
  auto back = [&](const char* done) {
    return http::Response::redirect(kStaffBase + "/" + std::to_string((*c)->id) + "?done=" + done,
                                    303);
  };
  auto refused = [&](const Error& e, const ConsultationInput& in, const std::string& s = "",
                     const std::string& a = "") {
    if (e.key.starts_with("db.")) return internal(p, req, e);
    return editor_page(p, req, *c, in, {e}, 400, s, a);
  };
  if (action == "summarise") {
    std::string summary = form->value("summary"), adopted = form->value("adopted");
    long long n = number_of(adopted);
    if (n == 0 && adopted != "0")
      return refused(Error("portal.consultation.adopted", "adopted", {{"max", "…"}}),
                     input_from(**c), summary, adopted);
    auto done = store.summarise((*c)->id, summary, static_cast<int>(n), version, actor_of(req));
    if (!done) return refused(done.error(), input_from(**c), summary, adopted);
    return back("summarised");
  }
  if (action == "publish") {
    auto done = store.publish((*c)->id, version, actor_of(req));
    if (!done) return refused(done.error(), input_from(**c));
    return back("published");
  }
  ConsultationInput in = input_of(*form);
  in.kind = std::string(consultation_kind_name((*c)->kind));
  if (!req.principal->holds(perm::kConsultationManage, in.organ_id))
    return refused(Error("portal.consultation.organ", "organ"), in);
  if (auto problems = store.problems(in); !problems.empty())
    return editor_page(p, req, *c, in, problems, 400);
  auto saved = store.update((*c)->id, in, version, actor_of(req));
  if (!saved) return refused(saved.error(), in);
  return back("saved");
}

http::Response moderate_post(ConsultationPages& p, http::Request& req) {
  auto c = managed(p, req);
  if (!c) return internal(p, req, c.error());
  if (!*c) return not_found(p, req);
  auto form = req.form();
  if (!form) return pages_of(p).error(req, form.error().status, form.error().key);
  long long comment = number_of(req.param("comment"));
  // The comment must belong to this consultation (the organ checked above).
  auto all = store_of(p).comments((*c)->id, false);
  if (!all) return internal(p, req, all.error());
  if (std::none_of(all->begin(), all->end(), [&](const auto& x) { return x.id == comment; }))
    return not_found(p, req);
  auto done = store_of(p).moderate(comment, form->value("decision") == "approve",
                                   form->value("reason"), actor_of(req));
  if (!done) {
    if (done.error().key.starts_with("db.")) return internal(p, req, done.error());
    return editor_page(p, req, *c, input_from(**c), {done.error()}, 400);
  }
  return http::Response::redirect(kStaffBase + "/" + std::to_string((*c)->id) + "?done=moderated",
                                  303);
}

}  // namespace

void register_consultation_routes(http::Router& router, ConsultationPages& p) {
  using http::Zone;
  const std::string signed_in(http::kSignedIn), everyone(http::kPublic);
  auto add = [&](const char* method, std::string pattern, Zone zone, std::string permission,
                 http::Response (*fn)(ConsultationPages&, http::Request&)) {
    router.add({.method = method,
                .pattern = std::move(pattern),
                .zone = zone,
                .permission = std::move(permission),
                .handler = [&p, fn](http::Request& req) { return fn(p, req); }});
  };
  add("GET", kPublicBase, Zone::internet, everyone, public_list);
  add("GET", kPublicBase + "/{id}", Zone::internet, everyone,
      [](ConsultationPages& p, http::Request& req) { return public_page(p, req); });
  add("POST", kPublicBase + "/{id}/comments", Zone::internet, signed_in, comment_post);
  add("POST", kPublicBase + "/{id}/responses", Zone::internet, signed_in, response_post);
  const std::string manage(perm::kConsultationManage);
  add("GET", kStaffBase, Zone::intranet, manage, staff_list);
  add("GET", kStaffBase + "/new", Zone::intranet, manage, new_get);
  add("POST", kStaffBase + "/new", Zone::intranet, manage, new_post);
  add("GET", kStaffBase + "/{id}", Zone::intranet, manage, staff_get);
  add("POST", kStaffBase + "/{id}", Zone::intranet, manage, staff_post);
  add("POST", kStaffBase + "/{id}/comments/{comment}", Zone::intranet, manage, moderate_post);
}

void add_consultation_nav(render::PageRenderer& pages) {
  pages.add_nav(
      {http::Zone::intranet, perm::kConsultationManage, kStaffBase, "portal.consultation.nav"});
}

}  // namespace yiwang::portal
