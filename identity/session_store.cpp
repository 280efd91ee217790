#include "identity/session_store.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include "db/dialect.hpp"
#include "db/row_value.hpp"
#include "http/csrf.hpp"

namespace yiwang::identity {

namespace {

std::string utc_after(std::chrono::seconds delta) {
  auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + delta;
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t);
}

const char* const kSessionColumns =
    "id, account_id, zone, created_at, last_seen_at, expires_at, source, user_agent, stage";

Session session_from_row(const soci::row& r) {
  return Session{db::row_int64(r, 0),   db::row_int64(r, 1),   r.get<std::string>(2),
                 r.get<std::string>(3), r.get<std::string>(4), r.get<std::string>(5),
                 r.get<std::string>(6), r.get<std::string>(7), r.get<std::string>(8)};
}

}  // namespace

std::string session_token_digest(const std::string& token) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(token.data(), token.size(), md, &len, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

std::vector<db::Migration> SessionStore::migrations() {
  return {{"identity", 3, "sessions",
           R"(CREATE TABLE identity_sessions (
  id ${id},
  token_digest TEXT NOT NULL UNIQUE,
  account_id BIGINT NOT NULL REFERENCES identity_accounts (id),
  zone TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  source TEXT NOT NULL,
  user_agent TEXT NOT NULL,
  ended_at TEXT
);
CREATE INDEX identity_sessions_account ON identity_sessions (account_id, ended_at);
)"}};
}

std::string SessionStore::start(soci::session& s, long long account_id, const std::string& zone,
                                const std::string& source, const std::string& user_agent,
                                const std::string& stage) {
  std::string token = http::random_token();  // 32 random bytes
  std::string digest = session_token_digest(token);
  std::string now = db::utc_now();
  std::string expires = utc_after(policy_.absolute);
  std::string agent = user_agent.substr(0, 200);
  s << "INSERT INTO identity_sessions (token_digest, account_id, zone, created_at, last_seen_at, "
       "expires_at, source, user_agent, stage) VALUES (:d, :a, :z, :c, :l, :e, :s, :u, :st)",
      soci::use(digest), soci::use(account_id), soci::use(zone), soci::use(now), soci::use(now),
      soci::use(expires), soci::use(source), soci::use(agent), soci::use(stage);
  return token;
}

void SessionStore::end_all(soci::session& s, long long account_id) {
  std::string now = db::utc_now();
  s << "UPDATE identity_sessions SET ended_at = :t WHERE account_id = :a AND ended_at IS NULL",
      soci::use(now), soci::use(account_id);
  ended();
}

Result<std::string> SessionStore::advance(long long account_id, long long session_id,
                                          const std::string& stage) {
  return db::guarded([&]() -> Result<std::string> {
    return db_.transaction([&](soci::session& s) -> Result<std::string> {
      std::optional<Session> old;
      {
        soci::rowset<soci::row> rows =
            (s.prepare << std::string("SELECT ") + kSessionColumns +
                              " FROM identity_sessions WHERE id = :id AND account_id = :a "
                              "AND ended_at IS NULL",
             soci::use(session_id), soci::use(account_id));
        for (const auto& r : rows) old = session_from_row(r);
      }
      if (!old) return fail("identity.session.ended", "");
      std::string now = db::utc_now();
      s << "UPDATE identity_sessions SET ended_at = :t WHERE id = :id", soci::use(now),
          soci::use(session_id);
      ended();
      return start(s, account_id, old->zone, old->source, old->user_agent, stage);
    });
  });
}

Result<std::optional<Session>> SessionStore::touch(const std::string& token,
                                                   const std::string& zone) {
  if (!http::is_random_token(token)) return std::optional<Session>();
  std::string digest = session_token_digest(token);
  return db::guarded([&]() -> Result<std::optional<Session>> {
    // Single statements: a read stays a read unless the session must change.
    auto s = db_.acquire();
    std::optional<Session> found;
    {
      soci::rowset<soci::row> rows =
          (s->prepare << std::string("SELECT ") + kSessionColumns +
                             " FROM identity_sessions WHERE token_digest = :d AND ended_at IS NULL",
           soci::use(digest));
      for (const auto& r : rows) found = session_from_row(r);
    }
    if (!found || found->zone != zone) return std::optional<Session>();
    std::string now = db::utc_now();
    std::string idle_limit =
        utc_after(-std::chrono::duration_cast<std::chrono::seconds>(policy_.idle));
    if (found->expires_at <= now || found->last_seen_at < idle_limit) {
      *s << "UPDATE identity_sessions SET ended_at = :t WHERE id = :id AND ended_at IS NULL",
          soci::use(now), soci::use(found->id);
      ended();
      return std::optional<Session>();
    }
    if (found->last_seen_at < utc_after(-std::chrono::seconds(60))) {
      *s << "UPDATE identity_sessions SET last_seen_at = :t WHERE id = :id", soci::use(now),
          soci::use(found->id);
      found->last_seen_at = now;
    }
    return found;
  });
}

Result<std::string> SessionStore::rotate(long long account_id, const std::string& zone,
                                         const std::string& source, const std::string& user_agent) {
  return db::guarded([&]() -> Result<std::string> {
    return db_.transaction([&](soci::session& s) -> Result<std::string> {
      std::string now = db::utc_now();
      s << "UPDATE identity_sessions SET ended_at = :t WHERE account_id = :a AND ended_at IS NULL",
          soci::use(now), soci::use(account_id);
      ended();
      return start(s, account_id, zone, source, user_agent);
    });
  });
}

Result<bool> SessionStore::end(long long account_id, long long session_id, audit::AuditEvent who) {
  return db::guarded([&]() -> Result<bool> {
    return db_.transaction([&](soci::session& s) -> Result<bool> {
      std::string now = db::utc_now();
      soci::statement st =
          (s.prepare << "UPDATE identity_sessions SET ended_at = :t WHERE id = :id "
                        "AND account_id = :a AND ended_at IS NULL",
           soci::use(now), soci::use(session_id), soci::use(account_id));
      st.execute(true);
      ended();
      if (st.get_affected_rows() != 1) return false;
      if (who.object.empty()) who.object = "session:" + std::to_string(session_id);
      audit::AuditLog::record(s, who);
      return true;
    });
  });
}

Result<int> SessionStore::end_others(long long account_id, long long keep, audit::AuditEvent who) {
  return db::guarded([&]() -> Result<int> {
    return db_.transaction([&](soci::session& s) -> Result<int> {
      std::string now = db::utc_now();
      soci::statement st = (s.prepare << "UPDATE identity_sessions SET ended_at = :t WHERE "
                                         "account_id = :a AND id <> :k AND ended_at IS NULL",
                            soci::use(now), soci::use(account_id), soci::use(keep));
      st.execute(true);
      ended();
      int n = static_cast<int>(st.get_affected_rows());
      who.detail = std::to_string(n) + " sessions";
      audit::AuditLog::record(s, who);
      return n;
    });
  });
}

Result<std::vector<Session>> SessionStore::list(long long account_id) {
  return db::guarded([&]() -> Result<std::vector<Session>> {
    std::vector<Session> out;
    auto s = db_.acquire();
    std::string now = db::utc_now();
    soci::rowset<soci::row> rows =
        (s->prepare << std::string("SELECT ") + kSessionColumns +
                           " FROM identity_sessions WHERE account_id = :a AND ended_at IS NULL "
                           "AND expires_at > :t ORDER BY id DESC",
         soci::use(account_id), soci::use(now));
    for (const auto& r : rows) out.push_back(session_from_row(r));
    return out;
  });
}

}  // namespace yiwang::identity
