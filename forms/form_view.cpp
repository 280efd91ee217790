#include "forms/form_view.hpp"

#include <charconv>
#include <map>

#include "forms/file_types.hpp"
#include "forms/submission.hpp"

namespace yiwang::forms {

namespace {

bool english(std::string_view lang) { return lang.starts_with("en"); }

std::string label_of(const Field& f, std::string_view lang) {
  return english(lang) && !f.label_en.empty() ? f.label_en : f.label;
}
std::string hint_of(const Field& f, std::string_view lang) {
  return english(lang) && !f.hint_en.empty() ? f.hint_en : f.hint;
}
std::string option_label(const Option& o, std::string_view lang) {
  return english(lang) && !o.label_en.empty() ? o.label_en : o.label;
}

std::string join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

std::string number_text(const nlohmann::json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) {
    double d = v.get<double>();
    char buf[400];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
    return std::string(buf, r.ptr);
  }
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::string text_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return number_text(v);
  return "";
}

std::string size_text(std::size_t bytes) {
  if (bytes >= (1 << 20)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    return buf;
  }
  if (bytes >= 1024) return std::to_string((bytes + 1023) / 1024) + " KiB";
  return std::to_string(bytes) + " B";
}

// The field an input name belongs to, and a label naming the group item it
// is in ("姓名（股东 第 2 项）").
struct Located {
  const Field* field = nullptr;
  std::string label;
};

Located locate(const FormSchema& schema, std::string_view path, const render::Catalogue& cat,
               std::string_view lang) {
  Located out;
  const std::vector<Field>* level = &schema.fields;
  std::string context;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t dot = path.find('.', start);
    std::string part(path.substr(start, dot == std::string_view::npos ? path.npos : dot - start));
    start = dot == std::string_view::npos ? path.size() + 1 : dot + 1;
    if (!part.empty() && std::isdigit(static_cast<unsigned char>(part[0]))) {
      if (out.field)
        context = cat.text(lang, "forms.item_of",
                           {{"group", label_of(*out.field, lang)},
                            {"n", std::to_string(std::stoi(part.substr(0, 6)) + 1)}});
      continue;
    }
    const Field* next = nullptr;
    if (level)
      for (const auto& f : *level)
        if (f.name == part) next = &f;
    if (!next) {
      // The parts of an address
      if (out.field && out.field->type == FieldType::address &&
          (part == "division" || part == "detail"))
        out.label =
            label_of(*out.field, lang) + cat.text(lang, "forms.address." + part + "_suffix");
      break;
    }
    out.field = next;
    out.label = label_of(*next, lang);
    level = &next->fields;
  }
  if (out.field && !context.empty())
    out.label = cat.text(lang, "forms.label_in_item", {{"label", out.label}, {"item", context}});
  return out;
}

class EditModel {
 public:
  EditModel(const FormSchema& schema, const nlohmann::json& values,
            const std::vector<Error>& errors, const render::Catalogue& cat,
            const ViewOptions& options)
      : schema_(schema), top_(values.is_object() ? values : empty_), cat_(cat), opt_(options) {
    for (const auto& e : errors) {
      std::string text = error_text(schema, e, cat, options.lang);
      if (!by_path_.contains(e.field)) by_path_[e.field] = text;
      summary_.push_back({{"href", "#" + control_id(e.field)}, {"text", text}});
    }
  }

  nlohmann::json build() {
    level(schema_.fields, "", top_);
    return {{"controls", controls_},
            {"has_errors", !summary_.empty()},
            {"errors", summary_},
            {"error_title", cat_.text(opt_.lang, "forms.errors_title")},
            {"has_files", has_files_}};
  }

 private:
  const FormSchema& schema_;
  const nlohmann::json empty_ = nlohmann::json::object();
  const nlohmann::json& top_;
  const render::Catalogue& cat_;
  const ViewOptions& opt_;
  std::map<std::string, std::string> by_path_;
  nlohmann::json summary_ = nlohmann::json::array();
  nlohmann::json controls_ = nlohmann::json::array();
  bool has_files_ = false;

  std::string t(std::string_view key, const std::map<std::string, std::string>& p = {}) const {
    return cat_.text(opt_.lang, key, p);
  }

  const nlohmann::json* prefilled(const Field& f) const {
    if (f.bind.empty() || !opt_.prefill.is_object()) return nullptr;
    auto it = opt_.prefill.find(f.bind);
    if (it == opt_.prefill.end() || it->is_null()) return nullptr;
    if (it->is_string() && it->get<std::string>().empty()) return nullptr;
    return &*it;
  }

