// What a module sees of an HTTP request. The transport (http/server.cpp)
// fills it; no module includes Beast. Handlers may run on any handler thread;
// a Request is owned by one handler call at a time.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "http/form_data.hpp"
#include "http/http_error.hpp"
#include "http/limits.hpp"
#include "http/zone.hpp"

namespace yiwang::http {

// What an account may do: each permission it holds, with the organs where it
// holds it. Built-in permissions of an account kind (the three
// administrators, citizens, enterprises) hold everywhere; a civil servant's
// come from roles granted within organ scopes, expanded to organ ids.
struct Authority {
  std::unordered_set<std::string> everywhere;
  std::unordered_map<std::string, std::vector<long long>> organs;  // sorted ids

  // Whether the permission is held anywhere.
  bool holds(std::string_view permission) const;
  // Whether the permission is held for that organ.
  bool holds(std::string_view permission, long long organ_id) const;
  // The organs where the permission holds (empty with `everywhere`).
  std::vector<long long> organs_for(std::string_view permission) const;
};

// Who sent a request, once the identity engine has recognised its session.
struct Principal {
  long long account_id = 0;
  long long session_id = 0;
  std::string name;  // sign-in name
  std::string display_name;
  std::string kind;  // staff, citizen, enterprise, system_admin, …
  std::optional<long long> organ_id;
  int clearance = 0;                  // Classification the account may read, 0 = open
  bool must_change_password = false;  // one-time password, or expired
  bool password_expired = false;      // older than the policy allows
  std::string stage;                  // "full", or a step of signing in still due
  std::shared_ptr<const Authority> authority;

  bool holds(std::string_view permission) const {
    return authority && authority->holds(permission);
  }
  bool holds(std::string_view permission, long long organ) const {
    return authority && authority->holds(permission, organ);
  }
};

struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string target;  // as sent: path plus query
  std::string path;    // percent-decoded path, without the query
  std::string raw_query;
  std::vector<std::pair<std::string, std::string>> headers;  // names in lower case
  std::string body;
  std::map<std::string, std::string> path_params;  // from the matched route pattern
  FormData query;                                  // parsed query string
  std::vector<std::pair<std::string, std::string>> cookies;
  std::string request_id;
  std::string remote_addr;
  std::string lang = "zh-CN";  // negotiated from ?lang= or Accept-Language
  Zone zone = Zone::internet;
  bool secure = false;  // arrived over TLS
  const Limits* limits = nullptr;
  std::string route_name;              // the pattern of the matched route (for logs and metrics)
  std::optional<Principal> principal;  // set by the application before the handler runs

  // First header with that (lower-case) name, or nullptr.
  const std::string* header(std::string_view name) const;
  // A path parameter by name; empty when absent.
  std::string param(std::string_view name) const;
  // A cookie by name; empty when absent.
  std::string cookie(std::string_view name) const;
  // The body parsed as application/x-www-form-urlencoded or multipart/form-data
  // according to Content-Type, within the request's limits.
  std::expected<FormData, HttpError> form() const;
  // The request's own URL path plus query, for links that return here.
  std::string self_url() const { return target; }
};

}  // namespace yiwang::http
