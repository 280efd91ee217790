// Lists a page at a time: the rows a condition picks, counted and cut to one
// page of ids in the list's order, with the condition's values bound by the
// caller (filters vary, so the statement is built per call); and the LIKE
// pattern that finds a text typed by a user literally.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <soci/soci.h>

namespace yiwang::db {

struct IdPage {
  std::vector<long long> ids;
  long long total = 0;
};

// SELECT COUNT(*) FROM <from> WHERE <where>, then SELECT <id_column> … ORDER BY
// <order_by> LIMIT limit (clamped to 1…200) OFFSET offset (at least 0). `bind`
// binds the condition's placeholders, in order, on each statement.
IdPage page_ids(soci::session& s, const std::string& from, const std::string& id_column,
                const std::string& where, const std::string& order_by,
                const std::function<void(soci::statement&)>& bind, int offset, int limit);

// Ids as the text of an SQL IN list ("3,7,12"; "" for none). Ids are
// numbers, so they are written into the statement rather than bound.
std::string id_list(const std::vector<long long>& ids);

// "%text%" with %, _ and \ escaped: use with LIKE … ESCAPE '\'.
std::string like_pattern(std::string_view text);

}  // namespace yiwang::db
