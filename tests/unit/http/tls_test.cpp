// TLS on a listener, as the exchange zone runs in production: the server
// certificate is presented, and with a client CA configured a client without a
// certificate signed by it is turned away. Certificates are made for the test
// with the openssl command line; requests are made with curl.
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

#include "http/server.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang::http;
using yiwang::test::TempDir;

namespace {

int sh(const std::string& cmd) { return std::system((cmd + " >/dev/null 2>&1").c_str()); }

std::string capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  if (!p) return out;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  pclose(p);
  return out;
}

// CA, server certificate for 127.0.0.1, and a client certificate, all signed by the CA.
bool make_certificates(const std::filesystem::path& d) {
  std::string p = d.string();
  return sh("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "
            "/CN=test-ca -keyout " +
            p + "/ca.key -out " + p + "/ca.pem") == 0 &&
         sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 "
            "-keyout " +
            p + "/server.key -out " + p + "/server.csr") == 0 &&
         sh("printf 'subjectAltName=IP:127.0.0.1' > " + p + "/san.ext") == 0 &&
         sh("openssl x509 -req -in " + p + "/server.csr -CA " + p + "/ca.pem -CAkey " + p +
            "/ca.key -CAcreateserial -days 2 -extfile " + p + "/san.ext -out " + p +
            "/server.pem") == 0 &&
         sh("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=node-b "
            "-keyout " +
            p + "/client.key -out " + p + "/client.csr") == 0 &&
         sh("openssl x509 -req -in " + p + "/client.csr -CA " + p + "/ca.pem -CAkey " + p +
            "/ca.key -CAcreateserial -days 2 -out " + p + "/client.pem") == 0;
}

}  // namespace

TEST(Tls, ExchangeZoneRequiresClientCertificate) {
  if (sh("command -v curl") != 0 || sh("command -v openssl") != 0)
    GTEST_SKIP() << "curl/openssl missing";
  TempDir dir;
  ASSERT_TRUE(make_certificates(dir.path()));
  Router router;
  router.add(
      {.method = "GET",
       .pattern = "/ping",
       .zone = Zone::exchange,
       .permission = "public",
       .handler = [](Request& req) { return Response::text(req.secure ? "secure" : "plain"); }});
  ServerOptions o;
  std::string d = dir.path().string();
  o.listeners = {
      {Zone::exchange, "127.0.0.1", 0, {d + "/server.pem", d + "/server.key", d + "/ca.pem"}}};
  o.io_threads = 1;
  o.handler_threads = 1;
  Metrics metrics;
  Server server(o, router, {}, &metrics);
  server.start();
  std::string url = "https://127.0.0.1:" + std::to_string(server.port(Zone::exchange)) + "/ping";
  EXPECT_EQ(capture("curl -s --cacert " + d + "/ca.pem --cert " + d + "/client.pem --key " + d +
                    "/client.key " + url),
            "secure");
  // No client certificate: the handshake fails, nothing is served.
  EXPECT_EQ(capture("curl -s --cacert " + d + "/ca.pem " + url), "");
  // Plain HTTP on the TLS port gets nothing either.
  EXPECT_EQ(
      capture("curl -s http://127.0.0.1:" + std::to_string(server.port(Zone::exchange)) + "/ping"),
      "");
  server.stop();
  server.wait();
}

TEST(Tls, MissingCertificateFileStopsStartWithItsName) {
  Router router;
  ServerOptions o;
  o.listeners = {
      {Zone::exchange, "127.0.0.1", 0, {"/nonexistent/cert.pem", "/nonexistent/key.pem", ""}}};
  Metrics metrics;
  Server server(o, router, {}, &metrics);
  try {
    server.start();
    FAIL() << "start() should have thrown";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cert.pem"), std::string::npos) << e.what();
  }
}
