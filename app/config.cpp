#include "app/config.hpp"

#include <cstdlib>
#include <fstream>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace yiwang::app {

namespace {

enum class Kind { text, count, listen, level, path, algorithm };

// One configuration key: where it lives, what it holds, how to set it.
struct Key {
  std::string section;
  std::string name;
  Kind kind;
  std::function<void(Config&, const std::string&)> set;
  std::function<std::string(const Config&)> get;
  std::string comment;
  long long min = 0;
  long long max = 0;
};

std::string env_name(const Key& k) {
  std::string out = "YIWANG_" + k.section + "_" + k.name;
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Key text(std::string section, std::string name, std::string Config::*member, std::string comment) {
  return {section,
          name,
          Kind::text,
          [member](Config& c, const std::string& v) { c.*member = v; },
          [member](const Config& c) { return c.*member; },
          std::move(comment)};
}

Key count(std::string section, std::string name, std::function<std::size_t&(Config&)> ref,
          long long min, long long max, std::string comment) {
  Key k{section,
        name,
        Kind::count,
        [ref](Config& c, const std::string& v) { ref(c) = std::stoull(v); },
        [ref](const Config& c) { return std::to_string(ref(const_cast<Config&>(c))); },
        std::move(comment)};
  k.min = min;
  k.max = max;
  return k;
}

Key millis(std::string section, std::string name,
           std::function<std::chrono::milliseconds&(Config&)> ref, long long min, long long max,
           std::string comment) {
  Key k{
      section,
      name,
      Kind::count,
      [ref](Config& c, const std::string& v) { ref(c) = std::chrono::milliseconds(std::stoll(v)); },
      [ref](const Config& c) { return std::to_string(ref(const_cast<Config&>(c)).count()); },
      std::move(comment)};
  k.min = min;
  k.max = max;
  return k;
}

Key listen(std::string name, http::ListenerConfig Config::*member, std::string comment) {
  return {"listen",
          name,
          Kind::listen,
          [member](Config& c, const std::string& v) {
            auto colon = v.rfind(':');
            std::string host = v.substr(0, colon);
            if (host.size() > 2 && host.front() == '[' && host.back() == ']')
              host = host.substr(1, host.size() - 2);
            (c.*member).host = host;
            (c.*member).port = static_cast<unsigned short>(std::stoul(v.substr(colon + 1)));
          },
          [member](const Config& c) {
            const auto& l = c.*member;
            return l.host.find(':') != std::string::npos ? fmt::format("[{}]:{}", l.host, l.port)
                                                         : fmt::format("{}:{}", l.host, l.port);
          },
          std::move(comment)};
}

Key tls(std::string name, http::ListenerConfig Config::*member, std::string http::TlsConfig::*field,
        std::string comment) {
  return {"tls",
          name,
          Kind::path,
          [member, field](Config& c, const std::string& v) { (c.*member).tls.*field = v; },
          [member, field](const Config& c) { return (c.*member).tls.*field; },
          std::move(comment)};
}

const std::vector<Key>& keys() {
  static const std::vector<Key> k = [] {
    std::vector<Key> v;
    v.push_back(
        text("site", "name", &Config::site_name, "网站名称 (site name shown in the header)"));
    v.push_back(
        text("site", "code", &Config::site_code, "政府网站标识码 (government website identifier)"));
    v.push_back(text("site", "icp", &Config::icp_record, "ICP备案号, e.g. 京ICP备00000000号"));
    v.push_back(text("site", "police_record", &Config::police_record,
                     "公安机关备案号, e.g. 京公网安备 11000000000000号"));
    v.push_back(text("site", "base_url", &Config::base_url,
                     "canonical public address of the portal, e.g. https://www.example.gov.cn"));
    v.push_back(text("database", "url", &Config::database_url,
                     "sqlite:PATH (default: yiwang.db in the data directory) or "
                     "postgresql://user:password@host:port/dbname"));
    v.push_back(count(
        "database", "pool_size", [](Config& c) -> std::size_t& { return c.database_pool; }, 1, 256,
        "connections kept open"));
    v.push_back(listen("internet", &Config::internet, "外网 zone: portal and online services"));
    v.push_back(
        listen("intranet", &Config::intranet, "内网 zone: office workbench and administration"));
    v.push_back(listen("exchange", &Config::exchange, "专网 zone: exchange between organs' nodes"));
    for (auto [zone, member] :
         {std::pair{"internet", &Config::internet}, std::pair{"intranet", &Config::intranet},
          std::pair{"exchange", &Config::exchange}}) {
      std::string z = zone;
      v.push_back(tls(z + "_cert", member, &http::TlsConfig::cert_file,
                      "PEM certificate chain; when set the " + z + " zone speaks TLS"));
      v.push_back(tls(z + "_key", member, &http::TlsConfig::key_file, "PEM private key"));
      v.push_back(tls(z + "_client_ca", member, &http::TlsConfig::client_ca_file,
                      "PEM CA file; when set clients must present a certificate it signed"));
    }
    auto lim = [](auto field) {
      return [field](Config& c) -> std::size_t& { return c.http.limits.*field; };
    };
    v.push_back(count("http", "io_threads", nullptr, 0, 256, "I/O threads (0: one per CPU)"));
    v.back().set = [](Config& c, const std::string& s) { c.http.io_threads = std::stoul(s); };
    v.back().get = [](const Config& c) { return std::to_string(c.http.io_threads); };
    v.push_back(count("http", "handler_threads", nullptr, 1, 1024,
                      "threads that run request handlers (may block on the database)"));
    v.back().set = [](Config& c, const std::string& s) { c.http.handler_threads = std::stoul(s); };
    v.back().get = [](const Config& c) { return std::to_string(c.http.handler_threads); };
    v.push_back(count("http", "max_header_bytes", lim(&http::Limits::max_header_bytes), 1024,
                      1 << 20, "largest request head"));
    v.push_back(count("http", "max_body_bytes", lim(&http::Limits::max_body_bytes), 1024, 1LL << 32,
                      "largest request body"));
    v.push_back(count("http", "max_form_fields", lim(&http::Limits::max_form_fields), 1, 100000,
                      "most fields in one form"));
    v.push_back(count("http", "max_field_bytes", lim(&http::Limits::max_field_bytes), 64, 1LL << 30,
                      "largest form field value"));
    v.push_back(count("http", "max_files", lim(&http::Limits::max_files), 0, 1000,
                      "most uploaded files in one form"));
    v.push_back(count("http", "max_file_bytes", lim(&http::Limits::max_file_bytes), 1024, 1LL << 32,
                      "largest uploaded file"));
    v.push_back(millis(
        "http", "header_timeout_ms",
        [](Config& c) -> std::chrono::milliseconds& { return c.http.header_timeout; }, 100, 3600000,
        "time to send a request head; also the keep-alive idle limit"));
    v.push_back(millis(
        "http", "body_timeout_ms",
        [](Config& c) -> std::chrono::milliseconds& { return c.http.body_timeout; }, 100, 3600000,
        "time to send a request body"));
    v.push_back(millis(
        "http", "write_timeout_ms",
        [](Config& c) -> std::chrono::milliseconds& { return c.http.write_timeout; }, 100, 3600000,
        "time to take a response"));
    v.push_back(millis(
        "http", "shutdown_grace_ms",
        [](Config& c) -> std::chrono::milliseconds& { return c.http.shutdown_grace; }, 0, 600000,
        "how long in-flight requests may finish after SIGTERM"));
    v.push_back(count("security", "password_hash_ops", nullptr, 1, 20,
                      "Argon2id passes per password hash (cost of a sign-in)"));
    v.back().set = [](Config& c, const std::string& s) { c.password_hash_ops = std::stoull(s); };
    v.back().get = [](const Config& c) { return std::to_string(c.password_hash_ops); };
    v.push_back(count("security", "password_hash_memory_kib", nullptr, 8, 4 * 1024 * 1024,
                      "Argon2id memory per password hash, in KiB"));
    v.back().set = [](Config& c, const std::string& s) {
      c.password_hash_memory_kib = std::stoull(s);
    };
    v.back().get = [](const Config& c) { return std::to_string(c.password_hash_memory_kib); };
    v.push_back(count(
        "security", "password_min_length",
        [](Config& c) -> std::size_t& { return c.password_min_length; }, 8, 64,
        "a password has at least this many characters"));
    v.push_back(count(
        "security", "password_min_classes",
        [](Config& c) -> std::size_t& { return c.password_min_classes; }, 3, 4,
        "character classes a password mixes: lower case, upper case, digits, others"));
    v.push_back(count(
        "security", "password_history",
        [](Config& c) -> std::size_t& { return c.password_history; }, 1, 24,
        "a new password may not be one of the last this many"));
    v.push_back(count(
        "security", "password_max_age_days",
        [](Config& c) -> std::size_t& { return c.password_max_age_days; }, 0, 365,
        "days an intranet password lives (0: forever) until the security administrator sets it"));
    v.push_back(count(
        "security", "session_idle_minutes",
        [](Config& c) -> std::size_t& { return c.session_idle_minutes; }, 1, 1440,
        "a session unused for this many minutes ends (GB/T 22239: sign in again)"));
    v.push_back(count(
        "security", "session_absolute_hours",
        [](Config& c) -> std::size_t& { return c.session_absolute_hours; }, 1, 168,
        "any session ends this many hours after signing in"));
    v.push_back(count(
        "security", "lockout_failures",
        [](Config& c) -> std::size_t& { return c.lockout_failures; }, 1, 100,
        "wrong passwords or codes within the window that lock an account"));
    v.push_back(count(
        "security", "lockout_window_minutes",
        [](Config& c) -> std::size_t& { return c.lockout_window_minutes; }, 1, 1440,
        "the window, in minutes, in which failures are counted"));
    v.push_back(count(
        "security", "lockout_minutes", [](Config& c) -> std::size_t& { return c.lockout_minutes; },
        1, 1440, "how long a locked account stays locked (the security administrator can unlock)"));
    Key master{"crypto",
               "master_key_file",
               Kind::path,
               [](Config& c, const std::string& s) { c.master_key_file = s; },
               [](const Config& c) { return c.master_key_file.string(); },
               "file holding the master secret that encrypts the platform's keys (relative to "
               "the data directory; owner-only permissions). YIWANG_MASTER_KEY, when set, gives "
               "the secret itself instead"};
    v.push_back(master);
    Key algorithm{"crypto",
                  "signature_algorithm",
                  Kind::algorithm,
                  [](Config& c, const std::string& s) { c.signature_algorithm = s; },
                  [](const Config& c) { return c.signature_algorithm; },
                  "signature algorithm of the platform CA: sm2 (GB/T 32918), or ed25519 for "
                  "deployments outside China"};
    v.push_back(algorithm);
    v.push_back(text("mail", "smtp_url", &Config::smtp_url,
                     "outgoing mail server, smtp://host:port or smtps://host:port (empty: mail "
                     "waits in the outbox)"));
    v.push_back(text("mail", "from", &Config::mail_from, "sender address of the platform's mail"));
    v.push_back(text("mail", "user", &Config::smtp_user, "SMTP user name (empty: none)"));
    v.push_back(text("mail", "password", &Config::smtp_password, "SMTP password"));
    Key level{"log",
              "level",
              Kind::level,
              [](Config& c, const std::string& s) { c.log_level = s; },
              [](const Config& c) { return c.log_level; },
              "trace, debug, info, warn, error or off"};
    v.push_back(level);
    v.push_back(text("log", "access_log", &Config::access_log,
                     "JSON access log: a file name in the data directory, \"stderr\" or \"off\""));
    Key share{"paths",
              "share_dir",
              Kind::path,
              [](Config& c, const std::string& s) { c.share_dir = s; },
              [](const Config& c) { return c.share_dir.string(); },
              "where web/, data/ and node_modules/ are"};
    v.push_back(share);
    return v;
  }();
  return k;
}

// Checks a raw value for a key before it is applied.
std::optional<Error> check(const Key& k, const std::string& value) {
  std::string full = k.section + "." + k.name;
  switch (k.kind) {
    case Kind::text:
    case Kind::path:
      if (value.find('\0') != std::string::npos)
        return Error("config.bad_text", full, {{"value", value}});
      return std::nullopt;
    case Kind::count: {
      if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos)
        return Error("config.not_integer", full, {{"value", value}});
      long long n = 0;
      try {
        n = std::stoll(value);
      } catch (...) {
        return Error(
            "config.out_of_range", full,
            {{"value", value}, {"min", std::to_string(k.min)}, {"max", std::to_string(k.max)}});
      }
      if (n < k.min || n > k.max)
        return Error(
            "config.out_of_range", full,
            {{"value", value}, {"min", std::to_string(k.min)}, {"max", std::to_string(k.max)}});
      return std::nullopt;
    }
    case Kind::listen: {
      auto colon = value.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == value.size())
        return Error("config.bad_listen", full, {{"value", value}});
      std::string port = value.substr(colon + 1);
      if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 ||
          std::stoul(port) > 65535)
        return Error("config.bad_listen", full, {{"value", value}});
      return std::nullopt;
    }
    case Kind::level:
      for (const char* l : {"trace", "debug", "info", "warn", "error", "off"})
        if (value == l) return std::nullopt;
      return Error("config.bad_level", full, {{"value", value}});
    case Kind::algorithm:
      if (value == "sm2" || value == "ed25519") return std::nullopt;
      return Error("config.bad_algorithm", full, {{"value", value}});
  }
  return std::nullopt;
}

