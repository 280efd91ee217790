// Paging of lists on pages: which page the request asks for (`?page=N`, from
// 1) and the model of the pager under a list — "第 3 页，共 7 页", previous and
// next links that keep every other query parameter (filters, sorting).
#pragma once

#include <nlohmann/json.hpp>

#include "http/request.hpp"

namespace yiwang::render {

struct PageRequest {
  int page = 1;  // from 1
  int per_page = 20;
  int offset() const { return (page - 1) * per_page; }
};

// The page of `?page=` (1 when absent, not a number or below 1; at most 100000).
PageRequest page_request(const http::Request& req, int per_page = 20);

// The pager model for a list of `total` items:
//   {"total", "page", "pages", "first", "last", "has_pages", "prev", "next"}
// where first/last are the 1-based positions shown and prev/next are links
// (absent at either end).
nlohmann::json pager(const http::Request& req, const PageRequest& page, long long total);

// The request's path with its query, the parameters in `set` replaced by
// their values (removed when a value is empty) and `page` dropped: links for
// sorting and filtering that start again at page 1.
using QueryChanges = std::vector<std::pair<std::string_view, std::string_view>>;
std::string with_query(const http::Request& req, const QueryChanges& set);

}  // namespace yiwang::render
