#include "portal/site_routes.hpp"

#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/civil_date.hpp"
#include "core/text_rules.hpp"
#include "http/download.hpp"
#include "identity/services.hpp"
#include "render/pager.hpp"
#include "render/rich_text.hpp"

namespace yiwang::portal {

namespace {

constexpr int kPageSize = 20;
constexpr int kFeedSize = 20;
constexpr int kCacheSeconds = 3600;  // pages are dropped on change; this bounds the rest
constexpr std::size_t kMaxQueryBytes = 200;

// A UTC ISO time stamp as the China date, YYYY-MM-DD.
std::string china_date(const std::string& utc) { return identity::local_time(utc).substr(0, 10); }

std::string column_name(const Column& c, const http::Request& req) {
  return req.lang == "en" && !c.name_en.empty() ? c.name_en : c.name;
}

std::string organ_name(Portal& p, long long id) {
  auto organ = p.organs().get(id);
  return organ && *organ ? (*organ)->name : std::string();
}

nlohmann::json entry_json(const PublishedEntry& e) {
  return {{"id", e.id},
          {"title", e.title},
          {"href", "/articles/" + std::to_string(e.id)},
          {"date", china_date(e.published_at)},
          {"summary", e.summary},
          {"doc_number", e.doc_number.empty() ? nlohmann::json() : nlohmann::json(e.doc_number)}};
}

nlohmann::json trail_json(Portal& p, const http::Request& req, long long column_id) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : p.columns().trail(column_id))
    out.push_back({{"name", column_name(c, req)}, {"href", "/columns/" + c.slug}});
  return out;
}

http::Response failed(const render::PageRenderer& pages, const http::Request& req, const Error& e) {
  (void)pages.user_message(req, e);
  return pages.error(req, 500, "http.internal_error");
}

http::Response cached(http::Response res) {
  res.cache_seconds = kCacheSeconds;
  return res;
}

std::optional<std::size_t> index_param(const http::Request& req, std::string_view name) {
  std::string v = req.param(name);
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return n;
}

// ---- columns ----

http::Response column_page(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  auto column = p.columns().by_slug(req.param("slug"));
  if (!column) return pages.error(req, 404, "portal.column.not_found");
  if (column->kind == ColumnKind::link) return http::Response::redirect(column->link, 302);
  nlohmann::json model = {
      {"column",
       {{"name", column_name(*column, req)},
        {"slug", column->slug},
        {"description",
         column->description.empty() ? nlohmann::json() : nlohmann::json(column->description)}}},
      {"trail", trail_json(p, req, column->id)},
      {"title", column_name(*column, req)},
      {"children", nullptr},
      {"items", nullptr},
      {"has_items", false},
      {"pager", nullptr},
      {"single", nullptr},
      {"empty", false},
      {"feeds", holds_articles(column->kind)}};
  if (!column->description.empty()) model["description"] = column->description;
  auto kids = p.columns().children(column->id);
  if (!kids.empty()) {
    nlohmann::json children = nlohmann::json::array();
    for (const auto& k : kids) {
      nlohmann::json child = {{"name", column_name(k, req)},
                              {"href", k.kind == ColumnKind::link ? k.link : "/columns/" + k.slug},
                              {"anchor", k.slug},
                              {"items", nullptr},
                              {"has_items", false}};
      if (holds_articles(k.kind) || k.kind == ColumnKind::group) {
        auto latest = p.articles().published_in(p.columns().subtree(k.id), 0, 5);
        if (!latest) return failed(pages, req, latest.error());
        nlohmann::json items = nlohmann::json::array();
        for (const auto& e : latest->items) items.push_back(entry_json(e));
        child["has_items"] = !items.empty();
        child["items"] = items;
      }
      children.push_back(child);
    }
    model["children"] = children;
  }
  if (column->kind == ColumnKind::page) {
    auto latest = p.articles().published_in({column->id}, 0, 1);
    if (!latest) return failed(pages, req, latest.error());
    if (!latest->items.empty()) {
      auto a = p.articles().published(latest->items.front().id);
      if (!a) return failed(pages, req, a.error());
      if (*a)
        model["single"] = {{"body", (*a)->body_html}, {"date", china_date((*a)->published_at)}};
    }
    model["empty"] = model["single"].is_null();
  } else if (holds_articles(column->kind)) {
    auto page = render::page_request(req, kPageSize);
    auto list =
        p.articles().published_in(p.columns().subtree(column->id), page.offset(), page.per_page);
    if (!list) return failed(pages, req, list.error());
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : list->items) items.push_back(entry_json(e));
    model["has_items"] = !items.empty();
    model["items"] = items;
    model["empty"] = items.empty();
    if (list->total > page.per_page) model["pager"] = render::pager(req, page, list->total);
  }
  return cached(pages.page(req, "portal/column", "portal.column.title", model));
}

