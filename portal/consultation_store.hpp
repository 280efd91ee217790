// 征集调查: consultations on draft policies (意见征集) and simple surveys (问卷调查).
//
// A consultation shows its draft for a period (opens_on … closes_on, China
// dates, inclusive); signed-in citizens and enterprises comment, and a
// comment shows on the site only once a moderator approves it (or is
// rejected with a reason the writer sees). When the period is over the organ
// publishes a summary of adoption (采纳情况): how many comments came, how many
// were adopted, and what it did with them.
//
// A survey asks single- and multiple-choice questions for a period; each
// account answers once, and the results (counts and shares per option) show
// to those who answered and to everyone once the survey is closed.
//
// Drafts are edited on the workbench and published by the organ; a published
// one cannot change its questions or draft text (what people commented on
// stays what they saw). Every change is audited in its transaction.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>
#include <nlohmann/json.hpp>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "identity/organ_store.hpp"

namespace yiwang::portal {

enum class ConsultationKind { consultation, survey };
std::string_view consultation_kind_name(ConsultationKind k);
std::optional<ConsultationKind> parse_consultation_kind(std::string_view s);

struct SurveyQuestion {
  std::string text;
  bool multiple = false;
  std::vector<std::string> options;
};

struct Consultation {
  long long id = 0;
  ConsultationKind kind = ConsultationKind::consultation;
  long long organ_id = 0;
  std::string organ_name;
  std::string title, description;
  std::string body_html;                  // the draft (consultations), cleaned by the allow-list
  std::string opens_on, closes_on;        // China dates, inclusive
  std::vector<SurveyQuestion> questions;  // surveys
  bool published = false;
  std::string published_at;
  // The summary of adoption, once published.
  std::string summary;
  int adopted = 0;
  std::string summary_at;
  std::string created_by, updated_at;
  long long version = 0;
};

// Where a published one stands on a day.
enum class ConsultationPhase { draft, upcoming, open, closed, summarised };
ConsultationPhase phase_of(const Consultation& c, std::string_view today);
std::string_view consultation_phase_name(ConsultationPhase p);

struct ConsultationInput {
  std::string kind;
  long long organ_id = 0;
  std::string title, description, body_html, opens_on, closes_on;
  // Surveys: blocks separated by a blank line; a block's first line is the
  // question ("[多选]" before it for multiple choice), each further line an option.
  std::string questions;
};

enum class CommentState { pending, approved, rejected };
std::string_view comment_state_name(CommentState s);
std::optional<CommentState> parse_comment_state(std::string_view s);

struct ConsultationComment {
  long long id = 0;
  long long consultation_id = 0;
  CommentState state = CommentState::pending;
  std::string account, author;  // author: the name shown (the writer's choice or "网民")
  std::string content;
  std::string at, moderated_by, moderated_at, reason;
};

struct SurveyResults {
  long long responses = 0;
  // Per question, per option: how many chose it.
  std::vector<std::vector<long long>> counts;
};

struct ConsultationFilter {
  std::optional<ConsultationKind> kind;
  bool published_only = false;
  std::optional<std::vector<long long>> organs;  // none: every organ
  int offset = 0, limit = 20;
};

struct ConsultationPage {
  std::vector<Consultation> items;  // newest opening first
  long long total = 0;
};

class ConsultationStore {
 public:
  using Clock = std::function<std::chrono::sys_seconds()>;
  struct Actor {
    std::string account, name;
    audit::AuditEvent audit;
  };

  ConsultationStore(db::Database& db, identity::OrganStore& organs, Clock clock = {});
  static std::vector<db::Migration> migrations();

  // Every problem of the input, each naming its field (kind, organ, title,
  // description, body, opens_on, closes_on, questions).
  std::vector<Error> problems(const ConsultationInput& in) const;
  // The questions typed, parsed ("portal.consultation.questions" with
  // {line} when a block is not a question with two or more options).
  static Result<std::vector<SurveyQuestion>> parse_questions(std::string_view text);
  static std::string questions_text(const std::vector<SurveyQuestion>& questions);

  Result<Consultation> create(const ConsultationInput& in, const Actor& by);
  // Only a draft changes ("portal.consultation.published"); expected_version
  // guards against two editors ("portal.consultation.changed").
  Result<Consultation> update(long long id, const ConsultationInput& in, long long expected_version,
                              const Actor& by);
  Result<Consultation> publish(long long id, long long expected_version, const Actor& by);
  // After the period ("portal.consultation.not_closed" before): the summary
  // of adoption, published at once.
  Result<Consultation> summarise(long long id, const std::string& summary, int adopted,
                                 long long expected_version, const Actor& by);

  Result<std::optional<Consultation>> get(long long id);
  Result<ConsultationPage> list(const ConsultationFilter& filter);

  // ---- comments ----
  // While open, by a signed-in account; `author` may be empty (shown as 网民).
  // Each account may leave at most kMaxCommentsPerDay a day.
  Result<ConsultationComment> comment(long long id, const std::string& account,
                                      const std::string& author, const std::string& content,
                                      const audit::AuditEvent& who);
  Result<ConsultationComment> moderate(long long comment_id, bool approve,
                                       const std::string& reason, const Actor& by);
  // Approved (public) or all, oldest first; `account` adds that writer's own.
  Result<std::vector<ConsultationComment>> comments(long long id, bool approved_only,
                                                    const std::string& account = "");
  // How many comments came, and how many wait for moderation.
  Result<std::pair<long long, long long>> comment_counts(long long id);

  // ---- surveys ----
  // answers[i]: the chosen option indexes of question i (one for a single
  // choice, at least one for a multiple choice). One response per account
  // ("portal.survey.answered").
  Result<void> respond(long long id, const std::string& account,
                       const std::vector<std::vector<int>>& answers, const audit::AuditEvent& who);
  Result<bool> responded(long long id, const std::string& account);
  Result<SurveyResults> results(long long id);

  std::string today() const;

 private:
  db::Database& db_;
  identity::OrganStore& organs_;
  Clock clock_;
};

inline constexpr int kMaxCommentsPerDay = 5;

}  // namespace yiwang::portal
