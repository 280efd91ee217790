// Site health for the inspection checklist (STANDARDS §3, 政府网站发展指引):
// what the inspectors would find before they find it — columns not updated
// within their limit (news 2 weeks, notices and policies 6 months), empty
// columns, links inside articles to pages that do not exist, and 主动公开
// items published (or still unpublished) more than 20 working days after the
// information was created (政府信息公开条例 §26), and letters (互动交流)
// unanswered past their limit. Read on demand by the intranet page /portal/health.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/work_calendar.hpp"
#include "portal/portal.hpp"

namespace yiwang::portal {

struct StaleColumn {
  Column column;
  std::string last_published;  // UTC ISO 8601
  int days = 0;                // since then (calendar days)
};

struct BrokenLink {
  long long article_id = 0;
  std::string title;
  std::string href;
};

struct LateDisclosure {
  long long article_id = 0;
  std::string title;
  long long organ_id = 0;
  std::string formed_on, due;  // YYYY-MM-DD
  std::string published_at;    // empty: not yet published
  int days_late = 0;           // working days after the due date (to publication or today)
};

// A letter unanswered past its limit; `veto`: a kind the inspection vetoes
// (咨询) left unanswered longer than the configured months (3).
struct OverdueLetter {
  Letter letter;
  int days_over = 0;  // working days past the due date
  bool veto = false;
};

struct SiteHealth {
  std::vector<StaleColumn> stale;
  std::vector<Column> empty;
  std::vector<BrokenLink> broken;
  std::vector<LateDisclosure> late;
  std::vector<OverdueLetter> letters;
};

// `organs`: only disclosure items and letters of these organs (nullopt: every organ).
Result<SiteHealth> check_site(Portal& portal, const core::WorkCalendar& calendar,
                              std::chrono::sys_days today,
                              const std::optional<std::vector<long long>>& organs);

// The 主动公开 deadline: 20 working days after the information was created.
inline constexpr int kDisclosureWorkingDays = 20;

}  // namespace yiwang::portal
