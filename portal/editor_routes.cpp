#include "portal/editor_routes.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/text_rules.hpp"
#include "http/organ_scope.hpp"
#include "http/percent_encoding.hpp"
#include "portal/page_model.hpp"
#include "portal/permissions.hpp"
#include "portal/site_health.hpp"
#include "portal/text_diff.hpp"
#include "render/pager.hpp"
#include "render/rich_text.hpp"
#include "render/select_options.hpp"

namespace yiwang::portal {

namespace {

constexpr int kPageSize = 20;
constexpr std::size_t kMaxQueryBytes = 100;
const std::string kBase = "/portal/articles";

// ---- who may act for which organ ----

using http::organs_of;

Result<std::optional<Article>> article_for(EditorPages& p, const http::Request& req,
                                           const char* permission) {
  auto id = identity::id_param(req);
  if (!id) return std::optional<Article>();
  auto a = p.portal.articles().get(*id);
  if (!a) return std::unexpected(a.error());
  if (!*a || !req.principal->holds(permission, (*a)->organ_id)) return std::optional<Article>();
  return a;
}

const render::PageRenderer& pages_of(EditorPages& p) { return p.identity.pages; }

http::Response not_found(EditorPages& p, const http::Request& req) {
  return pages_of(p).error(req, 404, "portal.article.not_found");
}

http::Response failed(EditorPages& p, const http::Request& req, const Error& e) {
  (void)pages_of(p).user_message(req, e);
  return pages_of(p).error(req, 500, "http.internal_error");
}

bool is_internal(const Error& e) { return e.key.starts_with("db."); }

std::string state_text(EditorPages& p, const http::Request& req, ArticleState s) {
  return pages_of(p).text(req, "portal.editor.state." + std::string(article_state_name(s)));
}

std::string organ_name(EditorPages& p, long long id) {
  auto organ = p.portal.organs().get(id);
  return organ && *organ ? (*organ)->name : std::string();
}

// ---- the editor's form ----

ArticleInput input_of(const http::FormData& f) {
  ArticleInput in;
  in.column_id = number_of(f.value("column"));
  in.organ_id = number_of(f.value("organ"));
  in.title = f.value("title");
  in.subtitle = f.value("subtitle");
  in.source = f.value("source");
  in.author = f.value("author");
  in.doc_number = f.value("doc_number");
  in.written_on = f.value("written_on");
  in.formed_on = f.value("formed_on");
  in.body_html = f.value("body");
  in.keywords = f.value("keywords");
  in.disclosure = f.value("disclosure", "none");
  in.disclosure_reason = f.value("disclosure_reason");
  in.category = f.value("category");
  in.policy_id = number_of(f.value("policy"));
  in.scheduled_at = f.value("scheduled_at");
  for (const auto& file : f.files())
    if (file.field == "files" && !file.filename.empty())
      in.add_files.push_back({file.filename, file.content_type, file.data});
  for (auto ref : f.all("remove_file")) in.remove_files.emplace_back(ref);
  in.cover_ref = f.value("cover");
  return in;
}

// A UTC time stamp as the value of a datetime-local input (China time).
std::string local_input(const std::string& utc) {
  std::string t = identity::local_time(utc);  // "2026-11-27 16:00"
  if (t.size() >= 16) t[10] = 'T';
  return t;
}

ArticleInput input_from(const Article& a) {
  ArticleInput in;
  in.column_id = a.column_id;
  in.organ_id = a.organ_id;
  in.title = a.title;
  in.subtitle = a.subtitle;
  in.source = a.source;
  in.author = a.author;
  in.doc_number = a.doc_number;
  in.written_on = a.written_on;
  in.formed_on = a.formed_on;
  in.body_html = a.body_html;
  in.keywords = a.keywords;
  in.disclosure = std::string(disclosure_name(a.disclosure));
  in.disclosure_reason = a.disclosure_reason;
  in.category = a.category;
  in.policy_id = a.policy_id;
  in.scheduled_at = a.scheduled_at.empty() ? std::string() : local_input(a.scheduled_at);
  return in;
}

struct EditorView {
  ArticleInput input;
  std::vector<Error> problems;
};

Result<nlohmann::json> editor_model(EditorPages& p, const http::Request& req,
                                    const EditorView& view, const Article* article) {
  const auto& pages = pages_of(p);
  const ArticleInput& in = view.input;
  nlohmann::json m;
  nlohmann::json errors = nlohmann::json::object();
  nlohmann::json summary = nlohmann::json::array();
  for (const auto& e : view.problems) {
    std::string field = e.field.empty() ? "form" : e.field;
    std::string text = pages.user_message(req, e);
    if (!errors.contains(field)) errors[field] = text;
    summary.push_back({{"field", field}, {"message", text}});
  }
  m["errors"] = errors;
  m["has_errors"] = !summary.empty();
  m["error_list"] = summary;
  std::vector<std::pair<std::string, std::string>> columns, organs, policies;
  for (const auto& c : p.portal.columns().all()) {
    if (!holds_articles(c.kind)) continue;
    std::string label;
    for (const auto& t : p.portal.columns().trail(c.id))
      label += (label.empty() ? "" : " / ") + t.name;
    columns.emplace_back(std::to_string(c.id), label);
  }
  auto granted = organs_of(req, perm::kArticleEdit);
  std::vector<long long> organ_ids = granted ? *granted : std::vector<long long>{};
  if (!granted && req.principal->organ_id) organ_ids.push_back(*req.principal->organ_id);
  for (long long id : organ_ids) organs.emplace_back(std::to_string(id), organ_name(p, id));
  std::vector<long long> policy_columns;
  for (const auto& c : p.portal.columns().all())
    if (c.kind == ColumnKind::policy) policy_columns.push_back(c.id);
  auto published = p.portal.articles().published_in(policy_columns, 0, 200);
  if (!published) return std::unexpected(published.error());
  for (const auto& e : published->items)
    policies.emplace_back(std::to_string(e.id),
                          e.doc_number.empty() ? e.title : e.title + "（" + e.doc_number + "）");
  std::vector<std::pair<std::string, std::string>> disclosures, categories;
  for (auto d : {Disclosure::none, Disclosure::active, Disclosure::on_request, Disclosure::exempt})
    disclosures.emplace_back(
        std::string(disclosure_name(d)),
        pages.text(req, "portal.disclosure." + std::string(disclosure_name(d))));
  for (auto c : kDisclosureCategories)
    categories.emplace_back(std::string(c), pages.text(req, "portal.category." + std::string(c)));
  m["columns"] = render::select_options(columns, in.column_id ? std::to_string(in.column_id) : "");
  m["organs"] = render::select_options(organs, in.organ_id ? std::to_string(in.organ_id) : "");
  m["policies"] =
      render::select_options(policies, in.policy_id ? std::to_string(in.policy_id) : "");
  m["disclosures"] = render::select_options(disclosures, in.disclosure);
  m["categories"] = render::select_options(categories, in.category);
  m["v"] = {{"title", in.title},
            {"subtitle", in.subtitle},
            {"source", in.source},
            {"author", in.author},
            {"doc_number", in.doc_number},
            {"written_on", in.written_on},
            {"formed_on", in.formed_on},
            {"body", in.body_html},
            {"keywords", in.keywords},
            {"disclosure_reason", in.disclosure_reason},
            {"scheduled_at", in.scheduled_at}};
  std::string removed = core::cut_utf8(req.query.value("removed"), 200);
  m["removed"] = removed.empty() ? nlohmann::json() : nlohmann::json(removed);
  m["files_lost"] = !view.problems.empty() && !in.add_files.empty();
  nlohmann::json files = nlohmann::json::array();
  m["article"] = nullptr;
  if (article) {
    for (std::size_t i = 0; i < article->files.size(); ++i) {
      const auto& f = article->files[i];
      bool image = f.mime.starts_with("image/");
      files.push_back({{"ref", f.ref},
                       {"name", f.name},
                       {"size_kib", (f.size + 1023) / 1024},
                       {"image", image},
                       {"cover", static_cast<long long>(i) == article->cover},
                       {"n", i}});
    }
    // A withdrawn article may be corrected and published again.
    bool editable = article->state != ArticleState::review;
    bool on_site = article->published_version > 0 && article->withdrawn_at.empty();
    m["article"] = {
        {"id", article->id},
        {"version", article->version},
        {"published_version", article->published_version},
        {"state", state_text(p, req, article->state)},
        {"editable", editable},
        {"can_submit", editable && article->version != article->published_version},
        {"can_withdraw", on_site && article->state != ArticleState::review &&
                             req.principal->holds(perm::kArticleWithdraw, article->organ_id)},
        {"review_note",
         article->review_note.empty() ? nlohmann::json() : nlohmann::json(article->review_note)},
        {"index_number",
         article->index_number.empty() ? nlohmann::json() : nlohmann::json(article->index_number)},
        {"site_href",
         on_site ? nlohmann::json("/articles/" + std::to_string(article->id)) : nlohmann::json()},
        {"review_href",
         article->review_instance
             ? nlohmann::json("/workflow/instances/" + std::to_string(article->review_instance))
             : nlohmann::json()},
        {"scheduled", article->state == ArticleState::scheduled
                          ? nlohmann::json(identity::local_time(article->scheduled_at))
                          : nlohmann::json()}};
  }
  m["files"] = files;
  m["has_files"] = !files.empty();
  m["action"] = article ? kBase + "/" + std::to_string(article->id) : kBase + "/new";
  m["done"] = nullptr;
  std::string done = req.query.value("done");
  if (done == "saved" || done == "submitted" || done == "withdrawn" || done == "created")
    m["done"] = pages.text(req, "portal.editor.done." + done);
  return m;
}

http::Response editor_page(EditorPages& p, const http::Request& req, const EditorView& view,
                           const Article* article, int status) {
  auto m = editor_model(p, req, view, article);
  if (!m) return failed(p, req, m.error());
  std::string title = article ? article->title : pages_of(p).text(req, "portal.editor.new");
  (*m)["title"] = title;
  return pages_of(p).form_page(req, "portal/editor", "portal.editor.title", *m, status);
}

// ---- pages ----

http::Response list_page(EditorPages& p, http::Request& req) {
  ArticleFilter f;
  f.organs = organs_of(req, perm::kArticleEdit);
  f.query = core::trim_text(core::cut_utf8(req.query.value("q"), kMaxQueryBytes));
  f.state = parse_article_state(req.query.value("state"));
  f.column_id = number_of(req.query.value("column"));
  std::string sort = req.query.value("sort");
  static const std::set<std::string> kSorts = {"updated", "-updated",  "title",
                                               "-title",  "published", "-published"};
  f.sort = kSorts.contains(sort) ? sort : "-updated";
  auto page = render::page_request(req, kPageSize);
  f.offset = page.offset();
  f.limit = page.per_page;
  auto list = p.portal.articles().list(f);
  if (!list) return failed(p, req, list.error());
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& a : list->items) {
    auto column = p.portal.columns().find(a.column_id);
    rows.push_back({{"href", kBase + "/" + std::to_string(a.id)},
                    {"title", a.title},
                    {"column", column ? column->name : std::string()},
                    {"organ", organ_name(p, a.organ_id)},
                    {"state", state_text(p, req, a.state)},
                    {"version", a.version},
                    {"updated", identity::local_time(a.updated_at)},
                    {"published", a.published_at.empty()
                                      ? nlohmann::json()
                                      : nlohmann::json(identity::local_time(a.published_at))}});
  }
  std::vector<std::pair<std::string, std::string>> states, columns;
  for (auto s : {ArticleState::draft, ArticleState::review, ArticleState::scheduled,
                 ArticleState::published, ArticleState::withdrawn})
    states.emplace_back(std::string(article_state_name(s)), state_text(p, req, s));
  for (const auto& c : p.portal.columns().all())
    if (holds_articles(c.kind)) columns.emplace_back(std::to_string(c.id), c.name);
  auto sort_link = [&](const std::string& key) {
    std::string next = f.sort == key ? "-" + key : key;
    return render::with_query(req, {{"sort", next}});
  };
  nlohmann::json m = {
      {"rows", rows},
      {"has_rows", !rows.empty()},
      {"q", f.query},
      {"states", render::select_options(states, req.query.value("state"))},
      {"columns", render::select_options(columns, f.column_id ? std::to_string(f.column_id) : "")},
      {"total", list->total},
      {"pager",
       list->total > page.per_page ? render::pager(req, page, list->total) : nlohmann::json()},
      {"sort_title", sort_link("title")},
      {"sort_updated", sort_link("updated")},
      {"sort_published", sort_link("published")},
      {"filtered", !f.query.empty() || f.state || f.column_id}};
  return pages_of(p).page(req, "portal/editor_list", "portal.editor.list_title", m);
}

http::Response new_page(EditorPages& p, http::Request& req) {
  EditorView view;
  if (auto c = p.portal.columns().by_slug(req.query.value("column"))) view.input.column_id = c->id;
  if (req.principal->organ_id && req.principal->holds(perm::kArticleEdit, *req.principal->organ_id))
    view.input.organ_id = *req.principal->organ_id;
  return editor_page(p, req, view, nullptr, 200);
}

http::Response article_page(EditorPages& p, http::Request& req) {
  auto a = article_for(p, req, perm::kArticleEdit);
  if (!a) return failed(p, req, a.error());
  if (!*a) return not_found(p, req);
  EditorView view;
  view.input = input_from(**a);
  return editor_page(p, req, view, &**a, 200);
}

http::Response save_post(EditorPages& p, http::Request& req, bool create) {
  auto form = req.form();
  if (!form) return pages_of(p).error(req, form.error().status, form.error().key);
  std::optional<Article> current;
  if (!create) {
    auto a = article_for(p, req, perm::kArticleEdit);
    if (!a) return failed(p, req, a.error());
    if (!*a) return not_found(p, req);
    current = std::move(**a);
  }
  EditorView view;
  view.input = input_of(*form);
  if (view.input.organ_id == 0 || !req.principal->holds(perm::kArticleEdit, view.input.organ_id))
    view.problems.emplace_back("portal.article.organ_invalid", "organ");
  auto more = p.portal.articles().problems(view.input);
  view.problems.insert(view.problems.end(), more.begin(), more.end());
  if (view.problems.empty()) {
    Editor by{req.principal->name, req.principal->display_name, identity::who(req)};
    auto saved = create ? p.portal.articles().create(view.input, by)
                        : p.portal.articles().update(
                              current->id, view.input,
                              static_cast<int>(number_of(form->value("version"))), by);
    if (saved) {
      bool submit = form->value("_action") == "submit";
      if (submit) {
        auto started = p.portal.review().submit(saved->id, saved->version, by);
        if (!started && is_internal(started.error())) return failed(p, req, started.error());
        if (!started) {
          // Saved, but not submitted: say why on the article's page.
          auto again = p.portal.articles().get(saved->id);
          if (!again || !*again) return failed(p, req, Error("portal.article.not_found"));
          EditorView shown;
          shown.input = input_from(**again);
          shown.problems.push_back(started.error());
          return editor_page(p, req, shown, &**again, 409);
        }
      }
      // The editor is told what the allow-list took out of the body.
      std::string removed;
      for (const auto& r : render::clean_html(view.input.body_html).removed)
        if (removed.size() < 200) removed += (removed.empty() ? "" : ",") + r;
      std::string done = submit ? "submitted" : create ? "created" : "saved";
      return http::Response::redirect(
          kBase + "/" + std::to_string(saved->id) + "?done=" + done +
              (removed.empty() ? "" : "&removed=" + http::percent_encode(removed)),
          303);
    }
    if (is_internal(saved.error())) return failed(p, req, saved.error());
    view.problems.push_back(saved.error());
  }
  return editor_page(p, req, view, current ? &*current : nullptr, 400);
}

http::Response submit_post(EditorPages& p, http::Request& req) {
  auto form = req.form();
  if (!form) return pages_of(p).error(req, form.error().status, form.error().key);
  auto a = article_for(p, req, perm::kArticleEdit);
  if (!a) return failed(p, req, a.error());
  if (!*a) return not_found(p, req);
  Editor by{req.principal->name, req.principal->display_name, identity::who(req)};
  auto started =
      p.portal.review().submit((*a)->id, static_cast<int>(number_of(form->value("version"))), by);
  if (started)
    return http::Response::redirect(kBase + "/" + std::to_string((*a)->id) + "?done=submitted",
                                    303);
  if (is_internal(started.error())) return failed(p, req, started.error());
  EditorView view;
  view.input = input_from(**a);
  view.problems.push_back(started.error());
  return editor_page(p, req, view, &**a, 409);
}

http::Response withdraw_post(EditorPages& p, http::Request& req) {
  auto form = req.form();
  if (!form) return pages_of(p).error(req, form.error().status, form.error().key);
  auto a = article_for(p, req, perm::kArticleWithdraw);
  if (!a) return failed(p, req, a.error());
  if (!*a) return not_found(p, req);
  Editor by{req.principal->name, req.principal->display_name, identity::who(req)};
  auto done = p.portal.articles().withdraw((*a)->id, form->value("reason"), by);
  if (done)
    return http::Response::redirect(kBase + "/" + std::to_string((*a)->id) + "?done=withdrawn",
                                    303);
  if (is_internal(done.error())) return failed(p, req, done.error());
  EditorView view;
  view.input = input_from(**a);
  Error e = done.error();
  if (e.field.empty() || e.field == "reason") e.field = "reason";
  view.problems.push_back(e);
  return editor_page(p, req, view, &**a, 400);
}

nlohmann::json diff_json(EditorPages& p, const http::Request& req, const Article& from,
                         const Article& to) {
  ArticleDiff d = diff_articles(from, to);
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& f : d.fields) {
    std::string before = f.before, after = f.after;
    if (f.field == "column") {
      auto a = p.portal.columns().find(from.column_id), b = p.portal.columns().find(to.column_id);
      before = a ? a->name : before;
      after = b ? b->name : after;
    } else if (f.field == "organ") {
      before = organ_name(p, from.organ_id);
      after = organ_name(p, to.organ_id);
    }
    fields.push_back({{"label", pages_of(p).text(req, "portal.diff.label." + f.field)},
                      {"before", before},
                      {"after", after}});
  }
  nlohmann::json body = nlohmann::json::array();
  for (const auto& l : d.body)
    body.push_back({{"text", l.text},
                    {"added", l.change == LineChange::added},
                    {"removed", l.change == LineChange::removed}});
  return {{"fields", fields},
          {"has_fields", !fields.empty()},
          {"body", body},
          {"has_body", !body.empty()},
          {"files_changed", d.files_changed},
          {"none", fields.empty() && body.empty() && !d.files_changed}};
}

