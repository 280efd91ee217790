#include "workflow/module_process.hpp"

#include <fstream>
#include <sstream>

namespace yiwang::workflow {

Result<void> deploy_default(Engine& engine, std::string_view key, const std::filesystem::path& file,
                            const std::string& missing_key) {
  auto existing = engine.versions(key);
  if (!existing) return std::unexpected(existing.error());
  if (!existing->empty()) return {};
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(missing_key, "process");
  std::stringstream xml;
  xml << in.rdbuf();
  Actor system;
  system.account = system.name = system.audit.account = "system";
  system.audit.organ = "-";
  system.audit.source = "platform";
  auto deployed = engine.deploy(xml.str(), system);
  if (!deployed) return std::unexpected(deployed.error());
  return {};
}

long long id_variable(const ServiceCall& call, const char* name, const std::string& error_key) {
  auto it = call.variables.find(name);
  if (it == call.variables.end() || !it->is_number_integer()) throw Fault(Error(error_key));
  return it->get<long long>();
}

std::string text_variable(const nlohmann::json& variables, const char* name) {
  auto it = variables.find(name);
  return it != variables.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace yiwang::workflow
