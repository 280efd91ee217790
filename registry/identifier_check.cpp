#include "registry/identifier_check.hpp"

#include <nlohmann/json.hpp>

#include "core/china_time.hpp"

namespace yiwang::registry {

core::IdCheck check_identifier(core::IdKind kind, std::string_view value,
                               const DivisionStore& divisions) {
  core::DivisionExists lookup;
  if (divisions.loaded())
    lookup = [&divisions](std::string_view code) { return divisions.exists(code); };
  return core::check_identifier(kind, value, lookup, core::china_today());
}

nlohmann::json identifier_json(core::IdKind kind, const core::IdCheck& check,
                               const DivisionStore& divisions, const render::Catalogue& catalogue,
                               std::string_view lang) {
  const char* status = check.status == core::IdStatus::valid    ? "valid"
                       : check.status == core::IdStatus::legacy ? "legacy"
                                                                : "invalid";
  nlohmann::json j = {{"kind", std::string(core::id_kind_name(kind))},
                      {"normalised", check.normalised},
                      {"status", status}};
  if (check.status == core::IdStatus::invalid) {
    j["rule"] = check.rule;
    j["message"] = catalogue.text(lang, check.error.key, check.error.params);
  }
  if (!check.converted.empty()) j["converted"] = check.converted;
  if (auto v = divisions.version())
    j["division_table"] = {{"source", v->source}, {"data_date", v->data_date}};
  else
    j["division_table"] = nullptr;
  return j;
}

}  // namespace yiwang::registry
