// What the engine reads without moving anything: definitions, instances,
// tasks, history and the inboxes.
#include <algorithm>
#include <deque>

#include "db/row_value.hpp"
#include "workflow/duration.hpp"
#include "workflow/engine.hpp"
#include "workflow/run.hpp"

namespace yiwang::workflow {

namespace {

DefinitionInfo definition_from_row(const soci::row& r) {
  DefinitionInfo d;
  d.id = db::row_int64(r, 0);
  d.key = r.get<std::string>(1);
  d.version = static_cast<int>(db::row_int64(r, 2));
  d.name = r.get<std::string>(3);
  d.deployed_by = r.get<std::string>(4);
  d.deployed_at = r.get<std::string>(5);
  return d;
}

const char* const kDefinitionColumns = "id, process_key, version, name, deployed_by, deployed_at";

// A statement with a varying set of named parameters; values are kept here
// so SOCI's references to them stay valid until the statement has run.
class Query {
 public:
  explicit Query(std::string sql) : sql_(std::move(sql)) {}
  std::string& sql() { return sql_; }
  std::string bind(const std::string& value) {
    std::string name = "p" + std::to_string(texts_.size() + ints_.size());
    texts_.emplace_back(name, value);
    return ":" + name;
  }
  std::string bind(long long value) {
    std::string name = "p" + std::to_string(texts_.size() + ints_.size());
    ints_.emplace_back(name, value);
    return ":" + name;
  }
  template <class F>
  void each(soci::session& s, F&& fn) {
    soci::statement st(s);
    st.alloc();
    st.prepare(sql_);
    soci::row row;
    st.exchange(soci::into(row));
    for (auto& [n, v] : texts_) st.exchange(soci::use(v, n));
    for (auto& [n, v] : ints_) st.exchange(soci::use(v, n));
    st.define_and_bind();
    st.execute(false);
    while (st.fetch()) fn(row);
  }
  long long count(soci::session& s) {
    long long n = 0;
    each(s, [&](const soci::row& r) { n = db::row_int64(r, 0); });
    return n;
  }

