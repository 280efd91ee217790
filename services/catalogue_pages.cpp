// The intranet's pages of the service catalogue: the list of items, the
// item's editor with its versions, retiring, and the review of a version
// (catalogue_routes.hpp).
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/normalise.hpp"
#include "core/text_rules.hpp"
#include "http/organ_scope.hpp"
#include "http/percent_encoding.hpp"
#include "render/pager.hpp"
#include "services/catalogue_routes.hpp"
#include "services/permissions.hpp"
#include "services/service_pages.hpp"

namespace yiwang::services {

namespace {

constexpr int kPageSize = 20;
// Empty rows of materials and of questions the editor offers below those
// typed: more come with each save, so the page needs no script.
constexpr std::size_t kBlankRows = 2;
constexpr std::size_t kMaxQueryBytes = 100;
const std::string kEditBase = "/services/catalogue";
const std::string kReviewBase = "/services/review";

// ---- who may act for which organ ----

// The organs where the request's principal holds a permission; nullopt: every organ.
using http::organs_of;

std::string organ_name(ServicePages& p, const http::Request& req, long long id) {
  auto organ = p.identity.organs.get(id);
  if (organ && *organ) return (*organ)->name;
  return p.identity.pages.text(req, "services.guide.organ_unknown");
}

// The item of the request's {id} when the principal holds `permission` for
// its organ; nothing otherwise, which the pages answer like an unknown id.
Result<std::optional<CatalogueEntry>> item_for(ServicePages& p, const http::Request& req,
                                               const char* permission) {
  auto id = identity::id_param(req);
  if (!id) return std::optional<CatalogueEntry>();
  auto entry = p.online.items().entry(*id);
  if (!entry) return std::unexpected(entry.error());
  if (!*entry || !req.principal->holds(permission, (*entry)->organ_id))
    return std::optional<CatalogueEntry>();
  return entry;
}

http::Response not_found(ServicePages& p, const http::Request& req) {
  return p.identity.pages.error(req, 404, "services.catalogue.not_found");
}

http::Response failed(ServicePages& p, const http::Request& req, const Error& e) {
  (void)p.identity.pages.user_message(req, e);  // logs the cause
  return internal_error(p, req);
}

std::string state_text(const render::PageRenderer& pages, const http::Request& req,
                       VersionState s) {
  return pages.text(req, "services.catalogue.state." + std::string(version_state_name(s)));
}

// ---- the editor's elements ----

enum class Control { line, number, text, select, json };

struct FieldSpec {
  std::string_view name;
  Control control;
  std::size_t max;  // characters, for the maxlength attribute; 0: none
  bool required;
  bool hint;  // has services.catalogue.hint.<name>
};

// The single-valued elements in the editor's order; the materials come
// between the first two groups, the questions between the last two.
constexpr std::array<FieldSpec, 6> kHead{{
    {"code", Control::line, 40, true, true},
    {"name", Control::line, 100, true, false},
    {"type", Control::select, 0, true, false},
    {"audience", Control::select, 0, true, false},
    {"legal_basis", Control::text, 4000, true, true},
    {"conditions", Control::text, 4000, true, false},
}};
constexpr std::array<FieldSpec, 10> kBody{{
    {"procedure", Control::text, 4000, true, false},
    {"statutory_days", Control::number, 3, true, true},
    {"promised_days", Control::number, 3, true, true},
    {"special_procedures", Control::text, 2000, false, true},
    {"fees", Control::line, 500, true, true},
    {"place", Control::line, 200, true, false},
    {"hours", Control::line, 200, true, false},
    {"visits", Control::number, 1, true, true},
    {"phone", Control::line, 20, true, true},
    {"complaint_phone", Control::line, 20, true, false},
}};
constexpr std::array<FieldSpec, 5> kTail{{
    {"themes", Control::line, 250, false, true},
    {"process_key", Control::line, 64, true, true},
    {"form", Control::json, 0, true, true},
    {"licence", Control::json, 0, false, true},
    {"registers_entity", Control::json, 0, false, true},
}};

template <typename F>
void each_spec(F&& f) {
  for (const auto& s : kHead) f(s);
  for (const auto& s : kBody) f(s);
  for (const auto& s : kTail) f(s);
}

bool known_element(std::string_view name) {
  bool found = name == "organ_id";
  each_spec([&](const FieldSpec& s) { found = found || s.name == name; });
  return found;
}

struct MaterialRow {
  std::string name, form = "electronic", count, note, field;
  bool required = true;
};

struct QuestionRow {
  std::string question, answer;
};

// What the editor shows: every element as text, as it was typed (or as the
// stored version reads), so nothing typed is lost when it is shown again.
struct Input {
  std::map<std::string, std::string, std::less<>> v;
  std::vector<MaterialRow> materials;
  std::vector<QuestionRow> faq;
  std::string organ_id;  // a new item's organ, as chosen
};

bool blank(std::string_view s) { return core::trim_text(s).empty(); }

std::string joined_themes(const std::vector<std::string>& themes) {
  std::string out;
  for (const auto& t : themes) out += (out.empty() ? "" : "、") + t;
  return out;
}

Input input_of(const ServiceItem& item) {
  nlohmann::json j = service_item_json(item);
  Input in;
  each_spec([&](const FieldSpec& s) {
    std::string name(s.name);
    auto it = j.find(name);
    std::string& out = in.v[name];
    if (name == "themes")
      out = joined_themes(item.themes);
    else if (it == j.end() || it->is_null())
      out.clear();
    else if (s.control == Control::json)
      out = it->dump(2);
    else if (it->is_string())
      out = it->get<std::string>();
    else if (it->is_number_integer())
      out = std::to_string(it->get<long long>());
  });
  for (const auto& m : item.materials)
    in.materials.push_back({m.name, std::string(material_form_name(m.form)),
                            std::to_string(m.count), m.note, m.field, m.required});
  for (const auto& q : item.faq) in.faq.push_back({q.question, q.answer});
  return in;
}

// A new item: a form schema to start from, nothing else filled in.
Input blank_input() {
  Input in;
  each_spec([&](const FieldSpec& s) { in.v[std::string(s.name)] = ""; });
  in.v["form"] = nlohmann::json{{"title", ""}, {"fields", nlohmann::json::array()}}.dump(2);
  return in;
}

Input input_of(const http::FormData& f) {
  Input in;
  each_spec([&](const FieldSpec& s) { in.v[std::string(s.name)] = f.value(s.name); });
  // One row more than the catalogue allows is read, so that too many is told.
  for (std::size_t i = 0; i <= kMaxMaterials; ++i) {
    std::string at = "materials." + std::to_string(i) + ".";
    if (!f.get(at + "name")) break;
    MaterialRow row{f.value(at + "name"), f.value(at + "form"),  f.value(at + "count"),
                    f.value(at + "note"), f.value(at + "field"), f.value(at + "required") == "yes"};
    if (blank(row.name) && blank(row.count) && blank(row.note) && blank(row.field)) continue;
    in.materials.push_back(std::move(row));
  }
  for (std::size_t i = 0; i <= kMaxQuestions; ++i) {
    std::string at = "faq." + std::to_string(i) + ".";
    if (!f.get(at + "question")) break;
    QuestionRow row{f.value(at + "question"), f.value(at + "answer")};
    if (blank(row.question) && blank(row.answer)) continue;
    in.faq.push_back(std::move(row));
  }
  in.organ_id = f.value("organ_id");
  return in;
}

// ---- from what was typed to an item ----

// A whole number typed in a box (full-width digits too) as a number; anything
// else goes on as text, which parse_service_item names as no whole number.
nlohmann::json number_of(const std::string& typed) {
  std::string t = core::trim_text(core::to_half_width(typed));
  if (t.empty()) return nullptr;
  long long n = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), n);
  if (ec == std::errc() && end == t.data() + t.size()) return n;
  return typed;
}

