#include "portal/portal.hpp"

#include "portal/site_changes.hpp"
#include "search/search_documents.hpp"

namespace yiwang::portal {

Portal::Portal(const PortalParts& p)
    : organs_(p.organs),
      base_url_(p.base_url),
      columns_(p.db),
      articles_(p.db, columns_, p.organs, p.clock),
      review_(p.engine, articles_, p.organs, p.share_dir) {
  register_review_steps(p.engine, articles_);
}

std::vector<db::Migration> Portal::migrations() {
  std::vector<db::Migration> all;
  for (auto list :
       {ColumnStore::migrations(), ArticleStore::migrations(), SiteChanges::migrations(),
        ArticleStore::disclosure_migrations(), search::SearchDocuments::migrations()})
    all.insert(all.end(), list.begin(), list.end());
  return all;
}

}  // namespace yiwang::portal
