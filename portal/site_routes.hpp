// The public pages of the portal (外网 zone), server-rendered and kept in the
// page cache until a publication makes them stale (SiteChanges):
//   /columns/{slug}                 a column: its articles (paged) or its sub-columns
//   /columns/{slug}/rss.xml, atom.xml  the column's feeds
//   /articles/{id}                  an article (a withdrawn one says so, with the reason)
//   /articles/{id}/files/{n}        an attachment of a published article
//   /search                         the site search with facets
//   /sitemap.xml, /robots.txt       for search engines
//   /api/v1/search, /api/v1/columns, /api/v1/columns/{slug}/articles, /api/v1/articles/{id}
#pragma once

#include "http/router.hpp"
#include "portal/portal.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::portal {

void register_site_routes(http::Router& router, const render::PageRenderer& pages, Portal& portal);

// The latest articles of the columns shown on the home page, for its model:
// [{"name", "href", "items": [{"title", "href", "date"}]}].
nlohmann::json home_columns(Portal& portal, const http::Request& req);

}  // namespace yiwang::portal
