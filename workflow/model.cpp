#include "workflow/model.hpp"

namespace yiwang::workflow {

std::string_view node_kind_name(NodeKind k) {
  switch (k) {
    case NodeKind::start_event:
      return "startEvent";
    case NodeKind::end_event:
      return "endEvent";
    case NodeKind::user_task:
      return "userTask";
    case NodeKind::service_task:
      return "serviceTask";
    case NodeKind::exclusive_gateway:
      return "exclusiveGateway";
    case NodeKind::parallel_gateway:
      return "parallelGateway";
    case NodeKind::inclusive_gateway:
      return "inclusiveGateway";
    case NodeKind::timer_catch:
    case NodeKind::message_catch:
    case NodeKind::signal_catch:
      return "intermediateCatchEvent";
    case NodeKind::call_activity:
      return "callActivity";
    case NodeKind::boundary_timer:
      return "boundaryEvent";
  }
  return "unknown";
}

const FlowNode* Definition::node(std::string_view id) const {
  const auto index = node_index(id);
  return index ? &nodes[*index] : nullptr;
}

std::optional<std::size_t> Definition::node_index(std::string_view id) const {
  const auto it = by_id.find(id);
  if (it == by_id.end() || it->second >= nodes.size()) return std::nullopt;
  return it->second;
}

}  // namespace yiwang::workflow
