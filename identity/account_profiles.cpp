// AccountStore: civil servants created by the system administrator, citizens
// and enterprises registering on the portal, enterprise agents, and the
// administrators' account changes.
#include <algorithm>

#include <fmt/format.h>

#include "core/china_time.hpp"
#include "core/normalise.hpp"
#include "core/text_rules.hpp"
#include "db/dialect.hpp"
#include "db/row_value.hpp"
#include "identity/account_store.hpp"
#include "identity/organ_store.hpp"
#include "identity/session_store.hpp"
#include "mail/message.hpp"

namespace yiwang::identity {

namespace {

std::optional<Account> load(soci::session& s, long long id, const crypto::Keyring& keys) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT " + account_columns() + " FROM identity_accounts WHERE id = :id",
       soci::use(id));
  for (const auto& r : rows) return account_from_db_row(r, keys);
  return std::nullopt;
}

bool name_taken(soci::session& s, const std::string& name) {
  long long n = 0;
  s << "SELECT COUNT(*) FROM identity_accounts WHERE name = :n", soci::use(name), soci::into(n);
  return n > 0;
}

audit::AuditEvent event(audit::AuditEvent who, std::string name, const Account& a,
                        std::string detail = {}) {
  who.event = std::move(name);
  who.object = "account:" + a.name;
  who.detail = std::move(detail);
  return who;
}

bool trim_text_empty(std::string_view s) { return core::trim_text(s).empty(); }

// The optional contact fields every kind shares.
struct Contact {
  std::string email, phone, address;
};

Result<Contact> check_contact(std::string_view email, std::string_view phone,
                              std::string_view address, bool email_required) {
  Contact c;
  if (!trim_text_empty(email) || email_required) {
    auto e = mail::check_email(email, "email");
    if (!e) return std::unexpected(e.error());
    c.email = *e;
  }
  if (!trim_text_empty(phone)) {
    auto p = core::check_phone(phone, "phone");
    if (!p) return std::unexpected(p.error());
    c.phone = *p;
  }
  auto a = core::check_text(address, "address", 200, false);
  if (!a) return std::unexpected(a.error());
  c.address = *a;
  return c;
}

}  // namespace

Result<std::string> check_account_name(std::string_view raw, const std::string& field) {
  std::string name = core::to_half_width(core::trim_text(raw));
  if (name.empty()) return fail("text.required", field);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool ok = name.size() >= 3 && name.size() <= 32 && name[0] >= 'a' && name[0] <= 'z';
  for (char c : name)
    ok = ok &&
         ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  if (!ok) return fail("identity.account.name_rule", field);
  return name;
}

