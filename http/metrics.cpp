#include "http/metrics.hpp"

#include <array>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

#include <fmt/format.h>

namespace yiwang::http {

namespace {
constexpr std::array<double, 11> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,   0.25,   0.5,   1.0,  2.5};

std::string label_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

struct Histogram {
  std::array<std::uint64_t, kBuckets.size()> buckets{};
  std::uint64_t count = 0;
  double sum = 0;
};

struct Gauge {
  std::string name, help;
  std::function<double()> read;
};
}  // namespace

struct Metrics::Rep {
  mutable std::mutex mu;
  std::map<std::tuple<int, std::string, std::string, int>, std::uint64_t> requests;
  std::map<std::pair<int, std::string>, Histogram> latency;
  std::vector<Gauge> gauges;
};

Metrics::Metrics() : rep_(std::make_unique<Rep>()) {}
Metrics::~Metrics() = default;

void Metrics::observe(Zone zone, std::string_view route, std::string_view method, int status,
                      double seconds) {
  std::lock_guard lock(rep_->mu);
  ++rep_->requests[{static_cast<int>(zone), std::string(route), std::string(method), status}];
  Histogram& h = rep_->latency[{static_cast<int>(zone), std::string(route)}];
  for (std::size_t i = 0; i < kBuckets.size(); ++i)
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

void Metrics::add_gauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(rep_->mu);
  rep_->gauges.push_back({std::move(name), std::move(help), std::move(read)});
}

std::string Metrics::render() const {
  std::vector<Gauge> gauges;
  std::string out;
  {
    std::lock_guard lock(rep_->mu);
    out += "# HELP yiwang_http_requests_total HTTP requests by zone, route, method and status.\n";
    out += "# TYPE yiwang_http_requests_total counter\n";
    for (const auto& [key, n] : rep_->requests) {
      const auto& [zone, route, method, status] = key;
      out += fmt::format(
          "yiwang_http_requests_total{{zone=\"{}\",route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
          zone_name(static_cast<Zone>(zone)), label_escape(route), label_escape(method), status, n);
    }
    out +=
        "# HELP yiwang_http_request_duration_seconds Time from request read to response "
        "written.\n";
    out += "# TYPE yiwang_http_request_duration_seconds histogram\n";
    for (const auto& [key, h] : rep_->latency) {
      std::string labels =
          fmt::format("zone=\"{}\",route=\"{}\"", zone_name(static_cast<Zone>(key.first)),
                      label_escape(key.second));
      for (std::size_t i = 0; i < kBuckets.size(); ++i)
        out += fmt::format("yiwang_http_request_duration_seconds_bucket{{{},le=\"{}\"}} {}\n",
                           labels, kBuckets[i], h.buckets[i]);
      out += fmt::format("yiwang_http_request_duration_seconds_bucket{{{},le=\"+Inf\"}} {}\n",
                         labels, h.count);
      out += fmt::format("yiwang_http_request_duration_seconds_sum{{{}}} {}\n", labels, h.sum);
      out += fmt::format("yiwang_http_request_duration_seconds_count{{{}}} {}\n", labels, h.count);
    }
    gauges = rep_->gauges;
  }
  for (const auto& g : gauges) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", g.name, g.help, g.name, g.name,
                       g.read());
  }
  return out;
}

}  // namespace yiwang::http