http::Response versions_page(EditorPages& p, http::Request& req) {
  auto a = article_for(p, req, perm::kArticleEdit);
  if (!a) return failed(p, req, a.error());
  if (!*a) return not_found(p, req);
  auto versions = p.portal.articles().versions((*a)->id);
  if (!versions) return failed(p, req, versions.error());
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& v : *versions)
    rows.push_back({{"version", v.version},
                    {"saved_by", v.saved_by},
                    {"saved_at", identity::local_time(v.saved_at)},
                    {"published", v.version == (*a)->published_version},
                    {"diff_href", v.version > 1 ? nlohmann::json(fmt::format(
                                                      "{}/{}/versions?from={}&to={}", kBase,
                                                      (*a)->id, v.version - 1, v.version))
                                                : nlohmann::json()}});
  nlohmann::json m = {{"title", (*a)->title},
                      {"back", kBase + "/" + std::to_string((*a)->id)},
                      {"rows", rows},
                      {"diff", nullptr}};
  int from = static_cast<int>(number_of(req.query.value("from")));
  int to = static_cast<int>(number_of(req.query.value("to")));
  const ArticleVersion *vf = nullptr, *vt = nullptr;
  for (const auto& v : *versions) {
    if (v.version == from) vf = &v;
    if (v.version == to) vt = &v;
  }
  if (vf && vt) {
    m["diff"] = diff_json(p, req, vf->snapshot, vt->snapshot);
    m["diff"]["from"] = from;
    m["diff"]["to"] = to;
  }
  return pages_of(p).page(req, "portal/versions", "portal.editor.versions_title", m);
}