std::vector<db::Migration> AccountStore::profile_migrations() {
  return {{"identity", 6, "citizen and enterprise profiles, agents, staff positions",
           R"(ALTER TABLE identity_accounts ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE identity_accounts ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE identity_accounts ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE identity_accounts ADD COLUMN citizen_number TEXT NOT NULL DEFAULT '';
ALTER TABLE identity_accounts ADD COLUMN credit_code TEXT NOT NULL DEFAULT '';
ALTER TABLE identity_accounts ADD COLUMN legal_representative TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX identity_accounts_citizen ON identity_accounts (citizen_number) WHERE citizen_number <> '';
CREATE UNIQUE INDEX identity_accounts_credit ON identity_accounts (credit_code) WHERE credit_code <> '';
CREATE INDEX identity_accounts_email ON identity_accounts (email);
CREATE TABLE identity_enterprise_agents (
  enterprise_id BIGINT NOT NULL REFERENCES identity_accounts (id),
  citizen_id BIGINT NOT NULL REFERENCES identity_accounts (id),
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (enterprise_id, citizen_id)
);
CREATE TABLE identity_account_positions (
  account_id BIGINT NOT NULL REFERENCES identity_accounts (id),
  position_id BIGINT NOT NULL REFERENCES identity_positions (id),
  PRIMARY KEY (account_id, position_id)
);
)"}};
}

std::vector<db::Migration> AccountStore::sealing_migrations() {
  std::vector<db::Migration> out = {
      {"identity", 9, "encrypted personal fields with blind indexes",
       R"(ALTER TABLE identity_accounts ADD COLUMN phone_index TEXT NOT NULL DEFAULT '';
ALTER TABLE identity_accounts ADD COLUMN citizen_number_index TEXT NOT NULL DEFAULT '';
ALTER TABLE identity_accounts ADD COLUMN fields_key BIGINT NOT NULL DEFAULT 0;
DROP INDEX identity_accounts_citizen;
CREATE UNIQUE INDEX identity_accounts_citizen_index ON identity_accounts (citizen_number_index) WHERE citizen_number_index <> '';
CREATE INDEX identity_accounts_phone_index ON identity_accounts (phone_index) WHERE phone_index <> '';
CREATE INDEX identity_accounts_fields_key ON identity_accounts (fields_key);
ALTER TABLE identity_totp ADD COLUMN fields_key BIGINT NOT NULL DEFAULT 0;
)"}};
  // The identity migrations after 9 follow here: this list is registered last.
  for (auto& m : OrganStore::department_head_migrations()) out.push_back(std::move(m));
  return out;
}

SealedFields seal_fields(const crypto::Keyring& keys, std::string_view phone,
                         std::string_view address, std::string_view citizen_number) {
  SealedFields f;
  f.phone = keys.encrypt(phone, kPhoneColumn);
  f.phone_index = keys.blind_index(phone, kPhoneColumn);
  f.address = keys.encrypt(address, kAddressColumn);
  f.citizen_number = keys.encrypt(citizen_number, kCitizenNumberColumn);
  f.citizen_number_index = keys.blind_index(citizen_number, kCitizenNumberColumn);
  f.key = keys.active_key_id();
  return f;
}

Result<long long> AccountStore::reseal(Progress& progress) {
  long long active = keys_.active_key_id();
  long long total = 0, done = 0;
  auto counted = db::guarded([&]() -> Result<void> {
    auto s = db_.acquire();
    *s << "SELECT COUNT(*) FROM identity_accounts WHERE fields_key <> :k", soci::use(active),
        soci::into(total);
    return {};
  });
  if (!counted) return std::unexpected(counted.error());
  if (total == 0) return 0;
  progress.update("encrypting personal fields", 0, static_cast<std::uint64_t>(total));
  // In batches of 200 rows, each its own transaction; a row sealed already
  // (fields_key = active) is not selected again, so a rerun resumes.
  for (;;) {
    auto n = db::guarded([&]() -> Result<long long> {
      return db_.transaction([&](soci::session& s) -> Result<long long> {
        struct Row {
          long long id, key;
          std::string phone, address, number;
        };
        std::vector<Row> rows;
        soci::rowset<soci::row> rs =
            (s.prepare << "SELECT id, fields_key, phone, address, citizen_number FROM "
                          "identity_accounts WHERE fields_key <> :k ORDER BY id LIMIT 200",
             soci::use(active));
        for (const auto& r : rs)
          rows.push_back({db::row_int64(r, 0), db::row_int64(r, 1), r.get<std::string>(2),
                          r.get<std::string>(3), r.get<std::string>(4)});
        for (auto& row : rows) {
          if (row.key != 0) {  // sealed under an older key: open first
            auto p = keys_.decrypt(row.phone, kPhoneColumn);
            auto a = keys_.decrypt(row.address, kAddressColumn);
            auto c = keys_.decrypt(row.number, kCitizenNumberColumn);
            if (!p || !a || !c)
              return fail("identity.reseal.damaged", "", {{"id", std::to_string(row.id)}});
            row.phone = *p;
            row.address = *a;
            row.number = *c;
          }
          SealedFields f = seal_fields(keys_, row.phone, row.address, row.number);
          s << "UPDATE identity_accounts SET phone = :p, phone_index = :pi, address = :a, "
               "citizen_number = :c, citizen_number_index = :ci, fields_key = :k WHERE id = :id",
              soci::use(f.phone), soci::use(f.phone_index), soci::use(f.address),
              soci::use(f.citizen_number), soci::use(f.citizen_number_index), soci::use(f.key),
              soci::use(row.id);
          crypto::wipe(row.phone);
          crypto::wipe(row.number);
        }
        return static_cast<long long>(rows.size());
      });
    });
    if (!n) return std::unexpected(n.error());
    if (*n == 0) break;
    done += *n;
    progress.update("encrypting personal fields", static_cast<std::uint64_t>(done),
                    static_cast<std::uint64_t>(total));
  }
  progress.finish("encrypting personal fields");
  return done;
}

Result<NewAccount> AccountStore::create_staff(const StaffInput& in, audit::AuditEvent who) {
  auto name = check_account_name(in.name);
  if (!name) return std::unexpected(name.error());
  auto display = core::check_text(in.display_name, "display_name", 50);
  if (!display) return std::unexpected(display.error());
  auto contact = check_contact(in.email, in.phone, "", false);
  if (!contact) return std::unexpected(contact.error());
  NewAccount out;
  out.one_time_password = generate_password();
  std::string hash = hash_password(out.one_time_password, cost_);
  return db::guarded([&]() -> Result<NewAccount> {
    return db_.transaction([&](soci::session& s) -> Result<NewAccount> {
      std::string status;
      soci::indicator ind = soci::i_null;
      s << "SELECT status FROM identity_organs WHERE id = :id", soci::use(in.organ_id),
          soci::into(status, ind);
      if (!s.got_data() || ind != soci::i_ok || status != "active")
        return fail("identity.account.no_organ", "organ");
      if (in.department_id) {
        long long n = 0;
        s << "SELECT COUNT(*) FROM identity_departments WHERE id = :d AND organ_id = :o",
            soci::use(*in.department_id), soci::use(in.organ_id), soci::into(n);
        if (n == 0) return fail("identity.account.no_department", "department");
      }
      if (name_taken(s, *name)) return fail("identity.account.name_taken", "name");
      std::string now = db::utc_now();
      soci::indicator dept_ind = in.department_id ? soci::i_ok : soci::i_null;
      long long dept = in.department_id.value_or(0);
      SealedFields sealed = seal_fields(keys_, contact->phone, "", "");
      s << "INSERT INTO identity_accounts (name, kind, display_name, organ_id, department_id, "
           "clearance, password_hash, must_change_password, password_changed_at, status, version, "
           "created_at, email, phone, phone_index, fields_key) VALUES (:n, 'staff', :d, :o, :dp, "
           "'open', :h, 1, :t1, 'active', 1, :t2, :e, :p, :pi, :k)",
          soci::use(*name), soci::use(*display), soci::use(in.organ_id), soci::use(dept, dept_ind),
          soci::use(hash), soci::use(now), soci::use(now), soci::use(contact->email),
          soci::use(sealed.phone), soci::use(sealed.phone_index), soci::use(sealed.key);
      long long id = 0;
      s << "SELECT id FROM identity_accounts WHERE name = :n", soci::use(*name), soci::into(id);
      out.account = *load(s, id, keys_);
      audit::AuditLog::record(s, event(who, "identity.account.created", out.account, "staff"));
      return out;
    });
  });
}

Result<Account> AccountStore::register_public(AccountKind kind, const RegistrationInput& in,
                                              const PasswordPolicy& policy, audit::AuditEvent who) {
  if (kind != AccountKind::citizen && kind != AccountKind::enterprise)
    return fail("identity.account.bad_kind", "kind");
  auto name = check_account_name(in.name);
  if (!name) return std::unexpected(name.error());
  std::string display, number, credit, legal;
  if (kind == AccountKind::citizen) {
    auto real = core::check_text(in.real_name, "real_name", 50);
    if (!real) return std::unexpected(real.error());
    display = *real;
    auto id = core::check_identifier(core::IdKind::citizen, in.citizen_number, divisions_,
                                     core::china_today());
    if (id.status == core::IdStatus::invalid)
      return fail(id.error.key, "citizen_number", id.error.params);
    if (id.status == core::IdStatus::legacy)
      return fail("identity.account.legacy_citizen_number", "citizen_number",
                  {{"converted", id.converted}});
    number = id.normalised;
  } else {
    auto ename = core::check_text(in.enterprise_name, "enterprise_name", 100);
    if (!ename) return std::unexpected(ename.error());
    display = *ename;
    auto id =
        core::check_identifier(core::IdKind::uscc, in.credit_code, divisions_, core::china_today());
    if (id.status == core::IdStatus::invalid)
      return fail(id.error.key, "credit_code", id.error.params);
    credit = id.normalised;
    auto rep = core::check_text(in.legal_representative, "legal_representative", 50);
    if (!rep) return std::unexpected(rep.error());
    legal = *rep;
  }
  auto contact = check_contact(in.email, in.phone, in.address, true);
  if (!contact) return std::unexpected(contact.error());
  if (in.password != in.password_confirm)
    return fail("identity.password.mismatch", "password_confirm");
  if (auto ok = check_password_policy(in.password, *name, {}, policy); !ok)
    return std::unexpected(ok.error());
  std::string hash = hash_password(in.password, cost_);
  return db::guarded([&]() -> Result<Account> {
    return db_.transaction([&](soci::session& s) -> Result<Account> {
      if (name_taken(s, *name)) return fail("identity.account.name_taken", "name");
      long long n = 0;
      SealedFields sealed = seal_fields(keys_, contact->phone, contact->address, number);
      if (!number.empty()) {
        s << "SELECT COUNT(*) FROM identity_accounts WHERE citizen_number_index = :c",
            soci::use(sealed.citizen_number_index), soci::into(n);
        if (n) return fail("identity.account.citizen_registered", "citizen_number");
      }
      if (!credit.empty()) {
        s << "SELECT COUNT(*) FROM identity_accounts WHERE credit_code = :c", soci::use(credit),
            soci::into(n);
        if (n) return fail("identity.account.enterprise_registered", "credit_code");
      }
      std::string now = db::utc_now();
      std::string kind_name(account_kind_name(kind));
      s << "INSERT INTO identity_accounts (name, kind, display_name, clearance, password_hash, "
           "must_change_password, password_changed_at, status, version, created_at, email, phone, "
           "address, citizen_number, credit_code, legal_representative, phone_index, "
           "citizen_number_index, fields_key) VALUES (:n, :k, :d, 'open', :h, 0, :t1, 'active', "
           "1, :t2, :e, :p, :a, :c, :u, :l, :pi, :ci, :fk)",
          soci::use(*name), soci::use(kind_name), soci::use(display), soci::use(hash),
          soci::use(now), soci::use(now), soci::use(contact->email), soci::use(sealed.phone),
          soci::use(sealed.address), soci::use(sealed.citizen_number), soci::use(credit),
          soci::use(legal), soci::use(sealed.phone_index), soci::use(sealed.citizen_number_index),
          soci::use(sealed.key);
      long long id = 0;
      s << "SELECT id FROM identity_accounts WHERE name = :n", soci::use(*name), soci::into(id);
      Account a = *load(s, id, keys_);
      who.account = a.name;
      audit::AuditLog::record(s, event(who, "identity.account.registered", a, kind_name));
      if (registration_hook_)
        if (auto checked = registration_hook_(s, a, who); !checked)
          return std::unexpected(checked.error());
      return a;
    });
  });
}

Result<Account> AccountStore::set_active(long long id, bool active, long long expected_version,
                                         SessionStore& sessions, audit::AuditEvent who) {
  return db::guarded([&]() -> Result<Account> {
    return db_.transaction([&](soci::session& s) -> Result<Account> {
      auto a = load(s, id, keys_);
      if (!a) return fail("identity.account.not_found", "account");
      if (is_administrator(a->kind)) return fail("identity.account.administrator_fixed", "account");
      if (a->version != expected_version)
        return fail("identity.account.stale", "version", {{"version", std::to_string(a->version)}});
      std::string status = active ? "active" : "disabled";
      s << "UPDATE identity_accounts SET status = :s, version = version + 1 WHERE id = :id",
          soci::use(status), soci::use(id);
      if (!active) sessions.end_all(s, id);
      a->active = active;
      a->version += 1;
      audit::AuditLog::record(
          s, event(who, active ? "identity.account.enabled" : "identity.account.disabled", *a));
      return *a;
    });
  });
}

Result<Account> AccountStore::set_clearance(long long id, Clearance clearance,
                                            long long expected_version, SessionStore& sessions,
                                            audit::AuditEvent who) {
  return db::guarded([&]() -> Result<Account> {
    return db_.transaction([&](soci::session& s) -> Result<Account> {
      auto a = load(s, id, keys_);
      if (!a) return fail("identity.account.not_found", "account");
      if (a->kind != AccountKind::staff) return fail("identity.clearance.staff_only", "account");
      if (a->version != expected_version)
        return fail("identity.account.stale", "version", {{"version", std::to_string(a->version)}});
      std::string name(clearance_name(clearance));
      s << "UPDATE identity_accounts SET clearance = :c, version = version + 1 WHERE id = :id",
          soci::use(name), soci::use(id);
      sessions.end_all(s, id);
      std::string before(clearance_name(a->clearance));
      a->clearance = clearance;
      a->version += 1;
      audit::AuditLog::record(
          s, event(who, "identity.clearance.changed", *a, fmt::format("{} -> {}", before, name)));
      return *a;
    });
  });
}

Result<NewAccount> AccountStore::reset_password(long long id, SessionStore& sessions,
                                                audit::AuditEvent who) {
  NewAccount out;
  out.one_time_password = generate_password();
  std::string hash = hash_password(out.one_time_password, cost_);
  return db::guarded([&]() -> Result<NewAccount> {
    return db_.transaction([&](soci::session& s) -> Result<NewAccount> {
      auto a = load(s, id, keys_);
      if (!a) return fail("identity.account.not_found", "account");
      if (a->kind != AccountKind::staff)
        return fail("identity.account.reset_staff_only", "account");
      std::string now = db::utc_now();
      s << "UPDATE identity_accounts SET password_hash = :h, must_change_password = 1, "
           "password_changed_at = :t, version = version + 1 WHERE id = :id",
          soci::use(hash), soci::use(now), soci::use(id);
      sessions.end_all(s, id);
      out.account = *load(s, id, keys_);
      audit::AuditLog::record(s, event(who, "identity.password.reset", out.account));
      return out;
    });
  });
}

Result<void> AccountStore::set_password(long long id, std::string_view next,
                                        const PasswordPolicy& policy, SessionStore& sessions,
                                        audit::AuditEvent who) {
  return replace_password(id, next, policy, [&](soci::session& s, const Account& a) {
    sessions.end_all(s, id);
    audit::AuditLog::record(s, event(who, "identity.password.reset_by_email", a));
  });
}

Result<AccountStore::Page> AccountStore::list(std::optional<AccountKind> kind,
                                              std::optional<long long> organ,
                                              const std::string& search, int offset, int limit,
                                              Sort sort, bool descending) {
  return db::guarded([&]() -> Result<Page> {
    auto s = db_.acquire();
    // Fixed SQL with every filter bound; an unused filter matches everything.
    std::string kind_name = kind ? std::string(account_kind_name(*kind)) : "";
    long long organ_id = organ.value_or(0);
    int by_organ = organ ? 1 : 0;
    std::string like = "%";
    for (char c : search) {
      if (c == '%' || c == '_' || c == '!') like += '!';
      like += c;
    }
    like += '%';
    const std::string where =
        " FROM identity_accounts WHERE (:k = '' OR kind = :k2) AND (:bo = 0 OR organ_id = :o) "
        "AND (name LIKE :s1 ESCAPE '!' OR display_name LIKE :s2 ESCAPE '!')";
    // Fixed ORDER BY texts; the sign-in name breaks ties so pages are stable.
    std::string order;
    switch (sort) {
      case Sort::name:
        order = "name";
        break;
      case Sort::display_name:
        order = "display_name";
        break;
      case Sort::kind:
        order = "kind";
        break;
      case Sort::organ:
        order = "organ_id";
        break;
    }
    order += descending ? " DESC" : " ASC";
    if (sort != Sort::name) order += ", name";
    Page page;
    *s << "SELECT COUNT(*)" + where, soci::use(kind_name), soci::use(kind_name),
        soci::use(by_organ), soci::use(organ_id), soci::use(like), soci::use(like),
        soci::into(page.total);
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT " + account_columns() + where + " ORDER BY " + order +
                           " LIMIT :lim OFFSET :off",
         soci::use(kind_name), soci::use(kind_name), soci::use(by_organ), soci::use(organ_id),
         soci::use(like), soci::use(like), soci::use(limit), soci::use(offset));
    for (const auto& r : rows) page.accounts.push_back(account_from_db_row(r, keys_));
    return page;
  });
}

Result<std::vector<Account>> AccountStore::staff_of(long long organ_id) {
  return db::guarded([&]() -> Result<std::vector<Account>> {
    auto s = db_.acquire();
    std::vector<Account> out;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT " + account_columns() +
                           " FROM identity_accounts WHERE organ_id = :o AND kind = 'staff' AND "
                           "status = 'active' ORDER BY display_name",
         soci::use(organ_id));
    for (const auto& r : rows) out.push_back(account_from_db_row(r, keys_));
    return out;
  });
}

