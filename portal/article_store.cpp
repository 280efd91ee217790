#include "portal/article_store.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/normalise.hpp"
#include "core/text_rules.hpp"
#include "db/dialect.hpp"
#include "db/paged.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"
#include "forms/attachment_store.hpp"
#include "portal/site_changes.hpp"
#include "render/rich_text.hpp"
#include "search/search_documents.hpp"

namespace yiwang::portal {

namespace {

constexpr std::array<std::string_view, 5> kStateNames{"draft", "review", "scheduled", "published",
                                                      "withdrawn"};
constexpr std::array<std::string_view, 4> kDisclosureNames{"none", "active", "on_request",
                                                           "exempt"};
constexpr std::size_t kSummaryChars = 120;

std::string format_utc(std::chrono::sys_seconds t) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t);
}

// "YYYY-MM-DDTHH:MM" (or with a space) in China time, as UTC ISO 8601.
std::optional<std::string> china_local_to_utc(std::string_view text) {
  if (text.size() < 16) return std::nullopt;
  auto day = core::parse_iso_date(text.substr(0, 10));
  if (!day || (text[10] != 'T' && text[10] != ' ') || text[13] != ':') return std::nullopt;
  int h = 0, m = 0;
  if (std::sscanf(std::string(text.substr(11, 5)).c_str(), "%2d:%2d", &h, &m) != 2 || h < 0 ||
      h > 23 || m < 0 || m > 59)
    return std::nullopt;
  auto t = std::chrono::sys_seconds(*day) + std::chrono::hours(h) + std::chrono::minutes(m) -
           core::kChinaUtcOffset;
  return format_utc(t);
}

std::string cut_chars(const std::string& text, std::size_t max) {
  std::size_t count = 0, i = 0;
  for (; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (count == max) return text.substr(0, i) + "…";
      ++count;
    }
  return text;
}

std::string lower_ext(const std::string& name) {
  auto dot = name.rfind('.');
  if (dot == std::string::npos) return {};
  std::string e = name.substr(dot + 1);
  for (auto& c : e) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return e;
}

// Attachments the site offers for download, by extension, with the type
// they are served as. Images may also be the cover.
std::optional<std::string> file_mime(const std::string& name, const std::string& bytes) {
  std::string e = lower_ext(name);
  if (e == "pdf" && bytes.starts_with("%PDF-")) return "application/pdf";
  if (e == "png" && bytes.starts_with("\x89PNG")) return "image/png";
  if ((e == "jpg" || e == "jpeg") && bytes.starts_with("\xFF\xD8\xFF")) return "image/jpeg";
  if ((e == "docx" || e == "xlsx" || e == "ofd" || e == "zip") && bytes.starts_with("PK\x03\x04"))
    return e == "docx"   ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
           : e == "xlsx" ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
           : e == "ofd"  ? "application/ofd"
                         : "application/zip";
  if ((e == "doc" || e == "xls") && bytes.starts_with("\xD0\xCF\x11\xE0"))
    return e == "doc" ? "application/msword" : "application/vnd.ms-excel";
  return std::nullopt;
}

// Keywords as typed, split at commas, semicolons, 、 and spaces (ASCII,
// full-width and ideographic).
std::vector<std::string> split_keywords(const std::string& text) {
  std::vector<std::string> out;
  std::string word, t = core::to_half_width(text);
  auto flush = [&] {
    if (!word.empty() && out.size() < 20) out.push_back(word);
    word.clear();
  };
  for (std::size_t i = 0; i < t.size();) {
    if (t[i] == ',' || t[i] == ';' || t[i] == ' ' || t[i] == '\t') {
      flush();
      ++i;
    } else if (t.compare(i, 3, "、") == 0 || t.compare(i, 3, "，") == 0 ||
               t.compare(i, 3, "；") == 0) {
      flush();
      i += 3;
    } else {
      word += t[i++];
    }
  }
  flush();
  return out;
}

bool is_image(const std::string& mime) { return mime == "image/png" || mime == "image/jpeg"; }

void audit_event(soci::session& s, const audit::AuditEvent& base, const char* event, long long id,
                 std::string detail = {}) {
  audit::AuditEvent e = base;
  e.event = event;
  e.object = "article:" + std::to_string(id);
  e.detail = std::move(detail);
  audit::AuditLog::record(s, e);
}

audit::AuditEvent system_event(const std::string& actor) {
  audit::AuditEvent e;
  e.account = actor.empty() ? "system" : actor;
  e.organ = "-";
  e.source = "workflow";
  return e;
}

const char* kArticleColumns =
    "SELECT id, state, version, published_version, review_instance, data FROM portal_articles ";

Article read_article(const soci::row& r) {
  Article a = ArticleStore::from_json(nlohmann::json::parse(r.get<std::string>(5)));
  a.id = db::row_int64(r, 0);
  a.state = parse_article_state(r.get<std::string>(1)).value_or(ArticleState::draft);
  a.version = static_cast<int>(db::row_int64(r, 2));
  a.published_version = static_cast<int>(db::row_int64(r, 3));
  a.review_instance = db::row_int64(r, 4);
  return a;
}

