#include "portal/letter_desk_routes.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/text_rules.hpp"
#include "http/organ_scope.hpp"
#include "identity/admin_pages.hpp"
#include "portal/letter_routes.hpp"
#include "portal/permissions.hpp"
#include "render/pager.hpp"
#include "render/select_options.hpp"

namespace yiwang::portal {

namespace {

constexpr int kPageSize = 20;
const std::string kBase = "/portal/letters";

const render::PageRenderer& pages_of(LetterDesk& d) { return d.identity.pages; }

http::Response failed(LetterDesk& d, const http::Request& req, const Error& e) {
  (void)pages_of(d).user_message(req, e);
  return pages_of(d).error(req, 500, "http.internal_error");
}

// The organs whose letters the reader may see (nullopt: every organ), and
// whether the unassigned ones too (the mailbox organ is among them).
std::pair<std::optional<std::vector<long long>>, bool> scope_of(LetterDesk& d,
                                                                const http::Request& req) {
  auto organs = http::organs_of(req, perm::kLetterRead);
  if (!organs) return {std::nullopt, true};
  long long mailbox = d.portal.letter_process().mailbox_organ();
  bool unassigned = std::find(organs->begin(), organs->end(), mailbox) != organs->end();
  return {organs, unassigned};
}

bool may_see(LetterDesk& d, const http::Request& req, const Letter& l) {
  auto [organs, unassigned] = scope_of(d, req);
  if (!organs) return true;
  long long organ = l.handler_organ_id ? l.handler_organ_id : l.organ_id;
  if (l.handler_organ_id == 0 && unassigned) return true;
  return std::find(organs->begin(), organs->end(), organ) != organs->end();
}

http::Response list_page(LetterDesk& d, http::Request& req) {
  const auto& pages = pages_of(d);
  LetterFilter f;
  std::tie(f.organs, f.with_unassigned) = scope_of(d, req);
  f.kind = d.portal.letters().rules().kind(req.query.value("kind")) ? req.query.value("kind") : "";
  f.state = parse_letter_state(req.query.value("state"));
  f.query = core::trim_text(core::cut_utf8(req.query.value("q"), 100));
  f.overdue_only = req.query.value("overdue") == "1";
  f.escalated_only = req.query.value("escalated") == "1";
  auto today = core::china_today();
  f.today = core::format_iso_date(today);
  static const std::set<std::string> kSorts = {"received", "-received", "due", "-due"};
  std::string sort = req.query.value("sort");
  f.sort = kSorts.contains(sort) ? sort : "-received";
  auto page = render::page_request(req, kPageSize);
  f.offset = page.offset();
  f.limit = page.per_page;
  auto list = d.portal.letters().list(f);
  if (!list) return failed(d, req, list.error());
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& l : list->items) {
    nlohmann::json v = letter_view(pages, req, d.portal, l, today, false);
    v["href"] = kBase + "/" + std::to_string(l.id);
    v["escalation_count"] = l.escalations.size();
    rows.push_back(v);
  }
  std::vector<std::pair<std::string, std::string>> states;
  for (auto s : {LetterState::received, LetterState::assigned, LetterState::answered,
                 LetterState::closed, LetterState::rejected})
    states.emplace_back(
        std::string(letter_state_name(s)),
        pages.text(req, "portal.letter.state." + std::string(letter_state_name(s))));
  auto sort_link = [&](const std::string& key) {
    return render::with_query(req, {{"sort", f.sort == key ? "-" + key : key}});
  };
  nlohmann::json m = {{"rows", rows},
                      {"has_rows", !rows.empty()},
                      {"q", f.query},
                      {"kinds", letter_kind_options(req, d.portal.letters().rules(), f.kind)},
                      {"states", render::select_options(states, req.query.value("state"))},
                      {"overdue", f.overdue_only},
                      {"escalated", f.escalated_only},
                      {"total", list->total},
                      {"sort_received", sort_link("received")},
                      {"sort_due", sort_link("due")},
                      {"pager", list->total > page.per_page ? render::pager(req, page, list->total)
                                                            : nlohmann::json()}};
  return pages.page(req, "portal/letter_desk_list", "portal.letter.desk_title", m);
}

http::Response letter_page(LetterDesk& d, http::Request& req) {
  const auto& pages = pages_of(d);
  auto id = identity::id_param(req);
  auto l = id ? d.portal.letters().get(*id) : Result<std::optional<Letter>>();
  if (!l) return failed(d, req, l.error());
  if (!*l || !may_see(d, req, **l)) return pages.error(req, 404, "portal.letter.not_found");
  nlohmann::json m = {
      {"letter", letter_view(pages, req, d.portal, **l, core::china_today(), true)},
      {"title", (*l)->title},
      {"instance_href", "/workflow/instances/" + std::to_string((*l)->instance_id)},
      {"public_href", (*l)->published ? nlohmann::json("/letters/" + std::to_string((*l)->id))
                                      : nlohmann::json()}};
  return pages.page(req, "portal/letter_desk", "portal.letter.desk_letter_title", m);
}

// ---- the business forms of the task pages ----

Result<std::optional<Letter>> letter_of(LetterDesk& d, const workflow::Instance& i) {
  return d.portal.letters().get(i.variables.value("letter", 0LL));
}

// What each step posts, checked: the variables, or the error at its field.
Result<nlohmann::json> read_triage(LetterDesk& d, const http::FormData& f) {
  std::string outcome = f.value("outcome");
  if (outcome == kTriageReject) {
    auto reason = core::check_lines(f.value("reject_reason"), "reject_reason", 500);
    if (!reason) return std::unexpected(reason.error());
    return nlohmann::json{{"reason", *reason}};
  }
  if (outcome != kTriageAccept) return nlohmann::json::object();  // the engine names the outcome
  auto organ = identity::positive_number(f.value("letter_organ"));
  return d.portal.letter_process().assignment(organ.value_or(0));
}

Result<nlohmann::json> read_handle(const workflow::TaskFormContext& c, const http::FormData& f) {
  if (f.value("outcome") != kHandleSubmit) return nlohmann::json::object();
  auto answer = core::check_lines(f.value("letter_answer"), "letter_answer", kMaxLetterAnswer);
  if (!answer) return std::unexpected(answer.error());
  return nlohmann::json{{"answer", *answer}, {"answered_by", c.req.principal->display_name}};
}

Result<nlohmann::json> read_review(const http::FormData& f) {
  return nlohmann::json{{"publish", f.value("publish") == "1"}};
}

// The model every step's form shares; `step` names the part to show.
Result<std::string> render_step(LetterDesk& d, const workflow::TaskFormContext& c,
                                const char* step) {
  auto l = letter_of(d, c.instance);
  if (!l) return std::unexpected(l.error());
  if (!*l) return std::string();
  const auto& vars = c.instance.variables;
  std::optional<http::FormData> posted;
  if (c.editable && c.req.method == "POST")
    if (auto f = c.req.form()) posted = std::move(*f);
  auto typed = [&](const char* field, const std::string& dflt) {
    return posted ? posted->value(field) : dflt;
  };
  nlohmann::json errors = nlohmann::json::object();
  if (posted) {
    Result<nlohmann::json> checked = std::string(step) == "triage"   ? read_triage(d, *posted)
                                     : std::string(step) == "handle" ? read_handle(c, *posted)
                                                                     : read_review(*posted);
    if (!checked && !checked.error().field.empty())
      errors[checked.error().field] = c.pages.user_message(c.req, checked.error());
  }
  long long organ =
      identity::positive_number(
          typed("letter_organ",
                std::to_string((*l)->handler_organ_id ? (*l)->handler_organ_id : (*l)->organ_id)))
          .value_or(0);
  nlohmann::json organs = nlohmann::json::array();
  auto list = d.portal.letter_process().organs();
  if (!list) return std::unexpected(list.error());
  for (const auto& o : *list)
    organs.push_back({{"value", o.id}, {"label", o.name}, {"on", o.id == organ}});
  std::string note;
  if (auto dec = vars.find("decisions"); dec != vars.end() && dec->is_object())
    if (auto r = dec->find("review");
        r != dec->end() && r->is_object() && r->value("outcome", "") == kReviewBack)
      note = r->value("opinion", "");
  std::string answer = vars.value("answer", std::string());
  std::istringstream lines(answer);
  nlohmann::json answer_lines = nlohmann::json::array();
  for (std::string line; std::getline(lines, line);)
    if (!core::trim_text(line).empty()) answer_lines.push_back({{"text", line}});
  nlohmann::json m = {
      {"letter", letter_view(c.pages, c.req, d.portal, **l, core::china_today(), true)},
      {"editable", c.editable},
      {"triage", std::string(step) == "triage"},
      {"handle", std::string(step) == "handle"},
      {"review", std::string(step) == "review"},
      {"organs", organs},
      {"reject_reason", typed("reject_reason", "")},
      {"answer", typed("letter_answer", answer)},
      {"answer_lines", answer_lines},
      {"show_draft", !answer_lines.empty() && !(c.editable && std::string(step) == "handle")},
      {"note", note.empty() ? nlohmann::json() : nlohmann::json(note)},
      {"consent", (*l)->consent},
      {"publish", posted ? posted->value("publish") == "1" : (*l)->consent},
      {"errors", errors}};
  return c.pages.templates().render("portal/letter_task", m, c.req.lang);
}

}  // namespace