 private:
  std::string sql_;
  std::deque<std::pair<std::string, std::string>> texts_;
  std::deque<std::pair<std::string, long long>> ints_;
};

}  // namespace

Result<std::vector<DefinitionInfo>> Engine::definitions() {
  return db::guarded([&]() -> Result<std::vector<DefinitionInfo>> {
    auto s = db_.acquire();
    std::vector<DefinitionInfo> out;
    soci::rowset<soci::row> rows =
        (s->prepare << std::string("SELECT ") + kDefinitionColumns +
                           " FROM wf_definitions d WHERE version = (SELECT MAX(version) FROM "
                           "wf_definitions e WHERE e.process_key = d.process_key) ORDER BY "
                           "process_key");
    for (const auto& r : rows) out.push_back(definition_from_row(r));
    for (auto& d : out) {
      *s << "SELECT COUNT(*) FROM wf_instances WHERE process_key = :k AND state IN ('running', "
            "'suspended')",
          soci::use(d.key), soci::into(d.running);
      *s << "SELECT COUNT(*) FROM wf_instances WHERE process_key = :k AND state IN "
            "('completed', 'terminated')",
          soci::use(d.key), soci::into(d.finished);
    }
    return out;
  });
}

Result<std::vector<DefinitionInfo>> Engine::versions(std::string_view key) {
  return db::guarded([&]() -> Result<std::vector<DefinitionInfo>> {
    auto s = db_.acquire();
    std::string k(key);
    std::vector<DefinitionInfo> out;
    soci::rowset<soci::row> rows =
        (s->prepare << std::string("SELECT ") + kDefinitionColumns +
                           " FROM wf_definitions WHERE process_key = :k ORDER BY version DESC",
         soci::use(k));
    for (const auto& r : rows) out.push_back(definition_from_row(r));
    for (auto& d : out) {
      *s << "SELECT COUNT(*) FROM wf_instances WHERE definition_id = :d AND state IN "
            "('running', 'suspended')",
          soci::use(d.id), soci::into(d.running);
      *s << "SELECT COUNT(*) FROM wf_instances WHERE definition_id = :d AND state IN "
            "('completed', 'terminated')",
          soci::use(d.id), soci::into(d.finished);
    }
    return out;
  });
}

Result<std::optional<DefinitionInfo>> Engine::definition(long long id) {
  return db::guarded([&]() -> Result<std::optional<DefinitionInfo>> {
    auto s = db_.acquire();
    soci::rowset<soci::row> rows = (s->prepare << std::string("SELECT ") + kDefinitionColumns +
                                                      " FROM wf_definitions WHERE id = :id",
                                    soci::use(id));
    for (const auto& r : rows) return std::optional<DefinitionInfo>(definition_from_row(r));
    return std::optional<DefinitionInfo>();
  });
}

Result<std::string> Engine::definition_xml(long long id) {
  return db::guarded([&]() -> Result<std::string> {
    auto s = db_.acquire();
    std::string xml;
    soci::indicator ind = soci::i_null;
    *s << "SELECT xml FROM wf_definitions WHERE id = :id", soci::use(id), soci::into(xml, ind);
    if (ind != soci::i_ok)
      return fail("workflow.definition.not_found", "", {{"id", std::to_string(id)}});
    return xml;
  });
}

Result<std::optional<Instance>> Engine::instance(long long id) {
  return db::guarded([&]() -> Result<std::optional<Instance>> {
    auto s = db_.acquire();
    return load_instance(*s, id);
  });
}

Result<std::vector<HistoryEntry>> Engine::history(long long instance_id) {
  return db::guarded([&]() -> Result<std::vector<HistoryEntry>> {
    auto s = db_.acquire();
    std::vector<HistoryEntry> out;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, instance_id, task_id, node_id, node_name, action, actor, "
                       "actor_name, at, outcome, opinion, detail FROM wf_history WHERE "
                       "instance_id = :i ORDER BY id",
         soci::use(instance_id));
    for (const auto& r : rows) {
      HistoryEntry h;
      h.id = db::row_int64(r, 0);
      h.instance_id = db::row_int64(r, 1);
      h.task_id = db::row_int64(r, 2);
      h.node_id = r.get<std::string>(3);
      h.node_name = r.get<std::string>(4);
      h.action = r.get<std::string>(5);
      h.actor = r.get<std::string>(6);
      h.actor_name = r.get<std::string>(7);
      h.at = r.get<std::string>(8);
      h.outcome = r.get<std::string>(9);
      h.opinion = r.get<std::string>(10);
      h.detail = r.get<std::string>(11);
      out.push_back(std::move(h));
    }
    return out;
  });
}

Result<std::vector<Task>> Engine::open_tasks(long long instance_id) {
  return db::guarded([&]() -> Result<std::vector<Task>> {
    auto s = db_.acquire();
    return select_tasks(*s, "instance_id = :i AND state = 'open'", instance_id);
  });
}

Result<std::vector<Task>> Engine::tasks_of(long long instance_id) {
  return db::guarded([&]() -> Result<std::vector<Task>> {
    auto s = db_.acquire();
    return select_tasks(*s, "instance_id = :i", instance_id);
  });
}

Result<std::optional<Task>> Engine::task(long long id) {
  return db::guarded([&]() -> Result<std::optional<Task>> {
    auto s = db_.acquire();
    return load_task(*s, id);
  });
}

