#include "identity/account_store.hpp"

#include <array>

#include "db/dialect.hpp"
#include "db/row_value.hpp"

namespace yiwang::identity {

namespace {

constexpr std::array<std::string_view, 6> kKindNames = {
    "staff", "citizen", "enterprise", "system_admin", "security_admin", "audit_admin"};
constexpr std::array<std::string_view, 4> kClearanceNames = {"open", "internal", "secret",
                                                             "confidential"};

const char* const kAccountColumns =
    "id, name, kind, display_name, organ_id, clearance, must_change_password, "
    "password_changed_at, status, version, department_id, email, phone, address, citizen_number, "
    "credit_code, legal_representative";

// Opens a sealed column; a value that does not open is a damaged database,
// not something a page can show.
std::string open_field(const crypto::Keyring& keys, const std::string& stored,
                       std::string_view column) {
  auto plain = keys.decrypt(stored, column);
  if (!plain)
    throw std::runtime_error("identity_accounts: " + std::string(column) + " does not open (" +
                             plain.error().key + ")");
  return *plain;
}

Account account_from_row(const soci::row& r, const crypto::Keyring& keys) {
  Account a;
  a.id = db::row_int64(r, 0);
  a.name = r.get<std::string>(1);
  a.kind = parse_account_kind(r.get<std::string>(2)).value_or(AccountKind::citizen);
  a.display_name = r.get<std::string>(3);
  if (r.get_indicator(4) == soci::i_ok) a.organ_id = db::row_int64(r, 4);
  a.clearance = parse_clearance(r.get<std::string>(5)).value_or(Clearance::open);
  a.must_change_password = db::row_int64(r, 6) != 0;
  a.password_changed_at = r.get<std::string>(7);
  a.active = r.get<std::string>(8) == "active";
  a.version = db::row_int64(r, 9);
  if (r.get_indicator(10) == soci::i_ok) a.department_id = db::row_int64(r, 10);
  a.email = r.get<std::string>(11);
  a.phone = open_field(keys, r.get<std::string>(12), kPhoneColumn);
  a.address = open_field(keys, r.get<std::string>(13), kAddressColumn);
  a.citizen_number = open_field(keys, r.get<std::string>(14), kCitizenNumberColumn);
  a.credit_code = r.get<std::string>(15);
  a.legal_representative = r.get<std::string>(16);
  return a;
}

}  // namespace

std::string account_columns() { return kAccountColumns; }
Account account_from_db_row(const soci::row& r, const crypto::Keyring& keys) {
  return account_from_row(r, keys);
}

namespace {

template <class Bind>
Result<std::optional<Account>> find_one(db::Database& db, const crypto::Keyring& keys,
                                        const std::string& where, Bind bind) {
  return db::guarded([&]() -> Result<std::optional<Account>> {
    auto s = db.acquire();
    soci::rowset<soci::row> rows = (s->prepare << std::string("SELECT ") + kAccountColumns +
                                                      " FROM identity_accounts WHERE " + where,
                                    soci::use(bind));
    for (const auto& r : rows) return std::optional<Account>(account_from_row(r, keys));
    return std::optional<Account>();
  });
}

}  // namespace

std::string_view account_kind_name(AccountKind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

std::optional<AccountKind> parse_account_kind(std::string_view name) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == name) return static_cast<AccountKind>(i);
  return std::nullopt;
}

bool is_administrator(AccountKind kind) {
  return kind == AccountKind::system_admin || kind == AccountKind::security_admin ||
         kind == AccountKind::audit_admin;
}

std::string_view clearance_name(Clearance c) {
  return kClearanceNames[static_cast<std::size_t>(c)];
}

std::optional<Clearance> parse_clearance(std::string_view name) {
  for (std::size_t i = 0; i < kClearanceNames.size(); ++i)
    if (kClearanceNames[i] == name) return static_cast<Clearance>(i);
  return std::nullopt;
}

