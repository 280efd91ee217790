// The workflow engine, element by element and operation by operation, on
// SQLite and PostgreSQL.
#include <atomic>
#include <thread>

#include <fmt/chrono.h>
#include <gtest/gtest.h>

#include "core/text_rules.hpp"
#include "tests/integration/workflow_world.hpp"

using yiwang::test::bpmn;
using yiwang::test::WorkflowWorld;
namespace wf = yiwang::workflow;
using wf::InstanceState;

namespace {

std::string ut(const std::string& id, const std::string& name, const std::string& attrs,
               const std::string& inner = "") {
  return "<bpmn:userTask id=\"" + id + "\" name=\"" + name + "\" " + attrs + ">" + inner +
         "</bpmn:userTask>\n";
}
std::string flow(const std::string& id, const std::string& from, const std::string& to,
                 const std::string& condition = "") {
  if (condition.empty())
    return "<bpmn:sequenceFlow id=\"" + id + "\" sourceRef=\"" + from + "\" targetRef=\"" + to +
           "\"/>\n";
  return "<bpmn:sequenceFlow id=\"" + id + "\" sourceRef=\"" + from + "\" targetRef=\"" + to +
         "\"><bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">" + condition +
         "</bpmn:conditionExpression></bpmn:sequenceFlow>\n";
}
const std::string kStart = "<bpmn:startEvent id=\"start\" name=\"开始\"/>\n";
const std::string kEnd = "<bpmn:endEvent id=\"end\" name=\"结束\"/>\n";
const std::string kDraft = ut("draft", "拟稿", "yiwang:assignee=\"${starter}\"");

// start → 拟稿 → 审核 (liu) → 签发 (wang) → end
std::string linear() {
  return bpmn(
      "linear",
      kStart + kDraft +
          ut("review", "审核",
             "yiwang:assignee=\"liu\" yiwang:outcomes=\"同意,不同意\" yiwang:due=\"P3WD\"") +
          ut("sign", "签发", "yiwang:assignee=\"wang\"") + kEnd + flow("f1", "start", "draft") +
          flow("f2", "draft", "review") + flow("f3", "review", "sign") + flow("f4", "sign", "end"));
}

// start → 拟稿 → fork → (审核A, 审核B, 审核C) → join → 签发 → end
std::string parallel() {
  return bpmn("parallel",
              kStart + kDraft + "<bpmn:parallelGateway id=\"fork\"/>\n" +
                  ut("a", "审核A", "yiwang:assignee=\"liu\"") +
                  ut("b", "审核B", "yiwang:assignee=\"chen\"") +
                  ut("b2", "复核B", "yiwang:assignee=\"zhao\"") +
                  ut("c", "审核C", "yiwang:assignee=\"sun\"") +
                  "<bpmn:parallelGateway id=\"join\"/>\n" +
                  ut("sign", "签发", "yiwang:assignee=\"wang\"") + kEnd +
                  flow("f1", "start", "draft") + flow("f2", "draft", "fork") +
                  flow("fa", "fork", "a") + flow("fb", "fork", "b") + flow("fb2", "b", "b2") +
                  flow("fc", "fork", "c") + flow("ja", "a", "join") + flow("jb", "b2", "join") +
                  flow("jc", "c", "join") + flow("f3", "join", "sign") + flow("f4", "sign", "end"));
}

// start → 拟稿 → 会签 (signers, rule) → 签发 → end
std::string countersign(const std::string& key, const std::string& mi_attrs,
                        const std::string& mi_inner = "") {
  return bpmn(key, kStart + kDraft +
                       ut("sign_all", "会签",
                          "yiwang:assignee=\"${signer}\" yiwang:outcomes=\"同意,不同意\"",
                          "<bpmn:multiInstanceLoopCharacteristics " + mi_attrs +
                              " yiwang:collection=\"signers\">" + mi_inner +
                              "</bpmn:multiInstanceLoopCharacteristics>") +
                       ut("issue", "签发", "yiwang:assignee=\"wang\"") + kEnd +
                       flow("f1", "start", "draft") + flow("f2", "draft", "sign_all") +
                       flow("f3", "sign_all", "issue") + flow("f4", "issue", "end"));
}

class WorkflowEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!w.ready()) GTEST_SKIP() << "database unavailable";
    for (const char* a : {"zhang", "liu", "chen", "zhao", "sun", "wang", "li", "zhou"})
      w.directory.add(a, 1, "wang");
  }
  WorkflowWorld w;
};

}  // namespace

// ---- definitions ----

TEST_F(WorkflowEngine, DeployVersionsAndRunningInstancesKeepTheirVersion) {
  auto v1 = w.deploy(linear());
  EXPECT_EQ(v1.version, 1);
  EXPECT_EQ(w.deploy(linear()).id, v1.id) << "an identical file is not a new version";
  auto i1 = w.start("linear", "zhang");
  std::string changed = linear();
  const std::string from = "name=\"签发\"";
  changed.replace(changed.find(from), from.size(), "name=\"领导签发\"");
  auto v2 = w.deploy(changed);
  EXPECT_EQ(v2.version, 2);
  auto i2 = w.start("linear", "zhang");
  EXPECT_EQ(i1.definition_id, v1.id);
  EXPECT_EQ(i2.definition_id, v2.id);
  // the first instance still runs version 1 to the end
  w.complete(w.open_at(i1.id, "draft").id, "zhang");
  w.complete(w.open_at(i1.id, "review").id, "liu", "同意");
  EXPECT_EQ(w.open_at(i1.id, "sign").name, "签发");
  w.complete(w.open_at(i2.id, "draft").id, "zhang");
  w.complete(w.open_at(i2.id, "review").id, "liu", "同意");
  EXPECT_EQ(w.open_at(i2.id, "sign").name, "领导签发");
  auto versions = w.engine->versions("linear");
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version, 2);
  EXPECT_EQ((*versions)[0].running, 1);
}

