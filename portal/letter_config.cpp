#include "portal/letter_config.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace yiwang::portal {

const LetterKind* LetterRules::kind(std::string_view key) const {
  for (const auto& k : kinds)
    if (k.key == key) return &k;
  return nullptr;
}

namespace {

Error bad(const std::string& field) { return Error("portal.letters.config", field); }

// A whole number between lo and hi at j[key], or the default.
Result<int> number(const nlohmann::json& j, const char* key, int dflt, int lo, int hi,
                   const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) return dflt;
  if (!it->is_number_integer() || it->get<long long>() < lo || it->get<long long>() > hi)
    return std::unexpected(bad(where + key));
  return static_cast<int>(it->get<long long>());
}

std::string text(const nlohmann::json& j, const char* key, std::string dflt = {}) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : dflt;
}

bool is_key(const std::string& k) {
  if (k.empty() || k.size() > 20) return false;
  for (char c : k)
    if (!((c >= 'a' && c <= 'z') || c == '-')) return false;
  return true;
}

}  // namespace

Result<LetterRules> parse_letter_rules(const nlohmann::json& j) {
  LetterRules r;
  if (!j.is_object()) return std::unexpected(bad("letters"));
  auto kinds = j.find("kinds");
  if (kinds == j.end() || !kinds->is_array() || kinds->empty())
    return std::unexpected(bad("kinds"));
  for (const auto& k : *kinds) {
    if (!k.is_object()) return std::unexpected(bad("kinds"));
    LetterKind kind;
    kind.key = text(k, "key");
    if (!is_key(kind.key) || r.kind(kind.key)) return std::unexpected(bad("kinds.key"));
    kind.name = text(k, "name");
    kind.name_en = text(k, "name_en", kind.name);
    kind.description = text(k, "description");
    if (kind.name.empty()) return std::unexpected(bad("kinds." + kind.key + ".name"));
    auto days = number(k, "answer_days", 15, 1, 60, "kinds." + kind.key + ".");
    if (!days) return std::unexpected(days.error());
    kind.answer_days = *days;
    kind.anonymous = k.value("anonymous", false);
    r.kinds.push_back(std::move(kind));
  }
  for (auto [key, field, dflt, lo, hi] : {std::tuple{"triage_days", &r.triage_days, 2, 1, 20},
                                          std::tuple{"review_days", &r.review_days, 2, 1, 20},
                                          std::tuple{"rating_days", &r.rating_days, 20, 1, 120}}) {
    auto n = number(j, key, dflt, lo, hi, "");
    if (!n) return std::unexpected(n.error());
    *field = *n;
  }
  nlohmann::json esc = j.value("escalation", nlohmann::json::object());
  nlohmann::json rate = j.value("rate_limit", nlohmann::json::object());
  nlohmann::json roles = j.value("roles", nlohmann::json::object());
  if (!esc.is_object() || !rate.is_object() || !roles.is_object())
    return std::unexpected(bad("escalation"));
  for (auto [obj, key, field, dflt, lo, hi, where] :
       {std::tuple{&esc, "after_days", &r.escalate_after_days, 0, 0, 60, "escalation."},
        std::tuple{&esc, "repeat_days", &r.escalate_repeat_days, 5, 0, 60, "escalation."},
        std::tuple{&esc, "veto_months", &r.veto_months, 3, 1, 24, "escalation."},
        std::tuple{&rate, "per_address_per_hour", &r.per_address_per_hour, 3, 1, 1000,
                   "rate_limit."},
        std::tuple{&rate, "per_account_per_day", &r.per_account_per_day, 5, 1, 1000,
                   "rate_limit."}}) {
    auto n = number(*obj, key, dflt, lo, hi, where);
    if (!n) return std::unexpected(n.error());
    *field = *n;
  }
  if (auto v = esc.find("veto_kinds"); v != esc.end()) {
    if (!v->is_array()) return std::unexpected(bad("escalation.veto_kinds"));
    r.veto_kinds.clear();
    for (const auto& k : *v)
      if (k.is_string()) r.veto_kinds.push_back(k.get<std::string>());
  }
  r.mailbox_organ = text(j, "mailbox_organ");
  for (auto [key, field] :
       {std::pair{"triage", &r.triage_role}, std::pair{"handle", &r.handle_role},
        std::pair{"review", &r.review_role}, std::pair{"supervise", &r.supervise_role}}) {
    *field = text(roles, key, *field);
    if (field->empty() || field->find('@') != std::string::npos)
      return std::unexpected(bad(std::string("roles.") + key));
  }
  return r;
}

Result<LetterRules> load_letter_rules(const std::filesystem::path& share_dir) {
  std::filesystem::path file = share_dir / "data" / "portal" / "letters.json";
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    LetterRules defaults;
    defaults.kinds = {{"mayor", "领导信箱", "Mayor's mailbox", "", 15, false},
                      {"consult", "咨询", "Questions", "", 5, true},
                      {"complaint", "投诉", "Complaints", "", 10, false}};
    return defaults;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  auto json = nlohmann::json::parse(ss.str(), nullptr, false);
  if (json.is_discarded()) return std::unexpected(bad("letters"));
  auto rules = parse_letter_rules(json);
  if (!rules) {
    Error e = rules.error();
    e.params["file"] = file.string();
    return std::unexpected(e);
  }
  return rules;
}

}  // namespace yiwang::portal
