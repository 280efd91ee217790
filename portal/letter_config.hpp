// The rules of 互动交流 (领导信箱, 咨询, 投诉) as the site configures them in
// data/portal/letters.json (STANDARDS §9: every limit is configuration): the
// kinds of letter with their answer limits in working days and whether they
// may be anonymous, the limits of the process steps, the rating window (no
// rating within it counts as satisfied), the escalation (督办) rule, the
// rate limit that replaces a CAPTCHA, and the roles of the process.
//
// Loaded once at start-up; read-only afterwards, so safe from any thread.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/error.hpp"

namespace yiwang::portal {

struct LetterKind {
  std::string key;  // mayor | consult | complaint (any [a-z-]+ a site adds)
  std::string name, name_en, description;
  int answer_days = 15;    // working days from receipt to the answer
  bool anonymous = false;  // may be written without signing in
};

struct LetterRules {
  std::vector<LetterKind> kinds;
  int triage_days = 2;   // 分办
  int review_days = 2;   // 审核
  int rating_days = 20;  // the writer rates within; no rating counts as satisfied
  // 督办: first when an unanswered letter is more than after_days working days
  // past its limit, again every repeat_days working days (0: once).
  int escalate_after_days = 0;
  int escalate_repeat_days = 5;
  // 单项否决 risk of the inspection: letters of these kinds unanswered for
  // more than veto_months months.
  int veto_months = 3;
  std::vector<std::string> veto_kinds = {"consult"};
  int per_address_per_hour = 3;
  int per_account_per_day = 5;
  // The organ whose mailbox administrators do the 分办 (credit code); empty:
  // the top organ of the site.
  std::string mailbox_organ;
  std::string triage_role = "信箱管理员", handle_role = "信件办理", review_role = "信件审核",
              supervise_role = "信件督办";

  const LetterKind* kind(std::string_view key) const;
};

// Errors: portal.letters.config (field: the key at fault).
Result<LetterRules> parse_letter_rules(const nlohmann::json& json);
// Reads <share>/data/portal/letters.json; the defaults above when it is missing.
Result<LetterRules> load_letter_rules(const std::filesystem::path& share_dir);

}  // namespace yiwang::portal
