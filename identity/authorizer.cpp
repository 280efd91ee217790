#include "identity/authorizer.hpp"

#include <array>
#include <stdexcept>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "http/csrf.hpp"
#include "http/percent_encoding.hpp"

namespace yiwang::identity {

namespace {

constexpr std::size_t kCacheLimit = 100000;

// The pages a session may reach while a step of signing in is due, and where
// every other page sends it.
struct StepPages {
  std::string_view redirect;
  std::array<std::string_view, 3> allowed;
};

std::optional<StepPages> step_of(const http::Principal& p) {
  if (p.stage == kStageSecondFactor)
    return StepPages{"/signin/code", {"/signin/code", "/signout", ""}};
  if (p.stage == kStageEnrol)
    return StepPages{"/account/second-factor",
                     {"/account/second-factor", "/account/second-factor/confirm", "/signout"}};
  if (p.must_change_password)
    return StepPages{"/account/password", {"/account/password", "/signout", ""}};
  return std::nullopt;
}

bool is_intranet_kind(AccountKind k) { return k == AccountKind::staff || is_administrator(k); }

std::string days_ago(int days) {
  auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) -
           std::chrono::days(days);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t);
}

bool safe_method(const std::string& m) { return m == "GET" || m == "HEAD"; }

}  // namespace

Authorizer::Authorizer(SessionStore& sessions, AccountStore& accounts, RoleStore& roles,
                       SecurityPolicyStore& policy, const PermissionCatalogue& catalogue,
                       const render::PageRenderer& pages, std::chrono::milliseconds cache_ttl)
    : sessions_(sessions),
      accounts_(accounts),
      roles_(roles),
      policy_(policy),
      catalogue_(catalogue),
      pages_(pages),
      ttl_(cache_ttl) {}

void Authorizer::check_routes(const http::Router& router) const {
  for (auto zone : {http::Zone::internet, http::Zone::intranet, http::Zone::exchange})
    for (const http::Route* r : router.routes(zone))
      if (r->permission != http::kPublic && r->permission != http::kSignedIn &&
          !catalogue_.find(r->permission))
        throw std::invalid_argument(fmt::format("route {} {} requires undeclared permission {}",
                                                r->method, r->pattern, r->permission));
}

void Authorizer::clear_cache() {
  std::lock_guard lock(mutex_);
  cache_.clear();
}

std::optional<http::Principal> Authorizer::load(const std::string& token, http::Zone zone) {
  auto session = sessions_.touch(token, std::string(http::zone_name(zone)));
  if (!session || !*session) return std::nullopt;
  auto account = accounts_.get((*session)->account_id);
  if (!account || !*account || !(*account)->active) return std::nullopt;
  const Account& a = **account;
  // Staff and administrators only ever on the intranet, citizens and
  // enterprises only on the internet: sign-in enforces it, and a session
  // somehow recorded in the other zone is not honoured either.
  bool intranet_kind = is_intranet_kind(a.kind);
  if ((zone == http::Zone::intranet && !intranet_kind) ||
      (zone == http::Zone::internet && intranet_kind))
    return std::nullopt;
  auto authority = roles_.authority(a);
  if (!authority) return std::nullopt;  // fails closed
  http::Principal p;
  p.account_id = a.id;
  p.session_id = (*session)->id;
  p.name = a.name;
  p.display_name = a.display_name;
  p.kind = std::string(account_kind_name(a.kind));
  p.organ_id = a.organ_id;
  p.clearance = static_cast<int>(a.clearance);
  p.stage = (*session)->stage;
  p.must_change_password = a.must_change_password;
  if (is_intranet_kind(a.kind)) {
    int max_age = policy_.get().password_max_age_days;
    if (max_age > 0 && a.password_changed_at < days_ago(max_age)) {
      p.must_change_password = true;
      p.password_expired = true;
    }
  }
  p.authority = std::make_shared<const http::Authority>(std::move(*authority));
  return p;
}

std::optional<http::Principal> Authorizer::principal(const std::string& token, http::Zone zone) {
  if (!http::is_random_token(token)) return std::nullopt;
  std::string key = std::string(http::zone_name(zone)) + ":" + token;
  auto now = std::chrono::steady_clock::now();
  std::uint64_t generation = sessions_.generation();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (it->second.generation == generation && now - it->second.loaded < ttl_)
        return it->second.principal;
      cache_.erase(it);
    }
  }
  auto p = load(token, zone);
  if (!p) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (cache_.size() >= kCacheLimit) cache_.clear();
  cache_[key] = Entry{*p, now, generation};
  return p;
}

std::optional<http::Response> Authorizer::authorize(http::Request& req, const http::Route& route) {
  bool api = http::is_api_pattern(route.pattern);
  std::string token = req.cookie(kSessionCookie);
  if (!token.empty()) req.principal = principal(token, req.zone);

  auto refuse = [&](int status, const char* key) -> http::Response {
    if (api) return pages_.json_error(req, status, Error(key, ""));
    return pages_.error(req, status, key);
  };

  if (route.permission != http::kPublic) {
    if (!req.principal) {
      if (api) return refuse(401, "http.unauthorised");
      // A page: sign in first, then come back here.
      std::string next = safe_method(req.method) ? req.path : "/";
      return http::Response::redirect("/signin?next=" + http::percent_encode(next),
                                      safe_method(req.method) ? 302 : 303);
    }
    // A step of signing in still due: only its pages.
    if (auto step = step_of(*req.principal)) {
      bool allowed = false;
      for (auto p : step->allowed) allowed = allowed || (!p.empty() && p == route.pattern);
      if (!allowed) {
        if (api) return refuse(403, "identity.step_due");
        return http::Response::redirect(std::string(step->redirect), 303);
      }
    } else if (route.permission != http::kSignedIn && !req.principal->holds(route.permission)) {
      return refuse(403, "http.forbidden");
    }
    if (static_cast<int>(route.max_classification) > req.principal->clearance)
      return refuse(403, "identity.clearance_too_low");
  }

  // Cross-site request forgery: forms carry the token, cookie-borne API calls
  // carry it in a header.
  if (!safe_method(req.method)) {
    if (!api) {
      auto form = req.form();
      if (!form)
        return pages_.error(req, form.error().status, form.error().key, form.error().params);
      if (!http::csrf_valid(req, *form)) return refuse(403, "http.csrf_failed");
    } else if (!token.empty()) {
      const std::string* header = req.header("x-csrf-token");
      if (!header || !http::csrf_header_valid(req, *header)) return refuse(403, "http.csrf_failed");
    }
  }
  return std::nullopt;
}

}  // namespace yiwang::identity
