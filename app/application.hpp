// The composition root: configuration → database → modules → routes on zones
// → server. The command-line subcommands and the integration tests build the
// program through this class, so the tests run exactly what `yiwang serve`
// runs.
#pragma once

#include <filesystem>
#include <memory>

#include "app/config.hpp"
#include "audit/audit_log.hpp"
#include "audit/audit_sealer.hpp"
#include "ca/authority.hpp"
#include "ca/seal_routes.hpp"
#include "ca/seal_store.hpp"
#include "core/error.hpp"
#include "core/progress.hpp"
#include "core/work_calendar.hpp"
#include "crypto/keyring.hpp"
#include "db/database.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "identity/account_store.hpp"
#include "identity/authorizer.hpp"
#include "identity/organ_store.hpp"
#include "identity/password_reset.hpp"
#include "identity/permissions.hpp"
#include "identity/role_store.hpp"
#include "identity/second_factor_store.hpp"
#include "identity/security_policy.hpp"
#include "identity/services.hpp"
#include "identity/session_store.hpp"
#include "identity/sign_in.hpp"
#include "mail/outbox.hpp"
#include "mail/smtp_sender.hpp"
#include "portal/consultation_routes.hpp"
#include "portal/disclosure_routes.hpp"
#include "portal/editor_routes.hpp"
#include "portal/letter_desk_routes.hpp"
#include "portal/portal.hpp"
#include "portal/report_routes.hpp"
#include "portal/site_changes.hpp"
#include "registry/base_registry.hpp"
#include "registry/division_store.hpp"
#include "render/catalogue.hpp"
#include "render/page_renderer.hpp"
#include "render/site.hpp"
#include "search/search_index.hpp"
#include "services/item_catalogue.hpp"
#include "services/online_services.hpp"
#include "services/service_routes.hpp"
#include "workflow/engine.hpp"
#include "workflow/identity_directory.hpp"
#include "workflow/task_forms.hpp"
#include "workflow/timer_runner.hpp"
#include "workflow/workflow_routes.hpp"

namespace yiwang::app {

class Application {
 public:
  // Opens the database and loads catalogue, templates, calendar and the
  // division table. Does not change the database.
  static Result<std::unique_ptr<Application>> open(Config config);
  ~Application();

  // Every module's migrations, in dependency order.
  Result<int> migrate(Progress& progress);
  // Whether migrations are pending.
  Result<bool> schema_current();

  // Registers every module's routes (once) and starts the listeners.
  void start();
  http::Server& server() { return *server_; }
  const http::Router& router() const { return router_; }

  const Config& config() const { return config_; }
  db::Database& database() { return *db_; }
  audit::AuditLog& audit_log() { return *audit_; }
  crypto::Keyring& keyring() { return *keyring_; }
  ca::Authority& authority() { return *authority_; }
  ca::SealStore& seals() { return *seals_; }
  identity::OrganStore& organs() { return *organs_; }
  identity::AccountStore& accounts() { return *accounts_; }
  identity::SessionStore& sessions() { return *sessions_; }
  identity::SignIn& sign_in() { return *sign_in_; }
  identity::RoleStore& roles() { return *roles_; }
  identity::SecondFactorStore& second_factor() { return *second_factor_; }
  identity::SecurityPolicyStore& security_policy() { return *policy_; }
  identity::Authorizer& authorizer() { return *authorizer_; }
  identity::PasswordResetStore& password_resets() { return *resets_; }
  mail::Outbox& outbox() { return *outbox_; }
  const identity::PermissionCatalogue& permissions() const { return permissions_; }
  const identity::PasswordPolicy& password_policy() const { return password_policy_; }
  registry::DivisionStore& divisions() { return *divisions_; }
  // The population and legal-entity records (registry/base_registry.hpp).
  registry::RegistryStore& base_registry() { return *registry_; }
  // The service catalogue (services/item_catalogue.hpp).
  services::ItemCatalogue& service_items() { return *service_items_; }
  // Applications, cases, notices and files of online services.
  services::OnlineServices& online() { return *online_; }
  const core::WorkCalendar& calendar() const { return calendar_; }
  const render::Catalogue& catalogue() const { return catalogue_; }
  render::Site& site() { return *site_; }
  workflow::Engine& workflow() { return *workflow_; }
  // Where modules register the business forms of their task pages (by form key).
  workflow::TaskForms& task_forms() { return task_forms_; }
  // Columns, articles and their review (portal/portal.hpp).
  portal::Portal& portal() { return *portal_; }
  // The site search, opened by search_index() or start() (<data dir>/search).
  Result<search::SearchIndex*> search_index();

