#include "services/case_store.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/enum_names.hpp"
#include "core/text_rules.hpp"
#include "crypto/bytes.hpp"
#include "db/dialect.hpp"
#include "db/paged.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"
#include "services/case_error.hpp"
#include "workflow/duration.hpp"

namespace yiwang::services {

namespace {

constexpr std::array<std::pair<CaseState, std::string_view>, 11> kStates{{
    {CaseState::submitted, "submitted"},
    {CaseState::correction, "correction"},
    {CaseState::not_accepted, "not_accepted"},
    {CaseState::review, "review"},
    {CaseState::special, "special"},
    {CaseState::decided, "decided"},
    {CaseState::completed, "completed"},
    {CaseState::delivered, "delivered"},
    {CaseState::rated, "rated"},
    {CaseState::archived, "archived"},
    {CaseState::withdrawn, "withdrawn"},
}};

constexpr std::size_t kMaxDraftBytes = 1 << 20;
constexpr std::size_t kMaxNoteChars = 2000;

const char* const kCaseColumns =
    "id, number, item_id, item_code, item_name, item_version, organ_id, applicant, "
    "applicant_name, subject, form_values, instance_id, state, decision, decision_note, "
    "promised_days, statutory_days, submitted_at, accepted_at, decided_at, completed_at, "
    "delivered_at, rated_at, archived_at, missing, version, notify_email, applicant_code";

Decision parse_decision(std::string_view s) {
  if (s == "approved") return Decision::approved;
  if (s == "refused") return Decision::refused;
  return Decision::none;
}

std::chrono::sys_days china_date(std::chrono::sys_seconds t) {
  return std::chrono::floor<std::chrono::days>(t + core::kChinaUtcOffset);
}

// The China date of a stored UTC time ("2026-11-28T02:00:00Z").
std::optional<std::chrono::sys_days> date_of(const std::string& utc) {
  if (utc.size() < 19) return std::nullopt;
  auto day = core::parse_iso_date(utc.substr(0, 10));
  if (!day) return std::nullopt;
  int h = std::stoi(utc.substr(11, 2)), m = std::stoi(utc.substr(14, 2)),
      s = std::stoi(utc.substr(17, 2));
  return china_date(std::chrono::sys_seconds(*day) + std::chrono::hours(h) +
                    std::chrono::minutes(m) + std::chrono::seconds(s));
}

std::string utc_text(std::chrono::sys_seconds t) { return workflow::format_utc(t); }

CaseRecord case_from_row(const soci::row& r) {
  CaseRecord c;
  c.id = db::row_int64(r, 0);
  c.number = r.get<std::string>(1);
  c.item_id = db::row_int64(r, 2);
  c.item_code = r.get<std::string>(3);
  c.item_name = r.get<std::string>(4);
  c.item_version = static_cast<int>(db::row_int64(r, 5));
  c.organ_id = db::row_int64(r, 6);
  c.applicant = r.get<std::string>(7);
  c.applicant_name = r.get<std::string>(8);
  c.subject = r.get<std::string>(9);
  c.values = nlohmann::json::parse(r.get<std::string>(10), nullptr, false);
  if (!c.values.is_object()) c.values = nlohmann::json::object();
  c.instance_id = db::row_int64(r, 11);
  c.state = parse_case_state(r.get<std::string>(12)).value_or(CaseState::submitted);
  c.decision = parse_decision(r.get<std::string>(13));
  c.decision_note = r.get<std::string>(14);
  c.promised_days = static_cast<int>(db::row_int64(r, 15));
  c.statutory_days = static_cast<int>(db::row_int64(r, 16));
  c.submitted_at = r.get<std::string>(17);
  c.accepted_at = r.get<std::string>(18);
  c.decided_at = r.get<std::string>(19);
  c.completed_at = r.get<std::string>(20);
  c.delivered_at = r.get<std::string>(21);
  c.rated_at = r.get<std::string>(22);
  c.archived_at = r.get<std::string>(23);
  auto missing = nlohmann::json::parse(r.get<std::string>(24), nullptr, false);
  if (missing.is_array())
    for (const auto& m : missing)
      if (m.is_string()) c.missing.push_back(m.get<std::string>());
  c.version = db::row_int64(r, 25);
  c.notify_email = r.get<std::string>(26);
  c.applicant_code = r.get<std::string>(27);
  return c;
}

void load_pauses(soci::session& s, CaseRecord& c) {
  c.pauses.clear();
  db::query(
      s, "SELECT from_date, to_date, reason FROM svc_case_pauses WHERE case_id = :c ORDER BY id",
      [&](const soci::row& r) {
        ClockPause p;
        p.from = core::parse_iso_date(r.get<std::string>(0)).value_or(std::chrono::sys_days{});
        std::string to = r.get<std::string>(1);
        if (!to.empty()) p.to = core::parse_iso_date(to);
        p.reason = r.get<std::string>(2);
        c.pauses.push_back(std::move(p));
      },
      c.id);
}

std::optional<CaseRecord> load_where(soci::session& s, const std::string& where,
                                     const std::string& text, long long number) {
  std::optional<CaseRecord> out;
  auto each = [&](const soci::row& r) { out = case_from_row(r); };
  std::string sql = std::string("SELECT ") + kCaseColumns + " FROM svc_cases WHERE " + where;
  if (where.find(":n") != std::string::npos)
    db::query(s, sql, each, text);
  else
    db::query(s, sql, each, number);
  if (out) load_pauses(s, *out);
  return out;
}

std::string note_of(const std::string& text, const char* field) {
  auto checked = core::check_text(text, field, kMaxNoteChars, false);
  if (!checked) throw CaseError(checked.error());
  return *checked;
}

}  // namespace

std::string_view case_state_name(CaseState s) { return core::name_in(kStates, s); }

std::optional<CaseState> parse_case_state(std::string_view s) { return core::parse_in(kStates, s); }

bool case_finished(CaseState s) {
  return s == CaseState::not_accepted || s == CaseState::withdrawn || s == CaseState::completed ||
         s == CaseState::delivered || s == CaseState::rated || s == CaseState::archived;
}

std::string_view decision_name(Decision d) {
  switch (d) {
    case Decision::approved:
      return "approved";
    case Decision::refused:
      return "refused";
    case Decision::none:
      break;
  }
  return "";
}

CaseStore::CaseStore(db::Database& db, const core::WorkCalendar& calendar, Clock clock)
    : db_(db), calendar_(calendar), clock_(std::move(clock)) {}

std::chrono::sys_seconds CaseStore::now() const {
  return clock_ ? clock_()
                : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::vector<db::Migration> CaseStore::migrations() {
  return {{"cases", 1, "drafts, cases, their clock pauses, events and documents", R"SQL(
CREATE TABLE svc_drafts (
  id ${id},
  applicant TEXT NOT NULL,
  item_code TEXT NOT NULL,
  form_values TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX svc_drafts_applicant ON svc_drafts (applicant, updated_at);
CREATE TABLE svc_cases (
  id ${id},
  number TEXT NOT NULL UNIQUE,
  item_id BIGINT NOT NULL,
  item_code TEXT NOT NULL,
  item_name TEXT NOT NULL,
  item_version INTEGER NOT NULL,
  organ_id BIGINT NOT NULL,
  applicant TEXT NOT NULL,
  applicant_name TEXT NOT NULL,
  subject TEXT NOT NULL,
  form_values TEXT NOT NULL,
  instance_id BIGINT NOT NULL,
  state TEXT NOT NULL,
  decision TEXT NOT NULL,
  decision_note TEXT NOT NULL,
  promised_days INTEGER NOT NULL,
  statutory_days INTEGER NOT NULL,
  submitted_at TEXT NOT NULL,
  accepted_at TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  completed_at TEXT NOT NULL,
  delivered_at TEXT NOT NULL,
  rated_at TEXT NOT NULL,
  archived_at TEXT NOT NULL,
  missing TEXT NOT NULL,
  version BIGINT NOT NULL,
  notify_email TEXT NOT NULL,
  applicant_code TEXT NOT NULL
);
CREATE INDEX svc_cases_applicant ON svc_cases (applicant, id);
CREATE INDEX svc_cases_organ ON svc_cases (organ_id, id);
CREATE INDEX svc_cases_instance ON svc_cases (instance_id);
CREATE TABLE svc_case_pauses (
  id ${id},
  case_id BIGINT NOT NULL REFERENCES svc_cases (id),
  reason TEXT NOT NULL,
  from_date TEXT NOT NULL,
  to_date TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX svc_case_pauses_case ON svc_case_pauses (case_id);
CREATE TABLE svc_case_events (
  id ${id},
  case_id BIGINT NOT NULL REFERENCES svc_cases (id),
  at TEXT NOT NULL,
  state TEXT NOT NULL,
  event_key TEXT NOT NULL,
  detail TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX svc_case_events_case ON svc_case_events (case_id, id);
CREATE TABLE svc_case_documents (
  id ${id},
  case_id BIGINT NOT NULL REFERENCES svc_cases (id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  ref TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX svc_case_documents_case ON svc_case_documents (case_id);
)SQL"}};
}

// ---- drafts ----

Result<Draft> CaseStore::save_draft(long long id, const std::string& applicant,
                                    const std::string& item_code, const nlohmann::json& values) {
  if (!values.is_object()) return std::unexpected(Error("services.draft.not_object", "values"));
  std::string text = values.dump();
  if (text.size() > kMaxDraftBytes)
    return std::unexpected(Error("services.draft.too_large", "values"));
  return db::guarded([&]() -> Result<Draft> {
    return db_.transaction([&](soci::session& s) -> Result<Draft> {
      std::string at = utc_text(now());
      long long draft_id = id;
      if (id == 0) {
        draft_id = db::insert_returning_id(
            s,
            "INSERT INTO svc_drafts (applicant, item_code, form_values, created_at, updated_at) "
            "VALUES (:a, :c, :v, :t, :u) RETURNING id",
            applicant, item_code, text, at, at);
      } else if (db::execute(s,
                             "UPDATE svc_drafts SET form_values = :v, updated_at = :t WHERE id = "
                             ":i AND applicant = :a AND item_code = :c",
                             text, at, id, applicant, item_code) == 0) {
        return std::unexpected(Error("services.draft.not_found", "draft"));
      }
      std::optional<Draft> out;
      db::query(
          s,
          "SELECT id, applicant, item_code, form_values, created_at, updated_at FROM svc_drafts "
          "WHERE id = :i",
          [&](const soci::row& r) {
            out = Draft{
                db::row_int64(r, 0),   r.get<std::string>(1),
                r.get<std::string>(2), nlohmann::json::parse(r.get<std::string>(3), nullptr, false),
                r.get<std::string>(4), r.get<std::string>(5)};
          },
          draft_id);
      return *out;
    });
  });
}

namespace {

std::vector<Draft> drafts_where(soci::session& s, const std::string& applicant, long long id) {
  std::vector<Draft> out;
  auto each = [&](const soci::row& r) {
    Draft d{db::row_int64(r, 0),   r.get<std::string>(1),
            r.get<std::string>(2), nlohmann::json::parse(r.get<std::string>(3), nullptr, false),
            r.get<std::string>(4), r.get<std::string>(5)};
    if (!d.values.is_object()) d.values = nlohmann::json::object();
    out.push_back(std::move(d));
  };
  const std::string columns =
      "SELECT id, applicant, item_code, form_values, created_at, updated_at FROM svc_drafts ";
  if (id != 0)
    db::query(s, columns + "WHERE id = :i AND applicant = :a", each, id, applicant);
  else
    db::query(s, columns + "WHERE applicant = :a ORDER BY updated_at DESC, id DESC LIMIT 100", each,
              applicant);
  return out;
}

}  // namespace

Result<std::optional<Draft>> CaseStore::draft(long long id, const std::string& applicant) {
  if (id <= 0) return std::nullopt;
  return db::guarded([&]() -> Result<std::optional<Draft>> {
    auto s = db_.acquire();
    auto found = drafts_where(*s, applicant, id);
    if (found.empty()) return std::nullopt;
    return std::move(found.front());
  });
}

Result<std::vector<Draft>> CaseStore::drafts(const std::string& applicant) {
  return db::guarded([&]() -> Result<std::vector<Draft>> {
    auto s = db_.acquire();
    return drafts_where(*s, applicant, 0);
  });
}

Result<void> CaseStore::delete_draft(long long id, const std::string& applicant) {
  return db::guarded([&]() -> Result<void> {
    return db_.transaction([&](soci::session& s) -> Result<void> {
      if (db::execute(s, "DELETE FROM svc_drafts WHERE id = :i AND applicant = :a", id,
                      applicant) == 0)
        return std::unexpected(Error("services.draft.not_found", "draft"));
      return {};
    });
  });
}

void CaseStore::drop_draft(soci::session& s, long long id, const std::string& applicant) {
  db::execute(s, "DELETE FROM svc_drafts WHERE id = :i AND applicant = :a", id, applicant);
}

// ---- cases ----

CaseRecord CaseStore::create(soci::session& s, const NewCase& in, const audit::AuditEvent& who) {
  std::string at = utc_text(now()), state = "submitted", empty, missing = "[]",
              values = in.values.dump();
  // The number is made from the date and the row id, so it is written in
  // a second step; a unique placeholder holds its place meanwhile.
  std::string placeholder = "pending-" + crypto::hex(crypto::random_bytes(16));
  long long id = db::insert_returning_id(
      s,
      "INSERT INTO svc_cases (number, item_id, item_code, item_name, item_version, organ_id, "
      "applicant, applicant_name, subject, form_values, instance_id, state, decision, "
      "decision_note, promised_days, statutory_days, submitted_at, accepted_at, decided_at, "
      "completed_at, delivered_at, rated_at, archived_at, missing, version, notify_email, "
      "applicant_code) "
      "VALUES "
      "(:n, :i, :c, :m, :v, :o, :a, :an, :s, :f, 0, :st, :d, :dn, :p, :sd, :t, :e1, :e2, :e3, "
      ":e4, :e5, :e6, :mi, 1, :em, :ac) RETURNING id",
      placeholder, in.item_id, in.item_code, in.item_name, in.item_version, in.organ_id,
      in.applicant, in.applicant_name, in.subject, values, state, empty, empty, in.promised_days,
      in.statutory_days, at, empty, empty, empty, empty, empty, empty, missing, in.notify_email,
      in.applicant_code);
  std::string day = core::format_iso_date(china_date(now()));
  day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
  std::string number = fmt::format("SQ{}{:06d}", day, id % 1000000);
  db::execute(s, "UPDATE svc_cases SET number = :n WHERE id = :i", number, id);
  CaseRecord c = *load_where(s, "id = :i", "", id);
  record_event(s, c, "services.case.event.submitted", in.item_name, in.applicant);
  audit::AuditEvent e = who;
  e.event = "services.case.submitted";
  e.object = "case:" + number;
  e.detail = in.item_code + " " + in.subject;
  audit::AuditLog::record(s, e);
  return c;
}

void CaseStore::set_instance(soci::session& s, long long case_id, long long instance_id) {
  db::execute(s, "UPDATE svc_cases SET instance_id = :n WHERE id = :i", instance_id, case_id);
}

CaseRecord CaseStore::load(soci::session& s, std::string_view number) {
  auto c = load_where(s, "number = :n", std::string(number), 0);
  if (!c)
    throw CaseError(Error("services.case.not_found", "case", {{"number", std::string(number)}}));
  return *c;
}

void CaseStore::record_event(soci::session& s, const CaseRecord& c, const std::string& key,
                             const std::string& detail, const std::string& actor) {
  CaseEvent e;
  e.case_id = c.id;
  e.at = utc_text(now());
  e.state = c.state;
  e.key = key;
  e.detail = detail;
  e.actor = actor;
  std::string state(case_state_name(c.state));
  e.id = db::insert_returning_id(
      s,
      "INSERT INTO svc_case_events (case_id, at, state, event_key, detail, actor) VALUES (:c, "
      ":a, :s, :k, :d, :u) RETURNING id",
      c.id, e.at, state, key, detail, actor);
  if (listener_) listener_(s, c, e);
}

CaseRecord CaseStore::move(soci::session& s, std::string_view number,
                           std::initializer_list<CaseState> from, CaseState to,
                           const std::string& event_key, const std::string& detail,
                           const std::string& actor, const std::string& extra_set) {
  CaseRecord c = load(s, number);
  if (std::find(from.begin(), from.end(), c.state) == from.end())
    throw CaseError(Error("services.case.bad_state", "case",
                          {{"from", std::string(case_state_name(c.state))},
                           {"to", std::string(case_state_name(to))}}));
  std::string state(case_state_name(to)), at = utc_text(now());
  std::string sql = "UPDATE svc_cases SET state = :s, version = version + 1";
  if (!extra_set.empty()) sql += ", " + extra_set + " = :t";
  sql += " WHERE id = :i AND version = :v";
  long long changed = extra_set.empty() ? db::execute(s, sql, state, c.id, c.version)
                                        : db::execute(s, sql, state, at, c.id, c.version);
  if (changed == 0) throw CaseError(Error("services.case.changed", "case"));
  c = load(s, number);
  record_event(s, c, event_key, detail, actor);
  return c;
}

CaseRecord CaseStore::accept(soci::session& s, std::string_view number, const std::string& actor) {
  return move(s, number, {CaseState::submitted}, CaseState::review, "services.case.event.accepted",
              "", actor, "accepted_at");
}

CaseRecord CaseStore::not_accept(soci::session& s, std::string_view number,
                                 const std::string& reason, const std::string& actor) {
  std::string why = note_of(reason, "reason");
  if (why.empty()) throw CaseError(Error("services.case.reason_required", "reason"));
  db::execute(s, "UPDATE svc_cases SET decision_note = :d WHERE number = :n", why,
              std::string(number));
  return move(s, number, {CaseState::submitted}, CaseState::not_accepted,
              "services.case.event.not_accepted", why, actor, "completed_at");
}

CaseRecord CaseStore::request_correction(soci::session& s, std::string_view number,
                                         const std::vector<std::string>& missing,
                                         const std::string& note, const std::string& actor) {
  if (missing.empty()) throw CaseError(Error("services.case.missing_required", "missing"));
  nlohmann::json list = nlohmann::json::array();
  std::string detail;
  for (const auto& m : missing) {
    std::string item = note_of(m, "missing");
    if (item.empty()) continue;
    list.push_back(item);
    detail += (detail.empty() ? "" : "；") + item;
  }
  if (list.empty()) throw CaseError(Error("services.case.missing_required", "missing"));
  std::string text = note_of(note, "correction_note");
  CaseRecord before = load(s, number);
  if (before.state != CaseState::submitted && before.state != CaseState::review)
    throw CaseError(
        Error("services.case.bad_state", "case",
              {{"from", std::string(case_state_name(before.state))}, {"to", "correction"}}));
  std::string dump = list.dump(), today = core::format_iso_date(china_date(now())),
              reason = "correction", empty;
  // Where to come back to when the corrections arrive.
  std::string back(case_state_name(before.state));
  db::execute(s, "UPDATE svc_cases SET missing = :m WHERE id = :i", dump, before.id);
  db::execute(s,
              "INSERT INTO svc_case_pauses (case_id, reason, from_date, to_date, note) VALUES "
              "(:c, :r, :f, :t, :n)",
              before.id, reason, today, empty, back);
  return move(s, number, {CaseState::submitted, CaseState::review}, CaseState::correction,
              "services.case.event.correction", detail + (text.empty() ? "" : "（" + text + "）"),
              actor);
}

namespace {

// Closes the open pause of a case; returns its note.
std::string close_pause(soci::session& s, long long case_id, std::chrono::sys_days today) {
  std::string note;
  long long pause_id = 0;
  db::query(
      s,
      "SELECT id, note FROM svc_case_pauses WHERE case_id = :c AND to_date = '' ORDER BY id DESC",
      [&](const soci::row& r) {
        if (pause_id == 0) {
          pause_id = db::row_int64(r, 0);
          note = r.get<std::string>(1);
        }
      },
      case_id);
  if (pause_id != 0) {
    std::string day = core::format_iso_date(today);
    db::execute(s, "UPDATE svc_case_pauses SET to_date = :t WHERE id = :i", day, pause_id);
  }
  return note;
}

}  // namespace

CaseRecord CaseStore::corrected(soci::session& s, std::string_view number,
                                const nlohmann::json& values, const std::string& actor) {
  CaseRecord c = load(s, number);
  if (c.state != CaseState::correction)
    throw CaseError(Error("services.case.bad_state", "case",
                          {{"from", std::string(case_state_name(c.state))}, {"to", "submitted"}}));
  std::string back = close_pause(s, c.id, china_date(now()));
  CaseState to = back == "review" ? CaseState::review : CaseState::submitted;
  if (values.is_object() && !values.empty()) {
    std::string dump = values.dump();
    db::execute(s, "UPDATE svc_cases SET form_values = :v, missing = '[]' WHERE id = :i", dump,
                c.id);
  } else {
    db::execute(s, "UPDATE svc_cases SET missing = '[]' WHERE id = :i", c.id);
  }
  return move(s, number, {CaseState::correction}, to, "services.case.event.corrected", "", actor);
}

CaseRecord CaseStore::begin_special(soci::session& s, std::string_view number,
                                    const std::string& what, const std::string& actor) {
  std::string text = note_of(what, "procedure");
  if (text.empty()) throw CaseError(Error("services.case.procedure_required", "procedure"));
  CaseRecord c = move(s, number, {CaseState::review}, CaseState::special,
                      "services.case.event.special", text, actor);
  std::string today = core::format_iso_date(china_date(now())), reason = "special", empty,
              back = "review";
  db::execute(s,
              "INSERT INTO svc_case_pauses (case_id, reason, from_date, to_date, note) VALUES "
              "(:c, :r, :f, :t, :n)",
              c.id, reason, today, empty, back);
  return load(s, number);
}

CaseRecord CaseStore::end_special(soci::session& s, std::string_view number,
                                  const std::string& actor) {
  CaseRecord c = load(s, number);
  if (c.state == CaseState::special) close_pause(s, c.id, china_date(now()));
  return move(s, number, {CaseState::special}, CaseState::review,
              "services.case.event.special_ended", "", actor);
}

CaseRecord CaseStore::decide(soci::session& s, std::string_view number, Decision decision,
                             const std::string& note, const std::string& actor) {
  if (decision == Decision::none)
    throw CaseError(Error("services.case.decision_required", "decision"));
  std::string text = note_of(note, "note"), name(decision_name(decision));
  db::execute(s, "UPDATE svc_cases SET decision = :d, decision_note = :n WHERE number = :c", name,
              text, std::string(number));
  return move(s, number, {CaseState::review}, CaseState::decided,
              decision == Decision::approved ? "services.case.event.approved"
                                             : "services.case.event.refused",
              text, actor, "decided_at");
}

CaseRecord CaseStore::complete(soci::session& s, std::string_view number,
                               const std::string& actor) {
  return move(s, number, {CaseState::decided}, CaseState::completed,
              "services.case.event.completed", "", actor, "completed_at");
}

CaseRecord CaseStore::deliver(soci::session& s, std::string_view number, const std::string& how,
                              const std::string& actor) {
  return move(s, number, {CaseState::completed, CaseState::not_accepted}, CaseState::delivered,
              "services.case.event.delivered", how, actor, "delivered_at");
}

CaseRecord CaseStore::rate(soci::session& s, std::string_view number, const std::string& detail,
                           const std::string& actor) {
  return move(s, number, {CaseState::completed, CaseState::delivered}, CaseState::rated,
              "services.case.event.rated", detail, actor, "rated_at");
}

CaseRecord CaseStore::archive(soci::session& s, std::string_view number, const std::string& actor) {
  return move(s, number,
              {CaseState::rated, CaseState::delivered, CaseState::completed,
               CaseState::not_accepted, CaseState::withdrawn},
              CaseState::archived, "services.case.event.archived", "", actor, "archived_at");
}

CaseRecord CaseStore::withdraw(soci::session& s, std::string_view number,
                               const std::string& actor) {
  return move(s, number, {CaseState::submitted, CaseState::correction}, CaseState::withdrawn,
              "services.case.event.withdrawn", "", actor, "completed_at");
}

void CaseStore::add_document(soci::session& s, long long case_id, const std::string& kind,
                             const std::string& name, const std::string& ref) {
  std::string at = utc_text(now());
  db::execute(s,
              "INSERT INTO svc_case_documents (case_id, kind, name, ref, created_at) VALUES (:c, "
              ":k, :n, :r, :t)",
              case_id, kind, name, ref, at);
  CaseRecord c = *load_where(s, "id = :i", "", case_id);
  record_event(s, c, "services.case.event.document", name, "");
}

// ---- reading ----

Result<std::optional<CaseRecord>> CaseStore::find(std::string_view number) {
  return db::guarded([&]() -> Result<std::optional<CaseRecord>> {
    auto s = db_.acquire();
    return load_where(*s, "number = :n", std::string(number), 0);
  });
}

Result<std::optional<CaseRecord>> CaseStore::find_by_instance(long long instance_id) {
  return db::guarded([&]() -> Result<std::optional<CaseRecord>> {
    auto s = db_.acquire();
    return load_where(*s, "instance_id = :i", "", instance_id);
  });
}

Result<CasePage> CaseStore::list(const CaseFilter& f, int offset, int limit) {
  return db::guarded([&]() -> Result<CasePage> {
    auto s = db_.acquire();
    std::string where = "1 = 1";
    std::vector<std::string> texts;
    long long organ = f.organ_id.value_or(0);
    if (!f.applicant.empty()) {
      where += " AND applicant = :a";
      texts.push_back(f.applicant);
    }
    if (f.state) {
      where += " AND state = :s";
      texts.emplace_back(case_state_name(*f.state));
    }
    if (!f.query.empty()) {
      std::string like = db::like_pattern(f.query);
      where +=
          " AND (number LIKE :q1 ESCAPE '\\' OR subject LIKE :q2 ESCAPE '\\' OR item_name LIKE "
          ":q3 ESCAPE '\\')";
      texts.insert(texts.end(), {like, like, like});
    }
    if (f.organ_id) where += " AND organ_id = :o";
    CasePage page;
    auto ids = db::page_ids(
        *s, "svc_cases", "id", where, "id DESC",
        [&](soci::statement& st) {
          for (const auto& t : texts) st.exchange(soci::use(t));
          if (f.organ_id) st.exchange(soci::use(organ));
        },
        offset, limit);
    page.total = ids.total;
    for (long long id : ids.ids)
      if (auto c = load_where(*s, "id = :i", "", id)) page.cases.push_back(std::move(*c));
    return page;
  });
}

Result<std::vector<CaseEvent>> CaseStore::events(long long case_id) {
  return db::guarded([&]() -> Result<std::vector<CaseEvent>> {
    auto s = db_.acquire();
    std::vector<CaseEvent> out;
    db::query(
        *s,
        "SELECT id, case_id, at, state, event_key, detail, actor FROM svc_case_events WHERE "
        "case_id = :c ORDER BY id",
        [&](const soci::row& r) {
          CaseEvent e;
          e.id = db::row_int64(r, 0);
          e.case_id = db::row_int64(r, 1);
          e.at = r.get<std::string>(2);
          e.state = parse_case_state(r.get<std::string>(3)).value_or(CaseState::submitted);
          e.key = r.get<std::string>(4);
          e.detail = r.get<std::string>(5);
          e.actor = r.get<std::string>(6);
          out.push_back(std::move(e));
        },
        case_id);
    return out;
  });
}

namespace {

CaseDocument document_from_row(const soci::row& r) {
  return CaseDocument{db::row_int64(r, 0),   db::row_int64(r, 1),   r.get<std::string>(2),
                      r.get<std::string>(3), r.get<std::string>(4), r.get<std::string>(5)};
}

}  // namespace

Result<std::vector<CaseDocument>> CaseStore::documents(long long case_id) {
  return db::guarded([&]() -> Result<std::vector<CaseDocument>> {
    auto s = db_.acquire();
    std::vector<CaseDocument> out;
    db::query(
        *s,
        "SELECT id, case_id, kind, name, ref, created_at FROM svc_case_documents WHERE case_id = "
        ":c ORDER BY id",
        [&](const soci::row& r) { out.push_back(document_from_row(r)); }, case_id);
    return out;
  });
}

Result<std::optional<CaseDocument>> CaseStore::document(long long case_id, long long document_id) {
  return db::guarded([&]() -> Result<std::optional<CaseDocument>> {
    auto s = db_.acquire();
    std::optional<CaseDocument> out;
    db::query(
        *s,
        "SELECT id, case_id, kind, name, ref, created_at FROM svc_case_documents WHERE case_id = "
        ":c AND id = :i",
        [&](const soci::row& r) { out = document_from_row(r); }, case_id, document_id);
    return out;
  });
}

CaseClocks CaseStore::clocks(const CaseRecord& c) const {
  CaseClocks out;
  auto submitted = date_of(c.submitted_at).value_or(china_date(now()));
  auto today = china_date(now());
  out.stopped = !c.decided_at.empty() || case_finished(c.state);
  std::chrono::sys_days until = today;
  for (const std::string* end : {&c.decided_at, &c.completed_at})
    if (!end->empty())
      if (auto d = date_of(*end)) until = std::min(until, *d);
  if (c.accepted_at.empty()) {
    out.acceptance = read_clock(submitted, kAcceptanceDays, c.pauses, until, calendar_);
    return out;
  }
  auto accepted = date_of(c.accepted_at).value_or(submitted);
  out.accepted = true;
  out.acceptance = read_clock(submitted, kAcceptanceDays, c.pauses, accepted, calendar_);
  out.promised = read_clock(accepted, c.promised_days, c.pauses, until, calendar_);
  out.statutory = read_clock(accepted, c.statutory_days, c.pauses, until, calendar_);
  return out;
}

}  // namespace yiwang::services
