// The requests for government information (portal/disclosure_request.hpp),
// their pauses, events (what the applicant sees happen) and documents (the
// sealed notices and the reply letter).
//
// The steps are made by the request's process (portal/disclosure_desk.hpp)
// inside the process's transaction; each checks the state it follows and
// throws workflow::Fault (so the completion that led to it fails and nothing
// changes), records an event, an audit record and a notice to the applicant.
//
// Thread-safe (every call takes its own session).
#pragma once

#include <chrono>
#include <functional>
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
#include "identity/organ_store.hpp"
#include "portal/disclosure_request.hpp"

namespace yiwang::portal {

struct RequestFilter {
  std::string applicant;                         // the applicant's own requests
  std::optional<std::vector<long long>> organs;  // none: every organ
  std::optional<RequestState> state;
  bool open_only = false;  // not answered yet
  std::string query;       // part of the number, the applicant's name or the description
  std::string sort;        // "" newest first, "oldest", "organ"
  int offset = 0, limit = 20;
};

struct RequestPage {
  std::vector<DisclosureRequest> items;
  long long total = 0;
};

// Counts for the annual report (公开年报), by applicant type.
struct RequestTally {
  long long id = 0;
  ApplicantType applicant_type = ApplicantType::person;
  RequestState state = RequestState::submitted;
  ReplyType reply_type = ReplyType::none;
  std::string reply_reason;
  std::string received_on, answered_on;  // China dates
};

class DisclosureStore {
 public:
  using Clock = std::function<std::chrono::sys_seconds()>;
  // Told of every event, inside its transaction (the applicant's notices).
  using Listener =
      std::function<void(soci::session&, const DisclosureRequest&, const RequestEvent&)>;

  // `keys` seal the applicant's identity number and contact details (none:
  // stored as typed, for tools that run without the keyring).
  DisclosureStore(db::Database& db, identity::OrganStore& organs,
                  const core::WorkCalendar& calendar, const crypto::Keyring* keys,
                  Clock clock = {});
  static std::vector<db::Migration> migrations();
  void set_listener(Listener listener) { listener_ = std::move(listener); }

  // Every problem of what an applicant typed, each naming its field:
  // organ, applicant_type, phone, email, address, info_name, doc_number,
  // description, format, delivery.
  std::vector<Error> problems(const RequestInput& in, const RequestApplicant& who) const;

  // ---- in the process's transaction (throw workflow::Fault) ----
  DisclosureRequest create(soci::session& s, const RequestInput& in, const RequestApplicant& who,
                           long long instance_id, const audit::AuditEvent& audit);
  DisclosureRequest load(soci::session& s, long long id);
  // 登记审查 → 办理.
  DisclosureRequest accept(soci::session& s, long long id, const std::string& actor);
  // 补正: one notice saying exactly what to clarify; the clock pauses.
  DisclosureRequest request_correction(soci::session& s, long long id, const std::string& note,
                                       const std::string& actor);
  // The applicant's clarified description ends the pause.
  DisclosureRequest corrected(soci::session& s, long long id, const std::string& description,
                              const std::string& applicant);
  // 征求第三方意见: the clock pauses until the opinion is recorded.
  DisclosureRequest consult_begin(soci::session& s, long long id, const std::string& party,
                                  const std::string& actor);
  DisclosureRequest consult_end(soci::session& s, long long id, const std::string& opinion,
                                const std::string& actor);
  // The one extension (延期答复), approved; fails when already extended or
  // when the time limit has already run out.
  DisclosureRequest extend(soci::session& s, long long id, const std::string& reason,
                           const std::string& actor);
  // 答复.
  DisclosureRequest reply(soci::session& s, long long id, const ReplyInput& reply,
                          const std::string& actor);
  void add_document(soci::session& s, long long id, const std::string& kind,
                    const std::string& name, const std::string& ref);
  // Checks a reply before it is drafted or issued (field reply_type,
  // reply_reason, reply_text or refer_organ).
  static std::optional<Error> reply_problem(const ReplyInput& reply);

  // ---- reading ----
  Result<std::optional<DisclosureRequest>> get(long long id);
  Result<std::optional<DisclosureRequest>> find(std::string_view number);
  Result<RequestPage> list(const RequestFilter& filter);
  Result<std::vector<RequestEvent>> events(long long id);
  Result<std::vector<RequestDocument>> documents(long long id);
  // One document of the request, with its content.
  Result<std::optional<RequestDocument>> document(long long id, long long document_id);
  // The requests of an organ received up to the end of `year`, for its annual report.
  Result<std::vector<RequestTally>> tallies(long long organ_id, int year);

  // The request's clock as of today (stopped when answered).
  services::ClockReading clock(const DisclosureRequest& r) const;
  const core::WorkCalendar& calendar() const { return calendar_; }
  std::chrono::sys_seconds now() const;

 private:
  DisclosureRequest move(soci::session& s, long long id, std::initializer_list<RequestState> from,
                         RequestState to, const std::string& event, const std::string& detail,
                         const std::string& actor);
  void record(soci::session& s, const DisclosureRequest& r, const std::string& key,
              const std::string& detail, const std::string& actor);
  std::string today() const;

  db::Database& db_;
  identity::OrganStore& organs_;
  const core::WorkCalendar& calendar_;
  const crypto::Keyring* keys_;
  Clock clock_;
  Listener listener_;
};

}  // namespace yiwang::portal
