#include "portal/article_import.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/normalise.hpp"
#include "core/text_rules.hpp"
#include "portal/active_organs.hpp"
#include "workflow/duration.hpp"

namespace yiwang::portal {

namespace {

constexpr std::size_t kBatch = 200;
constexpr std::size_t kMaxLineBytes = 2 << 20;

struct Pending {
  Article article;
  std::string key;
};

// Every active organ by name, short name and credit code.
Result<std::map<std::string, long long>> organ_names(identity::OrganStore& organs) {
  std::map<std::string, long long> out;
  auto all = active_organs(organs);
  if (!all) return std::unexpected(all.error());
  for (const auto& o : *all) {
    out.emplace(o.name, o.id);
    if (!o.short_name.empty()) out.emplace(o.short_name, o.id);
    if (!o.credit_code.empty()) out.emplace(o.credit_code, o.id);
  }
  return out;
}

// published_at as UTC ISO 8601: a China date (taken at 00:00 China time) or
// a UTC time stamp.
std::optional<std::string> published_time(const std::string& text) {
  if (text.size() == 10) {
    auto day = core::parse_iso_date(text);
    if (!day) return std::nullopt;
    return workflow::format_utc(std::chrono::sys_seconds(*day) - core::kChinaUtcOffset);
  }
  auto t = workflow::parse_utc(text);
  if (!t) return std::nullopt;
  return workflow::format_utc(*t);
}

}  // namespace

Result<ImportReport> import_articles(Portal& portal, std::istream& in, std::uint64_t total_bytes,
                                     Progress& progress, const audit::AuditEvent& who) {
  auto organs = organ_names(portal.organs());
  if (!organs) return std::unexpected(organs.error());
  ImportReport report;
  std::vector<Pending> batch;
  std::uint64_t read = 0;
  auto flush = [&]() -> Result<void> {
    if (batch.empty()) return {};
    auto written = portal.articles().database().transaction([&](soci::session& s) -> Result<int> {
      int added = 0;
      for (const auto& p : batch)
        if (portal.articles().import_published(s, p.article, p.key, who.account)) ++added;
      if (added > 0) {
        audit::AuditEvent e = who;
        e.event = "portal.article.import";
        e.object = "articles";
        e.detail = std::to_string(added);
        audit::AuditLog::record(s, e);
      }
      return added;
    });
    if (!written) return std::unexpected(written.error());
    report.imported += static_cast<std::size_t>(*written);
    report.skipped += batch.size() - static_cast<std::size_t>(*written);
    batch.clear();
    return {};
  };
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    read += line.size() + 1;
    if (number % 50 == 0) progress.update("portal.import", read, total_bytes);
    if (core::trim_text(line).empty()) continue;
    auto problem = [&](Error e) { report.problems.push_back({number, std::move(e)}); };
    if (line.size() > kMaxLineBytes) {
      problem(Error("portal.import.line_too_long"));
      continue;
    }
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) {
      problem(Error("portal.import.not_json"));
      continue;
    }
    auto text = [&](const char* key) -> std::string {
      auto it = j.find(key);
      if (it == j.end() || it->is_null()) return {};
      if (it->is_string()) return it->get<std::string>();
      if (it->is_number_integer()) return std::to_string(it->get<long long>());
      return {};
    };
    ArticleInput input;
    auto column = portal.columns().by_slug(text("column"));
    input.column_id = column ? column->id : 0;
    input.title = text("title");
    input.subtitle = text("subtitle");
    input.source = text("source");
    input.author = text("author");
    input.doc_number = text("doc_number");
    input.written_on = text("written_on");
    input.body_html = text("body");
    input.keywords = text("keywords");
    input.disclosure = text("disclosure").empty() ? "none" : text("disclosure");
    input.disclosure_reason = text("disclosure_reason");
    input.category = text("category");
    std::string issuer = core::trim_text(text("issuer"));
    if (auto it = organs->find(issuer); it != organs->end()) input.organ_id = it->second;
    if (std::string policy = text("policy"); !policy.empty()) {
      // A policy earlier in this batch is written first, so it can be found.
      if (std::any_of(batch.begin(), batch.end(),
                      [&](const Pending& p) { return p.key == policy; }))
        if (auto r = flush(); !r) return std::unexpected(r.error());
      auto id = portal.articles().imported(policy);
      if (!id) return std::unexpected(id.error());
      input.policy_id = *id;
    }
    auto when = published_time(core::trim_text(text("published_at")));
    if (!when) {
      problem(Error("portal.import.published_at", "published_at"));
      continue;
    }
    if (input.organ_id == 0) {
      problem(Error("portal.import.issuer", "issuer", {{"value", core::cut_utf8(issuer, 100)}}));
      continue;
    }
    auto checked = portal.articles().check(input);
    if (!checked) {
      problem(checked.error());
      continue;
    }
    Pending p;
    p.article = std::move(checked->article);
    p.article.published_at = *when;
    p.article.index_number = core::trim_text(core::cut_utf8(text("index_number"), 100));
    std::string id = core::trim_text(core::cut_utf8(text("id"), 200));
    p.key = id.empty() ? "auto:" + text("column") + "|" + *when + "|" + p.article.title : id;
    batch.push_back(std::move(p));
    if (batch.size() >= kBatch)
      if (auto r = flush(); !r) return std::unexpected(r.error());
  }
  if (auto r = flush(); !r) return std::unexpected(r.error());
  progress.update("portal.import", total_bytes, total_bytes);
  progress.finish("portal.import");
  return report;
}

}  // namespace yiwang::portal
