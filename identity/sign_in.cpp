#include "identity/sign_in.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "db/dialect.hpp"

namespace yiwang::identity {

namespace {

std::string utc_before(std::chrono::minutes delta) {
  auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - delta;
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool zone_allows(AccountKind kind, const std::string& zone) {
  bool public_user = kind == AccountKind::citizen || kind == AccountKind::enterprise;
  return public_user ? zone == "internet" : zone == "intranet";
}

// Failures of a name inside the window, and the newest one.
std::pair<long long, std::string> recent_failures(soci::session& s, const std::string& name,
                                                  const LockoutPolicy& p) {
  std::string since = utc_before(p.window);
  long long n = 0;
  std::string newest;
  soci::indicator ind = soci::i_null;
  s << "SELECT COUNT(*), MAX(failed_at) FROM identity_signin_failures WHERE account_name = :n "
       "AND failed_at > :s",
      soci::use(name), soci::use(since), soci::into(n), soci::into(newest, ind);
  if (ind != soci::i_ok) newest.clear();
  return {n, newest};
}

bool is_locked(soci::session& s, const std::string& name, const LockoutPolicy& p) {
  auto [n, newest] = recent_failures(s, name, p);
  return n >= p.max_failures && !newest.empty() && newest > utc_before(p.lock);
}

}  // namespace

SignIn::SignIn(db::Database& db, AccountStore& accounts, SessionStore& sessions, HashCost cost,
               LockoutPolicy policy)
    : db_(db),
      accounts_(accounts),
      sessions_(sessions),
      policy_(policy),
      dummy_hash_(hash_password("not a real password: timing only", cost)) {}

std::vector<db::Migration> SignIn::migrations() {
  return {{"identity", 4, "sign-in failures",
           R"(CREATE TABLE identity_signin_failures (
  account_name TEXT NOT NULL,
  failed_at TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX identity_signin_failures_name ON identity_signin_failures (account_name, failed_at);
)"}};
}

Result<SignedIn> SignIn::sign_in(const SignInAttempt& a) {
  // At most 64 bytes, cut at a character boundary (the name is stored as text).
  std::size_t cut = std::min<std::size_t>(a.account.size(), 64);
  while (cut > 0 && cut < a.account.size() &&
         (static_cast<unsigned char>(a.account[cut]) & 0xC0) == 0x80)
    --cut;
  std::string name = lower(a.account.substr(0, cut));
  audit::AuditEvent e{.account = name.empty() ? "-" : name,
                      .organ = "-",
                      .source = a.source,
                      .event = "identity.signin",
                      .object = "account:" + name,
                      .success = false,
                      .request_id = a.request_id};
  auto found = accounts_.find_by_name(name);
  if (!found) return std::unexpected(found.error());
  const Account* account = *found ? &**found : nullptr;
  // Argon2id runs whatever happens next, so timing tells nothing.
  std::string hash = dummy_hash_;
  if (account) {
    auto h = accounts_.password_hash(account->id);
    if (h) hash = *h;
  }
  bool password_ok = verify_password(a.password, hash) && account;
  std::string stage = "full";
  if (password_ok && stage_rule_) {
    auto decided = stage_rule_(*account, a.zone);
    if (!decided) return std::unexpected(decided.error());
    stage = *decided;
  }
  return db::guarded([&]() -> Result<SignedIn> {
    // Decide and record in one transaction (the audit record goes with it).
    auto outcome = db_.transaction([&](soci::session& s) -> Result<SignedIn> {
      if (is_locked(s, name, policy_)) {
        e.detail = "locked";
        audit::AuditLog::record(s, e);
        return SignedIn{};  // refused below, after the commit of the audit record
      }
      bool ok = password_ok && account->active && zone_allows(account->kind, a.zone);
      if (!ok) {
        std::string now = db::utc_now();
        s << "INSERT INTO identity_signin_failures (account_name, failed_at, source) VALUES (:n, "
             ":t, :s)",
            soci::use(name), soci::use(now), soci::use(a.source);
        e.detail = !account           ? "unknown account"
                   : !password_ok     ? "wrong password"
                   : !account->active ? "account disabled"
                                      : "wrong zone";
        audit::AuditLog::record(s, e);
        if (is_locked(s, name, policy_)) {
          audit::AuditEvent lock = e;
          lock.event = "identity.lockout";
          lock.detail = fmt::format("{} failures within {} minutes", policy_.max_failures,
                                    policy_.window.count());
          audit::AuditLog::record(s, lock);
        }
        return SignedIn{};
      }
      s << "DELETE FROM identity_signin_failures WHERE account_name = :n", soci::use(name);
      SignedIn done{*account,
                    sessions_.start(s, account->id, a.zone, a.source, a.user_agent, stage), stage};
      e.success = true;
      e.organ = account->organ_id ? std::to_string(*account->organ_id) : "-";
      audit::AuditLog::record(s, e);
      return done;
    });
    if (outcome && outcome->token.empty()) return fail("identity.signin.failed", "account");
    return outcome;
  });
}

Result<bool> SignIn::second_factor_failed(const std::string& account, const std::string& source,
                                          const std::string& request_id) {
  std::string name = lower(account);
  return db::guarded([&]() -> Result<bool> {
    return db_.transaction([&](soci::session& s) -> Result<bool> {
      std::string now = db::utc_now();
      s << "INSERT INTO identity_signin_failures (account_name, failed_at, source) VALUES (:n, :t, "
           ":s)",
          soci::use(name), soci::use(now), soci::use(source);
      bool locked = is_locked(s, name, policy_);
      if (locked) {
        audit::AuditEvent lock{.account = name,
                               .organ = "-",
                               .source = source,
                               .event = "identity.lockout",
                               .object = "account:" + name,
                               .success = false,
                               .request_id = request_id,
                               .detail = "wrong second-factor codes"};
        audit::AuditLog::record(s, lock);
      }
      return locked;
    });
  });
}

Result<bool> SignIn::locked(const std::string& account) {
  std::string name = lower(account);
  return db::guarded([&]() -> Result<bool> {
    auto s = db_.acquire();
    return is_locked(*s, name, policy_);
  });
}

Result<void> SignIn::unlock(const std::string& account, audit::AuditEvent who) {
  std::string name = lower(account);
  return db::guarded([&]() -> Result<void> {
    db_.transaction([&](soci::session& s) {
      s << "DELETE FROM identity_signin_failures WHERE account_name = :n", soci::use(name);
      who.event = "identity.unlock";
      who.object = "account:" + name;
      audit::AuditLog::record(s, who);
    });
    return {};
  });
}

}  // namespace yiwang::identity
