// The route hook that answers "who is this, and may they?" for every request
// (deny by default):
//   1. the session cookie is resolved to a Principal — account, organ,
//      clearance, stage of signing in, and its Authority (permissions with
//      organ scopes) — through a small cache that is trusted for a few
//      seconds and dropped whenever this process ends a session;
//   2. a session still signing in (second factor due, enrolment due, password
//      to change) reaches only the pages of that step;
//   3. the route's permission must be held ("public" and "signed-in" are the
//      two words that need none), and the route's classification must not
//      exceed the account's clearance;
//   4. every state-changing HTML form carries the CSRF token, and so does
//      every state-changing API call made with a session cookie (header
//      X-CSRF-Token).
// Handlers then check organ scopes on the objects they touch
// (Principal::holds(permission, organ)).
//
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "http/router.hpp"
#include "identity/account_store.hpp"
#include "identity/permissions.hpp"
#include "identity/role_store.hpp"
#include "identity/security_policy.hpp"
#include "identity/session_store.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::identity {

// Stages of signing in a session may be in.
inline constexpr const char* kStageFull = "full";
inline constexpr const char* kStageSecondFactor = "second_factor";  // code due
inline constexpr const char* kStageEnrol = "enrol";                 // enrolment due

class Authorizer {
 public:
  Authorizer(SessionStore& sessions, AccountStore& accounts, RoleStore& roles,
             SecurityPolicyStore& policy, const PermissionCatalogue& catalogue,
             const render::PageRenderer& pages,
             std::chrono::milliseconds cache_ttl = std::chrono::seconds(5));

  // The hook: nullopt lets the request through, a response refuses it.
  std::optional<http::Response> authorize(http::Request& req, const http::Route& route);

  // The principal of a session token in a zone, if it is live.
  std::optional<http::Principal> principal(const std::string& token, http::Zone zone);

  // Throws std::invalid_argument when a route names a permission nobody
  // declared (a typo would otherwise deny everyone silently).
  void check_routes(const http::Router& router) const;

  // Forgets every cached principal (after a change made behind the stores'
  // backs, e.g. by a test or an operator's SQL).
  void clear_cache();

 private:
  struct Entry {
    http::Principal principal;
    std::chrono::steady_clock::time_point loaded;
    std::uint64_t generation = 0;
  };
  std::optional<http::Principal> load(const std::string& token, http::Zone zone);

  SessionStore& sessions_;
  AccountStore& accounts_;
  RoleStore& roles_;
  SecurityPolicyStore& policy_;
  const PermissionCatalogue& catalogue_;
  const render::PageRenderer& pages_;
  std::chrono::milliseconds ttl_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> cache_;  // token → principal
};

}  // namespace yiwang::identity