// Themes typed in one line, separated by commas, 、 or semicolons.
nlohmann::json themes_of(std::string_view typed) {
  static constexpr std::array<std::string_view, 7> kSeparators{",",  ";",  "\n", "\r",
                                                               "，", "、", "；"};
  nlohmann::json out = nlohmann::json::array();
  std::string current;
  auto flush = [&] {
    if (std::string t = core::trim_text(current); !t.empty()) out.push_back(std::move(t));
    current.clear();
  };
  std::size_t i = 0;
  while (i < typed.size()) {
    auto sep = std::find_if(kSeparators.begin(), kSeparators.end(),
                            [&](std::string_view s) { return typed.substr(i).starts_with(s); });
    if (sep != kSeparators.end()) {
      flush();
      i += sep->size();
    } else {
      current += typed[i++];
    }
  }
  flush();
  return out;
}

// Finds where a text stops being JSON, through nlohmann's SAX interface
// (which reports it without throwing).
class JsonErrorAt : public nlohmann::json::json_sax_t {
 public:
  std::size_t byte = 0;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::json::exception&) override {
    byte = position;
    return false;
  }
};

// The JSON of a text box: nothing when it is empty; when it is no JSON, the
// problem naming the line and column where it stops being JSON.
struct JsonText {
  std::optional<nlohmann::json> value;
  bool bad = false;
};

JsonText json_of(const std::string& typed, const std::string& field, std::vector<Error>& problems) {
  if (blank(typed)) return {};
  auto parsed = nlohmann::json::parse(typed, nullptr, false);
  if (!parsed.is_discarded()) return {std::move(parsed), false};
  JsonText bad{std::nullopt, true};
  JsonErrorAt at;
  (void)nlohmann::json::sax_parse(typed, &at);
  std::size_t end = std::min(at.byte == 0 ? 0 : at.byte - 1, typed.size());
  std::size_t line = 1, line_start = 0;
  for (std::size_t k = 0; k < end; ++k)
    if (typed[k] == '\n') {
      ++line;
      line_start = k + 1;
    }
  std::size_t column =
      core::utf8_length(std::string_view(typed).substr(line_start, end - line_start)) + 1;
  problems.emplace_back("services.catalogue.bad_json", field,
                        std::map<std::string, std::string>{{"line", std::to_string(line)},
                                                           {"column", std::to_string(column)}});
  return bad;
}

