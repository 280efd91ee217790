// parse_bpmn: the fixtures in tests/data/bpmn (as bpmn-js and Camunda Modeler
// write them), one test per supported element, one case per problem the
// parser reports, and the message catalogues for those problems.
#include "workflow/bpmn_parser.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include "tests/support/catalogue_file.hpp"

namespace yiwang::workflow {
namespace {

using Parsed = std::expected<Definition, Problems>;

std::string source_file(const std::string& relative) {
  const std::string path = std::string(YIWANG_SOURCE_DIR) + "/" + relative;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string fixture(const std::string& name) { return source_file("tests/data/bpmn/" + name); }

std::string describe(const Problems& problems) {
  std::string out;
  for (const Error& e : problems) {
    out += "\n  " + e.key + " field=" + e.field;
    for (const auto& [k, v] : e.params) out += " " + k + "=" + v.substr(0, 80);
  }
  return out;
}

std::string describe(const Parsed& parsed) {
  return parsed ? std::string("parsed without problems") : describe(parsed.error());
}

const Error* find_problem(const Parsed& parsed, std::string_view key, std::string_view field) {
  if (parsed) return nullptr;
  for (const Error& e : parsed.error())
    if (e.key == key && e.field == field) return &e;
  return nullptr;
}

::testing::AssertionResult HasProblem(const Parsed& parsed, std::string_view key,
                                      std::string_view field) {
  if (find_problem(parsed, key, field)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "no " << key << " with field \"" << field << "\"; got:" << describe(parsed);
}

std::string param(const Parsed& parsed, std::string_view key, std::string_view field,
                  const std::string& name) {
  const Error* e = find_problem(parsed, key, field);
  if (!e) return "<no problem>";
  const auto it = e->params.find(name);
  return it == e->params.end() ? "<no param>" : it->second;
}

// ------------------------------------------------------------ inline files

constexpr std::string_view kHead =
    R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:yiwang="http://yiwang.gov.cn/schema/bpmn" id="Definitions_1" targetNamespace="http://yiwang.gov.cn/bpmn">
)";

// A file with one process "ceshi" holding `body`, and `after` after the process.
std::string process(std::string_view body, std::string_view after = "") {
  return std::string(kHead) + R"(<bpmn:process id="ceshi" name="测试" isExecutable="true">)" +
         std::string(body) + "</bpmn:process>" + std::string(after) + "</bpmn:definitions>";
}

// start S → node T → end E, with T given and more elements in `extra`.
std::string around(std::string_view task, std::string_view extra = "",
                   std::string_view after = "") {
  return process(std::string(R"(
<bpmn:startEvent id="S" name="开始" />
<bpmn:endEvent id="E" name="结束" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" />
<bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E" />
)") + std::string(task) +
                     std::string(extra),
                 after);
}

constexpr std::string_view kTask =
    R"(<bpmn:userTask id="T" name="办理" yiwang:assignee="zhangwei.bgs" />)";

// A user task T with the given attributes and content.
std::string task(std::string_view attributes, std::string_view content = "") {
  return R"(<bpmn:userTask id="T" name="办理" )" + std::string(attributes) + ">" +
         std::string(content) + "</bpmn:userTask>";
}

const FlowNode& node(const Definition& d, std::string_view id) {
  const FlowNode* n = d.node(id);
  if (!n) throw std::runtime_error("no node " + std::string(id));
  return *n;
}

const SequenceFlow& flow(const Definition& d, std::string_view id) {
  for (const SequenceFlow& f : d.flows)
    if (f.id == id) return f;
  throw std::runtime_error("no flow " + std::string(id));
}

std::vector<std::string> flow_ids(const Definition& d, const std::vector<std::size_t>& indexes) {
  std::vector<std::string> ids;
  for (std::size_t i : indexes) ids.push_back(d.flows.at(i).id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

const DiagramShape* shape(const Definition& d, std::string_view element) {
  for (const DiagramShape& s : d.diagram.shapes)
    if (s.element == element) return &s;
  return nullptr;
}

const DiagramEdge* edge(const Definition& d, std::string_view element) {
  for (const DiagramEdge& e : d.diagram.edges)
    if (e.element == element) return &e;
  return nullptr;
}

// ======================================================== the reference process

class BpmnReference : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto parsed = parse_bpmn(fixture("reference.bpmn"));
    ASSERT_TRUE(parsed) << describe(parsed);
    definition_ = new Definition(std::move(*parsed));
  }
  static void TearDownTestSuite() {
    delete definition_;
    definition_ = nullptr;
  }
  const Definition& d() {
    if (!definition_) throw std::runtime_error("reference.bpmn did not parse");
    return *definition_;
  }
  static Definition* definition_;
};
Definition* BpmnReference::definition_ = nullptr;

TEST_F(BpmnReference, KeyNameAndCounts) {
  EXPECT_EQ(d().key, "gongwen_fawen");
  EXPECT_EQ(d().name, "发文办理");
  EXPECT_EQ(d().nodes.size(), 17u);
  EXPECT_EQ(d().flows.size(), 21u);
  EXPECT_EQ(d().nodes[d().start].id, "StartEvent_Fawen");
  EXPECT_EQ(d().by_id.size(), d().nodes.size());
  const auto count = [&](NodeKind k) {
    return std::count_if(d().nodes.begin(), d().nodes.end(),
                         [&](const FlowNode& n) { return n.kind == k; });
  };
  EXPECT_EQ(count(NodeKind::user_task), 10);
  EXPECT_EQ(count(NodeKind::exclusive_gateway), 3);
  EXPECT_EQ(count(NodeKind::parallel_gateway), 2);
  EXPECT_EQ(count(NodeKind::start_event), 1);
  EXPECT_EQ(count(NodeKind::end_event), 1);
}

TEST_F(BpmnReference, TaskNamesInOrder) {
  std::vector<std::string> names;
  for (const FlowNode& n : d().nodes)
    if (n.kind == NodeKind::user_task) names.push_back(n.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"拟稿", "部门审核", "法规处会商", "财务处会商", "保密审查",
                                      "会签", "办公室核稿", "领导签发", "编号登记", "分发"}));
}

TEST_F(BpmnReference, KindsAndLookups) {
  EXPECT_EQ(node(d(), "Gateway_Consult").kind, NodeKind::parallel_gateway);
  EXPECT_EQ(node(d(), "Gateway_ConsultDone").kind, NodeKind::parallel_gateway);
  EXPECT_EQ(node(d(), "Gateway_DeptOpinion").kind, NodeKind::exclusive_gateway);
  EXPECT_EQ(node(d(), "EndEvent_Fawen").kind, NodeKind::end_event);
  EXPECT_FALSE(node(d(), "EndEvent_Fawen").terminate);
  EXPECT_EQ(d().node("no_such_node"), nullptr);
  EXPECT_FALSE(d().node_index("no_such_node").has_value());
  const auto index = d().node_index("Activity_LeaderSign");
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(d().nodes[*index].name, "领导签发");
  EXPECT_EQ(node_kind_name(NodeKind::user_task), "userTask");
  EXPECT_EQ(node_kind_name(NodeKind::parallel_gateway), "parallelGateway");
  EXPECT_EQ(node_kind_name(NodeKind::boundary_timer), "boundaryEvent");
  EXPECT_EQ(node_kind_name(NodeKind::message_catch), "intermediateCatchEvent");
}

TEST_F(BpmnReference, ParallelSectionIsForkAndJoinOfThree) {
  const FlowNode& fork = node(d(), "Gateway_Consult");
  const FlowNode& join = node(d(), "Gateway_ConsultDone");
  EXPECT_EQ(fork.incoming.size(), 1u);
  EXPECT_EQ(flow_ids(d(), fork.outgoing),
            (std::vector<std::string>{"Flow_Consult_Finance", "Flow_Consult_Legal",
                                      "Flow_Consult_Secrecy"}));
  EXPECT_EQ(
      flow_ids(d(), join.incoming),
      (std::vector<std::string>{"Flow_Finance_Done", "Flow_Legal_Done", "Flow_Secrecy_Done"}));
  EXPECT_EQ(join.outgoing.size(), 1u);
  for (std::size_t f : fork.outgoing) EXPECT_FALSE(d().flows[f].condition.has_value());
  // every flow's ends point back at it
  for (std::size_t i = 0; i < d().flows.size(); ++i) {
    const SequenceFlow& f = d().flows[i];
    const auto& out = d().nodes[f.source].outgoing;
    const auto& in = d().nodes[f.target].incoming;
    EXPECT_NE(std::find(out.begin(), out.end(), i), out.end()) << f.id;
    EXPECT_NE(std::find(in.begin(), in.end(), i), in.end()) << f.id;
  }
}

TEST_F(BpmnReference, Assignments) {
  EXPECT_EQ(node(d(), "Activity_Draft").assignment.assignee, "${starter}");
  EXPECT_EQ(node(d(), "Activity_DeptReview").assignment.assignee, "${starterHead}");
  EXPECT_EQ(node(d(), "Activity_FinanceReview").assignment.candidate_groups,
            (std::vector<std::string>{"role:财务处审核人", "role:财务处处长"}));
  EXPECT_TRUE(node(d(), "Activity_FinanceReview").assignment.assignee.empty());
  const FlowNode& secrecy = node(d(), "Activity_SecrecyReview");
  EXPECT_EQ(secrecy.assignment.candidate_groups, (std::vector<std::string>{"role:保密员"}));
  EXPECT_EQ(secrecy.assignment.candidate_users,
            (std::vector<std::string>{"liming.bmb", "wangfang.bmb"}));
  EXPECT_EQ(node(d(), "Activity_Draft").form_key, "office.dispatch.draft");
}

TEST_F(BpmnReference, OutcomesAndApproval) {
  const FlowNode& review = node(d(), "Activity_DeptReview");
  EXPECT_EQ(review.outcomes, (std::vector<std::string>{"同意", "退回修改"}));
  EXPECT_EQ(review.approve_outcome, "同意");
  const FlowNode& sign = node(d(), "Activity_LeaderSign");
  EXPECT_EQ(sign.outcomes, (std::vector<std::string>{"签发", "退回"}));
  EXPECT_EQ(sign.approve_outcome, "签发");
  EXPECT_TRUE(node(d(), "Activity_Draft").outcomes.empty());
  EXPECT_TRUE(node(d(), "Activity_Draft").approve_outcome.empty());
}

TEST_F(BpmnReference, CountersignIsAParallelMultiInstance) {
  const FlowNode& countersign = node(d(), "Activity_Countersign");
  ASSERT_TRUE(countersign.multi_instance.has_value());
  const MultiInstance& mi = *countersign.multi_instance;
  EXPECT_FALSE(mi.sequential);
  EXPECT_EQ(mi.collection, "signers");
  EXPECT_EQ(mi.element_variable, "signer");
  EXPECT_FALSE(mi.cardinality.has_value());
  EXPECT_EQ(mi.completion.rule, Completion::Rule::all);
  EXPECT_EQ(countersign.assignment.assignee, "${signer}");
  // "同意，不同意" with a full-width comma
  EXPECT_EQ(countersign.outcomes, (std::vector<std::string>{"同意", "不同意"}));
  EXPECT_EQ(countersign.approve_outcome, "同意");
  int multi = 0;
  for (const FlowNode& n : d().nodes) multi += n.multi_instance.has_value();
  EXPECT_EQ(multi, 1);
}

TEST_F(BpmnReference, DueDurations) {
  const FlowNode& draft = node(d(), "Activity_Draft");
  ASSERT_TRUE(draft.due.has_value());
  EXPECT_EQ(draft.due->working_days, 2);
  EXPECT_EQ(draft.due->text, "P2WD");
  ASSERT_TRUE(node(d(), "Activity_Countersign").due.has_value());
  EXPECT_EQ(node(d(), "Activity_Countersign").due->working_days, 5);
  for (const FlowNode& n : d().nodes)
    if (n.kind == NodeKind::user_task) {
      EXPECT_TRUE(n.due.has_value()) << n.id;
    }
}

TEST_F(BpmnReference, ConditionsAndDefaultFlows) {
  const SequenceFlow& agree = flow(d(), "Flow_Opinion_Consult");
  ASSERT_TRUE(agree.condition.has_value());
  EXPECT_EQ(agree.condition->text(), "${outcome == '同意'}");
  EXPECT_EQ(agree.name, "同意");
  const auto yes = agree.condition->test(nlohmann::json{{"outcome", "同意"}});
  ASSERT_TRUE(yes.has_value());
  EXPECT_TRUE(*yes);
  const auto no = agree.condition->test(nlohmann::json{{"outcome", "退回修改"}});
  ASSERT_TRUE(no.has_value());
  EXPECT_FALSE(*no);

  const FlowNode& opinion = node(d(), "Gateway_DeptOpinion");
  ASSERT_TRUE(opinion.default_flow.has_value());
  EXPECT_EQ(d().flows[*opinion.default_flow].id, "Flow_Opinion_Redraft");
  EXPECT_FALSE(d().flows[*opinion.default_flow].condition.has_value());
  EXPECT_EQ(d().nodes[d().flows[*opinion.default_flow].target].id, "Activity_Draft");

  const FlowNode& need = node(d(), "Gateway_NeedCountersign");
  ASSERT_TRUE(need.default_flow.has_value());
  EXPECT_EQ(d().flows[*need.default_flow].id, "Flow_Need_OfficeCheck");
  ASSERT_TRUE(flow(d(), "Flow_Need_Countersign").condition.has_value());
  EXPECT_EQ(flow(d(), "Flow_Need_Countersign").condition->text(), "${countersign == true}");

  int conditional = 0;
  for (const SequenceFlow& f : d().flows) conditional += f.condition.has_value();
  EXPECT_EQ(conditional, 3);
  EXPECT_FALSE(node(d(), "Activity_Draft").default_flow.has_value());
}

TEST_F(BpmnReference, DiagramCoordinates) {
  EXPECT_EQ(d().diagram.shapes.size(), 17u);
  EXPECT_EQ(d().diagram.edges.size(), 21u);
  const DiagramShape* start = shape(d(), "StartEvent_Fawen");
  ASSERT_NE(start, nullptr);
  EXPECT_DOUBLE_EQ(start->bounds.x, 152);
  EXPECT_DOUBLE_EQ(start->bounds.y, 222);
  EXPECT_DOUBLE_EQ(start->bounds.width, 36);
  EXPECT_DOUBLE_EQ(start->bounds.height, 36);
  ASSERT_TRUE(start->label.has_value());
  EXPECT_DOUBLE_EQ(start->label->x, 144);
  EXPECT_DOUBLE_EQ(start->label->y, 265);
  EXPECT_DOUBLE_EQ(start->label->width, 52);

  const DiagramShape* countersign = shape(d(), "Activity_Countersign");
  ASSERT_NE(countersign, nullptr);
  EXPECT_DOUBLE_EQ(countersign->bounds.x, 1130);
  EXPECT_DOUBLE_EQ(countersign->bounds.y, 70);
  EXPECT_DOUBLE_EQ(countersign->bounds.width, 100);
  EXPECT_DOUBLE_EQ(countersign->bounds.height, 80);
  EXPECT_FALSE(countersign->label.has_value());

  const DiagramEdge* back = edge(d(), "Flow_Opinion_Redraft");
  ASSERT_NE(back, nullptr);
  ASSERT_EQ(back->waypoints.size(), 4u);
  EXPECT_DOUBLE_EQ(back->waypoints[0].x, 585);
  EXPECT_DOUBLE_EQ(back->waypoints[0].y, 265);
  EXPECT_DOUBLE_EQ(back->waypoints[1].y, 330);
  EXPECT_DOUBLE_EQ(back->waypoints[3].x, 290);
  EXPECT_DOUBLE_EQ(back->waypoints[3].y, 280);
  ASSERT_TRUE(back->label.has_value());
  EXPECT_DOUBLE_EQ(back->label->height, 14);
  for (const DiagramEdge& e : d().diagram.edges) EXPECT_GE(e.waypoints.size(), 2u) << e.element;
  for (const FlowNode& n : d().nodes) EXPECT_NE(shape(d(), n.id), nullptr) << n.id;
}

// ====================================================== Camunda Modeler files

TEST(BpmnCamunda, ReadsCamundaExtensionAttributes) {
  const auto parsed = parse_bpmn(fixture("camunda_modeler.bpmn"));
  ASSERT_TRUE(parsed) << describe(parsed);
  const Definition& d = *parsed;
  EXPECT_EQ(d.key, "qingjia_shenpi");
  EXPECT_EQ(d.name, "请假审批");
  EXPECT_EQ(d.nodes.size(), 7u);

  const FlowNode& fill = node(d, "Activity_Fill");
  EXPECT_EQ(fill.assignment.assignee, "${starter}");
  EXPECT_EQ(fill.form_key, "office.leave.form");

  const FlowNode& chief = node(d, "Activity_SectionChief");
  EXPECT_EQ(chief.assignment.candidate_groups, (std::vector<std::string>{"role:科室负责人"}));
  ASSERT_TRUE(chief.due.has_value());
  EXPECT_EQ(chief.due->working_days, 2);

  const FlowNode& leaders = node(d, "Activity_Leaders");
  ASSERT_TRUE(leaders.multi_instance.has_value());
  EXPECT_EQ(leaders.multi_instance->collection, "leaders");  // "${leaders}" unwrapped
  EXPECT_EQ(leaders.multi_instance->element_variable, "leader");
  EXPECT_EQ(leaders.multi_instance->completion.rule, Completion::Rule::condition);
  ASSERT_TRUE(leaders.multi_instance->completion.condition.has_value());
  EXPECT_EQ(leaders.multi_instance->completion.condition->text(), "${nrOfCompletedInstances >= 2}");
  EXPECT_EQ(leaders.assignment.assignee, "${leader}");

  const FlowNode& record = node(d, "Activity_Record");
  EXPECT_EQ(record.assignment.candidate_users,
            (std::vector<std::string>{"zhaomin.rsc", "sunli.rsc"}));
  EXPECT_EQ(record.assignment.candidate_groups, (std::vector<std::string>{"role:人事处"}));

  ASSERT_TRUE(flow(d, "Flow_Days_Leaders").condition.has_value());
  EXPECT_EQ(flow(d, "Flow_Days_Leaders").condition->text(), "${days > 3}");
  ASSERT_TRUE(node(d, "Gateway_Days").default_flow.has_value());
}

TEST(BpmnCamunda, YiwangAttributesWinOverCamundaOnes) {
  const auto parsed = parse_bpmn(
      around(R"(<bpmn:userTask id="T" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" )"
             R"(yiwang:assignee="yiwang.user" camunda:assignee="camunda.user" />)"));
  ASSERT_TRUE(parsed) << describe(parsed);
  EXPECT_EQ(node(*parsed, "T").assignment.assignee, "yiwang.user");
}

