#include "services/prefill.hpp"

namespace yiwang::services {

namespace {

void put(nlohmann::json& out, const char* name, const std::string& value) {
  if (!value.empty()) out[name] = value;
}

}  // namespace

nlohmann::json person_bindings(const registry::PersonRecord& p) {
  nlohmann::json out = nlohmann::json::object();
  put(out, "person.name", p.name);
  put(out, "person.citizen_id", p.citizen_id);
  put(out, "person.gender", p.gender == "male" ? "男" : p.gender == "female" ? "女" : "");
  put(out, "person.birth_date", p.birth_date);
  put(out, "person.phone", p.phone);
  put(out, "person.email", p.email);
  put(out, "person.address", p.address);
  return out;
}

nlohmann::json enterprise_bindings(
    const registry::EntityRecord& e,
    const std::function<std::optional<std::string>(std::string_view)>& division_name) {
  nlohmann::json out = nlohmann::json::object();
  put(out, "enterprise.name", e.name);
  put(out, "enterprise.credit_code", e.credit_code);
  put(out, "enterprise.kind", e.kind);
  put(out, "enterprise.legal_representative", e.legal_representative);
  put(out, "enterprise.registered_capital", e.registered_capital);
  put(out, "enterprise.address", e.address);
  if (auto name = division_name ? division_name(e.division_code) : std::nullopt)
    out["enterprise.division"] = {{"code", e.division_code}, {"name", *name}};
  put(out, "enterprise.established", e.established);
  put(out, "enterprise.business_scope", e.business_scope);
  put(out, "enterprise.phone", e.phone);
  return out;
}

}  // namespace yiwang::services
