// Per-zone route tables. A route is registered for exactly one zone, names the
// permission it requires (or the explicit word "public"), and declares the
// highest classification of data it may return; the internet zone accepts only
// public routes. Registration errors are programming errors and throw
// std::invalid_argument at start-up, so a bad table never serves a request.
//
// Thread safety: register everything before the server starts; matching is
// read-only and may be called from any thread afterwards.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/request.hpp"
#include "http/response.hpp"
#include "http/zone.hpp"

namespace yiwang::http {

using Handler = std::function<Response(Request&)>;

// Security labels of GB/T 22239 / STANDARDS.md §8, in increasing order.
enum class Classification { open = 0, internal = 1, secret = 2, confidential = 3 };

inline constexpr std::string_view kPublic = "public";
// Any signed-in account (its own profile, password, sessions).
inline constexpr std::string_view kSignedIn = "signed-in";

struct Route {
  std::string method;   // GET, POST, PUT, PATCH, DELETE
  std::string pattern;  // "/articles/{id}"; a final "{rest...}" matches the remaining path
  Zone zone = Zone::internet;
  std::string permission;  // e.g. "portal.article.publish", or "public"
  Handler handler;
  Classification max_classification = Classification::open;
  bool cacheable = false;  // GET responses may be kept by the page cache
  std::string summary;     // one line for the OpenAPI document (API routes)
};

// What match() found.
struct Match {
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
  bool method_not_allowed = false;  // the path exists with another method
  std::string allow;                // the methods that exist, for the Allow header
};

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Adds a route. Throws std::invalid_argument when the permission is missing,
  // the pattern is malformed or already taken in that zone, or a non-public
  // classification is registered on the internet zone.
  void add(Route route);

  // Finds the route for a decoded path in one zone. HEAD matches GET routes.
  Match match(Zone zone, std::string_view method, std::string_view path) const;

  // Every route of a zone, in registration order.
  std::vector<const Route*> routes(Zone zone) const;

 private:
  struct Table;
  std::unique_ptr<Table> tables_[3];
};

// True when the pattern is an API route (under /api/v1).
bool is_api_pattern(std::string_view pattern);

}  // namespace yiwang::http