Result<std::vector<Engine::TimerInfo>> Engine::pending_timers(long long instance_id) {
  return db::guarded([&]() -> Result<std::vector<TimerInfo>> {
    auto s = db_.acquire();
    std::vector<TimerInfo> out;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT t.id, t.instance_id, t.node_id, t.due_at, t.remaining, "
                       "COALESCE((SELECT MIN(k.id) FROM wf_tasks k WHERE k.token_id = "
                       "t.token_id AND k.state = 'open'), 0) FROM wf_timers t WHERE "
                       "t.instance_id = :i AND t.state = 'pending' ORDER BY t.due_at, t.id",
         soci::use(instance_id));
    for (const auto& r : rows) {
      TimerInfo t;
      t.id = db::row_int64(r, 0);
      t.instance_id = db::row_int64(r, 1);
      t.node_id = r.get<std::string>(2);
      t.due_at = r.get<std::string>(3);
      t.remaining = static_cast<int>(db::row_int64(r, 4));
      t.task_id = db::row_int64(r, 5);
      out.push_back(t);
    }
    return out;
  });
}

// ---- inboxes ----

namespace {

// "(assignee = me OR (unclaimed AND I am a candidate))" for the todo box.
std::string todo_condition(Query& q, const std::string& account,
                           const std::vector<std::string>& groups) {
  std::string me = q.bind(account);
  std::string cond = "t.state = 'open' AND (t.assignee = " + me +
                     " OR (t.assignee = '' AND t.id IN (SELECT c.task_id FROM "
                     "wf_task_candidates c WHERE (c.kind = 'user' AND c.value = " +
                     me + ")";
  if (!groups.empty()) {
    cond += " OR (c.kind = 'group' AND c.value IN (";
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (i) cond += ", ";
      cond += q.bind(groups[i]);
    }
    cond += "))";
  }
  cond += ")))";
  return cond;
}

}  // namespace

