// A process definition as the engine runs it: the flow nodes and sequence
// flows of one BPMN 2.0 <process>, with the Yiwang extension attributes that
// say who does a task and when it is due, and the diagram-interchange
// coordinates the diagram is drawn from. Built by parse_bpmn()
// (workflow/bpmn_parser.hpp), immutable afterwards, shared by every instance
// of that definition version.
//
// Extension attributes live in the namespace kYiwangNs (prefix usually
// "yiwang"); the Camunda names for the same things (camunda:assignee,
// camunda:candidateGroups, camunda:dueDate, camunda:collection,
// camunda:elementVariable) are read too, so processes drawn in Camunda
// Modeler run unchanged.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "workflow/duration.hpp"
#include "workflow/expression.hpp"

namespace yiwang::workflow {

inline constexpr const char* kBpmnModelNs = "http://www.omg.org/spec/BPMN/20100524/MODEL";
inline constexpr const char* kBpmnDiNs = "http://www.omg.org/spec/BPMN/20100524/DI";
inline constexpr const char* kDcNs = "http://www.omg.org/spec/DD/20100524/DC";
inline constexpr const char* kDiNs = "http://www.omg.org/spec/DD/20100524/DI";
inline constexpr const char* kYiwangNs = "http://yiwang.gov.cn/schema/bpmn";
inline constexpr const char* kCamundaNs = "http://camunda.org/schema/1.0/bpmn";

enum class NodeKind {
  start_event,
  end_event,  // terminate = true for a terminate end event
  user_task,
  service_task,
  exclusive_gateway,
  parallel_gateway,
  inclusive_gateway,
  timer_catch,    // intermediate timer catch event
  message_catch,  // intermediate message catch event
  signal_catch,   // intermediate signal catch event
  call_activity,
  boundary_timer,  // a timer boundary event attached to a user task or call activity
};
std::string_view node_kind_name(NodeKind k);  // "userTask", "parallelGateway" … (the BPMN element)

// When a timer fires: after a duration, at a date, or repeatedly (R3/P1WD).
struct TimerSpec {
  enum class Kind { duration, date, cycle } kind = Kind::duration;
  Duration duration;  // duration and cycle
  std::string date;   // date: ISO 8601 UTC or with offset, as written
  int repeat = 1;     // cycle: how many times (R3 → 3; R/… → unbounded = -1)
  std::string text;   // as written in the file, for messages and history
};

// How a multi-instance (会签) task decides it is complete.
struct Completion {
  enum class Rule { all, any, fraction, condition } rule = Rule::all;
  double fraction = 1.0;                // fraction: share of approvals needed (0 < f ≤ 1)
  std::optional<Expression> condition;  // condition: a BPMN completionCondition
};

struct MultiInstance {
  bool sequential = false;
  std::string collection;          // variable path holding the list of account names
  std::string element_variable;    // name each instance sees its element under (default "signer")
  std::optional<int> cardinality;  // loopCardinality when there is no collection
  Completion completion;
};

// Who does a user task. assignee and candidate groups are expressions in the
// assignment syntax of workflow/assignment.hpp ("zhangwei.bgs", "${starter}",
// "${starterHead}", "${var}", "role:公文管理员@11110000000000001X").
struct Assignment {
  std::string assignee;                       // empty: nobody in particular
  std::vector<std::string> candidate_groups;  // roles within organs
  std::vector<std::string> candidate_users;
};

struct FlowNode {
  std::string id;
  std::string name;
  NodeKind kind = NodeKind::start_event;
  std::vector<std::size_t> incoming;  // indexes into Definition::flows
  std::vector<std::size_t> outgoing;
  std::optional<std::size_t> default_flow;  // gateways and activities with a default flow

  // user tasks
  Assignment assignment;
  std::optional<Duration> due;  // yiwang:due / camunda:dueDate as a duration
  // yiwang:due="${var}": an expression giving the duration text when the task
  // is created (limits a module takes from its configuration); "" when fixed.
  std::string due_expression;
  std::string form_key;               // yiwang:formKey / camunda:formKey: the owning module's form
  std::vector<std::string> outcomes;  // yiwang:outcomes="同意,不同意"; empty: just 完成
  std::string approve_outcome;        // the outcome counted as approval (default: first outcome)
  std::optional<MultiInstance> multi_instance;

  // service tasks
  std::string handler;  // yiwang:handler: a handler name a module registered

  // timer catch and boundary timer events
  std::optional<TimerSpec> timer;
  // boundary events
  std::string attached_to;      // the activity's id
  bool cancel_activity = true;  // interrupting (escalate) or not (remind, 催办)

  // message and signal catch events: the message's or signal's name
  std::string event_name;

  // call activities: the called process key
  std::string called_element;

  // end events
  bool terminate = false;

  // boundary events attached to this node (indexes into Definition::nodes)
  std::vector<std::size_t> boundaries;
};

struct SequenceFlow {
  std::string id;
  std::string name;
  std::size_t source = 0;  // indexes into Definition::nodes
  std::size_t target = 0;
  std::optional<Expression> condition;
};

// Diagram interchange: where the modeller drew each element.
struct Bounds {
  double x = 0, y = 0, width = 0, height = 0;
};
struct Point {
  double x = 0, y = 0;
};
struct DiagramShape {
  std::string element;  // the BPMN element id
  Bounds bounds;
  std::optional<Bounds> label;
};
struct DiagramEdge {
  std::string element;
  std::vector<Point> waypoints;
  std::optional<Bounds> label;
};
struct Diagram {
  std::vector<DiagramShape> shapes;
  std::vector<DiagramEdge> edges;
};

struct Definition {
  std::string key;   // the <process id>
  std::string name;  // the <process name>, or the key
  std::vector<FlowNode> nodes;
  std::vector<SequenceFlow> flows;
  std::size_t start = 0;  // the none start event
  Diagram diagram;        // empty when the file has no BPMNDiagram

  // The node with that id, or nullptr.
  const FlowNode* node(std::string_view id) const;
  std::optional<std::size_t> node_index(std::string_view id) const;

  // index by id, filled by the parser
  std::map<std::string, std::size_t, std::less<>> by_id;
};

}  // namespace yiwang::workflow
