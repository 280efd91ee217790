#include "forms/schema.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <regex>
#include <set>
#include <utility>

#include "core/civil_date.hpp"
#include "core/text_rules.hpp"
#include "forms/bindings.hpp"
#include "forms/file_types.hpp"

namespace yiwang::forms {

namespace {

constexpr std::array<std::pair<FieldType, std::string_view>, 15> kTypes{{
    {FieldType::text, "text"},
    {FieldType::textarea, "textarea"},
    {FieldType::number, "number"},
    {FieldType::date, "date"},
    {FieldType::select, "select"},
    {FieldType::radio, "radio"},
    {FieldType::checkbox, "checkbox"},
    {FieldType::citizen_id, "citizen_id"},
    {FieldType::credit_code, "credit_code"},
    {FieldType::division, "division"},
    {FieldType::address, "address"},
    {FieldType::phone, "phone"},
    {FieldType::email, "email"},
    {FieldType::file, "file"},
    {FieldType::group, "group"},
}};

constexpr std::size_t kMaxLabelChars = 100;
constexpr std::size_t kMaxHintChars = 500;
constexpr std::size_t kDefaultText = 200;
constexpr std::size_t kDefaultTextarea = 2000;
constexpr std::size_t kDefaultFileBytes = 10 << 20;

const std::set<std::string, std::less<>> kFieldKeys{
    "name",      "type",       "label",      "label_en",  "hint",   "hint_en",
    "required",  "min_length", "max_length", "min",       "max",    "decimals",
    "unit",      "min_date",   "max_date",   "options",   "accept", "max_bytes",
    "max_files", "fields",     "min_items",  "max_items", "when",   "bind"};
const std::set<std::string, std::less<>> kFormKeys{"title", "title_en", "fields"};

bool has_options(FieldType t) {
  return t == FieldType::select || t == FieldType::radio || t == FieldType::checkbox;
}
bool has_text_length(FieldType t) {
  return t == FieldType::text || t == FieldType::textarea || t == FieldType::address;
}

// Reads one schema level by level, collecting every problem rather than
// stopping at the first: an administrator fixes a file in one go.
class Reader {
 public:
  std::vector<Error> problems;
  std::size_t count = 0;

  void problem(std::string key, const std::string& path,
               std::map<std::string, std::string> params = {}) {
    if (problems.size() < 200) problems.emplace_back(std::move(key), path, std::move(params));
  }

  std::vector<Field> level(const nlohmann::json& list, const std::string& prefix, int depth) {
    std::vector<Field> out;
    if (!list.is_array() || list.empty()) {
      problem(prefix.empty() ? "forms.schema.no_fields" : "forms.schema.empty_group", prefix);
      return out;
    }
    std::set<std::string> names;
    for (const auto& item : list) {
      if (++count > kMaxFields) {
        if (count == kMaxFields + 1)
          problem("forms.schema.too_many_fields", prefix, {{"max", std::to_string(kMaxFields)}});
        continue;
      }
      Field f = field(item, prefix, depth);
      if (f.name.empty()) continue;
      if (!names.insert(f.name).second)
        problem("forms.schema.duplicate_name", path_of(prefix, f.name));
      out.push_back(std::move(f));
    }
    // Conditions refer to a sibling or to a top-level field; the top level is
    // checked once it is complete (see parse).
    for (const auto& f : out)
      if (f.when)
        pending_.push_back({path_of(prefix, f.name), f.when->field, f.name, f.when->equals});
    return out;
  }

  std::string text_of(const nlohmann::json& item, const char* key, const std::string& path,
                      std::size_t max_chars, bool required) {
    auto it = item.find(key);
    if (it == item.end() || it->is_null()) {
      if (required) problem(std::string("forms.schema.") + key + "_required", path);
      return "";
    }
    if (!it->is_string()) {
      problem("forms.schema.not_text", path, {{"key", key}});
      return "";
    }
    auto checked = core::check_text(it->get<std::string>(), key, max_chars, required);
    if (!checked) {
      problem("forms.schema.bad_text", path,
              {{"key", key}, {"max", std::to_string(max_chars)}, {"rule", checked.error().key}});
      return "";
    }
    return *checked;
  }

