#include "portal/disclosure_store.hpp"

#include <algorithm>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/enum_names.hpp"
#include "core/text_rules.hpp"
#include "crypto/bytes.hpp"
#include "crypto/keyring.hpp"
#include "db/paged.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"
#include "forms/attachment_store.hpp"
#include "mail/message.hpp"
#include "workflow/engine.hpp"

namespace yiwang::portal {

namespace {

constexpr core::NameTable<ApplicantType, 6> kApplicantTypeNames{{
    {ApplicantType::person, "person"},
    {ApplicantType::business, "business"},
    {ApplicantType::research, "research"},
    {ApplicantType::public_interest, "public_interest"},
    {ApplicantType::legal_service, "legal_service"},
    {ApplicantType::other, "other"},
}};

constexpr core::NameTable<RequestState, 5> kStateNames{{
    {RequestState::submitted, "submitted"},
    {RequestState::correction, "correction"},
    {RequestState::processing, "processing"},
    {RequestState::consultation, "consultation"},
    {RequestState::answered, "answered"},
}};

constexpr core::NameTable<ReplyType, 8> kReplyNames{{
    {ReplyType::none, "none"},
    {ReplyType::already_public, "already_public"},
    {ReplyType::disclosed, "disclosed"},
    {ReplyType::not_disclosed, "not_disclosed"},
    {ReplyType::not_exist, "not_exist"},
    {ReplyType::not_this_organ, "not_this_organ"},
    {ReplyType::repeat, "repeat"},
    {ReplyType::special_law, "special_law"},
}};

constexpr std::size_t kMaxDescription = 2000;
constexpr std::size_t kMaxNote = 1000;
constexpr std::size_t kMaxReply = 5000;

[[noreturn]] void fault(std::string key, std::string field = "",
                        std::map<std::string, std::string> params = {}) {
  throw workflow::Fault(Error(std::move(key), std::move(field), std::move(params)));
}

// A note typed by a civil servant or the applicant: checked like every free
// text; `required` notes may not be blank.
std::string checked(const std::string& text, const char* field, std::size_t max, bool required) {
  auto r = core::check_text(text, field, max, required);
  if (!r) throw workflow::Fault(r.error());
  return *r;
}

std::string utc_text(std::chrono::sys_seconds t) { return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t); }

const std::string kColumns =
    "SELECT id, number, organ_id, applicant, applicant_type, applicant_name, id_number, phone, "
    "email, address, info_name, doc_number, description, format, delivery, state, received_on, "
    "limit_days, extended, extension_reason, correction_note, third_party, reply_type, "
    "reply_reason, reply_text, refer_organ, submitted_at, answered_at, instance_id, version "
    "FROM portal_disclosure_requests ";

// The applicant's identity number and contact details are sealed in the
// database (crypto::Keyring, one context per column); the name is not, so
// that officers can search by it.
constexpr std::array<const char*, 4> kSealedColumns{"id_number", "phone", "email", "address"};

std::string column_context(const char* column) {
  return std::string("portal_disclosure_requests.") + column;
}

std::string open_column(const crypto::Keyring* keys, const std::string& stored,
                        const char* column) {
  if (!keys) return stored;
  auto plain = keys->decrypt(stored, column_context(column));
  if (!plain)
    throw std::runtime_error("portal_disclosure_requests: " + std::string(column) +
                             " does not open (" + plain.error().key + ")");
  return *plain;
}

DisclosureRequest from_row(const soci::row& r, const crypto::Keyring* keys) {
  DisclosureRequest d;
  std::size_t i = 0;
  d.id = db::row_int64(r, i++);
  d.number = r.get<std::string>(i++);
  d.organ_id = db::row_int64(r, i++);
  d.applicant = r.get<std::string>(i++);
  d.applicant_type = parse_applicant_type(r.get<std::string>(i++)).value_or(ApplicantType::other);
  for (std::string* f : {&d.applicant_name, &d.id_number, &d.phone, &d.email, &d.address,
                         &d.info_name, &d.doc_number, &d.description, &d.format, &d.delivery})
    *f = r.get<std::string>(i++);
  d.state = parse_request_state(r.get<std::string>(i++)).value_or(RequestState::submitted);
  d.received_on = r.get<std::string>(i++);
  d.limit_days = static_cast<int>(db::row_int64(r, i++));
  d.extended = db::row_int64(r, i++) != 0;
  for (std::string* f : {&d.extension_reason, &d.correction_note, &d.third_party})
    *f = r.get<std::string>(i++);
  d.reply_type = parse_reply_type(r.get<std::string>(i++)).value_or(ReplyType::none);
  for (std::string* f :
       {&d.reply_reason, &d.reply_text, &d.refer_organ, &d.submitted_at, &d.answered_at})
    *f = r.get<std::string>(i++);
  d.instance_id = db::row_int64(r, i++);
  d.version = db::row_int64(r, i++);
  std::array<std::string*, 4> sealed{&d.id_number, &d.phone, &d.email, &d.address};
  for (std::size_t k = 0; k < sealed.size(); ++k)
    *sealed[k] = open_column(keys, *sealed[k], kSealedColumns[k]);
  return d;
}

std::optional<DisclosureRequest> load_where(soci::session& s, const crypto::Keyring* keys,
                                            const std::string& where, const std::string& text,
                                            long long id) {
  std::optional<DisclosureRequest> out;
  auto each = [&](const soci::row& r) { out = from_row(r, keys); };
  if (text.empty())
    db::query(s, kColumns + "WHERE " + where, each, id);
  else
    db::query(s, kColumns + "WHERE " + where, each, text);
  if (!out) return out;
  db::query(
      s,
      "SELECT reason, from_date, to_date, note FROM portal_disclosure_pauses WHERE request_id = "
      ":r ORDER BY id",
      [&](const soci::row& r) {
        out->pauses.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2),
                               r.get<std::string>(3)});
      },
      out->id);
  return out;
}

}  // namespace

