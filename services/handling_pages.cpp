// The intranet side of a case: the business forms of its task pages and its
// materials for those involved in its process.
#include <sstream>

#include "services/registry_steps.hpp"
#include "services/service_pages.hpp"

namespace yiwang::services {

namespace {

std::string handling_href(const std::string& number) { return "/services/handling/" + number; }

// The case a task's instance runs for.
Result<std::optional<CaseRecord>> case_of(ServicePages& p, const workflow::Instance& instance) {
  if (instance.business_key.empty()) return std::optional<CaseRecord>();
  return p.online.cases().find(instance.business_key);
}

// The model both forms share: the case, its clocks and its form read-only.
Result<nlohmann::json> task_model(ServicePages& p, const workflow::TaskFormContext& ctx) {
  auto c = case_of(p, ctx.instance);
  if (!c) return std::unexpected(c.error());
  if (!*c)
    return std::unexpected(
        Error("services.case.not_found", "case", {{"number", ctx.instance.business_key}}));
  nlohmann::json model = case_summary(p, ctx.req, **c);
  model["form"] = values_model(p, ctx.req, **c, handling_href((*c)->number) + "/files/");
  model["editable"] = ctx.editable;
  // What the cross-check against the base registries found (registry.check_applicant).
  const auto& vars = ctx.instance.variables;
  if (vars.contains("applicant_check") && vars["applicant_check"].is_object()) {
    const auto& check = vars["applicant_check"];
    model["check"] = {{"ok", check.value("active", false)},
                      {"text", applicant_check_text(ctx.pages.catalogue(), ctx.req.lang,
                                                    (*c)->applicant_code, check)}};
    if (!check.value("active", false) && vars.contains("reason") && vars["reason"].is_string())
      model["reason"] = vars["reason"];
  }
  if (auto item = item_of_case(p, **c)) {
    nlohmann::json materials = nlohmann::json::array();
    int i = 0;
    for (const auto& m : item->materials)
      materials.push_back({{"id", "svc-missing-" + std::to_string(i++)}, {"name", m.name}});
    model["materials"] = materials;
    model["has_materials"] = !materials.empty();
  }
  return model;
}

// Lines of a textarea, trimmed, empty ones dropped.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    std::size_t start = line.find_first_not_of(' ');
    if (start != std::string::npos) out.push_back(line.substr(start));
  }
  return out;
}

}  // namespace

void register_case_task_forms(workflow::TaskForms& forms, ServicePages& p) {
  forms.add("services.accept",
            {.render = [&p](const workflow::TaskFormContext& ctx) -> Result<std::string> {
               auto model = task_model(p, ctx);
               if (!model) return std::unexpected(model.error());
               return ctx.pages.templates().render("services/task_accept", *model, ctx.req.lang);
             },
             .read = [](const workflow::TaskFormContext&,
                        const http::FormData& form) -> Result<nlohmann::json> {
               nlohmann::json missing = nlohmann::json::array();
               for (auto m : form.all("missing")) missing.push_back(std::string(m));
               for (const auto& line : lines_of(form.value("missing_other")))
                 missing.push_back(line);
               return nlohmann::json{{"missing", missing},
                                     {"correction_note", form.value("correction_note")},
                                     {"reason", form.value("reason")}};
             }});
  forms.add("services.review",
            {.render = [&p](const workflow::TaskFormContext& ctx) -> Result<std::string> {
               auto model = task_model(p, ctx);
               if (!model) return std::unexpected(model.error());
               return ctx.pages.templates().render("services/task_review", *model, ctx.req.lang);
             },
             .read = {}});
}

void register_handling_routes(http::Router& router, ServicePages& p) {
  router.add({.method = "GET",
              .pattern = "/services/handling/{number}/files/{ref}",
              .zone = http::Zone::intranet,
              .permission = std::string(http::kSignedIn),
              .handler = [&p](http::Request& req) {
                auto c = p.online.cases().find(req.param("number"));
                if (!c) return internal_error(p, req);
                if (!*c)
                  return p.identity.pages.error(req, 404, "services.case.not_found",
                                                {{"number", req.param("number")}});
                auto involved = p.engine.involved((*c)->instance_id, req.principal->name);
                if (!involved) return internal_error(p, req);
                if (!*involved)
                  return p.identity.pages.error(req, 404, "services.case.not_found",
                                                {{"number", req.param("number")}});
                return case_file(p, req, **c);
              }});
}

}  // namespace yiwang::services