std::string toml_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04X}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<Config> load_config(const std::filesystem::path& data_dir, const std::filesystem::path& file,
                           const Environment& env) {
  Config c;
  c.data_dir = data_dir;
  auto apply = [&](const Key& k, const std::string& value) -> std::optional<Error> {
    if (auto e = check(k, value)) return e;
    k.set(c, value);
    return std::nullopt;
  };

  if (!file.empty() && std::filesystem::exists(file)) {
    toml::table table;
    try {
      table = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
      return fail("config.syntax", "",
                  {{"path", file.string()},
                   {"line", std::to_string(e.source().begin.line)},
                   {"detail", std::string(e.description())}});
    }
    for (const auto& [section, node] : table) {
      const toml::table* sub = node.as_table();
      if (!sub) return fail("config.unknown_key", std::string(section.str()));
      for (const auto& [name, value] : *sub) {
        std::string full = std::string(section.str()) + "." + std::string(name.str());
        const Key* key = nullptr;
        for (const auto& k : keys())
          if (k.section == section.str() && k.name == name.str()) key = &k;
        if (!key) return fail("config.unknown_key", full);
        std::string raw;
        if (auto s = value.as_string())
          raw = s->get();
        else if (auto i = value.as_integer())
          raw = i->get() < 0 ? "-" : std::to_string(i->get());
        else if (auto b = value.as_boolean())
          raw = b->get() ? "true" : "false";
        else
          return fail("config.bad_type", full);
        if (key->kind != Kind::count && value.as_integer()) return fail("config.bad_type", full);
        if (auto e = apply(*key, raw)) return std::unexpected(*e);
      }
    }
  }
  for (const auto& k : keys()) {
    if (auto v = env(env_name(k))) {
      if (auto e = apply(k, *v)) {
        e->params["env"] = env_name(k);
        return std::unexpected(*e);
      }
    }
  }
  if (auto v = env("YIWANG_MASTER_KEY")) c.master_key = *v;
  if (c.database_url.empty()) c.database_url = "sqlite:" + (c.data_dir / "yiwang.db").string();
  c.internet.zone = http::Zone::internet;
  c.intranet.zone = http::Zone::intranet;
  c.exchange.zone = http::Zone::exchange;
  for (const auto* l : {&c.internet, &c.intranet, &c.exchange}) {
    if (!l->tls.cert_file.empty() && l->tls.key_file.empty())
      return fail("config.tls_incomplete", "tls." + std::string(http::zone_name(l->zone)) + "_key");
    if (!l->tls.client_ca_file.empty() && l->tls.cert_file.empty())
      return fail("config.tls_incomplete",
                  "tls." + std::string(http::zone_name(l->zone)) + "_cert");
  }
  return c;
}

std::string default_config_text(const Config& config) {
  std::string out =
      "# Yiwang configuration. Every key has a default and may be overridden by an\n"
      "# environment variable YIWANG_<SECTION>_<KEY>, e.g. YIWANG_DATABASE_URL.\n"
      "# Keys left commented out take the default shown.\n";
  std::string section;
  for (const auto& k : keys()) {
    if (k.section != section) {
      section = k.section;
      out += "\n[" + section + "]\n";
    }
    std::string value = k.get(config);
    bool set = false;
    if (k.section == "site" && k.name == "name") set = true;
    std::string rendered = k.kind == Kind::count ? value : "\"" + toml_escape(value) + "\"";
    out += "# " + k.comment + " (" + env_name(k) + ")\n";
    out += (set ? "" : "# ") + k.name + " = " + rendered + "\n";
  }
  return out;
}

}  // namespace yiwang::app