// The item as parse_service_item reads it, and every problem of what was
// typed, each naming its element; `code` is the item's (a saved item keeps
// its code) or what was typed.
std::expected<ServiceItem, std::vector<Error>> item_of(const Input& in, const std::string& code) {
  std::vector<Error> problems;
  nlohmann::json j = nlohmann::json::object();
  j["code"] = core::normalise_identifier(code);
  for (const char* text :
       {"name", "type", "audience", "legal_basis", "conditions", "procedure", "special_procedures",
        "fees", "place", "hours", "phone", "complaint_phone", "process_key"})
    j[text] = in.v.at(text);
  for (const char* number : {"statutory_days", "promised_days", "visits"})
    j[number] = number_of(in.v.at(number));
  j["themes"] = themes_of(in.v.at("themes"));
  nlohmann::json materials = nlohmann::json::array();
  for (const auto& m : in.materials) {
    nlohmann::json row = {{"name", m.name}, {"form", m.form}, {"required", m.required}};
    if (!blank(m.count)) row["count"] = number_of(m.count);
    if (!blank(m.note)) row["note"] = m.note;
    if (!blank(m.field)) row["field"] = core::trim_text(m.field);
    materials.push_back(std::move(row));
  }
  j["materials"] = std::move(materials);
  nlohmann::json faq = nlohmann::json::array();
  for (const auto& q : in.faq) faq.push_back({{"question", q.question}, {"answer", q.answer}});
  j["faq"] = std::move(faq);
  JsonText form = json_of(in.v.at("form"), "form", problems);
  JsonText licence = json_of(in.v.at("licence"), "licence", problems);
  JsonText entity = json_of(in.v.at("registers_entity"), "registers_entity", problems);
  if (form.value) j["form"] = std::move(*form.value);
  if (licence.value) j["licence"] = std::move(*licence.value);
  if (entity.value) j["registers_entity"] = std::move(*entity.value);

  auto parsed = parse_service_item(j);
  if (parsed && problems.empty()) return parsed;
  if (!parsed) {
    for (auto& e : parsed.error()) {
      // What a text box that is no JSON leaves out is not a problem of its own:
      // the form that fields refer to, the licence, the registration.
      auto under = [&](std::string_view element) {
        return e.field == element || e.field.starts_with(std::string(element) + ".");
      };
      bool refers =
          e.key == "services.item.material_field" || e.key == "services.item.bad_licence_source";
      if (form.bad && (under("form") || refers)) continue;
      if (licence.bad && under("licence")) continue;
      if (entity.bad && (under("registers_entity") || e.key == "services.item.bad_licence_source"))
        continue;
      problems.push_back(std::move(e));
    }
  }
  return std::unexpected(std::move(problems));
}

// ---- problems at their elements ----

std::vector<std::string> path_of(const std::string& field) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= field.size()) {
    std::size_t dot = field.find('.', start);
    if (dot == std::string::npos) dot = field.size();
    out.push_back(field.substr(start, dot - start));
    start = dot + 1;
  }
  return out;
}

