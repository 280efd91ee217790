#include "portal/site_health.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "core/civil_date.hpp"
#include "identity/services.hpp"
#include "render/rich_text.hpp"

namespace yiwang::portal {

namespace {

std::optional<std::chrono::sys_days> date_of(const std::string& iso) {
  if (iso.size() < 10) return std::nullopt;
  return core::parse_iso_date(iso.substr(0, 10));
}

// The China date of a UTC time stamp.
std::optional<std::chrono::sys_days> china_day(const std::string& utc) {
  return date_of(identity::local_time(utc));
}

// Whether an internal link names a page of the portal's own that is missing:
// only /articles/… and /columns/… are checked (other paths belong to other
// modules and are not known here).
bool broken(const std::string& href, const std::set<long long>& published,
            const std::map<long long, std::size_t>& files, const ColumnStore& columns) {
  std::string path = href.substr(0, href.find_first_of("?#"));
  auto number = [](std::string_view text) -> std::optional<long long> {
    long long n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return n;
  };
  if (path.starts_with("/articles/")) {
    std::string rest = path.substr(10);
    auto slash = rest.find('/');
    auto id = number(std::string_view(rest).substr(0, slash));
    if (!id || !published.contains(*id)) return true;
    if (slash == std::string::npos) return false;
    std::string tail = rest.substr(slash);
    if (!tail.starts_with("/files/")) return true;
    auto n = number(std::string_view(tail).substr(7));
    auto it = files.find(*id);
    return !n || it == files.end() || static_cast<std::size_t>(*n) >= it->second;
  }
  if (path.starts_with("/columns/")) {
    std::string slug = path.substr(9);
    for (const char* feed : {"/rss.xml", "/atom.xml"})
      if (slug.ends_with(feed)) slug.resize(slug.size() - std::string_view(feed).size());
    return !columns.by_slug(slug);
  }
  return false;
}

}  // namespace

Result<SiteHealth> check_site(Portal& portal, const core::WorkCalendar& calendar,
                              std::chrono::sys_days today,
                              const std::optional<std::vector<long long>>& organs) {
  SiteHealth out;
  auto activity = portal.articles().column_activity();
  if (!activity) return std::unexpected(activity.error());
  for (const auto& c : portal.columns().all()) {
    if (!holds_articles(c.kind)) continue;
    // A column counts with its sub-columns (政务动态 is fresh when 要闻 is).
    std::string last;
    long long count = 0;
    for (long long id : portal.columns().subtree(c.id))
      if (auto it = activity->find(id); it != activity->end()) {
        last = std::max(last, it->second.first);
        count += it->second.second;
      }
    if (count == 0) {
      out.empty.push_back(c);
      continue;
    }
    auto day = china_day(last);
    if (c.stale_days > 0 && day) {
      int days = static_cast<int>((today - *day).count());
      if (days > c.stale_days) out.stale.push_back({c, last, days});
    }
  }

  std::set<long long> published;
  std::map<long long, std::size_t> files;
  std::vector<std::pair<Article, std::vector<std::string>>> linking;
  auto read = portal.articles().each_published([&](const Article& a) {
    published.insert(a.id);
    files[a.id] = a.files.size();
    std::vector<std::string> internal;
    for (auto& href : render::html_links(a.body_html))
      if (href.starts_with("/") && !href.starts_with("//")) internal.push_back(href);
    if (!internal.empty()) {
      Article brief;
      brief.id = a.id;
      brief.title = a.title;
      linking.emplace_back(std::move(brief), std::move(internal));
    }
  });
  if (!read) return std::unexpected(read.error());
  for (const auto& [a, hrefs] : linking)
    for (const auto& href : hrefs)
      if (broken(href, published, files, portal.columns()))
        out.broken.push_back({a.id, a.title, href});

  auto items = portal.articles().disclosure_items(organs);
  if (!items) return std::unexpected(items.error());
  for (const auto& a : *items) {
    auto formed = date_of(a.formed_on);
    if (!formed) continue;
    auto due = calendar.add_working_days(*formed, kDisclosureWorkingDays);
    std::optional<std::chrono::sys_days> done;
    if (a.published_version > 0) done = china_day(a.published_at);
    std::chrono::sys_days until = done ? *done : today;
    if (until <= due) continue;
    out.late.push_back({a.id, a.title, a.organ_id, a.formed_on, core::format_iso_date(due),
                        done ? a.published_at : std::string(),
                        calendar.working_days_between(due, until)});
  }
  auto letters = portal.letters().overdue(today, organs);
  if (!letters) return std::unexpected(letters.error());
  const auto& rules = portal.letters().rules();
  for (auto& l : *letters) {
    auto due = date_of(l.due_on);
    if (!due) continue;
    auto received = china_day(l.received_at).value_or(today);
    // Three months after 31 January is the end of April.
    auto limit = std::chrono::year_month_day(received) + std::chrono::months(rules.veto_months);
    if (!limit.ok()) limit = limit.year() / limit.month() / std::chrono::last;
    bool veto = std::find(rules.veto_kinds.begin(), rules.veto_kinds.end(), l.kind) !=
                    rules.veto_kinds.end() &&
                today > std::chrono::sys_days(limit);
    out.letters.push_back({std::move(l), calendar.working_days_between(*due, today), veto});
  }
  return out;
}

}  // namespace yiwang::portal
