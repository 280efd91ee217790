#include "tests/support/test_server.hpp"

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "app/cli.hpp"
#include "core/progress.hpp"
#include "db/database.hpp"
#include "http/percent_encoding.hpp"

#ifndef YIWANG_SOURCE_DIR
#define YIWANG_SOURCE_DIR "."
#endif

namespace yiwang::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

std::filesystem::path source_dir() { return YIWANG_SOURCE_DIR; }

namespace {
std::string random_suffix() {
  std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 12; ++i) s += kHex[rng() & 0xf];
  return s;
}
}  // namespace

TempDir::TempDir() {
  path_ = std::filesystem::temp_directory_path() / ("yiwang-test-" + random_suffix());
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

TestDatabase::TestDatabase(const std::filesystem::path& dir) {
  const char* engine = std::getenv("YIWANG_TEST_ENGINE");
  if (!engine || std::string(engine) != "postgresql") {
    url_ = "sqlite:" + (dir / "yiwang.db").string();
    return;
  }
  postgresql_ = true;
  const char* admin = std::getenv("YIWANG_TEST_PG_URL");
  if (!admin || !*admin) {
    // scripts/test.sh always provides a server: there a missing one is a failure.
    const char* required = std::getenv("YIWANG_TEST_REQUIRE_PG");
    if (required && std::string(required) == "1")
      throw std::runtime_error("YIWANG_TEST_REQUIRE_PG=1 but YIWANG_TEST_PG_URL is not set");
    return;
  }
  admin_url_ = admin;
  name_ = "yw_test_" + random_suffix();
  soci::session s(soci::postgresql, db::pg_keywords(admin_url_));
  s << "CREATE DATABASE " + name_;
  auto slash = admin_url_.rfind('/');
  auto query = admin_url_.find('?', slash);
  url_ = admin_url_.substr(0, slash + 1) + name_ +
         (query == std::string::npos ? "" : admin_url_.substr(query));
}

TestDatabase::~TestDatabase() {
  if (name_.empty()) return;
  try {
    soci::session s(soci::postgresql, db::pg_keywords(admin_url_));
    s << "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)";
  } catch (...) {
  }
}

std::string cookie_value(const HttpResult& r, const std::string& name) {
  std::regex re(name + "=([^;\\n]*)");
  std::smatch m;
  std::string all = r.header("set-cookie");
  return std::regex_search(all, m, re) ? m[1].str() : std::string();
}

std::string HttpResult::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

std::unique_ptr<db::Database> open_migrated(const TestDatabase& database,
                                            const std::vector<std::vector<db::Migration>>& lists,
                                            std::size_t pool) {
  if (database.url().empty()) return nullptr;
  db::Options o;
  o.url = database.url();
  o.pool_size = pool;
  auto d = db::Database::open(o);
  if (!d) return nullptr;
  db::Migrator m(**d);
  for (const auto& list : lists) m.add(list);
  NoProgress quiet;
  if (!m.apply(quiet)) return nullptr;
  return std::move(*d);
}

app::Config test_config(const std::filesystem::path& data_dir, const std::string& database_url) {
  app::Config c;
  c.data_dir = data_dir;
  c.share_dir = source_dir();
  c.master_key = "test master secret: thirty-two bytes or more";
  c.database_url = database_url;
  c.database_pool = 4;
  c.internet.port = 0;
  c.intranet.port = 0;
  c.exchange.port = 0;
  c.http.io_threads = 2;
  c.http.handler_threads = 4;
  c.http.shutdown_grace = std::chrono::milliseconds(2000);
  c.log_level = "warn";
  c.password_hash_ops = 1;  // Argon2id minimum: tests hash many passwords
  c.password_hash_memory_kib = 8;
  c.access_log = "off";
  c.site_name = "测试市人民政府";
  c.site_code = "1234000001";
  c.icp_record = "测ICP备12345678号";
  c.police_record = "测公网安备 12345678901234号";
  return c;
}

TestServer::TestServer() : TestServer(Options{}) {}

TestServer::TestServer(Options options) {
  db_ = std::make_unique<TestDatabase>(dir_.path());
  if (db_->url().empty()) return;
  app::Config c = test_config(dir_.path(), db_->url());
  if (options.configure) options.configure(c);
  auto app = app::Application::open(c);
  if (!app)
    throw std::runtime_error(
        "cannot open application: " + app.error().key + " " +
        (app.error().params.contains("detail") ? app.error().params.at("detail") : ""));
  NoProgress quiet;
  if (auto n = (*app)->migrate(quiet); !n)
    throw std::runtime_error("migration failed: " + n.error().params["detail"]);
  if (options.import_divisions) {
    auto v =
        (*app)->divisions().import_package(registry::default_division_package(source_dir()), quiet,
                                           audit::AuditEvent{.account = "test", .source = "test"});
    if (!v) throw std::runtime_error("division import failed: " + v.error().key);
  }
  (*app)->start();
  app_ = std::move(*app);
}

TestServer::~TestServer() { app_.reset(); }

unsigned short TestServer::port(http::Zone zone) const { return app_->server().port(zone); }

HttpResult TestServer::get(http::Zone zone, const std::string& target,
                           const std::map<std::string, std::string>& headers) {
  return http_request(port(zone), "GET", target, {}, headers);
}

HttpResult TestServer::request(http::Zone zone, const std::string& method,
                               const std::string& target, const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  return http_request(port(zone), method, target, body, headers);
}

HttpResult http_request(unsigned short port, const std::string& method, const std::string& target,
                        const std::string& body,
                        const std::map<std::string, std::string>& headers) {
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.expires_after(std::chrono::seconds(10));
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (method == "HEAD") parser.skip(true);
  bhttp::read(stream, buffer, parser);
  auto& res = parser.get();
  HttpResult out;
  out.status = res.result_int();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto& slot = out.headers[name];
    if (!slot.empty()) slot += "\n";
    slot += std::string(f.value());
  }
  out.body = res.body();
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

std::string raw_exchange(unsigned short port, const std::string& bytes, int timeout_ms) {
  asio::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  beast::error_code write_ec;
  // The server may answer (e.g. 413) and close before it has read everything.
  asio::write(socket, asio::buffer(bytes), write_ec);
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  socket.non_blocking(true);
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    beast::error_code ec;
    std::size_t n = socket.read_some(asio::buffer(buf), ec);
    if (ec == asio::error::would_block) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    if (ec) break;
    out.append(buf, n);
  }
  return out;
}