// ---- articles ----

http::Response article_page(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  auto id = identity::id_param(req);
  if (!id) return pages.error(req, 404, "portal.article.not_found");
  auto a = p.articles().published(*id);
  if (!a) return failed(pages, req, a.error());
  if (!*a) {
    // Withdrawn: the page stays and says so (410 Gone tells search engines).
    auto working = p.articles().get(*id);
    if (!working) return failed(pages, req, working.error());
    if (!*working || (*working)->withdrawn_at.empty())
      return pages.error(req, 404, "portal.article.not_found");
    const Article& w = **working;
    nlohmann::json model = {{"title", w.title},
                            {"reason", w.withdrawn_reason},
                            {"date", china_date(w.withdrawn_at)},
                            {"trail", trail_json(p, req, w.column_id)}};
    return cached(
        pages.page(req, "portal/withdrawn", "portal.article.withdrawn_title", model, 410));
  }
  const Article& art = **a;
  auto column = p.columns().find(art.column_id);
  nlohmann::json files = nlohmann::json::array();
  for (std::size_t i = 0; i < art.files.size(); ++i)
    if (static_cast<long long>(i) != art.cover)
      files.push_back({{"name", art.files[i].name},
                       {"href", fmt::format("/articles/{}/files/{}", art.id, i)},
                       {"size_kib", (art.files[i].size + 1023) / 1024}});
  auto null_if_empty = [](const std::string& s) {
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
  };
  std::string text = render::html_to_text(art.body_html);
  nlohmann::json model = {
      {"title", art.title},
      {"description", core::cut_utf8(text, 300)},
      {"trail", trail_json(p, req, art.column_id)},
      {"article",
       {{"title", art.title},
        {"subtitle", null_if_empty(art.subtitle)},
        {"source", null_if_empty(art.source)},
        {"author", null_if_empty(art.author)},
        {"organ", null_if_empty(organ_name(p, art.organ_id))},
        {"doc_number", null_if_empty(art.doc_number)},
        {"written_on", null_if_empty(art.written_on)},
        {"index_number", null_if_empty(art.index_number)},
        {"keywords", null_if_empty(art.keywords)},
        {"disclosure",
         art.disclosure == Disclosure::none
             ? nlohmann::json()
             : nlohmann::json(pages.text(
                   req, "portal.disclosure." + std::string(disclosure_name(art.disclosure))))},
        {"date", china_date(art.published_at)},
        {"date_iso", art.published_at},
        {"body", art.body_html},
        {"cover", art.cover >= 0
                      ? nlohmann::json(fmt::format("/articles/{}/files/{}", art.id, art.cover))
                      : nlohmann::json()},
        {"files", files},
        {"has_files", !files.empty()},
        {"has_interpretations", false},
        {"policy", nullptr},
        {"interpretations", nullptr}}}};
  if (art.policy_id > 0) {
    auto policy = p.articles().published(art.policy_id);
    if (!policy) return failed(pages, req, policy.error());
    if (*policy)
      model["article"]["policy"] = {{"title", (*policy)->title},
                                    {"href", "/articles/" + std::to_string(art.policy_id)}};
  }
  if (column && column->kind == ColumnKind::policy) {
    auto readings = p.articles().interpretations_of(art.id);
    if (!readings) return failed(pages, req, readings.error());
    nlohmann::json list = nlohmann::json::array();
    for (const auto& e : *readings) list.push_back(entry_json(e));
    model["article"]["interpretations"] = list;
    model["article"]["has_interpretations"] = !list.empty();
  }
  return cached(pages.page(req, "portal/article", "portal.article.title", model));
}