TEST_F(WorkflowEngine, DeployRefusesUnknownHandlersAndBrokenFiles) {
  std::string svc = bpmn("svc", kStart +
                                    "<bpmn:serviceTask id=\"s\" name=\"登记\" "
                                    "yiwang:handler=\"no.such.handler\"/>" +
                                    kEnd + flow("f1", "start", "s") + flow("f2", "s", "end"));
  auto r = w.engine->deploy(svc, w.actor("sysadmin"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "workflow.bpmn.unknown_handler");
  EXPECT_EQ(r.error().field, "s");
  auto bad = w.engine->deploy("<not-bpmn", w.actor("sysadmin"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().key, "workflow.bpmn.not_xml");
  auto defs = w.engine->definitions();
  ASSERT_TRUE(defs);
  EXPECT_TRUE(defs->empty()) << "nothing was deployed";
}

// ---- elements ----

TEST_F(WorkflowEngine, UserTasksRunInOrderAndTheInstanceEnds) {
  w.deploy(linear());
  auto i = w.start("linear", "zhang");
  EXPECT_EQ(i.state, InstanceState::running);
  auto draft = w.open_at(i.id, "draft");
  EXPECT_EQ(draft.assignee, "zhang");
  EXPECT_EQ(draft.title, "测试件 linear");
  w.complete(draft.id, "zhang");
  auto review = w.open_at(i.id, "review");
  EXPECT_EQ(review.assignee, "liu");
  EXPECT_EQ(review.prev_task_id, draft.id);
  // due in three working days: Monday 30 Nov 09:00 → Thursday 3 Dec 09:00 China time
  EXPECT_EQ(review.due_at, "2026-12-03T01:00:00Z");
  w.complete(review.id, "liu", "同意", "拟同意。");
  w.complete(w.open_at(i.id, "sign").id, "wang");
  EXPECT_EQ(w.state(i.id), InstanceState::completed);
  EXPECT_EQ(w.actions(i.id),
            (std::vector<std::string>{"started", "completed", "completed", "completed", "ended"}));
  auto history = w.engine->history(i.id);
  ASSERT_TRUE(history);
  EXPECT_EQ((*history)[2].outcome, "同意");
  EXPECT_EQ((*history)[2].opinion, "拟同意。");
  EXPECT_EQ((*history)[2].actor, "liu");
  EXPECT_EQ((*history)[2].node_name, "审核");
  auto inst = w.engine->instance(i.id);
  EXPECT_EQ((*inst)->visited.size(), 5u);
}

TEST_F(WorkflowEngine, ExclusiveGatewayTakesTheFirstTrueConditionOrTheDefault) {
  w.deploy(
      bpmn("amount", kStart + kDraft +
                         "<bpmn:exclusiveGateway id=\"x\" name=\"金额\" default=\"small\"/>\n" +
                         ut("leader", "分管领导审批", "yiwang:assignee=\"wang\"") +
                         ut("office", "办公室审核", "yiwang:assignee=\"liu\"") + kEnd +
                         flow("f1", "start", "draft") + flow("f2", "draft", "x") +
                         flow("big", "x", "leader", "${金额 &gt; 10000 and 类别 == '采购'}") +
                         flow("small", "x", "office") + flow("f3", "leader", "end") +
                         flow("f4", "office", "end")));
  auto big = w.start("amount", "zhang", {{"金额", 50000}, {"类别", "采购"}});
  w.complete(w.open_at(big.id, "draft").id, "zhang");
  EXPECT_EQ(w.open_at(big.id, "leader").assignee, "wang");
  auto small = w.start("amount", "zhang", {{"金额", 500}, {"类别", "采购"}});
  w.complete(w.open_at(small.id, "draft").id, "zhang");
  EXPECT_EQ(w.open_at(small.id, "office").assignee, "liu");
  // a task may set variables the gateway reads
  auto later = w.start("amount", "zhang");
  wf::Engine::CompleteInput in;
  in.variables = {{"金额", 20000}, {"类别", "采购"}};
  ASSERT_TRUE(w.engine->complete(w.open_at(later.id, "draft").id, in, w.actor("zhang")));
  EXPECT_EQ(w.open_at(later.id, "leader").assignee, "wang");
}

TEST_F(WorkflowEngine, ExclusiveGatewayWithNoWayOutChangesNothing) {
  w.deploy(bpmn("noway", kStart + kDraft + "<bpmn:exclusiveGateway id=\"x\"/>\n" +
                             ut("a", "甲", "yiwang:assignee=\"liu\"") + kEnd +
                             flow("f1", "start", "draft") + flow("f2", "draft", "x") +
                             flow("fa", "x", "a", "${n == 1}") +
                             flow("fe", "x", "end", "${n == 2}") + flow("f3", "a", "end")));
  auto i = w.start("noway", "zhang", {{"n", 3}});
  auto draft = w.open_at(i.id, "draft");
  auto r = w.engine->complete(draft.id, {}, w.actor("zhang"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "workflow.gateway.no_path");
  // the transition rolled back: the task is still open and nothing was recorded
  EXPECT_EQ(w.open_at(i.id, "draft").version, draft.version);
  EXPECT_EQ(w.actions(i.id), std::vector<std::string>{"started"});
}

TEST_F(WorkflowEngine, ParallelGatewayForksAndJoinsOnce) {
  w.deploy(parallel());
  auto i = w.start("parallel", "zhang");
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  auto open = w.engine->open_tasks(i.id);
  ASSERT_EQ(open->size(), 3u);
  w.complete(w.open_at(i.id, "c").id, "sun");
  w.complete(w.open_at(i.id, "a").id, "liu");
  EXPECT_TRUE(w.all_open_at(i.id, "sign").empty()) << "the join waits for branch B";
  w.complete(w.open_at(i.id, "b").id, "chen");
  EXPECT_TRUE(w.all_open_at(i.id, "sign").empty());
  w.complete(w.open_at(i.id, "b2").id, "zhao");
  EXPECT_EQ(w.all_open_at(i.id, "sign").size(), 1u);
  w.complete(w.open_at(i.id, "sign").id, "wang");
  EXPECT_EQ(w.state(i.id), InstanceState::completed);
}

TEST_F(WorkflowEngine, InclusiveGatewayTakesEveryTrueBranchAndJoinsThoseOnly) {
  w.deploy(bpmn("incl", kStart + kDraft + "<bpmn:inclusiveGateway id=\"split\" default=\"d\"/>\n" +
                            ut("fin", "财务审核", "yiwang:assignee=\"liu\"") +
                            ut("law", "法制审核", "yiwang:assignee=\"chen\"") +
                            ut("sec", "保密审查", "yiwang:assignee=\"sun\"") +
                            "<bpmn:inclusiveGateway id=\"merge\"/>\n" +
                            ut("sign", "签发", "yiwang:assignee=\"wang\"") + kEnd +
                            flow("f1", "start", "draft") + flow("f2", "draft", "split") +
                            flow("d", "split", "fin") + flow("l", "split", "law", "${legal}") +
                            flow("s", "split", "sec", "${secret}") + flow("m1", "fin", "merge") +
                            flow("m2", "law", "merge") + flow("m3", "sec", "merge") +
                            flow("f3", "merge", "sign") + flow("f4", "sign", "end")));
  auto i = w.start("incl", "zhang", {{"legal", true}, {"secret", true}});
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  EXPECT_TRUE(w.all_open_at(i.id, "fin").empty()) << "the default is taken only when none holds";
  w.complete(w.open_at(i.id, "law").id, "chen");
  EXPECT_TRUE(w.all_open_at(i.id, "sign").empty());
  w.complete(w.open_at(i.id, "sec").id, "sun");
  EXPECT_EQ(w.all_open_at(i.id, "sign").size(), 1u);

  auto one = w.start("incl", "zhang", {{"legal", true}, {"secret", false}});
  w.complete(w.open_at(one.id, "draft").id, "zhang");
  w.complete(w.open_at(one.id, "law").id, "chen");
  EXPECT_EQ(w.all_open_at(one.id, "sign").size(), 1u) << "the join does not wait for 保密审查";

  auto none = w.start("incl", "zhang", {{"legal", false}, {"secret", false}});
  w.complete(w.open_at(none.id, "draft").id, "zhang");
  w.complete(w.open_at(none.id, "fin").id, "liu");
  EXPECT_EQ(w.all_open_at(none.id, "sign").size(), 1u);
}

TEST_F(WorkflowEngine, ParallelCountersignNeedsEveryoneAndRecordsEachOpinion) {
  w.deploy(countersign("cs_all", "isSequential=\"false\" yiwang:completion=\"all\""));
  auto i = w.start("cs_all", "zhang", {{"signers", {"liu", "chen", "sun"}}});
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  auto signers = w.all_open_at(i.id, "sign_all");
  ASSERT_EQ(signers.size(), 3u);
  EXPECT_EQ(signers[0].assignee, "liu");
  EXPECT_EQ(signers[2].mi_index, 2);
  w.complete(signers[0].id, "liu", "同意", "同意，请办公室核稿。");
  w.complete(signers[1].id, "chen", "不同意", "第三条需修改。");
  EXPECT_TRUE(w.all_open_at(i.id, "issue").empty());
  w.complete(signers[2].id, "sun", "同意", "");
  EXPECT_EQ(w.all_open_at(i.id, "issue").size(), 1u);
  auto inst = w.engine->instance(i.id);
  EXPECT_EQ((*inst)->variables["approved"], false);
  EXPECT_EQ((*inst)->variables["nrOfApprovals"], 2);
  EXPECT_EQ((*inst)->variables["outcome"], "不同意");
  auto tasks = w.engine->tasks_of(i.id);
  int opinions = 0;
  for (const auto& t : *tasks)
    if (t.node_id == "sign_all" && !t.opinion.empty()) ++opinions;
  EXPECT_EQ(opinions, 2);
}

TEST_F(WorkflowEngine, CountersignByAnyOneCancelsTheOthers) {
  w.deploy(countersign("cs_any", "isSequential=\"false\" yiwang:completion=\"any\""));
  auto i = w.start("cs_any", "zhang", {{"signers", {"liu", "chen", "sun"}}});
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  w.complete(w.open_at(i.id, "sign_all", 0).id, "liu", "不同意");
  EXPECT_EQ(w.all_open_at(i.id, "sign_all").size(), 2u) << "a refusal does not end an any-rule";
  w.complete(w.open_at(i.id, "sign_all", 1).id, "chen", "同意");
  EXPECT_TRUE(w.all_open_at(i.id, "sign_all").empty());
  EXPECT_EQ(w.all_open_at(i.id, "issue").size(), 1u);
  auto tasks = w.engine->tasks_of(i.id);
  EXPECT_EQ(tasks->back().node_id, "issue");
  bool cancelled = false;
  for (const auto& t : *tasks)
    if (t.assignee == "sun" && t.state == wf::TaskState::cancelled) cancelled = true;
  EXPECT_TRUE(cancelled);
  EXPECT_EQ((*w.engine->instance(i.id))->variables["approved"], true);
}

TEST_F(WorkflowEngine, CountersignByAFractionEndsAsSoonAsTheAnswerIsKnown) {
  w.deploy(countersign("cs_frac", "isSequential=\"false\" yiwang:completion=\"2/3\""));
  auto yes = w.start("cs_frac", "zhang", {{"signers", {"liu", "chen", "sun"}}});
  w.complete(w.open_at(yes.id, "draft").id, "zhang");
  w.complete(w.open_at(yes.id, "sign_all", 0).id, "liu", "同意");
  EXPECT_TRUE(w.all_open_at(yes.id, "issue").empty());
  w.complete(w.open_at(yes.id, "sign_all", 2).id, "sun", "同意");
  EXPECT_EQ(w.all_open_at(yes.id, "issue").size(), 1u) << "2 of 3 approved";
  EXPECT_EQ((*w.engine->instance(yes.id))->variables["approved"], true);

  auto no = w.start("cs_frac", "zhang", {{"signers", {"liu", "chen", "sun"}}});
  w.complete(w.open_at(no.id, "draft").id, "zhang");
  w.complete(w.open_at(no.id, "sign_all", 0).id, "liu", "不同意");
  w.complete(w.open_at(no.id, "sign_all", 1).id, "chen", "不同意");
  EXPECT_EQ(w.all_open_at(no.id, "issue").size(), 1u) << "2 of 3 can no longer approve";
  EXPECT_EQ((*w.engine->instance(no.id))->variables["approved"], false);
}

TEST_F(WorkflowEngine, CountersignByCompletionCondition) {
  w.deploy(countersign("cs_cond", "isSequential=\"false\"",
                       "<bpmn:completionCondition xsi:type=\"bpmn:tFormalExpression\">${"
                       "nrOfCompletedInstances / nrOfInstances &gt;= 0.5}</"
                       "bpmn:completionCondition>"));
  auto i = w.start("cs_cond", "zhang", {{"signers", {"liu", "chen", "sun", "zhao"}}});
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  w.complete(w.open_at(i.id, "sign_all", 3).id, "zhao", "同意");
  EXPECT_TRUE(w.all_open_at(i.id, "issue").empty());
  w.complete(w.open_at(i.id, "sign_all", 1).id, "chen", "同意");
  EXPECT_EQ(w.all_open_at(i.id, "issue").size(), 1u);
}

TEST_F(WorkflowEngine, SequentialCountersignGoesOneAfterAnother) {
  w.deploy(countersign("cs_seq", "isSequential=\"true\""));
  auto i = w.start("cs_seq", "zhang", {{"signers", {"liu", "chen"}}});
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  auto first = w.all_open_at(i.id, "sign_all");
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].assignee, "liu");
  w.complete(first[0].id, "liu", "同意");
  auto second = w.all_open_at(i.id, "sign_all");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].assignee, "chen");
  w.complete(second[0].id, "chen", "同意");
  EXPECT_EQ(w.all_open_at(i.id, "issue").size(), 1u);
}

