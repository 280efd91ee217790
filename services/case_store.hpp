// Cases (办件): what an application becomes when it is submitted, followed
// through the lifecycle of STANDARDS.md §4 —
//
//   申请 (submitted) → 受理 (review) / 不予受理 (not_accepted) / 补齐补正 (correction)
//   → 审查 (review) (→ 特别程序 (special), clock paused) → 决定 (decided)
//   → 办结 (completed) → 送达 (delivered) → 评价 (rated) → 归档 (archived)
//
// The state changes are made by the case's process (services/case_steps)
// inside the process's transaction, each with an event the applicant sees
// on the case page and, through `on_event`, a notice (message centre and
// e-mail). Waiting for corrections and special procedures pause the clock
// (services/case_clock.hpp).
//
// Drafts (saved applications) live here too: an applicant's form values for
// an item, kept until submitted or deleted.
//
// Permission checks belong to the routes; this store enforces the states.
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
#include "core/work_calendar.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "services/case_clock.hpp"

namespace yiwang::services {

enum class CaseState {
  submitted,     // 申请: waiting for acceptance
  correction,    // 补齐补正: waiting for the applicant
  not_accepted,  // 不予受理 (final)
  review,        // 审查
  special,       // 特别程序
  decided,       // 决定
  completed,     // 办结
  delivered,     // 送达
  rated,         // 评价
  archived,      // 归档
  withdrawn,     // the applicant withdrew it before acceptance (final)
};
std::string_view case_state_name(CaseState s);
std::optional<CaseState> parse_case_state(std::string_view s);
// Whether nothing more happens to the case but rating and archiving.
bool case_finished(CaseState s);

enum class Decision { none, approved, refused };
std::string_view decision_name(Decision d);

struct CaseRecord {
  long long id = 0;
  std::string number;  // 办件编号, e.g. "SQ20261128000012"
  long long item_id = 0;
  std::string item_code, item_name;
  int item_version = 0;
  long long organ_id = 0;  // the item's implementing organ
  std::string applicant;   // account name
  std::string applicant_name;
  std::string notify_email;    // where notices are mailed (the account's address when applying)
  std::string applicant_code;  // the applicant's credit code or citizen number, when known
  std::string subject;  // what the case is about, shown in lists ("示范科技有限公司")
  nlohmann::json values =
      nlohmann::json::object();  // the form as submitted (corrections update it)
  long long instance_id = 0;
  CaseState state = CaseState::submitted;
  Decision decision = Decision::none;
  std::string decision_note;
  int promised_days = 0, statutory_days = 0;
  std::string submitted_at, accepted_at, decided_at, completed_at, delivered_at, rated_at,
      archived_at;
  std::vector<ClockPause> pauses;
  std::vector<std::string> missing;  // what the open correction asks for
  long long version = 0;
};

struct CaseEvent {
  long long id = 0;
  long long case_id = 0;
  std::string at;
  CaseState state = CaseState::submitted;
  std::string key;  // catalogue key of what happened, e.g. "services.case.event.accepted"
  std::string detail;
  std::string actor;
};

// A document of the procedure (受理通知书 …) or the licence, stored as a file.
struct CaseDocument {
  long long id = 0;
  long long case_id = 0;
  std::string kind;  // acceptance_notice, rejection_decision, correction_notice,
                     // approval_decision, refusal_decision, licence
  std::string name;  // file name
  std::string ref;   // forms::AttachmentStore ref
  std::string created_at;
};

// Where a case's two clocks stand (services/case_clock.hpp): before
// acceptance the acceptance limit; after it the promised and statutory limits.
struct CaseClocks {
  bool accepted = false;
  bool stopped = false;  // decided or finished: the clock reads as of then
  ClockReading acceptance, promised, statutory;
};

struct Draft {
  long long id = 0;
  std::string applicant;
  std::string item_code;
  nlohmann::json values = nlohmann::json::object();
  std::string created_at, updated_at;
};

struct CaseFilter {
  std::string applicant;              // the applicant's own cases
  std::optional<long long> organ_id;  // an organ's cases
  std::optional<CaseState> state;
  std::string query;  // part of the number, subject or item name
};

struct CasePage {
  std::vector<CaseRecord> cases;  // newest first
  long long total = 0;
};

struct NewCase {
  long long item_id = 0;
  std::string item_code, item_name;
  int item_version = 0;
  long long organ_id = 0;
  std::string applicant, applicant_name, notify_email, applicant_code, subject;
  nlohmann::json values = nlohmann::json::object();
  int promised_days = 0, statutory_days = 0;
};

class CaseStore {
 public:
  using Clock = std::function<std::chrono::sys_seconds()>;
  // Told of every event, inside its transaction (notices, mail).
  using EventListener = std::function<void(soci::session&, const CaseRecord&, const CaseEvent&)>;

