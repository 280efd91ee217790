// Request metrics in the Prometheus text format (served at /metrics on the
// intranet zone): requests by zone, route and status, a latency histogram by
// zone and route, and gauges that other modules register (database pool use).
// Thread-safe: observe() is called by every I/O thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/zone.hpp"

namespace yiwang::http {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Records one finished request.
  void observe(Zone zone, std::string_view route, std::string_view method, int status,
               double seconds);
  // Registers a gauge read at every scrape (e.g. pool connections in use).
  void add_gauge(std::string name, std::string help, std::function<double()> read);
  // The exposition text, version 0.0.4.
  std::string render() const;

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace yiwang::http
