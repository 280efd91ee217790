#include "identity/second_factor_store.hpp"

#include <chrono>
#include <optional>
#include <stdexcept>
#include <variant>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/normalise.hpp"
#include "db/dialect.hpp"
#include "db/row_value.hpp"
#include "identity/totp.hpp"

namespace yiwang::identity {

namespace {

constexpr int kRecoveryCodes = 10;
constexpr std::size_t kRecoveryGroups = 3, kRecoveryGroupSize = 4;
constexpr std::size_t kMaxRecoveryInput = 64;  // bytes; anything longer is not a code

// What a transaction decided. A `refused` decision still commits (it carries
// the audit record of the failed attempt) and is then reported as the error.
template <class T>
struct Decision {
  T value{};
  std::optional<Error> refused;
};

template <class T>
Decision<T> refuse(Error e) {
  return Decision<T>{T{}, std::move(e)};
}

// The committed decision as the caller's Result.
template <class T>
Result<T> settle(Result<Decision<T>> d) {
  if (!d) return std::unexpected(d.error());
  if (d->refused) return std::unexpected(*d->refused);
  return std::move(d->value);
}

// The account's sign-in name (for audit objects), or nullopt.
std::optional<std::string> account_name(soci::session& s, long long account_id) {
  std::string name;
  s << "SELECT name FROM identity_accounts WHERE id = :id", soci::use(account_id), soci::into(name);
  if (!s.got_data()) return std::nullopt;
  return name;
}

// The second-factor row of an account.
struct TotpRow {
  std::optional<std::string> secret;   // active, base32
  std::optional<std::string> pending;  // awaiting confirmation, base32
  std::optional<std::int64_t> last_used_step;
  long long version = 0;
};

// The keyring context of an account's secrets: a sealed secret copied to
// another account's row does not open there.
std::string secret_context(long long account_id) {
  return "identity_totp:" + std::to_string(account_id);
}

// Opens a stored secret (fields_key 0: written in clear before encryption).
std::string open_secret(const crypto::Keyring& keys, const std::string& stored, long long key,
                        long long account_id) {
  if (key == 0) return stored;
  auto plain = keys.decrypt(stored, secret_context(account_id));
  if (!plain)
    throw std::runtime_error("identity_totp: the secret of account " + std::to_string(account_id) +
                             " does not open (" + plain.error().key + ")");
  return *plain;
}

std::optional<TotpRow> read_totp(soci::session& s, long long account_id,
                                 const crypto::Keyring& keys) {
  std::string secret, pending;
  long long last = 0, version = 0, key = 0;
  soci::indicator secret_ind = soci::i_null, pending_ind = soci::i_null, last_ind = soci::i_null;
  s << "SELECT secret, pending_secret, last_used_step, version, fields_key FROM identity_totp "
       "WHERE account_id = :a",
      soci::use(account_id), soci::into(secret, secret_ind), soci::into(pending, pending_ind),
      soci::into(last, last_ind), soci::into(version), soci::into(key);
  if (!s.got_data()) return std::nullopt;
  TotpRow row;
  if (secret_ind == soci::i_ok) row.secret = open_secret(keys, secret, key, account_id);
  if (pending_ind == soci::i_ok) row.pending = open_secret(keys, pending, key, account_id);
  if (last_ind == soci::i_ok) row.last_used_step = last;
  row.version = version;
  return row;
}

// Replaces the account's recovery codes with new ones; returns them.
std::vector<std::string> replace_recovery_codes(soci::session& s, long long account_id) {
  s << "DELETE FROM identity_recovery_codes WHERE account_id = :a", soci::use(account_id);
  std::string now = db::utc_now();
  std::vector<std::string> codes;
  for (int i = 0; i < kRecoveryCodes; ++i) {
    codes.push_back(generate_recovery_code());
    std::string digest = recovery_code_digest(codes.back());
    s << "INSERT INTO identity_recovery_codes (account_id, code_digest, created_at) "
         "VALUES (:a, :d, :t)",
        soci::use(account_id), soci::use(digest), soci::use(now);
  }
  return codes;
}

// How many unused recovery codes the account has.
int count_recovery_codes(soci::session& s, long long account_id) {
  long long n = 0;
  s << "SELECT COUNT(*) FROM identity_recovery_codes WHERE account_id = :a AND used_at IS NULL",
      soci::use(account_id), soci::into(n);
  return static_cast<int>(n);
}

// Recovery-code characters in groups of four: "abcd-efgh-jkmn".
std::string grouped(std::string_view chars) {
  std::string out;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (i && i % kRecoveryGroupSize == 0) out += '-';
    out += chars[i];
  }
  return out;
}

// Runs an UPDATE or DELETE and returns the number of rows it changed.
template <class... Binds>
long long execute(soci::session& s, const std::string& sql, Binds&&... binds) {
  soci::statement st = ((s.prepare << sql), ..., soci::use(binds));
  st.execute(true);
  return st.get_affected_rows();
}

// The caller's audit event, made into a record of this store about an account.
audit::AuditEvent event(audit::AuditEvent who, std::string name, const std::string& account,
                        bool success, std::string detail = {}) {
  who.event = std::move(name);
  who.object = "account:" + account;
  who.success = success;
  who.detail = std::move(detail);
  return who;
}

}  // namespace

