// The process diagram drawn on the server as SVG from the BPMN diagram-
// interchange coordinates, so a task page shows where an instance stands
// without JavaScript: the elements where tokens wait are marked "current",
// those already passed "done", overdue ones "overdue". Every shape carries a
// <title> with its name; the SVG has role="img" and an aria-label. When the
// file has no diagram, nodes are laid out left to right in the order of the
// flow.
#pragma once

#include <set>
#include <string>

#include "workflow/model.hpp"

namespace yiwang::workflow {

struct DiagramMarks {
  std::set<std::string> current;  // element ids where the instance stands
  std::set<std::string> done;     // element ids already passed
  std::set<std::string> overdue;  // current elements past their due time
  std::string label;              // aria-label, e.g. the process name
};

std::string render_diagram_svg(const Definition& definition, const DiagramMarks& marks);

}  // namespace yiwang::workflow
