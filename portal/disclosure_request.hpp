// Requests for government information (依申请公开, 政府信息公开条例 arts. 27–45,
// STANDARDS.md §2): what an applicant asks for, the state of the request on
// its way through the organ's process, and the reply.
//
//   submitted 登记审查 → (correction 补正 ⇄) → processing 办理
//   → (consultation 征求第三方意见 ⇄) → answered 已答复
//
// The reply is due 20 working days after the request was received (the day
// of receipt not counted); one extension of up to 20 working days may be
// approved; the days waiting for the applicant's clarification (补正) and
// for a third party's opinion do not count (services/case_clock.hpp).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/case_clock.hpp"

namespace yiwang::portal {

inline constexpr int kDisclosureLimitDays = 20;
inline constexpr int kDisclosureExtensionDays = 20;
// A third party has this many working days to give its opinion (art. 32).
inline constexpr int kThirdPartyDays = 15;

// Applicant types of the annual report's second table.
enum class ApplicantType { person, business, research, public_interest, legal_service, other };
std::string_view applicant_type_name(ApplicantType t);
std::optional<ApplicantType> parse_applicant_type(std::string_view s);
inline constexpr std::array<ApplicantType, 6> kApplicantTypes{
    ApplicantType::person,          ApplicantType::business,      ApplicantType::research,
    ApplicantType::public_interest, ApplicantType::legal_service, ApplicantType::other};

enum class RequestState { submitted, correction, processing, consultation, answered };
std::string_view request_state_name(RequestState s);
std::optional<RequestState> parse_request_state(std::string_view s);

// The seven kinds of reply (art. 36).
enum class ReplyType {
  none,
  already_public,  // 已主动公开: say where it can be found
  disclosed,       // 予以公开 (wholly or in part): provide it or say how, where, when
  not_disclosed,   // 不予公开: with one of the statutory reasons
  not_exist,  // 无法提供: the organ does not hold it / would have to make it / still unclear
  not_this_organ,  // 不属于本机关负责公开: name the right organ when known
  repeat,          // 重复申请: not processed again
  special_law,     // 工商、不动产登记资料等: obtained under their own laws
};
std::string_view reply_type_name(ReplyType t);
std::optional<ReplyType> parse_reply_type(std::string_view s);
inline constexpr std::array<ReplyType, 7> kReplyTypes{
    ReplyType::already_public, ReplyType::disclosed, ReplyType::not_disclosed, ReplyType::not_exist,
    ReplyType::not_this_organ, ReplyType::repeat,    ReplyType::special_law};

// The statutory reasons a reply type needs (empty: none): not_disclosed has
// eight (arts. 14–16), not_exist three; a disclosed reply says "all" or "part".
const std::vector<std::string_view>& reply_reasons(ReplyType t);

struct RequestPause {
  std::string reason;    // "correction" | "consultation"
  std::string from, to;  // China dates "YYYY-MM-DD"; `to` empty while open
  std::string note;      // what the applicant was asked / the third party
};

struct DisclosureRequest {
  long long id = 0;
  std::string number;  // e.g. "GK20261129000012"
  long long organ_id = 0;
  std::string organ_name;
  std::string applicant;  // account name
  ApplicantType applicant_type = ApplicantType::person;
  std::string applicant_name, id_number, phone, email, address;
  std::string info_name;    // 所需信息的名称 (optional)
  std::string doc_number;   // 文号 (optional)
  std::string description;  // 所需信息的内容描述
  std::string format;       // "paper" | "electronic"
  std::string delivery;     // "online" | "email" | "post" | "pickup"
  RequestState state = RequestState::submitted;
  std::string received_on;  // China date the clock starts from
  int limit_days = kDisclosureLimitDays;
  bool extended = false;
  std::string extension_reason;
  std::string correction_note;  // what the open (or last) 补正 asked
  std::string third_party;      // who was consulted
  ReplyType reply_type = ReplyType::none;
  std::string reply_reason;  // a reason code of reply_reasons(reply_type)
  std::string reply_text;
  std::string refer_organ;  // not_this_organ: who holds it
  std::string submitted_at, answered_at;
  long long instance_id = 0;
  std::vector<RequestPause> pauses;
  long long version = 0;
};

struct RequestEvent {
  std::string at;
  RequestState state = RequestState::submitted;
  std::string key;  // catalogue key, e.g. "portal.disclosure.event.submitted"
  std::string detail;
  std::string actor;
};

// A notice or the reply letter, sealed PDF.
struct RequestDocument {
  long long id = 0;
  long long request_id = 0;
  std::string kind;  // correction_notice | extension_notice | reply_letter
  std::string name, ref, created_at;
  std::string content;  // the PDF's bytes (DisclosureStore::document only)
};

// What the applicant types (the identity fields come from the account).
struct RequestInput {
  long long organ_id = 0;
  std::string applicant_type;
  std::string phone, email, address;
  std::string info_name, doc_number, description;
  std::string format, delivery;
};

// Who applies: a signed-in citizen or enterprise.
struct RequestApplicant {
  std::string account, name, id_number;
  bool enterprise = false;
};

// What a reply says (the handling officer's draft, signed by the head).
struct ReplyInput {
  ReplyType type = ReplyType::none;
  std::string reason, text, refer_organ;
};

}  // namespace yiwang::portal
