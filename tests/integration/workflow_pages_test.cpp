// The workflow module's pages and JSON API, driven over HTTP through the real
// application as civil servants and the system administrator use them:
// deploying a BPMN file through the upload form (checking lists every
// problem), starting a process, finding the task in the assignee's inbox,
// the task page with its diagram, completing with an outcome and an opinion,
// what a user is told when input is wrong (next to the field, what was typed
// kept), two people completing the same task (409 naming who and when), who
// may see what (a stranger gets the 404 of a task that does not exist),
// CSRF, hostile text, 撤回 and 退回, the process administrators' reassign
// and terminate (audited), and the API end to end.
#include <regex>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/demo_city.hpp"
#include "http/percent_encoding.hpp"
#include "identity/services.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/permissions.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

const std::string kCsrf(64, 'f');
const char* kStaffPassword = "Staff-Pass-2026";

audit::AuditEvent by(const std::string& account) {
  return {.account = account, .organ = "-", .source = "test"};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

int count_of(const std::string& text, const std::string& part) {
  int n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size()))
    ++n;
  return n;
}

// 请假审批: 科长审核 (li.si, three working days) → 主任审批 (zhou.ba) → end.
std::string leave_bpmn(const std::string& name = "请假审批") {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:yiwang="http://yiwang.gov.cn/schema/bpmn" id="Definitions_qingjia"
    targetNamespace="http://yiwang.gov.cn/bpmn">
  <bpmn:process id="qingjia" name=")" +
         name + R"(" isExecutable="true">
    <bpmn:startEvent id="start" name="提出申请"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="review" name="科长审核" yiwang:assignee="li.si" yiwang:outcomes="同意,不同意" yiwang:due="P3WD">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="approve" name="主任审批" yiwang:assignee="zhou.ba" yiwang:outcomes="批准,不批准">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end" name="结束"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="approve"/>
    <bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
)";
}

// 会议通知: one task any of three candidates may claim.
const char* kClaimBpmn = R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:yiwang="http://yiwang.gov.cn/schema/bpmn" id="Definitions_huiyi"
    targetNamespace="http://yiwang.gov.cn/bpmn">
  <bpmn:process id="huiyi" name="会议通知" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="arrange" name="安排会场" yiwang:candidateUsers="li.si,wang.wu">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="arrange"/>
    <bpmn:sequenceFlow id="f2" sourceRef="arrange" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
)";

// Two problems at once: a flow to a node that does not exist and a due date
// that is no duration.
const char* kBrokenBpmn = R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:yiwang="http://yiwang.gov.cn/schema/bpmn" id="Definitions_cuowu"
    targetNamespace="http://yiwang.gov.cn/bpmn">
  <bpmn:process id="cuowu" name="有错的流程" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Task_Bad_Due" name="办理" yiwang:assignee="li.si" yiwang:due="下周五">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>Flow_Nowhere</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_Bad_Due"/>
    <bpmn:sequenceFlow id="Flow_Nowhere" sourceRef="Task_Bad_Due" targetRef="Missing_Node"/>
  </bpmn:process>
</bpmn:definitions>
)";

class WorkflowPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    auto& app = server_->app();
    auto admins = app.accounts().create_administrators(by("test"));
    ASSERT_TRUE(admins);
    for (const auto& a : *admins)
      ASSERT_TRUE(app.accounts().change_password(a.account.id, a.one_time_password,
                                                 "Admin-Pass-2026", app.password_policy(),
                                                 by(a.account.name)));
    ASSERT_TRUE(app::load_demo_organs(app.organs(), by("test")));
    auto top = app.organs().children(std::nullopt);
    auto subs = app.organs().children(top->front().id);
    organ_a_ = (*subs)[0].id;
    organ_b_ = (*subs)[1].id;

    auto starter = app.roles().create_role({"流程发起人", "", {workflow::perm::kInstanceStart}},
                                           by("secadmin"));
    ASSERT_TRUE(starter) << starter.error().key;
    auto manager = app.roles().create_role({"流程管理员", "", {workflow::perm::kInstanceManage}},
                                           by("secadmin"));
    ASSERT_TRUE(manager) << manager.error().key;
    long long zhang = staff("zhang.san", "张三", organ_a_);
    staff("li.si", "李四", organ_a_);
    staff("wang.wu", "王五", organ_a_);
    staff("zhou.ba", "周八", organ_a_);
    long long zhao = staff("zhao.liu", "赵六", organ_b_);
    long long qian = staff("qian.qi", "钱七", organ_b_);
    ASSERT_TRUE(app.roles().grant(zhang, starter->id, organ_a_, false, by("secadmin")));
    // 赵六 administers the processes started in A; 钱七 those of B only.
    ASSERT_TRUE(app.roles().grant(zhao, manager->id, organ_a_, false, by("secadmin")));
    ASSERT_TRUE(app.roles().grant(qian, manager->id, organ_b_, false, by("secadmin")));
    app.authorizer().clear_cache();
  }

  long long staff(const std::string& name, const std::string& display, long long organ) {
    auto& app = server_->app();
    auto a = app.accounts().create_staff({.name = name, .display_name = display, .organ_id = organ},
                                         by("sysadmin"));
    EXPECT_TRUE(a) << a.error().key;
    if (!a) return 0;
    EXPECT_TRUE(app.accounts().change_password(a->account.id, a->one_time_password, kStaffPassword,
                                               app.password_policy(), by(name)));
    return a->account.id;
  }

  std::string session(const std::string& name) {
    auto it = sessions_.find(name);
    if (it != sessions_.end()) return it->second;
    return sessions_[name] = test::start_session(server_->app(), name);
  }

  HttpResult get(const std::string& who, const std::string& target) {
    return server_->get(Zone::intranet, target, test::session_cookies(session(who), kCsrf));
  }

  HttpResult post(const std::string& who, const std::string& target,
                  const std::vector<std::pair<std::string, std::string>>& fields = {}) {
    return test::post_form(*server_, Zone::intranet, target, session(who), kCsrf, fields);
  }

  HttpResult upload(const std::string& action, const std::string& xml,
                    const std::string& filename = "qingjia.bpmn", bool csrf = true) {
    return test::post_multipart(
        *server_, Zone::intranet, "/admin/workflow/definitions", session("sysadmin"), kCsrf,
        {{.name = "action", .data = action},
         {.name = "file", .data = xml, .filename = filename, .content_type = "application/xml"}},
        csrf);
  }

  HttpResult api(const std::string& who, const std::string& method, const std::string& target,
                 const std::string& body = "", const std::string& type = "application/json") {
    auto headers = test::session_cookies(session(who), kCsrf);
    if (method != "GET") {
      headers["X-CSRF-Token"] = kCsrf;
      headers["Content-Type"] = type;
    }
    return server_->request(Zone::intranet, method, target, body, headers);
  }

  void deploy(const std::string& xml, const std::string& filename = "qingjia.bpmn") {
    auto r = upload("deploy", xml, filename);
    ASSERT_EQ(r.status, 303) << r.body;
  }

  // Starts 请假审批 as 张三 through the page; the instance id.
  long long start(const std::string& title = "张三请假三天") {
    auto r = post("zhang.san", "/workflow/start",
                  {{"process_key", "qingjia"}, {"title", title}, {"business_key", "QJ-2026-001"}});
    EXPECT_EQ(r.status, 303) << r.body;
    std::smatch m;
    std::string location = r.header("location");
    static const std::regex re(R"(^/workflow/instances/(\d+)\?done=started$)");
    EXPECT_TRUE(std::regex_match(location, m, re)) << location;
    return m.empty() ? 0 : std::stoll(m[1]);
  }

  workflow::Task open_at(long long instance, const std::string& node) {
    auto tasks = server_->app().workflow().open_tasks(instance);
    EXPECT_TRUE(tasks);
    if (tasks)
      for (const auto& t : *tasks)
        if (t.node_id == node) return t;
    ADD_FAILURE() << "no open task at " << node;
    return {};
  }

  std::string task_path(long long id, const std::string& tail = "") {
    return "/workflow/tasks/" + std::to_string(id) + tail;
  }
  std::string instance_path(long long id, const std::string& tail = "") {
    return "/workflow/instances/" + std::to_string(id) + tail;
  }

  long long audit_count(const std::string& event) {
    long long n = 0;
    *server_->app().database().acquire() << "SELECT COUNT(*) FROM audit_records WHERE event = :e",
        soci::use(event), soci::into(n);
    return n;
  }

  std::unique_ptr<TestServer> server_;
  long long organ_a_ = 0, organ_b_ = 0;
  std::map<std::string, std::string> sessions_;
};

}  // namespace

