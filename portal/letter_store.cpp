#include "portal/letter_store.hpp"

#include <algorithm>
#include <array>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/civil_date.hpp"
#include "core/normalise.hpp"
#include "core/text_rules.hpp"
#include "crypto/sm3.hpp"
#include "db/dialect.hpp"
#include "db/paged.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"
#include "identity/services.hpp"
#include "mail/message.hpp"
#include "portal/site_changes.hpp"
#include "search/search_documents.hpp"
#include "services/case_clock.hpp"

namespace yiwang::portal {

namespace {

constexpr std::array<std::string_view, 5> kStateNames{"received", "assigned", "answered", "closed",
                                                      "rejected"};

std::string utc(std::chrono::sys_seconds t) { return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t); }

std::chrono::sys_seconds now_seconds() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

// The China date of a UTC time stamp.
std::chrono::sys_days china_day(const std::string& at) {
  auto local = identity::local_time(at);
  return core::parse_iso_date(local.substr(0, 10)).value_or(std::chrono::sys_days{});
}

// The writer's name and contact details are sealed in the stored JSON
// (crypto::Keyring, one context per field); none: stored as typed.
std::string seal_field(const crypto::Keyring* keys, const std::string& value, const char* field) {
  return keys ? keys->encrypt(value, std::string("portal_letters.") + field) : value;
}

std::string open_field(const crypto::Keyring* keys, const std::string& stored, const char* field) {
  if (!keys) return stored;
  auto plain = keys->decrypt(stored, std::string("portal_letters.") + field);
  if (!plain)
    throw std::runtime_error("portal_letters: " + std::string(field) + " does not open (" +
                             plain.error().key + ")");
  return *plain;
}

nlohmann::json to_json(const Letter& l, const crypto::Keyring* keys) {
  nlohmann::json esc = nlohmann::json::array();
  for (const auto& e : l.escalations)
    esc.push_back({{"level", e.level}, {"at", e.at}, {"days_over", e.days_over}});
  return {{"body", l.body},
          {"writer", seal_field(keys, l.writer, "writer")},
          {"phone", seal_field(keys, l.phone, "phone")},
          {"email", seal_field(keys, l.email, "email")},
          {"assigned_at", l.assigned_at},
          {"closed_at", l.closed_at},
          {"reject_reason", l.reject_reason},
          {"answer", l.answer},
          {"answered_by", l.answered_by},
          {"answer_organ", l.answer_organ},
          {"rating_comment", l.rating_comment},
          {"rated_at", l.rated_at},
          {"rating_default", l.rating_default},
          {"escalations", esc}};
}

const char* kColumns =
    "SELECT id, kind, state, title, organ_id, handler_organ_id, account, consent, published, "
    "instance_id, received_at, due_on, answered_at, rating, data FROM portal_letters ";

Letter read_letter(const soci::row& r, const crypto::Keyring* keys) {
  Letter l;
  l.id = db::row_int64(r, 0);
  l.kind = r.get<std::string>(1);
  l.state = parse_letter_state(r.get<std::string>(2)).value_or(LetterState::received);
  l.title = r.get<std::string>(3);
  l.organ_id = db::row_int64(r, 4);
  l.handler_organ_id = db::row_int64(r, 5);
  l.account = r.get<std::string>(6);
  l.consent = db::row_int64(r, 7) != 0;
  l.published = db::row_int64(r, 8) != 0;
  l.instance_id = db::row_int64(r, 9);
  l.received_at = r.get<std::string>(10);
  l.due_on = r.get<std::string>(11);
  l.answered_at = r.get<std::string>(12);
  l.rating = r.get<std::string>(13);
  auto j = nlohmann::json::parse(r.get<std::string>(14), nullptr, false);
  if (!j.is_object()) return l;
  auto text = [&](const char* k) { return j.value(k, std::string()); };
  l.body = text("body");
  l.writer = open_field(keys, text("writer"), "writer");
  l.phone = open_field(keys, text("phone"), "phone");
  l.email = open_field(keys, text("email"), "email");
  l.assigned_at = text("assigned_at");
  l.closed_at = text("closed_at");
  l.reject_reason = text("reject_reason");
  l.answer = text("answer");
  l.answered_by = text("answered_by");
  l.answer_organ = text("answer_organ");
  l.rating_comment = text("rating_comment");
  l.rated_at = text("rated_at");
  l.rating_default = j.value("rating_default", false);
  if (auto e = j.find("escalations"); e != j.end() && e->is_array())
    for (const auto& x : *e)
      l.escalations.push_back(
          {x.value("level", 0), x.value("at", std::string()), x.value("days_over", 0)});
  return l;
}

audit::AuditEvent system_event(const std::string& actor) {
  audit::AuditEvent e;
  e.account = actor.empty() ? "system" : actor;
  e.organ = "-";
  e.source = "workflow";
  return e;
}

}  // namespace

