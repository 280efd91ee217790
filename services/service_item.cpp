#include "services/service_item.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <regex>
#include <set>
#include <utility>

#include "core/enum_names.hpp"
#include "core/text_rules.hpp"
#include "services/licence_id.hpp"

namespace yiwang::services {

namespace {

constexpr std::array<std::pair<ItemType, std::string_view>, 7> kTypes{{
    {ItemType::licensing, "licensing"},
    {ItemType::payment, "payment"},
    {ItemType::confirmation, "confirmation"},
    {ItemType::ruling, "ruling"},
    {ItemType::reward, "reward"},
    {ItemType::other_power, "other_power"},
    {ItemType::public_service, "public_service"},
}};
constexpr std::array<std::pair<Audience, std::string_view>, 3> kAudiences{{
    {Audience::individual, "individual"},
    {Audience::enterprise, "enterprise"},
    {Audience::both, "both"},
}};
constexpr std::array<std::pair<MaterialForm, std::string_view>, 3> kForms{{
    {MaterialForm::original, "original"},
    {MaterialForm::copy, "copy"},
    {MaterialForm::electronic, "electronic"},
}};

const std::set<std::string, std::less<>> kKeys{"code",          "name",
                                               "type",          "legal_basis",
                                               "conditions",    "materials",
                                               "procedure",     "statutory_days",
                                               "promised_days", "special_procedures",
                                               "fees",          "place",
                                               "hours",         "visits",
                                               "phone",         "complaint_phone",
                                               "faq",           "audience",
                                               "themes",        "process_key",
                                               "form",          "issues_licence",
                                               "licence",       "registers_entity"};

// Collects every problem of an item, each named by its element.
class Reader {
 public:
  std::vector<Error> problems;

  void problem(std::string key, std::string field, std::map<std::string, std::string> p = {}) {
    if (problems.size() < 200)
      problems.emplace_back(std::move(key), std::move(field), std::move(p));
  }

  std::string text(const nlohmann::json& j, const char* key, const std::string& field,
                   std::size_t max, bool required) {
    auto it = j.find(key);
    std::string value;
    if (it != j.end() && !it->is_null()) {
      if (!it->is_string()) {
        problem("services.item.not_text", field);
        return "";
      }
      value = it->get<std::string>();
    }
    // Guide texts may run over several lines; other characters obey the text rules.
    std::string check = value;
    for (auto& c : check)
      if (c == '\n' || c == '\r') c = ' ';
    auto t = core::check_text(check, field, max, required);
    if (!t) {
      std::string rule = t.error().key.substr(t.error().key.find('.') + 1);
      problem("services.item.text_" + rule, field, {{"max", std::to_string(max)}});
      return "";
    }
    return core::trim_text(value);
  }

  int integer(const nlohmann::json& j, const char* key, const std::string& field, int low, int high,
              int fallback, bool required) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
      if (required) problem("services.item.required", field);
      return fallback;
    }
    if (!it->is_number_integer() || it->get<long long>() < low || it->get<long long>() > high) {
      problem("services.item.bad_integer", field,
              {{"min", std::to_string(low)}, {"max", std::to_string(high)}});
      return fallback;
    }
    return static_cast<int>(it->get<long long>());
  }