Result<std::optional<long long>> AccountStore::head_of_account_department(long long account_id) {
  return db::guarded([&]() -> Result<std::optional<long long>> {
    auto s = db_.acquire();
    long long found = 0;
    soci::indicator ind = soci::i_null;
    *s << "SELECT h.id FROM identity_accounts a LEFT JOIN identity_departments d ON d.id = "
          "a.department_id AND d.status = 'active' LEFT JOIN identity_accounts h ON h.id = "
          "d.head_account_id AND h.status = 'active' WHERE a.id = :a",
        soci::use(account_id), soci::into(found, ind);
    if (!s->got_data()) return fail("identity.account.not_found", "account_id");
    if (ind != soci::i_ok) return std::optional<long long>();
    return std::optional<long long>(found);
  });
}

Result<std::optional<Account>> AccountStore::find_public_by_email(const std::string& email) {
  return db::guarded([&]() -> Result<std::optional<Account>> {
    auto s = db_.acquire();
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT " + account_columns() +
                           " FROM identity_accounts WHERE LOWER(email) = LOWER(:e) AND kind IN "
                           "('citizen', "
                           "'enterprise') AND status = 'active' ORDER BY id",
         soci::use(email));
    for (const auto& r : rows) return std::optional<Account>(account_from_db_row(r, keys_));
    return std::optional<Account>();
  });
}

