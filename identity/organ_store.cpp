#include "identity/organ_store.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "core/china_time.hpp"
#include "core/identifier.hpp"
#include "core/text_rules.hpp"
#include "db/dialect.hpp"
#include "db/row_value.hpp"

namespace yiwang::identity {

namespace {

constexpr std::array<std::string_view, 5> kLevelNames = {"national", "province", "city", "county",
                                                         "township"};

const char* const kOrganColumns =
    "id, name, short_name, doc_prefix, level, division_code, credit_code, parent_id, status, "
    "version";

Organ organ_from_row(const soci::row& r) {
  Organ o;
  o.id = db::row_int64(r, 0);
  o.name = r.get<std::string>(1);
  o.short_name = r.get<std::string>(2);
  o.doc_prefix = r.get<std::string>(3);
  o.level = parse_organ_level(r.get<std::string>(4)).value_or(OrganLevel::city);
  o.division_code = r.get<std::string>(5);
  o.credit_code = r.get<std::string>(6);
  if (r.get_indicator(7) == soci::i_ok) o.parent_id = db::row_int64(r, 7);
  o.retired = r.get<std::string>(8) == "retired";
  o.version = db::row_int64(r, 9);
  return o;
}

std::optional<Organ> load(soci::session& s, long long id) {
  soci::rowset<soci::row> rows =
      (s.prepare << std::string("SELECT ") + kOrganColumns + " FROM identity_organs WHERE id = :id",
       soci::use(id));
  for (const auto& r : rows) return organ_from_row(r);
  return std::nullopt;
}

void write_history(soci::session& s, const Organ& o, const std::string& change,
                   const audit::AuditEvent& who) {
  std::string now = db::utc_now();
  std::string status = o.retired ? "retired" : "active";
  soci::indicator parent_ind = o.parent_id ? soci::i_ok : soci::i_null;
  long long parent = o.parent_id.value_or(0);
  s << "INSERT INTO identity_organ_history (organ_id, version, change, name, short_name, "
       "doc_prefix, parent_id, status, changed_by, changed_at) VALUES (:id, :v, :c, :n, :sn, :dp, "
       ":p, :st, :by, :at)",
      soci::use(o.id), soci::use(o.version), soci::use(change), soci::use(o.name),
      soci::use(o.short_name), soci::use(o.doc_prefix), soci::use(parent, parent_ind),
      soci::use(status), soci::use(who.account), soci::use(now);
}

void audit_change(soci::session& s, audit::AuditEvent who, const Organ& o,
                  const std::string& change) {
  who.event = "identity.organ." + change;
  who.object = "organ:" + std::to_string(o.id);
  who.detail = o.name;
  audit::AuditLog::record(s, who);
}

// Checks name, short name and 机关代字; returns them trimmed.
Result<std::array<std::string, 3>> check_names(const std::string& name,
                                               const std::string& short_name,
                                               const std::string& doc_prefix) {
  auto n = core::check_text(name, "name", 100);
  if (!n) return std::unexpected(n.error());
  auto sn = core::check_text(short_name, "short_name", 50);
  if (!sn) return std::unexpected(sn.error());
  auto dp = core::check_text(doc_prefix, "doc_prefix", 10);
  if (!dp) return std::unexpected(dp.error());
  // 机关代字 goes into 发文字号 such as 示政发〔2026〕3号: no brackets or digits.
  for (std::string_view bad : {"〔", "〕", "[", "]", "(", ")", "（", "）", " "})
    if (dp->find(bad) != std::string::npos)
      return fail("identity.organ.doc_prefix_chars", "doc_prefix");
  for (char c : *dp)
    if (c >= '0' && c <= '9') return fail("identity.organ.doc_prefix_chars", "doc_prefix");
  return std::array<std::string, 3>{*n, *sn, *dp};
}

Result<Organ> stale(const Organ& current) {
  return fail("identity.organ.stale", "version", {{"version", std::to_string(current.version)}});
}

}  // namespace

std::string_view organ_level_name(OrganLevel level) {
  return kLevelNames[static_cast<std::size_t>(level)];
}

std::optional<OrganLevel> parse_organ_level(std::string_view s) {
  for (std::size_t i = 0; i < kLevelNames.size(); ++i)
    if (kLevelNames[i] == s) return static_cast<OrganLevel>(i);
  return std::nullopt;
}

std::vector<db::Migration> OrganStore::migrations() {
  return {{"identity", 1, "organs, departments and positions",
           R"(CREATE TABLE identity_organs (
  id ${id},
  name TEXT NOT NULL,
  short_name TEXT NOT NULL,
  doc_prefix TEXT NOT NULL,
  level TEXT NOT NULL,
  division_code TEXT NOT NULL,
  credit_code TEXT NOT NULL UNIQUE,
  parent_id BIGINT REFERENCES identity_organs (id),
  status TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX identity_organs_parent ON identity_organs (parent_id);
CREATE TABLE identity_organ_history (
  id ${id},
  organ_id BIGINT NOT NULL REFERENCES identity_organs (id),
  version BIGINT NOT NULL,
  change TEXT NOT NULL,
  name TEXT NOT NULL,
  short_name TEXT NOT NULL,
  doc_prefix TEXT NOT NULL,
  parent_id BIGINT,
  status TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  changed_at TEXT NOT NULL
);
CREATE TABLE identity_departments (
  id ${id},
  organ_id BIGINT NOT NULL REFERENCES identity_organs (id),
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  UNIQUE (organ_id, name)
);
CREATE TABLE identity_positions (
  id ${id},
  organ_id BIGINT NOT NULL REFERENCES identity_organs (id),
  name TEXT NOT NULL,
  UNIQUE (organ_id, name)
);
)"}};
}

Result<Organ> OrganStore::add(const OrganInput& in, audit::AuditEvent who) {
  auto names = check_names(in.name, in.short_name, in.doc_prefix);
  if (!names) return std::unexpected(names.error());
  auto level = parse_organ_level(in.level);
  if (!level) return fail("identity.organ.bad_level", "level");
  core::DivisionExists lookup;
  if (divisions_.loaded()) lookup = [this](std::string_view c) { return divisions_.exists(c); };
  auto division =
      core::check_identifier(core::IdKind::division, in.division_code, lookup, core::china_today());
  if (division.status == core::IdStatus::invalid)
    return fail(division.error.key, "division_code", division.error.params);
  auto credit =
      core::check_identifier(core::IdKind::uscc, in.credit_code, lookup, core::china_today());
  if (credit.status == core::IdStatus::invalid)
    return fail(credit.error.key, "credit_code", credit.error.params);
  return db::guarded([&]() -> Result<Organ> {
    return db_.transaction([&](soci::session& s) -> Result<Organ> {
      if (in.parent_id) {
        auto parent = load(s, *in.parent_id);
        if (!parent || parent->retired) return fail("identity.organ.no_parent", "parent_id");
        if (static_cast<int>(*level) < static_cast<int>(parent->level))
          return fail("identity.organ.level_above_parent", "level");
      }
      long long taken = 0;
      s << "SELECT COUNT(*) FROM identity_organs WHERE credit_code = :c",
          soci::use(credit.normalised), soci::into(taken);
      if (taken) return fail("identity.organ.duplicate_credit_code", "credit_code");
      Organ o;
      o.name = (*names)[0];
      o.short_name = (*names)[1];
      o.doc_prefix = (*names)[2];
      o.level = *level;
      o.division_code = division.normalised;
      o.credit_code = credit.normalised;
      o.parent_id = in.parent_id;
      o.version = 1;
      std::string now = db::utc_now();
      std::string level_name(organ_level_name(o.level));
      soci::indicator parent_ind = o.parent_id ? soci::i_ok : soci::i_null;
      long long parent = o.parent_id.value_or(0);
      s << "INSERT INTO identity_organs (name, short_name, doc_prefix, level, division_code, "
           "credit_code, parent_id, status, version, created_at, updated_at) VALUES (:n, :sn, "
           ":dp, :l, :d, :c, :p, 'active', 1, :t1, :t2)",
          soci::use(o.name), soci::use(o.short_name), soci::use(o.doc_prefix),
          soci::use(level_name), soci::use(o.division_code), soci::use(o.credit_code),
          soci::use(parent, parent_ind), soci::use(now), soci::use(now);
      s << "SELECT id FROM identity_organs WHERE credit_code = :c", soci::use(o.credit_code),
          soci::into(o.id);
      write_history(s, o, "created", who);
      audit_change(s, who, o, "created");
      return o;
    });
  });
}

Result<Organ> OrganStore::rename(long long id, const std::string& name,
                                 const std::string& short_name, const std::string& doc_prefix,
                                 long long expected_version, audit::AuditEvent who) {
  auto names = check_names(name, short_name, doc_prefix);
  if (!names) return std::unexpected(names.error());
  return db::guarded([&]() -> Result<Organ> {
    return db_.transaction([&](soci::session& s) -> Result<Organ> {
      auto o = load(s, id);
      if (!o) return fail("identity.organ.not_found", "id");
      if (o->version != expected_version) return stale(*o);
      if (o->retired) return fail("identity.organ.retired", "id");
      o->name = (*names)[0];
      o->short_name = (*names)[1];
      o->doc_prefix = (*names)[2];
      ++o->version;
      std::string now = db::utc_now();
      soci::statement st =
          (s.prepare << "UPDATE identity_organs SET name = :n, short_name = :sn, doc_prefix = :dp, "
                        "version = :v, updated_at = :t WHERE id = :id AND version = :old",
           soci::use(o->name), soci::use(o->short_name), soci::use(o->doc_prefix),
           soci::use(o->version), soci::use(now), soci::use(id), soci::use(expected_version));
      st.execute(true);
      if (st.get_affected_rows() != 1) return stale(*o);
      write_history(s, *o, "renamed", who);
      audit_change(s, who, *o, "renamed");
      return *o;
    });
  });
}

Result<Organ> OrganStore::move(long long id, std::optional<long long> new_parent,
                               long long expected_version, audit::AuditEvent who) {
  return db::guarded([&]() -> Result<Organ> {
    return db_.transaction([&](soci::session& s) -> Result<Organ> {
      auto o = load(s, id);
      if (!o) return fail("identity.organ.not_found", "id");
      if (o->version != expected_version) return stale(*o);
      if (o->retired) return fail("identity.organ.retired", "id");
      if (new_parent) {
        // Walk up from the new parent: meeting the organ itself would make a cycle.
        std::set<long long> seen;
        for (std::optional<long long> p = new_parent; p;) {
          if (*p == id) return fail("identity.organ.cycle", "parent_id");
          if (!seen.insert(*p).second) break;
          auto up = load(s, *p);
          if (!up) return fail("identity.organ.no_parent", "parent_id");
          if (*p == *new_parent) {
            if (up->retired) return fail("identity.organ.no_parent", "parent_id");
            if (static_cast<int>(o->level) < static_cast<int>(up->level))
              return fail("identity.organ.level_above_parent", "parent_id");
          }
          p = up->parent_id;
        }
      }
      o->parent_id = new_parent;
      ++o->version;
      std::string now = db::utc_now();
      soci::indicator ind = new_parent ? soci::i_ok : soci::i_null;
      long long parent = new_parent.value_or(0);
      soci::statement st =
          (s.prepare << "UPDATE identity_organs SET parent_id = :p, version = :v, updated_at = :t "
                        "WHERE id = :id AND version = :old",
           soci::use(parent, ind), soci::use(o->version), soci::use(now), soci::use(id),
           soci::use(expected_version));
      st.execute(true);
      if (st.get_affected_rows() != 1) return stale(*o);
      write_history(s, *o, "moved", who);
      audit_change(s, who, *o, "moved");
      return *o;
    });
  });
}

Result<Organ> OrganStore::retire(long long id, long long expected_version, audit::AuditEvent who) {
  return db::guarded([&]() -> Result<Organ> {
    return db_.transaction([&](soci::session& s) -> Result<Organ> {
      auto o = load(s, id);
      if (!o) return fail("identity.organ.not_found", "id");
      if (o->version != expected_version) return stale(*o);
      if (o->retired) return fail("identity.organ.retired", "id");
      long long active_children = 0;
      s << "SELECT COUNT(*) FROM identity_organs WHERE parent_id = :id AND status = 'active'",
          soci::use(id), soci::into(active_children);
      if (active_children)
        return fail("identity.organ.has_children", "id",
                    {{"count", std::to_string(active_children)}});
      o->retired = true;
      ++o->version;
      std::string now = db::utc_now();
      s << "UPDATE identity_organs SET status = 'retired', version = :v, updated_at = :t WHERE id "
           "= :id",
          soci::use(o->version), soci::use(now), soci::use(id);
      write_history(s, *o, "retired", who);
      audit_change(s, who, *o, "retired");
      return *o;
    });
  });
}

Result<std::optional<Organ>> OrganStore::get(long long id) {
  return db::guarded([&]() -> Result<std::optional<Organ>> {
    auto s = db_.acquire();
    return load(*s, id);
  });
}

Result<std::optional<Organ>> OrganStore::find_by_credit_code(const std::string& credit_code) {
  return db::guarded([&]() -> Result<std::optional<Organ>> {
    auto s = db_.acquire();
    std::string code = credit_code;
    soci::rowset<soci::row> rows =
        (s->prepare << std::string("SELECT ") + kOrganColumns +
                           " FROM identity_organs WHERE credit_code = :c",
         soci::use(code));
    for (const auto& r : rows) return std::optional<Organ>(organ_from_row(r));
    return std::optional<Organ>();
  });
}

Result<std::vector<Organ>> OrganStore::children(std::optional<long long> parent) {
  return db::guarded([&]() -> Result<std::vector<Organ>> {
    std::vector<Organ> out;
    auto s = db_.acquire();
    long long p = parent.value_or(0);
    std::string sql = std::string("SELECT ") + kOrganColumns + " FROM identity_organs WHERE " +
                      (parent ? "parent_id = :p" : "parent_id IS NULL") + " ORDER BY status, name";
    if (parent) {
      soci::rowset<soci::row> rows = (s->prepare << sql, soci::use(p));
      for (const auto& r : rows) out.push_back(organ_from_row(r));
    } else {
      soci::rowset<soci::row> rows = (s->prepare << sql);
      for (const auto& r : rows) out.push_back(organ_from_row(r));
    }
    return out;
  });
}

Result<bool> OrganStore::is_within(long long id, long long ancestor) {
  return db::guarded([&]() -> Result<bool> {
    auto s = db_.acquire();
    std::set<long long> seen;
    for (std::optional<long long> p = id; p && seen.insert(*p).second;) {
      if (*p == ancestor) return true;
      auto o = load(*s, *p);
      if (!o) return false;
      p = o->parent_id;
    }
    return false;
  });
}

Result<std::vector<long long>> OrganStore::subtree(long long id) {
  return db::guarded([&]() -> Result<std::vector<long long>> {
    auto s = db_.acquire();
    std::multimap<long long, long long> children;  // parent → child
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, parent_id FROM identity_organs WHERE parent_id IS NOT NULL");
    for (const auto& r : rows) children.emplace(db::row_int64(r, 1), db::row_int64(r, 0));
    std::vector<long long> out;
    std::set<long long> seen{id};
    for (std::vector<long long> todo{id}; !todo.empty();) {
      long long next = todo.back();
      todo.pop_back();
      out.push_back(next);
      auto [from, to] = children.equal_range(next);
      for (auto it = from; it != to; ++it)
        if (seen.insert(it->second).second) todo.push_back(it->second);
    }
    std::sort(out.begin(), out.end());
    return out;
  });
}

Result<std::vector<OrganChange>> OrganStore::history(long long id) {
  return db::guarded([&]() -> Result<std::vector<OrganChange>> {
    std::vector<OrganChange> out;
    auto s = db_.acquire();
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT version, change, name, parent_id, changed_by, changed_at FROM "
                       "identity_organ_history WHERE organ_id = :id ORDER BY version",
         soci::use(id));
    for (const auto& r : rows) {
      OrganChange c;
      c.version = db::row_int64(r, 0);
      c.change = r.get<std::string>(1);
      c.name = r.get<std::string>(2);
      if (r.get_indicator(3) == soci::i_ok) c.parent_id = db::row_int64(r, 3);
      c.changed_by = r.get<std::string>(4);
      c.changed_at = r.get<std::string>(5);
      out.push_back(std::move(c));
    }
    return out;
  });
}

namespace detail {

// A department or a position: a named unit of one organ, in its own table.
struct UnitTable {
  const char* insert;  // INSERT … VALUES (:o, :n)
  const char* table;
  const char* duplicate;
  const char* event;
  const char* object;
  const char* active;  // extra condition of the live ones
};
const UnitTable kDepartments{
    "INSERT INTO identity_departments (organ_id, name, status) VALUES (:o, :n, 'active')",
    "identity_departments",
    "identity.department.duplicate",
    "identity.department.created",
    "department:",
    " AND status = 'active'"};
const UnitTable kPositions{"INSERT INTO identity_positions (organ_id, name) VALUES (:o, :n)",
                           "identity_positions",
                           "identity.position.duplicate",
                           "identity.position.created",
                           "position:",
                           ""};

}  // namespace detail

using detail::kDepartments;
using detail::kPositions;
using detail::UnitTable;

Result<Department> OrganStore::add_unit(const UnitTable& t, long long organ_id,
                                        const std::string& name, audit::AuditEvent who) {
  auto n = core::check_text(name, "name", 100);
  if (!n) return std::unexpected(n.error());
  return db::guarded([&]() -> Result<Department> {
    return db_.transaction([&](soci::session& s) -> Result<Department> {
      auto o = load(s, organ_id);
      if (!o || o->retired) return fail("identity.organ.not_found", "organ_id");
      long long taken = 0;
      s << std::string("SELECT COUNT(*) FROM ") + t.table + " WHERE organ_id = :o AND name = :n",
          soci::use(organ_id), soci::use(*n), soci::into(taken);
      if (taken) return fail(t.duplicate, "name");
      s << t.insert, soci::use(organ_id), soci::use(*n);
      Department d{0, organ_id, *n};
      s << std::string("SELECT id FROM ") + t.table + " WHERE organ_id = :o AND name = :n",
          soci::use(organ_id), soci::use(*n), soci::into(d.id);
      who.event = t.event;
      who.object = t.object + std::to_string(d.id);
      who.detail = o->name + " / " + d.name;
      audit::AuditLog::record(s, who);
      return d;
    });
  });
}

Result<std::vector<Department>> OrganStore::units(const UnitTable& t, long long organ_id) {
  return db::guarded([&]() -> Result<std::vector<Department>> {
    std::vector<Department> out;
    auto s = db_.acquire();
    soci::rowset<soci::row> rows =
        (s->prepare << std::string("SELECT id, organ_id, name FROM ") + t.table +
                           " WHERE organ_id = :o" + t.active + " ORDER BY id",
         soci::use(organ_id));
    for (const auto& r : rows)
      out.push_back({db::row_int64(r, 0), db::row_int64(r, 1), r.get<std::string>(2)});
    return out;
  });
}

Result<Department> OrganStore::add_department(long long organ_id, const std::string& name,
                                              audit::AuditEvent who) {
  return add_unit(kDepartments, organ_id, name, std::move(who));
}

namespace {

// A department with its head's name and status (the head is optional).
const char* const kDepartmentSelect =
    "SELECT d.id, d.organ_id, d.name, d.head_account_id, a.display_name, a.status FROM "
    "identity_departments d LEFT JOIN identity_accounts a ON a.id = d.head_account_id ";

Department department_from_row(const soci::row& r) {
  Department d{db::row_int64(r, 0), db::row_int64(r, 1), r.get<std::string>(2)};
  if (r.get_indicator(3) == soci::i_ok) {
    d.head_account_id = db::row_int64(r, 3);
    if (r.get_indicator(4) == soci::i_ok) d.head_name = r.get<std::string>(4);
    d.head_active = r.get_indicator(5) == soci::i_ok && r.get<std::string>(5) == "active";
  }
  return d;
}

// An active department.
std::optional<Department> load_department(soci::session& s, long long id) {
  soci::rowset<soci::row> rows =
      (s.prepare << std::string(kDepartmentSelect) + "WHERE d.id = :id AND d.status = 'active'",
       soci::use(id));
  for (const auto& r : rows) return department_from_row(r);
  return std::nullopt;
}

// What the head of a department must be: an active civil servant of its organ.
struct HeadCandidate {
  std::string name, kind, display_name, status;
  std::optional<long long> organ_id;
};

std::optional<HeadCandidate> load_candidate(soci::session& s, long long account_id) {
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT name, kind, display_name, status, organ_id FROM identity_accounts "
                    "WHERE id = :id",
       soci::use(account_id));
  for (const auto& r : rows) {
    HeadCandidate c{r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2),
                    r.get<std::string>(3), std::nullopt};
    if (r.get_indicator(4) == soci::i_ok) c.organ_id = db::row_int64(r, 4);
    return c;
  }
  return std::nullopt;
}

}  // namespace