  bool boolean(const nlohmann::json& j, const char* key, const std::string& field, bool fallback) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) {
      problem("services.item.not_boolean", field);
      return fallback;
    }
    return it->get<bool>();
  }

  std::string phone(const nlohmann::json& j, const char* key) {
    std::string raw = text(j, key, key, 20, true);
    if (raw.empty()) return "";
    // 12345 and similar service hotlines are short numbers.
    static const std::regex hotline("[0-9]{5}");
    if (std::regex_match(raw, hotline)) return raw;
    auto p = core::check_phone(raw, key);
    if (!p) {
      problem("services.item.bad_phone", key);
      return "";
    }
    return *p;
  }

  ServiceItem read(const nlohmann::json& j) {
    ServiceItem item;
    for (const auto& [key, value] : j.items())
      if (!kKeys.contains(key))
        problem("services.item.unknown_key", key, {{"key", core::cut_utf8(key, 60)}});
    static const std::regex code_rule("[0-9A-Z-]{1,40}");
    item.code = text(j, "code", "code", 40, true);
    if (!item.code.empty() && !std::regex_match(item.code, code_rule))
      problem("services.item.bad_code", "code");
    item.name = text(j, "name", "name", 100, true);
    std::string type =
        j.value("type", nlohmann::json()).is_string() ? j["type"].get<std::string>() : "";
    if (auto t = parse_item_type(type))
      item.type = *t;
    else
      problem("services.item.bad_type", "type", {{"type", core::cut_utf8(type, 40)}});
    item.legal_basis = text(j, "legal_basis", "legal_basis", 4000, true);
    item.conditions = text(j, "conditions", "conditions", 4000, true);
    item.procedure = text(j, "procedure", "procedure", 4000, true);
    item.special_procedures = text(j, "special_procedures", "special_procedures", 2000, false);
    item.fees = text(j, "fees", "fees", 500, true);
    item.place = text(j, "place", "place", 200, true);
    item.hours = text(j, "hours", "hours", 200, true);
    item.statutory_days = integer(j, "statutory_days", "statutory_days", 1, kMaxDays, 20, true);
    item.promised_days = integer(j, "promised_days", "promised_days", 1, kMaxDays, 20, true);
    if (item.promised_days > item.statutory_days)
      problem("services.item.promise_over_statute", "promised_days",
              {{"statutory", std::to_string(item.statutory_days)}});
    item.visits = integer(j, "visits", "visits", 0, kMaxVisits, 0, true);
    item.phone = phone(j, "phone");
    item.complaint_phone = phone(j, "complaint_phone");
    std::string audience =
        j.value("audience", nlohmann::json()).is_string() ? j["audience"].get<std::string>() : "";
    if (auto a = parse_audience(audience))
      item.audience = *a;
    else
      problem("services.item.bad_audience", "audience");
    static const std::regex key_rule("[a-z][a-z0-9_.-]{0,63}");
    std::string key = text(j, "process_key", "process_key", 64, true);
    if (!key.empty() && !std::regex_match(key, key_rule))
      problem("services.item.bad_process_key", "process_key");
    item.process_key = key;
    item.issues_licence = boolean(j, "issues_licence", "issues_licence", false);
    themes(j, item);
    questions(j, item);
    form(j, item);
    materials(j, item);
    registration(j, item);
    licence(j, item);
    return item;
  }

  // The legal-entity record an approved case registers: the category and,
  // for each element, a text field of the form or a fixed "=text".
  void registration(const nlohmann::json& j, ServiceItem& item) {
    auto it = j.find("registers_entity");
    if (it == j.end() || it->is_null()) return;
    if (!it->is_object()) {
      problem("services.item.not_object", "registers_entity");
      return;
    }
    EntityRegistration r;
    std::string category = text(*it, "category", "registers_entity.category", 1, true);
    if (category != "1" && category != "2" && category != "3")
      problem("services.item.bad_entity_category", "registers_entity.category");
    else
      r.category = category[0];
    auto elements = it->find("elements");
    if (elements == it->end() || !elements->is_object()) {
      problem("services.item.not_object", "registers_entity.elements");
      return;
    }
    for (const auto& [name, value] : elements->items()) {
      std::string path = "registers_entity.elements." + core::cut_utf8(name, 40);
      if (std::find(kEntityElements.begin(), kEntityElements.end(), name) ==
          kEntityElements.end()) {
        problem("services.item.unknown_key", path, {{"key", core::cut_utf8(name, 40)}});
        continue;
      }
      std::string source = text(*elements, name.c_str(), path, 100, true);
      if (source.empty()) continue;
      if (source[0] != '=' && !licence_source_ok(item.form, source))
        problem("services.item.bad_licence_source", path, {{"from", source}});
      r.elements[name] = source;
    }
    for (const char* needed : {"name", "kind", "legal_representative"})
      if (!r.elements.contains(needed))
        problem("services.item.required", std::string("registers_entity.elements.") + needed);
    item.registers_entity = std::move(r);
  }

  // The licence template: its key, name and type code, its validity, and
  // elements that each take a field of the form.
  void licence(const nlohmann::json& j, ServiceItem& item) {
    auto it = j.find("licence");
    if (it == j.end() || it->is_null()) {
      if (item.issues_licence) problem("services.item.licence_required", "licence");
      return;
    }
    if (!it->is_object()) {
      problem("services.item.not_object", "licence");
      return;
    }
    static const std::regex key_rule("[a-z][a-z0-9_]{0,39}");
    LicenceTemplate t;
    t.key = text(*it, "key", "licence.key", 40, true);
    if (!t.key.empty() && !std::regex_match(t.key, key_rule))
      problem("services.item.bad_licence_key", "licence.key");
    t.name = text(*it, "name", "licence.name", 40, true);
    t.type_code = text(*it, "type_code", "licence.type_code", 21, true);
    if (!t.type_code.empty() && !licence_type_code_ok(t.type_code))
      problem("services.licence_id.type_code", "licence.type_code");
    t.valid_years =
        integer(*it, "valid_years", "licence.valid_years", 0, kMaxLicenceYears, 0, false);
    auto elements = it->find("elements");
    if (elements == it->end() || !elements->is_array() || elements->empty() ||
        elements->size() > kMaxLicenceElements) {
      problem("services.item.bad_list", "licence.elements",
              {{"max", std::to_string(kMaxLicenceElements)}});
    } else {
      for (std::size_t i = 0; i < elements->size(); ++i) {
        const auto& e = (*elements)[i];
        std::string path = "licence.elements." + std::to_string(i);
        if (!e.is_object()) {
          problem("services.item.not_object", path);
          continue;
        }
        LicenceElement out{text(e, "element", path + ".element", 40, true),
                           text(e, "label", path + ".label", 20, true),
                           text(e, "from", path + ".from", 81, true)};
        if (!out.element.empty() && !std::regex_match(out.element, key_rule))
          problem("services.item.bad_licence_key", path + ".element");
        for (const auto& earlier : t.elements)
          if (earlier.element == out.element)
            problem("services.item.duplicate_element", path + ".element");
        bool registered = item.registers_entity && out.from == "registered.credit_code";
        if (!out.from.empty() && !registered && !licence_source_ok(item.form, out.from))
          problem("services.item.bad_licence_source", path + ".from", {{"from", out.from}});
        t.elements.push_back(std::move(out));
      }
    }
    item.issues_licence = true;
    item.licence = std::move(t);
  }

  // A field whose value can stand on a licence: text-like, top level or in a
  // group that is not repeated.
  static bool licence_source_ok(const forms::FormSchema& form, const std::string& path) {
    auto dot = path.find('.');
    const forms::Field* f = form.field(path.substr(0, dot));
    if (f && dot != std::string::npos) {
      if (f->type != forms::FieldType::group || f->repeatable()) return false;
      f = f->child(path.substr(dot + 1));
    }
    return f && f->type != forms::FieldType::file && f->type != forms::FieldType::group;
  }

  void themes(const nlohmann::json& j, ServiceItem& item) {
    auto it = j.find("themes");
    if (it == j.end() || it->is_null()) return;
    if (!it->is_array() || it->size() > kMaxThemes) {
      problem("services.item.bad_list", "themes", {{"max", std::to_string(kMaxThemes)}});
      return;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      auto t = (*it)[i].is_string() ? core::check_text((*it)[i].get<std::string>(), "themes", 20)
                                    : Result<std::string>(fail("text.required"));
      if (!t)
        problem("services.item.bad_theme", "themes." + std::to_string(i));
      else if (std::find(item.themes.begin(), item.themes.end(), *t) == item.themes.end())
        item.themes.push_back(*t);
    }
  }

  void questions(const nlohmann::json& j, ServiceItem& item) {
    auto it = j.find("faq");
    if (it == j.end() || it->is_null()) return;
    if (!it->is_array() || it->size() > kMaxQuestions) {
      problem("services.item.bad_list", "faq", {{"max", std::to_string(kMaxQuestions)}});
      return;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& q = (*it)[i];
      std::string path = "faq." + std::to_string(i);
      if (!q.is_object()) {
        problem("services.item.not_object", path);
        continue;
      }
      Question out{text(q, "question", path + ".question", 200, true),
                   text(q, "answer", path + ".answer", 2000, true)};
      if (!out.question.empty() && !out.answer.empty()) item.faq.push_back(std::move(out));
    }
  }

  void form(const nlohmann::json& j, ServiceItem& item) {
    auto it = j.find("form");
    if (it == j.end() || it->is_null()) {
      problem("services.item.required", "form");
      return;
    }
    auto parsed = forms::parse_schema_json(*it);
    if (!parsed) {
      for (auto e : parsed.error()) {
        e.field = e.field.empty() ? "form" : "form." + e.field;
        if (problems.size() < 200) problems.push_back(std::move(e));
      }
      return;
    }
    item.form = std::move(*parsed);
  }

  void materials(const nlohmann::json& j, ServiceItem& item) {
    auto it = j.find("materials");
    if (it == j.end() || it->is_null()) return;  // some services need no material
    if (!it->is_array() || it->size() > kMaxMaterials) {
      problem("services.item.bad_list", "materials", {{"max", std::to_string(kMaxMaterials)}});
      return;
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& m = (*it)[i];
      std::string path = "materials." + std::to_string(i);
      if (!m.is_object()) {
        problem("services.item.not_object", path);
        continue;
      }
      Material out;
      out.name = text(m, "name", path + ".name", 100, true);
      std::string form =
          m.value("form", nlohmann::json()).is_string() ? m["form"].get<std::string>() : "";
      if (auto f = parse_material_form(form))
        out.form = *f;
      else
        problem("services.item.bad_material_form", path + ".form");
      out.count = integer(m, "count", path + ".count", 1, 99, 1, false);
      out.required = boolean(m, "required", path + ".required", true);
      out.note = text(m, "note", path + ".note", 500, false);
      out.field = text(m, "field", path + ".field", 40, false);
      if (!out.field.empty()) {
        const forms::Field* f = item.form.field(out.field);
        if (!f || f->type != forms::FieldType::file)
          problem("services.item.material_field", path + ".field", {{"field", out.field}});
      }
      if (!out.name.empty() && !names.insert(out.name).second)
        problem("services.item.duplicate_material", path + ".name");
      item.materials.push_back(std::move(out));
    }
  }
};

}  // namespace