std::string_view applicant_type_name(ApplicantType t) {
  return core::name_in(kApplicantTypeNames, t);
}
std::optional<ApplicantType> parse_applicant_type(std::string_view s) {
  return core::parse_in(kApplicantTypeNames, s);
}
std::string_view request_state_name(RequestState s) { return core::name_in(kStateNames, s); }
std::optional<RequestState> parse_request_state(std::string_view s) {
  return core::parse_in(kStateNames, s);
}
std::string_view reply_type_name(ReplyType t) { return core::name_in(kReplyNames, t); }
std::optional<ReplyType> parse_reply_type(std::string_view s) {
  return core::parse_in(kReplyNames, s);
}

const std::vector<std::string_view>& reply_reasons(ReplyType t) {
  // 不予公开 (arts. 14–16): 国家秘密, 法律行政法规禁止, 危及"三安全一稳定",
  // 保护第三方合法权益, 三类内部事务信息, 四类过程性信息, 行政执法案卷, 行政查询事项.
  static const std::vector<std::string_view> not_disclosed{
      "state_secret", "law_forbids",  "security_stability", "third_party",
      "internal",     "deliberative", "enforcement_file",   "inquiry"};
  // 无法提供: 本机关不掌握, 没有现成信息需要另行制作, 补正后申请内容仍不明确.
  static const std::vector<std::string_view> not_exist{"not_held", "must_be_made", "unclear"};
  static const std::vector<std::string_view> disclosed{"all", "part"};
  static const std::vector<std::string_view> none;
  switch (t) {
    case ReplyType::not_disclosed:
      return not_disclosed;
    case ReplyType::not_exist:
      return not_exist;
    case ReplyType::disclosed:
      return disclosed;
    default:
      return none;
  }
}

DisclosureStore::DisclosureStore(db::Database& db, identity::OrganStore& organs,
                                 const core::WorkCalendar& calendar, const crypto::Keyring* keys,
                                 Clock clock)
    : db_(db), organs_(organs), calendar_(calendar), keys_(keys), clock_(std::move(clock)) {}