http::Response article_file(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  auto id = identity::id_param(req);
  auto n = index_param(req, "n");
  if (!id || !n) return pages.error(req, 404, "portal.article.file_not_found");
  auto file = p.articles().published_file(*id, *n);
  if (!file) return failed(pages, req, file.error());
  if (!*file) return pages.error(req, 404, "portal.article.file_not_found");
  const auto& [info, bytes] = **file;
  bool inline_view = info.mime == "application/pdf" || info.mime.starts_with("image/");
  return http::download(bytes, info.mime, info.name, inline_view);
}

// ---- feeds and the sitemap ----

// RFC 822 date of RSS: "Sat, 28 Nov 2026 12:00:00 +0000".
std::string rfc822(const std::string& utc) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = core::parse_iso_date(utc.substr(0, 10));
  if (!day || utc.size() < 19) return {};
  std::chrono::year_month_day ymd(*day);
  return fmt::format("{}, {:02} {} {} {} +0000", kDays[core::iso_weekday(*day) - 1],
                     static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     utc.substr(11, 8));
}

std::string absolute(Portal& p, const std::string& path) { return p.base_url() + path; }

http::Response feed(const render::PageRenderer& pages, Portal& p, http::Request& req, bool atom) {
  auto column = p.columns().by_slug(req.param("slug"));
  if (!column || !holds_articles(column->kind))
    return pages.error(req, 404, "portal.column.not_found");
  auto list = p.articles().published_in(p.columns().subtree(column->id), 0, kFeedSize);
  if (!list) return failed(pages, req, list.error());
  auto esc = core::xml_escape;
  std::string self = absolute(p, "/columns/" + column->slug + (atom ? "/atom.xml" : "/rss.xml"));
  std::string home = absolute(p, "/columns/" + column->slug);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  if (atom) {
    std::string updated =
        list->items.empty() ? std::string("1970-01-01T00:00:00Z") : list->items.front().updated_at;
    out += "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n";
    out += "<title>" + esc(column->name) + "</title>\n<id>" + esc(self) + "</id>\n";
    out += "<link rel=\"self\" href=\"" + esc(self) + "\"/>\n<link href=\"" + esc(home) +
           "\"/>\n<updated>" + esc(updated) + "</updated>\n";
    for (const auto& e : list->items) {
      std::string url = absolute(p, "/articles/" + std::to_string(e.id));
      out += "<entry><title>" + esc(e.title) + "</title><id>" + esc(url) + "</id><link href=\"" +
             esc(url) + "\"/><published>" + esc(e.published_at) + "</published><updated>" +
             esc(e.updated_at) + "</updated><author><name>" + esc(organ_name(p, e.organ_id)) +
             "</name></author><summary>" + esc(e.summary) + "</summary></entry>\n";
    }
    out += "</feed>\n";
  } else {
    out += "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>\n";
    out += "<title>" + esc(column->name) + "</title>\n<link>" + esc(home) +
           "</link>\n<description>" +
           esc(column->description.empty() ? column->name : column->description) +
           "</description>\n<language>zh-CN</language>\n<atom:link href=\"" + esc(self) +
           "\" rel=\"self\" type=\"application/rss+xml\"/>\n";
    for (const auto& e : list->items) {
      std::string url = absolute(p, "/articles/" + std::to_string(e.id));
      std::string t = rfc822(e.published_at);
      out += "<item><title>" + esc(e.title) + "</title><link>" + esc(url) +
             "</link><guid isPermaLink=\"true\">" + esc(url) + "</guid><pubDate>" + esc(t) +
             "</pubDate><description>" + esc(e.summary) + "</description></item>\n";
    }
    out += "</channel></rss>\n";
  }
  http::Response res;
  res.body = std::move(out);
  res.set("Content-Type",
          atom ? "application/atom+xml; charset=utf-8" : "application/rss+xml; charset=utf-8");
  return cached(std::move(res));
}

