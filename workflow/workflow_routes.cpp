#include "workflow/workflow_routes.hpp"

#include "workflow/permissions.hpp"
#include "workflow/workflow_pages.hpp"

namespace yiwang::workflow {

void register_workflow_routes(http::Router& router, WorkflowServices& services) {
  register_inbox_routes(router, services);
  register_task_routes(router, services);
  register_task_action_routes(router, services);
  register_instance_routes(router, services);
  register_start_routes(router, services);
  register_process_admin_routes(router, services);
  register_definition_routes(router, services);
  register_workflow_api(router, services);
}

void add_workflow_nav(render::PageRenderer& pages) {
  const auto zone = http::Zone::intranet;
  pages.add_nav(
      {zone, std::string(http::kSignedIn), kInboxPath, "workflow.pages.nav.inbox", {"staff"}});
  pages.add_nav({zone, perm::kInstanceStart, "/workflow/start", "workflow.pages.nav.start"});
  pages.add_nav(
      {zone, perm::kInstanceManage, "/workflow/admin/instances", "workflow.pages.nav.admin"});
  pages.add_nav({zone, perm::kDefinitionManage, "/admin/workflow/definitions",
                 "workflow.pages.nav.definitions"});
}

}  // namespace yiwang::workflow