TEST_F(WorkflowPagesTest, SystemAdministratorChecksAndDeploysABpmnFile) {
  // The page, with nothing deployed yet.
  auto page = get("sysadmin", "/admin/workflow/definitions");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(contains(page.body, "enctype=\"multipart/form-data\""));
  EXPECT_TRUE(contains(page.body, "name=\"action\" value=\"validate\""));
  // The system administrator's navigation leads here; a civil servant's does not.
  EXPECT_TRUE(contains(page.body,
                       "href=\"/admin/workflow/definitions\" aria-current=\"page\">流程定义</a>"));
  EXPECT_FALSE(
      contains(get("zhang.san", "/workflow/inbox").body, "href=\"/admin/workflow/definitions\""));

  // "Check only" on a broken file lists every problem with its element.
  auto checked = upload("validate", kBrokenBpmn, "cuowu.bpmn");
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_TRUE(contains(checked.body, "<code>Task_Bad_Due</code>"));
  EXPECT_TRUE(contains(checked.body, "<code>Flow_Nowhere</code>"));
  EXPECT_TRUE(contains(checked.body, "cuowu.bpmn"));
  auto problems = server_->app().workflow().validate(kBrokenBpmn);
  EXPECT_GE(problems.size(), 2u);
  EXPECT_GE(count_of(checked.body, "<tr><td>"), static_cast<int>(problems.size()));
  // Deploying it is refused with the same list; nothing is deployed.
  auto refused = upload("deploy", kBrokenBpmn, "cuowu.bpmn");
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(contains(refused.body, "<code>Flow_Nowhere</code>"));
  EXPECT_TRUE(server_->app().workflow().definitions()->empty());

  // A good file checked: no problem, still nothing deployed.
  auto good = upload("validate", leave_bpmn());
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_TRUE(contains(good.body, "role=\"status\""));
  EXPECT_TRUE(server_->app().workflow().definitions()->empty());
  // Deployed: a new version, listed, audited by the engine.
  auto deployed = upload("deploy", leave_bpmn());
  ASSERT_EQ(deployed.status, 303) << deployed.body;
  EXPECT_EQ(deployed.header("location"), "/admin/workflow/definitions/qingjia?done=deployed");
  EXPECT_EQ(audit_count("workflow.definition.deployed"), 1);
  auto same = upload("deploy", leave_bpmn());
  EXPECT_EQ(same.header("location"), "/admin/workflow/definitions/qingjia?done=unchanged");
  auto v2 = upload("deploy", leave_bpmn("请假审批（新版）"));
  EXPECT_EQ(v2.header("location"), "/admin/workflow/definitions/qingjia?done=deployed");

  auto list = get("sysadmin", "/admin/workflow/definitions");
  EXPECT_TRUE(contains(list.body, "请假审批（新版）"));
  EXPECT_TRUE(contains(list.body, "href=\"/admin/workflow/definitions/qingjia\""));
  auto versions = get("sysadmin", "/admin/workflow/definitions/qingjia");
  ASSERT_EQ(versions.status, 200) << versions.body;
  EXPECT_TRUE(contains(versions.body, "/admin/workflow/definitions/qingjia/1.bpmn"));
  EXPECT_TRUE(contains(versions.body, "/admin/workflow/definitions/qingjia/2/diagram.svg"));
  EXPECT_TRUE(contains(versions.body, "<svg"));
  auto xml = get("sysadmin", "/admin/workflow/definitions/qingjia/1.bpmn");
  ASSERT_EQ(xml.status, 200);
  EXPECT_EQ(xml.body, leave_bpmn());
  EXPECT_TRUE(contains(xml.header("content-disposition"), "qingjia-v1.bpmn"));
  auto svg = get("sysadmin", "/admin/workflow/definitions/qingjia/2/diagram.svg");
  ASSERT_EQ(svg.status, 200);
  EXPECT_TRUE(contains(svg.header("content-type"), "image/svg+xml"));
  EXPECT_EQ(get("sysadmin", "/admin/workflow/definitions/qingjia/9.bpmn").status, 404);
  EXPECT_EQ(get("sysadmin", "/admin/workflow/definitions/nosuch").status, 404);
  EXPECT_EQ(get("sysadmin", "/admin/workflow/definitions/%3Cscript%3E").status, 404);

  // The file itself: missing, not a BPMN file name, too large; the field is named.
  auto none =
      test::post_multipart(*server_, Zone::intranet, "/admin/workflow/definitions",
                           session("sysadmin"), kCsrf, {{.name = "action", .data = "deploy"}});
  EXPECT_EQ(none.status, 400);
  EXPECT_TRUE(contains(none.body, "id=\"u-file-error\""));
  auto exe = upload("validate", leave_bpmn(), "virus.exe");
  EXPECT_EQ(exe.status, 400);
  EXPECT_TRUE(contains(exe.body, "流程文件："));
  auto big = upload("validate", std::string(4 * 1024 * 1024 + 1, ' '));
  EXPECT_EQ(big.status, 400);
  EXPECT_TRUE(contains(big.body, "4 MiB"));

  // Without the CSRF field, and by anyone but the system administrator: refused.
  EXPECT_EQ(upload("deploy", leave_bpmn("别的名字"), "qingjia.bpmn", false).status, 403);
  EXPECT_EQ(get("zhang.san", "/admin/workflow/definitions").status, 403);
  EXPECT_EQ(get("secadmin", "/admin/workflow/definitions").status, 403);
  EXPECT_EQ(server_->app().workflow().versions("qingjia")->size(), 2u);
}