http::Response xml_response(std::string body) {
  http::Response res;
  res.body = std::move(body);
  res.set("Content-Type", "application/xml; charset=utf-8");
  return cached(std::move(res));
}

http::Response sitemap(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  auto all = p.articles().all_published();
  if (!all) return failed(pages, req, all.error());
  auto esc = core::xml_escape;
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset "
      "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
  out += "<url><loc>" + esc(absolute(p, "/")) + "</loc></url>\n";
  for (const auto& c : p.columns().all())
    if (c.kind != ColumnKind::link)
      out += "<url><loc>" + esc(absolute(p, "/columns/" + c.slug)) + "</loc></url>\n";
  for (const auto& e : *all)
    out += "<url><loc>" + esc(absolute(p, "/articles/" + std::to_string(e.id))) +
           "</loc><lastmod>" + esc(e.updated_at.substr(0, 10)) + "</lastmod></url>\n";
  out += "</urlset>\n";
  return xml_response(std::move(out));
}

http::Response robots(Portal& p) {
  http::Response res = http::Response::text(
      "User-agent: *\nDisallow: /account\nDisallow: /signin\nDisallow: /services/cases\n"
      "Disallow: /licences\nDisallow: /messages\nDisallow: /api/\nSitemap: " +
      absolute(p, "/sitemap.xml") + "\n");
  return cached(std::move(res));
}

// ---- search ----

search::SearchQuery read_query(const http::Request& req) {
  search::SearchQuery q;
  q.text = core::trim_text(core::cut_utf8(req.query.value("q"), kMaxQueryBytes));
  for (auto [field, name] : {std::pair{&q.column, "column"}, std::pair{&q.year, "year"},
                             std::pair{&q.kind, "type"}, std::pair{&q.organ, "organ"}})
    *field = core::trim_text(core::cut_utf8(req.query.value(name), 100));
  q.page = static_cast<std::size_t>(render::page_request(req, 10).page);
  q.page_size = 10;
  return q;
}

nlohmann::json hit_json(const search::SearchHit& h) {
  auto optional = [](const std::string& s) {
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
  };
  return {{"id", h.id},
          {"type", h.kind},
          {"title", h.title},
          {"title_html", h.title_html},
          {"snippet_html", h.snippet_html},
          {"url", h.url},
          {"column", optional(h.column)},
          {"organ", optional(h.organ)},
          {"doc_number", optional(h.doc_number)},
          {"published_at", h.published_at},
          {"date", china_date(h.published_at)},
          {"percent", h.percent}};
}