bool is_index(const std::string& s) {
  return !s.empty() && s.size() < 4 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_list(std::string_view name) { return name == "materials" || name == "faq"; }

// The id of the control where a problem of an element is shown ("" for the
// item as a whole).
std::string control_id(const std::string& field) {
  if (field.empty()) return "";
  auto path = path_of(field);
  const std::string& head = path[0];
  if (is_list(head)) {
    if (path.size() < 2 || !is_index(path[1])) return "f-" + head;
    std::string part = path.size() > 2 ? path[2] : (head == "faq" ? "question" : "name");
    return "f-" + head + "-" + path[1] + "-" + part;
  }
  if (head == "note" || head == "reason" || head == "decision") return "f-" + head;
  return known_element(head) ? "f-" + head : "";
}

// The element a problem concerns, in words: "申请材料第 2 项 · 份数",
// "申请表（fields.0.name）".
std::string element_label(const render::PageRenderer& pages, const http::Request& req,
                          const std::string& field) {
  const auto& c = pages.catalogue();
  auto path = path_of(field);
  const std::string& head = path[0];
  std::string key = "services.catalogue.field." + head;
  if (!c.has(req.lang, key) && !c.has("zh-CN", key)) return field;
  std::string label = c.text(req.lang, key);
  if (path.size() < 2) return label;
  if ((is_list(head) || head == "themes") && is_index(path[1])) {
    std::string row = std::to_string(std::stoi(path[1]) + 1);
    label = c.text(req.lang, "services.catalogue.row", {{"list", label}, {"row", row}});
    if (path.size() > 2 && is_list(head))
      label += " · " + c.text(req.lang, "services.catalogue.field." + head + "." + path[2]);
    return label;
  }
  return c.text(req.lang, "services.catalogue.field_path",
                {{"element", label}, {"path", field.substr(head.size() + 1)}});
}

std::string problem_text(const render::PageRenderer& pages, const http::Request& req,
                         const Error& e) {
  std::string body = pages.catalogue().text(req.lang, e.key, e.params);
  if (e.field.empty()) return body;
  return pages.catalogue().text(req.lang, "error.field_prefix",
                                {{"field", element_label(pages, req, e.field)}, {"message", body}});
}

// Problems by the control they are shown at, and the list above the form.
struct Shown {
  std::map<std::string, std::string> at;
  nlohmann::json summary = nlohmann::json::array();

  nlohmann::json of(const std::string& id) const {
    auto it = at.find(id);
    return it == at.end() ? nlohmann::json() : nlohmann::json(it->second);
  }
};

Shown shown(const render::PageRenderer& pages, const http::Request& req,
            const std::vector<Error>& problems) {
  Shown out;
  for (const auto& e : problems) {
    std::string text = problem_text(pages, req, e);
    std::string id = control_id(e.field);
    out.summary.push_back(
        {{"href", id.empty() ? nlohmann::json() : nlohmann::json("#" + id)}, {"text", text}});
    if (!id.empty()) {
      std::string& s = out.at[id];
      s += (s.empty() ? "" : " ") + text;
    }
  }
  return out;
}

// ---- the item page: editor, versions, retiring, review ----

// What the item page shows.
struct ItemView {
  const CatalogueEntry* entry = nullptr;  // nullptr: a new item
  std::vector<ItemVersion> versions;      // newest first
  Input input;
  std::vector<Error> problems;  // of the elements, or of saving
  bool review_page = false;     // read-only, with the review form
  std::optional<Error> retire_problem, review_problem;
  std::string reason, note, decision;  // as typed
  std::optional<int> base;             // the version the editor started from, when posted
};

nlohmann::json options_of(const render::PageRenderer& pages, const http::Request& req,
                          const std::string& prefix, const std::vector<std::string_view>& values,
                          const std::string& chosen) {
  nlohmann::json out = nlohmann::json::array();
  for (auto v : values) {
    std::string value(v);
    out.push_back(
        {{"value", value}, {"label", pages.text(req, prefix + value)}, {"on", value == chosen}});
  }
  return out;
}

nlohmann::json field_model(const render::PageRenderer& pages, const http::Request& req,
                           const FieldSpec& s, const ItemView& view, const Shown& problems,
                           bool readonly) {
  std::string name(s.name);
  std::string id = "f-" + name;
  const std::string& value = view.input.v.at(name);
  const auto& c = pages.catalogue();
  nlohmann::json f = {{"id", id},
                      {"name", name},
                      {"label", c.text(req.lang, "services.catalogue.field." + name)},
                      {"required", s.required},
                      {"value", value},
                      {"readonly", readonly},
                      {"error", problems.of(id)},
                      {"maxlength", s.max ? nlohmann::json(s.max) : nlohmann::json()},
                      {"line", s.control == Control::line || s.control == Control::number},
                      {"numeric", s.control == Control::number},
                      {"textarea", s.control == Control::text || s.control == Control::json},
                      {"json", s.control == Control::json},
                      {"rows", s.control == Control::json ? 14 : 4}};
  if (s.hint)
    f["hint"] = c.text(req.lang, "services.catalogue.hint." + name,
                       {{"max_days", std::to_string(kMaxDays)},
                        {"max_visits", std::to_string(kMaxVisits)},
                        {"max_themes", std::to_string(kMaxThemes)}});
  if (name == "code" && view.entry) f["readonly"] = true;  // a saved item keeps its code
  std::string describedby = s.hint ? id + "-hint" : "";
  if (!f["error"].is_null()) describedby += (describedby.empty() ? "" : " ") + id + "-error";
  f["describedby"] = describedby.empty() ? nlohmann::json() : nlohmann::json(describedby);
  if (s.control == Control::select) {
    std::vector<std::string_view> values;
    if (name == "type")
      for (auto t :
           {ItemType::licensing, ItemType::payment, ItemType::confirmation, ItemType::ruling,
            ItemType::reward, ItemType::other_power, ItemType::public_service})
        values.push_back(item_type_name(t));
    else
      for (auto a : {Audience::individual, Audience::enterprise, Audience::both})
        values.push_back(audience_name(a));
    f["select"] = true;
    f["options"] = options_of(pages, req, "services." + name + ".", values, value);
  }
  return f;
}

nlohmann::json fields_model(const render::PageRenderer& pages, const http::Request& req,
                            const auto& specs, const ItemView& view, const Shown& problems,
                            bool readonly) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : specs) out.push_back(field_model(pages, req, s, view, problems, readonly));
  return out;
}