TEST(BpmnNamespaces, DefaultNamespaceAndOtherPrefixes) {
  const auto parsed = parse_bpmn(fixture("default_namespace.bpmn"));
  ASSERT_TRUE(parsed) << describe(parsed);
  const Definition& d = *parsed;
  EXPECT_EQ(d.key, "jianyi_tian_banli");
  EXPECT_EQ(d.nodes.size(), 4u);
  EXPECT_EQ(node(d, "Activity_Assign").assignment.candidate_groups,
            (std::vector<std::string>{"role:建议提案办理员"}));
  const FlowNode& handle = node(d, "Activity_Handle");
  EXPECT_EQ(handle.assignment.assignee, "${handler}");
  ASSERT_TRUE(handle.due.has_value());
  EXPECT_EQ(handle.due->months, 3);
  EXPECT_EQ(d.diagram.shapes.size(), 4u);  // omgdc:Bounds read through their namespace
  EXPECT_EQ(d.diagram.edges.size(), 3u);
}

TEST(BpmnNamespaces, PrefixesAreResolvedNotAssumed) {
  // "bpmn:" bound to something else is not BPMN; "b2:" bound to BPMN is.
  std::string wrong = around(kTask);
  wrong.replace(wrong.find("http://www.omg.org/spec/BPMN/20100524/MODEL"),
                std::string_view("http://www.omg.org/spec/BPMN/20100524/MODEL").size(),
                "http://example.com/not-bpmn");
  EXPECT_TRUE(HasProblem(parse_bpmn(wrong), "workflow.bpmn.not_bpmn", ""));

  const std::string renamed = std::regex_replace(around(kTask), std::regex("bpmn:"), "b2:");
  const auto parsed =
      parse_bpmn(std::regex_replace(renamed, std::regex("xmlns:bpmn="), "xmlns:b2="));
  ASSERT_TRUE(parsed) << describe(parsed);
  EXPECT_EQ(parsed->nodes.size(), 3u);

  // A yiwang attribute under another prefix bound to the Yiwang namespace.
  const auto other = parse_bpmn(process(R"(
<bpmn:startEvent id="S" /><bpmn:endEvent id="E" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" />
<bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E" />
<bpmn:userTask id="T" xmlns:x="http://yiwang.gov.cn/schema/bpmn" x:assignee="lisi.bgs" />)"));
  ASSERT_TRUE(other) << describe(other);
  EXPECT_EQ(node(*other, "T").assignment.assignee, "lisi.bgs");

  // An attribute named like the extension but in no namespace is not the extension.
  const auto plain = parse_bpmn(around(R"(<bpmn:userTask id="T" assignee="lisi.bgs" />)"));
  EXPECT_TRUE(HasProblem(plain, "workflow.bpmn.no_assignee", "T"));
}

TEST(BpmnCollaboration, OnePoolWithLanesIsOneProcess) {
  const auto parsed = parse_bpmn(fixture("collaboration.bpmn"));
  ASSERT_TRUE(parsed) << describe(parsed);
  const Definition& d = *parsed;
  EXPECT_EQ(d.key, "huiyi_shenqing");
  EXPECT_EQ(d.nodes.size(), 4u);           // lanes, annotation, association, data objects ignored
  EXPECT_EQ(d.diagram.shapes.size(), 4u);  // no shapes for the pool and lanes
  EXPECT_EQ(shape(d, "Participant_Meeting"), nullptr);
  EXPECT_EQ(shape(d, "Lane_Office"), nullptr);
  EXPECT_NE(shape(d, "Activity_Approve"), nullptr);
}

// ======================================================= supported elements

TEST(BpmnElements, InclusiveGateway) {
  const auto parsed = parse_bpmn(fixture("inclusive_gateway.bpmn"));
  ASSERT_TRUE(parsed) << describe(parsed);
  const Definition& d = *parsed;
  const FlowNode& split = node(d, "Gateway_Consult");
  EXPECT_EQ(split.kind, NodeKind::inclusive_gateway);
  EXPECT_EQ(split.outgoing.size(), 3u);
  ASSERT_TRUE(split.default_flow.has_value());
  EXPECT_EQ(d.flows[*split.default_flow].id, "Flow_Consult_OwnReview");
  EXPECT_TRUE(flow(d, "Flow_Consult_ThirdParty").condition.has_value());
  EXPECT_TRUE(flow(d, "Flow_Consult_OtherOrgan").condition.has_value());
  EXPECT_EQ(node(d, "Gateway_ConsultDone").kind, NodeKind::inclusive_gateway);
  EXPECT_EQ(node(d, "Gateway_ConsultDone").incoming.size(), 3u);
  EXPECT_EQ(node(d, "Activity_Reply").outcomes.size(), 3u);
  ASSERT_TRUE(node(d, "Activity_ThirdParty").due.has_value());
  EXPECT_EQ(node(d, "Activity_ThirdParty").due->working_days, 15);
}

TEST(BpmnElements, SequentialMultiInstanceAndCardinality) {
  const auto parsed = parse_bpmn(fixture("sequential_multi_instance.bpmn"));
  ASSERT_TRUE(parsed) << describe(parsed);
  const FlowNode& approve = node(*parsed, "Activity_Approve");
  ASSERT_TRUE(approve.multi_instance.has_value());
  EXPECT_TRUE(approve.multi_instance->sequential);
  EXPECT_EQ(approve.multi_instance->collection, "approvers");
  EXPECT_EQ(approve.multi_instance->element_variable, "approver");
  EXPECT_EQ(approve.multi_instance->completion.rule, Completion::Rule::condition);
  ASSERT_TRUE(approve.multi_instance->completion.condition.has_value());
  EXPECT_EQ(approve.multi_instance->completion.condition->text(), "${rejected == true}");

  const FlowNode& joint = node(*parsed, "Activity_JointSign");
  ASSERT_TRUE(joint.multi_instance.has_value());
  EXPECT_FALSE(joint.multi_instance->sequential);
  EXPECT_TRUE(joint.multi_instance->collection.empty());
  EXPECT_EQ(joint.multi_instance->cardinality, 3);
  EXPECT_EQ(joint.multi_instance->element_variable, "signer");  // the default
  EXPECT_EQ(joint.multi_instance->completion.rule, Completion::Rule::fraction);
  EXPECT_NEAR(joint.multi_instance->completion.fraction, 2.0 / 3.0, 1e-12);
}

TEST(BpmnElements, CountersignOverACollectionNeedsNoAssignee) {
  const auto listed = parse_bpmn(
      around(task(R"(yiwang:outcomes="同意,不同意")",
                  R"(<bpmn:multiInstanceLoopCharacteristics yiwang:collection="signers" />)")));
  ASSERT_TRUE(listed) << describe(listed);
  EXPECT_TRUE(node(*listed, "T").assignment.assignee.empty());
  // With a number of instances only, somebody must still be named.
  const auto counted = parse_bpmn(around(task(
      "",
      R"(<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>)")));
  EXPECT_TRUE(HasProblem(counted, "workflow.bpmn.no_assignee", "T"));
}

TEST(BpmnElements, CompletionRules) {
  const auto completion = [](std::string_view rule) -> std::optional<Completion> {
    const auto parsed = parse_bpmn(around(task(
        R"(yiwang:assignee="${signer}")",
        R"(<bpmn:multiInstanceLoopCharacteristics yiwang:collection="signers" yiwang:completion=")" +
            std::string(rule) + R"(" />)")));
    if (!parsed) return std::nullopt;
    return node(*parsed, "T").multi_instance->completion;
  };
  EXPECT_EQ(completion("all")->rule, Completion::Rule::all);
  EXPECT_EQ(completion("any")->rule, Completion::Rule::any);
  EXPECT_EQ(completion("0.6")->rule, Completion::Rule::fraction);
  EXPECT_DOUBLE_EQ(completion("0.6")->fraction, 0.6);
  EXPECT_DOUBLE_EQ(completion("60%")->fraction, 0.6);
  EXPECT_DOUBLE_EQ(completion("1/2")->fraction, 0.5);
  EXPECT_EQ(completion("3/3")->rule, Completion::Rule::all);
  for (const char* bad : {"most", "0", "1.5", "3/2", "-1/2", "1/0", "", "NaN"})
    EXPECT_FALSE(completion(bad).has_value()) << bad;
}

TEST(BpmnElements, BoundaryTimers) {
  const auto parsed = parse_bpmn(fixture("boundary_timers.bpmn"));
  ASSERT_TRUE(parsed) << describe(parsed);
  const Definition& d = *parsed;
  const FlowNode& handle = node(d, "Activity_Handle");
  ASSERT_EQ(handle.boundaries.size(), 2u);
  EXPECT_EQ(d.nodes[handle.boundaries[0]].id, "Event_Overdue");
  EXPECT_EQ(d.nodes[handle.boundaries[1]].id, "Event_Remind");

  const FlowNode& overdue = node(d, "Event_Overdue");
  EXPECT_EQ(overdue.kind, NodeKind::boundary_timer);
  EXPECT_EQ(overdue.attached_to, "Activity_Handle");
  EXPECT_TRUE(overdue.cancel_activity);
  ASSERT_TRUE(overdue.timer.has_value());
  EXPECT_EQ(overdue.timer->kind, TimerSpec::Kind::duration);
  EXPECT_EQ(overdue.timer->duration.working_days, 2);
  EXPECT_EQ(overdue.timer->text, "P2WD");
  EXPECT_TRUE(overdue.incoming.empty());
  EXPECT_EQ(overdue.outgoing.size(), 1u);

  const FlowNode& remind = node(d, "Event_Remind");
  EXPECT_FALSE(remind.cancel_activity);
  ASSERT_TRUE(remind.timer.has_value());
  EXPECT_EQ(remind.timer->kind, TimerSpec::Kind::cycle);
  EXPECT_EQ(remind.timer->repeat, 2);
  EXPECT_EQ(remind.timer->duration.working_days, 1);
  EXPECT_EQ(remind.timer->text, "R2/P1WD");

  EXPECT_EQ(node(d, "Activity_Remind").kind, NodeKind::service_task);
  EXPECT_EQ(node(d, "Activity_Remind").handler, "workflow.remind");
  EXPECT_NE(shape(d, "Event_Overdue"), nullptr);
}

TEST(BpmnElements, IntermediateTimer) {
  const auto parsed = parse_bpmn(fixture("timer_catch.bpmn"));
  ASSERT_TRUE(parsed) << describe(parsed);
  const FlowNode& period = node(*parsed, "Event_PublicityPeriod");
  EXPECT_EQ(period.kind, NodeKind::timer_catch);
  ASSERT_TRUE(period.timer.has_value());
  EXPECT_EQ(period.timer->kind, TimerSpec::Kind::duration);
  EXPECT_EQ(period.timer->duration.working_days, 5);
}

TEST(BpmnElements, TimerAtADate) {
  const auto parsed = parse_bpmn(around(R"(
<bpmn:intermediateCatchEvent id="T" name="定时"><bpmn:timerEventDefinition>
  <bpmn:timeDate xsi:type="bpmn:tFormalExpression"> 2026-12-01T09:00:00+08:00 </bpmn:timeDate>
</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>)"));
  ASSERT_TRUE(parsed) << describe(parsed);
  const FlowNode& t = node(*parsed, "T");
  ASSERT_TRUE(t.timer.has_value());
  EXPECT_EQ(t.timer->kind, TimerSpec::Kind::date);
  EXPECT_EQ(t.timer->date, "2026-12-01T09:00:00+08:00");
}

TEST(BpmnElements, MessageCatch) {
  const auto parsed = parse_bpmn(fixture("message_catch.bpmn"));
  ASSERT_TRUE(parsed) << describe(parsed);
  const FlowNode& paid = node(*parsed, "Event_Paid");
  EXPECT_EQ(paid.kind, NodeKind::message_catch);
  EXPECT_EQ(paid.event_name, "缴费完成");
}

TEST(BpmnElements, SignalCatch) {
  const auto parsed = parse_bpmn(fixture("signal_catch.bpmn"));
  ASSERT_TRUE(parsed) << describe(parsed);
  const FlowNode& issued = node(*parsed, "Event_PolicyIssued");
  EXPECT_EQ(issued.kind, NodeKind::signal_catch);
  EXPECT_EQ(issued.event_name, "政策发布");
}

TEST(BpmnElements, CallActivityWithBoundaryTimer) {
  const auto parsed = parse_bpmn(fixture("call_activity.bpmn"));
  ASSERT_TRUE(parsed) << describe(parsed);
  const FlowNode& seal = node(*parsed, "Activity_Seal");
  EXPECT_EQ(seal.kind, NodeKind::call_activity);
  EXPECT_EQ(seal.called_element, "yongyin_shenqing");
  ASSERT_EQ(seal.boundaries.size(), 1u);
  const FlowNode& overdue = parsed->nodes[seal.boundaries[0]];
  EXPECT_EQ(overdue.id, "Event_SealOverdue");
  ASSERT_TRUE(overdue.timer.has_value());
  EXPECT_EQ(overdue.timer->duration.working_days, 10);
}

TEST(BpmnElements, ServiceTask) {
  const auto parsed = parse_bpmn(fixture("service_task.bpmn"));
  ASSERT_TRUE(parsed) << describe(parsed);
  const FlowNode& number = node(*parsed, "Activity_AssignNumber");
  EXPECT_EQ(number.kind, NodeKind::service_task);
  EXPECT_EQ(number.handler, "office.assign_document_number");
  EXPECT_EQ(number.name, "自动编排文号");
}

TEST(BpmnElements, TerminateEnd) {
  const auto parsed = parse_bpmn(fixture("terminate_end.bpmn"));
  ASSERT_TRUE(parsed) << describe(parsed);
  EXPECT_TRUE(node(*parsed, "EndEvent_Terminate").terminate);
  EXPECT_EQ(node(*parsed, "EndEvent_Terminate").kind, NodeKind::end_event);
  EXPECT_FALSE(node(*parsed, "EndEvent_Licence").terminate);
  EXPECT_EQ(node(*parsed, "Gateway_Join").incoming.size(), 2u);
}

TEST(BpmnElements, ActivityDefaultFlowAndConditionalFlow) {
  const auto parsed = parse_bpmn(process(R"(
<bpmn:startEvent id="S" /><bpmn:endEvent id="E" /><bpmn:endEvent id="E2" />
<bpmn:userTask id="T" yiwang:assignee="a" default="F2" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" />
<bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E" />
<bpmn:sequenceFlow id="F3" sourceRef="T" targetRef="E2">
  <bpmn:conditionExpression><![CDATA[${amount > 10000}]]></bpmn:conditionExpression>
</bpmn:sequenceFlow>)"));
  ASSERT_TRUE(parsed) << describe(parsed);
  ASSERT_TRUE(node(*parsed, "T").default_flow.has_value());
  EXPECT_EQ(parsed->flows[*node(*parsed, "T").default_flow].id, "F2");
  ASSERT_TRUE(flow(*parsed, "F3").condition.has_value());
  EXPECT_EQ(flow(*parsed, "F3").condition->text(), "${amount > 10000}");
}

TEST(BpmnElements, NameDefaultsToKeyAndDiagramIsOptional) {
  std::string xml = around(kTask);
  xml.replace(xml.find(R"( name="测试")"), std::string_view(R"( name="测试")").size(), "");
  const auto parsed = parse_bpmn(xml);
  ASSERT_TRUE(parsed) << describe(parsed);
  EXPECT_EQ(parsed->name, "ceshi");
  EXPECT_TRUE(parsed->diagram.shapes.empty());
  EXPECT_TRUE(parsed->diagram.edges.empty());
}

TEST(BpmnElements, IgnoresDocumentationAnnotationsAndUnknownExtensions) {
  const auto parsed = parse_bpmn(
      around(task(R"(yiwang:assignee="a")",
                  R"(<bpmn:documentation>说明</bpmn:documentation>
<bpmn:extensionElements><yiwang:whatever x="1"><yiwang:more /></yiwang:whatever></bpmn:extensionElements>
<bpmn:dataInputAssociation id="DIA_1" />)"),
             R"(<bpmn:textAnnotation id="A1"><bpmn:text>备注</bpmn:text></bpmn:textAnnotation>
<bpmn:association id="As1" sourceRef="T" targetRef="A1" />
<bpmn:group id="G1" /><bpmn:dataObject id="DO1" />)"));
  ASSERT_TRUE(parsed) << describe(parsed);
  EXPECT_EQ(parsed->nodes.size(), 3u);
}

TEST(BpmnElements, HostileTextIsKeptAsData) {
  const std::string long_name(20000, 'x');
  const std::string xml = around(
      R"(<bpmn:userTask id="T" name="&lt;script&gt;alert(1)&lt;/script&gt;" yiwang:assignee="a" />)",
      R"(<bpmn:userTask id="T2" name=")" + long_name +
          R"(" yiwang:assignee="b" /><bpmn:userTask id="T3" name="ＡＢＣ１２３（拟稿）　" yiwang:assignee="c" />
<bpmn:sequenceFlow id="F3" name="${x}" sourceRef="T" targetRef="T2" />
<bpmn:sequenceFlow id="F4" sourceRef="T2" targetRef="T3" />
<bpmn:sequenceFlow id="F5" sourceRef="T3" targetRef="E" />)");
  const auto parsed = parse_bpmn(xml);
  ASSERT_TRUE(parsed) << describe(parsed);
  EXPECT_EQ(node(*parsed, "T").name, "<script>alert(1)</script>");
  EXPECT_EQ(node(*parsed, "T2").name, long_name);
  EXPECT_EQ(node(*parsed, "T3").name, "ＡＢＣ１２３（拟稿）　");
  EXPECT_EQ(flow(*parsed, "F3").name, "${x}");  // a name is not evaluated
  EXPECT_FALSE(flow(*parsed, "F3").condition.has_value());
}

TEST(BpmnElements, ByteOrderMarkIsAccepted) {
  const auto parsed = parse_bpmn("\xEF\xBB\xBF" + around(kTask));
  ASSERT_TRUE(parsed) << describe(parsed);
}

// ==================================================== problems, from fixtures

TEST(BpmnProblems, NotXml) {
  const auto parsed = parse_bpmn(fixture("broken_not_xml.bpmn"));
  ASSERT_FALSE(parsed);
  ASSERT_EQ(parsed.error().size(), 1u) << describe(parsed);
  const Error& e = parsed.error().front();
  EXPECT_EQ(e.key, "workflow.bpmn.not_xml");
  EXPECT_EQ(e.field, "");
  EXPECT_FALSE(e.params.at("detail").empty());
  EXPECT_GT(std::stoul(e.params.at("offset")), 500u);
  EXPECT_TRUE(HasProblem(parse_bpmn(""), "workflow.bpmn.not_xml", ""));
  EXPECT_TRUE(HasProblem(parse_bpmn("这不是 XML"), "workflow.bpmn.not_xml", ""));
}

TEST(BpmnProblems, DoctypeIsRefused) {
  const auto parsed = parse_bpmn(fixture("broken_doctype.bpmn"));
  ASSERT_FALSE(parsed);
  ASSERT_EQ(parsed.error().size(), 1u) << describe(parsed);
  EXPECT_EQ(parsed.error().front().key, "workflow.bpmn.doctype");
  EXPECT_EQ(parsed.error().front().field, "");
}

TEST(BpmnProblems, TwoProcesses) {
  const auto parsed = parse_bpmn(fixture("broken_two_processes.bpmn"));
  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.several_processes", ""));
  EXPECT_EQ(param(parsed, "workflow.bpmn.several_processes", "", "count"), "2");
}

TEST(BpmnProblems, EveryUnsupportedElementClassIsNamed) {
  const auto parsed = parse_bpmn(fixture("broken_unsupported.bpmn"));
  ASSERT_FALSE(parsed);
  const std::map<std::string, std::string> expected = {
      {"Activity_Plain", "bpmn:task"},
      {"Activity_Script", "bpmn:scriptTask"},
      {"Activity_Send", "bpmn:sendTask"},
      {"Activity_Receive", "bpmn:receiveTask"},
      {"Activity_Manual", "bpmn:manualTask"},
      {"Activity_Rule", "bpmn:businessRuleTask"},
      {"Activity_Sub", "bpmn:subProcess"},
      {"Activity_Transaction", "bpmn:transaction"},
      {"Gateway_Event", "bpmn:eventBasedGateway"},
      {"Gateway_Complex", "bpmn:complexGateway"},
      {"Event_Throw", "bpmn:intermediateThrowEvent"},
      {"Event_MessageBoundary", "bpmn:boundaryEvent"},
      {"StartEvent_Message", "bpmn:startEvent"},
  };
  for (const auto& [id, element] : expected) {
    EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.unsupported", id));
    EXPECT_EQ(param(parsed, "workflow.bpmn.unsupported", id, "element"), element) << id;
    EXPECT_FALSE(param(parsed, "workflow.bpmn.unsupported", id, "detail").empty()) << id;
  }
  EXPECT_NE(param(parsed, "workflow.bpmn.unsupported", "Activity_Script", "detail")
                .find("yiwang:handler"),
            std::string::npos);
  // Nothing else: the flows around unsupported elements cause no follow-on reports.
  EXPECT_EQ(parsed.error().size(), expected.size()) << describe(parsed);
}

TEST(BpmnProblems, UnknownRefBadConditionBadTimerBadDue) {
  const auto parsed = parse_bpmn(fixture("broken_refs.bpmn"));
  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.unknown_ref", "Flow_Missing"));
  EXPECT_EQ(param(parsed, "workflow.bpmn.unknown_ref", "Flow_Missing", "ref"), "Activity_Missing");
  EXPECT_EQ(param(parsed, "workflow.bpmn.unknown_ref", "Flow_Missing", "attribute"), "targetRef");

  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.bad_condition", "Flow_Hostile"));
  EXPECT_EQ(param(parsed, "workflow.bpmn.bad_condition", "Flow_Hostile", "expression"),
            "${a; DROP TABLE}");
  EXPECT_FALSE(param(parsed, "workflow.bpmn.bad_condition", "Flow_Hostile", "detail").empty());
  EXPECT_FALSE(param(parsed, "workflow.bpmn.bad_condition", "Flow_Hostile", "position").empty());

  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.bad_timer", "Event_Overdue"));
  EXPECT_EQ(param(parsed, "workflow.bpmn.bad_timer", "Event_Overdue", "text"), "两个工作日");
  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.bad_due", "Activity_Handle"));
  EXPECT_EQ(param(parsed, "workflow.bpmn.bad_due", "Activity_Handle", "text"), "下周五");
  EXPECT_EQ(parsed.error().size(), 4u) << describe(parsed);
}

TEST(BpmnProblems, ExclusiveSplitIntoParallelJoinDeadlocks) {
  const auto parsed = parse_bpmn(fixture("broken_join_without_fork.bpmn"));
  ASSERT_TRUE(HasProblem(parsed, "workflow.bpmn.join_without_fork", "Gateway_Join"));
  EXPECT_EQ(param(parsed, "workflow.bpmn.join_without_fork", "Gateway_Join", "dominator"),
            "Gateway_Choose");
  EXPECT_EQ(param(parsed, "workflow.bpmn.join_without_fork", "Gateway_Join", "dominator_element"),
            "bpmn:exclusiveGateway");
  EXPECT_NE(param(parsed, "workflow.bpmn.join_without_fork", "Gateway_Join", "detail")
                .find("Gateway_Choose"),
            std::string::npos);
  EXPECT_EQ(parsed.error().size(), 1u) << describe(parsed);
}

TEST(BpmnProblems, DeadEndUnreachableNoWayToEnd) {
  const auto parsed = parse_bpmn(fixture("broken_graph.bpmn"));
  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.dead_end", "Activity_Archive"));
  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.unreachable", "Activity_Orphan"));
  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.no_way_to_end", "Activity_Review"));
  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.no_way_to_end", "Activity_ReReview"));
  EXPECT_EQ(param(parsed, "workflow.bpmn.dead_end", "Activity_Archive", "element"),
            "bpmn:userTask");
  EXPECT_EQ(parsed.error().size(), 4u) << describe(parsed);
}

TEST(BpmnProblems, OversizedInput) {
  const std::string huge(kMaxBpmnBytes + 1, ' ');
  const auto parsed = parse_bpmn(huge);
  ASSERT_TRUE(HasProblem(parsed, "workflow.bpmn.too_large", ""));
  EXPECT_EQ(param(parsed, "workflow.bpmn.too_large", "", "limit"), std::to_string(kMaxBpmnBytes));
}

TEST(BpmnProblems, JoinDominatedByAParallelForkIsFine) {
  // The same shape as broken_join_without_fork.bpmn with a parallel split.
  std::string xml = fixture("broken_join_without_fork.bpmn");
  xml = std::regex_replace(
      xml,
      std::regex(R"(<bpmn:exclusiveGateway id="Gateway_Choose" name="选择方案" default="Flow_B">)"),
      R"(<bpmn:parallelGateway id="Gateway_Choose" name="分头办理">)");
  xml = std::regex_replace(xml, std::regex("</bpmn:exclusiveGateway>"), "</bpmn:parallelGateway>");
  xml = std::regex_replace(
      xml, std::regex(R"(<bpmn:conditionExpression[^<]*</bpmn:conditionExpression>)"), "");
  const auto parsed = parse_bpmn(xml);
  EXPECT_TRUE(parsed) << describe(parsed);
}

TEST(BpmnProblems, ProblemsAreAllReportedTogether) {
  const auto parsed = parse_bpmn(process(R"(
<bpmn:startEvent id="S" />
<bpmn:userTask id="T1" />
<bpmn:serviceTask id="T2" />
<bpmn:callActivity id="T3" />
<bpmn:endEvent id="E" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T1" />
<bpmn:sequenceFlow id="F2" sourceRef="T1" targetRef="T2" />
<bpmn:sequenceFlow id="F3" sourceRef="T2" targetRef="T3" />
<bpmn:sequenceFlow id="F4" sourceRef="T3" targetRef="E" />)"));
  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.no_assignee", "T1"));
  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.missing_handler", "T2"));
  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.missing_called_element", "T3"));
  EXPECT_EQ(parsed.error().size(), 3u) << describe(parsed);
}

// ========================================= one case per problem key (and field)

struct ProblemCase {
  std::string name;   // test name suffix
  std::string key;    // expected key
  std::string field;  // expected field
  std::string xml;
};

std::string nested(int depth) {
  std::string open, close;
  for (int i = 0; i < depth; ++i) {
    open += "<bpmn:extensionElements>";
    close += "</bpmn:extensionElements>";
  }
  return open + close;
}

std::string many_tasks(int n, bool assigned) {
  std::string body = R"(<bpmn:startEvent id="S" /><bpmn:endEvent id="E" />)";
  for (int i = 0; i < n; ++i)
    body += R"(<bpmn:userTask id="T)" + std::to_string(i) + "\"" +
            (assigned ? R"( yiwang:assignee="a")" : "") + " />";
  return body;
}

const std::vector<ProblemCase>& problem_cases() {
  static const std::vector<ProblemCase> cases =
      [] {
        const std::string boundary_on = R"(<bpmn:boundaryEvent id="B" attachedToRef="T">
  <bpmn:timerEventDefinition><bpmn:timeDuration>P1D</bpmn:timeDuration></bpmn:timerEventDefinition>
</bpmn:boundaryEvent><bpmn:sequenceFlow id="FB" sourceRef="B" targetRef="E" />)";
        const std::string mi_task = R"(yiwang:assignee="${signer}")";
        const std::string gateway_body = R"(
<bpmn:startEvent id="S" /><bpmn:endEvent id="E" /><bpmn:endEvent id="E2" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="G" />)";
        std::vector<ProblemCase> c =
            {
                {"too_large", "workflow.bpmn.too_large", "", std::string(kMaxBpmnBytes + 1, '<')},
                {"not_utf8", "workflow.bpmn.not_utf8", "",
                 around(R"(<bpmn:userTask id="T" name="办)"
                        "\xFF\xFE"
                        R"(" yiwang:assignee="a" />)")},
                {"not_xml", "workflow.bpmn.not_xml", "", around(kTask).substr(0, 400)},
                {"not_xml_duplicate_attribute", "workflow.bpmn.not_xml", "",
                 around(R"(<bpmn:userTask id="T" yiwang:assignee="a" yiwang:assignee="b" />)")},
                {"doctype", "workflow.bpmn.doctype", "",
                 R"(<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>)" +
                     around(kTask).substr(around(kTask).find("<bpmn:definitions"))},
                {"too_deep", "workflow.bpmn.too_deep", "", around(kTask, nested(80))},
                {"unbound_prefix", "workflow.bpmn.unbound_prefix", "T",
                 around(R"(<bpmn:userTask id="T" yiwang:assignee="a" foo:due="P1D" />)")},
                {"not_bpmn", "workflow.bpmn.not_bpmn", "",
                 R"(<?xml version="1.0"?><definitions xmlns="http://example.com/other"><process id="p" /></definitions>)"},
                {"no_process", "workflow.bpmn.no_process", "",
                 std::string(kHead) + R"(<bpmn:message id="M" name="m" /></bpmn:definitions>)"},
                {"several_processes", "workflow.bpmn.several_processes", "",
                 std::string(kHead) +
                     R"(<bpmn:process id="a" isExecutable="true" /><bpmn:process id="b" isExecutable="true" /></bpmn:definitions>)"},
                {"not_executable", "workflow.bpmn.not_executable", "p1",
                 std::regex_replace(around(kTask),
                                    std::regex(R"(id="ceshi" name="测试" isExecutable="true")"),
                                    R"(id="p1" isExecutable="false")")},
                {"bad_key", "workflow.bpmn.bad_key", "流程一",
                 std::regex_replace(around(kTask), std::regex(R"(id="ceshi")"), R"(id="流程一")")},
                {"too_many_nodes", "workflow.bpmn.too_many_nodes", "",
                 process(many_tasks(static_cast<int>(kMaxBpmnNodes), true))},
                {"too_many_problems", "workflow.bpmn.too_many_problems", "",
                 process(many_tasks(250, false))},
                {"duplicate_id", "workflow.bpmn.duplicate_id", "T",
                 around(kTask, R"(<bpmn:serviceTask id="T" yiwang:handler="h" />)")},
                {"missing_id", "workflow.bpmn.missing_id", "",
                 around(kTask, R"(<bpmn:userTask name="无标识" yiwang:assignee="a" />)")},
                {"unsupported_script", "workflow.bpmn.unsupported", "T",
                 around(
                     R"(<bpmn:scriptTask id="T" scriptFormat="groovy"><bpmn:script>x</bpmn:script></bpmn:scriptTask>)")},
                {"unsupported_multi_instance_service", "workflow.bpmn.unsupported", "T",
                 around(
                     R"(<bpmn:serviceTask id="T" yiwang:handler="h"><bpmn:multiInstanceLoopCharacteristics yiwang:collection="x" /></bpmn:serviceTask>)")},
                {"unsupported_standard_loop", "workflow.bpmn.unsupported", "T",
                 around(task(R"(yiwang:assignee="a")", "<bpmn:standardLoopCharacteristics />"))},
                {"unsupported_timer_start", "workflow.bpmn.unsupported", "S",
                 std::regex_replace(
                     around(kTask), std::regex(R"(<bpmn:startEvent id="S" name="开始" />)"),
                     R"(<bpmn:startEvent id="S"><bpmn:timerEventDefinition /></bpmn:startEvent>)")},
                {"unsupported_error_end", "workflow.bpmn.unsupported", "E",
                 std::regex_replace(
                     around(kTask), std::regex(R"(<bpmn:endEvent id="E" name="结束" />)"),
                     R"(<bpmn:endEvent id="E"><bpmn:errorEventDefinition /></bpmn:endEvent>)")},
                {"unsupported_conditional_catch", "workflow.bpmn.unsupported", "T",
                 around(
                     R"(<bpmn:intermediateCatchEvent id="T"><bpmn:conditionalEventDefinition /></bpmn:intermediateCatchEvent>)")},
                {"unknown_ref_flow", "workflow.bpmn.unknown_ref", "F3",
                 around(kTask,
                        R"(<bpmn:sequenceFlow id="F3" sourceRef="T" targetRef="Nowhere" />)")},
                {"unknown_ref_message", "workflow.bpmn.unknown_ref", "T",
                 around(
                     R"(<bpmn:intermediateCatchEvent id="T"><bpmn:messageEventDefinition messageRef="Message_Nope" /></bpmn:intermediateCatchEvent>)")},
                {"unknown_ref_attached", "workflow.bpmn.unknown_ref", "B",
                 around(kTask, std::regex_replace(boundary_on, std::regex(R"(attachedToRef="T")"),
                                                  R"(attachedToRef="Nope")"))},
                {"missing_ref_flow", "workflow.bpmn.missing_ref", "F3",
                 around(kTask, R"(<bpmn:sequenceFlow id="F3" sourceRef="T" />)")},
                {"missing_ref_signal", "workflow.bpmn.missing_ref", "T",
                 around(
                     R"(<bpmn:intermediateCatchEvent id="T"><bpmn:signalEventDefinition /></bpmn:intermediateCatchEvent>)")},
                {"bad_condition", "workflow.bpmn.bad_condition", "F2",
                 process(R"(<bpmn:startEvent id="S" /><bpmn:endEvent id="E" />)" +
                         std::string(kTask) +
                         R"(<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" />
<bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E"><bpmn:conditionExpression>${a; DROP TABLE}</bpmn:conditionExpression></bpmn:sequenceFlow>)")},
                {"bad_completion_condition", "workflow.bpmn.bad_condition", "T",
                 around(task(
                     mi_task,
                     R"(<bpmn:multiInstanceLoopCharacteristics yiwang:collection="signers"><bpmn:completionCondition>${nrOfApproved &gt;=}</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics>)"))},
                {"script_condition", "workflow.bpmn.script_condition", "F2",
                 process(R"(<bpmn:startEvent id="S" /><bpmn:endEvent id="E" />)" +
                         std::string(kTask) +
                         R"(<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" />
<bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E"><bpmn:conditionExpression language="javascript">execution.getVariable("a")</bpmn:conditionExpression></bpmn:sequenceFlow>)")},
                {"condition_not_allowed", "workflow.bpmn.condition_not_allowed", "F2",
                 process(gateway_body + R"(<bpmn:parallelGateway id="G" />
<bpmn:sequenceFlow id="F2" sourceRef="G" targetRef="E"><bpmn:conditionExpression>${a == 1}</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="F3" sourceRef="G" targetRef="E2" />)")},
                {"missing_condition", "workflow.bpmn.missing_condition", "F3",
                 process(gateway_body + R"(<bpmn:exclusiveGateway id="G" />
<bpmn:sequenceFlow id="F2" sourceRef="G" targetRef="E"><bpmn:conditionExpression>${a == 1}</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="F3" sourceRef="G" targetRef="E2" />)")},
                {"bad_default", "workflow.bpmn.bad_default", "G",
                 process(gateway_body + R"(<bpmn:exclusiveGateway id="G" default="F1" />
<bpmn:sequenceFlow id="F2" sourceRef="G" targetRef="E"><bpmn:conditionExpression>${a == 1}</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="F3" sourceRef="G" targetRef="E2"><bpmn:conditionExpression>${a == 2}</bpmn:conditionExpression></bpmn:sequenceFlow>)")},
                {"default_with_condition", "workflow.bpmn.default_with_condition", "F3",
                 process(gateway_body + R"(<bpmn:exclusiveGateway id="G" default="F3" />
<bpmn:sequenceFlow id="F2" sourceRef="G" targetRef="E"><bpmn:conditionExpression>${a == 1}</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="F3" sourceRef="G" targetRef="E2"><bpmn:conditionExpression>${a == 2}</bpmn:conditionExpression></bpmn:sequenceFlow>)")},
                {"no_start", "workflow.bpmn.no_start", "",
                 process(
                     std::string(kTask) +
                     R"(<bpmn:endEvent id="E" /><bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E" />)")},
                {"several_starts", "workflow.bpmn.several_starts", "S2",
                 around(
                     kTask,
                     R"(<bpmn:startEvent id="S2" /><bpmn:sequenceFlow id="F3" sourceRef="S2" targetRef="T" />)")},
                {"no_end", "workflow.bpmn.no_end", "",
                 process(R"(<bpmn:startEvent id="S" />)" + task(R"(yiwang:assignee="a")") +
                         R"(<bpmn:userTask id="T2" yiwang:assignee="a" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" /><bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="T2" />
<bpmn:sequenceFlow id="F3" sourceRef="T2" targetRef="T" />)")},
                {"start_incoming", "workflow.bpmn.start_incoming", "S",
                 around(kTask, R"(<bpmn:sequenceFlow id="F3" sourceRef="T" targetRef="S" />)")},
                {"end_outgoing", "workflow.bpmn.end_outgoing", "E",
                 around(kTask, R"(<bpmn:sequenceFlow id="F3" sourceRef="E" targetRef="T" />)")},
                {"boundary_incoming", "workflow.bpmn.boundary_incoming", "B",
                 around(kTask, boundary_on +
                                   R"(<bpmn:sequenceFlow id="F3" sourceRef="T" targetRef="B" />)")},
                {"dead_end", "workflow.bpmn.dead_end", "T2",
                 around(
                     kTask,
                     R"(<bpmn:userTask id="T2" yiwang:assignee="a" /><bpmn:sequenceFlow id="F3" sourceRef="S" targetRef="T2" />)")},
                {"unreachable", "workflow.bpmn.unreachable", "T2",
                 around(
                     kTask,
                     R"(<bpmn:userTask id="T2" yiwang:assignee="a" /><bpmn:sequenceFlow id="F3" sourceRef="T2" targetRef="E" />)")},
                {"no_way_to_end", "workflow.bpmn.no_way_to_end", "T2",
                 around(
                     kTask,
                     R"(<bpmn:userTask id="T2" yiwang:assignee="a" /><bpmn:userTask id="T3" yiwang:assignee="a" />
<bpmn:sequenceFlow id="F3" sourceRef="S" targetRef="T2" /><bpmn:sequenceFlow id="F4" sourceRef="T2" targetRef="T3" />
<bpmn:sequenceFlow id="F5" sourceRef="T3" targetRef="T2" />)")},
                {"join_without_fork_inclusive", "workflow.bpmn.join_without_fork", "J",
                 process(R"(<bpmn:startEvent id="S" /><bpmn:endEvent id="E" />
<bpmn:exclusiveGateway id="G" default="F3" /><bpmn:inclusiveGateway id="J" />
<bpmn:userTask id="A" yiwang:assignee="a" /><bpmn:userTask id="B" yiwang:assignee="b" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="G" />
<bpmn:sequenceFlow id="F2" sourceRef="G" targetRef="A"><bpmn:conditionExpression>${x == 1}</bpmn:conditionExpression></bpmn:sequenceFlow>
<bpmn:sequenceFlow id="F3" sourceRef="G" targetRef="B" />
<bpmn:sequenceFlow id="F4" sourceRef="A" targetRef="J" /><bpmn:sequenceFlow id="F5" sourceRef="B" targetRef="J" />
<bpmn:sequenceFlow id="F6" sourceRef="J" targetRef="E" />)")},
                {"join_without_fork_task_split", "workflow.bpmn.join_without_fork", "J",
                 process(R"(<bpmn:startEvent id="S" /><bpmn:endEvent id="E" />
<bpmn:parallelGateway id="J" />
<bpmn:userTask id="A" yiwang:assignee="a" /><bpmn:userTask id="B" yiwang:assignee="b" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="A" />
<bpmn:sequenceFlow id="F2" sourceRef="A" targetRef="J" /><bpmn:sequenceFlow id="F3" sourceRef="A" targetRef="B" />
<bpmn:sequenceFlow id="F4" sourceRef="B" targetRef="J" /><bpmn:sequenceFlow id="F5" sourceRef="J" targetRef="E" />)")},
                {"no_assignee", "workflow.bpmn.no_assignee", "T",
                 around(R"(<bpmn:userTask id="T" />)")},
                {"bad_due", "workflow.bpmn.bad_due", "T",
                 around(task(R"(yiwang:assignee="a" yiwang:due="3天")"))},
                {"bad_due_camunda", "workflow.bpmn.bad_due", "T",
                 around(task(
                     R"(yiwang:assignee="a" camunda:dueDate="3天" xmlns:camunda="http://camunda.org/schema/1.0/bpmn")"))},
                {"bad_due_expression", "workflow.bpmn.bad_due", "T",
                 around(task(R"(yiwang:assignee="a" yiwang:due="${handleDue +}")"))},
                {"bad_approve_outcome", "workflow.bpmn.bad_approve_outcome", "T",
                 around(task(
                     R"(yiwang:assignee="a" yiwang:outcomes="同意,不同意" yiwang:approveOutcome="批准")"))},
                {"missing_handler", "workflow.bpmn.missing_handler", "T",
                 around(
                     R"(<bpmn:serviceTask id="T" camunda:class="com.example.Foo" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" />)")},
                {"missing_called_element", "workflow.bpmn.missing_called_element", "T",
                 around(R"(<bpmn:callActivity id="T" />)")},
                {"bad_called_element", "workflow.bpmn.bad_called_element", "T",
                 around(R"(<bpmn:callActivity id="T" calledElement="${which}" />)")},
                {"missing_collection", "workflow.bpmn.missing_collection", "T",
                 around(task(mi_task, "<bpmn:multiInstanceLoopCharacteristics />"))},
                {"collection_and_cardinality", "workflow.bpmn.collection_and_cardinality", "T",
                 around(task(
                     mi_task,
                     R"(<bpmn:multiInstanceLoopCharacteristics yiwang:collection="signers"><bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>)"))},
                {"bad_collection", "workflow.bpmn.bad_collection", "T",
                 around(task(
                     mi_task,
                     R"(<bpmn:multiInstanceLoopCharacteristics yiwang:collection="signers; drop" />)"))},
                {"bad_element_variable", "workflow.bpmn.bad_element_variable", "T",
                 around(task(
                     mi_task,
                     R"(<bpmn:multiInstanceLoopCharacteristics yiwang:collection="signers" yiwang:elementVariable="1st signer" />)"))},
                {"bad_cardinality", "workflow.bpmn.bad_cardinality", "T",
                 around(task(
                     mi_task,
                     R"(<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>100000</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>)"))},
                {"bad_completion", "workflow.bpmn.bad_completion", "T",
                 around(task(
                     mi_task,
                     R"(<bpmn:multiInstanceLoopCharacteristics yiwang:collection="signers" yiwang:completion="most" />)"))},
                {"completion_conflict", "workflow.bpmn.completion_conflict", "T", around(task(mi_task, R"(<bpmn:multiInstanceLoopCharacteristics yiwang:collection="signers" yiwang:completion="any"><bpmn:completionCondition>${done}</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics>)"))},
                {"bad_timer", "workflow.bpmn.bad_timer", "T",
                 around(
                     R"(<bpmn:intermediateCatchEvent id="T"><bpmn:timerEventDefinition><bpmn:timeDuration>soon</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>)")},
                {"bad_timer_cycle", "workflow.bpmn.bad_timer", "B",
                 around(kTask, std::regex_replace(
                                   boundary_on,
                                   std::regex(R"(<bpmn:timeDuration>P1D</bpmn:timeDuration>)"),
                                   "<bpmn:timeCycle>0 0 9 * * ?</bpmn:timeCycle>"))},
                {"bad_timer_date", "workflow.bpmn.bad_timer", "T",
                 around(
                     R"(<bpmn:intermediateCatchEvent id="T"><bpmn:timerEventDefinition><bpmn:timeDate>明天上午</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>)")},
                {"missing_timer", "workflow.bpmn.missing_timer", "T",
                 around(
                     R"(<bpmn:intermediateCatchEvent id="T"><bpmn:timerEventDefinition /></bpmn:intermediateCatchEvent>)")},
                {"bad_attachment", "workflow.bpmn.bad_attachment", "B",
                 around(R"(<bpmn:serviceTask id="T" yiwang:handler="h" />)", boundary_on)},
                {"bad_diagram", "workflow.bpmn.bad_diagram", "T",
                 around(kTask, "",
                        R"(<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="P" bpmnElement="ceshi">
<bpmndi:BPMNShape id="T_di" bpmnElement="T"><dc:Bounds x="abc" y="0" width="100" height="80" /></bpmndi:BPMNShape>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>)")},
                {"bad_diagram_waypoint", "workflow.bpmn.bad_diagram", "F1",
                 around(kTask, "",
                        R"(<bpmndi:BPMNDiagram id="D"><bpmndi:BPMNPlane id="P" bpmnElement="ceshi">
<bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="1e308" y="0" /><di:waypoint x="10" y="0" /></bpmndi:BPMNEdge>
</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>)")},
            };
        return c;
      }();
  return cases;
}

class BpmnProblem : public ::testing::TestWithParam<ProblemCase> {};

TEST_P(BpmnProblem, ReportsKeyWithElementIdAsField) {
  const ProblemCase& c = GetParam();
  const auto parsed = parse_bpmn(c.xml);
  ASSERT_FALSE(parsed) << c.name << " parsed";
  EXPECT_TRUE(HasProblem(parsed, c.key, c.field)) << c.name;
  for (const Error& e : parsed.error()) {
    EXPECT_TRUE(e.key.starts_with("workflow.bpmn.")) << e.key;
    EXPECT_LE(e.field.size(), 1000u);
  }
}

INSTANTIATE_TEST_SUITE_P(Bpmn, BpmnProblem, ::testing::ValuesIn(problem_cases()),
                         [](const ::testing::TestParamInfo<ProblemCase>& info) {
                           return info.param.name;
                         });

TEST(BpmnProblems, ABrokenFlowIsReportedOnce) {
  // No follow-on dead end, unreachable or no-way-to-end reports.
  for (const char* name :
       {"bad_condition", "script_condition", "unknown_ref_attached", "missing_ref_flow"}) {
    const auto c = std::find_if(problem_cases().begin(), problem_cases().end(),
                                [&](const ProblemCase& p) { return p.name == name; });
    ASSERT_NE(c, problem_cases().end()) << name;
    const auto parsed = parse_bpmn(c->xml);
    ASSERT_FALSE(parsed) << name;
    EXPECT_EQ(parsed.error().size(), 1u) << name << describe(parsed);
  }
  const auto parsed = parse_bpmn(process(R"(
<bpmn:startEvent id="S" /><bpmn:endEvent id="E" />
<bpmn:userTask id="T" yiwang:assignee="a" /><bpmn:userTask id="T2" yiwang:assignee="b" />
<bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" />
<bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="Missing_1" />
<bpmn:sequenceFlow id="F3" sourceRef="Missing_2" targetRef="T2" />
<bpmn:sequenceFlow id="F4" sourceRef="T2" targetRef="E" />)"));
  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.unknown_ref", "F2"));
  EXPECT_TRUE(HasProblem(parsed, "workflow.bpmn.unknown_ref", "F3"));
  EXPECT_EQ(parsed.error().size(), 2u) << describe(parsed);
}

TEST(BpmnProblems, TooManyProblemsStopsTheList) {
  const auto parsed = parse_bpmn(process(many_tasks(250, false)));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().size(), 201u);
  EXPECT_EQ(parsed.error().back().key, "workflow.bpmn.too_many_problems");
}

TEST(BpmnProblems, NodeLimitIsInclusive) {
  // kMaxBpmnNodes nodes in all (start, end and tasks) is still accepted by the limit.
  const auto parsed = parse_bpmn(process(many_tasks(static_cast<int>(kMaxBpmnNodes) - 2, true)));
  EXPECT_FALSE(find_problem(parsed, "workflow.bpmn.too_many_nodes", ""));
}

// =========================================================== message catalogues

// Every "workflow.bpmn.…" key written in the parser's source.
std::set<std::string> keys_in_source() {
  const std::string source = source_file("workflow/bpmn_parser.cpp");
  std::set<std::string> keys;
  const std::regex key(R"re("(workflow\.bpmn\.[a-z0-9_]+)")re");
  for (auto it = std::sregex_iterator(source.begin(), source.end(), key);
       it != std::sregex_iterator(); ++it)
    keys.insert((*it)[1]);
  return keys;
}

std::map<std::string, std::string> catalogue(const std::string& language) {
  return yiwang::test::catalogue_file(language, "workflow-bpmn.toml");
}
using yiwang::test::keys_of;
using yiwang::test::placeholders;

TEST(BpmnCatalogue, BothLanguagesHaveTheSameKeys) {
  EXPECT_EQ(keys_of(catalogue("zh-CN")), keys_of(catalogue("en")));
}

TEST(BpmnCatalogue, EveryKeyTheParserReturnsHasAMessage) {
  const std::set<std::string> returned = keys_in_source();
  EXPECT_GE(returned.size(), 45u);
  for (const char* language : {"zh-CN", "en"}) {
    const auto keys = keys_of(catalogue(language));
    for (const std::string& key : returned)
      EXPECT_TRUE(keys.contains(key)) << language << " lacks " << key;
    for (const std::string& key : keys)
      EXPECT_TRUE(returned.contains(key)) << language << " has " << key << ", never returned";
  }
}

TEST(BpmnCatalogue, BothLanguagesUseTheSamePlaceholders) {
  const auto zh = catalogue("zh-CN");
  const auto en = catalogue("en");
  for (const auto& [key, message] : zh) {
    const auto other = en.find(key);
    if (other == en.end()) continue;  // reported by BothLanguagesHaveTheSameKeys
    EXPECT_EQ(placeholders(message), placeholders(other->second)) << key;
  }
}

// Every key has a case above, and every problem the cases and the broken
// fixtures produce carries each parameter its message uses.
TEST(BpmnCatalogue, EveryKeyIsExercisedAndItsPlaceholdersAreFilled) {
  const auto zh = catalogue("zh-CN");
  std::vector<std::string> inputs;
  for (const ProblemCase& c : problem_cases()) inputs.push_back(c.xml);
  for (const char* name :
       {"broken_not_xml.bpmn", "broken_doctype.bpmn", "broken_two_processes.bpmn",
        "broken_unsupported.bpmn", "broken_join_without_fork.bpmn", "broken_graph.bpmn",
        "broken_refs.bpmn"})
    inputs.push_back(fixture(name));
  std::set<std::string> seen;
  for (const std::string& xml : inputs) {
    const auto parsed = parse_bpmn(xml);
    if (parsed) continue;
    for (const Error& e : parsed.error()) {
      seen.insert(e.key);
      const auto message = zh.find(e.key);
      if (message == zh.end()) continue;  // reported by EveryKeyTheParserReturnsHasAMessage
      for (const std::string& name : placeholders(message->second))
        EXPECT_TRUE(e.params.contains(name)) << e.key << " lacks param " << name;
    }
  }
  for (const std::string& key : keys_in_source())
    EXPECT_TRUE(seen.contains(key)) << "no test produces " << key;
}

}  // namespace
}  // namespace yiwang::workflow

namespace yiwang::workflow {
namespace {

// A non-interrupting boundary timer with no outgoing flow is a reminder
// (催办); an interrupting one without a way on is a dead end.
TEST(BpmnReminder, NonInterruptingTimerWithoutFlowIsAReminder) {
  const std::string remind = R"(<bpmn:boundaryEvent id="B" attachedToRef="T" cancelActivity="false">
  <bpmn:timerEventDefinition><bpmn:timeCycle>R3/P1WD</bpmn:timeCycle></bpmn:timerEventDefinition>
</bpmn:boundaryEvent>)";
  auto parsed = parse_bpmn(around(kTask, remind));
  ASSERT_TRUE(parsed.has_value()) << describe(parsed.error());
  const FlowNode& b = node(*parsed, "B");
  EXPECT_FALSE(b.cancel_activity);
  EXPECT_TRUE(b.outgoing.empty());
  EXPECT_EQ(b.timer->repeat, 3);

  const std::string escalate = R"(<bpmn:boundaryEvent id="B" attachedToRef="T">
  <bpmn:timerEventDefinition><bpmn:timeDuration>P2WD</bpmn:timeDuration></bpmn:timerEventDefinition>
</bpmn:boundaryEvent>)";
  auto broken = parse_bpmn(around(kTask, escalate));
  ASSERT_FALSE(broken.has_value());
  EXPECT_EQ(broken.error().front().key, "workflow.bpmn.dead_end");
  EXPECT_EQ(broken.error().front().field, "B");
}

}  // namespace
}  // namespace yiwang::workflow