http::Response search_page(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  search::SearchQuery q = read_query(req);
  nlohmann::json model = {{"q", q.text},
                          {"searched", !q.text.empty()},
                          {"unavailable", p.search() == nullptr},
                          {"hits", nullptr},
                          {"has_hits", false},
                          {"facets", nullptr},
                          {"has_facets", false},
                          {"pager", nullptr},
                          {"total", 0},
                          {"nav_search", true}};
  if (!q.text.empty() && p.search()) {
    auto found = p.search()->search(q);
    if (!found) return failed(pages, req, found.error());
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& h : found->hits) hits.push_back(hit_json(h));
    model["has_hits"] = !hits.empty();
    model["hits"] = hits;
    model["total"] = found->total;
    nlohmann::json facets = nlohmann::json::array();
    for (const auto& [facet, param] : {std::pair{"type", "type"}, std::pair{"column", "column"},
                                       std::pair{"year", "year"}, std::pair{"organ", "organ"}}) {
      auto it = found->facets.find(facet);
      if (it == found->facets.end() || it->second.empty()) continue;
      std::string chosen = req.query.value(param);
      nlohmann::json values = nlohmann::json::array();
      for (const auto& v : it->second) {
        std::string label = std::string(facet) == "type"
                                ? pages.text(req, "portal.search.type." + v.value)
                                : v.value;
        values.push_back(
            {{"label", label},
             {"count", v.count},
             {"chosen", v.value == chosen},
             {"href", render::with_query(
                          req, {{param, v.value == chosen ? std::string_view() : v.value}})}});
      }
      facets.push_back({{"name", pages.text(req, "portal.search.facet." + std::string(facet))},
                        {"values", values}});
    }
    model["has_facets"] = !facets.empty();
    model["facets"] = facets;
    render::PageRequest page{static_cast<int>(found->page), static_cast<int>(found->page_size)};
    if (found->total > found->page_size)
      model["pager"] = render::pager(req, page, static_cast<long long>(found->total));
  }
  http::Response res = pages.page(req, "portal/search", "portal.search.title", model);
  res.cache_seconds = 60;
  return res;
}

http::Response search_api(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  search::SearchQuery q = read_query(req);
  if (auto size = req.query.value("page_size"); !size.empty()) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), n);
    if (ec != std::errc() || end != size.data() + size.size() || n < 1 || n > 50)
      return pages.json_error(req, 400, Error("portal.search.page_size", "page_size"));
    q.page_size = n;
  }
  nlohmann::json body = {{"query", q.text},
                         {"total", 0},
                         {"page", q.page},
                         {"page_size", q.page_size},
                         {"hits", nlohmann::json::array()},
                         {"facets", nlohmann::json::object()}};
  if (!p.search()) return pages.json_error(req, 503, Error("portal.search.unavailable"));
  if (!q.text.empty()) {
    auto found = p.search()->search(q);
    if (!found) return failed(pages, req, found.error());
    body["total"] = found->total;
    for (const auto& h : found->hits) body["hits"].push_back(hit_json(h));
    for (const auto& [facet, values] : found->facets) {
      nlohmann::json list = nlohmann::json::array();
      for (const auto& v : values) list.push_back({{"value", v.value}, {"count", v.count}});
      body["facets"][facet] = list;
    }
  }
  return http::Response::json(body.dump());
}

// ---- JSON ----

http::Response columns_api(Portal& p, http::Request& req) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : p.columns().all())
    out.push_back({{"slug", c.slug},
                   {"name", column_name(c, req)},
                   {"kind", column_kind_name(c.kind)},
                   {"parent", c.parent_id ? nlohmann::json(p.columns().find(c.parent_id)->slug)
                                          : nlohmann::json()},
                   {"url", c.kind == ColumnKind::link ? c.link : "/columns/" + c.slug}});
  return cached(http::Response::json(nlohmann::json{{"columns", out}}.dump()));
}

http::Response column_articles_api(const render::PageRenderer& pages, Portal& p,
                                   http::Request& req) {
  auto column = p.columns().by_slug(req.param("slug"));
  if (!column) return pages.json_error(req, 404, Error("portal.column.not_found"));
  auto page = render::page_request(req, kPageSize);
  auto list =
      p.articles().published_in(p.columns().subtree(column->id), page.offset(), page.per_page);
  if (!list) return failed(pages, req, list.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : list->items) {
    nlohmann::json j = entry_json(e);
    j["published_at"] = e.published_at;
    j["index_number"] = e.index_number;
    items.push_back(j);
  }
  return cached(http::Response::json(
      nlohmann::json{{"total", list->total}, {"page", page.page}, {"articles", items}}.dump()));
}