nlohmann::json materials_model(const render::PageRenderer& pages, const http::Request& req,
                               const ItemView& view, const Shown& problems, bool readonly) {
  nlohmann::json rows = nlohmann::json::array();
  std::size_t n = view.input.materials.size();
  std::size_t total = readonly ? n : std::min(n + kBlankRows, std::max(n, kMaxMaterials));
  std::vector<std::string_view> forms;
  for (auto f : {MaterialForm::original, MaterialForm::copy, MaterialForm::electronic})
    forms.push_back(material_form_name(f));
  for (std::size_t i = 0; i < total; ++i) {
    MaterialRow m = i < n ? view.input.materials[i] : MaterialRow{};
    std::string index = std::to_string(i);
    std::string id = "f-materials-" + index + "-";
    nlohmann::json row = {
        {"index", index},
        {"legend",
         pages.catalogue().text(req.lang, "services.catalogue.row",
                                {{"list", pages.text(req, "services.catalogue.field.materials")},
                                 {"row", std::to_string(i + 1)}})},
        {"name", m.name},
        {"count", m.count},
        {"required", m.required},
        {"note", m.note},
        {"field", m.field},
        {"forms", options_of(pages, req, "services.material.", forms, m.form)}};
    for (const char* part : {"name", "form", "count", "required", "note", "field"})
      row["err"][part] = problems.of(id + part);
    rows.push_back(std::move(row));
  }
  return rows;
}

nlohmann::json faq_model(const render::PageRenderer& pages, const http::Request& req,
                         const ItemView& view, const Shown& problems, bool readonly) {
  nlohmann::json rows = nlohmann::json::array();
  std::size_t n = view.input.faq.size();
  std::size_t total = readonly ? n : std::min(n + kBlankRows, std::max(n, kMaxQuestions));
  for (std::size_t i = 0; i < total; ++i) {
    QuestionRow q = i < n ? view.input.faq[i] : QuestionRow{};
    std::string index = std::to_string(i);
    std::string id = "f-faq-" + index + "-";
    nlohmann::json row = {{"index", index},
                          {"legend", pages.catalogue().text(
                                         req.lang, "services.catalogue.row",
                                         {{"list", pages.text(req, "services.catalogue.field.faq")},
                                          {"row", std::to_string(i + 1)}})},
                          {"question", q.question},
                          {"answer", q.answer}};
    for (const char* part : {"question", "answer"}) row["err"][part] = problems.of(id + part);
    rows.push_back(std::move(row));
  }
  return rows;
}

nlohmann::json history_model(const render::PageRenderer& pages, const http::Request& req,
                             const std::vector<ItemVersion>& versions) {
  nlohmann::json out = nlohmann::json::array();
  auto or_null = [](const std::string& s) {
    return s.empty() ? nlohmann::json() : nlohmann::json(s);
  };
  for (const auto& v : versions)
    out.push_back({{"version", v.version},
                   {"state_text", state_text(pages, req, v.state)},
                   {"published", v.state == VersionState::published},
                   {"name", v.item.name},
                   {"author", v.author},
                   {"created_at", identity::local_time(v.created_at)},
                   {"reviewer", or_null(v.reviewer)},
                   {"reviewed_at", v.reviewed_at.empty()
                                       ? nlohmann::json()
                                       : nlohmann::json(identity::local_time(v.reviewed_at))},
                   {"note", or_null(v.review_note)}});
  return out;
}

const char* const kDone[] = {"saved", "submitted", "retired", "restored", "published", "rejected"};

