#include "app/application.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/master_key.hpp"
#include "app/system_routes.hpp"
#include "audit/audit_log.hpp"
#include "ca/ca_routes.hpp"
#include "ca/permissions.hpp"
#include "ca/seal_pages.hpp"
#include "ca/verify_routes.hpp"
#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "db/migration.hpp"
#include "http/csrf.hpp"
#include "identity/account_routes.hpp"
#include "identity/admin_routes.hpp"
#include "identity/api_routes.hpp"
#include "identity/organ_store.hpp"
#include "identity/registration_routes.hpp"
#include "identity/signin_routes.hpp"
#include "office/workdays_routes.hpp"
#include "portal/home_routes.hpp"
#include "portal/letter_routes.hpp"
#include "portal/permissions.hpp"
#include "portal/report_routes.hpp"
#include "portal/site_routes.hpp"
#include "portal/site_settings.hpp"
#include "registry/base_registry.hpp"
#include "registry/registry_routes.hpp"
#include "services/case_documents.hpp"
#include "services/permissions.hpp"
#include "workflow/permissions.hpp"

namespace yiwang::app {

namespace {

// 行政许可 decisions an organ made in a year, for its annual report on disclosure.
Result<long long> licensing_decisions(services::CaseStore& cases, long long organ_id, int year) {
  services::CaseFilter filter;
  filter.organ_id = organ_id;
  long long n = 0;
  for (int offset = 0;; offset += 200) {
    auto page = cases.list(filter, offset, 200);
    if (!page) return std::unexpected(page.error());
    for (const auto& c : page->cases)
      if (auto day = core::china_day_of(c.decided_at); day && core::year_of(*day) == year) ++n;
    if (offset + 200 >= page->total) break;
  }
  return n;
}

std::vector<db::Migration> all_migrations() {
  std::vector<db::Migration> out;
  for (auto list : {audit::AuditLog::migrations(),
                    crypto::Keyring::migrations(),
                    registry::DivisionStore::migrations(),
                    registry::RegistryStore::migrations(),
                    identity::OrganStore::migrations(),
                    identity::AccountStore::migrations(),
                    identity::SessionStore::migrations(),
                    identity::SignIn::migrations(),
                    identity::RoleStore::migrations(),
                    identity::AccountStore::profile_migrations(),
                    identity::SecondFactorStore::migrations(),
                    identity::PasswordResetStore::migrations(),
                    identity::AccountStore::sealing_migrations(),
                    ca::Authority::migrations(),
                    ca::SealStore::migrations(),
                    mail::Outbox::migrations(),
                    portal::SiteSettings::migrations(),
                    workflow::Engine::migrations(),
                    portal::Portal::migrations(),
                    services::ItemCatalogue::migrations(),
                    services::OnlineServices::migrations()})
    out.insert(out.end(), list.begin(), list.end());
  return out;
}

// Security headers every response carries.
void security_headers(const http::Request& req, http::Response& res) {
  if (!res.get("Content-Security-Policy"))
    res.set("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "strict-origin-when-cross-origin");
  if (req.secure) res.set("Strict-Transport-Security", "max-age=31536000");
  if (!res.get("Cache-Control"))
    res.set("Cache-Control", req.zone == http::Zone::internet ? "no-cache" : "no-store");
}

}  // namespace

Result<core::WorkCalendar> load_calendar(const std::filesystem::path& share_dir) {
  core::WorkCalendar calendar;
  std::filesystem::path dir = share_dir / "data" / "calendar";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return fail("calendar.missing_dir", "paths.share_dir", {{"path", dir.string()}});
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    auto year = core::parse_year_arrangement(ss.str());
    if (!year) {
      Error e = year.error();
      e.params["path"] = f.string();
      return std::unexpected(e);
    }
    calendar.add(std::move(*year));
  }
  return calendar;
}

Result<std::unique_ptr<Application>> Application::open(Config config) {
  std::unique_ptr<Application> app(new Application());
  app->config_ = std::move(config);
  const auto& share = app->config_.share_dir;

  auto catalogue = render::Catalogue::load(share / "web" / "i18n");
  if (!catalogue) return std::unexpected(catalogue.error());
  app->catalogue_ = std::move(*catalogue);
  auto templates = render::Templates::load(share / "web" / "templates", app->catalogue_);
  if (!templates) return std::unexpected(templates.error());
  app->templates_ = std::move(*templates);
  auto calendar = load_calendar(share);
  if (!calendar) return std::unexpected(calendar.error());
  app->calendar_ = std::move(*calendar);

  std::ifstream openapi(share / "docs" / "api" / "openapi.json");
  if (!openapi)
    return fail("app.openapi_missing", "paths.share_dir",
                {{"path", (share / "docs" / "api" / "openapi.json").string()}});
  std::stringstream ss;
  ss << openapi.rdbuf();
  app->openapi_ = ss.str();

  auto master = read_master_secret(app->config_);
  if (!master) return std::unexpected(master.error());

  db::Options options;
  options.url = app->config_.database_url;
  options.pool_size = app->config_.database_pool;
  auto db = db::Database::open(options);
  if (!db) return std::unexpected(db.error());
  app->db_ = std::move(*db);

  app->site_ = std::make_unique<render::Site>(
      render::SiteInfo{app->config_.site_name, app->config_.site_code, app->config_.icp_record,
                       app->config_.police_record, app->config_.base_url});
  app->pages_ = std::make_unique<render::PageRenderer>(app->templates_, *app->site_);
  app->divisions_ = std::make_unique<registry::DivisionStore>(*app->db_);
  app->audit_ = std::make_unique<audit::AuditLog>(*app->db_);
  app->keyring_ = std::make_unique<crypto::Keyring>(*app->db_, std::move(*master));
  app->registry_ = std::make_unique<registry::RegistryStore>(*app->db_, *app->keyring_);
  app->service_items_ = std::make_unique<services::ItemCatalogue>(*app->db_);
  app->organs_ = std::make_unique<identity::OrganStore>(*app->db_, *app->divisions_);
  app->service_items_->set_organ_names([organs = app->organs_.get()](long long id) {
    auto organ = organs->get(id);
    return organ && *organ ? (*organ)->name : std::string();
  });
  identity::HashCost cost{app->config_.password_hash_ops,
                          app->config_.password_hash_memory_kib * 1024};
  registry::DivisionStore* divisions = app->divisions_.get();
  app->accounts_ = std::make_unique<identity::AccountStore>(
      *app->db_, *app->keyring_, cost, [divisions](std::string_view code) {
        return !divisions->loaded() || divisions->exists(code);
      });
  // Registration on the portal is checked against the base registries and
  // records a new citizen in them (实名核验), in the registration's transaction.
  app->accounts_->set_registration_hook(
      [records = app->registry_.get()](soci::session& s, const identity::Account& a,
                                       const audit::AuditEvent& who) {
        bool citizen = a.kind == identity::AccountKind::citizen;
        return records->check_registration(s,
                                           {citizen, citizen ? a.citizen_number : a.credit_code,
                                            a.display_name, a.phone, a.email, a.address},
                                           who);
      });
  const Config& cf = app->config_;
  app->password_policy_.min_length = cf.password_min_length;
  app->password_policy_.min_classes = static_cast<int>(cf.password_min_classes);
  app->password_policy_.history = cf.password_history;
  app->sessions_ = std::make_unique<identity::SessionStore>(
      *app->db_, identity::SessionPolicy{std::chrono::minutes(cf.session_idle_minutes),
                                         std::chrono::hours(cf.session_absolute_hours)});
  identity::LockoutPolicy lockout;
  lockout.max_failures = static_cast<int>(cf.lockout_failures);
  lockout.window = std::chrono::minutes(cf.lockout_window_minutes);
  lockout.lock = std::chrono::minutes(cf.lockout_minutes);
  app->sign_in_ = std::make_unique<identity::SignIn>(*app->db_, *app->accounts_, *app->sessions_,
                                                     cost, lockout);
  identity::declare_identity_permissions(app->permissions_);
  ca::declare_ca_permissions(app->permissions_);
  workflow::declare_workflow_permissions(app->permissions_);
  services::declare_services_permissions(app->permissions_);
  portal::declare_portal_permissions(app->permissions_);
  app->roles_ = std::make_unique<identity::RoleStore>(*app->db_, app->permissions_, *app->organs_,
                                                      *app->sessions_);
  app->second_factor_ = std::make_unique<identity::SecondFactorStore>(*app->db_, *app->keyring_,
                                                                      app->config_.site_name);
  app->policy_ = std::make_unique<identity::SecurityPolicyStore>(
      *app->db_, identity::SecurityPolicy{
                     .second_factor_required = true,
                     .password_max_age_days = static_cast<int>(cf.password_max_age_days)});
  app->authorizer_ =
      std::make_unique<identity::Authorizer>(*app->sessions_, *app->accounts_, *app->roles_,
                                             *app->policy_, app->permissions_, *app->pages_);
  app->outbox_ = std::make_unique<mail::Outbox>(*app->db_);
  app->resets_ =
      std::make_unique<identity::PasswordResetStore>(*app->db_, *app->outbox_, app->catalogue_);
  std::string base_url = app->config_.base_url;
  if (base_url.empty())
    base_url = fmt::format("http://{}:{}", app->config_.internet.host, app->config_.internet.port);
  app->authority_ = std::make_unique<ca::Authority>(
      *app->db_, *app->keyring_,
      crypto::parse_key_algorithm(cf.signature_algorithm).value_or(crypto::KeyAlgorithm::sm2),
      base_url + "/ca/crl");
  app->seals_ = std::make_unique<ca::SealStore>(*app->db_, *app->authority_, *app->organs_,
                                                *app->second_factor_);
  app->services_ = std::unique_ptr<identity::Services>(new identity::Services{*app->pages_,
                                                                              *app->sign_in_,
                                                                              *app->sessions_,
                                                                              *app->accounts_,
                                                                              *app->organs_,
                                                                              *app->roles_,
                                                                              *app->second_factor_,
                                                                              *app->policy_,
                                                                              *app->resets_,
                                                                              *app->audit_,
                                                                              app->permissions_,
                                                                              app->password_policy_,
                                                                              base_url,
                                                                              {}});
  app->workflow_ = std::make_unique<workflow::Engine>(*app->db_, app->calendar_, app->directory_);
  app->online_ = std::make_unique<services::OnlineServices>(services::OnlineServicesParts{
      *app->db_, app->calendar_, app->catalogue_, *app->service_items_, *app->workflow_,
      *app->registry_, *app->divisions_, *app->organs_, *app->outbox_, base_url,
      app->config_.share_dir});
  services::CaseDocumentParts document_parts{*app->seals_,          *app->organs_,
                                             *app->accounts_,       app->catalogue_,
                                             app->online_->cases(), base_url};
  app->online_->set_document_maker(services::case_document_maker(document_parts));
  app->online_->set_licence_issuer(services::case_licence_issuer(
      document_parts, app->online_->licences(), *app->service_items_));
  auto letter_rules = portal::load_letter_rules(share);
  if (!letter_rules) return std::unexpected(letter_rules.error());
  app->portal_ =
      std::make_unique<portal::Portal>(portal::PortalParts{.db = *app->db_,
                                                           .organs = *app->organs_,
                                                           .engine = *app->workflow_,
                                                           .calendar = app->calendar_,
                                                           .share_dir = app->config_.share_dir,
                                                           .base_url = base_url,
                                                           .letter_rules = std::move(*letter_rules),
                                                           .catalogue = &app->catalogue_,
                                                           .keys = app->keyring_.get()});
  app->portal_->desk().register_steps(portal::disclosure_letter_maker(
      {*app->seals_, *app->accounts_, app->catalogue_, app->portal_->requests(), base_url}));
  app->portal_->requests().set_listener(
      portal::disclosure_notifier(app->catalogue_, *app->outbox_, base_url));
  app->portal_->reports().set_decision_counter(
      [cases = &app->online_->cases()](long long organ, int year) {
        return licensing_decisions(*cases, organ, year);
      });
  app->ca_services_ = std::unique_ptr<ca::CaServices>(
      new ca::CaServices{*app->services_, *app->authority_, *app->seals_});
  app->workflow_services_ = std::unique_ptr<workflow::WorkflowServices>(
      new workflow::WorkflowServices{*app->services_, *app->workflow_, app->task_forms_});
  // The stage a new session starts in: the second factor when enrolled,
  // enrolment when the policy requires it of an intranet account.
  identity::SecondFactorStore* second = app->second_factor_.get();
  identity::SecurityPolicyStore* policy = app->policy_.get();
  app->sign_in_->set_stage_rule(
      [second, policy](const identity::Account& a, const std::string& zone) -> Result<std::string> {
        auto enrolled = second->enrolled(a.id);
        if (!enrolled) return std::unexpected(enrolled.error());
        if (*enrolled) return std::string(identity::kStageSecondFactor);
        if (zone == "intranet" && policy->get().second_factor_required)
          return std::string(identity::kStageEnrol);
        return std::string(identity::kStageFull);
      });
  auto current = app->schema_current();
  if (current && *current) {
    if (auto keys = app->keyring_->load(); !keys) return std::unexpected(keys.error());
    if (auto loaded = app->divisions_->load(); !loaded) return std::unexpected(loaded.error());
    if (auto loaded = app->portal_->columns().load(); !loaded)
      return std::unexpected(loaded.error());
    app->refresh_site();
  }
  app->metrics_.add_gauge("yiwang_db_pool_connections", "Database connections in the pool.",
                          [db = app->db_.get()] { return static_cast<double>(db->stats().size); });
  app->metrics_.add_gauge(
      "yiwang_db_pool_in_use", "Database connections lent out now.",
      [db = app->db_.get()] { return static_cast<double>(db->stats().in_use); });
  return app;
}

Application::~Application() {
  if (server_) {
    server_->stop();
    server_->wait();
  }
  follower_.reset();
  indexer_.reset();
  if (services_) services_->mail_written = nullptr;
  mail_sender_.reset();
  timers_.reset();
  sealer_.reset();  // seals what the last requests recorded
}

Result<int> Application::migrate(Progress& progress) {
  db::Migrator m(*db_);
  m.add(all_migrations());
  auto n = m.apply(progress);
  if (n) {
    if (auto keys = keyring_->load(); !keys) return std::unexpected(keys.error());
    // Personal fields and secrets written before they were encrypted.
    if (auto r = accounts_->reseal(progress); !r) return std::unexpected(r.error());
    if (auto r = second_factor_->reseal(progress); !r) return std::unexpected(r.error());
    if (auto loaded = divisions_->load(); !loaded) return std::unexpected(loaded.error());
    if (auto loaded = portal_->columns().load(); !loaded) return std::unexpected(loaded.error());
    refresh_site();
  }
  return n;
}

Result<bool> Application::schema_current() {
  db::Migrator m(*db_);
  m.add(all_migrations());
  auto st = m.status();
  if (!st) return std::unexpected(st.error());
  return std::all_of(st->begin(), st->end(), [](const auto& s) { return s.applied; });
}

Result<search::SearchIndex*> Application::search_index() {
  if (!search_) {
    auto opened = search::SearchIndex::open(config_.data_dir / "search");
    if (!opened) return std::unexpected(opened.error());
    search_ = std::move(*opened);
  }
  return search_.get();
}

void Application::refresh_site() {
  portal::SiteSettings settings(*db_);
  if (auto name = settings.get("site.name"); name && *name) site_->set_name(**name);
}

void Application::register_routes() {
  if (routes_registered_) return;
  routes_registered_ = true;
  portal::register_home_routes(router_, *pages_, calendar_, *divisions_, *portal_);
  portal::register_site_routes(router_, *pages_, *portal_);
  editor_pages_ = std::unique_ptr<portal::EditorPages>(
      new portal::EditorPages{*services_, *portal_, calendar_});
  portal::register_editor_routes(router_, *editor_pages_);
  portal::register_review_task_form(task_forms_, *editor_pages_);
  disclosure_pages_ =
      std::unique_ptr<portal::DisclosurePages>(new portal::DisclosurePages{*services_, *portal_});
  portal::register_disclosure_routes(router_, *disclosure_pages_);
  portal::register_disclosure_task_forms(task_forms_, *disclosure_pages_);
  portal::add_disclosure_nav(*pages_);
  report_pages_ =
      std::unique_ptr<portal::ReportPages>(new portal::ReportPages{*services_, *portal_});
  portal::register_report_routes(router_, *report_pages_);
  portal::add_report_nav(*pages_);
  consultation_pages_ = std::unique_ptr<portal::ConsultationPages>(
      new portal::ConsultationPages{*services_, *portal_});
  portal::register_consultation_routes(router_, *consultation_pages_);
  portal::add_consultation_nav(*pages_);
  portal::register_letter_routes(router_, *pages_, *portal_);
  letter_desk_ = std::unique_ptr<portal::LetterDesk>(new portal::LetterDesk{*services_, *portal_});
  portal::register_letter_desk_routes(router_, *letter_desk_);
  portal::register_letter_task_forms(task_forms_, *letter_desk_);
  portal::add_letter_nav(*pages_);
  portal::add_portal_nav(*pages_);
  registry::register_registry_routes(router_, *pages_, *divisions_);
  for (auto zone : {http::Zone::intranet, http::Zone::internet}) {
    identity::register_signin_routes(router_, *services_, zone);
    identity::register_password_routes(router_, *services_, zone);
    identity::register_account_routes(router_, *services_, zone);
  }
  identity::register_registration_routes(router_, *services_);
  identity::register_system_admin_routes(router_, *services_);
  identity::register_security_admin_routes(router_, *services_);
  identity::register_audit_routes(router_, *services_);
  identity::register_directory_routes(router_, *services_);
  identity::register_identity_api(router_, *services_);
  identity::add_admin_nav(*pages_);
  ca::add_seal_nav(*pages_);
  office::register_workdays_routes(router_, *pages_, calendar_);
  ca::register_ca_public_routes(router_, *pages_, *authority_);
  ca::register_seal_routes(router_, *ca_services_);
  ca::register_verify_routes(router_, *pages_, *seals_);
  workflow::register_workflow_routes(router_, *workflow_services_);
  workflow::add_workflow_nav(*pages_);
  service_pages_ = std::unique_ptr<services::ServicePages>(
      new services::ServicePages{*services_, *online_, *workflow_});
  services::register_service_routes(router_, *service_pages_);
  services::register_case_task_forms(task_forms_, *service_pages_);
  services::add_service_nav(*pages_);
  register_system_routes(router_, *db_, metrics_, openapi_);
  authorizer_->check_routes(router_);
}

void Application::start() {
  register_routes();
  http::ServerOptions options = config_.http;
  options.listeners = {config_.internet, config_.intranet, config_.exchange};
  options.static_dir = config_.share_dir / "web" / "static";
  http::ServerHooks hooks;
  const render::PageRenderer* pages = pages_.get();
  hooks.error_page = [pages](const http::Request& req, const http::HttpError& e) {
    return pages->error(req, e.status, e.key, e.params);
  };
  hooks.finish = security_headers;
  identity::Authorizer* authorizer = authorizer_.get();
  hooks.authorize = [authorizer](http::Request& req, const http::Route& route) {
    return authorizer->authorize(req, route);
  };
  server_ = std::make_unique<http::Server>(options, router_, hooks, &metrics_);
  // The site search follows the published documents; a node whose index
  // cannot be opened serves without search (and says so on /search).
  http::PageCache* cache = &server_->page_cache();
  if (auto index = search_index(); index) {
    portal_->set_search(*index);
    indexer_ = std::make_unique<search::Indexer>(**index, *db_,
                                                 [cache] { cache->invalidate_prefix("/search"); });
  } else {
    spdlog::error("site search unavailable: {} {}", index.error().key,
                  index.error().params["detail"]);
  }
  portal::ArticleStore* articles = &portal_->articles();
  portal::LetterProcess* letters = &portal_->letter_process();
  follower_ = std::make_unique<portal::SiteFollower>(
      *db_,
      [articles, letters] {
        if (auto due = articles->publish_due(); !due)
          spdlog::warn("scheduled articles: {}", due.error().params["detail"]);
        letters->tick(core::china_today());  // 督办 and the rating window
      },
      [cache](const std::string& path) {
        if (path.ends_with('*'))
          cache->invalidate_prefix(std::string_view(path).substr(0, path.size() - 1));
        else
          cache->invalidate(path);
      });
  server_->start();
  sealer_ = std::make_unique<audit::AuditSealer>(*audit_);
  timers_ = std::make_unique<workflow::TimerRunner>(*workflow_);
  mail::SmtpSettings smtp{config_.smtp_url, config_.mail_from, config_.smtp_user,
                          config_.smtp_password};
  mail_sender_ = std::make_unique<mail::MailSender>(*outbox_, smtp);
  mail_sender_->start();
  mail::MailSender* sender = mail_sender_.get();
  services_->mail_written = [sender] { sender->poke(); };
}

}  // namespace yiwang::app
