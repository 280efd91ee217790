// The workflow engine on the reference process (tests/data/bpmn/reference.bpmn:
// 10 user tasks, a 3-way parallel section and a 3-signer countersign): how
// many instances it starts and how many tasks it completes per second,
// through the engine API, each operation one durable transaction.
//
// SQLite (synchronous=FULL, WAL) by default, in a temporary directory;
// PostgreSQL when YIWANG_BENCH_PG_URL is set (a database the bench may fill).
//
//   build/release/bench/workflow_bench --benchmark_min_time=5
//   YIWANG_BENCH_PG_URL=postgresql://postgres@127.0.0.1:55432/wfbench
//     build/release/bench/workflow_bench --benchmark_min_time=5   (same line)
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <vector>

#include "audit/audit_log.hpp"
#include "core/progress.hpp"
#include "core/work_calendar.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "workflow/engine.hpp"

namespace {

namespace wf = yiwang::workflow;

// Everyone exists, is in organ 1, and holds every role there.
class BenchDirectory : public wf::Directory {
 public:
  yiwang::Result<std::optional<wf::Person>> person(soci::session&,
                                                   std::string_view account) override {
    return std::optional<wf::Person>(wf::Person{std::string(account), std::string(account), 1});
  }
  yiwang::Result<std::optional<std::string>> department_head(soci::session&,
                                                             std::string_view) override {
    return std::optional<std::string>("head");
  }
  yiwang::Result<std::optional<long long>> organ_by_code(soci::session&,
                                                         std::string_view) override {
    return std::optional<long long>(1);
  }
  yiwang::Result<bool> role_exists(soci::session&, std::string_view) override { return true; }
  yiwang::Result<std::vector<std::string>> groups_of(soci::session&, std::string_view) override {
    return std::vector<std::string>{"法规处审核人@1", "财务处审核人@1", "保密员@1",
                                    "办公室核稿人@1", "公文管理员@1"};
  }
};

struct World {
  std::filesystem::path dir;
  std::unique_ptr<yiwang::db::Database> db;
  yiwang::core::WorkCalendar calendar;
  BenchDirectory directory;
  std::unique_ptr<wf::Engine> engine;
  bool postgresql = false;

