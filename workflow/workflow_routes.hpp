// The workflow module's pages and JSON API, all on the intranet:
//   /workflow/inbox                civil servants: 待办 / 已办 / 我发起的 / 抄送我的
//   /workflow/tasks/{id}…          a task and what the viewer may do with it
//                                  (完成, 签收, 转办, 委派, 交回, 退回, 驳回, 撤回,
//                                  加签); only for those involved in its instance
//   /workflow/instances/{id}…      an instance: history, open tasks, diagram, 抄送
//   /workflow/start                staff with workflow.instance.start
//   /workflow/admin/…              process administrators (workflow.instance.manage,
//                                  within the organ scope of the starter's organ)
//   /admin/workflow/definitions…   系统管理员: upload, validate and deploy BPMN files
//   /api/v1/workflow/…             the same for programs (docs/api/openapi.json)
// Pages for civil servants refuse the three administrators (403); an instance
// or task the viewer may not see is "not found", exactly like one that does
// not exist.
#pragma once

#include "http/router.hpp"
#include "identity/services.hpp"
#include "render/page_renderer.hpp"
#include "workflow/engine.hpp"
#include "workflow/task_forms.hpp"

namespace yiwang::workflow {

struct WorkflowServices {
  identity::Services& identity;
  Engine& engine;
  TaskForms& forms;
};

void register_workflow_routes(http::Router& router, WorkflowServices& services);

// The navigation links: 待办事项 (civil servants), 发起流程
// (workflow.instance.start) and 流程监控 (workflow.instance.manage).
void add_workflow_nav(render::PageRenderer& pages);

}  // namespace yiwang::workflow
