// The HTTP server: one listener per zone, Boost.Beast with C++20 coroutines.
//
// Each I/O thread runs its own io_context with its own acceptor per zone
// (SO_REUSEPORT), so connections never hop threads. Route handlers run on a
// separate handler pool, so a handler may block on the database without
// stalling other connections. Static files (/static/…) and cached public pages
// are answered on the I/O thread directly.
//
// Limits: header size, body size (and the form limits passed on to
// Request::form()), a header deadline that also bounds keep-alive idling, a
// body deadline and a write deadline, so a slow client cannot hold a worker.
// stop() is graceful: listeners close, idle connections close, in-flight
// requests finish (up to the grace period) with "Connection: close".
//
// This header includes no Boost: modules see only Request and Response.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/http_error.hpp"
#include "http/limits.hpp"
#include "http/metrics.hpp"
#include "http/page_cache.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "http/zone.hpp"

namespace yiwang::http {

// TLS for a listener (production exchange zone: mutual TLS).
struct TlsConfig {
  std::string cert_file;       // PEM certificate chain
  std::string key_file;        // PEM private key
  std::string client_ca_file;  // when set, clients must present a certificate signed by it
  bool enabled() const { return !cert_file.empty(); }
};

struct ListenerConfig {
  Zone zone = Zone::internet;
  std::string host = "127.0.0.1";
  unsigned short port = 0;  // 0 picks a free port (tests)
  TlsConfig tls;
};

// The cookie that keeps a language chosen with ?lang=.
inline constexpr const char* kLanguageCookie = "yw_lang";

struct ServerOptions {
  std::vector<ListenerConfig> listeners;
  unsigned io_threads = 0;        // 0: one per CPU
  unsigned handler_threads = 16;  // blocking handlers (database work)
  Limits limits;
  std::chrono::milliseconds header_timeout{
      15000};  // waiting for a request head (incl. keep-alive idle)
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds shutdown_grace{20000};
  std::filesystem::path static_dir;           // web/static
  std::string session_cookie = "yw_session";  // requests carrying it bypass the page cache
  std::vector<std::string> languages = {"zh-CN", "en"};
};

// What the application adds around every request.
struct ServerHooks {
  // Runs before a route's handler; a returned response stops the request
  // (e.g. 403 or a redirect to sign-in). The default denies every route whose
  // permission is not "public".
  std::function<std::optional<Response>(Request&, const Route&)> authorize;
  // Renders an error page (HTML in the site layout, or JSON under /api/).
  // The error's key is a message-catalogue key saying what went wrong, its
  // params fill the message's placeholders.
  std::function<Response(const Request&, const HttpError& error)> error_page;
  // Last touch on every response (security headers and the like).
  std::function<void(const Request&, Response&)> finish;
};

class Server {
 public:
  Server(ServerOptions options, const Router& router, ServerHooks hooks, Metrics* metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every listener and starts the threads. Throws std::runtime_error
  // naming the address when a listener cannot be opened.
  void start();
  // The bound port of a zone (after start()); 0 if the zone has no listener.
  unsigned short port(Zone zone) const;
  // Graceful stop; returns at once, wait() blocks until done. Safe to call
  // from any thread and more than once.
  void stop();
  // Blocks until the server has stopped.
  void wait();
  // Calls stop() on SIGINT or SIGTERM.
  void stop_on_signals();

  PageCache& page_cache();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace yiwang::http