std::vector<db::Migration> DisclosureStore::migrations() {
  return {{"disclosure", 1, "requests for government information, their pauses, events and letters",
           R"SQL(
CREATE TABLE portal_disclosure_requests (
  id ${id},
  number TEXT NOT NULL UNIQUE,
  organ_id BIGINT NOT NULL,
  applicant TEXT NOT NULL,
  applicant_type TEXT NOT NULL,
  applicant_name TEXT NOT NULL,
  id_number TEXT NOT NULL,
  phone TEXT NOT NULL,
  email TEXT NOT NULL,
  address TEXT NOT NULL,
  info_name TEXT NOT NULL,
  doc_number TEXT NOT NULL,
  description TEXT NOT NULL,
  format TEXT NOT NULL,
  delivery TEXT NOT NULL,
  state TEXT NOT NULL,
  received_on TEXT NOT NULL,
  limit_days INTEGER NOT NULL,
  extended INTEGER NOT NULL,
  extension_reason TEXT NOT NULL,
  correction_note TEXT NOT NULL,
  third_party TEXT NOT NULL,
  reply_type TEXT NOT NULL,
  reply_reason TEXT NOT NULL,
  reply_text TEXT NOT NULL,
  refer_organ TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  answered_at TEXT NOT NULL,
  instance_id BIGINT NOT NULL,
  version BIGINT NOT NULL
);
CREATE INDEX portal_disclosure_requests_applicant ON portal_disclosure_requests (applicant, id);
CREATE INDEX portal_disclosure_requests_organ ON portal_disclosure_requests (organ_id, id);
CREATE INDEX portal_disclosure_requests_instance ON portal_disclosure_requests (instance_id);
CREATE TABLE portal_disclosure_pauses (
  id ${id},
  request_id BIGINT NOT NULL REFERENCES portal_disclosure_requests (id),
  reason TEXT NOT NULL,
  from_date TEXT NOT NULL,
  to_date TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX portal_disclosure_pauses_request ON portal_disclosure_pauses (request_id);
CREATE TABLE portal_disclosure_events (
  id ${id},
  request_id BIGINT NOT NULL REFERENCES portal_disclosure_requests (id),
  at TEXT NOT NULL,
  state TEXT NOT NULL,
  event_key TEXT NOT NULL,
  detail TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX portal_disclosure_events_request ON portal_disclosure_events (request_id, id);
CREATE TABLE portal_disclosure_documents (
  id ${id},
  request_id BIGINT NOT NULL REFERENCES portal_disclosure_requests (id),
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  ref TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX portal_disclosure_documents_request ON portal_disclosure_documents (request_id);
)SQL"}};
}

std::chrono::sys_seconds DisclosureStore::now() const {
  return clock_ ? clock_()
                : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string DisclosureStore::today() const {
  return core::format_iso_date(
      std::chrono::floor<std::chrono::days>(now() + core::kChinaUtcOffset));
}

std::vector<Error> DisclosureStore::problems(const RequestInput& in,
                                             const RequestApplicant& who) const {
  std::vector<Error> out;
  if (in.organ_id <= 0) {
    out.emplace_back("portal.disclosure.organ_invalid", "organ");
  } else if (auto organ = organs_.get(in.organ_id); !organ || !*organ || (*organ)->retired) {
    out.emplace_back("portal.disclosure.organ_invalid", "organ");
  }
  auto type = parse_applicant_type(in.applicant_type);
  // A person applies as a natural person; an enterprise account as one of
  // the kinds of legal person and other organisation.
  if (!type || (type == ApplicantType::person) == who.enterprise)
    out.emplace_back("portal.disclosure.applicant_type", "applicant_type");
  if (auto p = core::check_phone(in.phone); !p) out.push_back(p.error());
  auto text = [&](const std::string& value, const char* field, std::size_t max, bool required) {
    if (auto r = core::check_text(value, field, max, required); !r) out.push_back(r.error());
  };
  text(in.info_name, "info_name", 200, false);
  text(in.doc_number, "doc_number", 100, false);
  text(in.description, "description", kMaxDescription, true);
  text(in.address, "address", 200, in.delivery == "post");
  if (in.format != "paper" && in.format != "electronic")
    out.emplace_back("portal.disclosure.format", "format");
  if (in.delivery != "online" && in.delivery != "email" && in.delivery != "post" &&
      in.delivery != "pickup")
    out.emplace_back("portal.disclosure.delivery", "delivery");
  std::string email = core::trim_text(in.email);
  if (!email.empty()) {
    if (auto e = mail::check_email(email); !e) out.push_back(e.error());
  } else if (in.delivery == "email") {
    out.emplace_back("portal.disclosure.email_for_delivery", "email");
  }
  return out;
}

DisclosureRequest DisclosureStore::create(soci::session& s, const RequestInput& in,
                                          const RequestApplicant& who, long long instance_id,
                                          const audit::AuditEvent& audit) {
  if (auto p = problems(in, who); !p.empty()) throw workflow::Fault(p.front());
  std::string at = utc_text(now()), day = today(),
              placeholder = "pending-" + crypto::hex(crypto::random_bytes(16));
  auto seal = [this](const std::string& value, const char* column) {
    return keys_ ? keys_->encrypt(value, column_context(column)) : value;
  };
  std::string type = core::trim_text(in.applicant_type),
              id_number = seal(who.id_number, "id_number"),
              phone = seal(*core::check_phone(in.phone), "phone"),
              email = seal(core::trim_text(in.email), "email"),
              address = seal(core::trim_text(in.address), "address"),
              info = core::trim_text(in.info_name), doc = core::trim_text(in.doc_number),
              description = core::trim_text(in.description), state = "submitted", none = "none",
              empty;
  long long id = db::insert_returning_id(
      s,
      "INSERT INTO portal_disclosure_requests (number, organ_id, applicant, applicant_type, "
      "applicant_name, id_number, phone, email, address, info_name, doc_number, description, "
      "format, delivery, state, received_on, limit_days, extended, extension_reason, "
      "correction_note, third_party, reply_type, reply_reason, reply_text, refer_organ, "
      "submitted_at, answered_at, instance_id, version) VALUES (:n, :o, :a, :t, :an, :id, :p, "
      ":e, :ad, :in, :dn, :d, :f, :dl, :s, :r, :l, 0, :x1, :x2, :x3, :rt, :x4, :x5, :x6, :at, "
      ":x7, :i, 1) RETURNING id",
      placeholder, in.organ_id, who.account, type, who.name, id_number, phone, email, address, info,
      doc, description, in.format, in.delivery, state, day, kDisclosureLimitDays, empty, empty,
      empty, none, empty, empty, empty, at, empty, instance_id);
  std::string compact = day;
  compact.erase(std::remove(compact.begin(), compact.end(), '-'), compact.end());
  std::string number = fmt::format("GK{}{:06d}", compact, id % 1000000);
  db::execute(s, "UPDATE portal_disclosure_requests SET number = :n WHERE id = :i", number, id);
  DisclosureRequest r = load(s, id);
  record(s, r, "portal.disclosure.event.submitted", r.organ_name, who.account);
  audit::AuditEvent e = audit;
  e.event = "portal.disclosure.submitted";
  e.object = "disclosure:" + number;
  e.detail = "organ " + std::to_string(in.organ_id);
  audit::AuditLog::record(s, e);
  return r;
}

DisclosureRequest DisclosureStore::load(soci::session& s, long long id) {
  auto r = load_where(s, keys_, "id = :i", "", id);
  if (!r) fault("portal.disclosure.not_found", "request");
  if (auto organ = organs_.get(r->organ_id); organ && *organ) r->organ_name = (*organ)->name;
  return *r;
}

void DisclosureStore::record(soci::session& s, const DisclosureRequest& r, const std::string& key,
                             const std::string& detail, const std::string& actor) {
  RequestEvent e{utc_text(now()), r.state, key, detail, actor};
  std::string state(request_state_name(r.state));
  db::execute(s,
              "INSERT INTO portal_disclosure_events (request_id, at, state, event_key, detail, "
              "actor) VALUES (:r, :a, :s, :k, :d, :u)",
              r.id, e.at, state, key, detail, actor);
  audit::AuditEvent a;
  a.account = actor;
  a.organ = "-";
  a.source = "process";
  a.event = key;
  a.object = "disclosure:" + r.number;
  a.detail = core::cut_utf8(detail, 500);
  if (key != "portal.disclosure.event.submitted") audit::AuditLog::record(s, a);
  if (listener_) listener_(s, r, e);
}

DisclosureRequest DisclosureStore::move(soci::session& s, long long id,
                                        std::initializer_list<RequestState> from, RequestState to,
                                        const std::string& event, const std::string& detail,
                                        const std::string& actor) {
  DisclosureRequest r = load(s, id);
  if (std::find(from.begin(), from.end(), r.state) == from.end())
    fault("portal.disclosure.bad_state", "request",
          {{"from", std::string(request_state_name(r.state))},
           {"to", std::string(request_state_name(to))}});
  std::string state(request_state_name(to));
  if (db::execute(s,
                  "UPDATE portal_disclosure_requests SET state = :s, version = version + 1 "
                  "WHERE id = :i AND version = :v",
                  state, id, r.version) == 0)
    fault("portal.disclosure.changed", "request");
  r = load(s, id);
  record(s, r, event, detail, actor);
  return r;
}

namespace {

void open_pause(soci::session& s, long long id, const std::string& reason, const std::string& day,
                const std::string& note) {
  std::string empty;
  db::execute(s,
              "INSERT INTO portal_disclosure_pauses (request_id, reason, from_date, to_date, note) "
              "VALUES (:r, :re, :f, :t, :n)",
              id, reason, day, empty, note);
}

void close_pause(soci::session& s, long long id, const std::string& day) {
  db::execute(s,
              "UPDATE portal_disclosure_pauses SET to_date = :t WHERE request_id = :r AND "
              "to_date = ''",
              day, id);
}

}  // namespace

DisclosureRequest DisclosureStore::accept(soci::session& s, long long id,
                                          const std::string& actor) {
  return move(s, id, {RequestState::submitted}, RequestState::processing,
              "portal.disclosure.event.accepted", "", actor);
}

DisclosureRequest DisclosureStore::request_correction(soci::session& s, long long id,
                                                      const std::string& note,
                                                      const std::string& actor) {
  std::string text = checked(note, "correction_note", kMaxNote, true);
  DisclosureRequest r = load(s, id);
  if (r.state != RequestState::submitted)
    fault("portal.disclosure.bad_state", "request",
          {{"from", std::string(request_state_name(r.state))}, {"to", "correction"}});
  db::execute(s, "UPDATE portal_disclosure_requests SET correction_note = :n WHERE id = :i", text,
              id);
  open_pause(s, id, "correction", today(), text);
  return move(s, id, {RequestState::submitted}, RequestState::correction,
              "portal.disclosure.event.correction", text, actor);
}

DisclosureRequest DisclosureStore::corrected(soci::session& s, long long id,
                                             const std::string& description,
                                             const std::string& applicant) {
  std::string text = checked(description, "description", kMaxDescription, true);
  DisclosureRequest r = load(s, id);
  if (r.applicant != applicant) fault("portal.disclosure.not_found", "request");
  if (r.state != RequestState::correction)
    fault("portal.disclosure.bad_state", "request",
          {{"from", std::string(request_state_name(r.state))}, {"to", "submitted"}});
  db::execute(s, "UPDATE portal_disclosure_requests SET description = :d WHERE id = :i", text, id);
  close_pause(s, id, today());
  return move(s, id, {RequestState::correction}, RequestState::submitted,
              "portal.disclosure.event.corrected", "", applicant);
}

DisclosureRequest DisclosureStore::consult_begin(soci::session& s, long long id,
                                                 const std::string& party,
                                                 const std::string& actor) {
  std::string who = checked(party, "third_party", 200, true);
  DisclosureRequest r = load(s, id);
  if (r.state != RequestState::processing)
    fault("portal.disclosure.bad_state", "request",
          {{"from", std::string(request_state_name(r.state))}, {"to", "consultation"}});
  db::execute(s, "UPDATE portal_disclosure_requests SET third_party = :p WHERE id = :i", who, id);
  open_pause(s, id, "consultation", today(), who);
  return move(s, id, {RequestState::processing}, RequestState::consultation,
              "portal.disclosure.event.consultation", who, actor);
}

DisclosureRequest DisclosureStore::consult_end(soci::session& s, long long id,
                                               const std::string& opinion,
                                               const std::string& actor) {
  std::string text = checked(opinion, "opinion", kMaxNote, true);
  DisclosureRequest r = load(s, id);
  if (r.state == RequestState::consultation) close_pause(s, id, today());
  return move(s, id, {RequestState::consultation}, RequestState::processing,
              "portal.disclosure.event.consulted", r.third_party, actor);
}

DisclosureRequest DisclosureStore::extend(soci::session& s, long long id, const std::string& reason,
                                          const std::string& actor) {
  std::string text = checked(reason, "extension_reason", kMaxNote, true);
  DisclosureRequest r = load(s, id);
  if (r.state != RequestState::processing)
    fault("portal.disclosure.bad_state", "request",
          {{"from", std::string(request_state_name(r.state))}, {"to", "processing"}});
  if (r.extended) fault("portal.disclosure.already_extended", "extension_reason");
  // The extension is decided before the time runs out (art. 33).
  if (clock(r).overdue) fault("portal.disclosure.extension_too_late", "extension_reason");
  if (db::execute(s,
                  "UPDATE portal_disclosure_requests SET extended = 1, limit_days = :l, "
                  "extension_reason = :r, version = version + 1 WHERE id = :i AND version = :v",
                  kDisclosureLimitDays + kDisclosureExtensionDays, text, id, r.version) == 0)
    fault("portal.disclosure.changed", "request");
  r = load(s, id);
  record(s, r, "portal.disclosure.event.extended", text, actor);
  return r;
}

std::optional<Error> DisclosureStore::reply_problem(const ReplyInput& reply) {
  if (reply.type == ReplyType::none) return Error("portal.disclosure.reply_type", "reply_type");
  const auto& reasons = reply_reasons(reply.type);
  if (!reasons.empty() && std::find(reasons.begin(), reasons.end(), reply.reason) == reasons.end())
    return Error("portal.disclosure.reply_reason", "reply_reason");
  if (reasons.empty() && !reply.reason.empty())
    return Error("portal.disclosure.reply_reason", "reply_reason");
  if (auto r = core::check_text(reply.text, "reply_text", kMaxReply, true); !r) return r.error();
  if (auto r = core::check_text(reply.refer_organ, "refer_organ", 200, false); !r) return r.error();
  return std::nullopt;
}

DisclosureRequest DisclosureStore::reply(soci::session& s, long long id, const ReplyInput& in,
                                         const std::string& actor) {
  if (auto p = reply_problem(in)) throw workflow::Fault(*p);
  DisclosureRequest r = load(s, id);
  if (r.state != RequestState::processing)
    fault("portal.disclosure.bad_state", "request",
          {{"from", std::string(request_state_name(r.state))}, {"to", "answered"}});
  std::string type(reply_type_name(in.type)),
      text = core::trim_text(in.text),
      refer = in.type == ReplyType::not_this_organ ? core::trim_text(in.refer_organ) : "",
      at = utc_text(now());
  db::execute(s,
              "UPDATE portal_disclosure_requests SET reply_type = :t, reply_reason = :r, "
              "reply_text = :x, refer_organ = :o, answered_at = :a WHERE id = :i",
              type, in.reason, text, refer, at, id);
  return move(s, id, {RequestState::processing}, RequestState::answered,
              "portal.disclosure.event.answered", type, actor);
}

void DisclosureStore::add_document(soci::session& s, long long id, const std::string& kind,
                                   const std::string& name, const std::string& ref) {
  std::string at = utc_text(now());
  db::execute(s,
              "INSERT INTO portal_disclosure_documents (request_id, kind, name, ref, created_at) "
              "VALUES (:r, :k, :n, :f, :a)",
              id, kind, name, ref, at);
}

Result<std::optional<DisclosureRequest>> DisclosureStore::get(long long id) {
  return db::guarded([&]() -> Result<std::optional<DisclosureRequest>> {
    auto s = db_.acquire();
    auto r = load_where(*s, keys_, "id = :i", "", id);
    if (r)
      if (auto organ = organs_.get(r->organ_id); organ && *organ) r->organ_name = (*organ)->name;
    return r;
  });
}

Result<std::optional<DisclosureRequest>> DisclosureStore::find(std::string_view number) {
  if (number.empty() || number.size() > 40) return std::nullopt;
  return db::guarded([&]() -> Result<std::optional<DisclosureRequest>> {
    auto s = db_.acquire();
    auto r = load_where(*s, keys_, "number = :n", std::string(number), 0);
    if (r)
      if (auto organ = organs_.get(r->organ_id); organ && *organ) r->organ_name = (*organ)->name;
    return r;
  });
}

Result<RequestPage> DisclosureStore::list(const RequestFilter& f) {
  return db::guarded([&]() -> Result<RequestPage> {
    auto s = db_.acquire();
    std::string where = "1 = 1";
    std::string state = f.state ? std::string(request_state_name(*f.state)) : std::string();
    std::string like = db::like_pattern(f.query);
    if (!f.applicant.empty()) where += " AND applicant = :a";
    if (f.state) where += " AND state = :s";
    if (f.open_only) where += " AND state <> 'answered'";
    if (!f.query.empty())
      where +=
          " AND (number LIKE :q1 ESCAPE '\\' OR applicant_name LIKE :q2 ESCAPE '\\' OR "
          "description LIKE :q3 ESCAPE '\\' OR info_name LIKE :q4 ESCAPE '\\')";
    if (f.organs) {
      if (f.organs->empty()) return RequestPage{};
      where += " AND organ_id IN (" + db::id_list(*f.organs) + ")";
    }
    std::string order = f.sort == "oldest"  ? "id"
                        : f.sort == "organ" ? "organ_id, id DESC"
                                            : "id DESC";
    auto page = db::page_ids(
        *s, "portal_disclosure_requests", "id", where, order,
        [&](soci::statement& st) {
          if (!f.applicant.empty()) st.exchange(soci::use(f.applicant));
          if (f.state) st.exchange(soci::use(state));
          if (!f.query.empty())
            for (int i = 0; i < 4; ++i) st.exchange(soci::use(like));
        },
        f.offset, f.limit);
    RequestPage out;
    out.total = page.total;
    for (long long id : page.ids)
      if (auto r = load_where(*s, keys_, "id = :i", "", id)) {
        if (auto organ = organs_.get(r->organ_id); organ && *organ) r->organ_name = (*organ)->name;
        out.items.push_back(std::move(*r));
      }
    return out;
  });
}

Result<std::vector<RequestEvent>> DisclosureStore::events(long long id) {
  return db::guarded([&]() -> Result<std::vector<RequestEvent>> {
    auto s = db_.acquire();
    std::vector<RequestEvent> out;
    db::query(
        *s,
        "SELECT at, state, event_key, detail, actor FROM portal_disclosure_events WHERE "
        "request_id = :r ORDER BY id",
        [&](const soci::row& r) {
          out.push_back(
              {r.get<std::string>(0),
               parse_request_state(r.get<std::string>(1)).value_or(RequestState::submitted),
               r.get<std::string>(2), r.get<std::string>(3), r.get<std::string>(4)});
        },
        id);
    return out;
  });
}

namespace {

std::vector<RequestDocument> documents_where(soci::session& s, long long id, long long doc) {
  std::vector<RequestDocument> out;
  auto each = [&](const soci::row& r) {
    out.push_back({db::row_int64(r, 0), db::row_int64(r, 1), r.get<std::string>(2),
                   r.get<std::string>(3), r.get<std::string>(4), r.get<std::string>(5), ""});
  };
  const std::string sql =
      "SELECT id, request_id, kind, name, ref, created_at FROM portal_disclosure_documents WHERE "
      "request_id = :r";
  if (doc > 0)
    db::query(s, sql + " AND id = :d", each, id, doc);
  else
    db::query(s, sql + " ORDER BY id", each, id);
  return out;
}

}  // namespace

Result<std::vector<RequestDocument>> DisclosureStore::documents(long long id) {
  return db::guarded([&]() -> Result<std::vector<RequestDocument>> {
    auto s = db_.acquire();
    return documents_where(*s, id, 0);
  });
}

Result<std::optional<RequestDocument>> DisclosureStore::document(long long id,
                                                                 long long document_id) {
  return db::guarded([&]() -> Result<std::optional<RequestDocument>> {
    std::vector<RequestDocument> found;
    {
      auto s = db_.acquire();
      found = documents_where(*s, id, document_id);
    }
    if (found.empty()) return std::nullopt;
    auto file = forms::AttachmentStore(db_).get(found.front().ref);
    if (!file) return std::unexpected(file.error());
    if (!*file) return std::nullopt;
    found.front().content = std::move((*file)->data);
    return found.front();
  });
}

Result<std::vector<RequestTally>> DisclosureStore::tallies(long long organ_id, int year) {
  return db::guarded([&]() -> Result<std::vector<RequestTally>> {
    auto s = db_.acquire();
    std::vector<RequestTally> out;
    std::string last = fmt::format("{:04d}-12-31", year);
    db::query(
        *s,
        "SELECT id, applicant_type, state, reply_type, reply_reason, received_on, answered_at "
        "FROM portal_disclosure_requests WHERE organ_id = :o AND received_on <= :d ORDER BY id",
        [&](const soci::row& r) {
          RequestTally t;
          t.id = db::row_int64(r, 0);
          t.applicant_type =
              parse_applicant_type(r.get<std::string>(1)).value_or(ApplicantType::other);
          t.state = parse_request_state(r.get<std::string>(2)).value_or(RequestState::submitted);
          t.reply_type = parse_reply_type(r.get<std::string>(3)).value_or(ReplyType::none);
          t.reply_reason = r.get<std::string>(4);
          t.received_on = r.get<std::string>(5);
          if (auto day = core::china_day_of(r.get<std::string>(6)))
            t.answered_on = core::format_iso_date(*day);
          out.push_back(std::move(t));
        },
        organ_id, last);
    return out;
  });
}

services::ClockReading DisclosureStore::clock(const DisclosureRequest& r) const {
  auto start = core::parse_iso_date(r.received_on).value_or(std::chrono::sys_days{});
  std::vector<services::ClockPause> pauses;
  for (const auto& p : r.pauses) {
    services::ClockPause cp;
    cp.from = core::parse_iso_date(p.from).value_or(start);
    if (!p.to.empty()) cp.to = core::parse_iso_date(p.to);
    cp.reason = p.reason;
    pauses.push_back(std::move(cp));
  }
  auto today = std::chrono::floor<std::chrono::days>(now() + core::kChinaUtcOffset);
  if (r.state == RequestState::answered)
    if (auto day = core::china_day_of(r.answered_at)) today = *day;
  return services::read_clock(start, r.limit_days, pauses, today, calendar_);
}

}  // namespace yiwang::portal