  // Reads the site name a demo or administrator stored over the configured one.
  void refresh_site();

 private:
  Application() = default;
  void register_routes();

  Config config_;
  std::unique_ptr<db::Database> db_;
  render::Catalogue catalogue_;
  std::shared_ptr<const render::Templates> templates_;
  std::unique_ptr<render::Site> site_;
  std::unique_ptr<render::PageRenderer> pages_;
  core::WorkCalendar calendar_;
  std::unique_ptr<registry::DivisionStore> divisions_;
  std::unique_ptr<registry::RegistryStore> registry_;
  std::unique_ptr<services::ItemCatalogue> service_items_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<crypto::Keyring> keyring_;
  std::unique_ptr<ca::Authority> authority_;
  std::unique_ptr<ca::SealStore> seals_;
  std::unique_ptr<ca::CaServices> ca_services_;
  std::unique_ptr<identity::OrganStore> organs_;
  std::unique_ptr<identity::AccountStore> accounts_;
  std::unique_ptr<identity::SessionStore> sessions_;
  std::unique_ptr<identity::SignIn> sign_in_;
  identity::PermissionCatalogue permissions_;
  std::unique_ptr<identity::RoleStore> roles_;
  std::unique_ptr<identity::SecondFactorStore> second_factor_;
  std::unique_ptr<identity::SecurityPolicyStore> policy_;
  std::unique_ptr<identity::Authorizer> authorizer_;
  std::unique_ptr<mail::Outbox> outbox_;
  std::unique_ptr<identity::PasswordResetStore> resets_;
  std::unique_ptr<identity::Services> services_;
  std::unique_ptr<mail::MailSender> mail_sender_;  // while serving
  identity::PasswordPolicy password_policy_;
  std::unique_ptr<audit::AuditSealer> sealer_;  // while serving
  workflow::IdentityDirectory directory_;
  std::unique_ptr<workflow::Engine> workflow_;
  std::unique_ptr<workflow::TimerRunner> timers_;  // while serving
  workflow::TaskForms task_forms_;
  std::unique_ptr<services::OnlineServices> online_;
  std::unique_ptr<services::ServicePages> service_pages_;
  std::unique_ptr<workflow::WorkflowServices> workflow_services_;
  http::Router router_;
  http::Metrics metrics_;
  std::string openapi_;  // the repository's OpenAPI document
  std::unique_ptr<portal::Portal> portal_;
  std::unique_ptr<portal::EditorPages> editor_pages_;
  std::unique_ptr<portal::DisclosurePages> disclosure_pages_;
  std::unique_ptr<portal::ReportPages> report_pages_;
  std::unique_ptr<portal::ConsultationPages> consultation_pages_;
  std::unique_ptr<portal::LetterDesk> letter_desk_;
  std::unique_ptr<search::SearchIndex> search_;
  std::unique_ptr<search::Indexer> indexer_;        // while serving
  std::unique_ptr<portal::SiteFollower> follower_;  // while serving
  std::unique_ptr<http::Server> server_;
  bool routes_registered_ = false;
};

// Reads every data/calendar/*.toml below the share directory.
Result<core::WorkCalendar> load_calendar(const std::filesystem::path& share_dir);

}  // namespace yiwang::app
