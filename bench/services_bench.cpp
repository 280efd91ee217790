// Online services (issue 6): application submissions per second through
// services::Applications::submit, end to end — the published item looked up,
// the form prefilled and validated on the server, its files stored
// (forms::AttachmentStore), the case created, its notices queued and the
// item's BPMN process started at its first task, all in one transaction —
// on SQLite (the embedded default: WAL, synchronous=FULL). Target: ≥ 300/s.
//
// The installation is what `yiwang init` + `yiwang demo` make, built in-process
// from the same public functions in a temporary directory: the CA root, the
// GB/T 2260 division table, the demo organs, staff, seals, processes and the
// four demo services. The applicant is a registered citizen (李明) applying for
// 企业开办 (SF-QYKB-0001: 14 fields, a repeatable group, two file fields) as
// the integration test tests/integration/service_demo_test.cpp does; each
// submission uploads files with new bytes, so every one is stored (a file
// already stored is skipped by its SM3 digest).
//
//   build/h-bench/bench/services_bench --benchmark_min_time=5
//
// YIWANG_BENCH_KEEP=1 keeps the temporary directory (its path is printed at
// exit), to look at the database afterwards.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/application.hpp"
#include "app/config.hpp"
#include "app/demo_city.hpp"
#include "core/china_time.hpp"
#include "core/progress.hpp"
#include "forms/submission.hpp"
#include "http/form_data.hpp"
#include "registry/division_store.hpp"
#include "services/applications.hpp"
#include "services/service_item.hpp"

#ifndef YIWANG_SHARE_DIR_BENCH
#define YIWANG_SHARE_DIR_BENCH "."
#endif

using namespace yiwang;

namespace {

constexpr const char* kStartUp = "SF-QYKB-0001";
// A bench-only item: 企业开办's organ and process, a form of three fields
// (one of them prefilled) and no files.
constexpr const char* kSmall = "BENCH-SMALL-0001";

std::string random_hex(int n) {
  std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < n; ++i) s += kHex[rng() & 0xf];
  return s;
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + r.error().key);
  return std::move(*r);
}

audit::AuditEvent bench_actor(const char* account) {
  return {.account = account, .organ = "-", .source = "bench"};
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// 企业开办 cut down to three fields and no materials (and no entity registered
// on approval).
nlohmann::json small_item_json() {
  auto file = nlohmann::json::parse(
      read_text(std::filesystem::path(YIWANG_SHARE_DIR_BENCH) / "data/services/start_up.json"));
  nlohmann::json item = file["item"];
  item["code"] = kSmall;
  item["name"] = "基准测试事项";
  item["materials"] = nlohmann::json::array();
  item.erase("registers_entity");  // its elements name fields dropped here
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& f : item["form"]["fields"])
    if (f["name"] == "company_name" || f["name"] == "company_type" || f["name"] == "phone")
      fields.push_back(f);
  item["form"]["fields"] = fields;
  nlohmann::json elements = nlohmann::json::array();
  for (const auto& e : item["licence"]["elements"])
    if (e["from"] == "company_name" || e["from"] == "company_type") elements.push_back(e);
  item["licence"]["elements"] = elements;
  return item;
}

// `yiwang init` + `yiwang demo` in a temporary directory, plus the small item.
class World {
 public:
  World() {
    spdlog::set_level(spdlog::level::warn);
    dir_ = std::filesystem::temp_directory_path() / ("yiwang-services-bench-" + random_hex(12));
    std::filesystem::create_directories(dir_);
    app::Config c;
    c.data_dir = dir_;
    c.share_dir = YIWANG_SHARE_DIR_BENCH;
    c.log_level = "warn";
    c.access_log = "off";
    c.master_key = random_hex(32);
    c.database_url = "sqlite:" + (dir_ / "yiwang.db").string();
    app_ = must(app::Application::open(c), "open");
    auto& a = *app_;
    NoProgress quiet;
    must(a.migrate(quiet), "migrate");
    auto cli = bench_actor("cli");
    must(a.accounts().create_administrators(cli), "administrators");
    must(a.authority().init("示范市电子政务认证中心", cli), "CA root");
    must(a.divisions().import_package(registry::default_division_package(c.share_dir), quiet, cli),
         "divisions");
    must(app::load_demo_organs(a.organs(), cli), "demo organs");
    must(app::load_demo_staff(a.organs(), a.accounts(), a.roles(), cli), "demo staff");
    must(app::load_demo_seals(a.organs(), a.accounts(), a.roles(), a.authority(), a.seals(), cli),
         "demo seals");
    must(app::load_demo_processes(a.organs(), a.accounts(), a.roles(), a.workflow(), c.share_dir,
                                  cli),
         "demo processes");
    auto published = must(app::load_demo_services(a.organs(), a.accounts(), a.roles(),
                                                  a.service_items(), c.share_dir, cli),
                          "demo services");
    if (published.published != 4) throw std::runtime_error("expected 4 demo services");

    auto small = services::parse_service_item(small_item_json());
    if (!small) throw std::runtime_error("small item: " + small.error().front().key);
    auto organ = must(a.organs().find_by_credit_code("11350100MB0000043C"), "organ");
    if (!organ) throw std::runtime_error("no 市场监管局");
    auto draft =
        must(a.service_items().save_draft(*small, organ->id, bench_actor("author")), "small draft");
    must(a.service_items().submit(draft.item_id, bench_actor("author")), "small submit");
    must(a.service_items().review(draft.item_id, true, "", bench_actor("reviewer")),
         "small review");

    // The applicant, registered as on the portal (one Argon2id hash).
    must(a.accounts().register_public(identity::AccountKind::citizen,
                                      {.name = "li.ming",
                                       .password = "Citizen-Pass-1",
                                       .password_confirm = "Citizen-Pass-1",
                                       .email = "li.ming@example.cn",
                                       .phone = "13800138000",
                                       .address = "示范市中山路1号",
                                       .real_name = "李明",
                                       .citizen_number = "350102199001011238"},
                                      a.password_policy(), bench_actor("-")),
         "citizen");
    applicant_ = {.account = "li.ming",
                  .name = "李明",
                  .citizen_number = "350102199001011238",
                  .email = "li.ming@example.cn",
                  .phone = "13800138000",
                  .audit = bench_actor("li.ming")};
  }

