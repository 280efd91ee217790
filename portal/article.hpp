// An article of the portal (稿件/信息): what an editor writes, reviewers
// approve and the site publishes in one column — news, a notice, a policy
// document, its interpretation (解读), or a disclosure item (公开目录 entry
// with its 索引号 and disclosure attributes).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yiwang::portal {

// draft → review (初审/复审/终审 running) → published (or scheduled until its
// time) → withdrawn; a reviewer's 退回修改 brings it back to draft with the
// note. A published article that is edited goes through review again as a
// new version while the published one stays on the site.
enum class ArticleState { draft, review, scheduled, published, withdrawn };
std::string_view article_state_name(ArticleState s);
std::optional<ArticleState> parse_article_state(std::string_view name);

// 公开属性 (政府信息公开条例): 主动公开, 依申请公开, 不予公开 (with the reason);
// `none` for articles that are not government information items (news).
enum class Disclosure { none, active, on_request, exempt };
std::string_view disclosure_name(Disclosure d);
std::optional<Disclosure> parse_disclosure(std::string_view name);

// 主题分类 of disclosure items, the middle part of the 索引号.
inline constexpr std::string_view kDisclosureCategories[] = {"01", "02", "03", "04", "05",
                                                             "06", "07", "08", "09"};

struct ArticleFile {
  std::string ref;  // SM3 of the bytes (forms::AttachmentStore)
  std::string name, mime;
  long long size = 0;
};

struct Article {
  long long id = 0;
  long long column_id = 0;
  ArticleState state = ArticleState::draft;
  std::string title, subtitle, source, author;
  long long organ_id = 0;  // 发布机构
  std::string doc_number;  // 发文字号
  std::string written_on;  // 成文日期, YYYY-MM-DD (may be empty)
  std::string formed_on;  // 信息形成日期 (主动公开 is due 20 working days after), YYYY-MM-DD
  std::string body_html;  // cleaned by render::clean_html
  std::string keywords;   // separated by commas or spaces
  Disclosure disclosure = Disclosure::none;
  std::string disclosure_reason;  // required for exempt
  std::string category;           // 主题分类 of disclosure items ("01"…"09")
  std::string index_number;       // 索引号, given when first published
  long long policy_id = 0;        // an interpretation: the policy it explains
  std::string scheduled_at;       // UTC ISO 8601; publish no earlier than this (may be empty)
  std::string published_at;       // UTC ISO 8601 of the first publication (发布日期)
  std::string updated_at;
  std::string created_by, created_at;
  std::string withdrawn_reason, withdrawn_at;
  std::string review_note;  // the last reviewer's note when sent back
  long long review_instance = 0;
  int version = 0;            // of the content, from 1
  int published_version = 0;  // the version on the site, 0: none
  long long cover = -1;       // index into files of the cover image, -1: none
  std::vector<ArticleFile> files;
};

// What the editor's form posts; texts untrimmed, checked by the store.
struct ArticleInput {
  long long column_id = 0;
  std::string title, subtitle, source, author;
  long long organ_id = 0;
  std::string doc_number, written_on, formed_on;
  std::string body_html;
  std::string keywords;
  std::string disclosure = "none";
  std::string disclosure_reason, category;
  long long policy_id = 0;
  std::string scheduled_at;  // China time "YYYY-MM-DDTHH:MM" or empty
  struct NewFile {
    std::string name, mime, bytes;
  };
  std::vector<NewFile> add_files;
  std::vector<std::string> remove_files;  // refs
  std::string cover_ref;  // one of the files (kept or added by name "new:NAME"), or empty
};

// One saved version, for the history and its differences.
struct ArticleVersion {
  int version = 0;
  std::string saved_by, saved_at, note;
  Article snapshot;
};

}  // namespace yiwang::portal