TEST_F(WorkflowEngine, CountersignWithAnEmptyListSaysWhichVariable) {
  w.deploy(countersign("cs_empty", "isSequential=\"false\""));
  auto i = w.start("cs_empty", "zhang", {{"signers", nlohmann::json::array()}});
  auto r = w.engine->complete(w.open_at(i.id, "draft").id, {}, w.actor("zhang"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "workflow.mi.bad_collection");
  EXPECT_EQ(r.error().params.at("path"), "signers");
}

TEST_F(WorkflowEngine, AddingASignerToARunningCountersign) {
  w.deploy(countersign("cs_add", "isSequential=\"false\""));
  auto i = w.start("cs_add", "zhang", {{"signers", {"liu", "chen"}}});
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  auto liu = w.open_at(i.id, "sign_all", 0);
  auto added = w.engine->add_signer(liu.id, "zhou", w.actor("liu"));
  ASSERT_TRUE(added) << added.error().key;
  EXPECT_EQ(added->assignee, "zhou");
  auto dup = w.engine->add_signer(liu.id, "chen", w.actor("liu"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().key, "workflow.signer.duplicate");
  auto stranger = w.engine->add_signer(liu.id, "li", w.actor("sun"));
  EXPECT_EQ(stranger.error().key, "workflow.task.not_yours");
  w.complete(liu.id, "liu", "同意");
  w.complete(w.open_at(i.id, "sign_all", 1).id, "chen", "同意");
  EXPECT_TRUE(w.all_open_at(i.id, "issue").empty()) << "the added signer is awaited";
  w.complete(w.open_at(i.id, "sign_all", 2).id, "zhou", "同意");
  EXPECT_EQ(w.all_open_at(i.id, "issue").size(), 1u);
  auto actions = w.actions(i.id);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "signer_added"), actions.end());
}

TEST_F(WorkflowEngine, ServiceTaskRunsItsHandlerInTheTransaction) {
  w.engine->register_handler("number.assign", [](wf::ServiceCall& call) -> yiwang::Result<void> {
    call.variables["文号"] = "示政发〔2026〕" + std::to_string(call.instance_id) + "号";
    return {};
  });
  w.deploy(bpmn("svc", kStart + kDraft +
                           "<bpmn:serviceTask id=\"num\" name=\"编号\" "
                           "yiwang:handler=\"number.assign\"/>\n" +
                           ut("sign", "签发", "yiwang:assignee=\"wang\"") + kEnd +
                           flow("f1", "start", "draft") + flow("f2", "draft", "num") +
                           flow("f3", "num", "sign") + flow("f4", "sign", "end")));
  auto i = w.start("svc", "zhang");
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  auto inst = w.engine->instance(i.id);
  EXPECT_EQ((*inst)->variables["文号"], "示政发〔2026〕" + std::to_string(i.id) + "号");
  EXPECT_EQ(w.all_open_at(i.id, "sign").size(), 1u);
}

TEST_F(WorkflowEngine, AFailureInTheMiddleOfATransitionLeavesNothingHalfMoved) {
  int calls = 0;
  w.engine->register_handler("fails", [&](wf::ServiceCall& call) -> yiwang::Result<void> {
    ++calls;
    call.variables["touched"] = true;
    call.session << "INSERT INTO wf_copies (instance_id, account, from_account, note, "
                    "sent_at, read_at) VALUES (" +
                        std::to_string(call.instance_id) + ", 'x', 'y', '', '', '')";
    throw std::runtime_error("disk on fire");
  });
  w.deploy(bpmn("crash",
                kStart + kDraft +
                    "<bpmn:parallelGateway id=\"fork\"/>\n"
                    "<bpmn:serviceTask id=\"boom\" name=\"故障\" yiwang:handler=\"fails\"/>\n" +
                    ut("other", "另一支", "yiwang:assignee=\"liu\"") +
                    "<bpmn:parallelGateway id=\"join\"/>" + kEnd + flow("f1", "start", "draft") +
                    flow("f2", "draft", "fork") + flow("fa", "fork", "other") +
                    flow("fb", "fork", "boom") + flow("ja", "other", "join") +
                    flow("jb", "boom", "join") + flow("f3", "join", "end")));
  auto i = w.start("crash", "zhang");
  auto draft = w.open_at(i.id, "draft");
  auto r = w.engine->complete(draft.id, {}, w.actor("zhang"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "db.query_failed");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(w.open_at(i.id, "draft").state, wf::TaskState::open);
  EXPECT_TRUE(w.all_open_at(i.id, "other").empty()) << "no half of the fork was kept";
  auto inst = w.engine->instance(i.id);
  EXPECT_FALSE((*inst)->variables.contains("touched"));
  EXPECT_EQ((*inst)->version, i.version);
  long long copies = 0;
  *w.db->acquire() << "SELECT COUNT(*) FROM wf_copies", soci::into(copies);
  EXPECT_EQ(copies, 0);
}

TEST_F(WorkflowEngine, TerminateEndEventEndsEveryBranch) {
  w.deploy(bpmn("term", kStart + "<bpmn:parallelGateway id=\"fork\"/>\n" +
                            ut("a", "甲", "yiwang:assignee=\"liu\"") +
                            ut("b", "乙", "yiwang:assignee=\"chen\"") +
                            "<bpmn:endEvent id=\"stop\"><bpmn:terminateEventDefinition/></"
                            "bpmn:endEvent>\n" +
                            kEnd + flow("f1", "start", "fork") + flow("fa", "fork", "a") +
                            flow("fb", "fork", "b") + flow("f2", "a", "stop") +
                            flow("f3", "b", "end")));
  auto i = w.start("term", "zhang");
  w.complete(w.open_at(i.id, "a").id, "liu");
  EXPECT_EQ(w.state(i.id), InstanceState::completed);
  EXPECT_TRUE(w.engine->open_tasks(i.id)->empty());
}

// ---- timers ----

std::string escalating() {
  return bpmn("esc",
              kStart + ut("review", "审核", "yiwang:assignee=\"liu\" yiwang:due=\"P2WD\"") +
                  "<bpmn:boundaryEvent id=\"late\" name=\"超时升级\" attachedToRef=\"review\" "
                  "cancelActivity=\"true\"><bpmn:timerEventDefinition><bpmn:timeDuration>"
                  "P2WD</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>\n"
                  "<bpmn:boundaryEvent id=\"nag\" name=\"催办\" attachedToRef=\"review\" "
                  "cancelActivity=\"false\"><bpmn:timerEventDefinition><bpmn:timeCycle>"
                  "R2/PT4H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>\n" +
                  ut("head", "领导督办", "yiwang:assignee=\"${starterHead}\"") + kEnd +
                  "<bpmn:endEvent id=\"end2\"/>" + flow("f1", "start", "review") +
                  flow("f2", "review", "end") + flow("f3", "late", "head") +
                  flow("f4", "head", "end2"));
}

TEST_F(WorkflowEngine, NonInterruptingTimerRemindsTheAssignee) {
  w.deploy(escalating());
  std::vector<std::string> notified;
  w.engine->set_notifier([&](soci::session&, const wf::Task& t, std::string_view what) {
    notified.push_back(t.assignee + ":" + std::string(what));
  });
  auto i = w.start("esc", "zhang");
  EXPECT_EQ(*w.engine->fire_due_timers(), 0);
  w.advance(std::chrono::hours(4));
  EXPECT_EQ(*w.engine->fire_due_timers(), 1);
  auto review = w.open_at(i.id, "review");
  EXPECT_EQ(review.reminded, 1);
  w.advance(std::chrono::hours(4));
  EXPECT_EQ(*w.engine->fire_due_timers(), 1);
  w.advance(std::chrono::hours(4));
  EXPECT_EQ(*w.engine->fire_due_timers(), 0) << "R2: twice only";
  EXPECT_EQ(w.open_at(i.id, "review").reminded, 2);
  EXPECT_EQ(notified, (std::vector<std::string>{"liu:reminded", "liu:reminded"}));
}

TEST_F(WorkflowEngine, InterruptingTimerEscalatesToTheStartersHead) {
  w.deploy(escalating());
  auto i = w.start("esc", "zhang");
  auto review = w.open_at(i.id, "review");
  w.advance_days(1);
  w.engine->fire_due_timers();
  EXPECT_EQ(w.all_open_at(i.id, "review").size(), 1u);
  // Monday 09:00 + 2 working days = Wednesday 09:00
  w.advance_days(1);
  w.engine->fire_due_timers();
  EXPECT_TRUE(w.all_open_at(i.id, "review").empty());
  auto head = w.open_at(i.id, "head");
  EXPECT_EQ(head.assignee, "wang");
  auto late = w.engine->complete(review.id, {}, w.actor("liu"));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().key, "workflow.task.cancelled");
  auto actions = w.actions(i.id);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "escalated"), actions.end());
  EXPECT_TRUE(w.engine->pending_timers(i.id)->empty()) << "the reminder went with the task";
}