  ~World() {
    app_.reset();
    if (const char* keep = std::getenv("YIWANG_BENCH_KEEP"); keep && std::string(keep) == "1") {
      std::fprintf(stderr, "kept %s\n", dir_.c_str());
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  app::Application& app() { return *app_; }
  services::Applications& applications() { return app_->online().applications(); }
  const services::Applicant& applicant() const { return applicant_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<app::Application> app_;
  services::Applicant applicant_;
};

World& world() {
  static World w;
  return w;
}

std::atomic<long long> counter{0};

// How much CPU the rest of the machine used while a benchmark ran (a build
// next to it takes CPU from the measurement): the reading of thread 0, as
// the counter "other_cpus" — CPUs busy with other processes, on average
// (0.05 is 5 % of one CPU).
class OtherLoad {
 public:
  explicit OtherLoad(const benchmark::State& state) : on_(state.thread_index() == 0) {
    if (on_) read(busy0_, self0_, t0_);
  }
  void report(benchmark::State& state) {
    if (!on_) return;
    long long busy1 = 0, self1 = 0;
    std::chrono::steady_clock::time_point t1;
    read(busy1, self1, t1);
    double seconds = std::chrono::duration<double>(t1 - t0_).count();
    double ticks = static_cast<double>((busy1 - busy0_) - (self1 - self0_));
    if (seconds > 0)
      state.counters["other_cpus"] =
          std::max(0.0, ticks / static_cast<double>(::sysconf(_SC_CLK_TCK)) / seconds);
  }

 private:
  static void read(long long& busy, long long& self, std::chrono::steady_clock::time_point& t) {
    t = std::chrono::steady_clock::now();
    busy = self = 0;
    std::ifstream stat("/proc/stat");
    std::string cpu;
    long long v[8] = {};
    stat >> cpu;
    for (auto& x : v) stat >> x;
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];  // user nice system irq softirq steal
    std::ifstream mine("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(mine)), std::istreambuf_iterator<char>());
    std::istringstream rest(text.substr(text.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 15 && rest >> field; ++i)
      if (i == 14 || i == 15) self += std::stoll(field);  // utime, stime
  }

  bool on_;
  long long busy0_ = 0, self0_ = 0;
  std::chrono::steady_clock::time_point t0_;
};

// A PDF of `bytes` bytes (at least the minimal one) whose bytes differ from
// every other one this process makes: the number goes in a comment line.
class UniquePdf {
 public:
  explicit UniquePdf(std::size_t bytes) {
    data_ = "%PDF-1.4\n%0000000000000000\n1 0 obj<<>>endobj\n";
    std::mt19937_64 rng{42};
    while (data_.size() + 16 < bytes) data_ += static_cast<char>('!' + rng() % 90);
    data_ += "\ntrailer<<>>\n%%EOF\n";
  }
  const std::string& data() const { return data_; }
  // Gives `file` (a copy of data()) a new number, in place.
  static void renumber(std::string& file) {
    char digits[17];
    std::snprintf(digits, sizeof digits, "%016lld", ++counter);
    file.replace(10, 16, digits);
  }

 private:
  std::string data_;
};

// What the test posts for 企业开办 (the bound fields are filled from the
// account: legal representative, ID number, phone).
http::FormData start_up_form(const UniquePdf& charter, const UniquePdf& premises) {
  http::FormData form;
  for (auto [k, v] : std::initializer_list<std::pair<const char*, const char*>>{
           {"company_name", "示范云帆科技有限公司"},
           {"company_type", "有限责任公司"},
           {"capital", "100"},
           {"office.division", "350102"},
           {"office.detail", "中山路88号"},
           {"business_scope", "软件开发；信息技术咨询服务；数据处理和存储支持服务"},
           {"shareholders.count", "2"},
           {"shareholders.0.name", "李明"},
           {"shareholders.0.share", "60"},
           {"shareholders.1.name", "王芳"},
           {"shareholders.1.share", "40"},
           {"seal_count", "3"},
           {"invoice_kind", "电子普通发票"},
           {"employees", "5"}})
    form.add(k, v);
  form.files().push_back({"charter", "章程.pdf", "application/pdf", charter.data()});
  form.files().push_back({"premises", "租赁合同.pdf", "application/pdf", premises.data()});
  return form;
}

// New bytes for both files of the form: each submission stores its own.
void renumber(http::FormData& form) {
  for (auto& f : form.files()) UniquePdf::renumber(f.data);
}

bool submitted(benchmark::State& state, const Result<services::ApplyOutcome>& out) {
  if (!out) {
    state.SkipWithError(out.error().key.c_str());
    return false;
  }
  if (!out->record) {
    thread_local std::string why;
    why = out->submission.errors.empty()
              ? std::string("adjusted")
              : out->submission.errors.front().key + " " + out->submission.errors.front().field;
    state.SkipWithError(why.c_str());
    return false;
  }
  return true;
}

// items_per_second: submissions per second of wall-clock time, all threads together.
void rate(benchmark::State& state) { state.SetItemsProcessed(state.iterations()); }

// 企业开办 with two PDFs of state.range(0) KiB each (0: a minimal PDF of 64 bytes).
void BM_SubmitStartUp(benchmark::State& state) {
  World& w = world();
  std::size_t bytes = static_cast<std::size_t>(state.range(0)) * 1024;
  UniquePdf charter(bytes), premises(bytes);
  http::FormData form = start_up_form(charter, premises);
  OtherLoad load(state);
  for (auto _ : state) {
    renumber(form);  // 16 bytes each, in place
    auto out = w.applications().submit(kStartUp, form, 0, w.applicant());
    if (!submitted(state, out)) return;
  }
  load.report(state);
  rate(state);
  state.counters["file_bytes"] = benchmark::Counter(
      static_cast<double>(2 * form.files()[0].data.size()), benchmark::Counter::kAvgThreads);
}

// The small item: three fields, one of them filled from the account, no files.
void BM_SubmitSmall(benchmark::State& state) {
  World& w = world();
  http::FormData form;
  form.add("company_name", "示范云帆科技有限公司");
  form.add("company_type", "有限责任公司");
  OtherLoad load(state);
  for (auto _ : state) {
    auto out = w.applications().submit(kSmall, form, 0, w.applicant());
    if (!submitted(state, out)) return;
  }
  load.report(state);
  rate(state);
}

// Parts of a submission, for where the time goes (no database writes).

// Applications::item: the published item read from the catalogue (and parsed).
void BM_PublishedItem(benchmark::State& state) {
  World& w = world();
  for (auto _ : state) {
    auto entry = w.applications().item(kStartUp);
    if (!entry) state.SkipWithError(entry.error().key.c_str());
    benchmark::DoNotOptimize(entry);
  }
  state.SetItemsProcessed(state.iterations());
}

// Applications::prefill: the registries and licences read for the applicant.
void BM_Prefill(benchmark::State& state) {
  World& w = world();
  for (auto _ : state) benchmark::DoNotOptimize(w.applications().prefill(w.applicant()));
  state.SetItemsProcessed(state.iterations());
}

// forms::read_submission of the 企业开办 form with two PDFs of range(0) KiB:
// every field checked, the files typed and digested (SM3).
void BM_ReadSubmission(benchmark::State& state) {
  World& w = world();
  auto entry = must(w.applications().item(kStartUp), "item");
  std::size_t bytes = static_cast<std::size_t>(state.range(0)) * 1024;
  UniquePdf charter(bytes), premises(bytes);
  http::FormData form = start_up_form(charter, premises);
  forms::Context context;
  auto& divisions = w.app().divisions();
  context.division_name = [&divisions](std::string_view code) { return divisions.full_name(code); };
  context.today = core::china_today();
  context.prefill = w.applications().prefill(w.applicant());
  nlohmann::json previous = nlohmann::json::object();
  for (auto _ : state) {
    auto sub = forms::read_submission(entry.published->form, form, previous, context);
    if (!sub.ok()) state.SkipWithError("form rejected");
    benchmark::DoNotOptimize(sub);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_SubmitStartUp)
    ->ArgName("file_kib")
    ->Arg(0)
    ->Arg(100)
    ->Arg(1024)
    ->UseRealTime()
    ->Threads(1)
    ->Threads(2)
    ->Threads(4);
BENCHMARK(BM_SubmitSmall)->UseRealTime()->Threads(1)->Threads(2)->Threads(4);
BENCHMARK(BM_PublishedItem);
BENCHMARK(BM_Prefill);
BENCHMARK(BM_ReadSubmission)->ArgName("file_kib")->Arg(0)->Arg(100);

}  // namespace
