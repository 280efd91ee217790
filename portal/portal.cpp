#include "portal/portal.hpp"

#include "portal/site_changes.hpp"
#include "search/search_documents.hpp"

namespace yiwang::portal {

Portal::Portal(const PortalParts& p)
    : organs_(p.organs),
      base_url_(p.base_url),
      columns_(p.db),
      articles_(p.db, columns_, p.organs, p.clock),
      review_(p.engine, articles_, p.organs, p.share_dir),
      letter_rules_(p.letter_rules),
      letters_(p.db, letter_rules_, p.calendar, p.keys),
      letter_process_(p.engine, letters_, p.organs, p.share_dir),
      requests_(p.db, p.organs, p.calendar, p.keys, p.clock),
      desk_(p.engine, requests_, p.organs, p.share_dir),
      reports_(p.db, p.organs, articles_, columns_, requests_),
      consultations_(p.db, p.organs, p.clock) {
  register_review_steps(p.engine, articles_);
  letter_process_.register_steps(p.catalogue);
  desk_.register_steps({});
}

// 互动交流's tables, in a function of their own so that parts written at the
// same time can be numbered around them.
std::vector<db::Migration> Portal::letter_migrations() { return LetterStore::migrations(); }

std::vector<db::Migration> Portal::migrations() {
  std::vector<db::Migration> all;
  for (auto list :
       {ColumnStore::migrations(), ArticleStore::migrations(), SiteChanges::migrations(),
        ArticleStore::disclosure_migrations(), letter_migrations(),
        search::SearchDocuments::migrations(), DisclosureStore::migrations(),
        AnnualReports::migrations(), ConsultationStore::migrations()})
    all.insert(all.end(), list.begin(), list.end());
  return all;
}

}  // namespace yiwang::portal