std::vector<db::Migration> OrganStore::department_head_migrations() {
  return {
      {"identity", 10, "department heads",
       R"(ALTER TABLE identity_departments ADD COLUMN head_account_id BIGINT REFERENCES identity_accounts (id);
CREATE INDEX identity_departments_head ON identity_departments (head_account_id);
)"}};
}

Result<std::vector<Department>> OrganStore::departments(long long organ_id) {
  return db::guarded([&]() -> Result<std::vector<Department>> {
    std::vector<Department> out;
    auto s = db_.acquire();
    soci::rowset<soci::row> rows =
        (s->prepare << std::string(kDepartmentSelect) +
                           "WHERE d.organ_id = :o AND d.status = 'active' ORDER BY d.id",
         soci::use(organ_id));
    for (const auto& r : rows) out.push_back(department_from_row(r));
    return out;
  });
}

Result<Department> OrganStore::set_department_head(long long department_id,
                                                   std::optional<long long> account_id,
                                                   audit::AuditEvent who) {
  return db::guarded([&]() -> Result<Department> {
    return db_.transaction([&](soci::session& s) -> Result<Department> {
      auto d = load_department(s, department_id);
      if (!d) return fail("identity.department.not_found", "department_id");
      auto o = load(s, d->organ_id);
      if (!o || o->retired) return fail("identity.organ.retired", "department_id");
      std::string head_text;
      if (account_id) {
        auto c = load_candidate(s, *account_id);
        if (!c) return fail("identity.account.not_found", "head_account_id");
        if (c->kind != "staff")
          return fail("identity.department.head_not_staff", "head_account_id");
        if (c->organ_id != d->organ_id)
          return fail("identity.department.head_other_organ", "head_account_id");
        if (c->status != "active")
          return fail("identity.department.head_disabled", "head_account_id");
        head_text = c->display_name + " (" + c->name + ")";
      }
      if (d->head_account_id == account_id) return *d;  // nothing changes
      soci::indicator ind = account_id ? soci::i_ok : soci::i_null;
      long long head = account_id.value_or(0);
      s << "UPDATE identity_departments SET head_account_id = :h WHERE id = :id",
          soci::use(head, ind), soci::use(department_id);
      who.event = account_id ? "identity.department.head_set" : "identity.department.head_cleared";
      who.object = "department:" + std::to_string(department_id);
      who.detail = o->name + " / " + d->name + (account_id ? ": " + head_text : "");
      audit::AuditLog::record(s, who);
      auto changed = load_department(s, department_id);
      if (!changed) return fail("identity.department.not_found", "department_id");
      return *changed;
    });
  });
}

Result<std::optional<long long>> OrganStore::department_head(long long department_id) {
  return db::guarded([&]() -> Result<std::optional<long long>> {
    auto s = db_.acquire();
    auto d = load_department(*s, department_id);
    if (!d) return fail("identity.department.not_found", "department_id");
    return d->head_account_id;
  });
}

Result<Position> OrganStore::add_position(long long organ_id, const std::string& name,
                                          audit::AuditEvent who) {
  return add_unit(kPositions, organ_id, name, std::move(who));
}

Result<std::vector<Position>> OrganStore::positions(long long organ_id) {
  return units(kPositions, organ_id);
}

}  // namespace yiwang::identity
