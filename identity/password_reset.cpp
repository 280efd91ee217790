#include "identity/password_reset.hpp"

#include <map>
#include <optional>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "db/dialect.hpp"
#include "db/row_value.hpp"
#include "http/csrf.hpp"
#include "identity/session_store.hpp"
#include "mail/message.hpp"

namespace yiwang::identity {

namespace {

std::string utc_after(std::chrono::seconds delta) {
  auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + delta;
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t);
}

std::unexpected<Error> invalid_token() { return fail("identity.reset.invalid_token", "token"); }

// A live token's row: unused and unexpired.
struct Found {
  long long id = 0;
  long long account_id = 0;
};

// Looks a token up; `reason` says why it is not usable (for the audit record
// only, never for the user).
std::optional<Found> find_live(soci::session& s, const std::string& token, std::string& reason) {
  if (!http::is_random_token(token)) {
    reason = "malformed";
    return std::nullopt;
  }
  std::string digest = session_token_digest(token);
  std::optional<Found> found;
  std::string expires_at;
  bool used = false;
  {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT id, account_id, expires_at, used_at FROM identity_password_resets "
                      "WHERE token_digest = :d",
         soci::use(digest));
    for (const auto& r : rows) {
      found = Found{db::row_int64(r, 0), db::row_int64(r, 1)};
      expires_at = r.get<std::string>(2);
      used = r.get_indicator(3) != soci::i_null;
    }
  }
  if (!found) {
    reason = "unknown";
    return std::nullopt;
  }
  if (used) {
    reason = "used";
    return std::nullopt;
  }
  if (expires_at <= db::utc_now()) {
    reason = "expired";
    return std::nullopt;
  }
  return found;
}

// Marks a live token used; false when another request used it first (or it
// expired in between).
bool use_up(soci::session& s, long long id) {
  std::string now = db::utc_now();
  soci::statement st =
      (s.prepare << "UPDATE identity_password_resets SET used_at = :t WHERE id = :id AND "
                    "used_at IS NULL AND expires_at > :t2",
       soci::use(now), soci::use(id), soci::use(now));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

}  // namespace

std::vector<db::Migration> PasswordResetStore::migrations() {
  return {{"identity", 8, "password reset",
           R"(CREATE TABLE identity_password_resets (
  id ${id},
  token_digest TEXT NOT NULL UNIQUE,
  account_id BIGINT NOT NULL REFERENCES identity_accounts (id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX identity_password_resets_account ON identity_password_resets (account_id, used_at);
)"}};
}

Result<long long> PasswordResetStore::request(soci::session& s, long long account_id,
                                              const std::string& email,
                                              const std::string& reset_url_prefix,
                                              std::string_view lang, audit::AuditEvent who) {
  auto address = mail::check_email(email, "email");
  if (!address) return std::unexpected(address.error());
  std::string now = db::utc_now();
  who.event = "identity.password_reset.requested";
  who.object = "account:" + std::to_string(account_id);
  std::string hour_ago = utc_after(-std::chrono::hours(1));
  long long recent = 0;
  s << "SELECT COUNT(*) FROM identity_password_resets WHERE account_id = :a AND created_at > :t",
      soci::use(account_id), soci::use(hour_ago), soci::into(recent);
  if (recent >= policy_.max_per_hour) {
    who.success = false;
    who.detail = "limit: " + std::to_string(policy_.max_per_hour) + " an hour";
    audit::AuditLog::record(s, who);
    return 0;
  }
  std::string expires = utc_after(policy_.lifetime);
  // Earlier tokens expire now: only the newest link works.
  s << "UPDATE identity_password_resets SET expires_at = :t WHERE account_id = :a AND "
       "used_at IS NULL AND expires_at > :t2",
      soci::use(now), soci::use(account_id), soci::use(now);
  std::string token = http::random_token();  // 32 random bytes
  std::string digest = session_token_digest(token);
  s << "INSERT INTO identity_password_resets (token_digest, account_id, created_at, expires_at) "
       "VALUES (:d, :a, :c, :e)",
      soci::use(digest), soci::use(account_id), soci::use(now), soci::use(expires);

  std::map<std::string, std::string> params{{"link", reset_url_prefix + token},
                                            {"minutes", std::to_string(policy_.lifetime.count())}};
  mail::Message message{*address, catalogue_.text(lang, "identity.reset.mail.subject", params),
                        catalogue_.text(lang, "identity.reset.mail.body", params)};
  auto queued = outbox_.enqueue(s, message);
  if (!queued) return std::unexpected(queued.error());

  who.success = true;
  who.detail = "mail:" + std::to_string(*queued);
  audit::AuditLog::record(s, who);
  return *queued;
}

Result<long long> PasswordResetStore::request(long long account_id, const std::string& email,
                                              const std::string& reset_url_prefix,
                                              std::string_view lang, audit::AuditEvent who) {
  return db::guarded([&]() -> Result<long long> {
    return db_.transaction([&](soci::session& s) -> Result<long long> {
      return request(s, account_id, email, reset_url_prefix, lang, who);
    });
  });
}

Result<long long> PasswordResetStore::check(const std::string& token) {
  return db::guarded([&]() -> Result<long long> {
    auto s = db_.acquire();
    std::string reason;
    auto found = find_live(*s, token, reason);
    if (!found) return invalid_token();
    return found->account_id;
  });
}

Result<long long> PasswordResetStore::redeem(soci::session& s, const std::string& token,
                                             audit::AuditEvent who) {
  std::string reason;
  auto found = find_live(s, token, reason);
  if (!found || !use_up(s, found->id)) return invalid_token();
  who.event = "identity.password_reset.redeemed";
  who.object = "account:" + std::to_string(found->account_id);
  who.success = true;
  who.detail = {};
  audit::AuditLog::record(s, who);
  return found->account_id;
}

Result<long long> PasswordResetStore::redeem(const std::string& token, audit::AuditEvent who) {
  std::string reason;
  long long account = 0;
  auto result = db::guarded([&]() -> Result<long long> {
    return db_.transaction([&](soci::session& s) -> Result<long long> {
      auto found = find_live(s, token, reason);
      if (!found) return invalid_token();
      account = found->account_id;
      if (!use_up(s, found->id)) {
        reason = "raced";
        return invalid_token();
      }
      audit::AuditEvent e = who;
      e.event = "identity.password_reset.redeemed";
      e.object = "account:" + std::to_string(found->account_id);
      e.success = true;
      e.detail = {};
      audit::AuditLog::record(s, e);
      return found->account_id;
    });
  });
  if (!result && result.error().key == "identity.reset.invalid_token") {
    who.event = "identity.password_reset.redeemed";
    who.object = account ? "account:" + std::to_string(account) : "-";
    who.success = false;
    who.detail = reason;
    try {
      db_.transaction([&](soci::session& s) { audit::AuditLog::record(s, who); });
    } catch (const std::exception& e) {
      // The user's answer does not depend on the audit record.
      spdlog::error("password reset: cannot audit a failed redeem: {}", e.what());
    }
  }
  return result;
}

}  // namespace yiwang::identity
