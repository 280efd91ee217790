#include "render/pager.hpp"

#include <algorithm>
#include <charconv>

#include "http/percent_encoding.hpp"

namespace yiwang::render {

namespace {

// The request's query with the parameters of `set` replaced (dropped when
// their value is empty) and `drop` removed.
std::string query_with(const http::Request& req, const QueryChanges& set, std::string_view drop) {
  std::string out;
  auto append = [&out](std::string_view n, std::string_view v) {
    out += out.empty() ? '?' : '&';
    out += http::percent_encode(n);
    out += '=';
    out += http::percent_encode(v);
  };
  auto changed = [&set](std::string_view n) {
    return std::any_of(set.begin(), set.end(), [n](const auto& c) { return c.first == n; });
  };
  for (const auto& [n, v] : req.query.fields())
    if (n != drop && !changed(n)) append(n, v);
  for (const auto& [n, v] : set)
    if (!v.empty()) append(n, v);
  return req.path + out;
}

}  // namespace

PageRequest page_request(const http::Request& req, int per_page) {
  PageRequest p;
  p.per_page = per_page;
  std::string text = req.query.value("page");
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc() && end == text.data() + text.size() && n >= 1) p.page = std::min(n, 100000);
  return p;
}

nlohmann::json pager(const http::Request& req, const PageRequest& page, long long total) {
  long long pages = std::max<long long>(1, (total + page.per_page - 1) / page.per_page);
  long long first = total == 0 ? 0 : std::min<long long>(total, page.offset() + 1);
  long long last =
      std::min<long long>(total, static_cast<long long>(page.offset()) + page.per_page);
  nlohmann::json m = {{"total", total}, {"page", page.page}, {"pages", pages},
                      {"first", first}, {"last", last},      {"has_pages", pages > 1}};
  if (page.page > 1)
    m["prev"] =
        query_with(req, {{"page", std::to_string(std::min<long long>(page.page - 1, pages))}}, "");
  if (page.page < pages) m["next"] = query_with(req, {{"page", std::to_string(page.page + 1)}}, "");
  return m;
}

std::string with_query(const http::Request& req, const QueryChanges& set) {
  return query_with(req, set, "page");
}

}  // namespace yiwang::render
