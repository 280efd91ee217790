#include "identity/role_store.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/text_rules.hpp"
#include "db/dialect.hpp"
#include "db/row_value.hpp"

namespace yiwang::identity {

namespace {

std::optional<Role> load_role(soci::session& s, long long id) {
  std::optional<Role> role;
  {
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT id, name, description, version FROM identity_roles WHERE id = :id",
         soci::use(id));
    for (const auto& r : rows)
      role = Role{db::row_int64(r, 0),
                  r.get<std::string>(1),
                  r.get<std::string>(2),
                  {},
                  db::row_int64(r, 3)};
  }
  if (!role) return role;
  soci::rowset<std::string> perms =
      (s.prepare << "SELECT permission FROM identity_role_permissions WHERE role_id = :id ORDER BY "
                    "permission",
       soci::use(id));
  for (const auto& p : perms) role->permissions.push_back(p);
  return role;
}

void write_permissions(soci::session& s, long long role_id, const std::vector<std::string>& perms) {
  s << "DELETE FROM identity_role_permissions WHERE role_id = :id", soci::use(role_id);
  for (const auto& p : perms)
    s << "INSERT INTO identity_role_permissions (role_id, permission) VALUES (:r, :p)",
        soci::use(role_id), soci::use(p);
}

bool name_taken(soci::session& s, const std::string& name, long long except) {
  long long n = 0;
  s << "SELECT COUNT(*) FROM identity_roles WHERE name = :n AND id <> :id", soci::use(name),
      soci::use(except), soci::into(n);
  return n > 0;
}

std::vector<std::string> sorted_unique(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

std::vector<db::Migration> RoleStore::migrations() {
  return {{"identity", 5, "roles, grants, session stages and security policy",
           R"(CREATE TABLE identity_roles (
  id ${id},
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE identity_role_permissions (
  role_id BIGINT NOT NULL REFERENCES identity_roles (id),
  permission TEXT NOT NULL,
  PRIMARY KEY (role_id, permission)
);
CREATE TABLE identity_grants (
  id ${id},
  account_id BIGINT NOT NULL REFERENCES identity_accounts (id),
  role_id BIGINT NOT NULL REFERENCES identity_roles (id),
  organ_id BIGINT NOT NULL REFERENCES identity_organs (id),
  include_sub_organs INTEGER NOT NULL,
  granted_by TEXT NOT NULL,
  granted_at TEXT NOT NULL,
  revoked_by TEXT,
  revoked_at TEXT
);
CREATE INDEX identity_grants_account ON identity_grants (account_id, revoked_at);
CREATE INDEX identity_grants_role ON identity_grants (role_id, revoked_at);
ALTER TABLE identity_sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';
CREATE TABLE identity_policy (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
)"}};
}

Result<void> RoleStore::check_input(const RoleInput& input) const {
  if (auto n = core::check_text(input.name, "name", 40); !n) return std::unexpected(n.error());
  if (auto d = core::check_text(input.description, "description", 200, false); !d)
    return std::unexpected(d.error());
  if (input.permissions.empty()) return fail("identity.role.no_permissions", "permissions");
  for (const auto& p : input.permissions) {
    if (!catalogue_.find(p))
      return fail("identity.role.unknown_permission", "permissions",
                  {{"permission", p.substr(0, 80)}});
    if (auto admin = catalogue_.administrator_of(p))
      return fail(
          "identity.role.administrator_permission." + std::string(account_kind_name(*admin)),
          "permissions", {{"permission", p}});
    if (!catalogue_.grantable(p))
      return fail("identity.role.not_grantable", "permissions", {{"permission", p}});
  }
  return {};
}

Result<Role> RoleStore::create_role(const RoleInput& input, audit::AuditEvent who) {
  if (auto ok = check_input(input); !ok) return std::unexpected(ok.error());
  std::string name = *core::check_text(input.name, "name", 40);
  std::string description = *core::check_text(input.description, "description", 200, false);
  auto perms = sorted_unique(input.permissions);
  return db::guarded([&]() -> Result<Role> {
    return db_.transaction([&](soci::session& s) -> Result<Role> {
      if (name_taken(s, name, 0)) return fail("identity.role.name_taken", "name");
      std::string now = db::utc_now();
      long long version = 1;
      long long id = 0;
      s << "INSERT INTO identity_roles (name, description, version, created_at) VALUES (:n, :d, "
           ":v, :t) RETURNING id",
          soci::use(name), soci::use(description), soci::use(version), soci::use(now),
          soci::into(id);
      write_permissions(s, id, perms);
      who.event = "identity.role.created";
      who.object = "role:" + std::to_string(id);
      who.detail = fmt::format("{}: {}", name, fmt::join(perms, ","));
      audit::AuditLog::record(s, who);
      return Role{id, name, description, perms, version};
    });
  });
}

Result<Role> RoleStore::update_role(long long id, const RoleInput& input,
                                    long long expected_version, audit::AuditEvent who) {
  if (auto ok = check_input(input); !ok) return std::unexpected(ok.error());
  std::string name = *core::check_text(input.name, "name", 40);
  std::string description = *core::check_text(input.description, "description", 200, false);
  auto perms = sorted_unique(input.permissions);
  return db::guarded([&]() -> Result<Role> {
    return db_.transaction([&](soci::session& s) -> Result<Role> {
      auto role = load_role(s, id);
      if (!role) return fail("identity.role.not_found", "role");
      if (role->version != expected_version)
        return fail("identity.role.stale", "version", {{"version", std::to_string(role->version)}});
      if (name_taken(s, name, id)) return fail("identity.role.name_taken", "name");
      long long version = role->version + 1;
      s << "UPDATE identity_roles SET name = :n, description = :d, version = :v WHERE id = :id",
          soci::use(name), soci::use(description), soci::use(version), soci::use(id);
      write_permissions(s, id, perms);
      // Everyone holding the role signs in again under the new permissions.
      std::vector<long long> holders;
      {
        soci::rowset<soci::row> rows =
            (s.prepare << "SELECT DISTINCT account_id FROM identity_grants WHERE role_id = :r AND "
                          "revoked_at IS NULL",
             soci::use(id));
        for (const auto& r : rows) holders.push_back(db::row_int64(r, 0));
      }
      for (long long a : holders) sessions_.end_all(s, a);
      who.event = "identity.role.changed";
      who.object = "role:" + std::to_string(id);
      who.detail = fmt::format("{}: {}", name, fmt::join(perms, ","));
      audit::AuditLog::record(s, who);
      return Role{id, name, description, perms, version};
    });
  });
}

Result<std::vector<Role>> RoleStore::roles() {
  return db::guarded([&]() -> Result<std::vector<Role>> {
    auto s = db_.acquire();
    std::vector<long long> ids;
    {
      soci::rowset<soci::row> rows = (s->prepare << "SELECT id FROM identity_roles ORDER BY name");
      for (const auto& r : rows) ids.push_back(db::row_int64(r, 0));
    }
    std::vector<Role> out;
    for (long long id : ids)
      if (auto role = load_role(*s, id)) out.push_back(std::move(*role));
    return out;
  });
}

Result<std::optional<Role>> RoleStore::get(long long id) {
  return db::guarded([&]() -> Result<std::optional<Role>> {
    auto s = db_.acquire();
    return load_role(*s, id);
  });
}

Result<Grant> RoleStore::grant(long long account_id, long long role_id, long long organ_id,
                               bool include_sub_organs, audit::AuditEvent who) {
  auto account = [&]() -> Result<std::optional<Account>> {
    return db::guarded([&]() -> Result<std::optional<Account>> {
      auto s = db_.acquire();
      soci::rowset<soci::row> rows =
          (s->prepare << "SELECT kind, status, name FROM identity_accounts WHERE id = :id",
           soci::use(account_id));
      for (const auto& r : rows) {
        Account a;
        a.id = account_id;
        a.kind = parse_account_kind(r.get<std::string>(0)).value_or(AccountKind::citizen);
        a.active = r.get<std::string>(1) == "active";
        a.name = r.get<std::string>(2);
        return std::optional<Account>(a);
      }
      return std::optional<Account>();
    });
  }();
  if (!account) return std::unexpected(account.error());
  if (!*account) return fail("identity.grant.no_account", "account");
  if ((*account)->kind != AccountKind::staff)
    return fail("identity.grant.not_staff", "account",
                {{"kind", std::string(account_kind_name((*account)->kind))}});
  if (!(*account)->active) return fail("identity.grant.account_disabled", "account");
  auto organ = organs_.get(organ_id);
  if (!organ) return std::unexpected(organ.error());
  if (!*organ) return fail("identity.grant.no_organ", "organ");
  if ((*organ)->retired) return fail("identity.grant.organ_retired", "organ");
  return db::guarded([&]() -> Result<Grant> {
    return db_.transaction([&](soci::session& s) -> Result<Grant> {
      auto role = load_role(s, role_id);
      if (!role) return fail("identity.role.not_found", "role");
      long long same = 0;
      int sub = include_sub_organs ? 1 : 0;
      s << "SELECT COUNT(*) FROM identity_grants WHERE account_id = :a AND role_id = :r AND "
           "organ_id = :o AND include_sub_organs = :s AND revoked_at IS NULL",
          soci::use(account_id), soci::use(role_id), soci::use(organ_id), soci::use(sub),
          soci::into(same);
      if (same > 0) return fail("identity.grant.exists", "role");
      std::string now = db::utc_now();
      long long id = 0;
      s << "INSERT INTO identity_grants (account_id, role_id, organ_id, include_sub_organs, "
           "granted_by, granted_at) VALUES (:a, :r, :o, :s, :b, :t) RETURNING id",
          soci::use(account_id), soci::use(role_id), soci::use(organ_id), soci::use(sub),
          soci::use(who.account), soci::use(now), soci::into(id);
      sessions_.end_all(s, account_id);
      who.event = "identity.grant.added";
      who.object = "account:" + (*account)->name;
      who.detail = fmt::format("grant {}: role {} ({}) in organ {}{}", id, role->id, role->name,
                               organ_id, include_sub_organs ? " and sub-organs" : "");
      audit::AuditLog::record(s, who);
      return Grant{id,
                   account_id,
                   role_id,
                   role->name,
                   organ_id,
                   (*organ)->name,
                   include_sub_organs,
                   who.account,
                   now};
    });
  });
}

Result<void> RoleStore::revoke(long long account_id, long long grant_id, audit::AuditEvent who) {
  return db::guarded([&]() -> Result<void> {
    return db_.transaction([&](soci::session& s) -> Result<void> {
      std::string now = db::utc_now();
      soci::statement st =
          (s.prepare << "UPDATE identity_grants SET revoked_at = :t, revoked_by = :b WHERE id = "
                        ":id AND account_id = :a AND revoked_at IS NULL",
           soci::use(now), soci::use(who.account), soci::use(grant_id), soci::use(account_id));
      st.execute(true);
      if (st.get_affected_rows() != 1) return fail("identity.grant.not_found", "grant");
      sessions_.end_all(s, account_id);
      who.event = "identity.grant.revoked";
      who.object = "account:" + std::to_string(account_id);
      who.detail = fmt::format("grant {}", grant_id);
      audit::AuditLog::record(s, who);
      return {};
    });
  });
}

Result<std::vector<Grant>> RoleStore::grants_of(long long account_id) {
  return db::guarded([&]() -> Result<std::vector<Grant>> {
    auto s = db_.acquire();
    std::vector<Grant> out;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT g.id, g.role_id, r.name, g.organ_id, o.name, g.include_sub_organs, "
                       "g.granted_by, g.granted_at FROM identity_grants g JOIN identity_roles r ON "
                       "r.id = g.role_id JOIN identity_organs o ON o.id = g.organ_id WHERE "
                       "g.account_id = :a AND g.revoked_at IS NULL ORDER BY r.name, o.name",
         soci::use(account_id));
    for (const auto& r : rows)
      out.push_back(Grant{db::row_int64(r, 0), account_id, db::row_int64(r, 1),
                          r.get<std::string>(2), db::row_int64(r, 3), r.get<std::string>(4),
                          db::row_int64(r, 5) != 0, r.get<std::string>(6), r.get<std::string>(7)});
    return out;
  });
}

Result<http::Authority> RoleStore::authority(const Account& account) {
  http::Authority out;
  for (auto& p : catalogue_.built_in(account.kind)) out.everywhere.insert(std::move(p));
  if (account.kind != AccountKind::staff) return out;
  auto grants = grants_of(account.id);
  if (!grants) return std::unexpected(grants.error());
  std::map<std::string, std::set<long long>> organs;
  std::map<long long, std::vector<long long>> subtrees;
  for (const auto& g : *grants) {
    auto role = get(g.role_id);
    if (!role) return std::unexpected(role.error());
    if (!*role) continue;
    std::vector<long long> scope{g.organ_id};
    if (g.include_sub_organs) {
      if (!subtrees.contains(g.organ_id)) {
        auto tree = organs_.subtree(g.organ_id);
        if (!tree) return std::unexpected(tree.error());
        subtrees[g.organ_id] = std::move(*tree);
      }
      scope = subtrees[g.organ_id];
    }
    for (const auto& p : (*role)->permissions)
      if (catalogue_.grantable(p)) organs[p].insert(scope.begin(), scope.end());
  }
  for (auto& [p, ids] : organs) out.organs[p].assign(ids.begin(), ids.end());
  return out;
}

}  // namespace yiwang::identity