PublishedEntry read_entry(const soci::row& r) {
  PublishedEntry e;
  e.id = db::row_int64(r, 0);
  e.column_id = db::row_int64(r, 1);
  e.organ_id = db::row_int64(r, 2);
  e.title = r.get<std::string>(3);
  e.summary = r.get<std::string>(4);
  e.published_at = r.get<std::string>(5);
  e.updated_at = r.get<std::string>(6);
  e.doc_number = r.get<std::string>(7);
  e.index_number = r.get<std::string>(8);
  return e;
}

const char* kEntryColumns =
    "SELECT article_id, column_id, organ_id, title, summary, published_at, updated_at, "
    "doc_number, index_number FROM portal_published ";

}  // namespace

std::string_view article_state_name(ArticleState s) { return kStateNames[static_cast<int>(s)]; }
std::optional<ArticleState> parse_article_state(std::string_view name) {
  for (std::size_t i = 0; i < kStateNames.size(); ++i)
    if (kStateNames[i] == name) return static_cast<ArticleState>(i);
  return std::nullopt;
}
std::string_view disclosure_name(Disclosure d) { return kDisclosureNames[static_cast<int>(d)]; }
std::optional<Disclosure> parse_disclosure(std::string_view name) {
  for (std::size_t i = 0; i < kDisclosureNames.size(); ++i)
    if (kDisclosureNames[i] == name) return static_cast<Disclosure>(i);
  return std::nullopt;
}

ArticleStore::ArticleStore(db::Database& db, const ColumnStore& columns,
                           identity::OrganStore& organs, Clock clock)
    : db_(db), columns_(columns), organs_(organs), clock_(std::move(clock)) {}