Result<void> AccountStore::add_agent(long long enterprise_id, const std::string& citizen_name,
                                     const std::string& citizen_number, audit::AuditEvent who) {
  auto name = check_account_name(citizen_name, "agent");
  if (!name) return std::unexpected(name.error());
  std::string number = core::normalise_identifier(citizen_number);
  return db::guarded([&]() -> Result<void> {
    return db_.transaction([&](soci::session& s) -> Result<void> {
      auto enterprise = load(s, enterprise_id, keys_);
      if (!enterprise || enterprise->kind != AccountKind::enterprise)
        return fail("identity.agent.not_enterprise", "account");
      // The name and the citizen number must belong to the same citizen
      // account; either alone is not enough, and which was wrong is not said.
      long long citizen = 0;
      std::string index = keys_.blind_index(number, kCitizenNumberColumn);
      s << "SELECT id FROM identity_accounts WHERE name = :n AND citizen_number_index = :c AND "
           "kind = 'citizen' AND status = 'active'",
          soci::use(*name), soci::use(index), soci::into(citizen);
      if (!s.got_data() || number.empty()) return fail("identity.agent.no_citizen", "agent");
      long long n = 0;
      s << "SELECT COUNT(*) FROM identity_enterprise_agents WHERE enterprise_id = :e AND "
           "citizen_id = :c",
          soci::use(enterprise_id), soci::use(citizen), soci::into(n);
      if (n) return fail("identity.agent.exists", "agent");
      std::string now = db::utc_now();
      s << "INSERT INTO identity_enterprise_agents (enterprise_id, citizen_id, added_by, added_at) "
           "VALUES (:e, :c, :b, :t)",
          soci::use(enterprise_id), soci::use(citizen), soci::use(who.account), soci::use(now);
      audit::AuditLog::record(s, event(who, "identity.agent.added", *enterprise, *name));
      return {};
    });
  });
}

