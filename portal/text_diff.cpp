#include "portal/text_diff.hpp"

#include <sstream>

#include "render/rich_text.hpp"

namespace yiwang::portal {

namespace {

constexpr std::size_t kMaxLines = 2000;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

}  // namespace

std::vector<DiffLine> diff_lines(const std::vector<std::string>& a,
                                 const std::vector<std::string>& b) {
  std::vector<DiffLine> out;
  if (a.size() > kMaxLines || b.size() > kMaxLines) {
    for (const auto& l : a) out.push_back({LineChange::removed, l});
    for (const auto& l : b) out.push_back({LineChange::added, l});
    return out;
  }
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  std::vector<std::vector<unsigned>> lcs(a.size() + 1, std::vector<unsigned>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;)
    for (std::size_t j = b.size(); j-- > 0;)
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] == b[j]) {
      out.push_back({LineChange::same, a[i]});
      ++i;
      ++j;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      out.push_back({LineChange::removed, a[i++]});
    } else {
      out.push_back({LineChange::added, b[j++]});
    }
  }
  for (; i < a.size(); ++i) out.push_back({LineChange::removed, a[i]});
  for (; j < b.size(); ++j) out.push_back({LineChange::added, b[j]});
  return out;
}

ArticleDiff diff_articles(const Article& x, const Article& y) {
  ArticleDiff d;
  auto field = [&](const char* name, const std::string& before, const std::string& after) {
    if (before != after) d.fields.push_back({name, before, after});
  };
  field("title", x.title, y.title);
  field("subtitle", x.subtitle, y.subtitle);
  field("source", x.source, y.source);
  field("author", x.author, y.author);
  field("doc_number", x.doc_number, y.doc_number);
  field("written_on", x.written_on, y.written_on);
  field("keywords", x.keywords, y.keywords);
  field("disclosure", std::string(disclosure_name(x.disclosure)),
        std::string(disclosure_name(y.disclosure)));
  field("disclosure_reason", x.disclosure_reason, y.disclosure_reason);
  field("scheduled_at", x.scheduled_at, y.scheduled_at);
  if (x.column_id != y.column_id)
    d.fields.push_back({"column", std::to_string(x.column_id), std::to_string(y.column_id)});
  if (x.organ_id != y.organ_id)
    d.fields.push_back({"organ", std::to_string(x.organ_id), std::to_string(y.organ_id)});
  if (x.body_html != y.body_html)
    d.body = diff_lines(lines_of(render::html_to_text(x.body_html)),
                        lines_of(render::html_to_text(y.body_html)));
  if (x.files.size() != y.files.size()) {
    d.files_changed = true;
  } else {
    for (std::size_t i = 0; i < x.files.size(); ++i)
      if (x.files[i].ref != y.files[i].ref || x.files[i].name != y.files[i].name)
        d.files_changed = true;
  }
  if (x.cover != y.cover) d.files_changed = true;
  return d;
}

}  // namespace yiwang::portal