http::Response health_page(EditorPages& p, http::Request& req) {
  auto health =
      check_site(p.portal, p.calendar, core::china_today(), organs_of(req, perm::kSiteHealth));
  if (!health) return failed(p, req, health.error());
  nlohmann::json stale = nlohmann::json::array(), empty = nlohmann::json::array(),
                 broken = nlohmann::json::array(), late = nlohmann::json::array();
  for (const auto& s : health->stale)
    stale.push_back({{"name", s.column.name},
                     {"href", "/columns/" + s.column.slug},
                     {"last", identity::local_time(s.last_published)},
                     {"days", s.days},
                     {"limit", s.column.stale_days}});
  for (const auto& c : health->empty)
    empty.push_back({{"name", c.name}, {"href", "/columns/" + c.slug}});
  for (const auto& b : health->broken)
    broken.push_back({{"title", b.title},
                      {"edit", kBase + "/" + std::to_string(b.article_id)},
                      {"href", b.href}});
  for (const auto& l : health->late)
    late.push_back({{"title", l.title},
                    {"edit", kBase + "/" + std::to_string(l.article_id)},
                    {"organ", organ_name(p, l.organ_id)},
                    {"formed_on", l.formed_on},
                    {"due", l.due},
                    {"published", l.published_at.empty()
                                      ? nlohmann::json()
                                      : nlohmann::json(identity::local_time(l.published_at))},
                    {"days_late", l.days_late}});
  nlohmann::json letters = nlohmann::json::array();
  for (const auto& o : health->letters)
    letters.push_back({{"title", o.letter.title},
                       {"href", "/portal/letters/" + std::to_string(o.letter.id)},
                       {"kind", p.portal.letters().rules().kind(o.letter.kind)
                                    ? p.portal.letters().rules().kind(o.letter.kind)->name
                                    : o.letter.kind},
                       {"organ", organ_name(p, o.letter.handler_organ_id)},
                       {"received", identity::local_time(o.letter.received_at)},
                       {"due", o.letter.due_on},
                       {"days_over", o.days_over},
                       {"escalations", o.letter.escalations.size()},
                       {"veto", o.veto}});
  nlohmann::json m = {{"letters", letters},
                      {"has_letters", !letters.empty()},
                      {"stale", stale},
                      {"has_stale", !stale.empty()},
                      {"empty", empty},
                      {"has_empty", !empty.empty()},
                      {"broken", broken},
                      {"has_broken", !broken.empty()},
                      {"late", late},
                      {"has_late", !late.empty()},
                      {"site", core::format_iso_date(core::china_today())}};
  return pages_of(p).page(req, "portal/health", "portal.health.title", m);
}

}  // namespace