Result<void> AccountStore::remove_agent(long long enterprise_id, long long citizen_id,
                                        audit::AuditEvent who) {
  return db::guarded([&]() -> Result<void> {
    return db_.transaction([&](soci::session& s) -> Result<void> {
      auto enterprise = load(s, enterprise_id, keys_);
      if (!enterprise) return fail("identity.agent.not_enterprise", "account");
      soci::statement st = (s.prepare << "DELETE FROM identity_enterprise_agents WHERE "
                                         "enterprise_id = :e AND citizen_id = :c",
                            soci::use(enterprise_id), soci::use(citizen_id));
      st.execute(true);
      if (st.get_affected_rows() != 1) return fail("identity.agent.not_found", "agent");
      audit::AuditLog::record(
          s, event(who, "identity.agent.removed", *enterprise, std::to_string(citizen_id)));
      return {};
    });
  });
}

namespace {
Result<std::vector<Account>> linked(db::Database& db, const crypto::Keyring& keys, const char* sql,
                                    long long id) {
  return db::guarded([&]() -> Result<std::vector<Account>> {
    auto s = db.acquire();
    std::vector<Account> out;
    soci::rowset<soci::row> rows =
        (s->prepare << fmt::format(fmt::runtime(sql), account_columns()), soci::use(id));
    for (const auto& r : rows) out.push_back(account_from_db_row(r, keys));
    return out;
  });
}
}  // namespace