TEST_F(WorkflowEngine, WorkingDayTimersSkipHolidays) {
  w.deploy(escalating());
  // Wednesday 30 Sep 2026 09:00 China time, the eve of 国庆
  w.clock = std::chrono::sys_seconds(std::chrono::sys_days(std::chrono::year(2026) / 9 / 30)) +
            std::chrono::hours(1);
  auto i = w.start("esc", "zhang");
  auto review = w.open_at(i.id, "review");
  auto timers = w.engine->pending_timers(i.id);
  std::string late_due;
  for (const auto& t : *timers)
    if (t.node_id == "late") late_due = t.due_at;
  EXPECT_EQ(late_due, review.due_at);
  // 1–7 Oct are holidays: the 2 working days after 30 Sep are 8 and 9 Oct.
  EXPECT_EQ(review.due_at, "2026-10-09T01:00:00Z");
}

TEST_F(WorkflowEngine, ADueTimeMayComeFromAnExpression) {
  w.deploy(bpmn(
      "due", kStart + ut("review", "审核", "yiwang:assignee=\"liu\" yiwang:due=\"${reviewDue}\"") +
                 kEnd + flow("f1", "start", "review") + flow("f2", "review", "end")));
  auto start = w.clock;
  auto i = w.start("due", "zhang", {{"reviewDue", "PT4H"}});
  EXPECT_EQ(w.open_at(i.id, "review").due_at,
            fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", start + std::chrono::hours(4)));
  wf::Engine::StartInput bad;
  bad.process_key = "due";
  bad.variables = {{"reviewDue", "soon"}};
  auto refused = w.engine->start(bad, w.actor("zhang"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().key, "workflow.due_invalid");
  EXPECT_EQ(refused.error().params["text"], "soon");
}

TEST_F(WorkflowEngine, IntermediateTimerFiresAfterARestart) {
  w.deploy(bpmn("wait", kStart +
                            "<bpmn:intermediateCatchEvent id=\"cool\" name=\"公示期\">"
                            "<bpmn:timerEventDefinition><bpmn:timeDuration>P5WD</"
                            "bpmn:timeDuration></bpmn:timerEventDefinition></"
                            "bpmn:intermediateCatchEvent>\n" +
                            ut("after", "公示后办理", "yiwang:assignee=\"liu\"") + kEnd +
                            flow("f1", "start", "cool") + flow("f2", "cool", "after") +
                            flow("f3", "after", "end")));
  auto i = w.start("wait", "zhang");
  EXPECT_TRUE(w.engine->open_tasks(i.id)->empty());
  w.engine.reset();  // the server stops
  w.advance_days(7);
  w.engine = w.another_engine();  // and starts again a week later
  EXPECT_EQ(*w.engine->fire_due_timers(), 1);
  EXPECT_EQ(w.all_open_at(i.id, "after").size(), 1u);
}

TEST_F(WorkflowEngine, TwoNodesFiringTheSameTimerFireItOnce) {
  w.deploy(escalating());
  auto i = w.start("esc", "zhang");
  w.advance_days(3);
  auto other = w.another_engine();
  std::atomic<int> fired{0};
  std::thread a([&] { fired += w.engine->fire_due_timers().value_or(0); });
  std::thread b([&] { fired += other->fire_due_timers().value_or(0); });
  a.join();
  b.join();
  EXPECT_EQ(w.all_open_at(i.id, "head").size(), 1u);
  EXPECT_EQ(fired.load(), 2) << "the escalation and one reminder, each once";
  auto actions = w.actions(i.id);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "escalated"), 1);
}

// ---- events and sub-processes ----

TEST_F(WorkflowEngine, MessageCatchWaitsForItsMessage) {
  w.deploy(bpmn("msg",
                kStart + kDraft +
                    "<bpmn:intermediateCatchEvent id=\"paid\" name=\"缴费到账\">"
                    "<bpmn:messageEventDefinition messageRef=\"m_paid\"/></"
                    "bpmn:intermediateCatchEvent>\n" +
                    ut("issue", "发证", "yiwang:assignee=\"liu\"") + kEnd +
                    flow("f1", "start", "draft") + flow("f2", "draft", "paid") +
                    flow("f3", "paid", "issue") + flow("f4", "issue", "end"),
                "<bpmn:message id=\"m_paid\" name=\"payment.received\"/>"));
  auto i = w.start("msg", "zhang");
  auto early = w.engine->message(i.id, "payment.received", {}, w.actor("zhang"));
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().key, "workflow.message.no_waiting");
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  auto wrong = w.engine->message(i.id, "other", {}, w.actor("zhang"));
  EXPECT_FALSE(wrong);
  ASSERT_TRUE(w.engine->message(i.id, "payment.received", {{"amount", 50}}, w.actor("zhang")));
  EXPECT_EQ(w.all_open_at(i.id, "issue").size(), 1u);
  EXPECT_EQ((*w.engine->instance(i.id))->variables["amount"], 50);
}

TEST_F(WorkflowEngine, SignalReachesEveryWaitingInstance) {
  w.deploy(bpmn("sig",
                kStart +
                    "<bpmn:intermediateCatchEvent id=\"go\"><bpmn:signalEventDefinition "
                    "signalRef=\"s_go\"/></bpmn:intermediateCatchEvent>\n" +
                    ut("work", "办理", "yiwang:assignee=\"liu\"") + kEnd +
                    flow("f1", "start", "go") + flow("f2", "go", "work") +
                    flow("f3", "work", "end"),
                "<bpmn:signal id=\"s_go\" name=\"policy.published\"/>"));
  auto a = w.start("sig", "zhang");
  auto b = w.start("sig", "chen");
  EXPECT_EQ(*w.engine->signal("policy.published", {}, w.actor("zhang")), 2);
  EXPECT_EQ(w.all_open_at(a.id, "work").size(), 1u);
  EXPECT_EQ(w.all_open_at(b.id, "work").size(), 1u);
  EXPECT_EQ(*w.engine->signal("policy.published", {}, w.actor("zhang")), 0);
}

TEST_F(WorkflowEngine, CallActivityRunsASubProcessAndGetsItsVariablesBack) {
  w.deploy(bpmn("child", kStart + ut("check", "核查", "yiwang:assignee=\"liu\"") + kEnd +
                             flow("f1", "start", "check") + flow("f2", "check", "end")));
  w.deploy(bpmn("parent", kStart + kDraft +
                              "<bpmn:callActivity id=\"sub\" name=\"联合核查\" "
                              "calledElement=\"child\"/>\n" +
                              ut("sign", "签发", "yiwang:assignee=\"wang\"") + kEnd +
                              flow("f1", "start", "draft") + flow("f2", "draft", "sub") +
                              flow("f3", "sub", "sign") + flow("f4", "sign", "end")));
  auto p = w.start("parent", "zhang", {{"申请人", "示范公司"}});
  w.complete(w.open_at(p.id, "draft").id, "zhang");
  auto page = w.engine->instances({.process_key = "child"}, 0, 10);
  ASSERT_EQ(page->total, 1);
  const auto& child = page->instances[0];
  EXPECT_EQ(child.parent_id, p.id);
  EXPECT_EQ(child.variables["申请人"], "示范公司");
  wf::Engine::CompleteInput in;
  in.variables = {{"核查结果", "属实"}};
  auto check = w.open_at(child.id, "check");
  ASSERT_TRUE(w.engine->complete(check.id, in, w.actor("liu")));
  EXPECT_EQ(w.state(child.id), InstanceState::completed);
  EXPECT_EQ(w.all_open_at(p.id, "sign").size(), 1u);
  EXPECT_EQ((*w.engine->instance(p.id))->variables["核查结果"], "属实");
  // terminating the parent terminates the running child too
  auto p2 = w.start("parent", "zhang");
  w.complete(w.open_at(p2.id, "draft").id, "zhang");
  ASSERT_TRUE(w.engine->terminate(p2.id, "撤件", w.actor("admin", true)));
  auto children =
      w.engine->instances({.process_key = "child", .state = InstanceState::terminated}, 0, 10);
  EXPECT_EQ(children->total, 1);
}