Result<Engine::BoxPage> Engine::box(const BoxQuery& query) {
  return db::guarded([&]() -> Result<BoxPage> {
    auto s = db_.acquire();
    BoxPage page;
    int limit = std::clamp(query.limit, 1, 200);
    int offset = std::max(0, query.offset);
    std::string now_text = format_utc(now());
    auto now_tp = now();
    auto filters = [&](Query& q, const char* key_col) {
      std::string f;
      if (!query.process_key.empty())
        f += std::string(" AND ") + key_col + " = " + q.bind(query.process_key);
      return f;
    };
    if (query.box == Box::todo || query.box == Box::done) {
      Query q("");
      std::string where;
      if (query.box == Box::todo) {
        auto groups = directory_.groups_of(*s, query.account);
        if (!groups) return std::unexpected(groups.error());
        where = todo_condition(q, query.account, *groups);
        if (!query.due_before.empty())
          where += " AND t.due_at <> '' AND t.due_at <= " + q.bind(query.due_before);
        if (query.overdue_only) where += " AND t.due_at <> '' AND t.due_at < " + q.bind(now_text);
      } else {
        where = "t.state = 'completed' AND t.completed_by = " + q.bind(query.account);
      }
      where += filters(q, "t.process_key");
      if (query.organ_id) where += " AND t.organ_id = " + q.bind(query.organ_id);
      std::string order = " ORDER BY t.id DESC";
      if (query.box == Box::todo && query.sort == "due")
        order = " ORDER BY CASE WHEN t.due_at = '' THEN 1 ELSE 0 END, t.due_at, t.id";
      else if (query.sort == "created")
        order = " ORDER BY t.id";
      else if (query.box == Box::done)
        order = " ORDER BY t.completed_at DESC, t.id DESC";
      Query count = q;
      count.sql() = "SELECT COUNT(*) FROM wf_tasks t WHERE " + where;
      page.total = count.count(*s);
      q.sql() =
          "SELECT t.id, t.instance_id, t.process_key, d.name, t.title, t.name, "
          "t.assignee, t.created_at, t.due_at, t.completed_at, t.outcome, i.state, "
          "t.read_at FROM wf_tasks t JOIN wf_instances i ON i.id = t.instance_id JOIN "
          "wf_definitions d ON d.id = i.definition_id WHERE " +
          where + order + " LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset);
      q.each(*s, [&](const soci::row& r) {
        BoxItem it;
        it.task_id = db::row_int64(r, 0);
        it.instance_id = db::row_int64(r, 1);
        it.process_key = r.get<std::string>(2);
        it.process_name = r.get<std::string>(3);
        it.title = r.get<std::string>(4);
        it.step = r.get<std::string>(5);
        it.assignee = r.get<std::string>(6);
        it.created_at = r.get<std::string>(7);
        it.due_at = r.get<std::string>(8);
        it.completed_at = r.get<std::string>(9);
        it.outcome = r.get<std::string>(10);
        std::string st = r.get<std::string>(11);
        it.instance_state = st == "suspended"    ? InstanceState::suspended
                            : st == "completed"  ? InstanceState::completed
                            : st == "terminated" ? InstanceState::terminated
                                                 : InstanceState::running;
        it.unread = r.get<std::string>(12).empty() && query.box == Box::todo;
        if (query.box == Box::todo && !it.due_at.empty()) {
          if (auto due = parse_utc(it.due_at)) {
            it.overdue = *due < now_tp;
            it.working_days_left = working_days_left(now_tp, *due, calendar_);
          }
        }
        page.items.push_back(std::move(it));
      });
      return page;
    }
    Query q("");
    std::string where;
    if (query.box == Box::started) {
      where = "i.starter = " + q.bind(query.account) + " AND i.parent_id = 0";
    } else {
      where = "i.id IN (SELECT c.instance_id FROM wf_copies c WHERE c.account = " +
              q.bind(query.account) + ")";
    }
    where += filters(q, "i.process_key");
    if (query.organ_id) where += " AND i.starter_organ_id = " + q.bind(query.organ_id);
    Query count = q;
    count.sql() = "SELECT COUNT(*) FROM wf_instances i WHERE " + where;
    page.total = count.count(*s);
    std::string unread_col =
        query.box == Box::copied
            ? "(SELECT c.read_at FROM wf_copies c WHERE c.instance_id = i.id AND c.account = " +
                  q.bind(query.account) + ")"
            : std::string("'x'");
    std::string order = query.sort == "created" ? " ORDER BY i.id" : " ORDER BY i.id DESC";
    q.sql() =
        "SELECT i.id, i.process_key, d.name, i.title, i.started_at, i.ended_at, i.state, " +
        unread_col + " FROM wf_instances i JOIN wf_definitions d ON d.id = i.definition_id WHERE " +
        where + order + " LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset);
    q.each(*s, [&](const soci::row& r) {
      BoxItem it;
      it.instance_id = db::row_int64(r, 0);
      it.process_key = r.get<std::string>(1);
      it.process_name = r.get<std::string>(2);
      it.title = r.get<std::string>(3);
      it.created_at = r.get<std::string>(4);
      it.completed_at = r.get<std::string>(5);
      std::string st = r.get<std::string>(6);
      it.instance_state = st == "suspended"    ? InstanceState::suspended
                          : st == "completed"  ? InstanceState::completed
                          : st == "terminated" ? InstanceState::terminated
                                               : InstanceState::running;
      it.unread = query.box == Box::copied && r.get_indicator(7) == soci::i_ok &&
                  r.get<std::string>(7).empty();
      page.items.push_back(std::move(it));
    });
    for (auto& it : page.items) {
      std::vector<std::string> steps;
      soci::rowset<soci::row> rows =
          (s->prepare << "SELECT DISTINCT name FROM wf_tasks WHERE instance_id = :i AND state = "
                         "'open' ORDER BY name",
           soci::use(it.instance_id));
      for (const auto& r : rows) steps.push_back(r.get<std::string>(0));
      it.step = join_list(steps, ',');
    }
    return page;
  });
}