  void resolve_conditions(const FormSchema& schema) {
    for (const auto& p : pending_) {
      const Field* target = find_target(schema, p.path, p.field);
      if (!target) {
        problem("forms.schema.condition_unknown_field", p.path, {{"target", p.field}});
      } else if (p.field == p.self) {
        problem("forms.schema.condition_on_itself", p.path);
      } else if (!has_options(target->type)) {
        problem("forms.schema.condition_needs_choice", p.path, {{"target", p.field}});
      } else {
        // Every listed value must be one the target can have (a single
        // checkbox is "yes" when ticked): a typo would hide the field for good.
        for (const auto& v : p.equals) {
          bool known = target->options.empty()
                           ? v == "yes"
                           : std::any_of(target->options.begin(), target->options.end(),
                                         [&](const Option& o) { return o.value == v; });
          if (!known)
            problem("forms.schema.condition_unknown_value", p.path,
                    {{"target", p.field}, {"value", core::cut_utf8(v, 60)}});
        }
      }
    }
  }

 private:
  struct Pending {
    std::string path, field, self;
    std::vector<std::string> equals;
  };
  std::vector<Pending> pending_;

  static std::string path_of(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : prefix + "." + name;
  }

  // The sibling named `name` of the field at `path`, else the top-level field.
  static const Field* find_target(const FormSchema& schema, const std::string& path,
                                  const std::string& name) {
    const std::vector<Field>* siblings = &schema.fields;
    std::size_t start = 0;
    for (std::size_t dot = path.find('.'); dot != std::string::npos;
         start = dot + 1, dot = path.find('.', start)) {
      std::string part = path.substr(start, dot - start);
      auto it = std::find_if(siblings->begin(), siblings->end(),
                             [&](const Field& f) { return f.name == part; });
      if (it == siblings->end()) break;
      siblings = &it->fields;
    }
    for (const auto& f : *siblings)
      if (f.name == name) return &f;
    return schema.field(name);
  }

  template <class T>
  std::optional<T> number(const nlohmann::json& item, const char* key, const std::string& path,
                          T low, T high) {
    auto it = item.find(key);
    if (it == item.end() || it->is_null()) return std::nullopt;
    bool ok = it->is_number();
    if constexpr (std::is_integral_v<T>) ok = it->is_number_integer() || it->is_number_unsigned();
    if (ok) {
      double v = it->get<double>();
      if (std::isfinite(v) && v >= static_cast<double>(low) && v <= static_cast<double>(high))
        return it->get<T>();
    }
    problem("forms.schema.bad_number", path,
            {{"key", key}, {"min", fmt_number(low)}, {"max", fmt_number(high)}});
    return std::nullopt;
  }

  template <class T>
  static std::string fmt_number(T v) {
    if constexpr (std::is_integral_v<T>) return std::to_string(v);
    std::string s = std::to_string(v);
    while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) {
      bool dot = s.back() == '.';
      s.pop_back();
      if (dot) break;
    }
    return s;
  }

  void check_date(const std::string& value, const char* key, const std::string& path) {
    if (value.empty() || value == "today") return;
    if (!core::parse_iso_date(value))
      problem("forms.schema.bad_date", path, {{"key", key}, {"value", value}});
  }