// The administrators' list: by process, by state and by the starter's organ,
// counted and paged in the database.
TEST_F(WorkflowEngine, AdministrationListsInstancesByProcessStateAndOrgan) {
  w.directory.add("qian", 2, "wang");
  w.directory.add("feng", 3, "wang");
  w.deploy(linear());
  w.deploy(parallel());
  auto a = w.start("linear", "zhang");   // organ 1
  auto b = w.start("linear", "qian");    // organ 2
  auto c = w.start("parallel", "qian");  // organ 2
  auto d = w.start("linear", "feng");    // organ 3
  ASSERT_TRUE(w.engine->terminate(d.id, "重复提交", w.actor("admin", true)));

  auto ids = [&](const wf::Engine::InstanceFilter& f, int offset = 0, int limit = 10) {
    std::vector<long long> out;
    auto page = w.engine->instances(f, offset, limit);
    EXPECT_TRUE(page.has_value());
    if (page)
      for (const auto& i : page->instances) out.push_back(i.id);
    return std::make_pair(out, page ? page->total : -1);
  };
  EXPECT_EQ(ids({}), std::make_pair(std::vector<long long>{d.id, c.id, b.id, a.id}, 4LL));
  EXPECT_EQ(ids({.process_key = "linear"}),
            std::make_pair(std::vector<long long>{d.id, b.id, a.id}, 3LL));
  EXPECT_EQ(ids({.process_key = "", .state = InstanceState::terminated}),
            std::make_pair(std::vector<long long>{d.id}, 1LL));
  EXPECT_EQ(ids({.process_key = "", .state = std::nullopt, .organs = std::set<long long>{2}}),
            std::make_pair(std::vector<long long>{c.id, b.id}, 2LL));
  EXPECT_EQ(ids({.process_key = "linear",
                 .state = InstanceState::running,
                 .organs = std::set<long long>{1, 2, 3}}),
            std::make_pair(std::vector<long long>{b.id, a.id}, 2LL));
  // paging keeps the total of the whole filtered list
  EXPECT_EQ(
      ids({.process_key = "", .state = std::nullopt, .organs = std::set<long long>{1, 2}}, 1, 1),
      std::make_pair(std::vector<long long>{b.id}, 3LL));
  // an empty organ scope sees nothing rather than everything
  EXPECT_EQ(ids({.process_key = "", .state = std::nullopt, .organs = std::set<long long>{}}),
            std::make_pair(std::vector<long long>{}, 0LL));
}

// ---- assignment ----

TEST_F(WorkflowEngine, CandidateGroupsClaimAndUnclaim) {
  w.directory.add("gw1", 2, "", {"公文管理员@2"});
  w.directory.add("gw2", 2, "", {"公文管理员@2"});
  w.directory.add("other", 1, "", {"公文管理员@1"});
  w.deploy(bpmn(
      "grp",
      kStart + ut("reg", "登记", "yiwang:candidateGroups=\"role:公文管理员@11110000000000002Y\"") +
          kEnd + flow("f1", "start", "reg") + flow("f2", "reg", "end")));
  auto i = w.start("grp", "zhang");
  auto reg = w.open_at(i.id, "reg");
  EXPECT_TRUE(reg.assignee.empty());
  EXPECT_EQ(reg.candidate_groups, std::vector<std::string>{"公文管理员@2"});
  EXPECT_EQ(reg.organ_id, 2);
  auto todo = [&](const std::string& who) {
    wf::Engine::BoxQuery q;
    q.account = who;
    return w.engine->box(q)->total;
  };
  EXPECT_EQ(todo("gw1"), 1);
  EXPECT_EQ(todo("gw2"), 1);
  EXPECT_EQ(todo("other"), 0) << "the same role in another organ is another group";
  auto denied = w.engine->claim(reg.id, w.actor("other"));
  EXPECT_EQ(denied.error().key, "workflow.task.not_candidate");
  ASSERT_TRUE(w.engine->claim(reg.id, w.actor("gw1")));
  EXPECT_EQ(todo("gw2"), 0) << "claimed tasks leave the others' inboxes";
  auto taken = w.engine->claim(reg.id, w.actor("gw2"));
  EXPECT_EQ(taken.error().key, "workflow.task.claimed_by");
  EXPECT_EQ(taken.error().params.at("by"), "gw1");
  ASSERT_TRUE(w.engine->unclaim(reg.id, w.actor("gw1")));
  EXPECT_EQ(todo("gw2"), 1);
  // completing an unclaimed task as a candidate claims it on the way
  w.complete(reg.id, "gw2");
  EXPECT_EQ(w.state(i.id), InstanceState::completed);
}

TEST_F(WorkflowEngine, AssigneeExpressionsResolveOrSayWhy) {
  w.directory.add("nohead", 1, "");
  w.deploy(bpmn("who", kStart + ut("a", "本人", "yiwang:assignee=\"${starter}\"") +
                           ut("b", "部门负责人", "yiwang:assignee=\"${starterHead}\"") +
                           ut("c", "指定人", "yiwang:assignee=\"${办理人}\"") + kEnd +
                           flow("f1", "start", "a") + flow("f2", "a", "b") + flow("f3", "b", "c") +
                           flow("f4", "c", "end")));
  auto i = w.start("who", "zhang", {{"办理人", "zhou"}});
  EXPECT_EQ(w.open_at(i.id, "a").assignee, "zhang");
  w.complete(w.open_at(i.id, "a").id, "zhang");
  EXPECT_EQ(w.open_at(i.id, "b").assignee, "wang");
  w.complete(w.open_at(i.id, "b").id, "wang");
  EXPECT_EQ(w.open_at(i.id, "c").assignee, "zhou");

  auto orphan = w.start("who", "nohead");
  auto r = w.engine->complete(w.open_at(orphan.id, "a").id, {}, w.actor("nohead"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "workflow.assign.no_head");

  auto ghost = w.start("who", "zhang", {{"办理人", "nobody"}});
  w.complete(w.open_at(ghost.id, "a").id, "zhang");
  auto r2 = w.engine->complete(w.open_at(ghost.id, "b").id, {}, w.actor("wang"));
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().key, "workflow.assign.unknown_account");
  EXPECT_EQ(r2.error().params.at("account"), "nobody");
}

// ---- task operations ----

TEST_F(WorkflowEngine, CompletingChecksWhoAndWhatWithClearErrors) {
  w.deploy(linear());
  auto i = w.start("linear", "zhang");
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  auto review = w.open_at(i.id, "review");
  auto complete = [&](const std::string& who, const std::string& outcome,
                      const std::string& opinion) {
    wf::Engine::CompleteInput in;
    in.outcome = outcome;
    in.opinion = opinion;
    return w.engine->complete(review.id, in, w.actor(who));
  };
  EXPECT_EQ(complete("chen", "同意", "").error().key, "workflow.task.not_yours");
  EXPECT_EQ(complete("liu", "", "").error().key, "workflow.task.outcome_required");
  auto unknown = complete("liu", "<script>alert(1)</script>", "");
  EXPECT_EQ(unknown.error().key, "workflow.task.outcome_unknown");
  EXPECT_EQ(unknown.error().field, "outcome");
  EXPECT_EQ(complete("liu", "同意", std::string(2001, 'x')).error().key, "text.too_long");
  EXPECT_EQ(complete("liu", "同意",
                     "a\x01"
                     "b")
                .error()
                .key,
            "text.control");
  // hostile but valid opinions are kept exactly as text
  std::string hostile = "<img src=x onerror=alert(1)>'; DROP TABLE wf_tasks; -- 全角：同意　";
  auto ok = complete("liu", "同意", hostile);
  ASSERT_TRUE(ok) << ok.error().key;
  auto history = w.engine->history(i.id);
  EXPECT_EQ(history->back().opinion, yiwang::core::trim_text(hostile));
}

TEST_F(WorkflowEngine, TwoPeopleCompletingTheSameTaskOneWins) {
  w.directory.add("gw1", 1, "", {"公文管理员@1"});
  w.directory.add("gw2", 1, "", {"公文管理员@1"});
  w.deploy(bpmn("race", kStart + ut("reg", "登记", "yiwang:candidateGroups=\"公文管理员\"") +
                            ut("next", "办理", "yiwang:assignee=\"liu\"") + kEnd +
                            flow("f1", "start", "reg") + flow("f2", "reg", "next") +
                            flow("f3", "next", "end")));
  for (int round = 0; round < 5; ++round) {
    auto i = w.start("race", "zhang");
    auto reg = w.open_at(i.id, "reg");
    std::atomic<int> ok{0};
    std::vector<yiwang::Error> errors(2);
    auto run = [&](int k, const char* who) {
      wf::Engine::CompleteInput in;
      in.opinion = who;
      auto r = w.engine->complete(reg.id, in, w.actor(who));
      if (r)
        ++ok;
      else
        errors[k] = r.error();
    };
    std::thread a(run, 0, "gw1");
    std::thread b(run, 1, "gw2");
    a.join();
    b.join();
    EXPECT_EQ(ok.load(), 1);
    const auto& e = errors[0].key.empty() ? errors[1] : errors[0];
    EXPECT_EQ(e.key, "workflow.task.already_handled");
    EXPECT_FALSE(e.params.at("by").empty());
    EXPECT_FALSE(e.params.at("at").empty());
    EXPECT_EQ(w.all_open_at(i.id, "next").size(), 1u) << "the next step exists once";
  }
}

