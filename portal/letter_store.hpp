// Letters of 互动交流 (领导信箱, 咨询, 投诉): what a citizen wrote, the state of
// the letter on its way through the process (portal/letter_process.hpp), the
// answer, the writer's rating, and the escalations (督办) of letters left
// unanswered past their limit.
//
//   received 待审查 → assigned 待处理 → answered 已处理 → closed (rated, or
//   the rating window ran out: counted as satisfied)
//   received → rejected 不予受理 (with the reason the writer sees)
//
// The query code the writer follows the letter with is never stored: only
// its SM3 digest, by which the letter is found. Every change is one
// transaction with its audit record; publishing an answer also writes its
// search document (kind "answer") and the public pages it makes stale.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "core/work_calendar.hpp"
#include "crypto/keyring.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "portal/letter_config.hpp"

namespace yiwang::portal {

enum class LetterState { received, assigned, answered, closed, rejected };
std::string_view letter_state_name(LetterState s);
std::optional<LetterState> parse_letter_state(std::string_view name);

// The writer's rating of the answer.
inline constexpr std::string_view kRatings[] = {"satisfied", "basic", "dissatisfied"};

// Limits of the writer's fields, in characters.
inline constexpr std::size_t kMaxLetterTitle = 100;
inline constexpr std::size_t kMaxLetterBody = 5000;
inline constexpr std::size_t kMaxLetterAnswer = 5000;
inline constexpr std::size_t kMaxWriterName = 50;
inline constexpr std::size_t kMaxRatingComment = 500;

struct LetterEscalation {
  int level = 0;
  std::string at;  // UTC
  int days_over = 0;
};

struct Letter {
  long long id = 0;
  std::string kind;
  LetterState state = LetterState::received;
  std::string title, body;  // plain text (lines kept)
  std::string writer, phone, email;
  std::string account;             // the writer's account, "" when anonymous
  long long organ_id = 0;          // the organ it was addressed to (0: 分办 decides)
  long long handler_organ_id = 0;  // the organ it was assigned to
  bool consent = false;            // the writer agrees to publication
  bool published = false;
  long long instance_id = 0;
  std::string received_at, assigned_at, answered_at, closed_at;  // UTC ISO 8601
  std::string due_on;  // the China date the answer is due (YYYY-MM-DD)
  std::string reject_reason;
  std::string answer, answered_by, answer_organ;
  std::string rating, rating_comment, rated_at;  // rating: a kRatings value, or ""
  bool rating_default = false;                   // no rating within the window
  std::vector<LetterEscalation> escalations;
};

// What the writer typed.
struct LetterInput {
  std::string kind, title, body, writer, phone, email;
  long long organ_id = 0;
  bool consent = false;
  std::string account;  // signed in: the account name
  std::string address;  // the writer's network address (rate limit)
};

struct LetterFilter {
  std::string kind;  // "": any
  std::optional<LetterState> state;
  // nullopt: every organ; otherwise letters assigned (or addressed, before
  // assignment) to these organs, and the unassigned ones when with_unassigned.
  std::optional<std::vector<long long>> organs;
  bool with_unassigned = false;
  bool overdue_only = false;  // unanswered and past the due date
  bool escalated_only = false;
  std::string query;               // in the title
  std::string sort = "-received";  // received | -received | due | -due
  std::string today;               // YYYY-MM-DD, for overdue_only
  int offset = 0, limit = 20;
};

struct LetterPage {
  std::vector<Letter> items;
  long long total = 0;
};

// One letter escalated by escalate_due().
struct Escalated {
  long long letter_id = 0, instance_id = 0;
  int level = 0, days_over = 0;
  std::string title;
};

class LetterStore {
 public:
  // `keys` seal the writer's name and contact details (none: stored as typed).
  LetterStore(db::Database& db, const LetterRules& rules, const core::WorkCalendar& calendar,
              const crypto::Keyring* keys)
      : db_(db), rules_(rules), calendar_(calendar), keys_(keys) {}

  // portal 6 (after ArticleStore::disclosure_migrations).
  static std::vector<db::Migration> migrations();

  // Every problem of what was typed, each naming its field (empty: none).
  // Signed-in writers give their name from the account; anonymous writers
  // may only write the kinds that allow it.
  std::vector<Error> problems(const LetterInput& in) const;

  // ---- in the process's transactions (portal/letter_process.cpp) ----
  // The rate limit (portal.letter.rate_limited), then the letter stored and
  // audited; its id. REQUIRES: problems(in) is empty.
  Result<long long> insert(soci::session& s, const LetterInput& in, const std::string& code_hash,
                           long long instance_id, const audit::AuditEvent& who);
  void assign(soci::session& s, long long id, long long organ_id, const std::string& actor);
  void unassign(soci::session& s, long long id, const std::string& actor);  // 退回分办
  void reject(soci::session& s, long long id, const std::string& reason, const std::string& actor);
  // The approved answer; published (list, page, search) when `publish`.
  void answer(soci::session& s, long long id, const std::string& text,
              const std::string& answered_by, const std::string& organ_name, bool publish,
              const std::string& actor);

  Result<std::optional<Letter>> get(long long id);
  std::optional<Letter> get(soci::session& s, long long id);
  // The letter of a query code (as the writer typed it), or nothing.
  Result<std::optional<Letter>> by_code(std::string_view code);
  Result<LetterPage> list(const LetterFilter& filter);
  // Published letters (with their answers) of a kind ("" any), newest answer first.
  Result<LetterPage> published(const std::string& kind, int offset, int limit);

  // The writer rates the answer (rating one of kRatings) within the window.
  // Errors: portal.letter.rating (field rating), portal.letter.not_answered,
  // portal.letter.rated, portal.letter.rating_closed.
  Result<Letter> rate(std::string_view code, const std::string& rating, const std::string& comment,
                      const audit::AuditEvent& who, std::chrono::sys_days today);

  // ---- what the follower does on every node, once a second ----
  // Escalates the unanswered letters past their limit by the rule; each
  // level of each letter once, however many nodes run this at the same time.
  Result<std::vector<Escalated>> escalate_due(std::chrono::sys_days today);
  // Closes answered letters whose rating window has passed (counted as
  // satisfied); how many.
  Result<int> close_unrated(std::chrono::sys_days today);
  // Forgets rate-limit entries older than a day.
  Result<void> prune_limits();

  // ---- the site's health ----
  // Unanswered letters past their due date (of these organs; nullopt: all).
  Result<std::vector<Letter>> overdue(std::chrono::sys_days today,
                                      const std::optional<std::vector<long long>>& organs);

  // The working days left to answer (negative: overdue), as of today or the answer.
  int days_left(const Letter& l, std::chrono::sys_days today) const;
  const LetterRules& rules() const { return rules_; }
  const core::WorkCalendar& calendar() const { return calendar_; }
  db::Database& database() { return db_; }

  // The digest a query code is stored as (the code normalised first:
  // spaces, hyphens and case do not matter).
  static std::string code_digest(std::string_view code);

 private:
  void write(soci::session& s, const Letter& l);
  void audit(soci::session& s, const audit::AuditEvent& base, const char* event, long long id,
             std::string detail = {});
  void publish(soci::session& s, const Letter& l);
  db::Database& db_;
  const LetterRules& rules_;
  const core::WorkCalendar& calendar_;
  const crypto::Keyring* keys_;
};

}  // namespace yiwang::portal
