// The identity engine on the request path (issue 3):
//   - identity::Authorizer::authorize — what every request pays to resolve its
//     session cookie and check the route's permission (target < 20 µs), with
//     the principal cached (the normal case) and loaded from the database
//     (a session's first request on a node, and again every few seconds);
//   - identity::SignIn::sign_in with the production Argon2id cost — sign-ins
//     per second, bounded by the password hash; and the hash alone.
//
// Everything runs in-process against a migrated database of a real
// app::Application: SQLite in a temporary directory, and PostgreSQL when
// YIWANG_BENCH_PG_URL names a server (a fresh database is created there and
// dropped at exit; without the variable those benchmarks are not registered).
#include <benchmark/benchmark.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "app/application.hpp"
#include "app/config.hpp"
#include "app/demo_city.hpp"
#include "core/progress.hpp"
#include "db/database.hpp"
#include "identity/authorizer.hpp"
#include "identity/password.hpp"
#include "identity/permissions.hpp"
#include "identity/session_store.hpp"
#include "identity/sign_in.hpp"

#ifndef YIWANG_SHARE_DIR_BENCH
#define YIWANG_SHARE_DIR_BENCH "."
#endif

using namespace yiwang;

namespace {

enum class Engine { sqlite, postgresql };

const char* engine_name(Engine e) { return e == Engine::sqlite ? "sqlite" : "postgresql"; }

constexpr const char* kPassword = "Bench-Passw0rd!";

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

void must(Result<void> r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + r.error().key);
}

audit::AuditEvent bench_actor(const char* account) {
  return {.account = account, .organ = "-", .source = "bench"};
}

// A migrated installation with the demo organs, two civil servants in one
// organ — one granted a role holding identity.directory.read in that organ,
// one without grants — a live session of each on the intranet zone, and the
// routes the benchmarks authorise against.
class World {
 public:
  explicit World(Engine engine) {
    spdlog::set_level(spdlog::level::warn);  // no "migration applied" lines among the figures
    dir_ = std::filesystem::temp_directory_path() / ("yiwang-bench-" + random_hex(12));
    std::filesystem::create_directories(dir_);
    app::Config c;
    c.data_dir = dir_;
    c.share_dir = YIWANG_SHARE_DIR_BENCH;
    c.log_level = "warn";
    c.access_log = "off";
    c.master_key = random_hex(32);
    // The production Argon2id cost: app::Config's defaults, left as they are.
    if (engine == Engine::sqlite) {
      c.database_url = "sqlite:" + (dir_ / "yiwang.db").string();
    } else {
      admin_url_ = std::getenv("YIWANG_BENCH_PG_URL");
      pg_name_ = "yw_bench_" + random_hex(12);
      soci::session s(soci::postgresql, db::pg_keywords(admin_url_));
      s << "CREATE DATABASE " + pg_name_;
      auto slash = admin_url_.rfind('/');
      auto query = admin_url_.find('?', slash);
      c.database_url = admin_url_.substr(0, slash + 1) + pg_name_ +
                       (query == std::string::npos ? "" : admin_url_.substr(query));
    }
    cost_ = {c.password_hash_ops, c.password_hash_memory_kib * 1024};
    app_ = must(app::Application::open(c), "open");
    NoProgress quiet;
    must(app_->migrate(quiet), "migrate");
    must(app_->accounts().create_administrators(bench_actor("bench")), "administrators");
    must(app::load_demo_organs(app_->organs(), bench_actor("sysadmin")), "demo organs");
    long long city = must(app_->organs().children(std::nullopt), "organs").front().id;
    organ_ = must(app_->organs().children(city), "sub-organs").front().id;

    holder_ = staff("zhang.san", "张三");
    other_ = staff("li.si", "李四");
    auto role = must(app_->roles().create_role({"通讯录查阅", "", {identity::perm::kDirectoryRead}},
                                               bench_actor("secadmin")),
                     "role");
    must(app_->roles().grant(holder_.id, role.id, organ_, false, bench_actor("secadmin")), "grant");
    // Sessions after the grant: a grant ends the holder's sessions.
    holder_token_ = start_session(holder_.id);
    other_token_ = start_session(other_.id);

    auto ok = [](http::Request&) { return http::Response::text(""); };
    directory_ = {.method = "GET",
                  .pattern = "/directory",
                  .zone = http::Zone::intranet,
                  .permission = identity::perm::kDirectoryRead,
                  .handler = ok};
    home_ = {.method = "GET",
             .pattern = "/",
             .zone = http::Zone::internet,
             .permission = std::string(http::kPublic),
             .handler = ok};
    uncached_ = std::make_unique<identity::Authorizer>(
        app_->sessions(), app_->accounts(), app_->roles(), app_->security_policy(),
        app_->permissions(), pages(), std::chrono::milliseconds(0));
    // Wrong passwords counted as in production, but never enough to lock the
    // account during a run (the only difference from app_->sign_in()).
    identity::LockoutPolicy lenient;
    lenient.max_failures = INT_MAX;
    lenient_sign_in_ = std::make_unique<identity::SignIn>(app_->database(), app_->accounts(),
                                                          app_->sessions(), cost_, lenient);
  }