TEST_F(WorkflowPagesTest, StartFindInTheInboxOpenAndComplete) {
  deploy(leave_bpmn());
  // The start page offers the deployed process.
  auto form = get("zhang.san", "/workflow/start");
  ASSERT_EQ(form.status, 200) << form.body;
  EXPECT_TRUE(contains(form.body, "<option value=\"qingjia\">请假审批</option>"));
  EXPECT_EQ(get("li.si", "/workflow/start").status, 403);  // no workflow.instance.start

  long long instance = start();
  ASSERT_GT(instance, 0);
  auto started = get("zhang.san", instance_path(instance) + "?done=started");
  ASSERT_EQ(started.status, 200) << started.body;
  EXPECT_TRUE(contains(started.body, "流程已发起"));
  EXPECT_TRUE(contains(started.body, "张三请假三天"));
  EXPECT_TRUE(contains(started.body, "QJ-2026-001"));

  // 李四's inbox: the task, unread, with its due date in working days.
  auto inbox = get("li.si", "/workflow/inbox");
  ASSERT_EQ(inbox.status, 200) << inbox.body;
  auto task = open_at(instance, "review");
  EXPECT_TRUE(contains(inbox.body, "href=\"" + task_path(task.id) + "\">张三请假三天</a>"));
  EXPECT_TRUE(contains(inbox.body, "aria-current=\"page\">待办 <span class=\"wf-count\">1</span>"));
  EXPECT_TRUE(contains(inbox.body, "未读"));
  EXPECT_TRUE(contains(inbox.body, "剩余 3 个工作日") || contains(inbox.body, "剩余 2 个工作日") ||
              contains(inbox.body, "剩余 4 个工作日"))
      << "due in three working days";
  EXPECT_TRUE(contains(inbox.body, "href=\"/workflow/inbox\" aria-current=\"page\">待办事项</a>"))
      << "the navigation entry";
  // 张三's: started by him, nothing to do.
  auto mine = get("zhang.san", "/workflow/inbox?box=started");
  EXPECT_TRUE(contains(mine.body, "href=\"" + instance_path(instance) + "\">张三请假三天</a>"));
  EXPECT_TRUE(contains(mine.body, "科长审核"));
  EXPECT_TRUE(contains(get("zhang.san", "/workflow/inbox").body, "没有待办事项"));

  // The task page: facts, the diagram with the current step, the forms.
  auto page = get("li.si", task_path(task.id));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_TRUE(contains(page.body, "<svg"));
  EXPECT_TRUE(std::regex_search(
      page.body,
      std::regex("class=\"wf-element [^\"]*wf-current[^\"]*\" data-element-id=\"review\"")))
      << "the current step is marked";
  EXPECT_TRUE(std::regex_search(
      page.body, std::regex("class=\"wf-element [^\"]*wf-done[^\"]*\" data-element-id=\"start\"")));
  EXPECT_TRUE(contains(page.body, "action=\"" + task_path(task.id, "/complete") + "\""));
  EXPECT_TRUE(contains(page.body, "name=\"outcome\" value=\"同意\""));
  EXPECT_TRUE(contains(page.body,
                       "name=\"expected_version\" value=\"" + std::to_string(task.version) + "\""));
  EXPECT_TRUE(contains(page.body, "<legend>办理结果</legend>"));
  EXPECT_TRUE(contains(page.body, "action=\"" + task_path(task.id, "/delegate") + "\""));
  EXPECT_TRUE(contains(page.body, "action=\"" + task_path(task.id, "/delegate-for-return") + "\""));
  EXPECT_TRUE(contains(page.body, "action=\"" + instance_path(instance, "/copy") + "\""));
  EXPECT_FALSE(contains(page.body, "/send-back\""));  // the first step has no previous one
  // The business section: the default view of the variables (none here).
  EXPECT_TRUE(contains(page.body, "该流程没有业务数据"));
  // Opened by the assignee: read now.
  EXPECT_FALSE(server_->app().workflow().task(task.id)->value().read_at.empty());
  EXPECT_FALSE(contains(get("li.si", "/workflow/inbox").body, "wf-unread-tag"));
  // Others involved see the page without the forms.
  auto starter_view = get("zhang.san", task_path(task.id));
  ASSERT_EQ(starter_view.status, 200);
  EXPECT_FALSE(contains(starter_view.body, "/complete\""));

  // Completed with an outcome and an opinion: back to the inbox with a message.
  auto done = post("li.si", task_path(task.id, "/complete"),
                   {{"outcome", "同意"},
                    {"opinion", "情况属实，同意。"},
                    {"expected_version", std::to_string(task.version)}});
  ASSERT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(done.header("location"), "/workflow/inbox?done=completed");
  EXPECT_TRUE(contains(get("li.si", done.header("location")).body, "已提交"));
  auto next = open_at(instance, "approve");
  EXPECT_EQ(next.assignee, "zhou.ba");
  EXPECT_TRUE(contains(get("zhou.ba", "/workflow/inbox").body, "主任审批"));
  // 李四's done box lists it; the history says who did what.
  EXPECT_TRUE(contains(get("li.si", "/workflow/inbox?box=done").body, "情况属实") ||
              contains(get("li.si", "/workflow/inbox?box=done").body, "同意"));
  auto history = get("zhang.san", instance_path(instance));
  ASSERT_EQ(history.status, 200);
  EXPECT_TRUE(contains(history.body, "<td>办理</td><td>李四（li.si）</td><td>同意</td>"));
  EXPECT_TRUE(contains(history.body, "情况属实，同意。"));
  EXPECT_TRUE(contains(history.body, "<td>发起</td><td>张三（zhang.san）</td>"));
  EXPECT_TRUE(std::regex_search(
      history.body,
      std::regex("class=\"wf-element [^\"]*wf-current[^\"]*\" data-element-id=\"approve\"")));
  auto svg = get("zhang.san", instance_path(instance, "/diagram.svg"));
  ASSERT_EQ(svg.status, 200);
  EXPECT_TRUE(contains(svg.header("content-type"), "image/svg+xml"));
  EXPECT_TRUE(contains(svg.body, "data-element-id=\"approve\""));
  // 周八 approves: the instance ends.
  auto last = post("zhou.ba", task_path(next.id, "/complete"), {{"outcome", "批准"}});
  ASSERT_EQ(last.status, 303) << last.body;
  EXPECT_EQ(server_->app().workflow().instance(instance)->value().state,
            workflow::InstanceState::completed);
  EXPECT_TRUE(contains(get("zhang.san", instance_path(instance)).body, "已办结"));
}

