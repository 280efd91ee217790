#include "http/router.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace yiwang::http {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool is_param(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

bool is_rest(std::string_view seg) {
  return is_param(seg) && seg.size() > 5 && seg.substr(seg.size() - 4) == "...}";
}

std::string param_name(std::string_view seg) {
  std::string_view inner = seg.substr(1, seg.size() - 2);
  if (inner.ends_with("...")) inner.remove_suffix(3);
  return std::string(inner);
}

const char* const kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};

}  // namespace

struct Router::Table {
  std::vector<std::unique_ptr<Route>> routes;
  // Exact paths without parameters, keyed by "METHOD path".
  std::unordered_map<std::string, const Route*> exact;
  // Patterned routes, tried in registration order.
  struct Patterned {
    const Route* route;
    std::vector<std::string> segments;
  };
  std::vector<Patterned> patterned;
};

Router::Router() {
  for (auto& t : tables_) t = std::make_unique<Table>();
}
Router::~Router() = default;

void Router::add(Route route) {
  if (route.permission.empty())
    throw std::invalid_argument(fmt::format(
        "route {} {} has no permission (use \"public\" explicitly)", route.method, route.pattern));
  bool known = false;
  for (const char* m : kMethods) known = known || route.method == m;
  if (!known)
    throw std::invalid_argument(
        fmt::format("route {}: unknown method {}", route.pattern, route.method));
  if (route.pattern.empty() || route.pattern.front() != '/')
    throw std::invalid_argument(fmt::format("route pattern must start with /: {}", route.pattern));
  if (!route.handler) throw std::invalid_argument("route " + route.pattern + " has no handler");
  if (route.zone == Zone::internet && route.max_classification != Classification::open)
    throw std::invalid_argument(fmt::format(
        "route {} {} may return classified data and cannot be mounted on the internet zone",
        route.method, route.pattern));
  if (route.cacheable && (route.method != "GET" || route.permission != kPublic))
    throw std::invalid_argument("only public GET routes may be cacheable: " + route.pattern);

  auto segments = split_path(route.pattern);
  bool has_param = false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (is_rest(segments[i]) && i + 1 != segments.size())
      throw std::invalid_argument("a {rest...} parameter must be last: " + route.pattern);
    has_param = has_param || is_param(segments[i]);
  }

  Table& t = *tables_[static_cast<int>(route.zone)];
  for (const auto& existing : t.routes) {
    if (existing->method == route.method && existing->pattern == route.pattern)
      throw std::invalid_argument(fmt::format("route {} {} registered twice on zone {}",
                                              route.method, route.pattern, zone_name(route.zone)));
  }
  t.routes.push_back(std::make_unique<Route>(std::move(route)));
  const Route* r = t.routes.back().get();
  if (!has_param) {
    std::string path = "/";
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (i) path += '/';
      path += segments[i];
    }
    t.exact.emplace(r->method + " " + path, r);
  } else {
    Table::Patterned p{r, {}};
    for (auto s : segments) p.segments.emplace_back(s);
    t.patterned.push_back(std::move(p));
  }
}

Match Router::match(Zone zone, std::string_view method, std::string_view path) const {
  const Table& t = *tables_[static_cast<int>(zone)];
  std::string_view m = method == "HEAD" ? std::string_view("GET") : method;
  auto segments = split_path(path);
  std::string normal = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i) normal += '/';
    normal += segments[i];
  }

  Match out;
  std::string allow;
  auto note_allow = [&](const Route* r) {
    if (allow.find(r->method) == std::string::npos) {
      if (!allow.empty()) allow += ", ";
      allow += r->method;
    }
  };

  for (const char* candidate : kMethods) {
    auto it = t.exact.find(std::string(candidate) + " " + normal);
    if (it == t.exact.end()) continue;
    if (candidate == m) {
      out.route = it->second;
      return out;
    }
    note_allow(it->second);
  }

  for (const auto& p : t.patterned) {
    std::map<std::string, std::string> params;
    bool ok = true;
    std::size_t i = 0;
    for (; i < p.segments.size(); ++i) {
      const std::string& seg = p.segments[i];
      if (is_rest(seg)) {
        if (i >= segments.size()) {
          ok = false;
          break;
        }
        std::string rest;
        for (std::size_t k = i; k < segments.size(); ++k) {
          if (k > i) rest += '/';
          rest += segments[k];
        }
        params[param_name(seg)] = std::move(rest);
        i = segments.size();
        break;
      }
      if (i >= segments.size()) {
        ok = false;
        break;
      }
      if (is_param(seg)) {
        params[param_name(seg)] = std::string(segments[i]);
      } else if (seg != segments[i]) {
        ok = false;
        break;
      }
    }
    if (!ok || (i != segments.size() && !is_rest(p.segments.back()))) continue;
    if (i < segments.size() && !(p.segments.size() && is_rest(p.segments.back()))) continue;
    if (p.route->method == m) {
      out.route = p.route;
      out.params = std::move(params);
      return out;
    }
    note_allow(p.route);
  }
  if (!allow.empty()) {
    out.method_not_allowed = true;
    if (allow.find("GET") != std::string::npos) allow += ", HEAD";
    out.allow = std::move(allow);
  }
  return out;
}

std::vector<const Route*> Router::routes(Zone zone) const {
  std::vector<const Route*> out;
  for (const auto& r : tables_[static_cast<int>(zone)]->routes) out.push_back(r.get());
  return out;
}

bool is_api_pattern(std::string_view pattern) { return pattern.starts_with("/api/v1/"); }

}  // namespace yiwang::http
