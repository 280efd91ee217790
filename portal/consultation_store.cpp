#include "portal/consultation_store.hpp"

#include <algorithm>
#include <set>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/enum_names.hpp"
#include "core/normalise.hpp"
#include "core/text_rules.hpp"
#include "db/dialect.hpp"
#include "db/paged.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"
#include "render/rich_text.hpp"

namespace yiwang::portal {

namespace {

constexpr core::NameTable<ConsultationKind, 2> kKinds{{
    {ConsultationKind::consultation, "consultation"},
    {ConsultationKind::survey, "survey"},
}};
constexpr core::NameTable<CommentState, 3> kCommentStates{{
    {CommentState::pending, "pending"},
    {CommentState::approved, "approved"},
    {CommentState::rejected, "rejected"},
}};
constexpr core::NameTable<ConsultationPhase, 5> kPhases{{
    {ConsultationPhase::draft, "draft"},
    {ConsultationPhase::upcoming, "upcoming"},
    {ConsultationPhase::open, "open"},
    {ConsultationPhase::closed, "closed"},
    {ConsultationPhase::summarised, "summarised"},
}};

constexpr std::size_t kMaxTitle = 200, kMaxDescription = 2000, kMaxComment = 2000,
                      kMaxSummary = 10000, kMaxBodyBytes = 512 << 10, kMaxQuestions = 30,
                      kMaxOptions = 20, kMaxQuestionText = 300;
constexpr std::string_view kMultiple = "[多选]";

std::string utc_text(std::chrono::sys_seconds t) { return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t); }

nlohmann::json questions_json(const std::vector<SurveyQuestion>& qs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& q : qs)
    out.push_back({{"text", q.text}, {"multiple", q.multiple}, {"options", q.options}});
  return out;
}

nlohmann::json data_of(const Consultation& c) {
  return {{"description", c.description},
          {"body_html", c.body_html},
          {"questions", questions_json(c.questions)},
          {"summary", c.summary},
          {"adopted", c.adopted},
          {"summary_at", c.summary_at}};
}

const std::string kColumns =
    "SELECT id, kind, organ_id, title, opens_on, closes_on, published, published_at, created_by, "
    "updated_at, version, data FROM portal_consultations ";

Consultation from_row(const soci::row& r) {
  Consultation c;
  c.id = db::row_int64(r, 0);
  c.kind = parse_consultation_kind(r.get<std::string>(1)).value_or(ConsultationKind::consultation);
  c.organ_id = db::row_int64(r, 2);
  c.title = r.get<std::string>(3);
  c.opens_on = r.get<std::string>(4);
  c.closes_on = r.get<std::string>(5);
  c.published = db::row_int64(r, 6) != 0;
  c.published_at = r.get<std::string>(7);
  c.created_by = r.get<std::string>(8);
  c.updated_at = r.get<std::string>(9);
  c.version = db::row_int64(r, 10);
  auto d = nlohmann::json::parse(r.get<std::string>(11), nullptr, false);
  if (!d.is_object()) return c;
  c.description = d.value("description", "");
  c.body_html = d.value("body_html", "");
  c.summary = d.value("summary", "");
  c.adopted = d.value("adopted", 0);
  c.summary_at = d.value("summary_at", "");
  if (auto q = d.find("questions"); q != d.end() && q->is_array())
    for (const auto& x : *q) {
      SurveyQuestion sq;
      sq.text = x.value("text", "");
      sq.multiple = x.value("multiple", false);
      if (auto o = x.find("options"); o != x.end() && o->is_array())
        for (const auto& opt : *o)
          if (opt.is_string()) sq.options.push_back(opt.get<std::string>());
      c.questions.push_back(std::move(sq));
    }
  return c;
}