TEST_F(WorkflowEngine, ParallelBranchesCompletedAtTheSameTimeJoinOnce) {
  w.deploy(parallel());
  for (int round = 0; round < 5; ++round) {
    auto i = w.start("parallel", "zhang");
    w.complete(w.open_at(i.id, "draft").id, "zhang");
    w.complete(w.open_at(i.id, "b").id, "chen");
    auto a = w.open_at(i.id, "a"), b2 = w.open_at(i.id, "b2"), c = w.open_at(i.id, "c");
    std::atomic<int> ok{0};
    std::thread t1([&] { ok += w.engine->complete(a.id, {}, w.actor("liu")).has_value(); });
    std::thread t2([&] { ok += w.engine->complete(b2.id, {}, w.actor("zhao")).has_value(); });
    std::thread t3([&] { ok += w.engine->complete(c.id, {}, w.actor("sun")).has_value(); });
    t1.join();
    t2.join();
    t3.join();
    EXPECT_EQ(ok.load(), 3);
    EXPECT_EQ(w.all_open_at(i.id, "sign").size(), 1u);
  }
}

TEST_F(WorkflowEngine, ExpectedVersionCatchesAStalePage) {
  w.deploy(linear());
  auto i = w.start("linear", "zhang");
  auto draft = w.open_at(i.id, "draft");
  ASSERT_TRUE(w.engine->delegate_for_return(draft.id, "li", "请帮忙起草", w.actor("zhang")));
  ASSERT_TRUE(w.engine->resolve(draft.id, "已起草", w.actor("li")));
  wf::Engine::CompleteInput in;
  in.expected_version = draft.version;  // what zhang's open page showed
  auto r = w.engine->complete(draft.id, in, w.actor("zhang"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "workflow.task.changed");
}

TEST_F(WorkflowEngine, DelegateHandsOverForGood) {
  w.deploy(linear());
  auto i = w.start("linear", "zhang");
  auto draft = w.open_at(i.id, "draft");
  EXPECT_EQ(w.engine->delegate(draft.id, "zhang", "", w.actor("zhang")).error().key,
            "workflow.delegate.self");
  EXPECT_EQ(w.engine->delegate(draft.id, "nobody", "", w.actor("zhang")).error().key,
            "workflow.account.unknown");
  auto moved = w.engine->delegate(draft.id, "li", "请李处办理", w.actor("zhang"));
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->assignee, "li");
  EXPECT_TRUE(moved->owner.empty());
  EXPECT_EQ(w.engine->complete(draft.id, {}, w.actor("zhang")).error().key,
            "workflow.task.not_yours");
  w.complete(draft.id, "li");
  EXPECT_EQ(w.all_open_at(i.id, "review").size(), 1u);
  auto h = w.engine->history(i.id);
  EXPECT_EQ((*h)[1].action, "delegated");
  EXPECT_EQ((*h)[1].detail, "li");
  EXPECT_EQ((*h)[1].opinion, "请李处办理");
}

TEST_F(WorkflowEngine, DelegateForReturnComesBackToTheOwner) {
  w.deploy(linear());
  auto i = w.start("linear", "zhang");
  auto draft = w.open_at(i.id, "draft");
  auto asked = w.engine->delegate_for_return(draft.id, "li", "请提供数据", w.actor("zhang"));
  ASSERT_TRUE(asked);
  EXPECT_EQ(asked->assignee, "li");
  EXPECT_EQ(asked->owner, "zhang");
  EXPECT_EQ(w.engine->complete(draft.id, {}, w.actor("li")).error().key,
            "workflow.task.must_resolve");
  EXPECT_EQ(w.engine->resolve(draft.id, "", w.actor("zhang")).error().key,
            "workflow.task.not_yours");
  auto back = w.engine->resolve(draft.id, "数据见附件", w.actor("li"));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->assignee, "zhang");
  EXPECT_TRUE(back->owner.empty());
  EXPECT_EQ(w.engine->resolve(draft.id, "", w.actor("zhang")).error().key,
            "workflow.task.not_delegated");
  w.complete(draft.id, "zhang");
  EXPECT_EQ(w.all_open_at(i.id, "review").size(), 1u);
}

TEST_F(WorkflowEngine, SendBackReturnsToThePreviousStepAndPerson) {
  w.deploy(linear());
  auto i = w.start("linear", "zhang");
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  auto review = w.open_at(i.id, "review");
  wf::Engine::ReturnInput in;
  EXPECT_EQ(w.engine->send_back(review.id, in, w.actor("liu")).error().key,
            "workflow.opinion.required_for_return");
  in.opinion = "请补充依据";
  ASSERT_TRUE(w.engine->send_back(review.id, in, w.actor("liu")));
  auto again = w.open_at(i.id, "draft");
  EXPECT_EQ(again.assignee, "zhang");
  EXPECT_EQ(w.open_at(i.id, "draft").prev_task_id, review.id);
  EXPECT_EQ(w.engine->task(review.id)->value().state, wf::TaskState::cancelled);
  // resubmitted, it goes through review again
  w.complete(again.id, "zhang");
  EXPECT_EQ(w.open_at(i.id, "review").assignee, "liu");
  // the first step has nothing before it
  auto j = w.start("linear", "zhang");
  auto r = w.engine->send_back(w.open_at(j.id, "draft").id, in, w.actor("zhang"));
  EXPECT_EQ(r.error().key, "workflow.return.no_previous");
}

TEST_F(WorkflowEngine, SendBackWithResumeComesStraightBack) {
  w.deploy(parallel());
  auto i = w.start("parallel", "zhang");
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  w.complete(w.open_at(i.id, "a").id, "liu");
  w.complete(w.open_at(i.id, "c").id, "sun");
  w.complete(w.open_at(i.id, "b").id, "chen");
  auto b2 = w.open_at(i.id, "b2");
  wf::Engine::ReturnInput in;
  in.opinion = "数据有误";
  in.resume_here = true;
  ASSERT_TRUE(w.engine->send_back(b2.id, in, w.actor("zhao")));
  w.complete(w.open_at(i.id, "b").id, "chen");
  EXPECT_EQ(w.open_at(i.id, "b2").assignee, "zhao");
}

TEST_F(WorkflowEngine, RejectToAStepInsideOneParallelBranch) {
  w.deploy(parallel());
  auto i = w.start("parallel", "zhang");
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  w.complete(w.open_at(i.id, "a").id, "liu");
  w.complete(w.open_at(i.id, "b").id, "chen");
  w.complete(w.open_at(i.id, "b2").id, "zhao");
  w.complete(w.open_at(i.id, "c").id, "sun");
  auto sign = w.open_at(i.id, "sign");
  auto targets = w.engine->return_targets(sign.id);
  ASSERT_TRUE(targets);
  std::vector<std::string> ids;
  for (const auto& [id, name] : *targets) ids.push_back(id);
  EXPECT_EQ(ids, (std::vector<std::string>{"draft", "a", "b", "c", "b2"}));
  wf::Engine::RejectInput in;
  in.target = "b";
  in.opinion = "B 支重新审核";
  ASSERT_TRUE(w.engine->reject_to(sign.id, in, w.actor("wang")));
  EXPECT_EQ(w.open_at(i.id, "b").assignee, "chen") << "the person who did it last";
  EXPECT_TRUE(w.all_open_at(i.id, "a").empty()) << "branch A is not redone";
  EXPECT_TRUE(w.all_open_at(i.id, "c").empty()) << "branch C is not redone";
  w.complete(w.open_at(i.id, "b").id, "chen");
  w.complete(w.open_at(i.id, "b2").id, "zhao");
  EXPECT_EQ(w.all_open_at(i.id, "sign").size(), 1u) << "the join passes with branch B alone";
  // a step that was never passed, or one after this one, is refused
  in.target = "nowhere";
  auto bad = w.engine->reject_to(w.open_at(i.id, "sign").id, in, w.actor("wang"));
  EXPECT_EQ(bad.error().key, "workflow.return.bad_target");
}

TEST_F(WorkflowEngine, RejectFromInsideABranchToBeforeTheForkRestartsTheSection) {
  w.deploy(parallel());
  auto i = w.start("parallel", "zhang");
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  w.complete(w.open_at(i.id, "a").id, "liu");
  wf::Engine::RejectInput in;
  in.target = "draft";
  in.opinion = "请重新拟稿";
  ASSERT_TRUE(w.engine->reject_to(w.open_at(i.id, "c").id, in, w.actor("sun")));
  EXPECT_EQ(w.engine->open_tasks(i.id)->size(), 1u) << "B is withdrawn too; only 拟稿 is open";
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  EXPECT_EQ(w.engine->open_tasks(i.id)->size(), 3u);
}