std::vector<db::Migration> SecondFactorStore::migrations() {
  return {{"identity", 7, "second factor",
           R"(CREATE TABLE identity_totp (
  account_id BIGINT PRIMARY KEY REFERENCES identity_accounts (id),
  secret TEXT,
  pending_secret TEXT,
  last_used_step BIGINT,
  version BIGINT NOT NULL,
  enrolled_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE TABLE identity_recovery_codes (
  id ${id},
  account_id BIGINT NOT NULL REFERENCES identity_accounts (id),
  code_digest TEXT NOT NULL,
  created_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX identity_recovery_codes_account ON identity_recovery_codes (account_id, code_digest);
)"}};
}

Result<PendingEnrolment> SecondFactorStore::begin_enrolment(long long account_id,
                                                            audit::AuditEvent who) {
  std::string secret = generate_totp_secret();
  std::string text = base32_encode(secret);
  return db::guarded([&]() -> Result<PendingEnrolment> {
    return db_.transaction([&](soci::session& s) -> Result<PendingEnrolment> {
      auto name = account_name(s, account_id);
      if (!name) return fail("identity.account.not_found");
      // A page shown again (reloaded, or opened in a second tab) keeps the
      // secret a person may have scanned already, for ten minutes.
      std::string stored, since;
      long long key = 0;
      soci::indicator pending_ind = soci::i_null;
      s << "SELECT pending_secret, updated_at, fields_key FROM identity_totp WHERE account_id = :a",
          soci::use(account_id), soci::into(stored, pending_ind), soci::into(since),
          soci::into(key);
      auto ten_minutes_ago =
          fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now() -
                                                               std::chrono::minutes(10)));
      if (s.got_data() && pending_ind == soci::i_ok && since > ten_minutes_ago) {
        std::string pending = open_secret(keys_, stored, key, account_id);
        if (auto bytes = base32_decode(pending))
          return PendingEnrolment{pending, otpauth_uri(issuer_, *name, *bytes)};
      }
      std::string now = db::utc_now();
      std::string sealed = keys_.encrypt(text, secret_context(account_id));
      long long active = keys_.active_key_id();
      // An active secret in the row was sealed by the same keyring (the
      // clear ones are sealed at migration), so fields_key stays truthful.
      s << "INSERT INTO identity_totp (account_id, pending_secret, version, updated_at, "
           "fields_key) VALUES (:a, :p, 1, :t, :k) ON CONFLICT (account_id) DO UPDATE SET "
           "pending_secret = excluded.pending_secret, version = identity_totp.version + 1, "
           "updated_at = excluded.updated_at, fields_key = excluded.fields_key",
          soci::use(account_id), soci::use(sealed), soci::use(now), soci::use(active);
      audit::AuditLog::record(s, event(who, "identity.totp.enrolment_started", *name, true));
      return PendingEnrolment{text, otpauth_uri(issuer_, *name, secret)};
    });
  });
}

Result<std::vector<std::string>> SecondFactorStore::confirm_enrolment(long long account_id,
                                                                      std::string_view code,
                                                                      std::chrono::sys_seconds now,
                                                                      audit::AuditEvent who) {
  using Codes = std::vector<std::string>;
  return settle(db::guarded([&]() -> Result<Decision<Codes>> {
    return db_.transaction([&](soci::session& s) -> Result<Decision<Codes>> {
      auto name = account_name(s, account_id);
      if (!name) return fail("identity.account.not_found");
      auto row = read_totp(s, account_id, keys_);
      if (!row || !row->pending) return fail("identity.totp.no_pending");
      auto secret = base32_decode(*row->pending);
      if (!secret) return std::unexpected(secret.error());
      auto step = verify_totp(*secret, code, now.time_since_epoch().count(), std::nullopt);
      if (!step) {
        audit::AuditLog::record(
            s, event(who, "identity.totp.enrolled", *name, false, step.error().key));
        return refuse<Codes>(step.error());
      }
      std::string at = db::utc_now();
      long long used = *step;
      if (execute(s,
                  "UPDATE identity_totp SET secret = pending_secret, pending_secret = NULL, "
                  "last_used_step = :s, version = version + 1, enrolled_at = :t, updated_at = :u "
                  "WHERE account_id = :a AND version = :v",
                  used, at, at, account_id, row->version) != 1)
        return fail("identity.totp.replayed", "code");  // a concurrent change won
      Codes codes = replace_recovery_codes(s, account_id);
      audit::AuditLog::record(s, event(who, "identity.totp.enrolled", *name, true));
      return Decision<Codes>{std::move(codes), std::nullopt};
    });
  }));
}