  std::string when_note(const Field& f, const std::vector<Field>& siblings) const {
    if (!f.when) return "";
    const Field* target = nullptr;
    for (const auto& s : siblings)
      if (s.name == f.when->field) target = &s;
    if (!target) target = schema_.field(f.when->field);
    if (!target) return "";
    std::string values;
    for (const auto& v : f.when->equals) {
      std::string shown = v;
      for (const auto& o : target->options)
        if (o.value == v) shown = option_label(o, opt_.lang);
      values += (values.empty() ? "" : t("forms.or")) + t("forms.quoted", {{"text", shown}});
    }
    return t("forms.when_note", {{"field", label_of(*target, opt_.lang)}, {"values", values}});
  }

  // The attributes every control shares: id, name, label, hint, error.
  nlohmann::json common(const Field& f, const std::string& path,
                        const std::vector<Field>& siblings) {
    std::string id = control_id(path);
    nlohmann::json c = {
        {"id", id}, {"name", path}, {"label", label_of(f, opt_.lang)}, {"required", f.required}};
    std::string describedby;
    if (std::string h = hint_of(f, opt_.lang); !h.empty()) {
      c["hint"] = h;
      c["hint_id"] = id + "--hint";
      describedby += id + "--hint";
    }
    if (std::string w = when_note(f, siblings); !w.empty()) {
      c["when_note"] = w;
      c["when_id"] = id + "--when";
      describedby += (describedby.empty() ? "" : " ") + id + "--when";
    }
    std::string error;
    for (const auto& [p, text] : by_path_)
      if (p == path || p.starts_with(path + ".")) {
        if (f.type == FieldType::group && p != path) continue;  // shown at the inner field
        error = text;
        break;
      }
    if (!error.empty()) {
      c["error"] = error;
      c["error_id"] = id + "--error";
      c["invalid"] = true;
      describedby += (describedby.empty() ? "" : " ") + id + "--error";
    }
    if (!describedby.empty()) c["describedby"] = describedby;
    return c;
  }

  void level(const std::vector<Field>& fields, const std::string& prefix,
             const nlohmann::json& values) {
    for (const auto& f : fields) {
      std::string path = join(prefix, f.name);
      auto it = values.find(f.name);
      const nlohmann::json& v = it == values.end() ? empty_ : *it;
      if (f.type == FieldType::group)
        group(f, path, v, fields);
      else
        controls_.push_back({{"field", control(f, path, v, fields)}});
    }
  }

  void group(const Field& f, const std::string& path, const nlohmann::json& v,
             const std::vector<Field>& siblings) {
    nlohmann::json start = common(f, path, siblings);
    start["repeatable"] = f.repeatable();
    controls_.push_back({{"group_start", start}});
    if (!f.repeatable()) {
      level(f.fields, path, v.is_object() ? v : empty_);
    } else {
      int count = v.is_array() ? static_cast<int>(v.size()) : f.min_items;
      for (int i = 0; i < count; ++i) {
        std::string item = path + "." + std::to_string(i);
        controls_.push_back(
            {{"item_start",
              {{"legend", t("forms.item_of",
                            {{"group", label_of(f, opt_.lang)}, {"n", std::to_string(i + 1)}})},
               {"remove_value", item},
               {"can_remove", count > f.min_items},
               {"remove_label", t("forms.remove_item", {{"n", std::to_string(i + 1)}})}}}});
        const nlohmann::json& iv = v.is_array() && v[static_cast<std::size_t>(i)].is_object()
                                       ? v[static_cast<std::size_t>(i)]
                                       : empty_;
        level(f.fields, item, iv);
        controls_.push_back({{"item_end", true}});
      }
      controls_.push_back(
          {{"group_end",
            {{"repeatable", true},
             {"count_name", path + ".count"},
             {"count", count},
             {"can_add", count < f.max_items},
             {"add_value", path},
             {"add_label", t("forms.add_item", {{"group", label_of(f, opt_.lang)}})},
             {"limit", t("forms.items_limit", {{"min", std::to_string(f.min_items)},
                                               {"max", std::to_string(f.max_items)}})}}}});
      return;
    }
    controls_.push_back({{"group_end", {{"repeatable", false}}}});
  }

  nlohmann::json options(const Field& f, const std::string& id, const nlohmann::json& v) {
    nlohmann::json list = nlohmann::json::array();
    int n = 0;
    for (const auto& o : f.options) {
      bool on = v.is_string() ? v.get<std::string>() == o.value
                              : v.is_array() && std::find(v.begin(), v.end(), o.value) != v.end();
      list.push_back({{"value", o.value},
                      {"label", option_label(o, opt_.lang)},
                      {"on", on},
                      {"id", id + "--" + std::to_string(n++)}});
    }
    return list;
  }