std::string_view item_type_name(ItemType t) { return core::name_in(kTypes, t); }
std::optional<ItemType> parse_item_type(std::string_view n) { return core::parse_in(kTypes, n); }
std::string_view audience_name(Audience a) { return core::name_in(kAudiences, a); }
std::optional<Audience> parse_audience(std::string_view n) { return core::parse_in(kAudiences, n); }
std::string_view material_form_name(MaterialForm f) { return core::name_in(kForms, f); }
std::optional<MaterialForm> parse_material_form(std::string_view n) {
  return core::parse_in(kForms, n);
}

std::expected<ServiceItem, std::vector<Error>> parse_service_item(const nlohmann::json& json) {
  if (!json.is_object())
    return std::unexpected(std::vector<Error>{Error("services.item.not_object")});
  Reader r;
  ServiceItem item = r.read(json);
  if (!r.problems.empty()) return std::unexpected(std::move(r.problems));
  return item;
}

nlohmann::json service_item_json(const ServiceItem& item) {
  nlohmann::json materials = nlohmann::json::array();
  for (const auto& m : item.materials) {
    nlohmann::json j = {{"name", m.name},
                        {"form", material_form_name(m.form)},
                        {"count", m.count},
                        {"required", m.required}};
    if (!m.note.empty()) j["note"] = m.note;
    if (!m.field.empty()) j["field"] = m.field;
    materials.push_back(std::move(j));
  }
  nlohmann::json faq = nlohmann::json::array();
  for (const auto& q : item.faq) faq.push_back({{"question", q.question}, {"answer", q.answer}});
  nlohmann::json out = {{"code", item.code},
                        {"name", item.name},
                        {"type", item_type_name(item.type)},
                        {"legal_basis", item.legal_basis},
                        {"conditions", item.conditions},
                        {"materials", materials},
                        {"procedure", item.procedure},
                        {"statutory_days", item.statutory_days},
                        {"promised_days", item.promised_days},
                        {"fees", item.fees},
                        {"place", item.place},
                        {"hours", item.hours},
                        {"visits", item.visits},
                        {"phone", item.phone},
                        {"complaint_phone", item.complaint_phone},
                        {"faq", faq},
                        {"audience", audience_name(item.audience)},
                        {"themes", item.themes},
                        {"process_key", item.process_key},
                        {"form", forms::schema_json(item.form)},
                        {"issues_licence", item.issues_licence}};
  if (!item.special_procedures.empty()) out["special_procedures"] = item.special_procedures;
  if (item.licence) {
    nlohmann::json elements = nlohmann::json::array();
    for (const auto& e : item.licence->elements)
      elements.push_back({{"element", e.element}, {"label", e.label}, {"from", e.from}});
    out["licence"] = {{"key", item.licence->key},
                      {"name", item.licence->name},
                      {"type_code", item.licence->type_code},
                      {"valid_years", item.licence->valid_years},
                      {"elements", elements}};
  }
  if (item.registers_entity)
    out["registers_entity"] = {{"category", std::string(1, item.registers_entity->category)},
                               {"elements", item.registers_entity->elements}};
  return out;
}

nlohmann::json form_value_at(const nlohmann::json& values, const std::string& path) {
  auto dot = path.find('.');
  std::string top = path.substr(0, dot);
  if (!values.is_object() || !values.contains(top)) return nullptr;
  if (dot == std::string::npos) return values[top];
  const auto& group = values[top];
  std::string inner = path.substr(dot + 1);
  return group.is_object() && group.contains(inner) ? group[inner] : nlohmann::json();
}

std::string form_value_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) {
    // A whole amount reads as one ("100", not "100.0").
    double d = v.get<double>();
    if (std::abs(d) < 1e15 && d == std::floor(d)) return std::to_string(static_cast<long long>(d));
    return v.dump();
  }
  if (v.is_boolean()) return v.get<bool>() ? "是" : "否";
  if (v.is_array()) {
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : "、") + form_value_text(x);
    return out;
  }
  if (v.is_object()) {
    if (v.contains("division_name")) return v.value("division_name", "") + v.value("detail", "");
    if (v.contains("name")) return v.value("name", "");
  }
  return "";
}

}  // namespace yiwang::services
