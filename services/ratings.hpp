// 好差评 (国办发〔2019〕51号, STANDARDS.md §4): after 办结 the applicant rates
// the service ★1–5 on the five online criteria — 整体满意度 (overall), 办事效率
// (efficiency), 指南精确度 (accuracy), 便捷度 (convenience), 平台操作性
// (usability) — with an optional comment. Rating moves the case to 评价 and
// 归档 in the same transaction. An overall rating of ★1–2 is a 差评: it opens
// a rectification task (the platform's process services_rectification, due in
// 15 working days) for the role 差评整改 of the organ that handled the case.
// The process is deployed by the platform when the first 差评 needs it.
//
// Thread-safe.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "http/form_data.hpp"
#include "identity/organ_store.hpp"
#include "services/applications.hpp"
#include "services/case_store.hpp"
#include "workflow/engine.hpp"

namespace yiwang::services {

inline constexpr std::array<std::string_view, 5> kRatingCriteria{
    "overall", "efficiency", "accuracy", "convenience", "usability"};
inline constexpr std::string_view kRectificationProcess = "services_rectification";
inline constexpr std::string_view kRectificationRole = "差评整改";
inline constexpr int kBadRating = 2;  // overall ★1–2
inline constexpr std::size_t kMaxRatingComment = 500;

struct Rating {
  long long id = 0;
  long long case_id = 0;
  std::string case_number;
  long long organ_id = 0;
  std::array<int, 5> scores{};  // in the order of kRatingCriteria
  std::string comment;
  std::string rater, rated_at;
  long long rectification_instance = 0;  // 0: none (a good rating, or it could not start)
  int overall() const { return scores[0]; }
};

class Ratings {
 public:
  Ratings(db::Database& db, CaseStore& cases, workflow::Engine& engine,
          identity::OrganStore& organs, std::filesystem::path share_dir)
      : db_(db),
        cases_(cases),
        engine_(engine),
        organs_(organs),
        share_dir_(std::move(share_dir)) {}
  static std::vector<db::Migration> migrations();

  // Deploys the rectification process from data/processes/ (an unchanged
  // file is not deployed again); rate() does it before the first 差评 needs it.
  Result<void> install();

  // The applicant rates their completed case from the posted fields
  // (overall … usability: 1–5; comment). Errors name the field
  // ("services.rating.score"); a case that is not theirs is not found; a
  // case not yet completed, or rated already, is "services.rating.not_open".
  Result<Rating> rate(std::string_view number, const http::FormData& posted,
                      const Applicant& applicant);

  Result<std::optional<Rating>> of_case(long long case_id);

 private:
  db::Database& db_;
  CaseStore& cases_;
  workflow::Engine& engine_;
  identity::OrganStore& organs_;
  std::filesystem::path share_dir_;
};

}  // namespace yiwang::services
