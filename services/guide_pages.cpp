// The public service guide (办事指南): the list of published items with its
// search and filters, one item's guide, and both as JSON (guide_routes.hpp).
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text_rules.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"
#include "http/percent_encoding.hpp"
#include "render/pager.hpp"
#include "services/guide_routes.hpp"
#include "services/service_pages.hpp"

namespace yiwang::services {

namespace {

constexpr int kPageSize = 20;
// The catalogue searches at most this much of what was typed, and themes are
// at most 20 characters; longer input is cut, never refused.
constexpr std::size_t kMaxQueryBytes = 100;
constexpr std::size_t kMaxThemeBytes = 80;

struct OrganCount {
  long long id = 0;
  std::string name;  // empty when the organ is not in the directory
  long long count = 0;
};

struct ThemeCount {
  std::string theme;
  long long count = 0;
};

// What the portal offers to filter by: the organs having published items and
// the themes those items carry for each audience ("both" counts for each).
struct Offer {
  std::vector<OrganCount> organs;      // by name
  std::vector<ThemeCount> individual;  // most items first
  std::vector<ThemeCount> enterprise;
  std::vector<ThemeCount> all;

  const OrganCount* organ(long long id) const {
    for (const auto& o : organs)
      if (o.id == id) return &o;
    return nullptr;
  }
  const std::vector<ThemeCount>& themes(std::optional<Audience> a) const {
    if (a == Audience::individual) return individual;
    if (a == Audience::enterprise) return enterprise;
    return all;
  }
};

std::vector<ThemeCount> by_count(const std::map<std::string, long long>& counts) {
  std::vector<ThemeCount> out;
  for (const auto& [theme, n] : counts) out.push_back({theme, n});
  std::stable_sort(out.begin(), out.end(),
                   [](const ThemeCount& a, const ThemeCount& b) { return a.count > b.count; });
  return out;
}

// The counts are read from the catalogue's own tables (this module's), in
// two grouped queries rather than by loading every item.
Result<Offer> read_offer(ServicePages& p) {
  std::vector<std::pair<long long, long long>> organ_counts;
  struct ThemeRow {
    std::string theme, audience;
    long long count = 0;
  };
  std::vector<ThemeRow> theme_rows;
  auto read = db::guarded([&]() -> Result<void> {
    auto s = p.online.cases().database().acquire();
    db::query(*s,
              "SELECT organ_id, COUNT(*) FROM svc_items WHERE published_version > 0 AND "
              "retired = 0 GROUP BY organ_id",
              [&](const soci::row& r) {
                organ_counts.emplace_back(db::row_int64(r, 0), db::row_int64(r, 1));
              });
    db::query(
        *s,
        "SELECT t.theme, i.audience, COUNT(*) FROM svc_item_themes t JOIN svc_items i ON "
        "i.id = t.item_id WHERE i.published_version > 0 AND i.retired = 0 GROUP BY "
        "t.theme, i.audience",
        [&](const soci::row& r) {
          theme_rows.push_back({r.get<std::string>(0), r.get<std::string>(1), db::row_int64(r, 2)});
        });
    return {};
  });
  if (!read) return std::unexpected(read.error());
  Offer offer;
  for (const auto& [id, count] : organ_counts) {
    auto organ = p.identity.organs.get(id);
    if (!organ) return std::unexpected(organ.error());
    offer.organs.push_back({id, *organ ? (*organ)->name : std::string(), count});
  }
  std::sort(offer.organs.begin(), offer.organs.end(), [](const OrganCount& a, const OrganCount& b) {
    return a.name != b.name ? a.name < b.name : a.id < b.id;
  });
  std::map<std::string, long long> individual, enterprise, all;
  for (const auto& row : theme_rows) {
    all[row.theme] += row.count;
    if (row.audience == "individual" || row.audience == "both") individual[row.theme] += row.count;
    if (row.audience == "enterprise" || row.audience == "both") enterprise[row.theme] += row.count;
  }
  offer.individual = by_count(individual);
  offer.enterprise = by_count(enterprise);
  offer.all = by_count(all);
  return offer;
}

std::optional<long long> positive_number(const std::string& text) {
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1) return std::nullopt;
  return n;
}

// The filter a request asks for, keeping only what the portal offers.
CatalogueFilter read_filter(const http::Request& req, const Offer& offer) {
  CatalogueFilter f;
  f.query = core::trim_text(core::cut_utf8(req.query.value("q"), kMaxQueryBytes));
  if (auto id = positive_number(req.query.value("organ_id")); id && offer.organ(*id))
    f.organ_id = *id;
  std::string audience = req.query.value("audience");
  if (audience == audience_name(Audience::individual) ||
      audience == audience_name(Audience::enterprise))
    f.audience = parse_audience(audience);
  std::string theme = core::trim_text(core::cut_utf8(req.query.value("theme"), kMaxThemeBytes));
  const auto& themes = offer.themes(f.audience);
  if (std::any_of(themes.begin(), themes.end(),
                  [&](const ThemeCount& t) { return t.theme == theme; }))
    f.theme = theme;
  return f;
}

std::string guide_href(const std::string& code) {
  return "/services/items/" + http::percent_encode(code);
}

// The organ's name from the counts when it is there (a list), else from the
// directory (one item, or an item published since the counts were read).
std::string organ_name(ServicePages& p, const http::Request& req, const Offer* offer,
                       long long id) {
  std::string name;
  if (const OrganCount* o = offer ? offer->organ(id) : nullptr) {
    name = o->name;
  } else if (auto organ = p.identity.organs.get(id); organ && *organ) {
    name = (*organ)->name;
  }
  return name.empty() ? p.identity.pages.text(req, "services.guide.organ_unknown") : name;
}

std::string text_with(const render::PageRenderer& pages, const http::Request& req,
                      std::string_view key, const std::string& name, long long value) {
  return pages.catalogue().text(req.lang, key, {{name, std::to_string(value)}});
}

// How the item is handled: entirely online (no visit), applied for online,
// or only at the window (no process to run online).
std::string way_key(const ServiceItem& it) {
  if (it.process_key.empty()) return "services.guide.way.window";
  return it.visits == 0 ? "services.guide.way.online" : "services.guide.way.partly";
}

// A multi-line guide text as its non-empty lines, each shown as a paragraph.
nlohmann::json lines(std::string_view text) {
  nlohmann::json out = nlohmann::json::array();
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line = core::trim_text(text.substr(start, end - start));
    if (!line.empty()) out.push_back(line);
    start = end + 1;
  }
  return out;
}