Result<bool> SecondFactorStore::enrolled(long long account_id) {
  return db::guarded([&]() -> Result<bool> {
    auto s = db_.acquire();
    long long n = 0;
    *s << "SELECT COUNT(*) FROM identity_totp WHERE account_id = :a AND secret IS NOT NULL",
        soci::use(account_id), soci::into(n);
    return n > 0;
  });
}

Result<void> SecondFactorStore::verify(long long account_id, std::string_view code,
                                       std::chrono::sys_seconds now, audit::AuditEvent who) {
  using Done = std::monostate;
  auto decided = settle(db::guarded([&]() -> Result<Decision<Done>> {
    return db_.transaction([&](soci::session& s) -> Result<Decision<Done>> {
      auto name = account_name(s, account_id);
      if (!name) return fail("identity.account.not_found");
      auto row = read_totp(s, account_id, keys_);
      if (!row || !row->secret) return fail("identity.totp.not_enrolled");
      auto secret = base32_decode(*row->secret);
      if (!secret) return std::unexpected(secret.error());
      auto step = verify_totp(*secret, code, now.time_since_epoch().count(), row->last_used_step);
      if (!step) {
        audit::AuditLog::record(s,
                                event(who, "identity.totp.verify", *name, false, step.error().key));
        return refuse<Done>(step.error());
      }
      // Compare-and-set on the version: of two concurrent uses one wins.
      std::string at = db::utc_now();
      long long used = *step;
      if (execute(s,
                  "UPDATE identity_totp SET last_used_step = :s, version = version + 1, "
                  "updated_at = :t WHERE account_id = :a AND version = :v AND secret IS NOT NULL",
                  used, at, account_id, row->version) != 1) {
        audit::AuditLog::record(s, event(who, "identity.totp.verify", *name, false,
                                         "identity.totp.replayed (concurrent use)"));
        return refuse<Done>(Error("identity.totp.replayed", "code"));
      }
      audit::AuditLog::record(s, event(who, "identity.totp.verify", *name, true));
      return Decision<Done>{};
    });
  }));
  if (!decided) return std::unexpected(decided.error());
  return {};
}

Result<int> SecondFactorStore::use_recovery_code(long long account_id, std::string_view code,
                                                 audit::AuditEvent who) {
  auto normal = normalise_recovery_code(code);
  return settle(db::guarded([&]() -> Result<Decision<int>> {
    return db_.transaction([&](soci::session& s) -> Result<Decision<int>> {
      auto name = account_name(s, account_id);
      if (!name) return fail("identity.account.not_found");
      auto row = read_totp(s, account_id, keys_);
      if (!row || !row->secret) return fail("identity.totp.not_enrolled");
      Error wrong("identity.recovery.wrong_code", "code");
      if (normal) {
        std::string digest = recovery_code_digest(*normal);
        std::string at = db::utc_now();
        // Each code once: of two concurrent uses one changes the row.
        if (execute(s,
                    "UPDATE identity_recovery_codes SET used_at = :t WHERE account_id = :a AND "
                    "code_digest = :d AND used_at IS NULL",
                    at, account_id, digest) == 1) {
          int left = count_recovery_codes(s, account_id);
          audit::AuditLog::record(
              s, event(who, "identity.recovery.used", *name, true, fmt::format("{} left", left)));
          return Decision<int>{left, std::nullopt};
        }
      } else {
        wrong = normal.error();
      }
      audit::AuditLog::record(s, event(who, "identity.recovery.used", *name, false, wrong.key));
      return refuse<int>(wrong);
    });
  }));
}

Result<int> SecondFactorStore::remaining_recovery_codes(long long account_id) {
  return db::guarded([&]() -> Result<int> {
    auto s = db_.acquire();
    return count_recovery_codes(*s, account_id);
  });
}

Result<std::vector<std::string>> SecondFactorStore::regenerate_recovery_codes(
    long long account_id, audit::AuditEvent who) {
  return db::guarded([&]() -> Result<std::vector<std::string>> {
    return db_.transaction([&](soci::session& s) -> Result<std::vector<std::string>> {
      auto name = account_name(s, account_id);
      if (!name) return fail("identity.account.not_found");
      auto row = read_totp(s, account_id, keys_);
      if (!row || !row->secret) return fail("identity.totp.not_enrolled");
      auto codes = replace_recovery_codes(s, account_id);
      audit::AuditLog::record(s, event(who, "identity.recovery.regenerated", *name, true));
      return codes;
    });
  });
}