std::vector<db::Migration> AccountStore::migrations() {
  return {{"identity", 2, "accounts",
           R"(CREATE TABLE identity_accounts (
  id ${id},
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  display_name TEXT NOT NULL,
  organ_id BIGINT REFERENCES identity_organs (id),
  department_id BIGINT REFERENCES identity_departments (id),
  clearance TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  must_change_password INTEGER NOT NULL,
  password_changed_at TEXT NOT NULL,
  status TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX identity_accounts_organ ON identity_accounts (organ_id);
CREATE TABLE identity_password_history (
  account_id BIGINT NOT NULL REFERENCES identity_accounts (id),
  password_hash TEXT NOT NULL,
  set_at TEXT NOT NULL
);
CREATE INDEX identity_password_history_account ON identity_password_history (account_id, set_at);
)"}};
}

Result<std::vector<NewAdministrator>> AccountStore::create_administrators(audit::AuditEvent who) {
  struct Spec {
    const char* name;
    AccountKind kind;
    const char* display;
  };
  const Spec specs[] = {{"sysadmin", AccountKind::system_admin, "系统管理员"},
                        {"secadmin", AccountKind::security_admin, "安全管理员"},
                        {"auditadmin", AccountKind::audit_admin, "审计管理员"}};
  // Hash outside the transaction: Argon2id is slow on purpose.
  std::vector<NewAdministrator> out;
  std::vector<std::string> hashes;
  for (const auto& spec : specs) {
    NewAdministrator a;
    a.account.name = spec.name;
    a.account.kind = spec.kind;
    a.account.display_name = spec.display;
    a.account.must_change_password = true;
    a.account.version = 1;
    a.one_time_password = generate_password();
    hashes.push_back(hash_password(a.one_time_password, cost_));
    out.push_back(std::move(a));
  }
  return db::guarded([&]() -> Result<std::vector<NewAdministrator>> {
    return db_.transaction([&](soci::session& s) -> Result<std::vector<NewAdministrator>> {
      long long existing = 0;
      s << "SELECT COUNT(*) FROM identity_accounts WHERE kind IN ('system_admin', "
           "'security_admin', 'audit_admin')",
          soci::into(existing);
      if (existing) return fail("identity.admin.exists");
      std::string now = db::utc_now();
      for (std::size_t i = 0; i < out.size(); ++i) {
        auto& a = out[i].account;
        std::string kind(account_kind_name(a.kind));
        s << "INSERT INTO identity_accounts (name, kind, display_name, clearance, password_hash, "
             "must_change_password, password_changed_at, status, version, created_at) VALUES "
             "(:n, :k, :d, 'open', :h, 1, :t1, 'active', 1, :t2)",
            soci::use(a.name), soci::use(kind), soci::use(a.display_name), soci::use(hashes[i]),
            soci::use(now), soci::use(now);
        s << "SELECT id FROM identity_accounts WHERE name = :n", soci::use(a.name),
            soci::into(a.id);
        a.password_changed_at = now;
        audit::AuditEvent e = who;
        e.event = "identity.account.created";
        e.object = "account:" + a.name;
        e.detail = kind;
        audit::AuditLog::record(s, e);
      }
      return out;
    });
  });
}

Result<std::optional<Account>> AccountStore::find_by_name(const std::string& name) {
  std::string lower = name;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return find_one(db_, keys_, "name = :n", lower);
}

Result<std::optional<Account>> AccountStore::get(long long id) {
  return find_one(db_, keys_, "id = :id", id);
}

Result<std::string> AccountStore::password_hash(long long id) {
  return db::guarded([&]() -> Result<std::string> {
    auto s = db_.acquire();
    std::string hash;
    *s << "SELECT password_hash FROM identity_accounts WHERE id = :id", soci::use(id),
        soci::into(hash);
    if (!s->got_data()) return fail("identity.account.not_found");
    return hash;
  });
}

Result<void> AccountStore::change_password(long long id, std::string_view current,
                                           std::string_view next, const PasswordPolicy& policy,
                                           audit::AuditEvent who) {
  auto hash = password_hash(id);
  if (!hash) return std::unexpected(hash.error());
  if (!verify_password(current, *hash))
    return fail("identity.password.current_wrong", "current_password");
  return replace_password(id, next, policy, [&](soci::session& s, const Account& a) {
    who.event = "identity.password.changed";
    who.object = "account:" + a.name;
    audit::AuditLog::record(s, who);
  });
}

Result<void> AccountStore::replace_password(
    long long id, std::string_view next, const PasswordPolicy& policy,
    const std::function<void(soci::session&, const Account&)>& also) {
  auto account = get(id);
  if (!account) return std::unexpected(account.error());
  if (!*account) return fail("identity.account.not_found");
  auto hash = password_hash(id);
  if (!hash) return std::unexpected(hash.error());
  // The current password and the ones before it (newest first) are history.
  std::vector<std::string> previous{*hash};
  auto older = db::guarded([&]() -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    auto s = db_.acquire();
    soci::rowset<std::string> rows =
        (s->prepare << "SELECT password_hash FROM identity_password_history WHERE account_id = :a "
                       "ORDER BY set_at DESC",
         soci::use(id));
    for (const auto& h : rows) out.push_back(h);
    return out;
  });
  if (!older) return std::unexpected(older.error());
  previous.insert(previous.end(), older->begin(), older->end());
  if (auto ok = check_password_policy(next, (*account)->name, previous, policy); !ok)
    return std::unexpected(ok.error());
  std::string fresh = hash_password(next, cost_);
  return db::guarded([&]() -> Result<void> {
    db_.transaction([&](soci::session& s) {
      std::string now = db::utc_now();
      s << "INSERT INTO identity_password_history (account_id, password_hash, set_at) VALUES (:a, "
           ":h, :t)",
          soci::use(id), soci::use(*hash), soci::use(now);
      s << "UPDATE identity_accounts SET password_hash = :h, must_change_password = 0, "
           "password_changed_at = :t, version = version + 1 WHERE id = :id",
          soci::use(fresh), soci::use(now), soci::use(id);
      also(s, **account);
    });
    return {};
  });
}

}  // namespace yiwang::identity