http::Response item_page(ServicePages& p, const http::Request& req, const ItemView& view,
                         int status = 200) {
  const auto& pages = p.identity.pages;
  const CatalogueEntry* e = view.entry;
  const ItemVersion* latest = view.versions.empty() ? nullptr : &view.versions.front();
  bool in_review = latest && latest->state == VersionState::in_review;
  bool readonly = view.review_page || in_review;
  Shown problems = shown(pages, req, view.problems);

  nlohmann::json m = {
      {"is_new", e == nullptr},
      {"review_page", view.review_page},
      {"readonly", readonly},
      {"head", fields_model(pages, req, kHead, view, problems, readonly)},
      {"body", fields_model(pages, req, kBody, view, problems, readonly)},
      {"tail", fields_model(pages, req, kTail, view, problems, readonly)},
      {"materials", materials_model(pages, req, view, problems, readonly)},
      {"faq", faq_model(pages, req, view, problems, readonly)},
      {"errors", problems.summary},
      {"has_errors", !view.problems.empty()},
      {"materials_error", problems.of("f-materials")},
      {"faq_error", problems.of("f-faq")},
      {"materials_hint", pages.catalogue().text(req.lang, "services.catalogue.hint.materials",
                                                {{"max", std::to_string(kMaxMaterials)}})},
      {"faq_hint", pages.catalogue().text(req.lang, "services.catalogue.hint.faq",
                                          {{"max", std::to_string(kMaxQuestions)}})},
      {"list_href", view.review_page ? kReviewBase : kEditBase}};
  std::string done = req.query.value("done");
  for (const char* d : kDone)
    if (done == d) m["done"] = pages.text(req, "services.catalogue.done." + done);

  if (!e) {
    m["heading"] = pages.text(req, "services.catalogue.new_title");
    m["action"] = kEditBase + "/new";
    nlohmann::json organs = nlohmann::json::array();
    std::vector<long long> granted =
        organs_of(req, perm::kItemEdit).value_or(std::vector<long long>{});
    for (long long id : granted)
      organs.push_back({{"id", id},
                        {"name", organ_name(p, req, id)},
                        {"on", std::to_string(id) == view.input.organ_id || granted.size() == 1}});
    m["organs"] = organs;
    m["organ_error"] = problems.of("f-organ_id");
    return pages.form_page(req, "services/catalogue_item", "services.catalogue.new_title", m,
                           status);
  }

  std::string id = std::to_string(e->id);
  std::string edit_href = kEditBase + "/" + id, review_href = kReviewBase + "/" + id;
  m["heading"] = latest ? latest->item.name : e->name;
  m["action"] = edit_href;
  m["base"] = view.base.value_or(e->latest_version);
  m["item"] = {{"code", e->code},
               {"organ", organ_name(p, req, e->organ_id)},
               {"latest", e->latest_version},
               {"state_text", e->retired ? pages.text(req, "services.catalogue.state.retired")
                                         : state_text(pages, req, e->latest_state)},
               {"published_version",
                e->published_version ? nlohmann::json(e->published_version) : nlohmann::json()},
               {"retired", e->retired},
               {"retired_reason", e->retired_reason}};
  if (e->published_version && !e->retired)
    m["preview_href"] =
        p.identity.public_base_url + "/services/items/" + http::percent_encode(e->code);
  m["in_review"] = in_review;
  m["history"] = history_model(pages, req, view.versions);
  m["has_history"] = !view.versions.empty();

  // Retiring and restoring, on the editor.
  bool edits = req.principal->holds(perm::kItemEdit, e->organ_id);
  if (edits && !view.review_page && e->published_version) {
    m["retire"] = {{"action", edit_href + "/retire"},
                   {"retired", e->retired},
                   {"reason", view.reason},
                   {"error", view.retire_problem
                                 ? nlohmann::json(problem_text(pages, req, *view.retire_problem))
                                 : nlohmann::json()}};
  }
  if (view.review_page && edits) m["edit_href"] = edit_href;
  // The review form, for a reviewer of the organ while a version awaits review.
  bool reviews = req.principal->holds(perm::kItemReview, e->organ_id);
  if (reviews && in_review) {
    m["review"] = {{"action", review_href},
                   {"version", latest->version},
                   {"own", latest->author == req.principal->name},
                   {"note", view.note},
                   {"publish", view.decision == "publish"},
                   {"reject", view.decision == "reject"},
                   {"error", view.review_problem
                                 ? nlohmann::json(problem_text(pages, req, *view.review_problem))
                                 : nlohmann::json()}};
  }
  if (view.review_page && !in_review) m["nothing_to_review"] = true;
  return pages.form_page(
      req, "services/catalogue_item",
      view.review_page ? "services.catalogue.review_item_title" : "services.catalogue.edit_title",
      m, status);
}

// The item page of an entry the principal may see, its latest version shown.
http::Response show_item(ServicePages& p, const http::Request& req, const CatalogueEntry& e,
                         ItemView view, int status = 200) {
  auto versions = p.online.items().versions(e.id);
  if (!versions) return failed(p, req, versions.error());
  view.entry = &e;
  view.versions = std::move(*versions);
  if (view.input.v.empty())
    view.input = view.versions.empty() ? blank_input() : input_of(view.versions.front().item);
  return item_page(p, req, view, status);
}

http::Response edit_get(ServicePages& p, http::Request& req) {
  auto e = item_for(p, req, perm::kItemEdit);
  if (!e) return failed(p, req, e.error());
  if (!*e) return not_found(p, req);
  return show_item(p, req, **e, {});
}

http::Response review_get(ServicePages& p, http::Request& req) {
  auto e = item_for(p, req, perm::kItemReview);
  if (!e) return failed(p, req, e.error());
  if (!*e) return not_found(p, req);
  return show_item(p, req, **e, {.review_page = true});
}

http::Response new_get(ServicePages& p, http::Request& req) {
  ItemView view;
  view.input = blank_input();
  return item_page(p, req, view);
}

// The version the editor was opened on (its hidden "base" field).
std::optional<int> posted_base(const http::FormData& form) {
  std::string typed = form.value("base");
  int base = 0;
  auto [end, ec] = std::from_chars(typed.data(), typed.data() + typed.size(), base);
  if (ec != std::errc() || end != typed.data() + typed.size() || base < 0) return std::nullopt;
  return base;
}

