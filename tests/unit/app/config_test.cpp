// Configuration: defaults, the file, environment overrides, and bad values
// that stop start-up naming the key.
#include <fstream>

#include <gtest/gtest.h>

#include "app/config.hpp"
#include "tests/support/test_server.hpp"

using yiwang::app::Config;
using yiwang::app::load_config;
using yiwang::test::TempDir;

namespace {
yiwang::app::Environment env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::filesystem::path write(const TempDir& dir, const std::string& text) {
  auto p = dir.path() / "yiwang.toml";
  std::ofstream(p) << text;
  return p;
}
}  // namespace

TEST(Config, DefaultsWithoutFile) {
  TempDir dir;
  auto c = load_config(dir.path(), dir.path() / "none.toml", env({}));
  ASSERT_TRUE(c) << c.error().key;
  EXPECT_EQ(c->internet.port, 8080);
  EXPECT_EQ(c->intranet.port, 8081);
  EXPECT_EQ(c->exchange.port, 8082);
  EXPECT_EQ(c->internet.host, "127.0.0.1");
  EXPECT_EQ(c->database_url, "sqlite:" + (dir.path() / "yiwang.db").string());
  EXPECT_EQ(c->log_level, "info");
}

TEST(Config, FileThenEnvironment) {
  TempDir dir;
  auto file = write(dir,
                    "[site]\nname = \"示范市人民政府\"\ncode = \"1234000001\"\n"
                    "[listen]\ninternet = \"0.0.0.0:9000\"\n[http]\nmax_body_bytes = 2048\n");
  auto c = load_config(dir.path(), file,
                       env({{"YIWANG_LISTEN_INTERNET", "127.0.0.2:9100"},
                            {"YIWANG_DATABASE_URL", "postgresql://u@h/db"}}));
  ASSERT_TRUE(c) << c.error().key << " " << c.error().field;
  EXPECT_EQ(c->site_name, "示范市人民政府");
  EXPECT_EQ(c->site_code, "1234000001");
  EXPECT_EQ(c->internet.host, "127.0.0.2");
  EXPECT_EQ(c->internet.port, 9100);
  EXPECT_EQ(c->http.limits.max_body_bytes, 2048u);
  EXPECT_EQ(c->database_url, "postgresql://u@h/db");
}

TEST(Config, DefaultFileTextLoadsBackToTheSameValues) {
  TempDir dir;
  Config original;
  original.site_name = "带\"引号\"的名称";
  auto file = write(dir, yiwang::app::default_config_text(original));
  auto c = load_config(dir.path(), file, env({}));
  ASSERT_TRUE(c) << c.error().key << " " << c.error().field;
  EXPECT_EQ(c->site_name, original.site_name);
  EXPECT_EQ(c->internet.port, 8080);
}

struct BadCase {
  std::string text;
  std::string key;
  std::string field;
};

TEST(Config, BadValuesNameTheKey) {
  std::vector<BadCase> cases = {
      {"[listen]\ninternet = \"nonsense\"\n", "config.bad_listen", "listen.internet"},
      {"[listen]\nintranet = \"127.0.0.1:70000\"\n", "config.bad_listen", "listen.intranet"},
      {"[http]\nmax_body_bytes = -5\n", "config.not_integer", "http.max_body_bytes"},
      {"[http]\nmax_body_bytes = 10\n", "config.out_of_range", "http.max_body_bytes"},
      {"[http]\nmax_body_bytes = \"lots\"\n", "config.not_integer", "http.max_body_bytes"},
      {"[log]\nlevel = \"loud\"\n", "config.bad_level", "log.level"},
      {"[site]\nnmae = \"typo\"\n", "config.unknown_key", "site.nmae"},
      {"[site]\nname = 5\n", "config.bad_type", "site.name"},
      {"[tls]\nexchange_cert = \"c.pem\"\n", "config.tls_incomplete", "tls.exchange_key"},
      {"[site\nname=", "config.syntax", ""},
  };
  for (const auto& bad : cases) {
    TempDir dir;
    auto c = load_config(dir.path(), write(dir, bad.text), env({}));
    ASSERT_FALSE(c) << bad.text;
    EXPECT_EQ(c.error().key, bad.key) << bad.text;
    EXPECT_EQ(c.error().field, bad.field) << bad.text;
  }
}

TEST(Config, BadEnvironmentValueNamesKeyAndVariable) {
  TempDir dir;
  auto c = load_config(dir.path(), {}, env({{"YIWANG_HTTP_HANDLER_THREADS", "many"}}));
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().field, "http.handler_threads");
  EXPECT_EQ(c.error().params.at("env"), "YIWANG_HTTP_HANDLER_THREADS");
}