ConsultationComment comment_from_row(const soci::row& r) {
  ConsultationComment m;
  m.id = db::row_int64(r, 0);
  m.consultation_id = db::row_int64(r, 1);
  m.state = parse_comment_state(r.get<std::string>(2)).value_or(CommentState::pending);
  m.account = r.get<std::string>(3);
  m.author = r.get<std::string>(4);
  m.content = r.get<std::string>(5);
  m.at = r.get<std::string>(6);
  m.moderated_by = r.get<std::string>(7);
  m.moderated_at = r.get<std::string>(8);
  m.reason = r.get<std::string>(9);
  return m;
}

const std::string kCommentColumns =
    "SELECT id, consultation_id, state, account, author, content, at, moderated_by, "
    "moderated_at, reason FROM portal_consultation_comments ";

std::optional<Consultation> load(soci::session& s, long long id) {
  std::optional<Consultation> out;
  db::query(
      s, kColumns + "WHERE id = :i", [&](const soci::row& r) { out = from_row(r); }, id);
  return out;
}

void audit_event(soci::session& s, audit::AuditEvent e, const std::string& account,
                 const std::string& event, const std::string& object, const std::string& detail) {
  e.account = account;
  e.event = event;
  e.object = object;
  e.detail = detail;
  audit::AuditLog::record(s, e);
}

}  // namespace

std::string_view consultation_kind_name(ConsultationKind k) { return core::name_in(kKinds, k); }
std::optional<ConsultationKind> parse_consultation_kind(std::string_view s) {
  return core::parse_in(kKinds, s);
}
std::string_view comment_state_name(CommentState s) { return core::name_in(kCommentStates, s); }
std::optional<CommentState> parse_comment_state(std::string_view s) {
  return core::parse_in(kCommentStates, s);
}
std::string_view consultation_phase_name(ConsultationPhase p) { return core::name_in(kPhases, p); }

ConsultationPhase phase_of(const Consultation& c, std::string_view today) {
  if (!c.published) return ConsultationPhase::draft;
  if (today < c.opens_on) return ConsultationPhase::upcoming;
  if (today <= c.closes_on) return ConsultationPhase::open;
  return c.summary_at.empty() ? ConsultationPhase::closed : ConsultationPhase::summarised;
}

ConsultationStore::ConsultationStore(db::Database& db, identity::OrganStore& organs, Clock clock)
    : db_(db), organs_(organs), clock_(std::move(clock)) {}

