// Site health for the inspection checklist (STANDARDS §3, 政府网站发展指引):
// what the inspectors would find before they find it — columns not updated
// within their limit (news 2 weeks, notices and policies 6 months), empty
// columns, links inside articles to pages that do not exist, and 主动公开
// items published (or still unpublished) more than 20 working days after the
// information was created (政府信息公开条例 §26). Later parts add unanswered
// letters. Read on demand by the intranet page /portal/health.
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

struct SiteHealth {
  std::vector<StaleColumn> stale;
  std::vector<Column> empty;
  std::vector<BrokenLink> broken;
  std::vector<LateDisclosure> late;
};

// `organs`: only disclosure items of these organs (nullopt: every organ).
Result<SiteHealth> check_site(Portal& portal, const core::WorkCalendar& calendar,
                              std::chrono::sys_days today,
                              const std::optional<std::vector<long long>>& organs);

// The 主动公开 deadline: 20 working days after the information was created.
inline constexpr int kDisclosureWorkingDays = 20;

}  // namespace yiwang::portal
