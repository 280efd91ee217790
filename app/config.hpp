// The program's configuration: yiwang.toml in the data directory, every key
// with a default, every key overridable by an environment variable named
// YIWANG_<SECTION>_<KEY> in upper case (e.g. YIWANG_DATABASE_URL,
// YIWANG_LISTEN_INTERNET). A bad value stops start-up with a message naming
// the key.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "http/server.hpp"

namespace yiwang::app {

struct Config {
  std::filesystem::path data_dir = "var";
  std::filesystem::path share_dir;  // holds web/, data/ and node_modules/

  // [site]
  std::string site_name = "一网政务服务平台";
  std::string site_code;      // 政府网站标识码
  std::string icp_record;     // ICP备案号
  std::string police_record;  // 公安机关备案号
  std::string base_url;       // canonical public URL, e.g. https://www.example.gov.cn

  // [database]
  std::string database_url;  // default: sqlite:<data_dir>/yiwang.db
  std::size_t database_pool = 8;

  // [listen]
  http::ListenerConfig internet{http::Zone::internet, "127.0.0.1", 8080, {}};
  http::ListenerConfig intranet{http::Zone::intranet, "127.0.0.1", 8081, {}};
  http::ListenerConfig exchange{http::Zone::exchange, "127.0.0.1", 8082, {}};

  // [http]
  http::ServerOptions http;  // limits, timeouts, threads

  // [security]
  unsigned long long password_hash_ops = 2;          // Argon2id passes
  std::size_t password_hash_memory_kib = 64 * 1024;  // Argon2id memory
  std::size_t password_min_length = 8;               // characters
  std::size_t password_min_classes = 3;              // of lower, upper, digits, others
  std::size_t password_history = 5;                  // not one of the last N
  std::size_t password_max_age_days = 90;   // intranet; until the security administrator saves
  std::size_t session_idle_minutes = 30;    // a session unused this long ends
  std::size_t session_absolute_hours = 12;  // and any session after this long
  std::size_t lockout_failures = 5;         // wrong passwords or codes …
  std::size_t lockout_window_minutes = 15;  // … within this window …
  std::size_t lockout_minutes = 15;         // … lock the account this long

  // [crypto]
  std::filesystem::path master_key_file = "master.key";  // relative to the data directory
  std::string master_key;  // the master secret itself: YIWANG_MASTER_KEY only, never a file key
  std::string signature_algorithm = "sm2";  // the CA's keys: sm2, or ed25519 outside China

  // [mail]
  std::string smtp_url;  // smtp://host:port or smtps://host:port; empty: mail stays queued
  std::string mail_from = "noreply@localhost";
  std::string smtp_user;
  std::string smtp_password;

  // [log]
  std::string log_level = "info";         // trace, debug, info, warn, error, off
  std::string access_log = "access.log";  // file in the data dir, "stderr", or "off"
};

// Reads the environment (injectable for tests).
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment process_environment();

// Builds the configuration: defaults, then the file (when it exists), then the
// environment. `file` may be empty (no file).
Result<Config> load_config(const std::filesystem::path& data_dir, const std::filesystem::path& file,
                           const Environment& env);

// The commented yiwang.toml that `yiwang init` writes.
std::string default_config_text(const Config& config);

}  // namespace yiwang::app