// The elements of an item that lists show (and the API's list returns).
nlohmann::json summary_json(ServicePages& p, const http::Request& req, const Offer* offer,
                            const CatalogueEntry& e) {
  const auto& pages = p.identity.pages;
  const ServiceItem& it = *e.published;
  std::string type(item_type_name(it.type));
  std::string audience(audience_name(it.audience));
  std::string href = guide_href(e.code);
  bool online = !it.process_key.empty();
  return {{"code", e.code},
          {"name", it.name},
          {"type", type},
          {"type_text", pages.text(req, "services.type." + type)},
          {"organ", {{"id", e.organ_id}, {"name", organ_name(p, req, offer, e.organ_id)}}},
          {"audience", audience},
          {"audience_text", pages.text(req, "services.audience." + audience)},
          {"themes", it.themes},
          {"statutory_days", it.statutory_days},
          {"promised_days", it.promised_days},
          {"visits", it.visits},
          {"online", online},
          {"fully_online", online && it.visits == 0},
          {"way_text", pages.text(req, way_key(it))},
          {"fees", it.fees},
          {"url", href},
          {"apply_url", href + "/apply"}};
}

// Every element of the guide (STANDARDS.md §4) the item holds.
nlohmann::json guide_json(ServicePages& p, const http::Request& req, const CatalogueEntry& e) {
  const auto& pages = p.identity.pages;
  const ServiceItem& it = *e.published;
  nlohmann::json j = summary_json(p, req, nullptr, e);
  nlohmann::json materials = nlohmann::json::array();
  for (const auto& m : it.materials) {
    std::string form(material_form_name(m.form));
    materials.push_back({{"name", m.name},
                         {"form", form},
                         {"form_text", pages.text(req, "services.material." + form)},
                         {"count", m.count},
                         {"required", m.required},
                         {"note", m.note}});
  }
  nlohmann::json faq = nlohmann::json::array();
  for (const auto& q : it.faq) faq.push_back({{"question", q.question}, {"answer", q.answer}});
  j["version"] = e.published_version;
  j["legal_basis"] = it.legal_basis;
  j["conditions"] = it.conditions;
  j["materials"] = materials;
  j["procedure"] = it.procedure;
  j["special_procedures"] = it.special_procedures;
  j["place"] = it.place;
  j["hours"] = it.hours;
  j["phone"] = it.phone;
  j["complaint_phone"] = it.complaint_phone;
  j["faq"] = faq;
  j["issues_licence"] = it.issues_licence;
  return j;
}

http::Response page_failed(ServicePages& p, const http::Request& req, const Error& e) {
  (void)p.identity.pages.user_message(req, e);  // logs the cause
  return internal_error(p, req);
}