  Field field(const nlohmann::json& item, const std::string& prefix, int depth) {
    Field f;
    if (!item.is_object()) {
      problem("forms.schema.field_not_object", prefix);
      return f;
    }
    static const std::regex name_rule("[a-z][a-z0-9_]{0,39}");
    std::string name = item.value("name", nlohmann::json()).is_string()
                           ? item["name"].get<std::string>()
                           : std::string();
    if (!std::regex_match(name, name_rule)) {
      problem("forms.schema.bad_name", prefix, {{"name", core::cut_utf8(name, 60)}});
      return f;
    }
    f.name = name;
    std::string path = path_of(prefix, name);
    for (const auto& [key, value] : item.items())
      if (!kFieldKeys.contains(key))
        problem("forms.schema.unknown_key", path, {{"key", core::cut_utf8(key, 60)}});

    std::string type = item.value("type", nlohmann::json()).is_string()
                           ? item["type"].get<std::string>()
                           : std::string();
    auto t = parse_field_type(type);
    if (!t) {
      problem("forms.schema.unknown_type", path, {{"type", core::cut_utf8(type, 60)}});
      return Field{};
    }
    f.type = *t;
    f.label = text_of(item, "label", path, kMaxLabelChars, true);
    f.label_en = text_of(item, "label_en", path, kMaxLabelChars, false);
    f.hint = text_of(item, "hint", path, kMaxHintChars, false);
    f.hint_en = text_of(item, "hint_en", path, kMaxHintChars, false);
    f.unit = text_of(item, "unit", path, 20, false);
    if (auto r = item.find("required"); r != item.end()) {
      if (r->is_boolean())
        f.required = r->get<bool>();
      else
        problem("forms.schema.not_boolean", path, {{"key", "required"}});
    }

    auto only_for = [&](const char* key, bool allowed) {
      if (!allowed && item.contains(key))
        problem("forms.schema.key_not_for_type", path,
                {{"key", key}, {"type", std::string(field_type_name(f.type))}});
    };
    bool texty = has_text_length(f.type);
    only_for("min_length", texty);
    only_for("max_length", texty);
    only_for("min", f.type == FieldType::number);
    only_for("max", f.type == FieldType::number);
    only_for("decimals", f.type == FieldType::number);
    only_for("unit", f.type == FieldType::number);
    only_for("min_date", f.type == FieldType::date);
    only_for("max_date", f.type == FieldType::date);
    only_for("options", has_options(f.type));
    only_for("accept", f.type == FieldType::file);
    only_for("max_bytes", f.type == FieldType::file);
    only_for("max_files", f.type == FieldType::file);
    only_for("fields", f.type == FieldType::group);
    only_for("min_items", f.type == FieldType::group);
    only_for("max_items", f.type == FieldType::group);
    only_for("bind", f.type != FieldType::group && f.type != FieldType::file);

    if (texty) {
      f.min_length = number<std::size_t>(item, "min_length", path, 0, kMaxTextLimit).value_or(0);
      f.max_length = number<std::size_t>(item, "max_length", path, 1, kMaxTextLimit).value_or(0);
      if (f.min_length > f.text_limit())
        problem("forms.schema.min_over_max", path, {{"key", "min_length"}});
    }
    if (f.type == FieldType::number) {
      f.min = number<double>(item, "min", path, -1e15, 1e15);
      f.max = number<double>(item, "max", path, -1e15, 1e15);
      f.decimals = number<int>(item, "decimals", path, 0, 6).value_or(0);
      if (f.min && f.max && *f.min > *f.max)
        problem("forms.schema.min_over_max", path, {{"key", "min"}});
    }
    if (f.type == FieldType::date) {
      f.min_date = text_of(item, "min_date", path, 10, false);
      f.max_date = text_of(item, "max_date", path, 10, false);
      check_date(f.min_date, "min_date", path);
      check_date(f.max_date, "max_date", path);
      if (!f.min_date.empty() && !f.max_date.empty() && f.min_date != "today" &&
          f.max_date != "today" && f.min_date > f.max_date)
        problem("forms.schema.min_over_max", path, {{"key", "min_date"}});
    }
    if (has_options(f.type)) options(item, path, f);
    if (f.type == FieldType::file) file(item, path, f);
    if (f.type == FieldType::group) {
      if (depth >= kMaxDepth) {
        problem("forms.schema.too_deep", path, {{"max", std::to_string(kMaxDepth)}});
      } else {
        f.fields = level(item.value("fields", nlohmann::json()), path, depth + 1);
      }
      f.min_items = number<int>(item, "min_items", path, 0, kMaxItems).value_or(f.required ? 1 : 0);
      f.max_items = number<int>(item, "max_items", path, 1, kMaxItems).value_or(1);
      if (f.min_items > f.max_items)
        problem("forms.schema.min_over_max", path, {{"key", "min_items"}});
      if (f.required && f.min_items == 0) f.min_items = 1;
    }
    if (auto w = item.find("when"); w != item.end()) condition(*w, path, f);
    if (auto b = item.find("bind");
        b != item.end() && f.type != FieldType::group && f.type != FieldType::file) {
      std::string bind = b->is_string() ? b->get<std::string>() : std::string();
      if (!known_binding(bind))
        problem("forms.schema.bad_bind", path, {{"bind", core::cut_utf8(bind, 60)}});
      else
        f.bind = bind;
    }
    return f;
  }

