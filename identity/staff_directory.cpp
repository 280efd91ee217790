#include "identity/staff_directory.hpp"

#include <set>

#include "db/row_value.hpp"

namespace yiwang::identity {

std::optional<StaffMember> find_staff(soci::session& s, std::string_view name) {
  std::string n(name);
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT id, name, display_name, organ_id, department_id FROM "
                    "identity_accounts WHERE name = :n AND kind = 'staff' AND status = 'active'",
       soci::use(n));
  for (const auto& r : rows) {
    StaffMember m;
    m.id = db::row_int64(r, 0);
    m.name = r.get<std::string>(1);
    m.display_name = r.get<std::string>(2);
    if (r.get_indicator(3) == soci::i_ok) m.organ_id = db::row_int64(r, 3);
    if (r.get_indicator(4) == soci::i_ok) m.department_id = db::row_int64(r, 4);
    return m;
  }
  return std::nullopt;
}

std::optional<std::string> department_head_of(soci::session& s, std::string_view account) {
  std::string a(account);
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT h.name FROM identity_accounts a JOIN identity_departments d ON d.id "
                    "= a.department_id JOIN identity_accounts h ON h.id = d.head_account_id "
                    "WHERE a.name = :a AND h.status = 'active'",
       soci::use(a));
  for (const auto& r : rows) return r.get<std::string>(0);
  return std::nullopt;
}

std::optional<long long> organ_id_by_credit_code(soci::session& s, std::string_view code) {
  std::string c(code);
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT id FROM identity_organs WHERE credit_code = :c AND status = 'active'",
       soci::use(c));
  for (const auto& r : rows) return db::row_int64(r, 0);
  return std::nullopt;
}

bool role_named(soci::session& s, std::string_view role) {
  std::string r(role);
  long long n = 0;
  s << "SELECT COUNT(*) FROM identity_roles WHERE name = :n", soci::use(r), soci::into(n);
  return n > 0;
}

std::vector<std::string> role_scope_keys(soci::session& s, std::string_view account) {
  std::string a(account);
  struct G {
    std::string role;
    long long organ;
    bool subs;
  };
  std::vector<G> grants;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT r.name, g.organ_id, g.include_sub_organs FROM identity_grants g "
                    "JOIN identity_roles r ON r.id = g.role_id JOIN identity_accounts a ON a.id "
                    "= g.account_id WHERE a.name = :a AND g.revoked_at IS NULL",
       soci::use(a));
  for (const auto& r : rows)
    grants.push_back({r.get<std::string>(0), db::row_int64(r, 1), db::row_int64(r, 2) != 0});
  std::set<std::string> keys;
  for (const auto& g : grants) {
    keys.insert(g.role + "@" + std::to_string(g.organ));
    if (!g.subs) continue;
    std::vector<long long> frontier{g.organ};
    std::set<long long> seen{g.organ};
    while (!frontier.empty()) {
      long long parent = frontier.back();
      frontier.pop_back();
      soci::rowset<soci::row> kids =
          (s.prepare << "SELECT id FROM identity_organs WHERE parent_id = :p", soci::use(parent));
      for (const auto& k : kids) {
        long long id = db::row_int64(k, 0);
        if (seen.insert(id).second) {
          frontier.push_back(id);
          keys.insert(g.role + "@" + std::to_string(id));
        }
      }
    }
  }
  return {keys.begin(), keys.end()};
}

}  // namespace yiwang::identity
