#include "forms/submission.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "core/civil_date.hpp"
#include "core/identifier.hpp"
#include "core/normalise.hpp"
#include "core/text_rules.hpp"
#include "crypto/sm3.hpp"
#include "forms/file_types.hpp"
#include "mail/message.hpp"

namespace yiwang::forms {

namespace {

std::string join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

// A posted number: half-width, no spaces or thousands separators, plain
// decimal notation only (no exponent, no hex, no "inf").
std::optional<double> parse_number(const std::string& text, int* decimals) {
  std::string t;
  for (char c : core::to_half_width(text))
    if (c != ',' && c != ' ') t += c;
  if (t.empty() || t.size() > 24) return std::nullopt;
  std::size_t i = (t[0] == '-' || t[0] == '+') ? 1 : 0;
  std::size_t digits = 0, after = 0;
  bool dot = false;
  for (; i < t.size(); ++i) {
    if (t[i] == '.' && !dot) {
      dot = true;
    } else if (t[i] >= '0' && t[i] <= '9') {
      ++digits;
      if (dot) ++after;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0) return std::nullopt;
  double v = 0;
  const char* begin = t.data() + (t[0] == '+' ? 1 : 0);
  auto r = std::from_chars(begin, t.data() + t.size(), v);
  if (r.ec != std::errc() || !std::isfinite(v)) return std::nullopt;
  *decimals = static_cast<int>(after);
  return v;
}

std::string format_number(double v) {
  char buf[400];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

// What was typed, kept to show again: valid UTF-8 (or nothing), at most
// max_chars characters.
std::string kept(std::string_view typed, std::size_t max_chars) {
  if (!core::is_valid_utf8(typed)) return "";
  std::size_t chars = 0, i = 0;
  for (; i < typed.size(); ++i) {
    if ((static_cast<unsigned char>(typed[i]) & 0xC0) == 0x80) continue;
    if (chars++ == max_chars) break;
  }
  return std::string(typed.substr(0, i));
}

std::optional<std::chrono::sys_days> date_bound(const std::string& bound,
                                                std::chrono::sys_days today) {
  if (bound.empty()) return std::nullopt;
  if (bound == "today") return today;
  return core::parse_iso_date(bound);
}

class Reader {
 public:
  Reader(const FormSchema& schema, const http::FormData& in, const Context& ctx)
      : schema_(schema), in_(in), ctx_(ctx) {
    add_ = in.value("_add");
    remove_ = in.value("_remove");
  }

  Submission run(const nlohmann::json& previous) {
    out_.values = level(schema_.fields, "", previous.is_object() ? previous : empty_);
    if (out_.adjusted) out_.errors.clear();
    return std::move(out_);
  }

 private:
  const FormSchema& schema_;
  const http::FormData& in_;
  const Context& ctx_;
  Submission out_;
  std::string add_, remove_;
  const nlohmann::json empty_ = nlohmann::json::object();

  void error(const std::string& path, std::string key, std::map<std::string, std::string> p = {}) {
    out_.errors.emplace_back(std::move(key), path, std::move(p));
  }

  std::string posted(const std::string& name) const { return in_.value(name); }

  const nlohmann::json* prefilled(const Field& f) const {
    if (f.bind.empty() || !ctx_.prefill.is_object()) return nullptr;
    auto it = ctx_.prefill.find(f.bind);
    if (it == ctx_.prefill.end() || it->is_null()) return nullptr;
    if (it->is_string() && it->get<std::string>().empty()) return nullptr;
    return &*it;
  }

  // The condition of a field, judged on what was posted for its target (a
  // sibling in the same group item, else the top-level field).
  bool holds(const Field& f, const std::vector<Field>& siblings, const std::string& prefix,
             int depth = 0) const {
    if (!f.when) return true;
    const Field* target = nullptr;
    std::string name;
    const std::vector<Field>* target_siblings = &siblings;
    std::string target_prefix = prefix;
    for (const auto& s : siblings)
      if (s.name == f.when->field) {
        target = &s;
        name = join(prefix, s.name);
      }
    if (!target) {
      target = schema_.field(f.when->field);
      name = f.when->field;
      target_siblings = &schema_.fields;
      target_prefix.clear();
    }
    if (!target || depth > 8) return false;
    // A condition on a field that is not asked for does not hold.
    if (target->when && !holds(*target, *target_siblings, target_prefix, depth + 1)) return false;
    std::vector<std::string> values;
    if (const nlohmann::json* p = prefilled(*target); p && p->is_string()) {
      values.push_back(p->get<std::string>());
    } else {
      for (auto v : in_.all(name)) values.emplace_back(core::trim_text(v));
    }
    for (const auto& v : values)
      if (std::find(f.when->equals.begin(), f.when->equals.end(), v) != f.when->equals.end())
        return true;
    return false;
  }

  nlohmann::json level(const std::vector<Field>& fields, const std::string& prefix,
                       const nlohmann::json& previous) {
    nlohmann::json values = nlohmann::json::object();
    for (const auto& f : fields) {
      if (!holds(f, fields, prefix)) continue;  // not asked for: nothing kept, nothing checked
      std::string path = join(prefix, f.name);
      auto prev = previous.find(f.name);
      const nlohmann::json& before = prev == previous.end() ? empty_ : *prev;
      nlohmann::json v = value(f, path, before);
      if (!v.is_null()) values[f.name] = std::move(v);
    }
    return values;
  }

  nlohmann::json value(const Field& f, const std::string& path, const nlohmann::json& before) {
    if (const nlohmann::json* p = prefilled(f)) return *p;
    switch (f.type) {
      case FieldType::group:
        return f.repeatable() ? items(f, path, before)
                              : level(f.fields, path, before.is_object() ? before : empty_);
      case FieldType::file:
        return files(f, path, before);
      case FieldType::checkbox:
        return checkbox(f, path);
      case FieldType::address:
        return address(f, path);
      default:
        return single(f, path);
    }
  }

  // A field posted as one text value.
  nlohmann::json single(const Field& f, const std::string& path) {
    std::string raw = posted(path);
    std::string typed = core::trim_text(raw);
    if (typed.empty() && core::is_valid_utf8(raw)) {
      if (f.required) error(path, "forms.required");
      return nullptr;
    }
    switch (f.type) {
      case FieldType::text:
      case FieldType::textarea:
        return text(f, path, raw);
      case FieldType::number:
        return number(f, path, typed);
      case FieldType::date:
        return date(f, path, typed);
      case FieldType::select:
      case FieldType::radio:
        return choice(f, path, typed);
      case FieldType::citizen_id:
      case FieldType::credit_code:
        return identifier(f, path, typed);
      case FieldType::division:
        return division(path, typed);
      case FieldType::phone: {
        auto p = core::check_phone(typed, path);
        if (!p) error(path, "forms.phone.invalid");
        return p ? *p : kept(typed, 40);
      }
      case FieldType::email: {
        auto e = mail::check_email(core::to_half_width(typed), path);
        if (!e) error(path, "forms.email.invalid");
        return e ? *e : kept(typed, 254);
      }
      default:
        return kept(typed, 200);
    }
  }

  nlohmann::json text(const Field& f, const std::string& path, const std::string& raw) {
    std::string value = raw;
    if (f.type == FieldType::textarea) {  // line breaks are text here; CR LF becomes LF
      std::string lf;
      for (std::size_t i = 0; i < value.size(); ++i)
        if (!(value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n')) lf += value[i];
      value = lf;
    }
    std::string check = value;
    if (f.type == FieldType::textarea) std::replace(check.begin(), check.end(), '\n', ' ');
    auto t = core::check_text(check, path, f.text_limit(), false);
    if (!t) {
      std::string rule = t.error().key.substr(t.error().key.find('.') + 1);
      error(path, "forms.text." + rule, {{"max", std::to_string(f.text_limit())}});
      return kept(value, f.text_limit() + 100);
    }
    std::string kept = f.type == FieldType::textarea ? core::trim_text(value) : *t;
    if (core::utf8_length(kept) < f.min_length)
      error(path, "forms.text.too_short", {{"min", std::to_string(f.min_length)}});
    return kept;
  }

  nlohmann::json number(const Field& f, const std::string& path, const std::string& typed) {
    int decimals = 0;
    auto v = parse_number(typed, &decimals);
    if (!v) {
      error(path, "forms.number.invalid");
      return kept(typed, 40);
    }
    if (decimals > f.decimals) {
      error(path, f.decimals == 0 ? "forms.number.whole" : "forms.number.decimals",
            {{"decimals", std::to_string(f.decimals)}});
    } else if (f.min && *v < *f.min) {
      error(path, "forms.number.too_small", {{"min", format_number(*f.min)}});
    } else if (f.max && *v > *f.max) {
      error(path, "forms.number.too_large", {{"max", format_number(*f.max)}});
    } else {
      return *v;
    }
    return kept(typed, 40);
  }

  nlohmann::json date(const Field& f, const std::string& path, const std::string& typed) {
    std::string t = core::to_half_width(typed);
    auto d = core::parse_iso_date(t);
    if (!d) {
      error(path, "forms.date.invalid");
      return kept(typed, 40);
    }
    auto low = date_bound(f.min_date, ctx_.today), high = date_bound(f.max_date, ctx_.today);
    if (low && *d < *low) {
      error(path, "forms.date.too_early", {{"min", core::format_iso_date(*low)}});
      return t;
    }
    if (high && *d > *high) {
      error(path, "forms.date.too_late", {{"max", core::format_iso_date(*high)}});
      return t;
    }
    return core::format_iso_date(*d);
  }

  nlohmann::json choice(const Field& f, const std::string& path, const std::string& typed) {
    for (const auto& o : f.options)
      if (o.value == typed) return typed;
    error(path, "forms.choice.unknown");
    return nullptr;  // an unknown value is not shown again
  }

  nlohmann::json checkbox(const Field& f, const std::string& path) {
    auto posted_values = in_.all(path);
    if (f.options.empty()) {  // one box: checked or not
      bool checked = !posted_values.empty();
      if (f.required && !checked) error(path, "forms.checkbox.required");
      return checked;
    }
    nlohmann::json chosen = nlohmann::json::array();
    std::set<std::string> seen;
    for (auto v : posted_values) {
      std::string value = core::trim_text(v);
      bool known = std::any_of(f.options.begin(), f.options.end(),
                               [&](const Option& o) { return o.value == value; });
      if (!known) {
        error(path, "forms.choice.unknown");
        continue;
      }
      if (seen.insert(value).second) chosen.push_back(value);
    }
    if (f.required && chosen.empty()) error(path, "forms.checkbox.choose_one");
    return chosen;
  }

  nlohmann::json identifier(const Field& f, const std::string& path, const std::string& typed) {
    auto kind = f.type == FieldType::citizen_id ? core::IdKind::citizen : core::IdKind::uscc;
    core::DivisionExists exists;
    if (ctx_.division_name)
      exists = [this](std::string_view code) { return ctx_.division_name(code).has_value(); };
    auto check = core::check_identifier(kind, typed, exists, ctx_.today);
    if (check.status == core::IdStatus::invalid) {
      Error e = check.error;
      e.field = path;
      out_.errors.push_back(std::move(e));
      return kept(typed, 40);
    }
    return check.status == core::IdStatus::legacy ? check.converted : check.normalised;
  }

  nlohmann::json division(const std::string& path, const std::string& typed) {
    std::string code = core::normalise_identifier(typed);
    auto name = ctx_.division_name ? ctx_.division_name(code) : std::nullopt;
    if (code.size() != 6 || !name) {
      error(path, "forms.division.unknown", {{"code", kept(code, 12)}});
      return nlohmann::json{{"code", kept(code, 12)}, {"name", ""}};
    }
    return nlohmann::json{{"code", code}, {"name", *name}};
  }

  nlohmann::json address(const Field& f, const std::string& path) {
    std::string code = core::normalise_identifier(posted(path + ".division"));
    std::string raw = posted(path + ".detail");
    std::string detail = core::trim_text(raw);
    if (code.empty() && detail.empty()) {
      if (f.required) error(path + ".division", "forms.required");
      return nullptr;
    }
    nlohmann::json v = {{"division", kept(code, 12)},
                        {"division_name", ""},
                        {"detail", kept(detail, f.text_limit() + 100)}};
    auto name = ctx_.division_name && code.size() == 6 ? ctx_.division_name(code) : std::nullopt;
    if (code.empty())
      error(path + ".division", "forms.required");
    else if (!name)
      error(path + ".division", "forms.division.unknown", {{"code", kept(code, 12)}});
    else
      v["division_name"] = *name;
    auto t = core::check_text(raw, path, f.text_limit(), true);
    if (!t) {
      std::string rule = t.error().key.substr(t.error().key.find('.') + 1);
      error(path + ".detail",
            rule == "required" ? "forms.address.detail_required" : "forms.text." + rule,
            {{"max", std::to_string(f.text_limit())}});
      v["detail"] = kept(detail, f.text_limit() + 100);
    } else if (core::utf8_length(*t) < f.min_length) {
      error(path + ".detail", "forms.text.too_short", {{"min", std::to_string(f.min_length)}});
    }
    return v;
  }

  nlohmann::json files(const Field& f, const std::string& path, const nlohmann::json& before) {
    std::set<std::string> removed;
    for (auto r : in_.all(path + ".remove")) removed.insert(std::string(r));
    nlohmann::json list = nlohmann::json::array();
    std::vector<nlohmann::json> fresh;
    for (const auto& file : in_.files()) {
      if (file.field != path) continue;
      const FileType* type = file_type_of_name(file.filename);
      bool accepted =
          type && std::find(f.accept.begin(), f.accept.end(), type->extension) != f.accept.end();
      std::string accept;
      for (const auto& a : f.accept) accept += (accept.empty() ? "" : " ") + a;
      std::map<std::string, std::string> p = {{"file", kept(file.filename, 120)},
                                              {"accept", accept}};
      if (!accepted) {
        error(path, "forms.file.type", p);
      } else if (file.data.empty()) {
        error(path, "forms.file.empty", p);
      } else if (!content_matches(*type, file.data)) {
        p["ext"] = std::string(type->extension);
        error(path, "forms.file.content", p);
      } else if (file.data.size() > f.file_limit()) {
        p["max"] = size_limit_text(f.file_limit());
        error(path, "forms.file.too_large", p);
      } else {
        AcceptedFile a{path, file.filename, std::string(type->mime),
                       crypto::to_hex(crypto::sm3(file.data)), file.data};
        fresh.push_back(
            {{"name", a.filename}, {"mime", a.mime}, {"size", a.data.size()}, {"ref", a.ref}});
        out_.files.push_back(std::move(a));
      }
    }
    // Files saved before stay unless removed, or replaced in a one-file field.
    if (before.is_array() && !(f.max_files == 1 && !fresh.empty()))
      for (const auto& old : before)
        if (old.is_object() && old.contains("ref") && old["ref"].is_string() &&
            !removed.contains(old["ref"].get<std::string>()))
          list.push_back(old);
    for (auto& n : fresh) list.push_back(std::move(n));
    if (static_cast<int>(list.size()) > f.max_files)
      error(path, "forms.file.too_many", {{"max", std::to_string(f.max_files)}});
    if (f.required && list.empty()) error(path, "forms.file.required");
    return list;
  }

  nlohmann::json items(const Field& f, const std::string& path, const nlohmann::json& before) {
    int count = 0;
    std::string posted_count = posted(path + ".count");
    auto [ptr, ec] =
        std::from_chars(posted_count.data(), posted_count.data() + posted_count.size(), count);
    if (posted_count.empty() || ec != std::errc() ||
        ptr != posted_count.data() + posted_count.size())
      count = before.is_array() ? static_cast<int>(before.size()) : f.min_items;
    count = std::clamp(count, 0, f.max_items);
    nlohmann::json list = nlohmann::json::array();
    for (int i = 0; i < count; ++i) {
      const nlohmann::json& prev =
          before.is_array() && i < static_cast<int>(before.size()) && before[i].is_object()
              ? before[i]
              : empty_;
      list.push_back(level(f.fields, path + "." + std::to_string(i), prev));
    }
    if (remove_.starts_with(path + ".")) {
      int index = -1;
      std::string tail = remove_.substr(path.size() + 1);
      auto r = std::from_chars(tail.data(), tail.data() + tail.size(), index);
      if (r.ec == std::errc() && r.ptr == tail.data() + tail.size() && index >= 0 &&
          index < static_cast<int>(list.size())) {
        list.erase(list.begin() + index);
        out_.adjusted = true;
      }
    }
    if (add_ == path) {  // at the maximum the click adds nothing, and is still no submission
      if (static_cast<int>(list.size()) < f.max_items) list.push_back(nlohmann::json::object());
      out_.adjusted = true;
    }
    if (static_cast<int>(list.size()) < f.min_items)
      error(path, "forms.group.too_few", {{"min", std::to_string(f.min_items)}});
    return list;
  }
};

}  // namespace

Submission read_submission(const FormSchema& schema, const http::FormData& posted,
                           const nlohmann::json& previous, const Context& context) {
  return Reader(schema, posted, context).run(previous);
}

bool condition_holds(const Field& field, const nlohmann::json& scope, const nlohmann::json& top) {
  if (!field.when) return true;
  const nlohmann::json* v = nullptr;
  if (scope.is_object() && scope.contains(field.when->field))
    v = &scope[field.when->field];
  else if (top.is_object() && top.contains(field.when->field))
    v = &top[field.when->field];
  if (!v) return false;
  auto listed = [&](const nlohmann::json& x) {
    std::string value = x.is_boolean()  ? (x.get<bool>() ? "yes" : "")
                        : x.is_string() ? x.get<std::string>()
                                        : "";
    return std::find(field.when->equals.begin(), field.when->equals.end(), value) !=
           field.when->equals.end();
  };
  if (v->is_array()) return std::any_of(v->begin(), v->end(), listed);
  return listed(*v);
}

}  // namespace yiwang::forms