void register_editor_routes(http::Router& router, EditorPages& p) {
  auto add = [&](const char* method, std::string pattern, const char* permission, auto fn) {
    router.add({.method = method,
                .pattern = std::move(pattern),
                .zone = http::Zone::intranet,
                .permission = permission,
                .handler = [&p, fn](http::Request& req) { return fn(p, req); }});
  };
  add("GET", kBase, perm::kArticleEdit, list_page);
  add("GET", kBase + "/new", perm::kArticleEdit, new_page);
  add("POST", kBase + "/new", perm::kArticleEdit,
      [](EditorPages& pp, http::Request& r) { return save_post(pp, r, true); });
  add("GET", kBase + "/{id}", perm::kArticleEdit, article_page);
  add("POST", kBase + "/{id}", perm::kArticleEdit,
      [](EditorPages& pp, http::Request& r) { return save_post(pp, r, false); });
  add("POST", kBase + "/{id}/submit", perm::kArticleEdit, submit_post);
  add("POST", kBase + "/{id}/withdraw", perm::kArticleWithdraw, withdraw_post);
  add("GET", kBase + "/{id}/versions", perm::kArticleEdit, versions_page);
  add("GET", "/portal/health", perm::kSiteHealth, health_page);
}

void register_review_task_form(workflow::TaskForms& forms, EditorPages& p) {
  forms.add("portal.review",
            {.render = [&p](const workflow::TaskFormContext& c) -> Result<std::string> {
              auto id = c.instance.variables.value("article", 0LL);
              auto a = p.portal.articles().get(id);
              if (!a) return std::unexpected(a.error());
              if (!*a) return std::string();
              const Article& art = **a;
              auto column = p.portal.columns().find(art.column_id);
              nlohmann::json m = {
                  {"title", art.title},
                  {"subtitle", art.subtitle},
                  {"column", column ? column->name : std::string()},
                  {"organ", organ_name(p, art.organ_id)},
                  {"doc_number", art.doc_number},
                  {"version", art.version},
                  {"body", art.body_html},
                  {"scheduled", art.scheduled_at.empty()
                                    ? nlohmann::json()
                                    : nlohmann::json(identity::local_time(art.scheduled_at))},
                  {"diff", nullptr}};
              nlohmann::json files = nlohmann::json::array();
              for (const auto& f : art.files) files.push_back({{"name", f.name}});
              m["files"] = files;
              m["has_files"] = !files.empty();
              if (art.published_version > 0) {
                auto published = p.portal.articles().published(art.id);
                if (!published) return std::unexpected(published.error());
                if (*published) m["diff"] = diff_json(p, c.req, **published, art);
              }
              return c.pages.templates().render("portal/review_task", m, c.req.lang);
            }});
}

void add_portal_nav(render::PageRenderer& pages) {
  pages.add_nav({http::Zone::intranet, perm::kArticleEdit, kBase, "portal.editor.nav"});
  pages.add_nav({http::Zone::intranet, perm::kSiteHealth, "/portal/health", "portal.health.nav"});
}

}  // namespace yiwang::portal
