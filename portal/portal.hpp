// The portal module put together (政务外网门户): columns, articles with their
// review, the site search it feeds, and the public pages (site_routes.hpp)
// and the editors' pages (editor_routes.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/work_calendar.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "identity/organ_store.hpp"
#include "portal/annual_report.hpp"
#include "portal/article_review.hpp"
#include "portal/article_store.hpp"
#include "portal/column_store.hpp"
#include "portal/consultation_store.hpp"
#include "portal/disclosure_desk.hpp"
#include "portal/disclosure_store.hpp"
#include "portal/letter_config.hpp"
#include "portal/letter_process.hpp"
#include "portal/letter_store.hpp"
#include "search/search_index.hpp"
#include "workflow/engine.hpp"

namespace yiwang::portal {

struct PortalParts {
  db::Database& db;
  identity::OrganStore& organs;
  workflow::Engine& engine;
  const core::WorkCalendar& calendar;
  std::filesystem::path share_dir;  // holds data/processes/
  std::string base_url;             // of the public site, for feeds and the sitemap
  ArticleStore::Clock clock = {};
  // 互动交流: the rules (data/portal/letters.json) and the texts of the
  // writer's notices.
  LetterRules letter_rules = {};
  const render::Catalogue* catalogue = nullptr;
  // Seals personal details the portal keeps (依申请公开 applicants).
  const crypto::Keyring* keys = nullptr;
};

class Portal {
 public:
  explicit Portal(const PortalParts& parts);

  // The module's migrations after the site settings (portal 1), and the search's.
  // The letters' (portal 6) come after the disclosure tracking of articles.
  static std::vector<db::Migration> migrations();
  static std::vector<db::Migration> letter_migrations();  // portal 6

  ColumnStore& columns() { return columns_; }
  ArticleStore& articles() { return articles_; }
  ArticleReview& review() { return review_; }
  LetterStore& letters() { return letters_; }
  LetterProcess& letter_process() { return letter_process_; }
  DisclosureStore& requests() { return requests_; }
  DisclosureDesk& desk() { return desk_; }
  AnnualReports& reports() { return reports_; }
  ConsultationStore& consultations() { return consultations_; }
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
  LetterRules letter_rules_;
  LetterStore letters_;
  LetterProcess letter_process_;
  DisclosureStore requests_;
  DisclosureDesk desk_;
  AnnualReports reports_;
  ConsultationStore consultations_;
  search::SearchIndex* search_ = nullptr;
};

}  // namespace yiwang::portal