  CaseStore(db::Database& db, const core::WorkCalendar& calendar, Clock clock = {});
  static std::vector<db::Migration> migrations();

  void set_listener(EventListener listener) { listener_ = std::move(listener); }

  // ---- drafts ----
  // Saves (creates when id is 0) the applicant's draft of an item.
  Result<Draft> save_draft(long long id, const std::string& applicant, const std::string& item_code,
                           const nlohmann::json& values);
  Result<std::optional<Draft>> draft(long long id, const std::string& applicant);
  Result<std::vector<Draft>> drafts(const std::string& applicant);
  Result<void> delete_draft(long long id, const std::string& applicant);
  // Inside a transaction (submission): removes the draft.
  static void drop_draft(soci::session& s, long long id, const std::string& applicant);

  // ---- cases (in the caller's transaction; throw on database errors) ----
  // Creates a submitted case with its number and first event.
  CaseRecord create(soci::session& s, const NewCase& input, const audit::AuditEvent& who);
  void set_instance(soci::session& s, long long case_id, long long instance_id);
  CaseRecord load(soci::session& s, std::string_view number);

  // The lifecycle steps; each fails with "services.case.bad_state" (params
  // from, to) when the case is not in a state the step may follow.
  CaseRecord accept(soci::session& s, std::string_view number, const std::string& actor);
  CaseRecord not_accept(soci::session& s, std::string_view number, const std::string& reason,
                        const std::string& actor);
  CaseRecord request_correction(soci::session& s, std::string_view number,
                                const std::vector<std::string>& missing, const std::string& note,
                                const std::string& actor);
  // The applicant's corrected values end the pause.
  CaseRecord corrected(soci::session& s, std::string_view number, const nlohmann::json& values,
                       const std::string& actor);
  CaseRecord begin_special(soci::session& s, std::string_view number, const std::string& what,
                           const std::string& actor);
  CaseRecord end_special(soci::session& s, std::string_view number, const std::string& actor);
  CaseRecord decide(soci::session& s, std::string_view number, Decision decision,
                    const std::string& note, const std::string& actor);
  CaseRecord complete(soci::session& s, std::string_view number, const std::string& actor);
  CaseRecord deliver(soci::session& s, std::string_view number, const std::string& how,
                     const std::string& actor);
  CaseRecord rate(soci::session& s, std::string_view number, const std::string& detail,
                  const std::string& actor);
  CaseRecord archive(soci::session& s, std::string_view number, const std::string& actor);
  CaseRecord withdraw(soci::session& s, std::string_view number, const std::string& actor);

  // An event that changes no state (e.g. the market entity a case
  // registered), with its notice to the applicant.
  void record_event(soci::session& s, const CaseRecord& c, const std::string& key,
                    const std::string& detail, const std::string& actor);
  // A document of the case; recorded with an event of its own key.
  void add_document(soci::session& s, long long case_id, const std::string& kind,
                    const std::string& name, const std::string& ref);

  // ---- reading ----
  Result<std::optional<CaseRecord>> find(std::string_view number);
  Result<std::optional<CaseRecord>> find_by_instance(long long instance_id);
  Result<CasePage> list(const CaseFilter& filter, int offset, int limit);
  Result<std::vector<CaseEvent>> events(long long case_id);
  Result<std::vector<CaseDocument>> documents(long long case_id);
  Result<std::optional<CaseDocument>> document(long long case_id, long long document_id);

  // The case's clocks as of now.
  CaseClocks clocks(const CaseRecord& c) const;

  std::chrono::sys_seconds now() const;
  const core::WorkCalendar& calendar() const { return calendar_; }
  db::Database& database() { return db_; }

 private:
  CaseRecord move(soci::session& s, std::string_view number, std::initializer_list<CaseState> from,
                  CaseState to, const std::string& event_key, const std::string& detail,
                  const std::string& actor, const std::string& extra_set = "");

  db::Database& db_;
  const core::WorkCalendar& calendar_;
  Clock clock_;
  EventListener listener_;
};

}  // namespace yiwang::services
