// Reads a BPMN 2.0 XML file (as bpmn-js, Camunda Modeler or any standard
// modeller writes it) into a Definition, and checks that the engine can run it:
// every element is one the engine supports, every reference resolves, every
// condition, timer and duration parses, every node is reachable and can
// reach an end, and no join waits for a path that cannot come (a parallel
// join without a matching fork deadlocks).
//
// All problems are reported at once, each as an Error whose field is the
// offending element's id (empty for the file as a whole) with params
// "element" (the BPMN element name, e.g. "bpmn:eventBasedGateway") and
// "detail" where there is more to say.
#pragma once

#include <expected>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "workflow/model.hpp"

namespace yiwang::workflow {

inline constexpr std::size_t kMaxBpmnBytes = 4 * 1024 * 1024;
inline constexpr std::size_t kMaxBpmnNodes = 2000;

using Problems = std::vector<Error>;

std::expected<Definition, Problems> parse_bpmn(std::string_view xml);

}  // namespace yiwang::workflow