// Saves what was typed as a draft (and submits it when asked): the item's
// page again on success, the editor with every problem otherwise.
http::Response save_post(ServicePages& p, http::Request& req, bool create) {
  auto form = req.form();
  if (!form) return p.identity.pages.error(req, form.error().status, form.error().key);
  std::optional<CatalogueEntry> entry;
  if (!create) {
    auto e = item_for(p, req, perm::kItemEdit);
    if (!e) return failed(p, req, e.error());
    if (!*e) return not_found(p, req);
    entry = std::move(**e);
  }
  ItemView view;
  view.input = input_of(*form);
  std::string code = entry ? entry->code : view.input.v.at("code");
  if (entry) view.input.v["code"] = entry->code;
  long long organ = entry ? entry->organ_id : 0;
  if (create) {
    auto [end, ec] = std::from_chars(
        view.input.organ_id.data(), view.input.organ_id.data() + view.input.organ_id.size(), organ);
    if (ec != std::errc() || end != view.input.organ_id.data() + view.input.organ_id.size() ||
        !req.principal->holds(perm::kItemEdit, organ)) {
      organ = 0;
      view.problems.emplace_back("services.catalogue.organ_required", "organ_id");
    }
  }
  bool submit = form->value("_action") == "submit";
  auto item = item_of(view.input, code);
  if (!item) view.problems.insert(view.problems.end(), item.error().begin(), item.error().end());
  if (view.problems.empty()) {
    DraftOptions options{.create = create, .submit = submit};
    if (!create) options.base_version = posted_base(*form).value_or(-1);
    auto saved = p.online.items().save_draft(*item, organ, identity::who(req), options);
    if (saved)
      return http::Response::redirect(kEditBase + "/" + std::to_string(saved->item_id) +
                                          "?done=" + (submit ? "submitted" : "saved"),
                                      303);
    if (is_internal(saved.error())) return failed(p, req, saved.error());
    view.problems.push_back(saved.error());
  }
  // Shown again, the editor still stands on the version it started from,
  // unless it was told that another came since (saving then replaces it).
  bool changed = !view.problems.empty() && view.problems.back().key == "services.catalogue.changed";
  if (!changed) view.base = posted_base(*form);
  if (!entry) return item_page(p, req, view, 400);
  return show_item(p, req, *entry, std::move(view), 400);
}

http::Response retire_post(ServicePages& p, http::Request& req) {
  auto form = req.form();
  if (!form) return p.identity.pages.error(req, form.error().status, form.error().key);
  auto e = item_for(p, req, perm::kItemEdit);
  if (!e) return failed(p, req, e.error());
  if (!*e) return not_found(p, req);
  bool retire = form->value("_action") != "restore";
  std::string reason = form->value("reason");
  auto r = p.online.items().retire((*e)->id, retire, reason, identity::who(req));
  if (r)
    return http::Response::redirect(
        kEditBase + "/" + std::to_string((*e)->id) + "?done=" + (retire ? "retired" : "restored"),
        303);
  if (is_internal(r.error())) return failed(p, req, r.error());
  ItemView view;
  view.retire_problem = r.error();
  view.reason = reason;
  return show_item(p, req, **e, std::move(view), 400);
}

http::Response review_post(ServicePages& p, http::Request& req) {
  auto form = req.form();
  if (!form) return p.identity.pages.error(req, form.error().status, form.error().key);
  auto e = item_for(p, req, perm::kItemReview);
  if (!e) return failed(p, req, e.error());
  if (!*e) return not_found(p, req);
  ItemView view{.review_page = true};
  view.decision = form->value("decision");
  view.note = form->value("note");
  int status = 400;
  if (view.decision != "publish" && view.decision != "reject") {
    view.review_problem = Error("services.catalogue.decision_required", "decision");
  } else {
    bool publish = view.decision == "publish";
    auto r = p.online.items().review((*e)->id, publish, view.note, identity::who(req));
    if (r)
      return http::Response::redirect(kReviewBase + "/" + std::to_string((*e)->id) +
                                          "?done=" + (publish ? "published" : "rejected"),
                                      303);
    if (is_internal(r.error())) return failed(p, req, r.error());
    if (r.error().key == "services.catalogue.own_version") status = 403;
    view.review_problem = r.error();
  }
  return show_item(p, req, **e, std::move(view), status);
}

// ---- the list ----

struct ListMode {
  const char* permission;
  const std::string& base;
  const char* title_key;
  bool review;
};