  nlohmann::json control(const Field& f, const std::string& path, const nlohmann::json& v,
                         const std::vector<Field>& siblings) {
    nlohmann::json c = common(f, path, siblings);
    const std::string id = c["id"];
    if (const nlohmann::json* p = prefilled(f)) {
      std::string shown = f.type == FieldType::division && p->is_object()
                              ? p->value("name", "") + " (" + p->value("code", "") + ")"
                              : text_of(*p);
      c["bound"] = {{"value", shown}, {"note", t("forms.bound_note")}};
      return c;
    }
    auto input = [&](const char* type, std::size_t maxlength, const char* inputmode = "",
                     const char* autocomplete = "") {
      nlohmann::json in = {{"type", type}, {"value", text_of(v)}, {"maxlength", maxlength}};
      if (*inputmode) in["inputmode"] = inputmode;
      if (*autocomplete) in["autocomplete"] = autocomplete;
      return in;
    };
    switch (f.type) {
      case FieldType::text:
        c["input"] = input("text", f.text_limit());
        break;
      case FieldType::textarea:
        c["textarea"] = {{"value", text_of(v)}, {"maxlength", f.text_limit()}, {"rows", 5}};
        break;
      case FieldType::number: {
        nlohmann::json in = input("text", 24, f.decimals ? "decimal" : "numeric");
        if (!f.unit.empty()) in["unit"] = f.unit;
        c["input"] = in;
        break;
      }
      case FieldType::date:
        c["input"] = input("date", 10);
        if (!f.min_date.empty()) c["input"]["min"] = f.min_date == "today" ? "" : f.min_date;
        if (!f.max_date.empty()) c["input"]["max"] = f.max_date == "today" ? "" : f.max_date;
        break;
      case FieldType::select:
        c["select"] = {{"options", options(f, id, v)}, {"placeholder", t("forms.choose")}};
        break;
      case FieldType::radio:
        c["radios"] = {{"options", options(f, id, v)}};
        break;
      case FieldType::checkbox:
        if (f.options.empty())
          c["check"] = {{"on", v.is_boolean() && v.get<bool>()}};
        else
          c["checks"] = {{"options", options(f, id, v)}};
        break;
      case FieldType::citizen_id:
        c["input"] = input("text", 24, "", "off");
        break;
      case FieldType::credit_code:
        c["input"] = input("text", 24, "", "off");
        break;
      case FieldType::division: {
        std::string code = v.is_object() ? v.value("code", "") : text_of(v);
        c["input"] = input("text", 12, "numeric", "off");
        c["input"]["value"] = code;
        if (v.is_object() && !v.value("name", "").empty()) c["resolved"] = v.value("name", "");
        break;
      }
      case FieldType::address: {
        std::string code = v.is_object() ? v.value("division", "") : "";
        c["address"] = {{"division_id", control_id(path + ".division")},
                        {"division_name", path + ".division"},
                        {"division_label", t("forms.address.division")},
                        {"division", code},
                        {"detail_id", control_id(path + ".detail")},
                        {"detail_name", path + ".detail"},
                        {"detail_label", t("forms.address.detail")},
                        {"detail", v.is_object() ? v.value("detail", "") : ""},
                        {"maxlength", f.text_limit()}};
        if (v.is_object() && !v.value("division_name", "").empty())
          c["address"]["resolved"] = v.value("division_name", "");
        break;
      }
      case FieldType::phone:
        c["input"] = input("tel", 20, "tel", "tel");
        break;
      case FieldType::email:
        c["input"] = input("email", 254, "email", "email");
        break;
      case FieldType::file: {
        has_files_ = true;
        std::string accept;
        for (const auto& a : f.accept) accept += (accept.empty() ? "" : ",") + a;
        nlohmann::json kept = nlohmann::json::array();
        if (v.is_array())
          for (const auto& k : v)
            if (k.is_object())
              kept.push_back(
                  {{"name", k.value("name", "")},
                   {"size", size_text(k.value("size", std::size_t{0}))},
                   {"ref", k.value("ref", "")},
                   {"remove_name", path + ".remove"},
                   {"remove_label", t("forms.file.remove", {{"file", k.value("name", "")}})}});
        std::string limit = size_limit_text(f.file_limit());
        c["file"] = {{"accept", accept},
                     {"multiple", f.max_files > 1},
                     {"kept", kept},
                     {"has_kept", !kept.empty()},
                     {"rule", t("forms.file.rule", {{"accept", accept},
                                                    {"max", limit},
                                                    {"count", std::to_string(f.max_files)}})}};
        break;
      }
      case FieldType::group:
        break;
    }
    return c;
  }
};