std::vector<db::Migration> ConsultationStore::migrations() {
  return {{"consultations", 1, "consultations on drafts, surveys, comments and responses", R"SQL(
CREATE TABLE portal_consultations (
  id ${id},
  kind TEXT NOT NULL,
  organ_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  opens_on TEXT NOT NULL,
  closes_on TEXT NOT NULL,
  published INTEGER NOT NULL,
  published_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX portal_consultations_public ON portal_consultations (published, kind, opens_on);
CREATE TABLE portal_consultation_comments (
  id ${id},
  consultation_id BIGINT NOT NULL REFERENCES portal_consultations (id),
  state TEXT NOT NULL,
  account TEXT NOT NULL,
  author TEXT NOT NULL,
  content TEXT NOT NULL,
  at TEXT NOT NULL,
  moderated_by TEXT NOT NULL,
  moderated_at TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX portal_consultation_comments_of ON portal_consultation_comments (consultation_id, state, id);
CREATE INDEX portal_consultation_comments_account ON portal_consultation_comments (account, at);
CREATE TABLE portal_survey_responses (
  id ${id},
  consultation_id BIGINT NOT NULL REFERENCES portal_consultations (id),
  account TEXT NOT NULL,
  answers TEXT NOT NULL,
  at TEXT NOT NULL,
  UNIQUE (consultation_id, account)
);
)SQL"}};
}

std::string ConsultationStore::today() const {
  auto now = clock_ ? clock_()
                    : std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return core::format_iso_date(std::chrono::floor<std::chrono::days>(now + core::kChinaUtcOffset));
}

Result<std::vector<SurveyQuestion>> ConsultationStore::parse_questions(std::string_view text) {
  std::vector<SurveyQuestion> out;
  std::vector<std::pair<int, std::string>> block;  // (line number, text)
  auto finish = [&]() -> Result<void> {
    if (block.empty()) return {};
    int first = block.front().first;
    auto bad = [&](int line) {
      return fail("portal.consultation.questions", "questions", {{"line", std::to_string(line)}});
    };
    if (block.size() < 3) return bad(first);  // a question and two options at least
    SurveyQuestion q;
    std::string head = block.front().second;
    if (head.starts_with(kMultiple)) {
      q.multiple = true;
      head = core::trim_text(std::string_view(head).substr(kMultiple.size()));
    }
    if (head.empty() || core::utf8_length(head) > kMaxQuestionText) return bad(first);
    q.text = head;
    std::set<std::string> seen;
    for (std::size_t i = 1; i < block.size(); ++i) {
      const auto& [line, option] = block[i];
      if (core::utf8_length(option) > kMaxQuestionText || !seen.insert(option).second)
        return bad(line);
      q.options.push_back(option);
    }
    if (q.options.size() > kMaxOptions) return bad(first);
    out.push_back(std::move(q));
    block.clear();
    return {};
  };
  int line_no = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line_no;
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto checked = core::check_text(line, "questions", kMaxQuestionText + 10, false);
    if (!checked) return std::unexpected(checked.error());
    if (checked->empty()) {
      if (auto r = finish(); !r) return std::unexpected(r.error());
    } else {
      block.emplace_back(line_no, *checked);
    }
    start = end + 1;
  }
  if (auto r = finish(); !r) return std::unexpected(r.error());
  if (out.empty()) return fail("portal.consultation.no_questions", "questions");
  if (out.size() > kMaxQuestions)
    return fail("portal.consultation.too_many_questions", "questions",
                {{"max", std::to_string(kMaxQuestions)}});
  return out;
}

std::string ConsultationStore::questions_text(const std::vector<SurveyQuestion>& questions) {
  std::string out;
  for (const auto& q : questions) {
    if (!out.empty()) out += "\n";
    out += (q.multiple ? std::string(kMultiple) : std::string()) + q.text + "\n";
    for (const auto& o : q.options) out += o + "\n";
  }
  return out;
}

std::vector<Error> ConsultationStore::problems(const ConsultationInput& in) const {
  std::vector<Error> out;
  auto kind = parse_consultation_kind(in.kind);
  if (!kind) out.emplace_back("portal.consultation.kind", "kind");
  if (in.organ_id <= 0) {
    out.emplace_back("portal.consultation.organ", "organ");
  } else if (auto organ = organs_.get(in.organ_id); !organ || !*organ || (*organ)->retired) {
    out.emplace_back("portal.consultation.organ", "organ");
  }
  if (auto r = core::check_text(in.title, "title", kMaxTitle, true); !r) out.push_back(r.error());
  if (auto r = core::check_lines(in.description, "description", kMaxDescription, false); !r)
    out.push_back(r.error());
  auto opens = core::parse_iso_date(core::trim_text(in.opens_on));
  auto closes = core::parse_iso_date(core::trim_text(in.closes_on));
  if (!opens) out.emplace_back("portal.consultation.date", "opens_on");
  if (!closes) out.emplace_back("portal.consultation.date", "closes_on");
  if (opens && closes && *closes < *opens)
    out.emplace_back("portal.consultation.period", "closes_on");
  if (kind == ConsultationKind::consultation) {
    if (in.body_html.size() > kMaxBodyBytes)
      out.emplace_back("portal.consultation.body_too_long", "body");
    else if (!core::is_valid_utf8(in.body_html))
      out.emplace_back("text.encoding", "body");
    else if (render::html_to_text(render::clean_html(in.body_html).html).empty())
      out.emplace_back("portal.consultation.body_required", "body");
  }
  if (kind == ConsultationKind::survey)
    if (auto q = parse_questions(in.questions); !q) out.push_back(q.error());
  return out;
}

namespace {

// The stored form of an input that passed problems().
Consultation from_input(const ConsultationInput& in) {
  Consultation c;
  c.kind = *parse_consultation_kind(in.kind);
  c.organ_id = in.organ_id;
  c.title = core::trim_text(in.title);
  c.description = core::trim_text(in.description);
  c.opens_on = core::trim_text(in.opens_on);
  c.closes_on = core::trim_text(in.closes_on);
  if (c.kind == ConsultationKind::consultation)
    c.body_html = render::clean_html(in.body_html).html;
  else
    c.questions = *ConsultationStore::parse_questions(in.questions);
  return c;
}

}  // namespace

Result<Consultation> ConsultationStore::create(const ConsultationInput& in, const Actor& by) {
  if (auto p = problems(in); !p.empty()) return std::unexpected(p.front());
  Consultation c = from_input(in);
  return db::guarded([&]() -> Result<Consultation> {
    return db_.transaction([&](soci::session& s) -> Result<Consultation> {
      std::string kind(consultation_kind_name(c.kind)), at = db::utc_now(), empty,
                                                        data = data_of(c).dump();
      long long id = db::insert_returning_id(
          s,
          "INSERT INTO portal_consultations (kind, organ_id, title, opens_on, closes_on, "
          "published, published_at, created_by, updated_at, version, data) VALUES (:k, :o, :t, "
          ":op, :cl, 0, :pa, :b, :u, 1, :d) RETURNING id",
          kind, c.organ_id, c.title, c.opens_on, c.closes_on, empty, by.account, at, data);
      audit_event(s, by.audit, by.account, "portal.consultation.created",
                  fmt::format("consultation:{}", id), kind + " " + c.title);
      return *load(s, id);
    });
  });
}

Result<Consultation> ConsultationStore::update(long long id, const ConsultationInput& in,
                                               long long expected_version, const Actor& by) {
  if (auto p = problems(in); !p.empty()) return std::unexpected(p.front());
  Consultation c = from_input(in);
  return db::guarded([&]() -> Result<Consultation> {
    return db_.transaction([&](soci::session& s) -> Result<Consultation> {
      auto current = load(s, id);
      if (!current) return fail("portal.consultation.not_found", "consultation");
      if (current->published) return fail("portal.consultation.published", "consultation");
      if (current->kind != c.kind) return fail("portal.consultation.kind", "kind");
      std::string at = db::utc_now(), data = data_of(c).dump();
      if (db::execute(s,
                      "UPDATE portal_consultations SET organ_id = :o, title = :t, opens_on = :op, "
                      "closes_on = :cl, updated_at = :u, data = :d, version = version + 1 WHERE "
                      "id = :i AND version = :v",
                      c.organ_id, c.title, c.opens_on, c.closes_on, at, data, id,
                      expected_version) == 0)
        return fail("portal.consultation.changed", "consultation");
      audit_event(s, by.audit, by.account, "portal.consultation.saved",
                  fmt::format("consultation:{}", id), c.title);
      return *load(s, id);
    });
  });
}

Result<Consultation> ConsultationStore::publish(long long id, long long expected_version,
                                                const Actor& by) {
  return db::guarded([&]() -> Result<Consultation> {
    return db_.transaction([&](soci::session& s) -> Result<Consultation> {
      auto current = load(s, id);
      if (!current) return fail("portal.consultation.not_found", "consultation");
      if (current->published) return fail("portal.consultation.published", "consultation");
      if (current->closes_on < today()) return fail("portal.consultation.period_over", "closes_on");
      std::string at = db::utc_now();
      if (db::execute(s,
                      "UPDATE portal_consultations SET published = 1, published_at = :a, "
                      "updated_at = :u, version = version + 1 WHERE id = :i AND version = :v",
                      at, at, id, expected_version) == 0)
        return fail("portal.consultation.changed", "consultation");
      audit_event(s, by.audit, by.account, "portal.consultation.published",
                  fmt::format("consultation:{}", id), current->title);
      return *load(s, id);
    });
  });
}

Result<Consultation> ConsultationStore::summarise(long long id, const std::string& summary,
                                                  int adopted, long long expected_version,
                                                  const Actor& by) {
  auto text = core::check_lines(summary, "summary", kMaxSummary, true);
  if (!text) return std::unexpected(text.error());
  return db::guarded([&]() -> Result<Consultation> {
    return db_.transaction([&](soci::session& s) -> Result<Consultation> {
      auto c = load(s, id);
      if (!c) return fail("portal.consultation.not_found", "consultation");
      if (c->kind != ConsultationKind::consultation)
        return fail("portal.consultation.kind", "kind");
      auto phase = phase_of(*c, today());
      if (phase != ConsultationPhase::closed && phase != ConsultationPhase::summarised)
        return fail("portal.consultation.not_closed", "summary");
      long long received = 0;
      db::query(
          s,
          "SELECT COUNT(*) FROM portal_consultation_comments WHERE consultation_id = :c AND "
          "state <> 'rejected'",
          [&](const soci::row& r) { received = db::row_int64(r, 0); }, id);
      if (adopted < 0 || adopted > received)
        return fail("portal.consultation.adopted", "adopted", {{"max", std::to_string(received)}});
      c->summary = *text;
      c->adopted = adopted;
      c->summary_at = db::utc_now();
      std::string data = data_of(*c).dump();
      if (db::execute(s,
                      "UPDATE portal_consultations SET data = :d, updated_at = :u, version = "
                      "version + 1 WHERE id = :i AND version = :v",
                      data, c->summary_at, id, expected_version) == 0)
        return fail("portal.consultation.changed", "consultation");
      audit_event(s, by.audit, by.account, "portal.consultation.summarised",
                  fmt::format("consultation:{}", id), fmt::format("adopted {}", adopted));
      return *load(s, id);
    });
  });
}

Result<std::optional<Consultation>> ConsultationStore::get(long long id) {
  return db::guarded([&]() -> Result<std::optional<Consultation>> {
    std::optional<Consultation> c;
    {
      auto s = db_.acquire();
      c = load(*s, id);
    }
    if (c)
      if (auto organ = organs_.get(c->organ_id); organ && *organ) c->organ_name = (*organ)->name;
    return c;
  });
}

Result<ConsultationPage> ConsultationStore::list(const ConsultationFilter& f) {
  return db::guarded([&]() -> Result<ConsultationPage> {
    ConsultationPage out;
    {
      auto s = db_.acquire();
      std::string where = "1 = 1";
      std::string kind = f.kind ? std::string(consultation_kind_name(*f.kind)) : std::string();
      if (f.kind) where += " AND kind = :k";
      if (f.published_only) where += " AND published = 1";
      if (f.organs) {
        if (f.organs->empty()) return out;
        where += " AND organ_id IN (" + db::id_list(*f.organs) + ")";
      }
      auto page = db::page_ids(
          *s, "portal_consultations", "id", where, "opens_on DESC, id DESC",
          [&](soci::statement& st) {
            if (f.kind) st.exchange(soci::use(kind));
          },
          f.offset, f.limit);
      out.total = page.total;
      for (long long id : page.ids)
        if (auto c = load(*s, id)) out.items.push_back(std::move(*c));
    }
    for (auto& c : out.items)
      if (auto organ = organs_.get(c.organ_id); organ && *organ) c.organ_name = (*organ)->name;
    return out;
  });
}

Result<ConsultationComment> ConsultationStore::comment(long long id, const std::string& account,
                                                       const std::string& author,
                                                       const std::string& content,
                                                       const audit::AuditEvent& who) {
  auto name = core::check_text(author, "author", 30, false);
  if (!name) return std::unexpected(name.error());
  auto text = core::check_lines(content, "comment", kMaxComment, true);
  if (!text) return std::unexpected(text.error());
  return db::guarded([&]() -> Result<ConsultationComment> {
    return db_.transaction([&](soci::session& s) -> Result<ConsultationComment> {
      auto c = load(s, id);
      if (!c || !c->published) return fail("portal.consultation.not_found", "consultation");
      if (c->kind != ConsultationKind::consultation)
        return fail("portal.consultation.kind", "kind");
      if (phase_of(*c, today()) != ConsultationPhase::open)
        return fail("portal.consultation.not_open", "comment");
      // At most kMaxCommentsPerDay a day per account (UTC day boundaries suffice).
      std::string since = utc_text(std::chrono::floor<std::chrono::seconds>(
          std::chrono::system_clock::now() - std::chrono::hours(24)));
      long long recent = 0;
      db::query(
          s, "SELECT COUNT(*) FROM portal_consultation_comments WHERE account = :a AND at >= :t",
          [&](const soci::row& r) { recent = db::row_int64(r, 0); }, account, since);
      if (recent >= kMaxCommentsPerDay)
        return fail("portal.consultation.too_many_comments", "comment",
                    {{"max", std::to_string(kMaxCommentsPerDay)}});
      std::string state = "pending", at = db::utc_now(), empty;
      long long cid = db::insert_returning_id(
          s,
          "INSERT INTO portal_consultation_comments (consultation_id, state, account, author, "
          "content, at, moderated_by, moderated_at, reason) VALUES (:c, :s, :a, :n, :t, :at, :m, "
          ":ma, :r) RETURNING id",
          id, state, account, *name, *text, at, empty, empty, empty);
      audit_event(s, who, account, "portal.consultation.commented",
                  fmt::format("consultation:{}", id), fmt::format("comment {}", cid));
      ConsultationComment out;
      db::query(
          s, kCommentColumns + "WHERE id = :i",
          [&](const soci::row& r) { out = comment_from_row(r); }, cid);
      return out;
    });
  });
}

Result<ConsultationComment> ConsultationStore::moderate(long long comment_id, bool approve,
                                                        const std::string& reason,
                                                        const Actor& by) {
  auto why = core::check_text(reason, "reason", 500, !approve);
  if (!why) return std::unexpected(why.error());
  return db::guarded([&]() -> Result<ConsultationComment> {
    return db_.transaction([&](soci::session& s) -> Result<ConsultationComment> {
      std::string state = approve ? "approved" : "rejected", at = db::utc_now(),
                  pending = "pending";
      if (db::execute(s,
                      "UPDATE portal_consultation_comments SET state = :s, moderated_by = :b, "
                      "moderated_at = :a, reason = :r WHERE id = :i AND state = :p",
                      state, by.account, at, *why, comment_id, pending) == 0)
        return fail("portal.consultation.comment_moderated", "comment");
      ConsultationComment out;
      db::query(
          s, kCommentColumns + "WHERE id = :i",
          [&](const soci::row& r) { out = comment_from_row(r); }, comment_id);
      audit_event(s, by.audit, by.account,
                  approve ? "portal.consultation.approved" : "portal.consultation.rejected",
                  fmt::format("consultation:{}", out.consultation_id),
                  fmt::format("comment {}", comment_id));
      return out;
    });
  });
}

Result<std::vector<ConsultationComment>> ConsultationStore::comments(long long id,
                                                                     bool approved_only,
                                                                     const std::string& account) {
  return db::guarded([&]() -> Result<std::vector<ConsultationComment>> {
    auto s = db_.acquire();
    std::vector<ConsultationComment> out;
    auto each = [&](const soci::row& r) { out.push_back(comment_from_row(r)); };
    if (!approved_only)
      db::query(*s, kCommentColumns + "WHERE consultation_id = :c ORDER BY id", each, id);
    else
      db::query(*s,
                kCommentColumns +
                    "WHERE consultation_id = :c AND (state = 'approved' OR account = :a) ORDER "
                    "BY id",
                each, id, account.empty() ? std::string("\x01") : account);
    return out;
  });
}

Result<std::pair<long long, long long>> ConsultationStore::comment_counts(long long id) {
  return db::guarded([&]() -> Result<std::pair<long long, long long>> {
    auto s = db_.acquire();
    std::pair<long long, long long> out{0, 0};
    db::query(
        *s,
        "SELECT state, COUNT(*) FROM portal_consultation_comments WHERE consultation_id = :c "
        "GROUP BY state",
        [&](const soci::row& r) {
          long long n = db::row_int64(r, 1);
          std::string state = r.get<std::string>(0);
          if (state != "rejected") out.first += n;
          if (state == "pending") out.second += n;
        },
        id);
    return out;
  });
}

Result<void> ConsultationStore::respond(long long id, const std::string& account,
                                        const std::vector<std::vector<int>>& answers,
                                        const audit::AuditEvent& who) {
  return db::guarded([&]() -> Result<void> {
    return db_.transaction([&](soci::session& s) -> Result<void> {
      auto c = load(s, id);
      if (!c || !c->published) return fail("portal.consultation.not_found", "consultation");
      if (c->kind != ConsultationKind::survey) return fail("portal.consultation.kind", "kind");
      if (phase_of(*c, today()) != ConsultationPhase::open)
        return fail("portal.consultation.not_open", "survey");
      if (answers.size() != c->questions.size()) return fail("portal.survey.unanswered", "q1");
      for (std::size_t i = 0; i < answers.size(); ++i) {
        const auto& q = c->questions[i];
        const auto& a = answers[i];
        std::string field = "q" + std::to_string(i + 1);
        std::set<int> distinct(a.begin(), a.end());
        if (a.empty() || distinct.size() != a.size() || (!q.multiple && a.size() != 1))
          return fail("portal.survey.unanswered", field, {{"n", std::to_string(i + 1)}});
        for (int o : a)
          if (o < 0 || o >= static_cast<int>(q.options.size()))
            return fail("portal.survey.unanswered", field, {{"n", std::to_string(i + 1)}});
      }
      long long done = 0;
      db::query(
          s,
          "SELECT COUNT(*) FROM portal_survey_responses WHERE consultation_id = :c AND account = "
          ":a",
          [&](const soci::row& r) { done = db::row_int64(r, 0); }, id, account);
      if (done) return fail("portal.survey.answered", "survey");
      std::string data = nlohmann::json(answers).dump(), at = db::utc_now();
      db::execute(s,
                  "INSERT INTO portal_survey_responses (consultation_id, account, answers, at) "
                  "VALUES (:c, :a, :d, :t)",
                  id, account, data, at);
      audit_event(s, who, account, "portal.survey.answered", fmt::format("consultation:{}", id),
                  "");
      return {};
    });
  });
}

Result<bool> ConsultationStore::responded(long long id, const std::string& account) {
  return db::guarded([&]() -> Result<bool> {
    auto s = db_.acquire();
    long long n = 0;
    db::query(
        *s,
        "SELECT COUNT(*) FROM portal_survey_responses WHERE consultation_id = :c AND account = :a",
        [&](const soci::row& r) { n = db::row_int64(r, 0); }, id, account);
    return n > 0;
  });
}

Result<SurveyResults> ConsultationStore::results(long long id) {
  auto c = get(id);
  if (!c) return std::unexpected(c.error());
  if (!*c) return fail("portal.consultation.not_found", "consultation");
  return db::guarded([&]() -> Result<SurveyResults> {
    SurveyResults out;
    for (const auto& q : (*c)->questions) out.counts.emplace_back(q.options.size(), 0);
    auto s = db_.acquire();
    db::query(
        *s, "SELECT answers FROM portal_survey_responses WHERE consultation_id = :c",
        [&](const soci::row& r) {
          ++out.responses;
          auto a = nlohmann::json::parse(r.get<std::string>(0), nullptr, false);
          if (!a.is_array()) return;
          for (std::size_t i = 0; i < a.size() && i < out.counts.size(); ++i)
            if (a[i].is_array())
              for (const auto& o : a[i])
                if (o.is_number_integer() && o.get<int>() >= 0 &&
                    o.get<std::size_t>() < out.counts[i].size())
                  ++out.counts[i][o.get<std::size_t>()];
        },
        id);
    return out;
  });
}

}  // namespace yiwang::portal