http::Response article_api(const render::PageRenderer& pages, Portal& p, http::Request& req) {
  auto id = identity::id_param(req);
  if (!id) return pages.json_error(req, 404, Error("portal.article.not_found"));
  auto a = p.articles().published(*id);
  if (!a) return failed(pages, req, a.error());
  if (!*a) return pages.json_error(req, 404, Error("portal.article.not_found"));
  const Article& art = **a;
  auto column = p.columns().find(art.column_id);
  nlohmann::json files = nlohmann::json::array();
  for (std::size_t i = 0; i < art.files.size(); ++i)
    files.push_back({{"name", art.files[i].name},
                     {"size", art.files[i].size},
                     {"url", fmt::format("/articles/{}/files/{}", art.id, i)}});
  nlohmann::json out = {
      {"id", art.id},
      {"title", art.title},
      {"subtitle", art.subtitle},
      {"column", column ? column->slug : std::string()},
      {"organ", organ_name(p, art.organ_id)},
      {"source", art.source},
      {"author", art.author},
      {"doc_number", art.doc_number},
      {"written_on", art.written_on},
      {"published_at", art.published_at},
      {"index_number", art.index_number},
      {"disclosure", disclosure_name(art.disclosure)},
      {"keywords", art.keywords},
      {"policy_id", art.policy_id ? nlohmann::json(art.policy_id) : nlohmann::json()},
      {"body_html", art.body_html},
      {"files", files}};
  return cached(http::Response::json(out.dump()));
}

}  // namespace

nlohmann::json home_columns(Portal& p, const http::Request& req) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : p.columns().all()) {
    if (!c.on_home) continue;
    auto latest = p.articles().published_in(p.columns().subtree(c.id), 0, 6);
    if (!latest) continue;
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : latest->items) items.push_back(entry_json(e));
    out.push_back({{"name", column_name(c, req)},
                   {"href", "/columns/" + c.slug},
                   {"id", "home-" + c.slug},
                   {"has_items", !items.empty()},
                   {"items", items}});
  }
  return out;
}

void register_site_routes(http::Router& router, const render::PageRenderer& pages, Portal& portal) {
  auto add = [&](std::string pattern, auto fn, bool cacheable, std::string summary = {}) {
    router.add(
        {.method = "GET",
         .pattern = std::move(pattern),
         .zone = http::Zone::internet,
         .permission = std::string(http::kPublic),
         .handler = [&pages, &portal, fn](http::Request& req) { return fn(pages, portal, req); },
         .cacheable = cacheable,
         .summary = std::move(summary)});
  };
  add("/columns/{slug}", column_page, true);
  add(
      "/columns/{slug}/rss.xml",
      [](const render::PageRenderer& pg, Portal& p, http::Request& r) {
        return feed(pg, p, r, false);
      },
      true);
  add(
      "/columns/{slug}/atom.xml",
      [](const render::PageRenderer& pg, Portal& p, http::Request& r) {
        return feed(pg, p, r, true);
      },
      true);
  add("/articles/{id}", article_page, true);
  add("/articles/{id}/files/{n}", article_file, false);
  add("/sitemap.xml", sitemap, true);
  add(
      "/robots.txt",
      [](const render::PageRenderer&, Portal& p, http::Request&) { return robots(p); }, true);
  add("/search", search_page, true);
  add("/api/v1/search", search_api, false, "Search the published articles, policies and guides");
  add(
      "/api/v1/columns",
      [](const render::PageRenderer&, Portal& p, http::Request& r) { return columns_api(p, r); },
      true, "The site's columns");
  add("/api/v1/columns/{slug}/articles", column_articles_api, true,
      "Published articles of a column and its sub-columns, newest first");
  add("/api/v1/articles/{id}", article_api, true, "A published article");
}

}  // namespace yiwang::portal
