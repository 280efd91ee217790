// The HTTP server on its own, with a router made for the test: routing by
// zone, limits, malformed requests, timeouts, keep-alive, static files, the
// page cache, handlers that block, and graceful shutdown.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include <gtest/gtest.h>

#include "http/server.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang::http;
using yiwang::test::http_request;
using yiwang::test::raw_exchange;
using yiwang::test::TempDir;

namespace {

Route route(Zone zone, std::string method, std::string pattern, Handler h) {
  Route r;
  r.zone = zone;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.permission = std::string(kPublic);
  r.handler = std::move(h);
  return r;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(static_dir_.path() / "css");
    std::ofstream(static_dir_.path() / "css" / "a.css") << std::string(4000, 'a') << "\n";
    std::ofstream(static_dir_.path() / ".secret") << "hidden";
    router_.add(route(Zone::internet, "GET", "/hello", [](Request& req) {
      return Response::text("hello " + req.query.value("name", "world"));
    }));
    router_.add(route(Zone::internet, "GET", "/items/{id}",
                      [](Request& req) { return Response::text("item " + req.param("id")); }));
    router_.add(route(Zone::internet, "POST", "/echo", [](Request& req) {
      auto form = req.form();
      if (!form) return Response::text(form.error().key, form.error().status);
      return Response::text("got " + form->value("a"));
    }));
    router_.add(
        route(Zone::intranet, "GET", "/inside", [](Request&) { return Response::text("inside"); }));
    router_.add(route(Zone::internet, "GET", "/slow", [](Request&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(600));
      return Response::text("slow done");
    }));
    router_.add(route(Zone::internet, "GET", "/boom",
                      [](Request&) -> Response { throw std::runtime_error("handler failure"); }));
    Route cached = route(Zone::internet, "GET", "/cached", [this](Request&) {
      Response r = Response::html("<p>render " + std::to_string(++renders_) + "</p>");
      r.cache_seconds = 60;
      return r;
    });
    cached.cacheable = true;
    router_.add(std::move(cached));
    Route secret =
        route(Zone::intranet, "GET", "/private", [](Request&) { return Response::text("secret"); });
    secret.permission = "office.private.read";
    router_.add(std::move(secret));
  }

  void start(std::function<void(ServerOptions&)> tweak = {}) {
    ServerOptions o;
    o.listeners = {{Zone::internet, "127.0.0.1", 0, {}}, {Zone::intranet, "127.0.0.1", 0, {}}};
    o.io_threads = 2;
    o.handler_threads = 4;
    o.static_dir = static_dir_.path();
    o.limits.max_header_bytes = 4096;
    o.limits.max_body_bytes = 64 * 1024;
    if (tweak) tweak(o);
    server_ = std::make_unique<Server>(o, router_, ServerHooks{}, &metrics_);
    server_->start();
  }

  unsigned short port(Zone z = Zone::internet) { return server_->port(z); }

  void TearDown() override {
    if (server_) {
      server_->stop();
      server_->wait();
    }
  }

  TempDir static_dir_;
  Router router_;
  Metrics metrics_;
  std::unique_ptr<Server> server_;
  std::atomic<int> renders_{0};
};

int status_of(const std::string& raw) {
  if (raw.size() < 12 || !raw.starts_with("HTTP/1.")) return 0;
  return std::stoi(raw.substr(9, 3));
}

}  // namespace

TEST_F(ServerTest, RoutesQueryAndPathParameters) {
  start();
  auto r = http_request(port(), "GET", "/hello?name=%E4%B8%80%E7%BD%91");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello 一网");
  EXPECT_EQ(r.header("x-request-id").size(), 16u);
  EXPECT_EQ(http_request(port(), "GET", "/items/42").body, "item 42");
  EXPECT_EQ(http_request(port(), "GET", "/items/42/").body, "item 42");
  EXPECT_EQ(http_request(port(), "GET", "/items").status, 404);
}

TEST_F(ServerTest, RouteBelongsToExactlyOneZone) {
  start();
  EXPECT_EQ(http_request(port(Zone::intranet), "GET", "/inside").status, 200);
  EXPECT_EQ(http_request(port(Zone::internet), "GET", "/inside").status, 404);
  EXPECT_EQ(http_request(port(Zone::intranet), "GET", "/hello").status, 404);
}

TEST_F(ServerTest, DeniesNonPublicRoutesByDefault) {
  start();
  EXPECT_EQ(http_request(port(Zone::intranet), "GET", "/private").status, 403);
}