std::vector<db::Migration> ArticleStore::migrations() {
  return {{"portal", 3, "articles", R"SQL(
CREATE TABLE portal_articles (
  id ${id},
  column_id BIGINT NOT NULL,
  organ_id BIGINT NOT NULL,
  state TEXT NOT NULL,
  title TEXT NOT NULL,
  doc_number TEXT NOT NULL,
  version INTEGER NOT NULL,
  published_version INTEGER NOT NULL,
  review_instance BIGINT NOT NULL,
  scheduled_at TEXT NOT NULL,
  published_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX portal_articles_column ON portal_articles (column_id, state);
CREATE INDEX portal_articles_organ ON portal_articles (organ_id, updated_at);
CREATE INDEX portal_articles_due ON portal_articles (state, scheduled_at);
CREATE TABLE portal_article_versions (
  article_id BIGINT NOT NULL,
  version INTEGER NOT NULL,
  saved_by TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  note TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (article_id, version)
);
CREATE TABLE portal_published (
  article_id BIGINT PRIMARY KEY,
  column_id BIGINT NOT NULL,
  organ_id BIGINT NOT NULL,
  policy_id BIGINT NOT NULL,
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  doc_number TEXT NOT NULL,
  index_number TEXT NOT NULL,
  published_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX portal_published_column ON portal_published (column_id, published_at);
CREATE INDEX portal_published_policy ON portal_published (policy_id);
CREATE TABLE portal_imports (
  import_key TEXT PRIMARY KEY,
  article_id BIGINT NOT NULL
);
CREATE TABLE portal_index_numbers (
  prefix TEXT PRIMARY KEY,
  last_number BIGINT NOT NULL
);
)SQL"}};
}

std::vector<db::Migration> ArticleStore::disclosure_migrations() {
  return {{"portal", 5, "disclosure tracking of articles", R"SQL(
ALTER TABLE portal_articles ADD COLUMN disclosure TEXT NOT NULL DEFAULT 'none';
ALTER TABLE portal_articles ADD COLUMN formed_on TEXT NOT NULL DEFAULT '';
CREATE INDEX portal_articles_disclosure ON portal_articles (disclosure, organ_id);
)SQL"}};
}

namespace {

// The columns the disclosure tracking reads, kept with every write of the article.
void write_disclosure(soci::session& s, long long id, const Article& a) {
  std::string d(disclosure_name(a.disclosure));
  db::execute(s, "UPDATE portal_articles SET disclosure = :d, formed_on = :f WHERE id = :id", d,
              a.formed_on, id);
}

}  // namespace

std::string ArticleStore::now_utc() const { return clock_ ? format_utc(clock_()) : db::utc_now(); }

nlohmann::json ArticleStore::to_json(const Article& a) const {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : a.files)
    files.push_back({{"ref", f.ref}, {"name", f.name}, {"mime", f.mime}, {"size", f.size}});
  return {{"column_id", a.column_id},
          {"title", a.title},
          {"subtitle", a.subtitle},
          {"source", a.source},
          {"author", a.author},
          {"organ_id", a.organ_id},
          {"doc_number", a.doc_number},
          {"written_on", a.written_on},
          {"formed_on", a.formed_on},
          {"body_html", a.body_html},
          {"keywords", a.keywords},
          {"disclosure", disclosure_name(a.disclosure)},
          {"disclosure_reason", a.disclosure_reason},
          {"category", a.category},
          {"index_number", a.index_number},
          {"policy_id", a.policy_id},
          {"scheduled_at", a.scheduled_at},
          {"published_at", a.published_at},
          {"updated_at", a.updated_at},
          {"created_by", a.created_by},
          {"created_at", a.created_at},
          {"withdrawn_reason", a.withdrawn_reason},
          {"withdrawn_at", a.withdrawn_at},
          {"review_note", a.review_note},
          {"cover", a.cover},
          {"files", files}};
}

Article ArticleStore::from_json(const nlohmann::json& j) {
  Article a;
  auto text = [&](const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  auto number = [&](const char* k, long long dflt = 0) {
    auto it = j.find(k);
    return it != j.end() && it->is_number_integer() ? it->get<long long>() : dflt;
  };
  a.column_id = number("column_id");
  a.title = text("title");
  a.subtitle = text("subtitle");
  a.source = text("source");
  a.author = text("author");
  a.organ_id = number("organ_id");
  a.doc_number = text("doc_number");
  a.written_on = text("written_on");
  a.formed_on = text("formed_on");
  a.body_html = text("body_html");
  a.keywords = text("keywords");
  a.disclosure = parse_disclosure(text("disclosure")).value_or(Disclosure::none);
  a.disclosure_reason = text("disclosure_reason");
  a.category = text("category");
  a.index_number = text("index_number");
  a.policy_id = number("policy_id");
  a.scheduled_at = text("scheduled_at");
  a.published_at = text("published_at");
  a.updated_at = text("updated_at");
  a.created_by = text("created_by");
  a.created_at = text("created_at");
  a.withdrawn_reason = text("withdrawn_reason");
  a.withdrawn_at = text("withdrawn_at");
  a.review_note = text("review_note");
  a.cover = number("cover", -1);
  if (auto it = j.find("files"); it != j.end() && it->is_array())
    for (const auto& f : *it)
      if (f.is_object())
        a.files.push_back(
            {f.value("ref", ""), f.value("name", ""), f.value("mime", ""), f.value("size", 0LL)});
  return a;
}

std::vector<Error> ArticleStore::problems(const ArticleInput& in) {
  render::CleanedHtml unused;
  return problems(in, unused);
}

std::vector<Error> ArticleStore::problems(const ArticleInput& in, render::CleanedHtml& cleaned) {
  std::vector<Error> out;
  auto column = columns_.find(in.column_id);
  if (!column || !holds_articles(column->kind)) out.emplace_back("portal.article.column", "column");
  auto text = [&](const std::string& value, const char* field, std::size_t max, bool required) {
    if (auto r = core::check_text(value, field, max, required); !r) out.push_back(r.error());
  };
  text(in.title, "title", kMaxTitle, true);
  text(in.subtitle, "subtitle", kMaxTitle, false);
  text(in.source, "source", 100, false);
  text(in.author, "author", 50, false);
  text(in.doc_number, "doc_number", 50, false);
  text(in.keywords, "keywords", 200, false);
  if (in.organ_id <= 0) {
    out.emplace_back("portal.article.organ_invalid", "organ");
  } else if (auto organ = organs_.get(in.organ_id); !organ || !*organ || (*organ)->retired) {
    out.emplace_back("portal.article.organ_invalid", "organ");
  }
  for (auto [value, field] :
       {std::pair{&in.written_on, "written_on"}, std::pair{&in.formed_on, "formed_on"}}) {
    std::string v = core::trim_text(*value);
    if (!v.empty() && !core::parse_iso_date(v)) out.emplace_back("portal.article.date", field);
  }
  if (in.body_html.size() > kMaxBodyBytes)
    out.emplace_back("portal.article.body_too_long", "body",
                     std::map<std::string, std::string>{{"max", "1024 KiB"}});
  else if (!core::is_valid_utf8(in.body_html))
    out.emplace_back("text.encoding", "body");
  else {
    cleaned = render::clean_html(in.body_html);
    if (render::html_to_text(cleaned.html).empty() &&
        cleaned.html.find("<img") == std::string::npos)
      out.emplace_back("portal.article.body_required", "body");
  }
  auto disclosure = parse_disclosure(in.disclosure);
  if (!disclosure) {
    out.emplace_back("portal.article.disclosure_invalid", "disclosure");
  } else {
    if (*disclosure == Disclosure::exempt)
      text(in.disclosure_reason, "disclosure_reason", 500, true);
    else
      text(in.disclosure_reason, "disclosure_reason", 500, false);
    if (*disclosure != Disclosure::none &&
        std::find(std::begin(kDisclosureCategories), std::end(kDisclosureCategories),
                  in.category) == std::end(kDisclosureCategories))
      out.emplace_back("portal.article.category", "category");
  }
  if (column && column->kind == ColumnKind::interpretation) {
    bool policy_ok = false;
    if (in.policy_id > 0) {
      auto policy = published(in.policy_id);
      if (policy && *policy) {
        auto pc = columns_.find((*policy)->column_id);
        policy_ok = pc && pc->kind == ColumnKind::policy;
      }
    }
    if (!policy_ok) out.emplace_back("portal.article.policy", "policy");
  } else if (in.policy_id != 0) {
    out.emplace_back("portal.article.policy_not_here", "policy");
  }
  std::string when = core::trim_text(in.scheduled_at);
  if (!when.empty() && !china_local_to_utc(when))
    out.emplace_back("portal.article.scheduled_at", "scheduled_at");
  for (const auto& f : in.add_files) {
    auto name = core::check_text(f.name, "files", 100);
    if (!name || name->find('/') != std::string::npos || name->find('\\') != std::string::npos) {
      out.emplace_back("portal.article.file_name", "files");
    } else if (f.bytes.size() > kMaxFileBytes) {
      out.emplace_back("portal.article.file_too_large", "files",
                       std::map<std::string, std::string>{{"name", *name}, {"max", "20 MiB"}});
    } else if (!file_mime(*name, f.bytes)) {
      out.emplace_back("portal.article.file_type", "files",
                       std::map<std::string, std::string>{{"name", *name}});
    }
  }
  return out;
}

Result<ArticleStore::Checked> ArticleStore::check(const ArticleInput& in) {
  render::CleanedHtml cleaned;  // the body is parsed once, by problems()
  if (auto p = problems(in, cleaned); !p.empty()) return std::unexpected(p.front());
  Checked out;
  Article& a = out.article;
  a.column_id = in.column_id;
  a.title = core::trim_text(in.title);
  a.subtitle = core::trim_text(in.subtitle);
  a.source = core::trim_text(in.source);
  a.author = core::trim_text(in.author);
  a.organ_id = in.organ_id;
  a.doc_number = core::trim_text(in.doc_number);
  a.written_on = core::trim_text(in.written_on);
  a.formed_on = core::trim_text(in.formed_on);
  a.body_html = std::move(cleaned.html);
  out.removed = std::move(cleaned.removed);
  a.keywords = core::trim_text(in.keywords);
  a.disclosure = *parse_disclosure(in.disclosure);
  a.disclosure_reason = core::trim_text(in.disclosure_reason);
  a.category = a.disclosure == Disclosure::none ? std::string() : in.category;
  a.policy_id = in.policy_id;
  std::string when = core::trim_text(in.scheduled_at);
  a.scheduled_at = when.empty() ? std::string() : *china_local_to_utc(when);
  return out;
}

namespace {

// The files of a new version: those kept, then those added (stored in the
// transaction), and the cover among them.
Result<void> merge_files(soci::session& s, Article& a, const std::vector<ArticleFile>& before,
                         long long before_cover, const ArticleInput& in) {
  std::string cover_ref = in.cover_ref;
  if (cover_ref.empty() && before_cover >= 0 &&
      before_cover < static_cast<long long>(before.size()))
    cover_ref = before[static_cast<std::size_t>(before_cover)].ref;
  for (const auto& f : before)
    if (std::find(in.remove_files.begin(), in.remove_files.end(), f.ref) == in.remove_files.end())
      a.files.push_back(f);
  for (const auto& f : in.add_files) {
    std::string mime = *file_mime(core::trim_text(f.name), f.bytes);
    std::string ref = forms::AttachmentStore::put(s, f.bytes, mime);
    a.files.push_back({ref, core::trim_text(f.name), mime, static_cast<long long>(f.bytes.size())});
    if (in.cover_ref == "new:" + core::trim_text(f.name)) cover_ref = ref;
  }
  if (a.files.size() > kMaxFiles)
    return fail("portal.article.too_many_files", "files", {{"max", std::to_string(kMaxFiles)}});
  a.cover = -1;
  for (std::size_t i = 0; i < a.files.size(); ++i)
    if (a.files[i].ref == cover_ref) {
      if (!is_image(a.files[i].mime)) return fail("portal.article.cover_type", "cover");
      a.cover = static_cast<long long>(i);
    }
  return {};
}

}  // namespace

Result<Article> ArticleStore::create(const ArticleInput& in, const Editor& by) {
  auto checked = check(in);
  if (!checked) return std::unexpected(checked.error());
  Article a = std::move(checked->article);
  return db::guarded([&]() -> Result<Article> {
    return db_.transaction([&](soci::session& s) -> Result<Article> {
      Article out = a;
      if (auto merged = merge_files(s, out, {}, -1, in); !merged)
        return std::unexpected(merged.error());
      out.created_by = by.account;
      out.created_at = out.updated_at = now_utc();
      if (out.formed_on.empty())
        out.formed_on =
            out.written_on.empty() ? core::format_iso_date(core::china_today()) : out.written_on;
      out.version = 1;
      std::string data = to_json(out).dump(), state(article_state_name(out.state)), empty;
      long long zero = 0;
      out.id = db::insert_returning_id(
          s,
          "INSERT INTO portal_articles (column_id, organ_id, state, title, doc_number, version, "
          "published_version, review_instance, scheduled_at, published_at, created_by, "
          "updated_at, data) VALUES (:c, :o, :s, :t, :d, 1, 0, :r, :sa, :pa, :b, :u, :data) "
          "RETURNING id",
          out.column_id, out.organ_id, state, out.title, out.doc_number, zero, out.scheduled_at,
          empty, by.account, out.updated_at, data);
      db::execute(s,
                  "INSERT INTO portal_article_versions (article_id, version, saved_by, saved_at, "
                  "note, data) VALUES (:a, 1, :b, :t, :n, :d)",
                  out.id, by.name, out.updated_at, empty, data);
      write_disclosure(s, out.id, out);
      audit_event(s, by.audit, "portal.article.create", out.id);
      return out;
    });
  });
}

Result<Article> ArticleStore::update(long long id, const ArticleInput& in, int expected_version,
                                     const Editor& by) {
  auto checked = check(in);
  if (!checked) return std::unexpected(checked.error());
  return db::guarded([&]() -> Result<Article> {
    return db_.transaction([&](soci::session& s) -> Result<Article> {
      auto current = get(s, id);
      if (!current) return std::unexpected(current.error());
      if (!*current) return fail("portal.article.not_found");
      Article& was = **current;
      if (was.state == ArticleState::review) return fail("portal.article.in_review");
      if (expected_version != was.version)
        return fail("portal.article.changed", "", {{"version", std::to_string(was.version)}});
      Article out = checked->article;
      if (auto merged = merge_files(s, out, was.files, was.cover, in); !merged)
        return std::unexpected(merged.error());
      out.id = id;
      // A published article's new version waits beside the published one;
      // anything else (a draft, a scheduled or withdrawn article) is a draft.
      out.state =
          was.state == ArticleState::published ? ArticleState::published : ArticleState::draft;
      out.created_by = was.created_by;
      out.created_at = was.created_at;
      out.published_at = was.published_at;
      out.index_number = was.index_number;
      // A withdrawn article being corrected stays withdrawn on the site (its
      // page says so) until the new version is published.
      out.withdrawn_reason = was.withdrawn_reason;
      out.withdrawn_at = was.withdrawn_at;
      if (out.formed_on.empty()) out.formed_on = was.formed_on;
      out.updated_at = now_utc();
      out.version = was.version + 1;
      out.published_version = was.published_version;
      std::string data = to_json(out).dump(), state(article_state_name(out.state)), empty;
      db::execute(s,
                  "UPDATE portal_articles SET column_id = :c, organ_id = :o, state = :s, title = "
                  ":t, doc_number = :d, version = :v, scheduled_at = :sa, updated_at = :u, data "
                  "= :data WHERE id = :id",
                  out.column_id, out.organ_id, state, out.title, out.doc_number, out.version,
                  out.scheduled_at, out.updated_at, data, id);
      db::execute(s,
                  "INSERT INTO portal_article_versions (article_id, version, saved_by, saved_at, "
                  "note, data) VALUES (:a, :v, :b, :t, :n, :d)",
                  id, out.version, by.name, out.updated_at, empty, data);
      write_disclosure(s, id, out);
      audit_event(s, by.audit, "portal.article.save", id, "version " + std::to_string(out.version));
      return out;
    });
  });
}

Result<std::optional<Article>> ArticleStore::get(long long id) {
  return db::guarded([&]() -> Result<std::optional<Article>> {
    auto s = db_.acquire();
    return get(*s, id);
  });
}

Result<std::optional<Article>> ArticleStore::get(soci::session& s, long long id) {
  std::optional<Article> out;
  db::query(
      s, std::string(kArticleColumns) + "WHERE id = :id",
      [&](const soci::row& r) { out = read_article(r); }, id);
  return out;
}

Result<ArticlePage> ArticleStore::list(const ArticleFilter& f) {
  return db::guarded([&]() -> Result<ArticlePage> {
    auto s = db_.acquire();
    std::string where = "1 = 1";
    std::string state = f.state ? std::string(article_state_name(*f.state)) : std::string();
    std::string like = db::like_pattern(f.query);
    if (f.column_id > 0) where += " AND column_id = :c";
    if (f.state) where += " AND state = :s";
    if (!f.query.empty())
      where += " AND (title LIKE :q ESCAPE '\\' OR doc_number LIKE :q2 ESCAPE '\\')";
    if (f.organs) {
      if (f.organs->empty()) return ArticlePage{};
      where += " AND organ_id IN (" + db::id_list(*f.organs) + ")";
    }
    std::string order = f.sort == "updated"      ? "updated_at, id"
                        : f.sort == "title"      ? "title, id"
                        : f.sort == "-title"     ? "title DESC, id DESC"
                        : f.sort == "published"  ? "published_at, id"
                        : f.sort == "-published" ? "published_at DESC, id DESC"
                                                 : "updated_at DESC, id DESC";
    auto page = db::page_ids(
        *s, "portal_articles", "id", where, order,
        [&](soci::statement& st) {
          if (f.column_id > 0) st.exchange(soci::use(f.column_id));
          if (f.state) st.exchange(soci::use(state));
          if (!f.query.empty()) {
            st.exchange(soci::use(like));
            st.exchange(soci::use(like));
          }
        },
        f.offset, f.limit);
    ArticlePage out;
    out.total = page.total;
    for (long long id : page.ids) {
      auto a = get(*s, id);
      if (!a) return std::unexpected(a.error());
      if (*a) out.items.push_back(std::move(**a));
    }
    return out;
  });
}

Result<std::vector<ArticleVersion>> ArticleStore::versions(long long id) {
  return db::guarded([&]() -> Result<std::vector<ArticleVersion>> {
    auto s = db_.acquire();
    std::vector<ArticleVersion> out;
    db::query(
        *s,
        "SELECT version, saved_by, saved_at, note, data FROM portal_article_versions WHERE "
        "article_id = :a ORDER BY version DESC",
        [&](const soci::row& r) {
          ArticleVersion v;
          v.version = static_cast<int>(db::row_int64(r, 0));
          v.saved_by = r.get<std::string>(1);
          v.saved_at = r.get<std::string>(2);
          v.note = r.get<std::string>(3);
          v.snapshot = from_json(nlohmann::json::parse(r.get<std::string>(4)));
          v.snapshot.id = id;
          v.snapshot.version = v.version;
          out.push_back(std::move(v));
        },
        id);
    return out;
  });
}

void ArticleStore::start_review(soci::session& s, long long id, long long instance_id,
                                const Editor& by) {
  auto a = get(s, id);
  if (!a || !*a) throw std::runtime_error("portal: no article " + std::to_string(id));
  std::string state(article_state_name(ArticleState::review));
  db::execute(s, "UPDATE portal_articles SET state = :s, review_instance = :i WHERE id = :id",
              state, instance_id, id);
  audit_event(s, by.audit, "portal.article.submit", id, "version " + std::to_string((*a)->version));
}

void ArticleStore::send_back(soci::session& s, long long id, const std::string& note,
                             const std::string& actor) {
  auto a = get(s, id);
  if (!a || !*a) throw std::runtime_error("portal: no article " + std::to_string(id));
  Article art = **a;
  art.review_note = note;
  bool on_site = art.published_version > 0 && art.withdrawn_at.empty();
  ArticleState back = on_site ? ArticleState::published : ArticleState::draft;
  std::string data = to_json(art).dump(), state(article_state_name(back));
  long long zero = 0;
  db::execute(s,
              "UPDATE portal_articles SET state = :s, review_instance = :r, data = :d WHERE id = "
              ":id",
              state, zero, data, id);
  audit_event(s, system_event(actor), "portal.article.send_back", id);
}

std::vector<std::string> ArticleStore::affected_paths(const Article& a) const {
  std::string id = std::to_string(a.id);
  // The article's page and files, its columns' lists and feeds, the home page,
  // the sitemap, and the same as JSON. (Search pages are dropped when the
  // search index applies the change: search::Indexer.)
  std::vector<std::string> out{"/", "/sitemap.xml", "/articles/" + id + "*",
                               "/api/v1/articles/" + id, "/api/v1/columns*"};
  for (const auto& c : columns_.trail(a.column_id)) out.push_back("/columns/" + c.slug + "*");
  if (a.policy_id > 0) {
    out.push_back("/articles/" + std::to_string(a.policy_id));
    out.push_back("/api/v1/articles/" + std::to_string(a.policy_id));
  }
  return out;
}

void ArticleStore::publish(soci::session& s, Article& a, const std::string& actor) {
  std::string now = now_utc();
  if (a.published_at.empty()) a.published_at = now;
  a.state = ArticleState::published;
  a.review_note.clear();
  a.withdrawn_at.clear();
  a.withdrawn_reason.clear();
  auto organ = organs_.get(a.organ_id);
  std::string organ_name = organ && *organ ? (*organ)->name : std::string();
  if (a.disclosure != Disclosure::none && a.index_number.empty()) {
    std::string code = organ && *organ ? (*organ)->credit_code : std::string("0");
    std::string prefix = code + "/" + a.category + "/" + a.published_at.substr(0, 4);
    long long last = 0;
    bool found = false;
    db::query(
        s, "SELECT last_number FROM portal_index_numbers WHERE prefix = :p",
        [&](const soci::row& r) {
          last = db::row_int64(r, 0);
          found = true;
        },
        prefix);
    ++last;
    if (found)
      db::execute(s, "UPDATE portal_index_numbers SET last_number = :l WHERE prefix = :p", last,
                  prefix);
    else
      db::execute(s, "INSERT INTO portal_index_numbers (prefix, last_number) VALUES (:p, :l)",
                  prefix, last);
    a.index_number = fmt::format("{}-{:05}", prefix, last);
  }
  a.published_version = a.version;
  std::string data = to_json(a).dump(), state(article_state_name(a.state));
  long long zero = 0;
  db::execute(s,
              "UPDATE portal_articles SET state = :s, published_version = :v, review_instance = "
              ":r, published_at = :p, data = :d WHERE id = :id",
              state, a.version, zero, a.published_at, data, a.id);
  std::string text = render::html_to_text(a.body_html);
  std::string summary = cut_chars(text, kSummaryChars);
  db::execute(s, "DELETE FROM portal_published WHERE article_id = :a", a.id);
  db::execute(s,
              "INSERT INTO portal_published (article_id, column_id, organ_id, policy_id, title, "
              "summary, doc_number, index_number, published_at, updated_at, data) VALUES (:a, :c, "
              ":o, :p, :t, :s, :d, :i, :pa, :u, :data)",
              a.id, a.column_id, a.organ_id, a.policy_id, a.title, summary, a.doc_number,
              a.index_number, a.published_at, now, data);
  auto column = columns_.find(a.column_id);
  search::Document doc;
  doc.id = "article:" + std::to_string(a.id);
  doc.kind = !column                                      ? "article"
             : column->kind == ColumnKind::policy         ? "policy"
             : column->kind == ColumnKind::interpretation ? "interpretation"
                                                          : "article";
  doc.title = a.title;
  doc.body = text;
  doc.url = "/articles/" + std::to_string(a.id);
  doc.column = column ? column->name : std::string();
  doc.organ = organ_name;
  doc.doc_number = a.doc_number;
  doc.published_at = a.published_at;
  for (const auto& k : split_keywords(a.keywords)) doc.keywords.push_back(k);
  search::SearchDocuments::put(s, doc);
  SiteChanges::record(s, affected_paths(a));
  audit_event(s, system_event(actor), "portal.article.publish", a.id,
              "version " + std::to_string(a.version));
}

bool ArticleStore::import_published(soci::session& s, Article a, const std::string& key,
                                    const std::string& actor) {
  bool seen = false;
  db::query(
      s, "SELECT article_id FROM portal_imports WHERE import_key = :k",
      [&](const soci::row&) { seen = true; }, key);
  if (seen) return false;
  a.version = 1;
  a.created_by = actor;
  a.created_at = a.updated_at = now_utc();
  if (a.formed_on.empty())
    a.formed_on = a.written_on.empty() ? a.published_at.substr(0, 10) : a.written_on;
  std::string data = to_json(a).dump(), state(article_state_name(ArticleState::draft)), empty,
              note = "import";
  long long zero = 0;
  a.id = db::insert_returning_id(
      s,
      "INSERT INTO portal_articles (column_id, organ_id, state, title, doc_number, version, "
      "published_version, review_instance, scheduled_at, published_at, created_by, updated_at, "
      "data) VALUES (:c, :o, :s, :t, :d, 1, 0, :r, :sa, :pa, :b, :u, :data) RETURNING id",
      a.column_id, a.organ_id, state, a.title, a.doc_number, zero, empty, a.published_at, actor,
      a.updated_at, data);
  db::execute(s,
              "INSERT INTO portal_article_versions (article_id, version, saved_by, saved_at, "
              "note, data) VALUES (:a, 1, :b, :t, :n, :d)",
              a.id, actor, a.updated_at, note, data);
  db::execute(s, "INSERT INTO portal_imports (import_key, article_id) VALUES (:k, :a)", key, a.id);
  write_disclosure(s, a.id, a);
  publish(s, a, actor);
  return true;
}

Result<std::vector<Article>> ArticleStore::disclosure_items(
    const std::optional<std::vector<long long>>& organs) {
  return db::guarded([&]() -> Result<std::vector<Article>> {
    std::vector<Article> out;
    if (organs && organs->empty()) return out;
    std::string where = "WHERE disclosure = :d AND state <> :w";
    if (organs) {
      where += " AND organ_id IN (" + db::id_list(*organs) + ")";
    }
    auto s = db_.acquire();
    std::string active(disclosure_name(Disclosure::active)),
        withdrawn(article_state_name(ArticleState::withdrawn));
    db::query(
        *s, std::string(kArticleColumns) + where + " ORDER BY formed_on, id",
        [&](const soci::row& r) { out.push_back(read_article(r)); }, active, withdrawn);
    return out;
  });
}

Result<std::map<long long, std::pair<std::string, long long>>> ArticleStore::column_activity() {
  return db::guarded([&]() -> Result<std::map<long long, std::pair<std::string, long long>>> {
    std::map<long long, std::pair<std::string, long long>> out;
    auto s = db_.acquire();
    db::query(*s,
              "SELECT column_id, MAX(published_at), COUNT(*) FROM portal_published GROUP BY "
              "column_id",
              [&](const soci::row& r) {
                out[db::row_int64(r, 0)] = {r.get<std::string>(1), db::row_int64(r, 2)};
              });
    return out;
  });
}

Result<void> ArticleStore::each_published(const std::function<void(const Article&)>& each) {
  return db::guarded([&]() -> Result<void> {
    auto s = db_.acquire();
    long long after = 0;
    for (;;) {
      std::vector<Article> batch;
      db::query(
          *s,
          "SELECT article_id, data FROM portal_published WHERE article_id > :a ORDER BY "
          "article_id LIMIT 500",
          [&](const soci::row& r) {
            Article a = from_json(nlohmann::json::parse(r.get<std::string>(1)));
            a.id = db::row_int64(r, 0);
            a.state = ArticleState::published;
            batch.push_back(std::move(a));
          },
          after);
      if (batch.empty()) return {};
      for (const auto& a : batch) each(a);
      after = batch.back().id;
    }
  });
}

Result<long long> ArticleStore::imported(const std::string& key) {
  return db::guarded([&]() -> Result<long long> {
    auto s = db_.acquire();
    long long id = 0;
    db::query(
        *s, "SELECT article_id FROM portal_imports WHERE import_key = :k",
        [&](const soci::row& r) { id = db::row_int64(r, 0); }, key);
    return id;
  });
}

void ArticleStore::approve(soci::session& s, long long id, const std::string& actor) {
  auto a = get(s, id);
  if (!a || !*a) throw std::runtime_error("portal: no article " + std::to_string(id));
  Article art = **a;
  if (!art.scheduled_at.empty() && art.scheduled_at > now_utc()) {
    std::string state(article_state_name(ArticleState::scheduled));
    long long zero = 0;
    db::execute(s, "UPDATE portal_articles SET state = :s, review_instance = :r WHERE id = :id",
                state, zero, id);
    audit_event(s, system_event(actor), "portal.article.schedule", id, art.scheduled_at);
    return;
  }
  publish(s, art, actor);
}

Result<int> ArticleStore::publish_due() {
  return db::guarded([&]() -> Result<int> {
    std::vector<long long> due;
    {
      auto s = db_.acquire();
      std::string state(article_state_name(ArticleState::scheduled)), now = now_utc();
      db::query(
          *s,
          "SELECT id FROM portal_articles WHERE state = :s AND scheduled_at <= :n ORDER BY "
          "scheduled_at LIMIT 100",
          [&](const soci::row& r) { due.push_back(db::row_int64(r, 0)); }, state, now);
    }
    int count = 0;
    for (long long id : due) {
      auto done = db_.transaction([&](soci::session& s) -> Result<bool> {
        // Every node runs this: the conditional update lets exactly one take
        // the article (on PostgreSQL the others wait on the row, then find
        // it no longer scheduled) instead of each publishing what it read.
        std::string scheduled(article_state_name(ArticleState::scheduled)),
            published(article_state_name(ArticleState::published));
        if (db::execute(s, "UPDATE portal_articles SET state = :p WHERE id = :id AND state = :s",
                        published, id, scheduled) == 0)
          return false;
        auto a = get(s, id);
        if (!a) return std::unexpected(a.error());
        if (!*a) return false;
        publish(s, **a, "system");
        return true;
      });
      if (!done) return std::unexpected(done.error());
      count += *done ? 1 : 0;
    }
    return count;
  });
}

Result<Article> ArticleStore::withdraw(long long id, const std::string& reason, const Editor& by) {
  auto why = core::check_text(reason, "reason", 500);
  if (!why) return std::unexpected(why.error());
  return db::guarded([&]() -> Result<Article> {
    return db_.transaction([&](soci::session& s) -> Result<Article> {
      auto a = get(s, id);
      if (!a) return std::unexpected(a.error());
      if (!*a) return fail("portal.article.not_found");
      Article art = **a;
      if (art.published_version == 0 || !art.withdrawn_at.empty())
        return fail("portal.article.not_published");
      if (art.state == ArticleState::review) return fail("portal.article.in_review");
      art.state = ArticleState::withdrawn;
      art.withdrawn_reason = *why;
      art.withdrawn_at = now_utc();
      std::string data = to_json(art).dump(), state(article_state_name(art.state));
      db::execute(s, "UPDATE portal_articles SET state = :s, data = :d WHERE id = :id", state, data,
                  id);
      db::execute(s, "DELETE FROM portal_published WHERE article_id = :a", id);
      search::SearchDocuments::remove(s, "article:" + std::to_string(id));
      SiteChanges::record(s, affected_paths(art));
      audit_event(s, by.audit, "portal.article.withdraw", id, *why);
      return art;
    });
  });
}

Result<std::optional<Article>> ArticleStore::published(long long id) {
  return db::guarded([&]() -> Result<std::optional<Article>> {
    auto s = db_.acquire();
    std::optional<Article> out;
    db::query(
        *s, "SELECT data FROM portal_published WHERE article_id = :a",
        [&](const soci::row& r) {
          out = from_json(nlohmann::json::parse(r.get<std::string>(0)));
          out->id = id;
          out->state = ArticleState::published;
        },
        id);
    return out;
  });
}

Result<PublishedPage> ArticleStore::published_in(const std::vector<long long>& columns, int offset,
                                                 int limit) {
  return db::guarded([&]() -> Result<PublishedPage> {
    PublishedPage out;
    if (columns.empty()) return out;
    std::string in = db::id_list(columns);
    auto s = db_.acquire();
    db::query(*s, "SELECT COUNT(*) FROM portal_published WHERE column_id IN (" + in + ")",
              [&](const soci::row& r) { out.total = db::row_int64(r, 0); });
    int lim = std::clamp(limit, 1, 200), off = std::max(0, offset);
    db::query(
        *s,
        std::string(kEntryColumns) + "WHERE column_id IN (" + in +
            ") ORDER BY published_at DESC, article_id DESC LIMIT :l OFFSET :o",
        [&](const soci::row& r) { out.items.push_back(read_entry(r)); }, lim, off);
    return out;
  });
}

Result<std::vector<PublishedEntry>> ArticleStore::interpretations_of(long long policy_id) {
  return db::guarded([&]() -> Result<std::vector<PublishedEntry>> {
    auto s = db_.acquire();
    std::vector<PublishedEntry> out;
    db::query(
        *s, std::string(kEntryColumns) + "WHERE policy_id = :p ORDER BY published_at, article_id",
        [&](const soci::row& r) { out.push_back(read_entry(r)); }, policy_id);
    return out;
  });
}

Result<std::vector<PublishedEntry>> ArticleStore::all_published() {
  return db::guarded([&]() -> Result<std::vector<PublishedEntry>> {
    auto s = db_.acquire();
    std::vector<PublishedEntry> out;
    db::query(*s, std::string(kEntryColumns) + "ORDER BY article_id",
              [&](const soci::row& r) { out.push_back(read_entry(r)); });
    return out;
  });
}

Result<std::optional<std::pair<ArticleFile, std::string>>> ArticleStore::published_file(
    long long id, std::size_t index) {
  auto a = published(id);
  if (!a) return std::unexpected(a.error());
  if (!*a || index >= (*a)->files.size())
    return std::optional<std::pair<ArticleFile, std::string>>();
  const ArticleFile& f = (*a)->files[index];
  forms::AttachmentStore files(db_);
  auto stored = files.get(f.ref);
  if (!stored) return std::unexpected(stored.error());
  if (!*stored) return std::optional<std::pair<ArticleFile, std::string>>();
  return std::optional<std::pair<ArticleFile, std::string>>(std::pair{f, (*stored)->data});
}

}  // namespace yiwang::portal