Result<std::vector<Account>> AccountStore::agents(long long enterprise_id) {
  return linked(db_, keys_,
                "SELECT {} FROM identity_accounts WHERE id IN (SELECT citizen_id FROM "
                "identity_enterprise_agents WHERE enterprise_id = :e) ORDER BY display_name",
                enterprise_id);
}

Result<std::vector<Account>> AccountStore::principals_of_agent(long long citizen_id) {
  return linked(db_, keys_,
                "SELECT {} FROM identity_accounts WHERE id IN (SELECT enterprise_id FROM "
                "identity_enterprise_agents WHERE citizen_id = :c) ORDER BY display_name",
                citizen_id);
}

Result<void> AccountStore::set_positions(long long id, const std::vector<long long>& positions,
                                         audit::AuditEvent who) {
  return db::guarded([&]() -> Result<void> {
    return db_.transaction([&](soci::session& s) -> Result<void> {
      auto a = load(s, id, keys_);
      if (!a) return fail("identity.account.not_found", "account");
      if (a->kind != AccountKind::staff || !a->organ_id)
        return fail("identity.position.staff_only", "positions");
      std::vector<long long> chosen = positions;
      std::sort(chosen.begin(), chosen.end());
      chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
      std::string names;
      for (long long p : chosen) {
        std::string name;
        soci::indicator ind = soci::i_null;
        s << "SELECT name FROM identity_positions WHERE id = :p AND organ_id = :o", soci::use(p),
            soci::use(*a->organ_id), soci::into(name, ind);
        if (!s.got_data() || ind != soci::i_ok)
          return fail("identity.position.other_organ", "positions");
        names += (names.empty() ? "" : "、") + name;
      }
      s << "DELETE FROM identity_account_positions WHERE account_id = :a", soci::use(id);
      for (long long p : chosen)
        s << "INSERT INTO identity_account_positions (account_id, position_id) VALUES (:a, :p)",
            soci::use(id), soci::use(p);
      audit::AuditLog::record(s, event(who, "identity.account.positions", *a, names));
      return {};
    });
  });
}

Result<std::vector<AccountStore::HeldPosition>> AccountStore::positions_of(long long id) {
  return db::guarded([&]() -> Result<std::vector<HeldPosition>> {
    std::vector<HeldPosition> out;
    auto s = db_.acquire();
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT p.id, p.name FROM identity_account_positions ap JOIN "
                       "identity_positions p ON p.id = ap.position_id WHERE ap.account_id = :a "
                       "ORDER BY p.id",
         soci::use(id));
    for (const auto& r : rows) out.push_back({db::row_int64(r, 0), r.get<std::string>(1)});
    return out;
  });
}

}  // namespace yiwang::identity