TEST_F(ServerTest, MethodNotAllowedListsAllowedMethods) {
  start();
  auto r = http_request(port(), "DELETE", "/hello");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET, HEAD");
}

TEST_F(ServerTest, HeadHasLengthButNoBody) {
  start();
  auto r = http_request(port(), "HEAD", "/hello");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-length"), "11");
  EXPECT_TRUE(r.body.empty());
}

TEST_F(ServerTest, FormBodyIsParsed) {
  start();
  auto r = http_request(port(), "POST", "/echo", "a=%E6%94%BF%E5%8A%A1&b=2",
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.body, "got 政务");
  auto bad = http_request(port(), "POST", "/echo", "a=%ZZ",
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(bad.status, 400);
}

TEST_F(ServerTest, MalformedRequestsGet4xxAndServerStaysUp) {
  start();
  EXPECT_EQ(status_of(raw_exchange(port(), "GARBAGE\r\n\r\n")), 400);
  EXPECT_EQ(status_of(raw_exchange(port(), "GET /hello HTTP/9.9\r\nHost: x\r\n\r\n")), 400);
  EXPECT_EQ(status_of(raw_exchange(port(), "GET /hel%zzlo HTTP/1.1\r\nHost: x\r\n\r\n")), 400);
  EXPECT_EQ(status_of(raw_exchange(port(), "GET /hello?a=%C0%AF HTTP/1.1\r\nHost: x\r\n\r\n")),
            400);
  EXPECT_EQ(status_of(raw_exchange(port(), "GET /hello%00 HTTP/1.1\r\nHost: x\r\n\r\n")), 400);
  EXPECT_EQ(status_of(raw_exchange(port(), "GET relative HTTP/1.1\r\nHost: x\r\n\r\n")), 400);
  std::string huge =
      "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n";
  EXPECT_EQ(status_of(raw_exchange(port(), huge)), 431);
  std::string big_body =
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: "
      "application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n" +
      std::string(100000, 'a');
  EXPECT_EQ(status_of(raw_exchange(port(), big_body)), 413);
  // Still serving.
  EXPECT_EQ(http_request(port(), "GET", "/hello").status, 200);
}

TEST_F(ServerTest, HandlerExceptionBecomes500WithRequestId) {
  start();
  auto r = http_request(port(), "GET", "/boom");
  EXPECT_EQ(r.status, 500);
  EXPECT_FALSE(r.header("x-request-id").empty());
  EXPECT_EQ(r.body.find("handler failure"), std::string::npos);  // no internals leak
  EXPECT_EQ(http_request(port(), "GET", "/hello").status, 200);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  std::string two =
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /items/7 HTTP/1.1\r\nHost: x\r\nConnection: "
      "close\r\n\r\n";
  std::string out = raw_exchange(port(), two);
  EXPECT_NE(out.find("hello world"), std::string::npos);
  EXPECT_NE(out.find("item 7"), std::string::npos);
}

TEST_F(ServerTest, SlowClientIsCutOffByHeaderTimeout) {
  start([](ServerOptions& o) { o.header_timeout = std::chrono::milliseconds(300); });
  auto begin = std::chrono::steady_clock::now();
  // Never finishes its request head: the server must close the connection.
  std::string out = raw_exchange(port(), "GET /hello HTTP/1.1\r\nHost: x\r\n", 5000);
  auto waited = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(out.find("hello world"), std::string::npos);
  EXPECT_LT(waited, std::chrono::milliseconds(4500)) << "connection was held open";
}

TEST_F(ServerTest, BlockingHandlerDoesNotStallOthers) {
  start([](ServerOptions& o) { o.io_threads = 1; });
  auto slow = std::async(std::launch::async, [&] { return http_request(port(), "GET", "/slow"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  // Answered while /slow is still sleeping on a handler thread.
  auto fast = http_request(port(), "GET", "/hello");
  EXPECT_EQ(fast.status, 200);
  EXPECT_EQ(slow.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  EXPECT_EQ(slow.get().body, "slow done");
}

TEST_F(ServerTest, GracefulStopLetsInFlightRequestFinish) {
  start();
  auto slow = std::async(std::launch::async, [&] { return http_request(port(), "GET", "/slow"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  server_->stop();
  auto r = slow.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "slow done");
  EXPECT_EQ(r.header("connection"), "close");
  server_->wait();
}

TEST_F(ServerTest, StaticFilesWithEtagGzipAndNoTraversal) {
  start();
  auto r = http_request(port(), "GET", "/static/css/a.css");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/css; charset=utf-8");
  EXPECT_FALSE(r.header("etag").empty());
  EXPECT_NE(r.header("cache-control").find("max-age"), std::string::npos);
  auto again =
      http_request(port(), "GET", "/static/css/a.css", {}, {{"If-None-Match", r.header("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  auto gz = http_request(port(), "GET", "/static/css/a.css", {}, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(gz.header("content-encoding"), "gzip");
  EXPECT_LT(gz.body.size(), r.body.size());
  for (const char* bad :
       {"/static/../CMakeLists.txt", "/static/%2e%2e/x", "/static/css/..%2f..%2fa.css",
        "/static/.secret", "/static/css%5ca.css", "/static/nothing.css"})
    EXPECT_EQ(http_request(port(), "GET", bad).status, 404) << bad;
}

TEST_F(ServerTest, PageCacheServesRenderedPageAgainUntilInvalidated) {
  start();
  auto first = http_request(port(), "GET", "/cached");
  auto second = http_request(port(), "GET", "/cached");
  EXPECT_EQ(first.body, "<p>render 1</p>");
  EXPECT_EQ(second.body, "<p>render 1</p>");
  EXPECT_FALSE(second.header("etag").empty());
  EXPECT_EQ(
      http_request(port(), "GET", "/cached", {}, {{"If-None-Match", second.header("etag")}}).status,
      304);
  // A signed-in user never gets (or fills) the shared cache.
  EXPECT_EQ(http_request(port(), "GET", "/cached", {}, {{"Cookie", "yw_session=abc"}}).body,
            "<p>render 2</p>");
  server_->page_cache().invalidate("/cached");
  EXPECT_EQ(http_request(port(), "GET", "/cached").body, "<p>render 3</p>");
}

TEST_F(ServerTest, MetricsCountRequestsByRouteAndStatus) {
  start();
  http_request(port(), "GET", "/items/1");
  http_request(port(), "GET", "/items/2");
  http_request(port(), "GET", "/missing");
  // A request is counted just after its response is written: wait for it.
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text = metrics_.render();
    if (text.find("status=\"404\"") != std::string::npos &&
        text.find("status=\"200\"} 2") != std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(text.find("yiwang_http_requests_total{zone=\"internet\",route=\"/items/"
                      "{id}\",method=\"GET\",status=\"200\"} 2"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"-\",method=\"GET\",status=\"404\"} 1"), std::string::npos) << text;
}

TEST(Router, RefusesRoutesWithoutPermissionOrClassifiedOnInternet) {
  Router r;
  Route no_perm;
  no_perm.method = "GET";
  no_perm.pattern = "/x";
  no_perm.handler = [](Request&) { return Response::text("x"); };
  EXPECT_THROW(r.add(no_perm), std::invalid_argument);
  Route classified = no_perm;
  classified.permission = "office.doc.read";
  classified.max_classification = Classification::secret;
  classified.zone = Zone::internet;
  EXPECT_THROW(r.add(classified), std::invalid_argument);
  classified.zone = Zone::intranet;
  EXPECT_NO_THROW(r.add(classified));
  EXPECT_THROW(r.add(classified), std::invalid_argument);  // twice
  Route bad_cache = no_perm;
  bad_cache.permission = "office.doc.read";
  bad_cache.pattern = "/y";
  bad_cache.cacheable = true;
  EXPECT_THROW(r.add(bad_cache), std::invalid_argument);  // only public pages are shared
}

TEST(Router, MatchesParametersAndRest) {
  Router r;
  auto h = [](Request&) { return Response::text(""); };
  r.add({.method = "GET",
         .pattern = "/a/{x}/b/{y}",
         .zone = Zone::internet,
         .permission = "public",
         .handler = h});
  r.add({.method = "GET",
         .pattern = "/files/{path...}",
         .zone = Zone::internet,
         .permission = "public",
         .handler = h});
  auto m = r.match(Zone::internet, "GET", "/a/1/b/2");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params["x"], "1");
  EXPECT_EQ(m.params["y"], "2");
  auto rest = r.match(Zone::internet, "GET", "/files/x/y/z.txt");
  ASSERT_NE(rest.route, nullptr);
  EXPECT_EQ(rest.params["path"], "x/y/z.txt");
  EXPECT_EQ(r.match(Zone::internet, "GET", "/files").route, nullptr);
  EXPECT_EQ(r.match(Zone::internet, "GET", "/a/1/b").route, nullptr);
  EXPECT_EQ(r.match(Zone::intranet, "GET", "/a/1/b/2").route, nullptr);
  EXPECT_NE(r.match(Zone::internet, "HEAD", "/a/1/b/2").route, nullptr);
}