std::string multipart_body(const std::vector<FormPart>& parts) {
  std::string body;
  for (const auto& p : parts) {
    body += std::string("--") + kMultipartBoundary + "\r\n";
    body += "Content-Disposition: form-data; name=\"" + p.name + "\"";
    if (!p.filename.empty()) body += "; filename=\"" + p.filename + "\"";
    body += "\r\n";
    if (!p.filename.empty()) body += "Content-Type: " + p.content_type + "\r\n";
    body += "\r\n" + p.data + "\r\n";
  }
  return body + "--" + kMultipartBoundary + "--\r\n";
}

ShellRun shell(const std::string& command) {
  ShellRun r;
  if (FILE* f = ::popen((command + " 2>&1").c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) r.out.append(buf, n);
    int st = ::pclose(f);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  return r;
}

void write_file(const std::filesystem::path& path, std::string_view data) {
  std::ofstream(path, std::ios::binary) << data;
}

std::string start_session(app::Application& app, const std::string& account_name,
                          const std::string& zone) {
  auto account = app.accounts().find_by_name(account_name);
  if (!account || !*account) throw std::runtime_error("no account " + account_name);
  long long id = (*account)->id;
  auto token = app.database().transaction([&](soci::session& s) -> Result<std::string> {
    return app.sessions().start(s, id, zone, "127.0.0.1", "test");
  });
  if (!token) throw std::runtime_error("cannot start a session: " + token.error().key);
  return *token;
}

std::map<std::string, std::string> session_cookies(const std::string& token,
                                                   const std::string& csrf) {
  return {{"Cookie", "yw_session=" + token + "; yw_csrf=" + csrf}};
}

HttpResult post_form(TestServer& server, http::Zone zone, const std::string& target,
                     const std::string& token, const std::string& csrf,
                     const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body = "_csrf=" + csrf;
  for (const auto& [n, v] : fields)
    body += "&" + http::percent_encode(n) + "=" + http::percent_encode(v);
  auto headers = session_cookies(token, csrf);
  headers["Content-Type"] = "application/x-www-form-urlencoded";
  return server.request(zone, "POST", target, body, headers);
}

HttpResult post_multipart(TestServer& server, http::Zone zone, const std::string& target,
                          const std::string& token, const std::string& csrf,
                          std::vector<FormPart> parts, bool with_csrf) {
  if (with_csrf) parts.insert(parts.begin(), FormPart{.name = "_csrf", .data = csrf});
  auto headers = session_cookies(token, csrf);
  headers["Content-Type"] = std::string("multipart/form-data; boundary=") + kMultipartBoundary;
  return server.request(zone, "POST", target, multipart_body(parts), headers);
}

CliRun run_yiwang(std::vector<std::string> args, const std::string& input) {
  args.insert(args.begin(), "yiwang");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::istringstream in(input);
  std::streambuf* old = std::cin.rdbuf(in.rdbuf());
  std::cin.clear();
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int status = app::run_cli(static_cast<int>(argv.size()), argv.data());
  CliRun r{status, testing::internal::GetCapturedStdout(), testing::internal::GetCapturedStderr()};
  std::cin.rdbuf(old);
  std::cin.clear();
  return r;
}

}  // namespace yiwang::test
