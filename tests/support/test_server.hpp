// Test support: temporary data directories, the database under test, and the
// real server started in-process on ephemeral ports with a tiny HTTP client.
//
// The engine comes from YIWANG_TEST_ENGINE (sqlite, the default, or
// postgresql). For postgresql, YIWANG_TEST_PG_URL names a server where each
// test gets its own fresh database, dropped afterwards; without it the test is
// skipped, unless YIWANG_TEST_REQUIRE_PG=1 (set by scripts/test.sh) makes it a failure.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/application.hpp"
#include "db/migration.hpp"
#include "http/zone.hpp"

namespace yiwang::test {

std::filesystem::path source_dir();

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A database for one test: a SQLite file in `dir`, or a new PostgreSQL
// database. url() is empty when the engine is unavailable (skip the test).
class TestDatabase {
 public:
  explicit TestDatabase(const std::filesystem::path& dir);
  ~TestDatabase();
  const std::string& url() const { return url_; }
  bool postgresql() const { return postgresql_; }

 private:
  std::string url_;
  std::string admin_url_;
  std::string name_;
  bool postgresql_ = false;
};

// Opens the test database with a pool of `pool` sessions and applies the
// given migrations (in order); nullptr when it cannot (the reason is logged).
std::unique_ptr<db::Database> open_migrated(const TestDatabase& database,
                                            const std::vector<std::vector<db::Migration>>& lists,
                                            std::size_t pool = 4);

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated ones joined by "\n"
  std::string body;
  std::string header(const std::string& name) const;
};

// A configured, migrated application listening on ephemeral ports.
class TestServer {
 public:
  struct Options {
    bool import_divisions = false;
    std::function<void(app::Config&)> configure;
  };
  TestServer();
  explicit TestServer(Options options);
  ~TestServer();

  // False when the engine under test is unavailable (the test should skip).
  bool available() const { return app_ != nullptr; }
  app::Application& app() { return *app_; }
  unsigned short port(http::Zone zone) const;
  const std::filesystem::path& data_dir() const { return dir_.path(); }

  HttpResult get(http::Zone zone, const std::string& target,
                 const std::map<std::string, std::string>& headers = {});
  HttpResult request(http::Zone zone, const std::string& method, const std::string& target,
                     const std::string& body = {},
                     const std::map<std::string, std::string>& headers = {});

 private:
  TempDir dir_;
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<app::Application> app_;
};

// The value a response's Set-Cookie headers give a cookie ("" when none).
std::string cookie_value(const HttpResult& r, const std::string& name);

// Page tests as a signed-in user: a session started in the store (no
// sign-in form), its cookies with a fixed CSRF token, and posts carrying it.
std::string start_session(app::Application& app, const std::string& account_name,
                          const std::string& zone = "intranet");
std::map<std::string, std::string> session_cookies(const std::string& token,
                                                   const std::string& csrf);
// A urlencoded form post with the CSRF field; `fields` are encoded here.
HttpResult post_form(TestServer& server, http::Zone zone, const std::string& target,
                     const std::string& token, const std::string& csrf,
                     const std::vector<std::pair<std::string, std::string>>& fields = {});
struct FormPart;
// A multipart post, with the CSRF field unless `with_csrf` is false.
HttpResult post_multipart(TestServer& server, http::Zone zone, const std::string& target,
                          const std::string& token, const std::string& csrf,
                          std::vector<FormPart> parts, bool with_csrf = true);

// Runs `yiwang ARGS…` in this process (app::run_cli) with `input` on
// standard input; standard output and error are captured.
struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
};
CliRun run_yiwang(std::vector<std::string> args, const std::string& input = "");

// Runs a shell command (stderr joined to stdout): exit status and output.
struct ShellRun {
  int status = -1;
  std::string out;
};
ShellRun shell(const std::string& command);
// Writes bytes to a file.
void write_file(const std::filesystem::path& path, std::string_view data);

// One part of a multipart/form-data body: a field, or a file when `filename`
// is given.
struct FormPart {
  std::string name;
  std::string data;
  std::string filename;
  std::string content_type = "application/octet-stream";
};
inline constexpr const char* kMultipartBoundary = "----yiwang-test-boundary-7f3a";
// The body; send it with Content-Type "multipart/form-data; boundary=" +
// kMultipartBoundary.
std::string multipart_body(const std::vector<FormPart>& parts);

// A configuration for tests: ephemeral loopback ports, quiet logs.
app::Config test_config(const std::filesystem::path& data_dir, const std::string& database_url);

// Sends raw bytes to a loopback port and returns everything the server sends
// back until it closes the connection or `timeout_ms` passes.
std::string raw_exchange(unsigned short port, const std::string& bytes, int timeout_ms = 3000);

// One HTTP/1.1 request over a fresh connection.
HttpResult http_request(unsigned short port, const std::string& method, const std::string& target,
                        const std::string& body = {},
                        const std::map<std::string, std::string>& headers = {});

}  // namespace yiwang::test