http::Response api_failed(ServicePages& p, const http::Request& req, const Error& e) {
  (void)p.identity.pages.user_message(req, e);
  return p.identity.pages.json_error(req, 500, Error("http.internal_error"));
}

nlohmann::json theme_links(ServicePages& p, const http::Request& req,
                           const std::vector<ThemeCount>& themes, Audience audience) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : themes)
    out.push_back(
        {{"theme", t.theme},
         {"count_text", text_with(p.identity.pages, req, "services.guide.count", "count", t.count)},
         {"href", "/services?audience=" + std::string(audience_name(audience)) +
                      "&theme=" + http::percent_encode(t.theme)}});
  return out;
}

http::Response index_page(ServicePages& p, http::Request& req) {
  const auto& pages = p.identity.pages;
  auto offer = read_offer(p);
  if (!offer) return page_failed(p, req, offer.error());
  CatalogueFilter filter = read_filter(req, *offer);
  auto page = render::page_request(req, kPageSize);
  auto list = p.online.items().list_published(filter, page.offset(), kPageSize);
  if (!list) return page_failed(p, req, list.error());

  nlohmann::json rows = nlohmann::json::array();
  for (const auto& e : list->entries)
    if (e.published) rows.push_back(summary_json(p, req, &*offer, e));
  nlohmann::json organs = nlohmann::json::array();
  for (const auto& o : offer->organs)
    organs.push_back(
        {{"id", o.id},
         {"name", o.name.empty() ? pages.text(req, "services.guide.organ_unknown") : o.name},
         {"count_text", text_with(pages, req, "services.guide.count", "count", o.count)},
         {"href", "/services?organ_id=" + std::to_string(o.id)},
         {"selected", o.id == filter.organ_id}});
  nlohmann::json audiences = nlohmann::json::array();
  for (Audience a : {Audience::individual, Audience::enterprise}) {
    std::string name(audience_name(a));
    audiences.push_back({{"value", name},
                         {"label", pages.text(req, "services.guide.audience." + name)},
                         {"selected", filter.audience == a}});
  }
  nlohmann::json themes = nlohmann::json::array();
  for (const auto& t : offer->themes(filter.audience))
    themes.push_back({{"theme", t.theme}, {"selected", t.theme == filter.theme}});
  nlohmann::json individual = theme_links(p, req, offer->individual, Audience::individual);
  nlohmann::json enterprise = theme_links(p, req, offer->enterprise, Audience::enterprise);
  bool filtered = !filter.query.empty() || filter.organ_id != 0 || filter.audience.has_value() ||
                  !filter.theme.empty();
  nlohmann::json model = {
      {"description", pages.text(req, "services.guide.description")},
      {"q", filter.query},
      {"has_q", !filter.query.empty()},
      {"organs", organs},
      {"has_organs", !organs.empty()},
      {"audiences", audiences},
      {"themes", themes},
      {"has_themes", !themes.empty()},
      {"items", rows},
      {"has_items", !rows.empty()},
      {"total", list->total},
      {"total_text", text_with(pages, req, "services.guide.results.total", "total", list->total)},
      {"filtered", filtered},
      {"pager", render::pager(req, page, list->total)},
      {"individual_themes", individual},
      {"has_individual_themes", !individual.empty()},
      {"enterprise_themes", enterprise},
      {"has_enterprise_themes", !enterprise.empty()}};
  model["nav_services"] = true;
  return pages.page(req, "services/guide_index", "services.guide.title", model);
}

// The published, not retired item of the request's code; nothing when there
// is none (unknown, never published, retired).
Result<std::optional<CatalogueEntry>> requested_item(ServicePages& p, const http::Request& req) {
  std::string code = req.param("code");
  if (code.empty() || code.size() > 40) return std::optional<CatalogueEntry>();
  auto entry = p.online.items().published(code);
  if (!entry) return std::unexpected(entry.error());
  if (!*entry || !(*entry)->published) return std::optional<CatalogueEntry>();
  return entry;
}

Error not_found(const http::Request& req) {
  return Error("services.apply.not_found", "code",
               {{"code", core::cut_utf8(req.param("code"), 40)}});
}