http::Response list_page(ServicePages& p, http::Request& req, const ListMode& mode) {
  const auto& pages = p.identity.pages;
  CatalogueQuery q;
  q.organs = organs_of(req, mode.permission);
  // One of the organs granted, when asked for.
  long long organ = std::atoll(req.query.value("organ").c_str());
  if (organ > 0 && req.principal->holds(mode.permission, organ))
    q.organs = std::vector<long long>{organ};
  else
    organ = 0;
  q.query = core::trim_text(core::cut_utf8(req.query.value("q"), kMaxQueryBytes));
  std::string state = req.query.value("state");
  if (mode.review && state.empty()) state = "in_review";  // what awaits review, first
  if (state == "retired")
    q.retired = true;
  else if (auto s = parse_version_state(state); s && s != VersionState::superseded)
    q.state = s;
  else
    state = "all";
  std::string sort = req.query.value("sort") == "code" ? "code" : "name";
  q.by_code = sort == "code";
  q.descending = req.query.value("dir") == "desc";

  auto page = render::page_request(req, kPageSize);
  auto list = p.online.items().list_items(q, page.offset(), kPageSize);
  if (!list) return failed(p, req, list.error());

  std::map<long long, std::string> names;
  auto name_of = [&](long long id) -> const std::string& {
    auto it = names.find(id);
    if (it == names.end()) it = names.emplace(id, organ_name(p, req, id)).first;
    return it->second;
  };
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& e : list->entries) {
    std::string id = std::to_string(e.id);
    rows.push_back(
        {{"href", (mode.review ? kReviewBase : kEditBase) + "/" + id},
         {"name", e.name},
         {"code", e.code},
         {"organ", name_of(e.organ_id)},
         {"latest", e.latest_version},
         {"state", e.retired ? "retired" : std::string(version_state_name(e.latest_state))},
         {"state_text", e.retired ? pages.text(req, "services.catalogue.state.retired")
                                  : state_text(pages, req, e.latest_state)},
         {"published_version",
          e.published_version ? nlohmann::json(e.published_version) : nlohmann::json()},
         {"updated_at", identity::local_time(e.updated_at)}});
  }
  nlohmann::json states = nlohmann::json::array();
  for (const char* s : {"all", "draft", "in_review", "published", "rejected", "retired"})
    states.push_back({{"value", s},
                      {"label", pages.text(req, std::string("services.catalogue.state.") + s)},
                      {"on", state == s}});
  nlohmann::json organs = nlohmann::json::array();
  auto granted = organs_of(req, mode.permission);
  if (granted && granted->size() > 1)
    for (long long id : *granted)
      organs.push_back({{"id", id}, {"name", name_of(id)}, {"on", id == organ}});
  nlohmann::json columns = nlohmann::json::object();
  for (const char* c : {"name", "code"}) {
    bool current = sort == c;
    std::string dir = current && !q.descending ? "desc" : "asc";
    columns[c] = {{"href", render::with_query(req, {{"sort", c}, {"dir", dir}})},
                  {"aria_sort", current ? (q.descending ? "descending" : "ascending") : "none"}};
  }
  nlohmann::json m = {{"base", mode.base},
                      {"review", mode.review},
                      {"items", rows},
                      {"has_items", !rows.empty()},
                      {"q", q.query},
                      {"states", states},
                      {"organs", organs},
                      {"has_organs", !organs.empty()},
                      {"sort", sort},
                      {"dir", q.descending ? "desc" : "asc"},
                      {"columns", columns},
                      {"pager", render::pager(req, page, list->total)},
                      {"can_create", !mode.review}};
  return pages.page(req, "services/catalogue_list", mode.title_key, m);
}

}  // namespace

void register_catalogue_routes(http::Router& router, ServicePages& p) {
  using http::Zone;
  const std::string edit(perm::kItemEdit), review(perm::kItemReview);
  router.add(
      {.method = "GET",
       .pattern = kEditBase,
       .zone = Zone::intranet,
       .permission = edit,
       .handler = [&p](http::Request& req) {
         return list_page(p, req, {perm::kItemEdit, kEditBase, "services.catalogue.title", false});
       }});
  router.add({.method = "GET",
              .pattern = kEditBase + "/new",
              .zone = Zone::intranet,
              .permission = edit,
              .handler = [&p](http::Request& req) { return new_get(p, req); }});
  router.add({.method = "POST",
              .pattern = kEditBase + "/new",
              .zone = Zone::intranet,
              .permission = edit,
              .handler = [&p](http::Request& req) { return save_post(p, req, true); }});
  router.add({.method = "GET",
              .pattern = kEditBase + "/{id}",
              .zone = Zone::intranet,
              .permission = edit,
              .handler = [&p](http::Request& req) { return edit_get(p, req); }});
  router.add({.method = "POST",
              .pattern = kEditBase + "/{id}",
              .zone = Zone::intranet,
              .permission = edit,
              .handler = [&p](http::Request& req) { return save_post(p, req, false); }});
  router.add({.method = "POST",
              .pattern = kEditBase + "/{id}/retire",
              .zone = Zone::intranet,
              .permission = edit,
              .handler = [&p](http::Request& req) { return retire_post(p, req); }});
  router.add({.method = "GET",
              .pattern = kReviewBase,
              .zone = Zone::intranet,
              .permission = review,
              .handler = [&p](http::Request& req) {
                return list_page(
                    p, req,
                    {perm::kItemReview, kReviewBase, "services.catalogue.review_title", true});
              }});
  router.add({.method = "GET",
              .pattern = kReviewBase + "/{id}",
              .zone = Zone::intranet,
              .permission = review,
              .handler = [&p](http::Request& req) { return review_get(p, req); }});
  router.add({.method = "POST",
              .pattern = kReviewBase + "/{id}",
              .zone = Zone::intranet,
              .permission = review,
              .handler = [&p](http::Request& req) { return review_post(p, req); }});
}

}  // namespace yiwang::services
