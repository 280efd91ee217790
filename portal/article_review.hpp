// Review before publication (三审) on the workflow engine: submitting an
// article starts the process portal_article_review (data/processes/, deployed
// when the site has none; a site deploys its own version to change the
// steps). Its service tasks publish the article (portal.article.publish) or
// give it back to the editor with the reviewer's note (portal.article.return).
#pragma once

#include <filesystem>
#include <string_view>

#include "core/error.hpp"
#include "identity/organ_store.hpp"
#include "portal/article_store.hpp"
#include "workflow/engine.hpp"

namespace yiwang::portal {

inline constexpr std::string_view kReviewProcess = "portal_article_review";
// The roles whose holders in the article's organ review it.
inline constexpr std::string_view kFirstReviewRole = "网站初审";
inline constexpr std::string_view kSecondReviewRole = "网站复审";
inline constexpr std::string_view kFinalReviewRole = "网站终审";

void register_review_steps(workflow::Engine& engine, ArticleStore& articles);

class ArticleReview {
 public:
  ArticleReview(workflow::Engine& engine, ArticleStore& articles, identity::OrganStore& organs,
                std::filesystem::path share_dir)
      : engine_(engine), articles_(articles), organs_(organs), share_dir_(std::move(share_dir)) {}

  // Starts the review of the article's current version. Errors:
  // portal.article.not_found, portal.article.in_review, portal.article.nothing_to_review,
  // portal.article.withdrawn, portal.article.changed (another version was saved meanwhile).
  Result<workflow::Instance> submit(long long id, int expected_version, const Editor& by);

  // Deploys the default process unless the site has one.
  Result<void> install();

 private:
  workflow::Engine& engine_;
  ArticleStore& articles_;
  identity::OrganStore& organs_;
  std::filesystem::path share_dir_;
};

}  // namespace yiwang::portal