TEST_F(WorkflowPagesTest, WrongInputIsToldAtItsFieldAndKept) {
  deploy(leave_bpmn());
  long long instance = start();
  auto task = open_at(instance, "review");
  // No outcome: the form again, the field named, the opinion kept.
  auto missing = post("li.si", task_path(task.id, "/complete"), {{"opinion", "请补充病假证明"}});
  ASSERT_EQ(missing.status, 400) << missing.body;
  EXPECT_TRUE(
      contains(missing.body, "id=\"c-outcome-error\">办理结果：请选择办理结果：同意/不同意"));
  EXPECT_TRUE(contains(missing.body, ">请补充病假证明</textarea>"));
  // An outcome the step does not offer.
  auto unknown = post("li.si", task_path(task.id, "/complete"), {{"outcome", "随便"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_TRUE(contains(unknown.body, "办理结果“随便”无效"));
  // 2001 characters of opinion: refused at its field, nothing done.
  std::string long_opinion;
  for (int i = 0; i < 2001; ++i) long_opinion += "意";
  auto too_long = post("li.si", task_path(task.id, "/complete"),
                       {{"outcome", "同意"}, {"opinion", long_opinion}});
  EXPECT_EQ(too_long.status, 400);
  EXPECT_TRUE(contains(too_long.body, "id=\"c-opinion-error\">意见："));
  EXPECT_TRUE(contains(too_long.body, "value=\"同意\" checked"));
  EXPECT_EQ(server_->app().workflow().task(task.id)->value().state, workflow::TaskState::open);
  // 转办 to someone who does not exist: at the recipient's field, typed kept.
  auto nobody =
      post("li.si", task_path(task.id, "/delegate"), {{"to", "no.such"}, {"opinion", "请代办"}});
  EXPECT_EQ(nobody.status, 400);
  EXPECT_TRUE(contains(nobody.body, "id=\"d-to-error\">接收人账号：账号“no.such”不存在"));
  EXPECT_TRUE(contains(nobody.body, "value=\"no.such\""));
  auto self = post("li.si", task_path(task.id, "/delegate"), {{"to", "li.si"}});
  EXPECT_TRUE(contains(self.body, "不能转办或委派给自己"));
  // 抄送 to nobody.
  auto copy = post("li.si", instance_path(instance, "/copy"),
                   {{"accounts", ""}, {"task", std::to_string(task.id)}});
  EXPECT_EQ(copy.status, 400);
  EXPECT_TRUE(contains(copy.body, "id=\"y-accounts-error\">抄送人：请填写账号"));

  // Done once; the second submission (another tab) is told who and when.
  ASSERT_EQ(post("li.si", task_path(task.id, "/complete"), {{"outcome", "同意"}}).status, 303);
  auto again = post("li.si", task_path(task.id, "/complete"), {{"outcome", "不同意"}});
  EXPECT_EQ(again.status, 409);
  auto handled = server_->app().workflow().task(task.id)->value();
  std::string when = identity::local_time(handled.completed_at);
  EXPECT_TRUE(contains(again.body, "已由 李四（li.si） 于 " + when + " 办理")) << again.body;
  EXPECT_EQ(handled.outcome, "同意");
  // A stale page (version changed by a 转办 meanwhile): 409.
  auto next = open_at(instance, "approve");
  ASSERT_EQ(post("zhou.ba", task_path(next.id, "/delegate"), {{"to", "wang.wu"}}).status, 303);
  auto stale = post("wang.wu", task_path(next.id, "/complete"),
                    {{"outcome", "批准"}, {"expected_version", std::to_string(next.version)}});
  EXPECT_EQ(stale.status, 409);
  EXPECT_TRUE(contains(stale.body, "请刷新后再办理"));
}

TEST_F(WorkflowPagesTest, StrangersAndAdministratorsSeeNothing) {
  deploy(leave_bpmn());
  long long instance = start();
  auto task = open_at(instance, "review");
  // 王五 is not involved: the same 404 as a task that does not exist.
  auto stranger = get("wang.wu", task_path(task.id));
  auto missing = get("wang.wu", task_path(999999));
  EXPECT_EQ(stranger.status, 404);
  EXPECT_EQ(missing.status, 404);
  EXPECT_FALSE(contains(stranger.body, "张三请假三天"));
  EXPECT_EQ(get("wang.wu", instance_path(instance)).status, 404);
  EXPECT_EQ(get("wang.wu", instance_path(instance, "/diagram.svg")).status, 404);
  EXPECT_EQ(post("wang.wu", task_path(task.id, "/complete"), {{"outcome", "同意"}}).status, 404);
  EXPECT_EQ(api("wang.wu", "GET", "/api/v1/workflow/tasks/" + std::to_string(task.id)).status, 404);
  EXPECT_EQ(api("wang.wu", "GET", "/api/v1/workflow/instances/" + std::to_string(instance)).status,
            404);
  for (const char* bad : {"x1", "0", "-1", "1e3"})
    EXPECT_EQ(get("li.si", std::string("/workflow/tasks/") + bad).status, 404) << bad;
  // The process administrator of B does not see A's instance; A's does.
  EXPECT_EQ(get("qian.qi", instance_path(instance)).status, 404);
  EXPECT_EQ(get("zhao.liu", instance_path(instance)).status, 200);
  EXPECT_EQ(get("zhao.liu", task_path(task.id)).status, 404);  // tasks: those involved only
  // The three administrators hold no tasks.
  for (const char* admin : {"sysadmin", "secadmin", "auditadmin"}) {
    EXPECT_EQ(get(admin, "/workflow/inbox").status, 403) << admin;
    EXPECT_FALSE(contains(get(admin, "/admin/workflow/definitions").body, ">待办事项</a>"));
    EXPECT_EQ(api(admin, "GET", "/api/v1/workflow/tasks").status, 403) << admin;
  }
  // Without the CSRF field: refused, nothing done.
  auto headers = test::session_cookies(session("li.si"), kCsrf);
  headers["Content-Type"] = "application/x-www-form-urlencoded";
  auto forged = server_->request(Zone::intranet, "POST", task_path(task.id, "/complete"),
                                 "outcome=%E5%90%8C%E6%84%8F", headers);
  EXPECT_EQ(forged.status, 403);
  auto api_forged = server_->request(
      Zone::intranet, "POST", "/api/v1/workflow/tasks/" + std::to_string(task.id) + "/complete",
      R"({"outcome":"同意"})", test::session_cookies(session("li.si"), kCsrf));
  EXPECT_EQ(api_forged.status, 403);
  EXPECT_EQ(server_->app().workflow().task(task.id)->value().state, workflow::TaskState::open);
}

TEST_F(WorkflowPagesTest, HostileTextIsEscapedOrRefusedWithItsField) {
  deploy(leave_bpmn());
  long long instance = start("<script>alert(1)</script>");
  ASSERT_GT(instance, 0);
  auto task = open_at(instance, "review");
  auto inbox = get("li.si", "/workflow/inbox");
  ASSERT_EQ(inbox.status, 200);
  EXPECT_FALSE(contains(inbox.body, "<script>alert(1)</script>"));
  EXPECT_TRUE(contains(inbox.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  auto page = get("li.si", task_path(task.id));
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(contains(page.body, "<script>alert"));
  // SQL-looking and full-width opinions are stored as typed and shown escaped.
  auto sql = post("li.si", task_path(task.id, "/complete"),
                  {{"outcome", "同意"}, {"opinion", "' OR 1=1 -- ＡＢＣ１２３，全角文字"}});
  ASSERT_EQ(sql.status, 303) << sql.body;
  auto shown = get("zhang.san", instance_path(instance));
  EXPECT_TRUE(contains(shown.body, "&#39; OR 1=1 -- ＡＢＣ１２３，全角文字") ||
              contains(shown.body, "&apos; OR 1=1 -- ＡＢＣ１２３，全角文字"))
      << "escaped";
  // A title too long, an empty title (the process name then), a control character.
  auto long_title = post("zhang.san", "/workflow/start",
                         {{"process_key", "qingjia"}, {"title", std::string(201, 'x')}});
  EXPECT_EQ(long_title.status, 400);
  EXPECT_TRUE(contains(long_title.body, "id=\"s-title-error\">标题："));
  EXPECT_TRUE(contains(long_title.body, "value=\"" + std::string(201, 'x') + "\""));
  auto control =
      post("zhang.san", "/workflow/start", {{"process_key", "qingjia"}, {"title", "a\x01b"}});
  EXPECT_EQ(control.status, 400);
  auto no_process = post("zhang.san", "/workflow/start", {{"title", "x"}});
  EXPECT_EQ(no_process.status, 400);
  EXPECT_TRUE(contains(no_process.body, "id=\"s-process-error\""));
  auto unknown = post("zhang.san", "/workflow/start", {{"process_key", "<b>nope</b>"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_FALSE(contains(unknown.body, "<b>nope</b>"));
  auto empty = post("zhang.san", "/workflow/start", {{"process_key", "qingjia"}, {"title", ""}});
  EXPECT_EQ(empty.status, 303);
  // Hostile filters and ids: never a server error.
  for (const char* q : {"?box=%3Cx%3E", "?process=%27%20OR%201%3D1", "?due_before=2026-13-45",
                        "?organ=-1", "?sort=%3Bdrop", "?page=99999999999"}) {
    auto r = get("li.si", std::string("/workflow/inbox") + q);
    EXPECT_LT(r.status, 500) << q;
    EXPECT_FALSE(contains(r.body, "<x>")) << q;
  }
  auto bad_date = get("li.si", "/workflow/inbox?due_before=2026-13-45");
  EXPECT_EQ(bad_date.status, 400);
  EXPECT_TRUE(contains(bad_date.body, "id=\"f-due-error\""));
}

TEST_F(WorkflowPagesTest, OverdueTasksAreMarkedAndFiltered) {
  deploy(leave_bpmn());
  long long late = start("逾期的申请");
  long long fresh = start("新的申请");
  auto late_task = open_at(late, "review");
  // Its deadline moved into the past.
  *server_->app().database().acquire()
      << "UPDATE wf_tasks SET due_at = '2026-01-05T01:00:00Z' WHERE id = :id",
      soci::use(late_task.id);
  auto inbox = get("li.si", "/workflow/inbox");
  ASSERT_EQ(inbox.status, 200);
  EXPECT_TRUE(contains(inbox.body, "wf-row wf-overdue"));
  EXPECT_TRUE(contains(inbox.body, "<span class=\"tag wf-overdue-tag\">已超期</span>"));
  EXPECT_TRUE(std::regex_search(inbox.body, std::regex("超期 [0-9]+ 个工作日")));
  EXPECT_TRUE(contains(inbox.body, "2026-01-05 09:00"));  // China time
  EXPECT_TRUE(contains(inbox.body, "超期 1"));            // the tab's count
  auto only = get("li.si", "/workflow/inbox?overdue=1");
  EXPECT_TRUE(contains(only.body, "逾期的申请"));
  EXPECT_FALSE(contains(only.body, "新的申请"));
  auto before = get("li.si", "/workflow/inbox?due_before=2026-02-01");
  EXPECT_TRUE(contains(before.body, "逾期的申请"));
  EXPECT_FALSE(contains(before.body, "新的申请"));
  auto by_process = get("li.si", "/workflow/inbox?process=qingjia&sort=created");
  EXPECT_LT(by_process.body.find("逾期的申请"), by_process.body.find("新的申请"));
  auto newest = get("li.si", "/workflow/inbox?sort=-created");
  EXPECT_LT(newest.body.find("新的申请"), newest.body.find("逾期的申请"));
  (void)fresh;
}

TEST_F(WorkflowPagesTest, WithdrawAndSendBackThroughThePages) {
  deploy(leave_bpmn());
  long long instance = start();
  auto review = open_at(instance, "review");
  ASSERT_EQ(post("li.si", task_path(review.id, "/complete"), {{"outcome", "同意"}}).status, 303);
  // 周八 has not opened it yet: 李四 may take it back, from the done box.
  auto done_box = get("li.si", "/workflow/inbox?box=done");
  EXPECT_TRUE(contains(done_box.body, "action=\"" + task_path(review.id, "/withdraw") + "\""));
  EXPECT_TRUE(contains(get("li.si", instance_path(instance)).body,
                       "action=\"" + task_path(review.id, "/withdraw") + "\""));
  auto withdrawn = post("li.si", task_path(review.id, "/withdraw"));
  ASSERT_EQ(withdrawn.status, 303) << withdrawn.body;
  auto reopened = open_at(instance, "review");
  EXPECT_EQ(withdrawn.header("location"), task_path(reopened.id, "?done=withdrawn"));
  EXPECT_EQ(audit_count("workflow.task.withdrawn"), 1);

  // Again; this time 周八 opens the next step, and the withdrawal is refused.
  ASSERT_EQ(post("li.si", task_path(reopened.id, "/complete"), {{"outcome", "同意"}}).status, 303);
  auto approve = open_at(instance, "approve");
  ASSERT_EQ(get("zhou.ba", task_path(approve.id)).status, 200);
  EXPECT_FALSE(
      contains(get("li.si", "/workflow/inbox?box=done").body, task_path(reopened.id, "/withdraw")));
  auto late = post("li.si", task_path(reopened.id, "/withdraw"));
  EXPECT_EQ(late.status, 409);
  EXPECT_TRUE(contains(late.body, "不能撤回"));

  // 周八 sends it back: an opinion is required, then 李四 has it again.
  auto page = get("zhou.ba", task_path(approve.id));
  EXPECT_TRUE(contains(page.body, "action=\"" + task_path(approve.id, "/send-back") + "\""));
  EXPECT_TRUE(contains(page.body, "提交后直接返回本环节"));
  EXPECT_TRUE(contains(page.body, "<option value=\"review\">科长审核</option>"));
  auto empty = post("zhou.ba", task_path(approve.id, "/send-back"), {{"opinion", " "}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(contains(empty.body, "id=\"b-opinion-error\">意见："));
  auto sent = post("zhou.ba", task_path(approve.id, "/send-back"),
                   {{"opinion", "请补充附件"}, {"resume_here", "1"}});
  ASSERT_EQ(sent.status, 303) << sent.body;
  EXPECT_EQ(sent.header("location"), "/workflow/inbox?done=sent_back");
  auto back = open_at(instance, "review");
  EXPECT_EQ(back.assignee, "li.si");
  EXPECT_TRUE(contains(get("li.si", instance_path(instance)).body, "<td>退回</td>"));
  // 驳回 without a step chosen: told at the field.
  ASSERT_EQ(post("li.si", task_path(back.id, "/complete"), {{"outcome", "同意"}}).status, 303);
  auto again = open_at(instance, "approve");
  auto reject = post("zhou.ba", task_path(again.id, "/reject"), {{"opinion", "重新审核"}});
  EXPECT_EQ(reject.status, 400);
  EXPECT_TRUE(contains(reject.body, "id=\"j-target-error\""));
  auto rejected = post("zhou.ba", task_path(again.id, "/reject"),
                       {{"target", "review"}, {"opinion", "重新审核"}});
  ASSERT_EQ(rejected.status, 303) << rejected.body;
  EXPECT_EQ(open_at(instance, "review").assignee, "li.si");
}

TEST_F(WorkflowPagesTest, ProcessAdministratorsReassignAndTerminateWithAudit) {
  deploy(leave_bpmn());
  long long instance = start();
  auto task = open_at(instance, "review");
  auto list = get("zhao.liu", "/workflow/admin/instances");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(contains(list.body, "张三请假三天"));
  EXPECT_FALSE(contains(get("qian.qi", "/workflow/admin/instances").body, "张三请假三天"));
  EXPECT_EQ(get("li.si", "/workflow/admin/instances").status, 403);
  auto page = get("zhao.liu", instance_path(instance));
  EXPECT_TRUE(
      contains(page.body, "/workflow/admin/tasks/" + std::to_string(task.id) + "/reassign"));

  // Reassign: the reason is required; out of scope is "not found".
  std::string reassign = "/workflow/admin/tasks/" + std::to_string(task.id) + "/reassign";
  auto no_reason = post("zhao.liu", reassign, {{"to", "wang.wu"}, {"reason", ""}});
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_TRUE(contains(no_reason.body, "原因：请填写原因"));
  EXPECT_TRUE(contains(no_reason.body, "value=\"wang.wu\""));
  EXPECT_EQ(post("qian.qi", reassign, {{"to", "wang.wu"}, {"reason", "李四出差"}}).status, 404);
  auto moved = post("zhao.liu", reassign, {{"to", "wang.wu"}, {"reason", "李四出差"}});
  ASSERT_EQ(moved.status, 303) << moved.body;
  EXPECT_EQ(server_->app().workflow().task(task.id)->value().assignee, "wang.wu");
  EXPECT_EQ(audit_count("workflow.task.reassigned"), 1);
  EXPECT_TRUE(contains(get("wang.wu", "/workflow/inbox").body, "张三请假三天"));

  // Suspend and resume from the list, terminate with a reason.
  std::string base = "/workflow/admin/instances/" + std::to_string(instance);
  auto suspended = post("zhao.liu", base + "/suspend", {{"from", "list"}});
  ASSERT_EQ(suspended.status, 303);
  EXPECT_EQ(suspended.header("location"), "/workflow/admin/instances?done=suspended");
  auto blocked = post("wang.wu", task_path(task.id, "/complete"), {{"outcome", "同意"}});
  EXPECT_EQ(blocked.status, 409);
  EXPECT_TRUE(contains(blocked.body, "已被挂起"));
  ASSERT_EQ(post("zhao.liu", base + "/resume", {{"from", "list"}}).status, 303);
  auto no_why = post("zhao.liu", base + "/terminate", {{"reason", ""}});
  EXPECT_EQ(no_why.status, 400);
  EXPECT_TRUE(contains(no_why.body, "id=\"m-terminate-error\">原因：请填写原因"));
  EXPECT_EQ(post("qian.qi", base + "/terminate", {{"reason", "x"}}).status, 404);
  auto ended = post("zhao.liu", base + "/terminate", {{"reason", "申请人撤销申请"}});
  ASSERT_EQ(ended.status, 303) << ended.body;
  EXPECT_EQ(server_->app().workflow().instance(instance)->value().state,
            workflow::InstanceState::terminated);
  EXPECT_EQ(audit_count("workflow.instance.terminated"), 1);
  EXPECT_EQ(audit_count("workflow.instance.suspended"), 1);
  auto after = get("zhang.san", instance_path(instance));
  EXPECT_TRUE(contains(after.body, "申请人撤销申请"));
  EXPECT_TRUE(contains(after.body, "<td>终止</td>"));
}

TEST_F(WorkflowPagesTest, CopiesAndClaims) {
  deploy(leave_bpmn());
  deploy(kClaimBpmn, "huiyi.bpmn");
  long long instance = start();
  auto task = open_at(instance, "review");
  auto copied = post(
      "li.si", instance_path(instance, "/copy"),
      {{"accounts", "wang.wu，zhou.ba"}, {"note", "请知悉"}, {"task", std::to_string(task.id)}});
  ASSERT_EQ(copied.status, 303) << copied.body;
  EXPECT_EQ(copied.header("location"), task_path(task.id, "?done=copied"));
  auto box = get("wang.wu", "/workflow/inbox?box=copied");
  EXPECT_TRUE(contains(box.body, "抄送我的 <span class=\"wf-count\">1</span>"));
  EXPECT_TRUE(contains(box.body, "wf-unread-tag"));
  ASSERT_EQ(get("wang.wu", instance_path(instance)).status, 200);  // a copy makes it visible
  EXPECT_TRUE(contains(get("wang.wu", "/workflow/inbox?box=copied").body,
                       "抄送我的 <span class=\"wf-count\">0</span>"));

  // A task for candidates: claimed, put back, claimed by the other.
  auto r = api("zhang.san", "POST", "/api/v1/workflow/instances",
               R"({"process_key":"huiyi","title":"周例会"})");
  ASSERT_EQ(r.status, 201) << r.body;
  long long meeting = nlohmann::json::parse(r.body)["id"].get<long long>();
  auto arrange = open_at(meeting, "arrange");
  auto offered = get("li.si", task_path(arrange.id));
  EXPECT_TRUE(contains(offered.body, "action=\"" + task_path(arrange.id, "/claim") + "\""));
  EXPECT_FALSE(contains(offered.body, "/complete\""));
  ASSERT_EQ(post("li.si", task_path(arrange.id, "/claim")).status, 303);
  auto taken = post("wang.wu", task_path(arrange.id, "/claim"));
  EXPECT_EQ(taken.status, 409);
  EXPECT_TRUE(contains(taken.body, "已由 李四（li.si） 于"));
  auto put_back = post("li.si", task_path(arrange.id, "/unclaim"));
  EXPECT_EQ(put_back.status, 303);
  EXPECT_EQ(post("wang.wu", task_path(arrange.id, "/claim")).status, 303);
  EXPECT_EQ(server_->app().workflow().task(arrange.id)->value().assignee, "wang.wu");
}

TEST_F(WorkflowPagesTest, JsonApiEndToEnd) {
  // Deploying through the API: problems are 422 with all of them.
  auto bad =
      api("sysadmin", "POST", "/api/v1/workflow/definitions", kBrokenBpmn, "application/xml");
  ASSERT_EQ(bad.status, 422) << bad.body;
  auto problems = nlohmann::json::parse(bad.body);
  EXPECT_GE(problems["problems"].size(), 2u);
  EXPECT_EQ(problems["error"]["status"], 422);
  auto not_xml =
      api("sysadmin", "POST", "/api/v1/workflow/definitions", leave_bpmn(), "text/plain");
  EXPECT_EQ(not_xml.status, 415);
  auto ok =
      api("sysadmin", "POST", "/api/v1/workflow/definitions", leave_bpmn(), "application/xml");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(nlohmann::json::parse(ok.body)["version"], 1);
  EXPECT_EQ(
      api("zhang.san", "POST", "/api/v1/workflow/definitions", leave_bpmn(), "application/xml")
          .status,
      403);
  auto defs = api("zhang.san", "GET", "/api/v1/workflow/definitions");
  ASSERT_EQ(defs.status, 200);
  EXPECT_EQ(nlohmann::json::parse(defs.body)["definitions"][0]["key"], "qingjia");

  // Start, list the todo box, complete, read the history.
  auto started = api("zhang.san", "POST", "/api/v1/workflow/instances",
                     R"({"process_key":"qingjia","title":"API 请假","business_key":"QJ-9",
                         "variables":{"days":3,"reason":"探亲"}})");
  ASSERT_EQ(started.status, 201) << started.body;
  auto instance = nlohmann::json::parse(started.body);
  EXPECT_EQ(instance["state"], "running");
  EXPECT_EQ(instance["variables"]["days"], 3);
  ASSERT_EQ(instance["open_tasks"].size(), 1u);
  long long id = instance["id"].get<long long>();
  auto todo = api("li.si", "GET", "/api/v1/workflow/tasks?box=todo&process=qingjia&limit=5");
  ASSERT_EQ(todo.status, 200) << todo.body;
  auto page = nlohmann::json::parse(todo.body);
  EXPECT_EQ(page["total"], 1);
  long long task = page["items"][0]["task_id"].get<long long>();
  EXPECT_EQ(page["items"][0]["title"], "API 请假");
  EXPECT_TRUE(page["items"][0]["working_days_left"].is_number_integer());
  auto one = api("li.si", "GET", "/api/v1/workflow/tasks/" + std::to_string(task));
  ASSERT_EQ(one.status, 200);
  auto t = nlohmann::json::parse(one.body);
  EXPECT_EQ(t["outcomes"], nlohmann::json::array({"同意", "不同意"}));
  std::string complete = "/api/v1/workflow/tasks/" + std::to_string(task) + "/complete";
  auto stale = api("li.si", "POST", complete,
                   R"({"outcome":"同意","expected_version":)" +
                       std::to_string(t["version"].get<long long>() + 7) + "}");
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(nlohmann::json::parse(stale.body)["error"]["code"], "workflow.task.changed");
  auto no_outcome = api("li.si", "POST", complete, R"({"opinion":"x"})");
  EXPECT_EQ(no_outcome.status, 400);
  EXPECT_EQ(nlohmann::json::parse(no_outcome.body)["error"]["field"], "outcome");
  EXPECT_EQ(api("li.si", "POST", complete, "not json").status, 400);
  auto done = api(
      "li.si", "POST", complete,
      R"({"outcome":"同意","opinion":"同意。","variables":{"approved_days":3},"expected_version":)" +
          std::to_string(t["version"].get<long long>()) + "}");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(nlohmann::json::parse(done.body)["state"], "completed");
  auto twice = api("li.si", "POST", complete, R"({"outcome":"同意"})");
  EXPECT_EQ(twice.status, 409);
  auto error = nlohmann::json::parse(twice.body)["error"];
  EXPECT_EQ(error["code"], "workflow.task.already_handled");
  EXPECT_TRUE(contains(error["message"].get<std::string>(), "李四（li.si）"));
  EXPECT_TRUE(std::regex_search(error["message"].get<std::string>(),
                                std::regex("20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}")));
  auto history =
      api("zhang.san", "GET", "/api/v1/workflow/instances/" + std::to_string(id) + "/history");
  ASSERT_EQ(history.status, 200);
  auto h = nlohmann::json::parse(history.body)["history"];
  ASSERT_GE(h.size(), 2u);
  EXPECT_EQ(h[0]["action"], "started");
  EXPECT_EQ(h[1]["action"], "completed");
  EXPECT_EQ(h[1]["outcome"], "同意");
  EXPECT_EQ(h[1]["actor"], "li.si");
  auto now = api("zhang.san", "GET", "/api/v1/workflow/instances/" + std::to_string(id));
  auto inst = nlohmann::json::parse(now.body);
  EXPECT_EQ(inst["variables"]["approved_days"], 3);
  EXPECT_EQ(inst["open_tasks"][0]["node_id"], "approve");
  auto done_box = api("li.si", "GET", "/api/v1/workflow/tasks?box=done");
  EXPECT_EQ(nlohmann::json::parse(done_box.body)["total"], 1);

  // Bad parameters name themselves; no session is 401.
  auto bad_box = api("li.si", "GET", "/api/v1/workflow/tasks?box=all");
  EXPECT_EQ(bad_box.status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad_box.body)["error"]["field"], "box");
  EXPECT_EQ(api("li.si", "GET", "/api/v1/workflow/tasks?limit=500").status, 400);
  EXPECT_EQ(server_->get(Zone::intranet, "/api/v1/workflow/tasks").status, 401);
  auto no_key = api("zhang.san", "POST", "/api/v1/workflow/instances", R"({"title":"x"})");
  EXPECT_EQ(no_key.status, 400);
  EXPECT_EQ(nlohmann::json::parse(no_key.body)["error"]["field"], "process_key");
  auto unknown =
      api("zhang.san", "POST", "/api/v1/workflow/instances", R"({"process_key":"nope"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(
      api("li.si", "POST", "/api/v1/workflow/instances", R"({"process_key":"qingjia"})").status,
      403);
}

TEST_F(WorkflowPagesTest, EveryHistoryActionHasWordsInBothLanguages) {
  const auto& catalogue = server_->app().catalogue();
  for (const char* action :
       {"started",  "completed",  "claimed",    "unclaimed", "delegated",    "delegated_for_return",
        "resolved", "sent_back",  "rejected",   "withdrawn", "signer_added", "suspended",
        "resumed",  "terminated", "reassigned", "reminded",  "escalated",    "timer",
        "message",  "signal",     "copied",     "ended"})
    for (const char* lang : {"zh-CN", "en"})
      EXPECT_TRUE(catalogue.has(lang, std::string("workflow.pages.action.") + action))
          << lang << " " << action;
}

// A textarea sends line breaks as CR LF: the engine keeps them (as LF).
TEST_F(WorkflowPagesTest, EngineAcceptsMultiLineOpinions) {
  deploy(leave_bpmn());
  long long instance = start();
  auto task = open_at(instance, "review");
  workflow::Actor actor;
  actor.account = "li.si";
  actor.name = "李四";
  workflow::Engine::CompleteInput in;
  in.outcome = "同意";
  in.opinion = "第一行\r\n第二行";
  auto r = server_->app().workflow().complete(task.id, in, actor);
  ASSERT_TRUE(r) << r.error().key;
  EXPECT_EQ(r->opinion, "第一行\n第二行");
}
