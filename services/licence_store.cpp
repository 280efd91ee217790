#include "services/licence_store.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/enum_names.hpp"
#include "core/text_rules.hpp"
#include "db/dialect.hpp"
#include "db/paged.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"
#include "services/case_error.hpp"
#include "services/licence_id.hpp"
#include "workflow/duration.hpp"

namespace yiwang::services {

namespace {

constexpr core::NameTable<LicenceVerdict, 5> kVerdicts{{
    {LicenceVerdict::valid, "valid"},
    {LicenceVerdict::revoked, "revoked"},
    {LicenceVerdict::expired, "expired"},
    {LicenceVerdict::unknown, "unknown"},
    {LicenceVerdict::malformed, "malformed"},
}};

const char* const kColumns =
    "id, identifier, licence_key, type_name, type_code, holder_name, holder_code, "
    "holder_account, entries, issued_on, valid_until, issuer_organ_id, issuer_name, issuer_code, "
    "case_id, case_number, pdf_ref, state, revoked_at, revoked_reason, revoked_by, created_at";

Licence licence_from_row(const soci::row& r) {
  Licence l;
  l.id = db::row_int64(r, 0);
  l.identifier = r.get<std::string>(1);
  l.key = r.get<std::string>(2);
  l.type_name = r.get<std::string>(3);
  l.type_code = r.get<std::string>(4);
  l.holder_name = r.get<std::string>(5);
  l.holder_code = r.get<std::string>(6);
  l.holder_account = r.get<std::string>(7);
  auto entries = nlohmann::json::parse(r.get<std::string>(8), nullptr, false);
  if (entries.is_array())
    for (const auto& e : entries)
      if (e.is_object())
        l.entries.push_back({e.value("element", ""), e.value("label", ""), e.value("value", "")});
  l.issued_on = r.get<std::string>(9);
  l.valid_until = r.get<std::string>(10);
  l.issuer_organ_id = db::row_int64(r, 11);
  l.issuer_name = r.get<std::string>(12);
  l.issuer_code = r.get<std::string>(13);
  l.case_id = db::row_int64(r, 14);
  l.case_number = r.get<std::string>(15);
  l.pdf_ref = r.get<std::string>(16);
  l.state = r.get<std::string>(17) == "revoked" ? LicenceState::revoked : LicenceState::valid;
  l.revoked_at = r.get<std::string>(18);
  l.revoked_reason = r.get<std::string>(19);
  l.revoked_by = r.get<std::string>(20);
  l.created_at = r.get<std::string>(21);
  return l;
}

template <class... T>
std::vector<Licence> select(soci::session& s, const std::string& where, const T&... values) {
  std::vector<Licence> out;
  db::query(
      s, std::string("SELECT ") + kColumns + " FROM svc_licences WHERE " + where,
      [&](const soci::row& r) { out.push_back(licence_from_row(r)); }, values...);
  return out;
}

}  // namespace

std::string_view licence_verdict_name(LicenceVerdict v) { return core::name_in(kVerdicts, v); }

std::vector<db::Migration> LicenceStore::migrations() {
  return {{"licences", 1, "electronic licences", R"SQL(
CREATE TABLE svc_licences (
  id ${id},
  identifier TEXT NOT NULL UNIQUE,
  licence_key TEXT NOT NULL,
  type_name TEXT NOT NULL,
  type_code TEXT NOT NULL,
  holder_name TEXT NOT NULL,
  holder_code TEXT NOT NULL,
  holder_account TEXT NOT NULL,
  entries TEXT NOT NULL,
  issued_on TEXT NOT NULL,
  valid_until TEXT NOT NULL,
  issuer_organ_id BIGINT NOT NULL,
  issuer_name TEXT NOT NULL,
  issuer_code TEXT NOT NULL,
  case_id BIGINT NOT NULL,
  case_number TEXT NOT NULL,
  pdf_ref TEXT NOT NULL,
  state TEXT NOT NULL,
  revoked_at TEXT NOT NULL,
  revoked_reason TEXT NOT NULL,
  revoked_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX svc_licences_holder ON svc_licences (holder_account, id);
CREATE INDEX svc_licences_code ON svc_licences (holder_code, id);
CREATE INDEX svc_licences_issuer ON svc_licences (issuer_organ_id, id);
CREATE INDEX svc_licences_case ON svc_licences (case_id);
)SQL"}};
}

std::string LicenceStore::today() const {
  auto now = clock_ ? clock_()
                    : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return core::format_iso_date(std::chrono::floor<std::chrono::days>(now + core::kChinaUtcOffset));
}

Licence LicenceStore::issue(soci::session& s, const NewLicence& in, const audit::AuditEvent& who) {
  const CaseRecord& c = *in.record;
  const LicenceTemplate& t = *in.licence;
  nlohmann::json values = c.values;
  std::string holder_name = c.subject, holder_code = in.holder_code;
  if (in.registered.is_object()) {
    values["registered"] = in.registered;
    holder_code = in.registered.value("credit_code", holder_code);
    holder_name = in.registered.value("name", holder_name);
  }
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : t.elements)
    entries.push_back({{"element", e.element},
                       {"label", e.label},
                       {"value", form_value_text(form_value_at(values, e.from))}});
  std::string issued = today(), until;
  if (t.valid_years > 0) {
    auto day = *core::parse_iso_date(issued);
    std::chrono::year_month_day ymd{day};
    ymd = (ymd.year() + std::chrono::years(t.valid_years)) / ymd.month() / ymd.day();
    if (!ymd.ok()) ymd = ymd.year() / ymd.month() / std::chrono::last;
    until = core::format_iso_date(std::chrono::sys_days(ymd) - std::chrono::days(1));
  }
  std::string at = workflow::format_utc(
      clock_ ? clock_()
             : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  std::string placeholder = "pending-" + c.number, dump = entries.dump(), state = "valid", empty;
  long long id = db::insert_returning_id(
      s,
      "INSERT INTO svc_licences (identifier, licence_key, type_name, type_code, holder_name, "
      "holder_code, holder_account, entries, issued_on, valid_until, issuer_organ_id, "
      "issuer_name, issuer_code, case_id, case_number, pdf_ref, state, revoked_at, "
      "revoked_reason, revoked_by, created_at) VALUES (:i, :k, :n, :t, :h, :hc, :ha, :e, :d, :u, "
      ":o, :on, :oc, :c, :cn, :p, :s, :r1, :r2, :r3, :a) RETURNING id",
      placeholder, t.key, t.name, t.type_code, holder_name, holder_code, c.applicant, dump, issued,
      until, c.organ_id, in.issuer_name, in.issuer_code, c.id, c.number, empty, state, empty, empty,
      empty, at);
  // The licence number: the year of issue and the row id, unique by construction.
  LicenceId lid{t.type_code, in.issuer_code, issued.substr(0, 4) + fmt::format("{:08d}", id),
                "001"};
  auto identifier = format_licence_id(lid);
  if (!identifier) throw CaseError(identifier.error());
  db::execute(s, "UPDATE svc_licences SET identifier = :i WHERE id = :d", *identifier, id);
  audit::AuditEvent e = who;
  e.event = "services.licence.issued";
  e.object = "licence:" + *identifier;
  e.detail = t.name + " " + c.number;
  audit::AuditLog::record(s, e);
  return select(s, "id = :i", id).front();
}

void LicenceStore::set_pdf(soci::session& s, long long id, const std::string& ref) {
  db::execute(s, "UPDATE svc_licences SET pdf_ref = :r WHERE id = :i", ref, id);
}

Result<Licence> LicenceStore::revoke(long long id, const std::string& reason,
                                     const audit::AuditEvent& who) {
  auto why = core::check_text(reason, "reason", 500, true);
  if (!why) return std::unexpected(why.error());
  return db::guarded([&]() -> Result<Licence> {
    return db_.transaction([&](soci::session& s) -> Result<Licence> {
      auto found = select(s, "id = :i", id);
      if (found.empty()) return std::unexpected(Error("services.licence.not_found", "licence"));
      if (found.front().state == LicenceState::revoked)
        return std::unexpected(Error("services.licence.revoked_already", "licence"));
      std::string at = db::utc_now();
      db::execute(s,
                  "UPDATE svc_licences SET state = 'revoked', revoked_at = :a, revoked_reason = "
                  ":r, revoked_by = :b WHERE id = :i AND state = 'valid'",
                  at, *why, who.account, id);
      audit::AuditEvent e = who;
      e.event = "services.licence.revoked";
      e.object = "licence:" + found.front().identifier;
      e.detail = *why;
      audit::AuditLog::record(s, e);
      return select(s, "id = :i", id).front();
    });
  });
}

Result<std::optional<Licence>> LicenceStore::get(long long id) {
  return db::guarded([&]() -> Result<std::optional<Licence>> {
    auto s = db_.acquire();
    auto found = select(*s, "id = :i", id);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  });
}

Result<std::optional<Licence>> LicenceStore::find(std::string_view identifier) {
  return db::guarded([&]() -> Result<std::optional<Licence>> {
    auto s = db_.acquire();
    auto found = select(*s, "identifier = :i", std::string(identifier));
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  });
}

Result<std::optional<Licence>> LicenceStore::of_case(long long case_id) {
  return db::guarded([&]() -> Result<std::optional<Licence>> {
    auto s = db_.acquire();
    auto found = select(*s, "case_id = :c ORDER BY id DESC", case_id);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  });
}

Result<std::vector<Licence>> LicenceStore::held_by(const std::string& account,
                                                   const std::string& code) {
  return db::guarded([&]() -> Result<std::vector<Licence>> {
    auto s = db_.acquire();
    if (code.empty()) return select(*s, "holder_account = :a ORDER BY id DESC LIMIT 200", account);
    return select(*s, "(holder_account = :a OR holder_code = :c) ORDER BY id DESC LIMIT 200",
                  account, code);
  });
}

Result<LicenceStore::Page> LicenceStore::issued_by(long long organ_id, const std::string& query,
                                                   int offset, int limit) {
  return db::guarded([&]() -> Result<Page> {
    auto s = db_.acquire();
    Page page;
    std::string like = db::like_pattern(query.substr(0, 200));
    std::string where =
        "(:o1 = 0 OR issuer_organ_id = :o2) AND (identifier LIKE :q1 ESCAPE '\\' OR holder_name "
        "LIKE :q2 ESCAPE '\\' OR case_number LIKE :q3 ESCAPE '\\')";
    db::query(
        *s, "SELECT COUNT(*) FROM svc_licences WHERE " + where,
        [&](const soci::row& r) { page.total = db::row_int64(r, 0); }, organ_id, organ_id, like,
        like, like);
    int lim = std::clamp(limit, 1, 200), off = std::max(0, offset);
    page.licences = select(*s, where + " ORDER BY id DESC LIMIT :l OFFSET :f", organ_id, organ_id,
                           like, like, like, lim, off);
    return page;
  });
}

Result<LicenceCheck> LicenceStore::check(std::string_view identifier) {
  LicenceCheck out;
  auto parsed = parse_licence_id(core::trim_text(identifier).substr(0, 200));
  if (!parsed) {
    out.problem = parsed.error();
    return out;
  }
  auto id = format_licence_id(*parsed);
  auto found = find(*id);
  if (!found) return std::unexpected(found.error());
  if (!*found) {
    out.verdict = LicenceVerdict::unknown;
    return out;
  }
  out.licence = std::move(*found);
  if (out.licence->state == LicenceState::revoked)
    out.verdict = LicenceVerdict::revoked;
  else if (!out.licence->valid_until.empty() && out.licence->valid_until < today())
    out.verdict = LicenceVerdict::expired;
  else
    out.verdict = LicenceVerdict::valid;
  return out;
}

nlohmann::json LicenceStore::bindings(const std::string& account, const std::string& code) {
  nlohmann::json out = nlohmann::json::object();
  auto held = held_by(account, code);
  if (!held) return out;
  std::string now = today();
  // Newest first: the first valid licence of each key wins.
  for (const auto& l : *held) {
    if (l.state != LicenceState::valid) continue;
    if (!l.valid_until.empty() && l.valid_until < now) continue;
    std::string prefix = "licence." + l.key + ".";
    if (out.contains(prefix + "number")) continue;
    out[prefix + "number"] = l.identifier;
    for (const auto& e : l.entries)
      if (!e.value.empty()) out[prefix + e.element] = e.value;
  }
  return out;
}

}  // namespace yiwang::services