Result<void> SecondFactorStore::disable(long long account_id, audit::AuditEvent who,
                                        SessionStore* sessions) {
  return db::guarded([&]() -> Result<void> {
    return db_.transaction([&](soci::session& s) -> Result<void> {
      auto name = account_name(s, account_id);
      if (!name) return fail("identity.account.not_found");
      s << "DELETE FROM identity_recovery_codes WHERE account_id = :a", soci::use(account_id);
      if (execute(s, "DELETE FROM identity_totp WHERE account_id = :a", account_id) != 1)
        return fail("identity.totp.not_enrolled");
      if (sessions) sessions->end_all(s, account_id);
      audit::AuditLog::record(s, event(who, "identity.totp.disabled", *name, true));
      return {};
    });
  });
}

std::string generate_recovery_code() {
  constexpr std::size_t n = kRecoveryAlphabet.size();
  constexpr unsigned limit = 256 - 256 % n;  // rejection sampling: no bias
  std::string chars;
  while (chars.size() < kRecoveryGroups * kRecoveryGroupSize) {
    unsigned char buf[32];
    if (RAND_bytes(buf, sizeof buf) != 1) throw std::runtime_error("RAND_bytes failed");
    for (unsigned char b : buf)
      if (b < limit && chars.size() < kRecoveryGroups * kRecoveryGroupSize)
        chars += kRecoveryAlphabet[b % n];
  }
  return grouped(chars);
}

Result<std::string> normalise_recovery_code(std::string_view text) {
  if (text.size() > kMaxRecoveryInput) return fail("identity.recovery.invalid_format", "code");
  std::string chars;
  for (char c : core::to_half_width(text)) {
    if (c == ' ' || c == '\t' || c == '-') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (kRecoveryAlphabet.find(c) == std::string_view::npos)
      return fail("identity.recovery.invalid_format", "code");
    chars += c;
  }
  if (chars.size() != kRecoveryGroups * kRecoveryGroupSize)
    return fail("identity.recovery.invalid_format", "code");
  return grouped(chars);
}

std::string recovery_code_digest(std::string_view code) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(code.data(), code.size(), md, &len, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned i = 0; i < len; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

Result<long long> SecondFactorStore::reseal(Progress& progress) {
  long long active = keys_.active_key_id();
  auto n = db::guarded([&]() -> Result<long long> {
    return db_.transaction([&](soci::session& s) -> Result<long long> {
      struct Row {
        long long account, key;
        std::optional<std::string> secret, pending;
      };
      std::vector<Row> rows;
      soci::rowset<soci::row> rs =
          (s.prepare << "SELECT account_id, fields_key, secret, pending_secret FROM identity_totp "
                        "WHERE fields_key <> :k",
           soci::use(active));
      for (const auto& r : rs) {
        Row row{db::row_int64(r, 0), db::row_int64(r, 1), std::nullopt, std::nullopt};
        if (r.get_indicator(2) == soci::i_ok) row.secret = r.get<std::string>(2);
        if (r.get_indicator(3) == soci::i_ok) row.pending = r.get<std::string>(3);
        rows.push_back(std::move(row));
      }
      for (auto& row : rows) {
        auto reseal_one = [&](const std::optional<std::string>& stored) {
          std::optional<std::string> out;
          if (stored) {
            std::string plain = open_secret(keys_, *stored, row.key, row.account);
            out = keys_.encrypt(plain, secret_context(row.account));
            crypto::wipe(plain);
          }
          return out;
        };
        auto secret = reseal_one(row.secret), pending = reseal_one(row.pending);
        soci::indicator si = secret ? soci::i_ok : soci::i_null;
        soci::indicator pi = pending ? soci::i_ok : soci::i_null;
        std::string sv = secret.value_or(""), pv = pending.value_or("");
        s << "UPDATE identity_totp SET secret = :s, pending_secret = :p, fields_key = :k WHERE "
             "account_id = :a",
            soci::use(sv, si), soci::use(pv, pi), soci::use(active), soci::use(row.account);
      }
      return static_cast<long long>(rows.size());
    });
  });
  if (n && *n) {
    progress.update("encrypting authenticator secrets", static_cast<std::uint64_t>(*n),
                    static_cast<std::uint64_t>(*n));
    progress.finish("encrypting authenticator secrets");
  }
  return n;
}

}  // namespace yiwang::identity
