// 互动交流 on the workflow engine: writing a letter starts the process
// portal_letter (data/processes/portal_letter.bpmn, deployed when the site
// has none; a site deploys its own version to change the steps):
//
//   分办 (mailbox administrators, role:信箱管理员@<mailbox organ>): 受理 and
//   assign to an organ, or 不予受理 with the reason the writer sees
//   → 办理 (role:信件办理@<organ>): drafts the answer, or 退回分办
//   → 审核 (role:信件审核@<organ>): 同意答复, or 退回修改 back to 办理
//   → the answer is stored and, if the writer agreed, published (list, page,
//   search as kind "answer"); the writer is notified.
//
// The due dates of the tasks come from the configuration (letter_config.hpp)
// in working days. tick() — run by every node's SiteFollower once a second —
// escalates (督办) letters unanswered past their limit and closes those whose
// rating window has passed; both are safe to run on every node at once.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "identity/organ_store.hpp"
#include "portal/letter_store.hpp"
#include "render/catalogue.hpp"
#include "workflow/engine.hpp"

namespace yiwang::portal {

inline constexpr std::string_view kLetterProcess = "portal_letter";
// The outcomes of the process's user tasks.
inline constexpr std::string_view kTriageAccept = "受理";
inline constexpr std::string_view kTriageReject = "不予受理";
inline constexpr std::string_view kHandleSubmit = "提交审核";
inline constexpr std::string_view kHandleBack = "退回分办";
inline constexpr std::string_view kReviewApprove = "同意答复";
inline constexpr std::string_view kReviewBack = "退回修改";

class LetterProcess {
 public:
  LetterProcess(workflow::Engine& engine, LetterStore& letters, identity::OrganStore& organs,
                std::filesystem::path share_dir);

  // Registers the service tasks' handlers (at start-up, before deploying).
  void register_steps(const render::Catalogue* catalogue);
  // Deploys the default process unless the site has one.
  Result<void> install();

  struct Written {
    long long id = 0;
    std::string code;  // the query code, shown to the writer once
  };
  // Stores the letter and starts its process in one transaction. Errors:
  // the first of LetterStore::problems(), portal.letter.rate_limited(_account),
  // portal.letter.no_mailbox (no organ to do the 分办).
  Result<Written> write(const LetterInput& in, const audit::AuditEvent& who);

  // The variables the 分办 step passes on when it assigns the letter to an
  // organ (candidate groups of 办理 and 审核). Errors name the field.
  Result<nlohmann::json> assignment(long long organ_id);

  // Escalations and closing, as of today. Logs failures; never throws.
  void tick(std::chrono::sys_days today);

  LetterStore& letters() { return letters_; }
  // The organ of the 分办 (configured, else the site's top organ), or 0.
  long long mailbox_organ();
  // The organs a letter may be addressed and assigned to: the mailbox
  // organ and those below it, not retired.
  Result<std::vector<identity::Organ>> organs();

 private:
  workflow::Engine& engine_;
  LetterStore& letters_;
  identity::OrganStore& organs_;
  std::filesystem::path share_dir_;
  std::atomic<long long> rounds_{0};
};

// A new query code: 80 random bits as 16 characters of Crockford's base32,
// grouped by four ("7KQ2-M9XD-4RTB-H0WZ").
std::string new_query_code();

}  // namespace yiwang::portal