  ~World() {
    uncached_.reset();
    lenient_sign_in_.reset();
    app_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    if (!pg_name_.empty()) {
      try {
        soci::session s(soci::postgresql, db::pg_keywords(admin_url_));
        s << "DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)";
      } catch (...) {
      }
    }
  }

  app::Application& app() { return *app_; }
  identity::Authorizer& uncached() { return *uncached_; }
  identity::SignIn& lenient_sign_in() { return *lenient_sign_in_; }
  const identity::HashCost& cost() const { return cost_; }
  const http::Route& directory() const { return directory_; }
  const http::Route& home() const { return home_; }
  const identity::Account& holder() const { return holder_; }

  // A GET of the directory page on the intranet zone with a session cookie.
  http::Request staff_request(bool holder) const {
    http::Request r = base_request(http::Zone::intranet, "/directory");
    std::string cookie =
        std::string(identity::kSessionCookie) + "=" + (holder ? holder_token_ : other_token_);
    r.headers.push_back({"cookie", cookie});
    r.cookies.push_back({identity::kSessionCookie, holder ? holder_token_ : other_token_});
    return r;
  }
  // An anonymous GET of the portal home page.
  http::Request anonymous_request() const { return base_request(http::Zone::internet, "/"); }

 private:
  const render::PageRenderer& pages() {
    // The application's renderer is private: the uncached Authorizer gets a
    // twin built from the same templates (used only to render refusals).
    if (!pages_) {
      auto catalogue =
          render::Catalogue::load(std::filesystem::path(YIWANG_SHARE_DIR_BENCH) / "web" / "i18n");
      if (!catalogue) throw std::runtime_error("catalogue: " + catalogue.error().key);
      catalogue_ = std::move(*catalogue);
      templates_ =
          must(render::Templates::load(
                   std::filesystem::path(YIWANG_SHARE_DIR_BENCH) / "web" / "templates", catalogue_),
               "templates");
      site_ = std::make_unique<render::Site>(
          render::SiteInfo{app_->config().site_name, "", "", "", app_->config().base_url});
      pages_ = std::make_unique<render::PageRenderer>(templates_, *site_);
    }
    return *pages_;
  }

  static http::Request base_request(http::Zone zone, const std::string& path) {
    http::Request r;
    r.method = "GET";
    r.target = path;
    r.path = path;
    r.zone = zone;
    r.remote_addr = "127.0.0.1";
    r.request_id = "0123456789abcdef";
    r.headers.push_back({"host", "127.0.0.1"});
    r.headers.push_back({"user-agent", "identity_bench"});
    return r;
  }

  identity::Account staff(const char* name, const char* display) {
    auto made = must(
        app_->accounts().create_staff({.name = name, .display_name = display, .organ_id = organ_},
                                      bench_actor("sysadmin")),
        "staff");
    // Past the one-time password, so the session is not held at the
    // change-password step.
    must(app_->accounts().change_password(made.account.id, made.one_time_password, kPassword,
                                          identity::PasswordPolicy{}, bench_actor(name)),
         "password");
    return made.account;
  }

  std::string start_session(long long account_id) {
    return app_->database().transaction([&](soci::session& s) {
      return app_->sessions().start(s, account_id, "intranet", "127.0.0.1", "identity_bench",
                                    identity::kStageFull);
    });
  }

  std::filesystem::path dir_;
  std::string admin_url_, pg_name_;
  identity::HashCost cost_;
  std::unique_ptr<app::Application> app_;
  render::Catalogue catalogue_;
  std::shared_ptr<const render::Templates> templates_;
  std::unique_ptr<render::Site> site_;
  std::unique_ptr<render::PageRenderer> pages_;
  std::unique_ptr<identity::Authorizer> uncached_;
  std::unique_ptr<identity::SignIn> lenient_sign_in_;
  long long organ_ = 0;
  identity::Account holder_, other_;
  std::string holder_token_, other_token_;
  http::Route directory_, home_;
};