void read_level(const std::vector<Field>& fields, const nlohmann::json& values,
                const nlohmann::json& top, const render::Catalogue& cat, std::string_view lang,
                const std::function<std::string(const std::string&)>& file_href,
                nlohmann::json& rows) {
  for (const auto& f : fields) {
    if (!condition_holds(f, values, top)) continue;
    auto it = values.find(f.name);
    if (it == values.end() || it->is_null()) continue;
    const nlohmann::json& v = *it;
    // Every key the template asks for is set (null when unused), so an inner
    // row never finds its group's "items" up the context and renders it again.
    nlohmann::json row = {
        {"label", label_of(f, lang)}, {"text", nullptr}, {"files", nullptr}, {"items", nullptr}};
    switch (f.type) {
      case FieldType::group: {
        nlohmann::json items = nlohmann::json::array();
        if (f.repeatable() && v.is_array()) {
          int n = 0;
          for (const auto& item : v) {
            nlohmann::json inner = nlohmann::json::array();
            read_level(f.fields, item, top, cat, lang, file_href, inner);
            items.push_back(
                {{"legend", cat.text(lang, "forms.item_of",
                                     {{"group", label_of(f, lang)}, {"n", std::to_string(++n)}})},
                 {"rows", inner}});
          }
        } else if (v.is_object()) {
          nlohmann::json inner = nlohmann::json::array();
          read_level(f.fields, v, top, cat, lang, file_href, inner);
          if (!inner.empty()) items.push_back({{"legend", label_of(f, lang)}, {"rows", inner}});
        }
        if (items.empty()) continue;
        row["items"] = items;
        break;
      }
      case FieldType::file: {
        nlohmann::json list = nlohmann::json::array();
        if (v.is_array())
          for (const auto& k : v)
            if (k.is_object())
              list.push_back({{"name", k.value("name", "")},
                              {"size", size_text(k.value("size", std::size_t{0}))},
                              {"href", file_href ? file_href(k.value("ref", "")) : ""}});
        if (list.empty()) continue;
        row["files"] = list;
        break;
      }
      case FieldType::checkbox: {
        std::string text;
        if (v.is_boolean()) {
          text = cat.text(lang, v.get<bool>() ? "forms.yes" : "forms.no");
        } else if (v.is_array()) {
          for (const auto& x : v)
            for (const auto& o : f.options)
              if (x.is_string() && o.value == x.get<std::string>())
                text += (text.empty() ? "" : cat.text(lang, "forms.list_separator")) +
                        option_label(o, lang);
        }
        if (text.empty()) continue;
        row["text"] = text;
        break;
      }
      case FieldType::select:
      case FieldType::radio: {
        std::string text = text_of(v);
        for (const auto& o : f.options)
          if (o.value == text) text = option_label(o, lang);
        row["text"] = text;
        break;
      }
      case FieldType::division:
        row["text"] =
            v.is_object() ? v.value("name", "") + "（" + v.value("code", "") + "）" : text_of(v);
        break;
      case FieldType::address:
        row["text"] =
            v.is_object() ? v.value("division_name", "") + v.value("detail", "") : text_of(v);
        break;
      case FieldType::number:
        row["text"] = number_text(v) + (f.unit.empty() ? "" : " " + f.unit);
        break;
      default:
        row["text"] = text_of(v);
    }
    rows.push_back(std::move(row));
  }
}

}  // namespace

std::string control_id(std::string_view input_name) {
  std::string id = "f-";
  for (char c : input_name) id += c == '.' ? '-' : c;
  return id;
}

std::string error_text(const FormSchema& schema, const Error& error,
                       const render::Catalogue& catalogue, std::string_view lang) {
  Located where = locate(schema, error.field, catalogue, lang);
  std::string label = where.label.empty() ? error.field : where.label;
  auto params = error.params;
  params["label"] = label;
  std::string text = catalogue.text(lang, error.key, params);
  if (error.key.starts_with("forms.")) return text;
  // Messages of other modules (identifier rules) do not name the field.
  return catalogue.text(lang, "forms.field_message", {{"label", label}, {"message", text}});
}

nlohmann::json edit_model(const FormSchema& schema, const nlohmann::json& values,
                          const std::vector<Error>& errors, const render::Catalogue& catalogue,
                          const ViewOptions& options) {
  return EditModel(schema, values, errors, catalogue, options).build();
}

nlohmann::json read_model(const FormSchema& schema, const nlohmann::json& values,
                          const render::Catalogue& catalogue, std::string_view lang,
                          const std::function<std::string(const std::string& ref)>& file_href) {
  nlohmann::json rows = nlohmann::json::array();
  const nlohmann::json& top = values.is_object() ? values : nlohmann::json::object();
  read_level(schema.fields, top, top, catalogue, lang, file_href, rows);
  return {{"rows", rows}};
}

}  // namespace yiwang::forms
