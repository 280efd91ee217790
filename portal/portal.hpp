// The portal module put together (政务外网门户): columns, articles with their
// review, the site search it feeds, and the public pages (site_routes.hpp)
// and the editors' pages (editor_routes.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "db/database.hpp"
#include "db/migration.hpp"
#include "identity/organ_store.hpp"
#include "portal/article_review.hpp"
#include "portal/article_store.hpp"
#include "portal/column_store.hpp"
#include "search/search_index.hpp"
#include "workflow/engine.hpp"

namespace yiwang::portal {

struct PortalParts {
  db::Database& db;
  identity::OrganStore& organs;
  workflow::Engine& engine;
  std::filesystem::path share_dir;  // holds data/processes/
  std::string base_url;             // of the public site, for feeds and the sitemap
  ArticleStore::Clock clock = {};
};

class Portal {
 public:
  explicit Portal(const PortalParts& parts);

  // The module's migrations after the site settings (portal 1), and the search's.
  static std::vector<db::Migration> migrations();

  ColumnStore& columns() { return columns_; }
  ArticleStore& articles() { return articles_; }
  ArticleReview& review() { return review_; }
  identity::OrganStore& organs() { return organs_; }
  const std::string& base_url() const { return base_url_; }

  // The search index while serving (nullptr: search is unavailable).
  void set_search(search::SearchIndex* index) { search_ = index; }
  search::SearchIndex* search() const { return search_; }

 private:
  identity::OrganStore& organs_;
  std::string base_url_;
  ColumnStore columns_;
  ArticleStore articles_;
  ArticleReview review_;
  search::SearchIndex* search_ = nullptr;
};

}  // namespace yiwang::portal
