// The annual report on government information disclosure (政府信息公开工作年度报告,
// STANDARDS.md §2): each organ publishes one per year by 31 January of the
// next. Its three tables are generated from the platform's data and edited
// before publication:
//
//   active    主动公开: 规章 and 行政规范性文件 (本年制发, 本年废止, 现行有效),
//             decisions on 行政许可, 行政处罚, 行政强制, and 行政事业性收费 (万元);
//   requests  依申请公开 by applicant type (自然人, 商业企业, 科研机构, 社会公益组织,
//             法律服务机构, 其他, and 总计): new, carried over from last year, the
//             results (予以公开, 部分公开, 不予公开 by its eight reasons, 无法提供 by
//             its three, 不予处理 by its five, 其他处理 by its three, 总计) and
//             what is carried forward;
//   appeals   行政复议 and 行政诉讼 (without and after 复议): 维持, 纠正, 其他,
//             尚未审结, 总计.
//
// The consistency check: for every applicant type (and the total),
// new + carried over = results + carried forward. A report that fails it
// cannot be published. Publishing makes it an article of the column
// 公开年报 (slug "annual-reports"), which goes through the site's review.
//
// Generated from the data: the requests from portal_disclosure_requests
// (received, answered and still open at the year's end, by reply type and
// reason); the 行政规范性文件 from the organ's articles in policy columns
// (first published, withdrawn in the year, on the site at its end); the
// 行政许可 decisions by a counter the application supplies (services' cases).
// What the platform does not hold (规章, 处罚, 强制, 收费, appeals) starts at 0.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "identity/organ_store.hpp"
#include "portal/article_store.hpp"
#include "portal/disclosure_store.hpp"
#include "render/catalogue.hpp"

namespace yiwang::portal {

inline constexpr std::string_view kAnnualReportColumn = "annual-reports";

// Row keys of the requests table, in the report's order (results_total and
// the 总计 column are computed, never stored).
const std::vector<std::string_view>& request_rows();
// The rows whose sum is 三、本年度办理结果 (七) 总计.
const std::vector<std::string_view>& result_rows();
// Columns of the requests table: the applicant types' names.
const std::vector<std::string_view>& request_columns();
// Table 1: {row, cells} — cells "made", "repealed", "in_force", "decisions" or "amount".
const std::vector<std::pair<std::string_view, std::vector<std::string_view>>>& active_rows();
// Table 3: rows review, suit_direct, suit_after_review × cells upheld, corrected, other, pending.
const std::vector<std::string_view>& appeal_rows();
const std::vector<std::string_view>& appeal_cells();
// The text sections: overview, problems, other.
const std::vector<std::string_view>& report_sections();

// The row of the requests table a reply counts in ("disclosed", "nd_third_party", …).
std::string result_row(ReplyType type, const std::string& reason);

// One column's failure of the check.
struct CheckFailure {
  std::string column;  // an applicant type or "total"
  long long in = 0;    // new + carried over
  long long out = 0;   // results + carried forward
};
std::vector<CheckFailure> check_report(const nlohmann::json& data);
// requests[row][column], 0 when absent.
long long request_count(const nlohmann::json& data, std::string_view row, std::string_view column);
// The computed total of a row over the applicant types; "results_total" sums result_rows().
long long request_total(const nlohmann::json& data, std::string_view row,
                        std::string_view column = "");

struct AnnualReport {
  long long id = 0;
  long long organ_id = 0;
  std::string organ_name;
  int year = 0;
  std::string state = "draft";  // draft | submitted (an article under review or published)
  nlohmann::json data = nlohmann::json::object();
  long long article_id = 0;
  std::string generated_at, updated_by, updated_at;
  long long version = 0;
};

class AnnualReports {
 public:
  // 行政许可 decisions an organ made in a year (decided cases).
  using DecisionCounter = std::function<Result<long long>(long long organ_id, int year)>;

  AnnualReports(db::Database& db, identity::OrganStore& organs, ArticleStore& articles,
                const ColumnStore& columns, DisclosureStore& requests);
  static std::vector<db::Migration> migrations();
  void set_decision_counter(DecisionCounter counter) { decisions_ = std::move(counter); }

  // The tables from the data, texts empty.
  Result<nlohmann::json> generate(long long organ_id, int year);

  // Creates the organ's report for the year from the data ("portal.report.exists"
  // when there is one: open it instead); audited.
  Result<AnnualReport> create(long long organ_id, int year, const Editor& by);
  // Saves edited tables and texts. Every cell must be a whole number from 0
  // (fees: 万元 with up to four decimals); errors name the cell
  // ("requests.new.person"). Only a draft is edited ("portal.report.submitted").
  Result<AnnualReport> save(long long id, const nlohmann::json& data, long long expected_version,
                            const Editor& by);
  // Recomputes the tables from the data, keeping the texts.
  Result<AnnualReport> regenerate(long long id, long long expected_version, const Editor& by);
  // Records the article the report became; the report is then no longer edited.
  Result<AnnualReport> submitted(long long id, long long article_id, long long expected_version,
                                 const Editor& by);

  Result<std::optional<AnnualReport>> get(long long id);
  // The reports of these organs (nullopt: all), newest year first.
  Result<std::vector<AnnualReport>> list(const std::optional<std::vector<long long>>& organs);

  // The problems of edited data, each naming its cell or section.
  static std::vector<Error> problems(const nlohmann::json& data);
  // The report as HTML for the article, in the catalogue's default language
  // (Chinese): the six parts of the national template, the texts as
  // paragraphs (escaped), the three tables.
  static std::string html(const AnnualReport& report, const render::Catalogue& catalogue);

 private:
  Result<nlohmann::json> requests_table(long long organ_id, int year);
  Result<nlohmann::json> active_table(long long organ_id, int year);

  db::Database& db_;
  identity::OrganStore& organs_;
  ArticleStore& articles_;
  const ColumnStore& columns_;
  DisclosureStore& requests_;
  DecisionCounter decisions_;
};

}  // namespace yiwang::portal