Result<Engine::BoxCounts> Engine::counts(const std::string& account) {
  return db::guarded([&]() -> Result<BoxCounts> {
    auto s = db_.acquire();
    BoxCounts c;
    auto groups = directory_.groups_of(*s, account);
    if (!groups) return std::unexpected(groups.error());
    {
      Query q("");
      q.sql() = "SELECT COUNT(*) FROM wf_tasks t WHERE " + todo_condition(q, account, *groups);
      c.todo = q.count(*s);
    }
    {
      Query q("");
      std::string cond = todo_condition(q, account, *groups);
      q.sql() = "SELECT COUNT(*) FROM wf_tasks t WHERE " + cond + " AND t.due_at <> '' AND " +
                "t.due_at < " + q.bind(format_utc(now()));
      c.overdue = q.count(*s);
    }
    *s << "SELECT COUNT(*) FROM wf_tasks WHERE completed_by = :a AND state = 'completed'",
        soci::use(account), soci::into(c.done);
    *s << "SELECT COUNT(*) FROM wf_instances WHERE starter = :a AND parent_id = 0",
        soci::use(account), soci::into(c.started);
    *s << "SELECT COUNT(*) FROM wf_copies WHERE account = :a AND read_at = ''", soci::use(account),
        soci::into(c.copied_unread);
    return c;
  });
}

Result<bool> Engine::involved(long long instance_id, const std::string& account) {
  return db::guarded([&]() -> Result<bool> {
    auto s = db_.acquire();
    long long n = 0;
    *s << "SELECT COUNT(*) FROM wf_instances WHERE id = :i AND starter = :a",
        soci::use(instance_id), soci::use(account), soci::into(n);
    if (n) return true;
    *s << "SELECT COUNT(*) FROM wf_tasks WHERE instance_id = :i AND (assignee = :a OR "
          "completed_by = :b OR owner = :c)",
        soci::use(instance_id), soci::use(account), soci::use(account), soci::use(account),
        soci::into(n);
    if (n) return true;
    *s << "SELECT COUNT(*) FROM wf_copies WHERE instance_id = :i AND account = :a",
        soci::use(instance_id), soci::use(account), soci::into(n);
    if (n) return true;
    auto groups = directory_.groups_of(*s, account);
    if (!groups) return std::unexpected(groups.error());
    Query q("");
    q.sql() = "SELECT COUNT(*) FROM wf_tasks t WHERE t.instance_id = " + q.bind(instance_id) +
              " AND " + todo_condition(q, account, *groups);
    return q.count(*s) > 0;
  });
}

Result<Engine::InstancePage> Engine::instances(const InstanceFilter& filter, int offset,
                                               int limit) {
  return db::guarded([&]() -> Result<InstancePage> {
    InstancePage page;
    if (filter.organs && filter.organs->empty()) return page;
    auto s = db_.acquire();
    Query q("");
    std::string where = "1 = 1";
    if (!filter.process_key.empty()) where += " AND process_key = " + q.bind(filter.process_key);
    if (filter.state)
      where += " AND state = " + q.bind(std::string(instance_state_name(*filter.state)));
    if (filter.organs) {
      std::string in;
      for (long long o : *filter.organs) in += (in.empty() ? "" : ", ") + q.bind(o);
      where += " AND starter_organ_id IN (" + in + ")";
    }
    Query count = q;
    count.sql() = "SELECT COUNT(*) FROM wf_instances WHERE " + where;
    page.total = count.count(*s);
    q.sql() = "SELECT id FROM wf_instances WHERE " + where + " ORDER BY id DESC LIMIT " +
              std::to_string(std::clamp(limit, 1, 200)) + " OFFSET " +
              std::to_string(std::max(0, offset));
    std::vector<long long> ids;
    q.each(*s, [&](const soci::row& r) { ids.push_back(db::row_int64(r, 0)); });
    for (long long id : ids)
      if (auto i = load_instance(*s, id)) page.instances.push_back(std::move(*i));
    return page;
  });
}

}  // namespace yiwang::workflow