  void options(const nlohmann::json& item, const std::string& path, Field& f) {
    auto it = item.find("options");
    if (it == item.end()) {
      if (f.type != FieldType::checkbox) problem("forms.schema.options_required", path);
      return;
    }
    if (!it->is_array() || it->empty() || it->size() > kMaxOptions) {
      problem("forms.schema.bad_options", path, {{"max", std::to_string(kMaxOptions)}});
      return;
    }
    std::set<std::string> seen;
    for (const auto& o : *it) {
      Option opt;
      if (o.is_object()) {
        opt.value = o.value("value", nlohmann::json()).is_string() ? o["value"].get<std::string>()
                                                                   : std::string();
        opt.label = text_of(o, "label", path, kMaxLabelChars, true);
        opt.label_en = text_of(o, "label_en", path, kMaxLabelChars, false);
      }
      auto value = core::check_text(opt.value, "value", 100);
      if (!value || *value != opt.value || opt.label.empty()) {
        problem("forms.schema.bad_option", path, {{"value", core::cut_utf8(opt.value, 60)}});
        continue;
      }
      if (!seen.insert(opt.value).second) {
        problem("forms.schema.duplicate_option", path, {{"value", opt.value}});
        continue;
      }
      f.options.push_back(std::move(opt));
    }
  }

  void file(const nlohmann::json& item, const std::string& path, Field& f) {
    auto it = item.find("accept");
    if (it == item.end() || !it->is_array() || it->empty()) {
      problem("forms.schema.accept_required", path);
    } else {
      for (const auto& a : *it) {
        std::string ext = a.is_string() ? a.get<std::string>() : std::string();
        if (!file_type_of_extension(ext))
          problem("forms.schema.bad_accept", path,
                  {{"ext", core::cut_utf8(ext, 20)}, {"known", known_extensions()}});
        else if (std::find(f.accept.begin(), f.accept.end(), ext) == f.accept.end())
          f.accept.push_back(ext);
      }
    }
    f.max_bytes = number<std::size_t>(item, "max_bytes", path, 1, kMaxFileBytes).value_or(0);
    f.max_files = number<int>(item, "max_files", path, 1, kMaxFilesPerField).value_or(1);
  }