void register_letter_desk_routes(http::Router& router, LetterDesk& d) {
  auto add = [&](std::string pattern, auto fn) {
    router.add({.method = "GET",
                .pattern = std::move(pattern),
                .zone = http::Zone::intranet,
                .permission = perm::kLetterRead,
                .handler = [&d, fn](http::Request& req) { return fn(d, req); }});
  };
  add(kBase, list_page);
  add(kBase + "/{id}", letter_page);
}

void register_letter_task_forms(workflow::TaskForms& forms, LetterDesk& d) {
  forms.add(
      "portal.letter.triage",
      {.render = [&d](const workflow::TaskFormContext& c) { return render_step(d, c, "triage"); },
       .read = [&d](const workflow::TaskFormContext&,
                    const http::FormData& f) { return read_triage(d, f); }});
  forms.add(
      "portal.letter.handle",
      {.render = [&d](const workflow::TaskFormContext& c) { return render_step(d, c, "handle"); },
       .read = [](const workflow::TaskFormContext& c,
                  const http::FormData& f) { return read_handle(c, f); }});
  forms.add(
      "portal.letter.review",
      {.render = [&d](const workflow::TaskFormContext& c) { return render_step(d, c, "review"); },
       .read = [](const workflow::TaskFormContext&,
                  const http::FormData& f) { return read_review(f); }});
}

void add_letter_nav(render::PageRenderer& pages) {
  pages.add_nav({http::Zone::intranet, perm::kLetterRead, kBase, "portal.letter.desk_nav"});
}

}  // namespace yiwang::portal
