// Differences between two versions of an article, as an editor or reviewer
// reads them: for each field that changed, its old and new value, and for the
// body a line-by-line diff of its text (longest common subsequence), so a
// reviewer sees exactly what a new version changes on the site.
#pragma once

#include <string>
#include <vector>

#include "portal/article.hpp"

namespace yiwang::portal {

enum class LineChange { same, removed, added };

struct DiffLine {
  LineChange change = LineChange::same;
  std::string text;
};

// The lines of `before` and `after` in order, each kept, removed or added.
// Beyond 2000 lines on either side the texts are compared as wholes (every
// old line removed, every new line added) to bound the work.
std::vector<DiffLine> diff_lines(const std::vector<std::string>& before,
                                 const std::vector<std::string>& after);

struct FieldChange {
  std::string field;  // title, subtitle, doc_number, … (catalogue key portal.article.<field>)
  std::string before, after;
};

struct ArticleDiff {
  std::vector<FieldChange> fields;
  std::vector<DiffLine> body;  // empty when the body did not change
  bool files_changed = false;
};

ArticleDiff diff_articles(const Article& before, const Article& after);

}  // namespace yiwang::portal