http::Response item_page(ServicePages& p, http::Request& req) {
  const auto& pages = p.identity.pages;
  auto entry = requested_item(p, req);
  if (!entry) return page_failed(p, req, entry.error());
  if (!*entry) {
    Error e = not_found(req);
    return pages.error(req, 404, e.key, e.params);
  }
  const CatalogueEntry& e = **entry;
  const ServiceItem& it = *e.published;
  nlohmann::json m = guide_json(p, req, e);
  for (auto& material : m["materials"]) {
    material["note_lines"] = lines(material["note"].get<std::string>());
  }
  for (auto& q : m["faq"]) {
    q["question_lines"] = lines(q["question"].get<std::string>());
    q["answer_lines"] = lines(q["answer"].get<std::string>());
  }
  nlohmann::json themes = nlohmann::json::array();
  std::string audience_filter = it.audience == Audience::enterprise ? "enterprise" : "individual";
  for (const auto& t : it.themes)
    themes.push_back(
        {{"theme", t},
         {"href", "/services?audience=" + audience_filter + "&theme=" + http::percent_encode(t)}});
  const auto& principal = req.principal;
  bool applicant = principal && principal->stage == "full" &&
                   (principal->kind == "citizen" || principal->kind == "enterprise");
  m["title"] = it.name + " - " + pages.text(req, "services.guide.item.title");
  m["description"] = it.name + " - " + pages.text(req, "services.guide.item.title");
  m["theme_links"] = themes;
  m["has_themes"] = !themes.empty();
  m["has_materials"] = !it.materials.empty();
  m["has_faq"] = !it.faq.empty();
  m["has_special"] = !core::trim_text(it.special_procedures).empty();
  m["legal_basis_lines"] = lines(it.legal_basis);
  m["conditions_lines"] = lines(it.conditions);
  m["procedure_lines"] = lines(it.procedure);
  m["special_lines"] = lines(it.special_procedures);
  m["fees_lines"] = lines(it.fees);
  m["place_lines"] = lines(it.place);
  m["hours_lines"] = lines(it.hours);
  m["statutory_text"] = text_with(pages, req, "services.guide.days", "days", it.statutory_days);
  m["promised_text"] = text_with(pages, req, "services.guide.days", "days", it.promised_days);
  m["visits_text"] = text_with(pages, req, "services.guide.visits_count", "visits", it.visits);
  m["needs_signin"] = !applicant;
  m["has_phone"] = !it.phone.empty();
  m["has_complaint_phone"] = !it.complaint_phone.empty();
  m["nav_services"] = true;
  return pages.page(req, "services/guide_item", "services.guide.item.title", m);
}

http::Response list_api(ServicePages& p, http::Request& req) {
  auto offer = read_offer(p);
  if (!offer) return api_failed(p, req, offer.error());
  CatalogueFilter filter = read_filter(req, *offer);
  auto page = render::page_request(req, kPageSize);
  auto list = p.online.items().list_published(filter, page.offset(), kPageSize);
  if (!list) return api_failed(p, req, list.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& e : list->entries)
    if (e.published) items.push_back(summary_json(p, req, &*offer, e));
  long long pages = std::max<long long>(1, (list->total + kPageSize - 1) / kPageSize);
  nlohmann::json body = {
      {"total", list->total},
      {"page", page.page},
      {"pages", pages},
      {"per_page", kPageSize},
      {"filter",
       {{"q", filter.query},
        {"organ_id", filter.organ_id},
        {"audience", filter.audience ? std::string(audience_name(*filter.audience)) : ""},
        {"theme", filter.theme}}},
      {"items", items}};
  return http::Response::json(body.dump());
}

http::Response item_api(ServicePages& p, http::Request& req) {
  auto entry = requested_item(p, req);
  if (!entry) return api_failed(p, req, entry.error());
  if (!*entry) return p.identity.pages.json_error(req, 404, not_found(req));
  return http::Response::json(guide_json(p, req, **entry).dump());
}

}  // namespace

void register_guide_routes(http::Router& router, ServicePages& p) {
  using http::Zone;
  const std::string everyone(http::kPublic);
  router.add({.method = "GET",
              .pattern = "/services",
              .zone = Zone::internet,
              .permission = everyone,
              .handler = [&p](http::Request& req) { return index_page(p, req); }});
  router.add({.method = "GET",
              .pattern = "/services/items/{code}",
              .zone = Zone::internet,
              .permission = everyone,
              .handler = [&p](http::Request& req) { return item_page(p, req); }});
  router.add({.method = "GET",
              .pattern = "/api/v1/services/items",
              .zone = Zone::internet,
              .permission = everyone,
              .handler = [&p](http::Request& req) { return list_api(p, req); },
              .summary = "Published service items (办事指南), searched, filtered and paged"});
  router.add({.method = "GET",
              .pattern = "/api/v1/services/items/{code}",
              .zone = Zone::internet,
              .permission = everyone,
              .handler = [&p](http::Request& req) { return item_api(p, req); },
              .summary = "The service guide of one published item"});
}

}  // namespace yiwang::services