  void condition(const nlohmann::json& w, const std::string& path, Field& f) {
    Condition c;
    bool ok = w.is_object() && w.contains("field") && w["field"].is_string() &&
              w.contains("equals") && w["equals"].is_array() && !w["equals"].empty();
    if (ok) {
      c.field = w["field"].get<std::string>();
      for (const auto& v : w["equals"]) {
        if (!v.is_string())
          ok = false;
        else
          c.equals.push_back(v.get<std::string>());
      }
      for (const auto& [key, value] : w.items())
        if (key != "field" && key != "equals") ok = false;
    }
    if (!ok) {
      problem("forms.schema.bad_condition", path);
      return;
    }
    f.when = std::move(c);
  }
};

void field_json(const Field& f, nlohmann::json& out) {
  out["name"] = f.name;
  out["type"] = field_type_name(f.type);
  out["label"] = f.label;
  if (!f.label_en.empty()) out["label_en"] = f.label_en;
  if (!f.hint.empty()) out["hint"] = f.hint;
  if (!f.hint_en.empty()) out["hint_en"] = f.hint_en;
  if (f.required) out["required"] = true;
  if (has_text_length(f.type)) {
    if (f.min_length) out["min_length"] = f.min_length;
    out["max_length"] = f.text_limit();
  }
  if (f.type == FieldType::number) {
    if (f.min) out["min"] = *f.min;
    if (f.max) out["max"] = *f.max;
    if (f.decimals) out["decimals"] = f.decimals;
    if (!f.unit.empty()) out["unit"] = f.unit;
  }
  if (!f.min_date.empty()) out["min_date"] = f.min_date;
  if (!f.max_date.empty()) out["max_date"] = f.max_date;
  if (!f.options.empty()) {
    auto& list = out["options"] = nlohmann::json::array();
    for (const auto& o : f.options) {
      nlohmann::json j = {{"value", o.value}, {"label", o.label}};
      if (!o.label_en.empty()) j["label_en"] = o.label_en;
      list.push_back(std::move(j));
    }
  }
  if (f.type == FieldType::file) {
    out["accept"] = f.accept;
    out["max_bytes"] = f.file_limit();
    out["max_files"] = f.max_files;
  }
  if (f.type == FieldType::group) {
    auto& list = out["fields"] = nlohmann::json::array();
    for (const auto& c : f.fields) {
      nlohmann::json j;
      field_json(c, j);
      list.push_back(std::move(j));
    }
    out["min_items"] = f.min_items;
    out["max_items"] = f.max_items;
  }
  if (f.when) out["when"] = {{"field", f.when->field}, {"equals", f.when->equals}};
  if (!f.bind.empty()) out["bind"] = f.bind;
}

}  // namespace

std::string_view field_type_name(FieldType type) {
  for (const auto& [t, n] : kTypes)
    if (t == type) return n;
  return "text";
}

std::optional<FieldType> parse_field_type(std::string_view name) {
  for (const auto& [t, n] : kTypes)
    if (n == name) return t;
  return std::nullopt;
}

std::size_t Field::text_limit() const {
  if (max_length != 0) return max_length;
  return type == FieldType::textarea ? kDefaultTextarea : kDefaultText;
}

std::size_t Field::file_limit() const { return max_bytes != 0 ? max_bytes : kDefaultFileBytes; }

const Field* Field::child(std::string_view n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

const Field* FormSchema::field(std::string_view n) const {
  for (const auto& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

std::expected<FormSchema, std::vector<Error>> parse_schema(std::string_view json_text) {
  if (json_text.size() > kMaxSchemaBytes)
    return std::unexpected(std::vector<Error>{
        Error("forms.schema.too_large", "", {{"max", std::to_string(kMaxSchemaBytes / 1024)}})});
  auto json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded())
    return std::unexpected(std::vector<Error>{Error("forms.schema.not_json")});
  return parse_schema_json(json);
}

std::expected<FormSchema, std::vector<Error>> parse_schema_json(const nlohmann::json& json) {
  Reader r;
  if (!json.is_object())
    return std::unexpected(std::vector<Error>{Error("forms.schema.not_object")});
  for (const auto& [key, value] : json.items())
    if (!kFormKeys.contains(key))
      r.problem("forms.schema.unknown_key", "", {{"key", core::cut_utf8(key, 60)}});
  FormSchema schema;
  schema.title = r.text_of(json, "title", "", 100, true);
  schema.title_en = r.text_of(json, "title_en", "", 100, false);
  schema.fields = r.level(json.value("fields", nlohmann::json()), "", 0);
  r.resolve_conditions(schema);
  if (!r.problems.empty()) return std::unexpected(std::move(r.problems));
  return schema;
}

nlohmann::json schema_json(const FormSchema& schema) {
  nlohmann::json out = {{"title", schema.title}};
  if (!schema.title_en.empty()) out["title_en"] = schema.title_en;
  auto& list = out["fields"] = nlohmann::json::array();
  for (const auto& f : schema.fields) {
    nlohmann::json j;
    field_json(f, j);
    list.push_back(std::move(j));
  }
  return out;
}

}  // namespace yiwang::forms