TEST_F(WorkflowEngine, SendBackOutOfACountersignKeepsTheOtherSigners) {
  w.deploy(countersign("cs_back", "isSequential=\"false\""));
  auto i = w.start("cs_back", "zhang", {{"signers", {"liu", "chen", "sun"}}});
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  w.complete(w.open_at(i.id, "sign_all", 0).id, "liu", "同意", "无意见");
  auto chen = w.open_at(i.id, "sign_all", 1);
  wf::Engine::ReturnInput in;
  in.opinion = "请补充会签材料";
  ASSERT_TRUE(w.engine->send_back(chen.id, in, w.actor("chen")));
  EXPECT_EQ(w.open_at(i.id, "draft").assignee, "zhang");
  auto still = w.all_open_at(i.id, "sign_all");
  ASSERT_EQ(still.size(), 1u) << "sun's task stays open";
  EXPECT_EQ(still[0].assignee, "sun");
  w.complete(still[0].id, "sun", "同意");
  EXPECT_TRUE(w.all_open_at(i.id, "issue").empty()) << "chen has not signed yet";
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  auto chen_again = w.open_at(i.id, "sign_all", 1);
  EXPECT_EQ(chen_again.assignee, "chen");
  w.complete(chen_again.id, "chen", "同意");
  EXPECT_EQ(w.all_open_at(i.id, "issue").size(), 1u);
  EXPECT_EQ((*w.engine->instance(i.id))->variables["approved"], true);
  auto tasks = w.engine->tasks_of(i.id);
  int liu_tasks = 0;
  for (const auto& t : *tasks)
    if (t.assignee == "liu") ++liu_tasks;
  EXPECT_EQ(liu_tasks, 1) << "liu's opinion stood; liu did not sign twice";
}

TEST_F(WorkflowEngine, RejectIntoOneSignerOfAFinishedCountersign) {
  w.deploy(countersign("cs_into", "isSequential=\"false\""));
  auto i = w.start("cs_into", "zhang", {{"signers", {"liu", "chen", "sun"}}});
  w.complete(w.open_at(i.id, "draft").id, "zhang");
  w.complete(w.open_at(i.id, "sign_all", 0).id, "liu", "同意");
  w.complete(w.open_at(i.id, "sign_all", 1).id, "chen", "同意");
  w.complete(w.open_at(i.id, "sign_all", 2).id, "sun", "同意");
  auto issue = w.open_at(i.id, "issue");
  wf::Engine::RejectInput in;
  in.target = "sign_all";
  in.signer = "chen";
  in.opinion = "请陈处再核";
  ASSERT_TRUE(w.engine->reject_to(issue.id, in, w.actor("wang")));
  auto open = w.all_open_at(i.id, "sign_all");
  ASSERT_EQ(open.size(), 1u) << "only the chosen signer signs again";
  EXPECT_EQ(open[0].assignee, "chen");
  EXPECT_EQ(open[0].mi_index, 1);
  w.complete(open[0].id, "chen", "同意", "已复核");
  EXPECT_EQ(w.all_open_at(i.id, "issue").size(), 1u);
  in.signer = "stranger";
  auto bad = w.engine->reject_to(w.open_at(i.id, "issue").id, in, w.actor("wang"));
  EXPECT_EQ(bad.error().key, "workflow.return.not_a_signer");
}

TEST_F(WorkflowEngine, WithdrawWhileTheNextStepIsUntouched) {
  w.deploy(linear());
  auto i = w.start("linear", "zhang");
  auto draft = w.open_at(i.id, "draft");
  w.complete(draft.id, "zhang");
  EXPECT_EQ(w.engine->withdraw(draft.id, w.actor("liu")).error().key,
            "workflow.withdraw.not_yours");
  auto back = w.engine->withdraw(draft.id, w.actor("zhang"));
  ASSERT_TRUE(back) << back.error().key;
  EXPECT_EQ(back->assignee, "zhang");
  EXPECT_EQ(back->node_id, "draft");
  EXPECT_TRUE(w.all_open_at(i.id, "review").empty());
  // once the next person has opened it, it cannot be withdrawn
  w.complete(back->id, "zhang");
  auto review = w.open_at(i.id, "review");
  ASSERT_TRUE(w.engine->mark_read(review.id, w.actor("liu")));
  auto refused = w.engine->withdraw(back->id, w.actor("zhang"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().key, "workflow.withdraw.touched");
  EXPECT_EQ(refused.error().params.at("by"), "liu");
  // nor once it has been handled
  w.complete(review.id, "liu", "同意");
  EXPECT_EQ(w.engine->withdraw(back->id, w.actor("zhang")).error().key,
            "workflow.withdraw.moved_on");
}

TEST_F(WorkflowEngine, WithdrawIntoAParallelSectionAndOutOfACountersign) {
  w.deploy(parallel());
  auto i = w.start("parallel", "zhang");
  auto draft = w.open_at(i.id, "draft");
  w.complete(draft.id, "zhang");
  auto back = w.engine->withdraw(draft.id, w.actor("zhang"));
  ASSERT_TRUE(back) << back.error().key;
  EXPECT_EQ(w.engine->open_tasks(i.id)->size(), 1u) << "all three branches were taken back";

  w.deploy(countersign("cs_wd", "isSequential=\"false\""));
  auto j = w.start("cs_wd", "zhang", {{"signers", {"liu", "chen"}}});
  w.complete(w.open_at(j.id, "draft").id, "zhang");
  auto liu = w.open_at(j.id, "sign_all", 0);
  w.complete(liu.id, "liu", "同意");
  auto again = w.engine->withdraw(liu.id, w.actor("liu"));
  ASSERT_TRUE(again) << again.error().key;
  EXPECT_EQ(again->assignee, "liu");
  EXPECT_EQ(w.all_open_at(j.id, "sign_all").size(), 2u);
  w.complete(w.open_at(j.id, "sign_all", 1).id, "chen", "同意");
  EXPECT_TRUE(w.all_open_at(j.id, "issue").empty()) << "liu's withdrawn opinion does not count";
  w.complete(again->id, "liu", "不同意");
  EXPECT_EQ((*w.engine->instance(j.id))->variables["approved"], false);
}

TEST_F(WorkflowEngine, SuspendResumeAndTerminate) {
  w.deploy(escalating());
  auto i = w.start("esc", "zhang");
  auto review = w.open_at(i.id, "review");
  ASSERT_TRUE(w.engine->suspend(i.id, "等待上级意见", w.actor("admin", true)));
  EXPECT_EQ(w.engine->complete(review.id, {}, w.actor("liu")).error().key,
            "workflow.instance.suspended");
  w.advance_days(5);
  EXPECT_EQ(*w.engine->fire_due_timers(), 0) << "timers wait while suspended";
  EXPECT_EQ(w.engine->suspend(i.id, "", w.actor("admin", true)).error().key,
            "workflow.instance.suspended");
  ASSERT_TRUE(w.engine->resume(i.id, w.actor("admin", true)));
  EXPECT_EQ(w.engine->resume(i.id, w.actor("admin", true)).error().key,
            "workflow.instance.not_suspended");
  EXPECT_GE(*w.engine->fire_due_timers(), 1) << "and fire after resuming";
  auto head = w.open_at(i.id, "head");
  EXPECT_EQ(w.engine->terminate(i.id, "", w.actor("admin", true)).error().key,
            "workflow.reason.required");
  auto ended = w.engine->terminate(i.id, "申请人撤回申请", w.actor("admin", true));
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->state, InstanceState::terminated);
  EXPECT_EQ(ended->end_reason, "申请人撤回申请");
  EXPECT_TRUE(w.engine->open_tasks(i.id)->empty());
  EXPECT_TRUE(w.engine->pending_timers(i.id)->empty());
  EXPECT_EQ(w.engine->complete(head.id, {}, w.actor("wang")).error().key,
            "workflow.task.cancelled");
  auto actions = w.actions(i.id);
  EXPECT_EQ(actions.back(), "terminated");
}

TEST_F(WorkflowEngine, ReassignIsForAdministratorsAndAudited) {
  w.deploy(linear());
  auto i = w.start("linear", "zhang");
  auto draft = w.open_at(i.id, "draft");
  EXPECT_EQ(w.engine->reassign(draft.id, "li", "出差", w.actor("liu")).error().key,
            "workflow.intervene.denied");
  auto moved = w.engine->reassign(draft.id, "li", "张三出差", w.actor("admin", true));
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->assignee, "li");
  long long audited = 0;
  *w.db->acquire() << "SELECT COUNT(*) FROM audit_records WHERE event = "
                      "'workflow.task.reassigned'",
      soci::into(audited);
  EXPECT_EQ(audited, 1);
}

// ---- inboxes ----