  World() {
    const char* pg = std::getenv("YIWANG_BENCH_PG_URL");
    yiwang::db::Options o;
    if (pg && *pg) {
      postgresql = true;
      o.url = pg;
    } else {
      dir = std::filesystem::temp_directory_path() /
            ("yiwang-wf-bench-" + std::to_string(::getpid()));
      std::filesystem::create_directories(dir);
      o.url = "sqlite:" + (dir / "bench.db").string();
    }
    o.pool_size = 8;
    auto d = yiwang::db::Database::open(o);
    if (!d) throw std::runtime_error("database: " + d.error().key);
    db = std::move(*d);
    if (postgresql) {
      // A clean slate: the bench's own tables only.
      *db->acquire() << "DROP TABLE IF EXISTS wf_copies, wf_history, wf_timers, "
                        "wf_task_candidates, wf_tasks, wf_tokens, wf_instances, wf_definitions, "
                        "audit_chain_head, audit_records, schema_migrations CASCADE";
    }
    yiwang::db::Migrator m(*db);
    m.add(yiwang::audit::AuditLog::migrations());
    m.add(wf::Engine::migrations());
    yiwang::NoProgress quiet;
    if (!m.apply(quiet)) throw std::runtime_error("migrations failed");
    engine = std::make_unique<wf::Engine>(*db, calendar, directory);
    std::ifstream in(std::string(YIWANG_SHARE_DIR_BENCH) + "/tests/data/bpmn/reference.bpmn");
    std::stringstream xml;
    xml << in.rdbuf();
    wf::Actor admin;
    admin.account = "sysadmin";
    auto deployed = engine->deploy(xml.str(), admin);
    if (!deployed) throw std::runtime_error("deploy: " + deployed.error().key);
  }
  ~World() {
    engine.reset();
    db.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

World& world() {
  static World w;
  return w;
}

wf::Actor actor(const std::string& account) {
  wf::Actor a;
  a.account = account;
  a.name = account;
  a.audit.account = account;
  a.audit.source = "bench";
  return a;
}

wf::Engine::StartInput reference_input(long long n) {
  wf::Engine::StartInput in;
  in.process_key = "gongwen_fawen";
  in.title = "基准测试发文 " + std::to_string(n);
  in.variables = {{"countersign", true},
                  {"signers", {"signer1", "signer2", "signer3"}},
                  {"signingLeader", "leader"}};
  return in;
}

// The outcome each step of the reference process asks for, with an opinion.
wf::Engine::CompleteInput completion_of(const wf::Task& t) {
  wf::Engine::CompleteInput in;
  if (t.node_id == "Activity_DeptReview") in.outcome = "同意";
  if (t.node_id == "Activity_Countersign") in.outcome = "同意";
  if (t.node_id == "Activity_LeaderSign") in.outcome = "签发";
  in.opinion = "同意。";
  return in;
}

// Completes the task as its assignee (or a candidate); false, with the
// benchmark marked failed, when the engine refuses.
bool complete(benchmark::State& state, const wf::Task& t) {
  auto r = world().engine->complete(t.id, completion_of(t),
                                    actor(t.assignee.empty() ? "clerk" : t.assignee));
  if (!r) state.SkipWithError(r.error().key.c_str());
  return r.has_value();
}

std::atomic<long long> counter{0};

void BM_StartInstance(benchmark::State& state) {
  World& w = world();
  for (auto _ : state) {
    auto i = w.engine->start(reference_input(++counter), actor("drafter"));
    if (!i) state.SkipWithError(i.error().key.c_str());
  }
  state.counters["instances/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// Starts one instance and completes every task until it ends (13 tasks:
// 7 single steps, 3 parallel branches, 3 signers). The time includes the
// start and the reads of each step's open tasks, so completions/s is a floor.
void BM_CompleteTasks(benchmark::State& state) {
  World& w = world();
  long long completions = 0;
  for (auto _ : state) {
    auto i = w.engine->start(reference_input(++counter), actor("drafter"));
    if (!i) {
      state.SkipWithError(i.error().key.c_str());
      break;
    }
    for (int guard = 0; guard < 100; ++guard) {
      auto open = w.engine->open_tasks(i->id);
      if (!open || open->empty()) break;
      for (const auto& t : *open) {
        if (!complete(state, t)) return;
        ++completions;
      }
    }
  }
  state.counters["completions/s"] =
      benchmark::Counter(static_cast<double>(completions), benchmark::Counter::kIsRate);
  state.counters["instances/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// The completion transaction alone: the start of each instance and the reads
// of its open tasks happen with the clock paused, so completions/s is the
// rate of Engine::complete — what a server sustains when users press 办理.
void BM_CompleteOnly(benchmark::State& state) {
  World& w = world();
  std::vector<wf::Task> open;
  long long instance = 0;
  long long completions = 0;
  for (auto _ : state) {
    if (open.empty()) {
      state.PauseTiming();
      for (int guard = 0; guard < 2 && open.empty(); ++guard) {
        if (instance != 0) {
          auto next = w.engine->open_tasks(instance);
          if (next) open = std::move(*next);
        }
        if (open.empty()) {
          auto i = w.engine->start(reference_input(++counter), actor("drafter"));
          if (!i) {
            state.SkipWithError(i.error().key.c_str());
            return;
          }
          instance = i->id;
        }
      }
      state.ResumeTiming();
      if (open.empty()) {
        state.SkipWithError("no open task");
        return;
      }
    }
    wf::Task t = std::move(open.back());
    open.pop_back();
    if (!complete(state, t)) return;
    ++completions;
  }
  state.counters["completions/s"] =
      benchmark::Counter(static_cast<double>(completions), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_StartInstance)->UseRealTime()->Threads(1)->Threads(2)->Threads(4);
BENCHMARK(BM_CompleteTasks)->UseRealTime()->Threads(1)->Threads(2)->Threads(4);
BENCHMARK(BM_CompleteOnly)->UseRealTime()->Threads(1)->Threads(2)->Threads(4);

}  // namespace
