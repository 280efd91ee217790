// Signing in with account name and password, with the lockout of GB/T 22239:
// after 5 failures within 15 minutes the account name is locked for 15
// minutes (all configurable); the security administrator can unlock it.
// Every answer to a failed attempt is the same whether the account exists,
// the password is wrong or the account is locked, and an unknown account
// costs the same Argon2id work as a known one. Staff and administrators sign
// in on the intranet zone only; citizens and enterprises on the internet zone
// only. Each attempt is audited.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "core/error.hpp"
#include "identity/account_store.hpp"
#include "identity/session_store.hpp"

namespace yiwang::identity {

struct LockoutPolicy {
  int max_failures = 5;
  std::chrono::minutes window{15};
  std::chrono::minutes lock{15};
};

struct SignInAttempt {
  std::string account;
  std::string password;
  std::string zone;  // "intranet" or "internet"
  std::string source;
  std::string user_agent;
  std::string request_id;
};

struct SignedIn {
  Account account;
  std::string token;  // for the session cookie
  std::string stage;  // of the new session: "full", "second_factor" or "enrol"
};

class SignIn {
 public:
  SignIn(db::Database& db, AccountStore& accounts, SessionStore& sessions, HashCost cost,
         LockoutPolicy policy = {});

  static std::vector<db::Migration> migrations();

  // Checks the credentials and starts a session. The only error is
  // "identity.signin.failed" (field "account").
  Result<SignedIn> sign_in(const SignInAttempt& attempt);

  // Decides the stage a new session starts in (see identity/authorizer.hpp);
  // without a rule every session starts signed in fully.
  using StageRule = std::function<Result<std::string>(const Account&, const std::string& zone)>;
  void set_stage_rule(StageRule rule) { stage_rule_ = std::move(rule); }

  // Counts a wrong second-factor code against the account like a wrong
  // password (the same lockout, so codes cannot be guessed without limit);
  // audited. Returns whether the account is locked now.
  Result<bool> second_factor_failed(const std::string& account, const std::string& source,
                                    const std::string& request_id);

  // Whether the account name is locked now.
  Result<bool> locked(const std::string& account);
  // Clears the failures of an account name (security administrator).
  Result<void> unlock(const std::string& account, audit::AuditEvent who);

 private:
  db::Database& db_;
  AccountStore& accounts_;
  SessionStore& sessions_;
  LockoutPolicy policy_;
  std::string dummy_hash_;  // verified against for unknown accounts
  StageRule stage_rule_;
};

}  // namespace yiwang::identity
