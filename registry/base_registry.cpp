#include "registry/base_registry.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/identifier.hpp"
#include "core/normalise.hpp"
#include "core/text_rules.hpp"
#include "db/dialect.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"

namespace yiwang::registry {

namespace {

constexpr std::string_view kPersonContext = "registry_people.record";
constexpr std::string_view kCitizenIndexContext = "registry_people.citizen_id";

const char* const kEntityColumns =
    "credit_code, name, kind, legal_representative, registered_capital, address, division_code, "
    "established, business_scope, phone, status, status_reason, registration_organ, source, "
    "updated_at";

std::string now_text() { return db::utc_now(); }

std::chrono::sys_days today() { return core::china_today(); }

// Checks one free-text field and stores the trimmed text back.
std::optional<Error> text_field(std::string& value, const char* field, std::size_t max,
                                bool required) {
  auto t = core::check_text(value, field, max, required);
  if (!t) return t.error();
  value = *t;
  return std::nullopt;
}

EntityRecord entity_from_row(const soci::row& r) {
  EntityRecord e;
  e.credit_code = r.get<std::string>(0);
  e.name = r.get<std::string>(1);
  e.kind = r.get<std::string>(2);
  e.legal_representative = r.get<std::string>(3);
  e.registered_capital = r.get<std::string>(4);
  e.address = r.get<std::string>(5);
  e.division_code = r.get<std::string>(6);
  e.established = r.get<std::string>(7);
  e.business_scope = r.get<std::string>(8);
  e.phone = r.get<std::string>(9);
  e.status = parse_entity_status(r.get<std::string>(10)).value_or(EntityStatus::active);
  e.status_reason = r.get<std::string>(11);
  e.registration_organ = r.get<std::string>(12);
  e.source = r.get<std::string>(13);
  e.updated_at = r.get<std::string>(14);
  return e;
}

std::optional<EntityRecord> load_entity(soci::session& s, const std::string& code) {
  std::optional<EntityRecord> out;
  db::query(
      s, std::string("SELECT ") + kEntityColumns + " FROM registry_entities WHERE credit_code = :c",
      [&](const soci::row& r) { out = entity_from_row(r); }, code);
  return out;
}

}  // namespace

std::string person_audit_object(std::string_view citizen_id) {
  if (citizen_id.size() != 18) return "person:********";
  return "person:" + std::string(citizen_id.substr(0, 6)) + "********" +
         std::string(citizen_id.substr(14));
}

std::string_view entity_status_name(EntityStatus s) {
  switch (s) {
    case EntityStatus::active:
      return "active";
    case EntityStatus::cancelled:
      return "cancelled";
    case EntityStatus::revoked:
      return "revoked";
  }
  return "active";
}

std::optional<EntityStatus> parse_entity_status(std::string_view s) {
  for (auto st : {EntityStatus::active, EntityStatus::cancelled, EntityStatus::revoked})
    if (entity_status_name(st) == s) return st;
  return std::nullopt;
}

std::vector<db::Migration> RegistryStore::migrations() {
  return {{"registry", 2, "population and legal-entity records",
           R"(CREATE TABLE registry_people (
  id ${id},
  citizen_index TEXT NOT NULL UNIQUE,
  record TEXT NOT NULL,
  fields_key BIGINT NOT NULL,
  source TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE registry_entities (
  id ${id},
  credit_code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  legal_representative TEXT NOT NULL,
  registered_capital TEXT NOT NULL,
  address TEXT NOT NULL,
  division_code TEXT NOT NULL,
  established TEXT NOT NULL,
  business_scope TEXT NOT NULL,
  phone TEXT NOT NULL,
  status TEXT NOT NULL,
  status_reason TEXT NOT NULL,
  registration_organ TEXT NOT NULL,
  source TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX registry_entities_name ON registry_entities (name);
)"}};
}

Result<std::optional<PersonRecord>> RegistryStore::person(std::string_view citizen_id) {
  return db::guarded([&]() -> Result<std::optional<PersonRecord>> {
    auto s = db_.acquire();
    return person_in(*s, citizen_id);
  });
}

Result<std::optional<PersonRecord>> RegistryStore::person_in(soci::session& s,
                                                             std::string_view citizen_id) {
  auto check = core::check_identifier(core::IdKind::citizen, citizen_id, {}, today());
  if (check.status == core::IdStatus::invalid) return std::optional<PersonRecord>();
  std::string number = check.status == core::IdStatus::legacy ? check.converted : check.normalised;
  std::string index = keys_.blind_index(number, kCitizenIndexContext);
  std::optional<std::string> sealed;
  db::query(
      s, "SELECT record FROM registry_people WHERE citizen_index = :i",
      [&](const soci::row& r) { sealed = r.get<std::string>(0); }, index);
  if (!sealed) return std::optional<PersonRecord>();
  auto plain = keys_.decrypt(*sealed, kPersonContext);
  if (!plain) return std::unexpected(plain.error());
  auto j = nlohmann::json::parse(*plain, nullptr, false);
  if (!j.is_object()) return fail("registry.person.unreadable");
  PersonRecord p;
  p.citizen_id = j.value("citizen_id", "");
  p.name = j.value("name", "");
  p.gender = j.value("gender", "");
  p.birth_date = j.value("birth_date", "");
  p.phone = j.value("phone", "");
  p.email = j.value("email", "");
  p.address = j.value("address", "");
  p.source = j.value("source", "");
  p.updated_at = j.value("updated_at", "");
  return std::optional<PersonRecord>(std::move(p));
}

Result<PersonRecord> RegistryStore::put_person(soci::session& s, PersonRecord p) {
  auto check = core::check_identifier(core::IdKind::citizen, p.citizen_id, {}, today());
  if (check.status == core::IdStatus::invalid) {
    Error e = check.error;
    e.field = "citizen_id";
    return std::unexpected(e);
  }
  p.citizen_id = check.status == core::IdStatus::legacy ? check.converted : check.normalised;
  if (auto e = text_field(p.name, "name", 50, true)) return std::unexpected(*e);
  if (auto e = text_field(p.address, "address", 200, false)) return std::unexpected(*e);
  if (auto e = text_field(p.source, "source", 40, true)) return std::unexpected(*e);
  if (!p.phone.empty()) {
    auto phone = core::check_phone(p.phone, "phone");
    if (!phone) return std::unexpected(phone.error());
    p.phone = *phone;
  }
  if (auto e = text_field(p.email, "email", 254, false)) return std::unexpected(*e);
  const std::string& id = p.citizen_id;
  p.birth_date = id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2);
  p.gender = (id[16] - '0') % 2 == 1 ? "male" : "female";
  p.updated_at = now_text();
  nlohmann::json j = {
      {"citizen_id", p.citizen_id}, {"name", p.name},     {"gender", p.gender},
      {"birth_date", p.birth_date}, {"phone", p.phone},   {"email", p.email},
      {"address", p.address},       {"source", p.source}, {"updated_at", p.updated_at}};
  std::string index = keys_.blind_index(p.citizen_id, kCitizenIndexContext);
  std::string sealed = keys_.encrypt(j.dump(), kPersonContext);
  long long key = keys_.active_key_id();
  long long changed = db::execute(
      s,
      "UPDATE registry_people SET record = :r, fields_key = :k, source = :s, updated_at = :u "
      "WHERE citizen_index = :i",
      sealed, key, p.source, p.updated_at, index);
  if (changed == 0)
    db::execute(s,
                "INSERT INTO registry_people (citizen_index, record, fields_key, source, "
                "updated_at) VALUES (:i, :r, :k, :s, :u)",
                index, sealed, key, p.source, p.updated_at);
  return p;
}

bool RegistryStore::has_person(soci::session& s, std::string_view citizen_id) {
  auto check = core::check_identifier(core::IdKind::citizen, citizen_id, {}, today());
  if (check.status == core::IdStatus::invalid) return false;
  std::string number = check.status == core::IdStatus::legacy ? check.converted : check.normalised;
  std::string index = keys_.blind_index(number, kCitizenIndexContext);
  long long n = 0;
  s << "SELECT COUNT(*) FROM registry_people WHERE citizen_index = :i", soci::use(index),
      soci::into(n);
  return n > 0;
}

std::optional<EntityRecord> RegistryStore::entity_in(soci::session& s,
                                                     std::string_view credit_code) {
  return load_entity(s, core::normalise_identifier(credit_code));
}

Result<void> RegistryStore::check_registration(soci::session& s, const Registrant& who,
                                               const audit::AuditEvent& event) {
  if (!who.citizen) {
    auto e = entity_in(s, who.code);
    if (!e) return {};
    if (e->name != who.name)
      return fail("registry.registration.entity_name_mismatch", "enterprise_name");
    if (e->status != EntityStatus::active)
      return fail("registry.registration.entity_" + std::string(entity_status_name(e->status)),
                  "credit_code");
    return {};
  }
  auto recorded = person_in(s, who.code);
  if (!recorded) return std::unexpected(recorded.error());
  if (*recorded) {
    if ((*recorded)->name != who.name)
      return fail("registry.registration.name_mismatch", "real_name");
    return {};
  }
  PersonRecord p;
  p.citizen_id = who.code;
  p.name = who.name;
  p.phone = who.phone;
  p.email = who.email;
  p.address = who.address;
  p.source = "registration";
  auto put = put_person(s, std::move(p));
  if (!put) return std::unexpected(put.error());
  audit::AuditEvent e = event;
  e.event = "registry.person.recorded";
  e.object = person_audit_object(put->citizen_id);
  e.detail = "registration";
  audit::AuditLog::record(s, e);
  return {};
}

std::string RegistryStore::new_credit_code(soci::session& s, char category,
                                           std::string_view division6, long long serial) {
  constexpr long long kCodes = 1000000;
  for (long long i = 0; i < kCodes; ++i) {
    long long n = (serial + i) % kCodes;
    std::string code = core::make_uscc('9', category, division6, fmt::format("MA{:06d}", n));
    if (code.empty() || !load_entity(s, code)) return code;
  }
  return "";  // every code of the division and category is taken
}

Result<std::optional<EntityRecord>> RegistryStore::entity(std::string_view credit_code) {
  std::string code = core::normalise_identifier(credit_code);
  return db::guarded([&]() -> Result<std::optional<EntityRecord>> {
    auto s = db_.acquire();
    return load_entity(*s, code);
  });
}

Result<EntityRecord> RegistryStore::put_entity(soci::session& s, EntityRecord e) {
  auto check = core::check_identifier(core::IdKind::uscc, e.credit_code, {}, today());
  if (check.status == core::IdStatus::invalid) {
    Error err = check.error;
    err.field = "credit_code";
    return std::unexpected(err);
  }
  e.credit_code = check.normalised;
  e.division_code = e.credit_code.substr(2, 6);
  struct Rule {
    std::string* value;
    const char* field;
    std::size_t max;
    bool required;
  };
  for (const Rule& r : {Rule{&e.name, "name", 100, true}, Rule{&e.kind, "kind", 40, true},
                        Rule{&e.legal_representative, "legal_representative", 50, true},
                        Rule{&e.registered_capital, "registered_capital", 40, false},
                        Rule{&e.address, "address", 200, false},
                        Rule{&e.business_scope, "business_scope", 2000, false},
                        Rule{&e.status_reason, "status_reason", 200, false},
                        Rule{&e.registration_organ, "registration_organ", 100, false},
                        Rule{&e.source, "source", 40, true}})
    if (auto err = text_field(*r.value, r.field, r.max, r.required)) return std::unexpected(*err);
  if (!e.established.empty() && !core::parse_iso_date(e.established))
    return fail("registry.entity.bad_date", "established");
  if (!e.phone.empty()) {
    auto phone = core::check_phone(e.phone, "phone");
    if (!phone) return std::unexpected(phone.error());
    e.phone = *phone;
  }
  e.updated_at = now_text();
  std::string status(entity_status_name(e.status));
  long long changed =
      db::execute(s,
                  "UPDATE registry_entities SET name = :n, kind = :k, legal_representative = :l, "
                  "registered_capital = :c, address = :a, division_code = :d, established = :e, "
                  "business_scope = :b, phone = :p, status = :st, status_reason = :sr, "
                  "registration_organ = :o, source = :so, updated_at = :u WHERE credit_code = :cc",
                  e.name, e.kind, e.legal_representative, e.registered_capital, e.address,
                  e.division_code, e.established, e.business_scope, e.phone, status,
                  e.status_reason, e.registration_organ, e.source, e.updated_at, e.credit_code);
  if (changed == 0)
    db::execute(s,
                std::string("INSERT INTO registry_entities (") + kEntityColumns +
                    ") VALUES (:cc, :n, :k, :l, :c, :a, :d, :e, :b, :p, :st, :sr, :o, :so, :u)",
                e.credit_code, e.name, e.kind, e.legal_representative, e.registered_capital,
                e.address, e.division_code, e.established, e.business_scope, e.phone, status,
                e.status_reason, e.registration_organ, e.source, e.updated_at);
  return e;
}

Result<EntityRecord> RegistryStore::set_entity_status(soci::session& s,
                                                      std::string_view credit_code,
                                                      EntityStatus status,
                                                      std::string_view reason) {
  std::string code = core::normalise_identifier(credit_code);
  auto text = core::check_text(reason, "status_reason", 200, status != EntityStatus::active);
  if (!text) return std::unexpected(text.error());
  std::string st(entity_status_name(status)), now = now_text();
  long long changed = db::execute(s,
                                  "UPDATE registry_entities SET status = :s, status_reason = :r, "
                                  "updated_at = :u WHERE credit_code = :c",
                                  st, *text, now, code);
  if (changed == 0) return fail("registry.entity.not_found", "credit_code", {{"code", code}});
  return *load_entity(s, code);
}

Result<std::vector<EntityRecord>> RegistryStore::find_entities(std::string_view query, int limit) {
  std::string q = core::trim_text(core::cut_utf8(query, 100));
  return db::guarded([&]() -> Result<std::vector<EntityRecord>> {
    std::vector<EntityRecord> out;
    if (q.empty()) return out;
    std::string escaped;
    for (char c : q) {
      if (c == '%' || c == '_' || c == '\\') escaped += '\\';
      escaped += c;
    }
    std::string name = "%" + escaped + "%", code = core::normalise_identifier(escaped) + "%";
    auto s = db_.acquire();
    db::query(
        *s,
        std::string("SELECT ") + kEntityColumns +
            " FROM registry_entities WHERE name LIKE :n ESCAPE '\\' OR credit_code LIKE :c "
            "ESCAPE '\\' ORDER BY name LIMIT " +
            std::to_string(std::clamp(limit, 1, 100)),
        [&](const soci::row& r) { out.push_back(entity_from_row(r)); }, name, code);
    return out;
  });
}

}  // namespace yiwang::registry