TEST_F(WorkflowEngine, InboxesCountFilterPageAndFlagOverdue) {
  w.deploy(linear());
  w.deploy(parallel());
  std::vector<long long> ids;
  for (int k = 0; k < 5; ++k) ids.push_back(w.start("linear", "zhang").id);
  auto p = w.start("parallel", "zhang");
  for (long long id : ids) w.complete(w.open_at(id, "draft").id, "zhang");
  wf::Engine::BoxQuery q;
  q.account = "liu";
  auto todo = w.engine->box(q);
  ASSERT_TRUE(todo);
  EXPECT_EQ(todo->total, 5);
  EXPECT_FALSE(todo->items[0].overdue);
  EXPECT_EQ(todo->items[0].working_days_left, 3);
  q.limit = 2;
  q.offset = 4;
  EXPECT_EQ(w.engine->box(q)->items.size(), 1u);
  // a week later every review is overdue
  w.advance_days(7);
  q.offset = 0;
  q.limit = 20;
  q.overdue_only = true;
  auto overdue = w.engine->box(q);
  EXPECT_EQ(overdue->total, 5);
  EXPECT_TRUE(overdue->items[0].overdue);
  EXPECT_LT(overdue->items[0].working_days_left, 0);
  auto counts = w.engine->counts("liu");
  EXPECT_EQ(counts->todo, 5);
  EXPECT_EQ(counts->overdue, 5);
  // zhang: started 6, done 5; filter by process
  wf::Engine::BoxQuery started;
  started.account = "zhang";
  started.box = wf::Engine::Box::started;
  EXPECT_EQ(w.engine->box(started)->total, 6);
  started.process_key = "parallel";
  auto one = w.engine->box(started);
  ASSERT_EQ(one->total, 1);
  EXPECT_EQ(one->items[0].step, "拟稿");
  wf::Engine::BoxQuery done;
  done.account = "zhang";
  done.box = wf::Engine::Box::done;
  EXPECT_EQ(w.engine->box(done)->total, 5);
  // copies
  ASSERT_TRUE(w.engine->copy_to(p.id, {"chen", "sun"}, "请知悉", w.actor("zhang")));
  EXPECT_EQ(w.engine->copy_to(p.id, {"ghost"}, "", w.actor("zhang")).error().key,
            "workflow.account.unknown");
  wf::Engine::BoxQuery copied;
  copied.account = "chen";
  copied.box = wf::Engine::Box::copied;
  auto c = w.engine->box(copied);
  ASSERT_EQ(c->total, 1);
  EXPECT_TRUE(c->items[0].unread);
  EXPECT_EQ(w.engine->counts("chen")->copied_unread, 1);
  ASSERT_TRUE(w.engine->mark_copy_read(p.id, "chen"));
  EXPECT_EQ(w.engine->counts("chen")->copied_unread, 0);
  EXPECT_TRUE(*w.engine->involved(p.id, "chen"));
  EXPECT_FALSE(*w.engine->involved(p.id, "zhou"));
  EXPECT_TRUE(*w.engine->involved(ids[0], "liu"));
}

TEST_F(WorkflowEngine, ATimerThatCannotFireDoesNotHoldUpTheOthers) {
  w.deploy(bpmn("stuck", kStart +
                             "<bpmn:intermediateCatchEvent id=\"cool\"><bpmn:timerEventDefinition>"
                             "<bpmn:timeDuration>PT1H</bpmn:timeDuration></"
                             "bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>\n"
                             "<bpmn:exclusiveGateway id=\"x\"/>\n" +
                             ut("a", "甲", "yiwang:assignee=\"liu\"") + kEnd +
                             flow("f1", "start", "cool") + flow("f2", "cool", "x") +
                             flow("fa", "x", "a", "${n == 1}") +
                             flow("fe", "x", "end", "${n == 2}") + flow("f3", "a", "end")));
  auto poisoned = w.start("stuck", "zhang", {{"n", 3}});
  auto fine = w.start("stuck", "zhang", {{"n", 1}});
  w.advance(std::chrono::hours(2));
  EXPECT_EQ(*w.engine->fire_due_timers(), 1);
  EXPECT_EQ(w.all_open_at(fine.id, "a").size(), 1u);
  EXPECT_EQ(w.engine->pending_timers(poisoned.id)->size(), 1u) << "left to try again";
}

// ---- what other modules build on ----

TEST_F(WorkflowEngine, EachDecisionIsRecordedUnderItsNode) {
  w.deploy(
      bpmn("dec", kStart + "<bpmn:parallelGateway id=\"fork\"/>" +
                      ut("a", "甲审查", "yiwang:assignee=\"liu\" yiwang:outcomes=\"同意,不同意\"") +
                      ut("b", "乙审查",
                         "yiwang:assignee=\"wang\" yiwang:outcomes=\"退回,准予\" "
                         "yiwang:approveOutcome=\"准予\"") +
                      "<bpmn:parallelGateway id=\"join\"/>" +
                      ut("after", "汇总", "yiwang:assignee=\"zhang\"") + kEnd +
                      flow("f1", "start", "fork") + flow("f2", "fork", "a") +
                      flow("f3", "fork", "b") + flow("f4", "a", "join") + flow("f5", "b", "join") +
                      flow("f6", "join", "after") + flow("f7", "after", "end")));
  auto i = w.start("dec", "zhang");
  w.complete(w.open_at(i.id, "a").id, "liu", "不同意", "材料不全");
  w.complete(w.open_at(i.id, "b").id, "wang", "准予");
  auto vars = (*w.engine->instance(i.id))->variables;
  ASSERT_TRUE(vars["decisions"].is_object());
  EXPECT_EQ(vars["decisions"]["a"]["outcome"], "不同意");
  EXPECT_EQ(vars["decisions"]["a"]["approved"], false);
  EXPECT_EQ(vars["decisions"]["a"]["by"], "liu");
  EXPECT_EQ(vars["decisions"]["a"]["opinion"], "材料不全");
  EXPECT_EQ(vars["decisions"]["b"]["outcome"], "准予");
  EXPECT_EQ(vars["decisions"]["b"]["approved"], true);
  // A task without outcomes records no decision.
  w.complete(w.open_at(i.id, "after").id, "zhang");
  EXPECT_FALSE((*w.engine->instance(i.id))->variables["decisions"].contains("after"));
}

TEST_F(WorkflowEngine, AStartOnBehalfWritesItsRecordInTheSameTransaction) {
  w.deploy(bpmn("behalf", kStart + ut("handle", "办理", "yiwang:assignee=\"liu\"") + kEnd +
                              flow("f1", "start", "handle") + flow("f2", "handle", "end")));
  *w.db->acquire() << "CREATE TABLE test_cases (instance_id BIGINT, number TEXT)";
  wf::Engine::StartInput in;
  in.process_key = "behalf";
  in.before_run = [](soci::session& s, wf::Instance& i) {
    std::string number = "SQ-" + std::to_string(i.id);
    s << "INSERT INTO test_cases (instance_id, number) VALUES (:i, :n)", soci::use(i.id),
        soci::use(number);
    i.business_key = number;
    i.variables["case"] = number;
  };
  // Someone who is not a civil servant: refused, unless on behalf.
  auto citizen = w.actor("citizen.zhang");
  auto refused = w.engine->start(in, citizen);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().key, "workflow.account.unknown");
  citizen.on_behalf = true;
  auto started = w.engine->start(in, citizen);
  ASSERT_TRUE(started) << started.error().key;
  auto stored = *w.engine->instance(started->id);
  EXPECT_EQ(stored->business_key, "SQ-" + std::to_string(started->id));
  EXPECT_EQ(stored->variables["case"], stored->business_key);
  EXPECT_EQ(stored->starter, "citizen.zhang");
  // A callback that refuses rolls the whole start back.
  long long before = 0, after = 0;
  *w.db->acquire() << "SELECT COUNT(*) FROM wf_instances", soci::into(before);
  in.before_run = [](soci::session& s, wf::Instance& i) {
    s << "INSERT INTO test_cases (instance_id, number) VALUES (:i, 'x')", soci::use(i.id);
    throw wf::Fault(yiwang::Error("test.refused", "case"));
  };
  auto failed = w.engine->start(in, citizen);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().key, "test.refused");
  *w.db->acquire() << "SELECT COUNT(*) FROM wf_instances", soci::into(after);
  EXPECT_EQ(after, before);
  long long rows = 0;
  *w.db->acquire() << "SELECT COUNT(*) FROM test_cases", soci::into(rows);
  EXPECT_EQ(rows, 1);
}

TEST_F(WorkflowEngine, AMessagesChangeCommitsWithIt) {
  w.deploy(bpmn("msg2",
                kStart +
                    "<bpmn:intermediateCatchEvent id=\"wait\"><bpmn:messageEventDefinition "
                    "messageRef=\"m\"/></bpmn:intermediateCatchEvent>\n" +
                    ut("next", "继续", "yiwang:assignee=\"liu\"") + kEnd +
                    flow("f1", "start", "wait") + flow("f2", "wait", "next") +
                    flow("f3", "next", "end"),
                "<bpmn:message id=\"m\" name=\"corrected\"/>"));
  auto i = w.start("msg2", "zhang");
  *w.db->acquire() << "CREATE TABLE test_marks (n INTEGER)";
  auto refused = w.engine->message(i.id, "corrected", {}, w.actor("zhang"), [](soci::session& s) {
    s << "INSERT INTO test_marks (n) VALUES (1)";
    throw wf::Fault(yiwang::Error("test.refused"));
  });
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().key, "test.refused");
  EXPECT_TRUE(w.all_open_at(i.id, "next").empty());
  ASSERT_TRUE(w.engine->message(i.id, "corrected", {}, w.actor("zhang"), [](soci::session& s) {
    s << "INSERT INTO test_marks (n) VALUES (2)";
  }));
  EXPECT_EQ(w.all_open_at(i.id, "next").size(), 1u);
  int n = 0;
  *w.db->acquire() << "SELECT SUM(n) FROM test_marks", soci::into(n);
  EXPECT_EQ(n, 2);
}
