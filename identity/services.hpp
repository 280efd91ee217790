// The identity engine's parts as the route files and the application share
// them. The application owns every object; routes hold references.
#pragma once

#include <functional>
#include <string>

#include "audit/audit_log.hpp"
#include "identity/account_store.hpp"
#include "identity/organ_store.hpp"
#include "identity/password.hpp"
#include "identity/password_reset.hpp"
#include "identity/permissions.hpp"
#include "identity/role_store.hpp"
#include "identity/second_factor_store.hpp"
#include "identity/security_policy.hpp"
#include "identity/session_store.hpp"
#include "identity/sign_in.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::identity {

struct Services {
  const render::PageRenderer& pages;
  SignIn& sign_in;
  SessionStore& sessions;
  AccountStore& accounts;
  OrganStore& organs;
  RoleStore& roles;
  SecondFactorStore& second_factor;
  SecurityPolicyStore& policy;
  PasswordResetStore& resets;
  audit::AuditLog& audit;
  const PermissionCatalogue& permissions;
  const PasswordPolicy& password_policy;
  std::string public_base_url;         // e.g. "https://www.example.gov.cn", for links in e-mail
  std::function<void()> mail_written;  // wakes the mail sender after a commit
};

// The audit "who" of a request's principal (or anonymous).
audit::AuditEvent who(const http::Request& req);

// A local path to return to after signing in ("/" when `next` is anything
// else, so the sign-in form cannot send anyone to another site).
std::string safe_next(std::string_view next);

// A 303 redirect that sets the session cookie to `token` ("" ends it).
http::Response redirect_with_session(const http::Request& req, const std::string& to,
                                     const std::string& token);

// The Set-Cookie value of the session cookie (empty value and max_age 0 end it).
std::string session_cookie(const http::Request& req, const std::string& value,
                           std::optional<std::int64_t> max_age = std::nullopt);

// A positive integer path parameter (an object id); nullopt for anything else,
// which the routes answer with 404.
std::optional<long long> id_param(const http::Request& req, std::string_view name = "id");

// A stored UTC time ("2026-11-27T08:00:00Z") as China time for people:
// "2026-11-27 16:00".
std::string local_time(const std::string& utc);

}  // namespace yiwang::identity
