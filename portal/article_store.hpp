// Articles: the editor's working copy, its saved versions, and what the site
// shows. The working copy may change (a new version under review) while the
// published version stays on the site; public pages read only the published
// table. Every change is one transaction with its audit record, the search
// document (search::SearchDocuments) and the pages it makes stale
// (SiteChanges), so the index and the page cache follow the database.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <soci/soci.h>
#include <nlohmann/json.hpp>

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "identity/organ_store.hpp"
#include "portal/article.hpp"
#include "portal/column_store.hpp"
#include "render/rich_text.hpp"

namespace yiwang::portal {

// Limits of the editor's fields, in characters (bytes for the body).
inline constexpr std::size_t kMaxTitle = 200;
inline constexpr std::size_t kMaxBodyBytes = 1 << 20;
inline constexpr std::size_t kMaxFileBytes = 20 << 20;
inline constexpr std::size_t kMaxFiles = 20;

struct Editor {
  std::string account, name;
  audit::AuditEvent audit;  // source, request id, organ
};

struct ArticleFilter {
  long long column_id = 0;  // 0: any
  std::optional<ArticleState> state;
  std::string query;  // in the title or document number
  // nullopt: every organ; otherwise only articles of these organs.
  std::optional<std::vector<long long>> organs;
  std::string sort = "-updated";  // updated | -updated | title | -title | published | -published
  int offset = 0, limit = 20;
};

struct ArticlePage {
  std::vector<Article> items;
  long long total = 0;
};

// A published article as the site lists it.
struct PublishedEntry {
  long long id = 0, column_id = 0, organ_id = 0;
  std::string title, summary, published_at, updated_at, doc_number, index_number;
};

struct PublishedPage {
  std::vector<PublishedEntry> items;
  long long total = 0;
};

class ArticleStore {
 public:
  using Clock = std::function<std::chrono::sys_seconds()>;

  ArticleStore(db::Database& db, const ColumnStore& columns, identity::OrganStore& organs,
               Clock clock = {});
  static std::vector<db::Migration> migrations();
  static std::vector<db::Migration> disclosure_migrations();  // portal 5, after SiteChanges

  // Checks the input: each problem names its field (portal.article.*, text.*).
  // The body is cleaned by the allow-list; what was removed is in `removed`.
  struct Checked {
    Article article;
    std::vector<std::string> removed;
  };
  Result<Checked> check(const ArticleInput& input);
  // Every problem of the input, for the form (empty: none).
  std::vector<Error> problems(const ArticleInput& input);

  Result<Article> create(const ArticleInput& input, const Editor& by);
  // Saves a new version of a draft (or of a published article, which then
  // needs review again). expected_version guards against two editors:
  // "portal.article.changed" when someone saved meanwhile.
  Result<Article> update(long long id, const ArticleInput& input, int expected_version,
                         const Editor& by);

  Result<std::optional<Article>> get(long long id);
  Result<std::optional<Article>> get(soci::session& s, long long id);
  Result<ArticlePage> list(const ArticleFilter& filter);
  Result<std::vector<ArticleVersion>> versions(long long id);

  // The review process (portal/article_review.hpp) moves the article, inside
  // the engine's transaction.
  void start_review(soci::session& s, long long id, long long instance_id, const Editor& by);
  void send_back(soci::session& s, long long id, const std::string& note, const std::string& actor);
  // The last approval: published now, or scheduled when its time is later.
  void approve(soci::session& s, long long id, const std::string& actor);
  // Publishes the scheduled articles whose time has come; how many.
  Result<int> publish_due();

  // Records an article of an existing site as published at its own
  // published_at (migration: no review), in the caller's transaction, unless
  // an article was imported under `key` before; whether it was imported.
  bool import_published(soci::session& s, Article a, const std::string& key,
                        const std::string& actor);
  // The article imported under `key`, or 0.
  Result<long long> imported(const std::string& key);

  // Takes a published article off the site; its page then says it was
  // withdrawn, with the reason. Audited.
  Result<Article> withdraw(long long id, const std::string& reason, const Editor& by);

  // ---- what the site shows ----
  // The published article (its published version), or nothing.
  Result<std::optional<Article>> published(long long id);
  // Published articles of these columns, newest first.
  Result<PublishedPage> published_in(const std::vector<long long>& columns, int offset, int limit);
  // The interpretations (解读) published for a policy.
  Result<std::vector<PublishedEntry>> interpretations_of(long long policy_id);
  // Every published article's id, column and last change (for the sitemap).
  Result<std::vector<PublishedEntry>> all_published();
  // ---- for the site's health ----
  // 主动公开 items not withdrawn (of these organs; nullopt: every organ), by formed_on.
  Result<std::vector<Article>> disclosure_items(
      const std::optional<std::vector<long long>>& organs);
  // Per column: the last publication (UTC ISO 8601) and how many are published.
  Result<std::map<long long, std::pair<std::string, long long>>> column_activity();
  // Every published article (its published version), in batches.
  Result<void> each_published(const std::function<void(const Article&)>& each);

  // The bytes of a published article's file, or nothing.
  Result<std::optional<std::pair<ArticleFile, std::string>>> published_file(long long id,
                                                                            std::size_t index);

  // The search document of a published article.
  nlohmann::json to_json(const Article& a) const;
  static Article from_json(const nlohmann::json& j);

  db::Database& database() { return db_; }

 private:
  std::string now_utc() const;
  std::vector<Error> problems(const ArticleInput& input, render::CleanedHtml& cleaned);
  void publish(soci::session& s, Article& a, const std::string& actor);
  std::vector<std::string> affected_paths(const Article& a) const;
  db::Database& db_;
  const ColumnStore& columns_;
  identity::OrganStore& organs_;
  Clock clock_;
};

}  // namespace yiwang::portal