// One World per engine, built on first use (outside any timed loop) and torn
// down at exit.
World& world(Engine engine) {
  static std::mutex mutex;
  static std::unique_ptr<World> worlds[2];
  std::lock_guard lock(mutex);
  auto& w = worlds[static_cast<int>(engine)];
  if (!w) w = std::make_unique<World>(engine);
  return *w;
}

bool world_or_skip(benchmark::State& state, Engine engine, World*& out) {
  try {
    out = &world(engine);
    return true;
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return false;
  }
}

// --- authorisation --------------------------------------------------------

// Staff with the permission, principal cached (Authorizer as the application
// builds it: 5 s cache, reloaded when it expires during the run).
void BM_AuthorizeCached(benchmark::State& state, Engine engine) {
  World* w = nullptr;
  if (!world_or_skip(state, engine, w)) return;
  auto& authorizer = w->app().authorizer();
  http::Request req = w->staff_request(true);
  if (authorizer.authorize(req, w->directory()) || !req.principal) {
    state.SkipWithError("the staff member was refused");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(authorizer.authorize(req, w->directory()));
}

// The same request with the cache off (ttl 0): every call loads session,
// account and authority from the database — what a session's first request
// on a node costs, and what a cache miss after the 5 s expiry costs.
void BM_AuthorizeUncached(benchmark::State& state, Engine engine) {
  World* w = nullptr;
  if (!world_or_skip(state, engine, w)) return;
  auto& authorizer = w->uncached();
  http::Request req = w->staff_request(true);
  if (authorizer.authorize(req, w->directory()) || !req.principal) {
    state.SkipWithError("the staff member was refused");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(authorizer.authorize(req, w->directory()));
}

// Staff without the permission: the 403 page is rendered (principal cached).
void BM_AuthorizeDeniedCached(benchmark::State& state, Engine engine) {
  World* w = nullptr;
  if (!world_or_skip(state, engine, w)) return;
  auto& authorizer = w->app().authorizer();
  http::Request req = w->staff_request(false);
  auto first = authorizer.authorize(req, w->directory());
  if (!first || first->status != 403) {
    state.SkipWithError("the staff member without the permission was not refused with 403");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(authorizer.authorize(req, w->directory()));
}

// No cookie, public route: nothing to look up.
void BM_AuthorizeAnonymousPublic(benchmark::State& state, Engine engine) {
  World* w = nullptr;
  if (!world_or_skip(state, engine, w)) return;
  auto& authorizer = w->app().authorizer();
  http::Request req = w->anonymous_request();
  if (authorizer.authorize(req, w->home())) {
    state.SkipWithError("the anonymous visitor was refused");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(authorizer.authorize(req, w->home()));
}

// The three loads of an uncached authorisation, one at a time (to see where
// the uncached cost goes): the session by token digest (SessionStore::touch),
// the account (AccountStore::get), the authority (RoleStore::authority: the
// grants, then each granted role with its permissions).
void BM_LoadSession(benchmark::State& state, Engine engine) {
  World* w = nullptr;
  if (!world_or_skip(state, engine, w)) return;
  std::string token = w->staff_request(true).cookie(identity::kSessionCookie);
  for (auto _ : state) benchmark::DoNotOptimize(w->app().sessions().touch(token, "intranet"));
}

void BM_LoadAccount(benchmark::State& state, Engine engine) {
  World* w = nullptr;
  if (!world_or_skip(state, engine, w)) return;
  long long id = w->holder().id;
  for (auto _ : state) benchmark::DoNotOptimize(w->app().accounts().get(id));
}

void BM_LoadAuthority(benchmark::State& state, Engine engine) {
  World* w = nullptr;
  if (!world_or_skip(state, engine, w)) return;
  identity::Account holder = w->holder();
  for (auto _ : state) benchmark::DoNotOptimize(w->app().roles().authority(holder));
}

// --- signing in -----------------------------------------------------------

void set_rate(benchmark::State& state, const char* name) {
  state.counters[name] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

identity::SignInAttempt attempt(const std::string& account, const std::string& password) {
  return {.account = account,
          .password = password,
          .zone = "intranet",
          .source = "127.0.0.1",
          .user_agent = "identity_bench",
          .request_id = "0123456789abcdef"};
}

// The right password through the application's SignIn (production lockout
// and stage rule); starts a session each time.
void BM_SignIn(benchmark::State& state, Engine engine) {
  World* w = nullptr;
  if (!world_or_skip(state, engine, w)) return;
  auto& sign_in = w->app().sign_in();
  auto a = attempt("zhang.san", kPassword);
  for (auto _ : state) {
    auto r = sign_in.sign_in(a);
    if (!r) {
      state.SkipWithError(("sign-in failed: " + r.error().key).c_str());
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  set_rate(state, "sign_ins/s");
}

// A wrong password (counted as a failure and audited; see World for the
// lockout threshold).
void BM_SignInWrongPassword(benchmark::State& state, Engine engine) {
  World* w = nullptr;
  if (!world_or_skip(state, engine, w)) return;
  auto& sign_in = w->lenient_sign_in();
  auto a = attempt("li.si", "Wrong-Passw0rd!");
  for (auto _ : state) {
    auto r = sign_in.sign_in(a);
    if (r) {
      state.SkipWithError("a wrong password signed in");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  set_rate(state, "attempts/s");
}

// An account name that does not exist: the same Argon2id work (dummy hash).
void BM_SignInUnknownAccount(benchmark::State& state, Engine engine) {
  World* w = nullptr;
  if (!world_or_skip(state, engine, w)) return;
  auto& sign_in = w->lenient_sign_in();
  auto a = attempt("no.such.person", kPassword);
  for (auto _ : state) {
    auto r = sign_in.sign_in(a);
    if (r) {
      state.SkipWithError("an unknown account signed in");
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  set_rate(state, "attempts/s");
}

// --- Argon2id alone (no database) -----------------------------------------

identity::HashCost production_cost() {
  app::Config defaults;
  return {defaults.password_hash_ops, defaults.password_hash_memory_kib * 1024};
}

void BM_Argon2idHash(benchmark::State& state) {
  auto cost = production_cost();
  for (auto _ : state) benchmark::DoNotOptimize(identity::hash_password(kPassword, cost));
  set_rate(state, "hashes/s");
}

void BM_Argon2idVerify(benchmark::State& state) {
  static const std::string hash = identity::hash_password(kPassword, production_cost());
  for (auto _ : state) benchmark::DoNotOptimize(identity::verify_password(kPassword, hash));
  set_rate(state, "verifies/s");
}

// --- registration ---------------------------------------------------------

void register_engine(Engine e) {
  std::string n = engine_name(e);
  benchmark::RegisterBenchmark(("BM_AuthorizeCached/" + n).c_str(), BM_AuthorizeCached, e)
      ->UseRealTime();
  benchmark::RegisterBenchmark(("BM_AuthorizeUncached/" + n).c_str(), BM_AuthorizeUncached, e)
      ->UseRealTime();
  using Fn = void (*)(benchmark::State&, Engine);
  const std::pair<const char*, Fn> parts[] = {{"BM_LoadSession/", BM_LoadSession},
                                              {"BM_LoadAccount/", BM_LoadAccount},
                                              {"BM_LoadAuthority/", BM_LoadAuthority}};
  for (const auto& [name, fn] : parts)
    benchmark::RegisterBenchmark((name + n).c_str(), fn, e)->UseRealTime();
  if (e == Engine::sqlite) {
    benchmark::RegisterBenchmark(("BM_AuthorizeDeniedCached/" + n).c_str(),
                                 BM_AuthorizeDeniedCached, e)
        ->UseRealTime();
    benchmark::RegisterBenchmark(("BM_AuthorizeAnonymousPublic/" + n).c_str(),
                                 BM_AuthorizeAnonymousPublic, e)
        ->UseRealTime();
  }
  benchmark::RegisterBenchmark(("BM_SignIn/" + n).c_str(), BM_SignIn, e)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BM_SignIn/" + n).c_str(), BM_SignIn, e)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond)
      ->Threads(2);
  benchmark::RegisterBenchmark(("BM_SignInWrongPassword/" + n).c_str(), BM_SignInWrongPassword, e)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BM_SignInUnknownAccount/" + n).c_str(), BM_SignInUnknownAccount, e)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

[[maybe_unused]] const bool registered = [] {
  register_engine(Engine::sqlite);
  const char* pg = std::getenv("YIWANG_BENCH_PG_URL");
  if (pg && *pg) register_engine(Engine::postgresql);
  benchmark::RegisterBenchmark("BM_Argon2idHash", BM_Argon2idHash)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Argon2idVerify", BM_Argon2idVerify)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_Argon2idVerify", BM_Argon2idVerify)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond)
      ->Threads(2);
  return true;
}();

}  // namespace
