// The civil servant's inbox: 待办 (open tasks assigned to them or waiting
// for a candidate to claim), 已办 (tasks they completed, with 撤回 while the
// next step is untouched), 我发起的 (instances they started) and 抄送我的
// (copies sent to them), each with its count on the tab, filters, sorting
// and paging.
#include <cstdio>
#include <set>

#include <fmt/format.h>

#include "identity/admin_pages.hpp"
#include "render/pager.hpp"
#include "workflow/permissions.hpp"
#include "workflow/workflow_pages.hpp"

namespace yiwang::workflow {

namespace {

struct BoxName {
  Engine::Box box;
  const char* name;
};
constexpr BoxName kBoxes[] = {{Engine::Box::todo, "todo"},
                              {Engine::Box::done, "done"},
                              {Engine::Box::started, "started"},
                              {Engine::Box::copied, "copied"}};

Engine::Box parse_box(std::string_view name) {
  for (const auto& b : kBoxes)
    if (name == b.name) return b.box;
  return Engine::Box::todo;
}

const char* box_name(Engine::Box box) {
  for (const auto& b : kBoxes)
    if (b.box == box) return b.name;
  return "todo";
}

// A date typed as YYYY-MM-DD (China time) as the last second of that day in
// UTC, the bound the engine compares due times with.
std::optional<std::string> end_of_china_day(const std::string& text) {
  int y = 0, m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return std::nullopt;
  std::chrono::year_month_day day{std::chrono::year(y),
                                  std::chrono::month(static_cast<unsigned>(m)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!day.ok() || y < 2000 || y > 2999) return std::nullopt;
  return fmt::format("{:04d}-{:02d}-{:02d}T15:59:59Z", y, m, d);
}

// The sort orders a box offers, the first being its default.
std::vector<std::string> sorts_of(Engine::Box box) {
  if (box == Engine::Box::todo) return {"due", "-created", "created"};
  return {"-created", "created"};
}

nlohmann::json todo_row(WorkflowServices& s, const http::Request& req, const Engine::BoxItem& it) {
  nlohmann::json due = due_model(s, req, it.due_at, true);
  return {{"href", task_href(it.task_id)},
          {"title", it.title},
          {"process", it.process_name},
          {"step", it.step},
          {"created", identity::local_time(it.created_at)},
          {"due", due},
          {"has_due", !due.empty()},
          {"overdue", it.overdue},
          {"unread", it.unread},
          {"claimable", it.assignee.empty()},
          {"suspended", it.instance_state == InstanceState::suspended}};
}

http::Response inbox(WorkflowServices& s, const http::Request& req) {
  if (!is_staff(req)) return staff_only(s, req);
  const auto& pages = s.identity.pages;
  const std::string& me = req.principal->name;
  Engine::Box box = parse_box(req.query.value("box"));
  bool todo = box == Engine::Box::todo;

  nlohmann::json model = nlohmann::json::object();
  Engine::BoxQuery q;
  q.box = box;
  q.account = me;
  auto definitions = s.engine.definitions();
  if (!definitions) return internal(s, req);
  std::string process = req.query.value("process");
  std::set<std::string> keys;
  for (const auto& d : *definitions) keys.insert(d.key);
  if (keys.contains(process)) q.process_key = process;
  if (auto organ = identity::positive_number(req.query.value("organ"))) q.organ_id = *organ;
  std::string due_before = req.query.value("due_before");
  if (todo && !due_before.empty()) {
    if (auto bound = end_of_china_day(due_before))
      q.due_before = *bound;
    else
      model["errors"]["filter"]["due_before"] = pages.catalogue().text(
          req.lang, "workflow.pages.inbox.bad_date", {{"value", due_before}});
  }
  q.overdue_only = todo && req.query.value("overdue") == "1";
  auto sorts = sorts_of(box);
  std::string sort = req.query.value("sort");
  if (std::find(sorts.begin(), sorts.end(), sort) == sorts.end()) sort = sorts.front();
  q.sort = sort;
  render::PageRequest page = render::page_request(req);
  q.offset = page.offset();
  q.limit = page.per_page;

  auto list = s.engine.box(q);
  if (!list) return internal(s, req);
  auto counts = s.engine.counts(me);
  if (!counts) return internal(s, req);

  // The tabs, each keeping the filters that apply to every box.
  nlohmann::json tabs = nlohmann::json::array();
  for (const auto& b : kBoxes) {
    long long n = b.box == Engine::Box::todo      ? counts->todo
                  : b.box == Engine::Box::done    ? counts->done
                  : b.box == Engine::Box::started ? counts->started
                                                  : counts->copied_unread;
    std::string href = std::string(kInboxPath) + "?box=" + b.name;
    nlohmann::json tab = {{"href", href},
                          {"label", pages.text(req, std::string("workflow.pages.box.") + b.name)},
                          {"count", n},
                          {"current", b.box == box}};
    if (b.box == Engine::Box::todo && counts->overdue > 0)
      tab["overdue"] = pages.catalogue().text(req.lang, "workflow.pages.inbox.overdue_count",
                                              {{"n", std::to_string(counts->overdue)}});
    if (b.box == Engine::Box::copied)
      tab["count_hint"] = pages.text(req, "workflow.pages.inbox.unread_hint");
    tabs.push_back(std::move(tab));
  }

  // Which of the done rows the viewer may still take back.
  std::set<long long> can_withdraw;
  if (box == Engine::Box::done) {
    std::set<long long> seen;
    for (const auto& it : list->items) {
      if (it.instance_state != InstanceState::running || !seen.insert(it.instance_id).second)
        continue;
      auto tasks = s.engine.tasks_of(it.instance_id);
      if (!tasks) return internal(s, req);
      for (long long id : withdrawable(*tasks, me, it.instance_state)) can_withdraw.insert(id);
    }
  }

  nlohmann::json rows = nlohmann::json::array();
  for (const auto& it : list->items) {
    if (todo) {
      rows.push_back(todo_row(s, req, it));
      continue;
    }
    nlohmann::json r = {
        {"title", it.title},   {"process", it.process_name},
        {"step", it.step},     {"state", instance_state_text(pages, req, it.instance_state)},
        {"unread", it.unread}, {"instance_href", instance_href(it.instance_id)}};
    if (box == Engine::Box::done) {
      r["href"] = task_href(it.task_id);
      r["completed"] = identity::local_time(it.completed_at);
      r["outcome"] = it.outcome;
      if (can_withdraw.contains(it.task_id)) r["withdraw"] = task_href(it.task_id) + "/withdraw";
    } else {
      r["href"] = instance_href(it.instance_id);
      r["started"] = identity::local_time(it.created_at);
      r["ended"] = it.instance_state == InstanceState::completed ||
                   it.instance_state == InstanceState::terminated;
    }
    rows.push_back(std::move(r));
  }

  nlohmann::json processes = nlohmann::json::array();
  for (const auto& d : *definitions)
    processes.push_back(
        {{"value", d.key}, {"label", d.name}, {"selected", d.key == q.process_key}});
  auto tree = identity::organ_tree(s.identity.organs, false);
  if (!tree) return internal(s, req);
  nlohmann::json sort_options = nlohmann::json::array();
  for (const auto& o : sorts)
    sort_options.push_back(
        {{"value", o},
         {"label", pages.text(req, "workflow.pages.sort." + std::string(o == "-created"  ? "newest"
                                                                        : o == "created" ? "oldest"
                                                                                         : "due"))},
         {"selected", o == sort}});

  model["box"] = box_name(box);
  model["tabs"] = tabs;
  model["is_" + std::string(box_name(box))] = true;
  model["rows"] = rows;
  model["has_rows"] = !rows.empty();
  model["pager"] = render::pager(req, page, list->total);
  model["filter"] = {
      {"processes", processes},
      {"organs", identity::organ_options(
                     *tree, q.organ_id ? std::optional<long long>(q.organ_id) : std::nullopt)},
      {"due_before", due_before},
      {"overdue", q.overdue_only},
      {"sorts", sort_options}};
  model["empty_text"] = pages.text(req, std::string("workflow.pages.inbox.none_") + box_name(box));
  model["caption"] = pages.text(req, std::string("workflow.pages.inbox.caption_") + box_name(box));
  model["can_start"] = req.principal->holds(perm::kInstanceStart);
  if (auto notice = flash(pages, req)) model["notice"] = *notice;
  bool bad_filter = model.contains("errors");
  return pages.form_page(req, "workflow/inbox", "workflow.pages.inbox.title", model,
                         bad_filter ? 400 : 200);
}

}  // namespace

void register_inbox_routes(http::Router& router, WorkflowServices& s) {
  router.add({.method = "GET",
              .pattern = kInboxPath,
              .zone = http::Zone::intranet,
              .permission = std::string(http::kSignedIn),
              .handler = [&s](http::Request& req) { return inbox(s, req); }});
}

}  // namespace yiwang::workflow
