#include "http/server.hpp"

#include <atomic>
#include <csignal>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "http/content_negotiation.hpp"
#include "http/cookie.hpp"
#include "http/gzip.hpp"
#include "http/percent_encoding.hpp"
#include "http/request_context.hpp"
#include "http/static_files.hpp"
#include "http/static_path.hpp"

namespace yiwang::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto as_tuple = asio::experimental::as_tuple(use_awaitable);

namespace {

// One connection's state as seen by stop(): idle connections are closed.
struct Connection {
  std::function<void()> cancel;
  bool idle = true;
};

// One I/O thread: its own io_context, acceptors and connections.
struct Worker {
  asio::io_context ioc{1};
  std::vector<std::pair<Zone, std::unique_ptr<tcp::acceptor>>> acceptors;
  std::unordered_set<Connection*> connections;  // touched only on this thread
  std::thread thread;
};

bool has_invalid_path_bytes(std::string_view path) {
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u{:04x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

struct Server::Impl {
  ServerOptions opt;
  const Router& router;
  ServerHooks hooks;
  Metrics* metrics;
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<asio::thread_pool> handlers;
  std::unique_ptr<asio::ssl::context> tls[3];
  unsigned short ports[3] = {0, 0, 0};
  std::atomic<bool> stopping{false};
  std::atomic<bool> stopped{false};
  std::mutex wait_mu;
  StaticFiles static_files;
  PageCache cache;
  std::shared_ptr<spdlog::logger> access_log;
  // Signal handling lives on its own context so it never delays I/O.
  std::unique_ptr<asio::io_context> signal_ioc;
  std::unique_ptr<asio::signal_set> signals;
  std::thread signal_thread;

  Impl(ServerOptions o, const Router& r, ServerHooks h, Metrics* m)
      : opt(std::move(o)),
        router(r),
        hooks(std::move(h)),
        metrics(m),
        static_files(opt.static_dir) {
    if (!hooks.authorize) {
      hooks.authorize = [](Request&, const Route& route) -> std::optional<Response> {
        if (route.permission == kPublic) return std::nullopt;
        return Response::text("forbidden", 403);
      };
    }
    if (!hooks.error_page) {
      hooks.error_page = [](const Request&, const HttpError& e) {
        return Response::text(e.key, e.status);
      };
    }
    access_log = spdlog::get("access");
  }

  // ---- request handling -------------------------------------------------

  Response error(const Request& req, int status, std::string_view key) {
    return error(req, HttpError(status, std::string(key)));
  }
  Response error(const Request& req, const HttpError& e) {
    Response r = hooks.error_page(req, e);
    r.status = e.status;
    return r;
  }

  // Fills a Request from Beast's; returns the error on failure.
  std::optional<HttpError> build(Request& req, const bhttp::request<bhttp::string_body>& in,
                                 Zone zone, const std::string& remote, bool secure) {
    req.zone = zone;
    req.remote_addr = remote;
    req.secure = secure;
    req.limits = &opt.limits;
    req.method = std::string(in.method_string());
    req.target = std::string(in.target());
    for (const auto& f : in) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    if (const std::string* al = req.header("accept-language"))
      req.lang = preferred_language(*al, opt.languages, opt.languages.front());
    else
      req.lang = opt.languages.front();
    // A language chosen earlier (the switch link sets a cookie) beats the
    // browser's preference; ?lang= below beats both.
    if (const std::string* c = req.header("cookie")) {
      for (const auto& [name, value] : parse_cookie_header(*c))
        if (name == kLanguageCookie)
          for (const auto& avail : opt.languages)
            if (avail == value) req.lang = avail;
    }
    if (req.target.empty() || req.target.front() != '/') return HttpError(400, "http.bad_target");
    std::string_view target = req.target;
    auto q = target.find('?');
    std::string_view raw_path = target.substr(0, q);
    if (q != std::string_view::npos) req.raw_query = std::string(target.substr(q + 1));
    auto path = percent_decode(raw_path, false);
    if (!path) return HttpError(400, "http.bad_encoding");
    if (has_invalid_path_bytes(*path)) return HttpError(400, "http.bad_target");
    req.path = std::move(*path);
    if (!req.raw_query.empty()) {
      auto parsed = parse_urlencoded(req.raw_query, opt.limits);
      if (!parsed) return parsed.error();
      req.query = std::move(*parsed);
      if (const std::string* l = req.query.get("lang")) {
        for (const auto& avail : opt.languages)
          if (avail == *l) req.lang = avail;
      }
    }
    if (const std::string* c = req.header("cookie")) req.cookies = parse_cookie_header(*c);
    req.body = in.body();
    return std::nullopt;
  }

  // Remembers a language chosen with ?lang= in a cookie, so following links
  // and forms stay in it. Added after the page cache, never stored in it.
  void remember_language(const Request& req, Response& res) {
    const std::string* chosen = req.query.get("lang");
    if (!chosen || *chosen != req.lang || req.cookie(kLanguageCookie) == req.lang) return;
    SetCookie c;
    c.name = kLanguageCookie;
    c.value = req.lang;
    c.max_age = 365LL * 24 * 3600;
    c.secure = req.secure;
    res.add("Set-Cookie", format_set_cookie(c));
  }

  Response serve_static(const Request& req, std::string_view rest) {
    if (req.method != "GET" && req.method != "HEAD") {
      Response r = error(req, 405, "http.method_not_allowed");
      r.set("Allow", "GET, HEAD");
      return r;
    }
    auto rel = safe_static_path(rest);
    if (!rel) return error(req, 404, "http.not_found");
    auto file = static_files.get(*rel);
    if (!file) return error(req, 404, "http.not_found");
    Response r;
    r.set("Content-Type", file->content_type);
    r.set("ETag", file->etag);
    r.set("Cache-Control", "public, max-age=3600");
    if (!file->gzip.empty()) r.set("Vary", "Accept-Encoding");
    const std::string* inm = req.header("if-none-match");
    if (inm && *inm == file->etag) {
      r.status = 304;
      return r;
    }
    const std::string* ae = req.header("accept-encoding");
    if (!file->gzip.empty() && ae && accepts_gzip(*ae)) {
      r.set("Content-Encoding", "gzip");
      r.body = file->gzip;
    } else {
      r.body = file->content;
    }
    return r;
  }

  std::optional<Response> from_cache(const Request& req) {
    auto page = cache.find(req.zone, req.lang, req.target);
    if (!page) return std::nullopt;
    Response r;
    r.status = page->status;
    r.headers = page->headers;
    r.set("ETag", page->etag);
    const std::string* inm = req.header("if-none-match");
    if (inm && *inm == page->etag) {
      r.status = 304;
      return r;
    }
    const std::string* ae = req.header("accept-encoding");
    if (!page->gzip.empty() && ae && accepts_gzip(*ae)) {
      r.set("Content-Encoding", "gzip");
      r.body = page->gzip;
    } else {
      r.body = page->body;
    }
    return r;
  }

  void remember(const Request& req, const Response& res) {
    CachedPage page;
    page.status = res.status;
    page.headers = res.headers;
    page.body = res.body;
    const std::string* type = res.get("Content-Type");
    if (type && worth_compressing(*type, res.body.size())) {
      if (auto gz = gzip_compress(res.body); gz && gz->size() < res.body.size())
        page.gzip = std::move(*gz);
    }
    page.expires = std::chrono::steady_clock::now() + std::chrono::seconds(res.cache_seconds);
    page.etag = fmt::format("\"p{:x}-{:x}\"", std::hash<std::string>{}(res.body), res.body.size());
    if (!page.gzip.empty()) {
      bool has_vary = false;
      for (auto& [n, v] : page.headers) has_vary = has_vary || n == "Vary";
      if (!has_vary) page.headers.emplace_back("Vary", "Accept-Encoding");
    }
    cache.store(req.zone, req.lang, req.target, std::move(page));
  }

  // Runs a matched route's handler on the calling (handler-pool) thread.
  Response run_handler(Request& req, const Route& route) {
    RequestIdScope scope(req.request_id);
    try {
      if (auto denied = hooks.authorize(req, route)) return std::move(*denied);
      Response res = route.handler(req);
      if (route.cacheable && res.cache_seconds > 0 && res.status == 200 &&
          req.cookie(opt.session_cookie).empty())
        remember(req, res);
      return res;
    } catch (const std::exception& e) {
      spdlog::error("handler {} {} failed: {}", req.method, route.pattern, e.what());
    } catch (...) {
      spdlog::error("handler {} {} failed with an unknown exception", req.method, route.pattern);
    }
    return error(req, 500, "http.internal_error");
  }

  awaitable<Response> dispatch(Request& req) {
    if (req.path.starts_with("/static/")) co_return serve_static(req, req.path.substr(8));
    Match m = router.match(req.zone, req.method, req.path);
    if (!m.route) {
      if (m.method_not_allowed) {
        Response r = error(req, 405, "http.method_not_allowed");
        r.set("Allow", m.allow);
        co_return r;
      }
      co_return error(req, 404, "http.not_found");
    }
    req.path_params = std::move(m.params);
    req.route_name = m.route->pattern;
    if (m.route->cacheable && req.cookie(opt.session_cookie).empty()) {
      if (auto hit = from_cache(req)) co_return std::move(*hit);
    }
    const Route* route = m.route;
    co_return co_await asio::co_spawn(
        *handlers,
        [this, &req, route]() -> awaitable<Response> { co_return run_handler(req, *route); },
        use_awaitable);
  }

  void finish(const Request& req, Response& res) {
    remember_language(req, res);
    if (hooks.finish) hooks.finish(req, res);
    res.set("X-Request-Id", req.request_id);
  }

  void log_access(const Request& req, const Response& res, std::size_t bytes,
                  std::chrono::steady_clock::time_point start) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string route = req.route_name.empty() ? "-" : req.route_name;
    if (metrics) metrics->observe(req.zone, route, req.method, res.status, seconds);
    if (!access_log || !access_log->should_log(spdlog::level::info)) return;
    const std::string* ua = req.header("user-agent");
    access_log->info(
        "{{\"request_id\":\"{}\",\"zone\":\"{}\",\"remote\":\"{}\",\"method\":\"{}\","
        "\"path\":\"{}\",\"route\":\"{}\",\"status\":{},\"bytes\":{},\"ms\":{:.3f},"
        "\"ua\":\"{}\"}}",
        req.request_id, zone_name(req.zone), json_escape(req.remote_addr), json_escape(req.method),
        json_escape(req.path), json_escape(route), res.status, bytes, seconds * 1000.0,
        json_escape(ua ? *ua : std::string()));
  }

  // ---- connections ------------------------------------------------------

  template <class Stream>
  awaitable<bool> write(Stream& stream, const Request& req, Response& res, unsigned version,
                        bool keep_alive) {
    finish(req, res);
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
    for (auto& [n, v] : res.headers) out.insert(n, v);
    out.keep_alive(keep_alive);
    bool no_body =
        res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
    if (!no_body) out.set(bhttp::field::content_length, std::to_string(res.body.size()));
    if (req.method != "HEAD" && !no_body) out.body() = std::move(res.body);
    beast::get_lowest_layer(stream).expires_after(opt.write_timeout);
    auto [ec, n] = co_await bhttp::async_write(stream, out, as_tuple);
    (void)n;
    co_return !ec;
  }

  template <class Stream>
  awaitable<void> serve_connection(Worker& w, Stream& stream, Zone zone, std::string remote,
                                   bool secure) {
    Connection conn;
    conn.cancel = [&stream] {
      beast::error_code ec;
      beast::get_lowest_layer(stream).socket().cancel(ec);
    };
    w.connections.insert(&conn);
    struct Unregister {
      Worker& w;
      Connection* c;
      ~Unregister() { w.connections.erase(c); }
    } unregister{w, &conn};

    beast::flat_buffer buffer;
    for (;;) {
      if (stopping) break;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(opt.limits.max_header_bytes));
      parser.body_limit(opt.limits.max_body_bytes);
      conn.idle = true;
      beast::get_lowest_layer(stream).expires_after(opt.header_timeout);
      auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, as_tuple);
      (void)n;
      conn.idle = false;
      auto start = std::chrono::steady_clock::now();
      Request req;
      req.zone = zone;
      req.remote_addr = remote;
      req.request_id = new_request_id();
      if (ec) {
        int status = 0;
        std::string key;
        if (ec == bhttp::error::header_limit) {
          status = 431;
          key = "http.header_too_large";
        } else if (ec == bhttp::error::body_limit) {
          status = 413;  // a declared Content-Length over the limit
          key = "http.body_too_large";
        } else if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
                   ec == beast::error::timeout || ec == asio::error::operation_aborted ||
                   ec == asio::error::connection_reset) {
          break;
        } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() ||
                   ec == bhttp::error::buffer_overflow) {
          status = 400;
          key = "http.bad_request";
        } else {
          break;
        }
        Response res = error(req, status, key);
        co_await write(stream, req, res, 11, false);
        log_access(req, res, res.body.size(), start);
        break;
      }
      auto& head = parser.get();
      if (head[bhttp::field::expect] == "100-continue" && !parser.is_done()) {
        bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, head.version()};
        beast::get_lowest_layer(stream).expires_after(opt.write_timeout);
        auto [wec, wn] = co_await bhttp::async_write(stream, cont, as_tuple);
        (void)wn;
        if (wec) break;
      }
      if (!parser.is_done()) {
        beast::get_lowest_layer(stream).expires_after(opt.body_timeout);
        auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, as_tuple);
        (void)bn;
        if (bec) {
          if (bec == bhttp::error::body_limit) {
            Response res = error(req, 413, "http.body_too_large");
            co_await write(stream, req, res, head.version(), false);
            log_access(req, res, res.body.size(), start);
          } else if (bec == beast::error::timeout) {
            Response res = error(req, 408, "http.timeout");
            co_await write(stream, req, res, head.version(), false);
            log_access(req, res, res.body.size(), start);
          } else if (bec.category() ==
                     bhttp::make_error_code(bhttp::error::bad_method).category()) {
            Response res = error(req, 400, "http.bad_request");
            co_await write(stream, req, res, head.version(), false);
            log_access(req, res, res.body.size(), start);
          }
          break;
        }
      }
      auto in = parser.release();
      bool keep_alive = in.keep_alive() && !stopping;
      Response res;
      if (auto bad = build(req, in, zone, remote, secure)) {
        res = error(req, *bad);
        keep_alive = false;  // a client that sends malformed requests gets no second try
      } else {
        res = co_await dispatch(req);
      }
      if (stopping) keep_alive = false;
      std::size_t bytes = req.method == "HEAD" ? 0 : res.body.size();
      bool ok = co_await write(stream, req, res, in.version(), keep_alive);
      log_access(req, res, bytes, start);
      if (!ok || !keep_alive) break;
    }
    beast::error_code ec;
    beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ec);
  }

  awaitable<void> session(Worker& w, tcp::socket socket, Zone zone) {
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    std::string remote = ec ? std::string("-") : ep.address().to_string();
    socket.set_option(tcp::no_delay(true), ec);
    asio::ssl::context* ctx = tls[static_cast<int>(zone)].get();
    if (!ctx) {
      beast::tcp_stream stream(std::move(socket));
      co_await serve_connection(w, stream, zone, std::move(remote), false);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *ctx);
    beast::get_lowest_layer(stream).expires_after(opt.header_timeout);
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, as_tuple);
    if (hec) co_return;
    co_await serve_connection(w, stream, zone, std::move(remote), true);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(as_tuple);
  }

  awaitable<void> accept_loop(Worker& w, tcp::acceptor& acceptor, Zone zone) {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(as_tuple);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open() || stopping) co_return;
        continue;  // e.g. EMFILE: keep serving the connections we have
      }
      asio::co_spawn(w.ioc, session(w, std::move(socket), zone), asio::detached);
    }
  }

  std::unique_ptr<asio::ssl::context> make_tls(const TlsConfig& t) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    ctx->use_certificate_chain_file(t.cert_file);
    ctx->use_private_key_file(t.key_file, asio::ssl::context::pem);
    if (!t.client_ca_file.empty()) {
      ctx->load_verify_file(t.client_ca_file);
      ctx->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    }
    return ctx;
  }

  void start() {
    unsigned n =
        opt.io_threads ? opt.io_threads : std::max(1u, std::thread::hardware_concurrency());
    handlers = std::make_unique<asio::thread_pool>(std::max(1u, opt.handler_threads));
    for (unsigned i = 0; i < n; ++i) workers.push_back(std::make_unique<Worker>());
    for (const auto& l : opt.listeners) {
      int zi = static_cast<int>(l.zone);
      if (l.tls.enabled()) {
        try {
          tls[zi] = make_tls(l.tls);
        } catch (const std::exception& e) {
          throw std::runtime_error(fmt::format("TLS for zone {} ({}): {}", zone_name(l.zone),
                                               l.tls.cert_file, e.what()));
        }
      }
      boost::system::error_code ec;
      auto address = asio::ip::make_address(l.host, ec);
      if (ec)
        throw std::runtime_error(fmt::format("listen address {} is not an IP address", l.host));
      unsigned short port = l.port;
      for (auto& w : workers) {
        auto acceptor = std::make_unique<tcp::acceptor>(w->ioc);
        tcp::endpoint ep(address, port);
        acceptor->open(ep.protocol(), ec);
        if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) {
          using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
          acceptor->set_option(reuse_port(true), ec);
        }
        if (!ec) acceptor->bind(ep, ec);
        if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
        if (ec)
          throw std::runtime_error(fmt::format("cannot listen on {}:{} for zone {}: {}", l.host,
                                               port, zone_name(l.zone), ec.message()));
        port = acceptor->local_endpoint().port();
        w->acceptors.emplace_back(l.zone, std::move(acceptor));
      }
      ports[zi] = port;
    }
    for (auto& w : workers) {
      for (auto& [zone, acc] : w->acceptors)
        asio::co_spawn(w->ioc, accept_loop(*w, *acc, zone), asio::detached);
      Worker* wp = w.get();
      w->thread = std::thread([wp] {
        try {
          wp->ioc.run();
        } catch (const std::exception& e) {
          spdlog::critical("I/O thread stopped: {}", e.what());
        }
      });
    }
  }

  // In-flight requests finish with Connection: close; once every connection
  // has gone, or the grace period is over, the worker stops.
  awaitable<void> drain(Worker& w) {
    auto deadline = std::chrono::steady_clock::now() + opt.shutdown_grace;
    asio::steady_timer poll(w.ioc);
    while (!w.connections.empty() && std::chrono::steady_clock::now() < deadline) {
      poll.expires_after(std::chrono::milliseconds(20));
      co_await poll.async_wait(as_tuple);
    }
    w.ioc.stop();
  }

  void stop() {
    if (stopping.exchange(true)) return;
    for (auto& w : workers) {
      Worker* wp = w.get();
      asio::post(wp->ioc, [wp, this] {
        for (auto& [zone, acc] : wp->acceptors) {
          boost::system::error_code ec;
          acc->close(ec);
        }
        for (Connection* c : wp->connections)
          if (c->idle) c->cancel();
        asio::co_spawn(wp->ioc, drain(*wp), asio::detached);
      });
    }
    if (signal_ioc) signal_ioc->stop();
  }

  void wait() {
    std::lock_guard lock(wait_mu);
    if (stopped) return;
    for (auto& w : workers)
      if (w->thread.joinable()) w->thread.join();
    if (handlers) handlers->join();
    if (signal_thread.joinable()) signal_thread.join();
    stopped = true;
  }
};

Server::Server(ServerOptions options, const Router& router, ServerHooks hooks, Metrics* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, std::move(hooks), metrics)) {}

Server::~Server() {
  stop();
  wait();
}

void Server::start() { impl_->start(); }

unsigned short Server::port(Zone zone) const { return impl_->ports[static_cast<int>(zone)]; }

void Server::stop() { impl_->stop(); }

void Server::wait() { impl_->wait(); }

void Server::stop_on_signals() {
  impl_->signal_ioc = std::make_unique<asio::io_context>(1);
  impl_->signals = std::make_unique<asio::signal_set>(*impl_->signal_ioc, SIGINT, SIGTERM);
  Impl* impl = impl_.get();
  impl_->signals->async_wait([impl](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {} received: finishing in-flight requests and stopping", sig);
    impl->stop();
  });
  impl_->signal_thread = std::thread([impl] { impl->signal_ioc->run(); });
}

PageCache& Server::page_cache() { return impl_->cache; }

}  // namespace yiwang::http
