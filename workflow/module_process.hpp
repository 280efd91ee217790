// What a module that owns a process needs around the engine: the process it
// ships deployed when the site has none of that key (a site changes its steps
// by deploying a new version), and the variables its service tasks read.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "workflow/engine.hpp"

namespace yiwang::workflow {

// Deploys `file` as the platform ("system") unless a definition of `key`
// exists; fails with `missing_key` (field "process") when the file cannot be read.
Result<void> deploy_default(Engine& engine, std::string_view key, const std::filesystem::path& file,
                            const std::string& missing_key);

// The integer variable `name` of a service call (the business record's id);
// throws Fault(Error(error_key)) when it is absent or not an integer.
long long id_variable(const ServiceCall& call, const char* name, const std::string& error_key);

// A string variable, or "" when absent or not a string.
std::string text_variable(const nlohmann::json& variables, const char* name);

}  // namespace yiwang::workflow