std::string_view letter_state_name(LetterState s) { return kStateNames[static_cast<int>(s)]; }
std::optional<LetterState> parse_letter_state(std::string_view name) {
  for (std::size_t i = 0; i < kStateNames.size(); ++i)
    if (kStateNames[i] == name) return static_cast<LetterState>(i);
  return std::nullopt;
}

std::vector<db::Migration> LetterStore::migrations() {
  return {{"portal", 6, "letters (领导信箱, 咨询, 投诉)", R"SQL(
CREATE TABLE portal_letters (
  id ${id},
  kind TEXT NOT NULL,
  state TEXT NOT NULL,
  title TEXT NOT NULL,
  code_hash TEXT NOT NULL UNIQUE,
  organ_id BIGINT NOT NULL,
  handler_organ_id BIGINT NOT NULL,
  account TEXT NOT NULL,
  consent INTEGER NOT NULL,
  published INTEGER NOT NULL,
  instance_id BIGINT NOT NULL,
  received_at TEXT NOT NULL,
  due_on TEXT NOT NULL,
  answered_at TEXT NOT NULL,
  rating TEXT NOT NULL,
  escalations INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX portal_letters_state ON portal_letters (state, due_on);
CREATE INDEX portal_letters_organ ON portal_letters (handler_organ_id, state);
CREATE INDEX portal_letters_public ON portal_letters (published, kind, answered_at);
CREATE TABLE portal_letter_limits (
  id ${id},
  bucket TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX portal_letter_limits_bucket ON portal_letter_limits (bucket, at);
)SQL"}};
}

std::string LetterStore::code_digest(std::string_view code) {
  std::string norm;
  for (char c : core::to_half_width(code)) {
    if (c == ' ' || c == '-' || c == '\t') continue;
    norm += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return crypto::to_hex(crypto::sm3("yiwang-letter:" + norm));
}

std::vector<Error> LetterStore::problems(const LetterInput& in) const {
  std::vector<Error> out;
  const LetterKind* kind = rules_.kind(in.kind);
  if (!kind)
    out.emplace_back("portal.letter.kind", "letter_kind");
  else if (in.account.empty() && !kind->anonymous)
    out.emplace_back("portal.letter.anonymous_not_allowed", "letter_kind",
                     std::map<std::string, std::string>{{"kind", kind->name}});
  auto check = [&](Result<std::string> r) {
    if (!r) out.push_back(r.error());
  };
  check(core::check_text(in.title, "letter_title", kMaxLetterTitle));
  check(core::check_lines(in.body, "letter_body", kMaxLetterBody));
  check(core::check_text(in.writer, "writer_name", kMaxWriterName, !in.account.empty()));
  std::string phone = core::trim_text(in.phone), email = core::trim_text(in.email);
  if (!phone.empty()) check(core::check_phone(phone, "writer_phone"));
  if (!email.empty()) check(mail::check_email(email, "writer_email"));
  // A writer who signs in can be answered through the account; others must
  // leave a way to be reached unless the kind allows anonymous letters.
  if (in.account.empty() && phone.empty() && email.empty() && kind && !kind->anonymous)
    out.emplace_back("portal.letter.contact", "writer_phone");
  if (in.organ_id < 0) out.emplace_back("portal.letter.organ", "letter_organ");
  return out;
}

void LetterStore::audit(soci::session& s, const audit::AuditEvent& base, const char* event,
                        long long id, std::string detail) {
  audit::AuditEvent e = base;
  e.event = event;
  e.object = "letter:" + std::to_string(id);
  e.detail = std::move(detail);
  audit::AuditLog::record(s, e);
}

Result<long long> LetterStore::insert(soci::session& s, const LetterInput& in,
                                      const std::string& code_hash, long long instance_id,
                                      const audit::AuditEvent& who) {
  // The rate limit, held in the database so every node counts the same.
  auto now = now_seconds();
  std::string now_text = utc(now), hour_ago = utc(now - std::chrono::hours(1)),
              day_ago = utc(now - std::chrono::hours(24));
  std::string by_address = "address:" + in.address, by_account = "account:" + in.account;
  auto count = [&](const std::string& bucket, const std::string& since) {
    long long n = 0;
    db::query(
        s, "SELECT COUNT(*) FROM portal_letter_limits WHERE bucket = :b AND at > :t",
        [&](const soci::row& r) { n = db::row_int64(r, 0); }, bucket, since);
    return n;
  };
  if (!in.address.empty() && count(by_address, hour_ago) >= rules_.per_address_per_hour)
    return fail("portal.letter.rate_limited", "",
                {{"max", std::to_string(rules_.per_address_per_hour)}, {"per", "hour"}});
  if (!in.account.empty() && count(by_account, day_ago) >= rules_.per_account_per_day)
    return fail("portal.letter.rate_limited_account", "",
                {{"max", std::to_string(rules_.per_account_per_day)}});
  for (const auto* bucket : {&by_address, &by_account})
    if (bucket->find(':') + 1 < bucket->size())
      db::execute(s, "INSERT INTO portal_letter_limits (bucket, at) VALUES (:b, :t)", *bucket,
                  now_text);

  const LetterKind* kind = rules_.kind(in.kind);
  Letter l;
  l.kind = in.kind;
  l.title = core::trim_text(in.title);
  l.body = *core::check_lines(in.body, "letter_body", kMaxLetterBody);
  l.writer = core::trim_text(in.writer);
  l.phone = core::trim_text(in.phone);
  if (auto p = core::check_phone(l.phone); !l.phone.empty() && p) l.phone = *p;
  l.email = core::trim_text(in.email);
  if (auto e = mail::check_email(l.email); !l.email.empty() && e) l.email = *e;
  l.account = in.account;
  l.organ_id = in.organ_id;
  l.consent = in.consent;
  l.instance_id = instance_id;
  l.received_at = now_text;
  l.due_on = core::format_iso_date(
      calendar_.add_working_days(china_day(now_text), kind ? kind->answer_days : 15));
  std::string state(letter_state_name(l.state)), data = to_json(l, keys_).dump(), empty;
  long long zero = 0, consent = l.consent ? 1 : 0;
  l.id = db::insert_returning_id(
      s,
      "INSERT INTO portal_letters (kind, state, title, code_hash, organ_id, handler_organ_id, "
      "account, consent, published, instance_id, received_at, due_on, answered_at, rating, "
      "escalations, updated_at, data) VALUES (:k, :s, :t, :c, :o, :h, :a, :cs, 0, :i, :r, :d, "
      ":aa, :ra, 0, :u, :data) RETURNING id",
      l.kind, state, l.title, code_hash, l.organ_id, zero, l.account, consent, instance_id,
      l.received_at, l.due_on, empty, empty, now_text, data);
  audit(s, who, "portal.letter.write", l.id, l.kind);
  return l.id;
}

void LetterStore::write(soci::session& s, const Letter& l) {
  std::string state(letter_state_name(l.state)), data = to_json(l, keys_).dump(),
                                                 now = db::utc_now();
  long long published = l.published ? 1 : 0;
  db::execute(s,
              "UPDATE portal_letters SET state = :s, handler_organ_id = :h, published = :p, "
              "answered_at = :a, rating = :r, updated_at = :u, data = :d WHERE id = :id",
              state, l.handler_organ_id, published, l.answered_at, l.rating, now, data, l.id);
}

namespace {
Letter must_get(LetterStore& store, soci::session& s, long long id) {
  auto l = store.get(s, id);
  if (!l) throw std::runtime_error("portal: no letter " + std::to_string(id));
  return *l;
}
}  // namespace

void LetterStore::assign(soci::session& s, long long id, long long organ_id,
                         const std::string& actor) {
  Letter l = must_get(*this, s, id);
  l.state = LetterState::assigned;
  l.handler_organ_id = organ_id;
  l.assigned_at = db::utc_now();
  write(s, l);
  audit(s, system_event(actor), "portal.letter.assign", id, std::to_string(organ_id));
}

void LetterStore::unassign(soci::session& s, long long id, const std::string& actor) {
  Letter l = must_get(*this, s, id);
  l.state = LetterState::received;
  l.handler_organ_id = 0;
  write(s, l);
  audit(s, system_event(actor), "portal.letter.unassign", id);
}

void LetterStore::reject(soci::session& s, long long id, const std::string& reason,
                         const std::string& actor) {
  Letter l = must_get(*this, s, id);
  l.state = LetterState::rejected;
  l.reject_reason = reason;
  l.closed_at = db::utc_now();
  write(s, l);
  audit(s, system_event(actor), "portal.letter.reject", id, reason);
}

void LetterStore::answer(soci::session& s, long long id, const std::string& text,
                         const std::string& answered_by, const std::string& organ_name,
                         bool publish_it, const std::string& actor) {
  Letter l = must_get(*this, s, id);
  l.state = LetterState::answered;
  l.answer = text;
  l.answered_by = answered_by;
  l.answer_organ = organ_name;
  l.answered_at = db::utc_now();
  l.published = publish_it && l.consent;
  write(s, l);
  if (l.published) publish(s, l);
  audit(s, system_event(actor), "portal.letter.answer", id, l.published ? "published" : "");
}

void LetterStore::publish(soci::session& s, const Letter& l) {
  const LetterKind* kind = rules_.kind(l.kind);
  search::Document doc;
  doc.id = "letter:" + std::to_string(l.id);
  doc.kind = "answer";
  doc.title = l.title;
  doc.body = l.body + "\n" + l.answer;
  doc.url = "/letters/" + std::to_string(l.id);
  doc.column = kind ? kind->name : l.kind;
  doc.organ = l.answer_organ;
  doc.published_at = l.answered_at;
  search::SearchDocuments::put(s, doc);
  SiteChanges::record(s, {"/letters", "/letters/" + std::to_string(l.id), "/api/v1/letters*"});
}

Result<std::optional<Letter>> LetterStore::get(long long id) {
  return db::guarded([&]() -> Result<std::optional<Letter>> {
    auto s = db_.acquire();
    return get(*s, id);
  });
}

std::optional<Letter> LetterStore::get(soci::session& s, long long id) {
  std::optional<Letter> out;
  db::query(
      s, std::string(kColumns) + "WHERE id = :id",
      [&](const soci::row& r) { out = read_letter(r, keys_); }, id);
  return out;
}

Result<std::optional<Letter>> LetterStore::by_code(std::string_view code) {
  if (code.empty() || code.size() > 100) return std::optional<Letter>();
  std::string digest = code_digest(code);
  return db::guarded([&]() -> Result<std::optional<Letter>> {
    auto s = db_.acquire();
    std::optional<Letter> out;
    db::query(
        *s, std::string(kColumns) + "WHERE code_hash = :c",
        [&](const soci::row& r) { out = read_letter(r, keys_); }, digest);
    return out;
  });
}

Result<LetterPage> LetterStore::list(const LetterFilter& f) {
  return db::guarded([&]() -> Result<LetterPage> {
    auto s = db_.acquire();
    std::string where = "1 = 1";
    std::string state = f.state ? std::string(letter_state_name(*f.state)) : std::string();
    std::string like = db::like_pattern(f.query);
    std::string received(letter_state_name(LetterState::received)),
        assigned(letter_state_name(LetterState::assigned));
    if (!f.kind.empty()) where += " AND kind = :k";
    if (f.state) where += " AND state = :s";
    if (!f.query.empty()) where += " AND title LIKE :q ESCAPE '\\'";
    if (f.overdue_only) where += " AND state IN (:r, :a) AND due_on < :today";
    if (f.escalated_only) where += " AND escalations > 0";
    if (f.organs) {
      std::string ids = db::id_list(*f.organs);
      std::string mine = ids.empty()
                             ? std::string("1 = 0")
                             : "handler_organ_id IN (" + ids +
                                   ") OR (handler_organ_id = 0 AND organ_id IN (" + ids + "))";
      if (f.with_unassigned) mine += " OR handler_organ_id = 0";
      where += " AND (" + mine + ")";
    }
    std::string order = f.sort == "received" ? "received_at, id"
                        : f.sort == "due"    ? "due_on, id"
                        : f.sort == "-due"   ? "due_on DESC, id DESC"
                                             : "received_at DESC, id DESC";
    auto page = db::page_ids(
        *s, "portal_letters", "id", where, order,
        [&](soci::statement& st) {
          if (!f.kind.empty()) st.exchange(soci::use(f.kind));
          if (f.state) st.exchange(soci::use(state));
          if (!f.query.empty()) st.exchange(soci::use(like));
          if (f.overdue_only) {
            st.exchange(soci::use(received));
            st.exchange(soci::use(assigned));
            st.exchange(soci::use(f.today));
          }
        },
        f.offset, f.limit);
    LetterPage out;
    out.total = page.total;
    for (long long id : page.ids)
      if (auto l = get(*s, id)) out.items.push_back(std::move(*l));
    return out;
  });
}

Result<LetterPage> LetterStore::published(const std::string& kind, int offset, int limit) {
  return db::guarded([&]() -> Result<LetterPage> {
    auto s = db_.acquire();
    std::string where = "published = 1";
    if (!kind.empty()) where += " AND kind = :k";
    auto page = db::page_ids(
        *s, "portal_letters", "id", where, "answered_at DESC, id DESC",
        [&](soci::statement& st) {
          if (!kind.empty()) st.exchange(soci::use(kind));
        },
        offset, limit);
    LetterPage out;
    out.total = page.total;
    for (long long id : page.ids)
      if (auto l = get(*s, id)) out.items.push_back(std::move(*l));
    return out;
  });
}

Result<Letter> LetterStore::rate(std::string_view code, const std::string& rating,
                                 const std::string& comment, const audit::AuditEvent& who,
                                 std::chrono::sys_days today) {
  if (std::find(std::begin(kRatings), std::end(kRatings), rating) == std::end(kRatings))
    return fail("portal.letter.rating_invalid", "rating");
  auto why = core::check_lines(comment, "rating_comment", kMaxRatingComment, false);
  if (!why) return std::unexpected(why.error());
  std::string digest = code_digest(code);
  return db::guarded([&]() -> Result<Letter> {
    return db_.transaction([&](soci::session& s) -> Result<Letter> {
      long long id = 0;
      db::query(
          s, "SELECT id FROM portal_letters WHERE code_hash = :c",
          [&](const soci::row& r) { id = db::row_int64(r, 0); }, digest);
      auto l = id ? get(s, id) : std::nullopt;
      if (!l) return fail("portal.letter.code_unknown", "query_code");
      if (l->state == LetterState::closed && !l->rating.empty() && !l->rating_default)
        return fail("portal.letter.rated");
      if (l->state == LetterState::closed) return fail("portal.letter.rating_closed");
      if (l->state != LetterState::answered) return fail("portal.letter.not_answered");
      auto window_end = calendar_.add_working_days(china_day(l->answered_at), rules_.rating_days);
      if (today > window_end) return fail("portal.letter.rating_closed");
      // Of two clicks, one rates.
      std::string answered(letter_state_name(LetterState::answered)),
          closed(letter_state_name(LetterState::closed));
      if (db::execute(s, "UPDATE portal_letters SET state = :c WHERE id = :id AND state = :a",
                      closed, id, answered) == 0)
        return fail("portal.letter.rated");
      l->state = LetterState::closed;
      l->rating = rating;
      l->rating_comment = *why;
      l->rated_at = l->closed_at = db::utc_now();
      write(s, *l);
      if (l->published)
        SiteChanges::record(s, {"/letters/" + std::to_string(id), "/api/v1/letters*"});
      audit(s, who, "portal.letter.rate", id, rating);
      return *l;
    });
  });
}

Result<std::vector<Escalated>> LetterStore::escalate_due(std::chrono::sys_days today) {
  return db::guarded([&]() -> Result<std::vector<Escalated>> {
    struct Due {
      long long id;
      std::string due_on;
      int escalations;
    };
    std::vector<Due> due;
    {
      auto s = db_.acquire();
      std::string received(letter_state_name(LetterState::received)),
          assigned(letter_state_name(LetterState::assigned)), day = core::format_iso_date(today);
      db::query(
          *s,
          "SELECT id, due_on, escalations FROM portal_letters WHERE state IN (:r, :a) AND "
          "due_on < :d ORDER BY due_on, id LIMIT 200",
          [&](const soci::row& r) {
            due.push_back({db::row_int64(r, 0), r.get<std::string>(1),
                           static_cast<int>(db::row_int64(r, 2))});
          },
          received, assigned, day);
    }
    std::vector<Escalated> out;
    for (const auto& d : due) {
      auto due_day = core::parse_iso_date(d.due_on);
      if (!due_day) continue;
      int over = calendar_.working_days_between(*due_day, today);
      int after = rules_.escalate_after_days, repeat = rules_.escalate_repeat_days;
      if (over <= after) continue;
      int level = 1 + (repeat > 0 ? (over - after - 1) / repeat : 0);
      if (level <= d.escalations) continue;
      auto done = db_.transaction([&](soci::session& s) -> Result<std::optional<Escalated>> {
        // Every node runs this: the conditional update lets exactly one
        // record this level (the others find the count already changed).
        std::string received(letter_state_name(LetterState::received)),
            assigned(letter_state_name(LetterState::assigned));
        if (db::execute(s,
                        "UPDATE portal_letters SET escalations = :n WHERE id = :id AND "
                        "escalations = :seen AND state IN (:r, :a)",
                        level, d.id, d.escalations, received, assigned) == 0)
          return std::optional<Escalated>();
        auto l = get(s, d.id);
        if (!l) return std::optional<Escalated>();
        l->escalations.push_back({level, db::utc_now(), over});
        write(s, *l);
        audit(s, system_event("system"), "portal.letter.escalate", d.id,
              fmt::format("level {} · {} working days over", level, over));
        return std::optional<Escalated>(Escalated{d.id, l->instance_id, level, over, l->title});
      });
      if (!done) return std::unexpected(done.error());
      if (*done) out.push_back(**done);
    }
    return out;
  });
}

Result<int> LetterStore::close_unrated(std::chrono::sys_days today) {
  return db::guarded([&]() -> Result<int> {
    std::vector<std::pair<long long, std::string>> answered;
    {
      auto s = db_.acquire();
      std::string state(letter_state_name(LetterState::answered));
      db::query(
          *s, "SELECT id, answered_at FROM portal_letters WHERE state = :s ORDER BY answered_at",
          [&](const soci::row& r) {
            answered.emplace_back(db::row_int64(r, 0), r.get<std::string>(1));
          },
          state);
    }
    int count = 0;
    for (const auto& [id, at] : answered) {
      if (today <= calendar_.add_working_days(china_day(at), rules_.rating_days)) continue;
      auto done = db_.transaction([&](soci::session& s) -> Result<bool> {
        std::string open(letter_state_name(LetterState::answered)),
            closed(letter_state_name(LetterState::closed));
        if (db::execute(s, "UPDATE portal_letters SET state = :c WHERE id = :id AND state = :a",
                        closed, id, open) == 0)
          return false;
        auto l = get(s, id);
        if (!l) return false;
        l->rating = "satisfied";
        l->rating_default = true;
        l->closed_at = db::utc_now();
        write(s, *l);
        if (l->published) SiteChanges::record(s, {"/letters/" + std::to_string(id)});
        audit(s, system_event("system"), "portal.letter.close", id, "no rating: satisfied");
        return true;
      });
      if (!done) return std::unexpected(done.error());
      count += *done ? 1 : 0;
    }
    return count;
  });
}

Result<void> LetterStore::prune_limits() {
  return db::guarded([&]() -> Result<void> {
    std::string before = utc(now_seconds() - std::chrono::hours(25));
    return db_.transaction([&](soci::session& s) -> Result<void> {
      db::execute(s, "DELETE FROM portal_letter_limits WHERE at < :b", before);
      return {};
    });
  });
}

Result<std::vector<Letter>> LetterStore::overdue(
    std::chrono::sys_days today, const std::optional<std::vector<long long>>& organs) {
  LetterFilter f;
  f.organs = organs;
  f.with_unassigned = !organs.has_value();
  f.overdue_only = true;
  f.today = core::format_iso_date(today);
  f.sort = "due";
  f.limit = 200;
  auto page = list(f);
  if (!page) return std::unexpected(page.error());
  return std::move(page->items);
}

int LetterStore::days_left(const Letter& l, std::chrono::sys_days today) const {
  const LetterKind* kind = rules_.kind(l.kind);
  std::chrono::sys_days until = today;
  if (!l.answered_at.empty())
    until = china_day(l.answered_at);
  else if (!l.closed_at.empty())
    until = china_day(l.closed_at);
  auto reading = services::read_clock(china_day(l.received_at), kind ? kind->answer_days : 15, {},
                                      until, calendar_);
  return reading.left;
}

}  // namespace yiwang::portal
