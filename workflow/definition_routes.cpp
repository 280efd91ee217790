// The system administrator's process definitions (configuration, 系统管理员
// only: workflow.definition.manage): the deployed processes with how many
// instances run and have finished, each process's versions with their
// diagrams and BPMN files, and the upload of a BPMN file — "check only",
// which lists every problem with the element it concerns, or "deploy", which
// makes it the new version (audited by the engine).
#include <algorithm>
#include <cctype>

#include "identity/services.hpp"
#include "workflow/bpmn_parser.hpp"
#include "workflow/diagram_svg.hpp"
#include "workflow/permissions.hpp"
#include "workflow/workflow_pages.hpp"

namespace yiwang::workflow {

namespace {

constexpr const char* kBase = "/admin/workflow/definitions";

std::string key_href(const std::string& key) { return std::string(kBase) + "/" + key; }

// Process keys are letters, digits and _ . - (the parser's rule); anything
// else in a URL names no process.
bool plausible_key(const std::string& key) {
  if (key.empty() || key.size() > 64) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

bool ends_with_ci(const std::string& text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[text.size() - suffix.size() + i])) !=
        suffix[i])
      return false;
  return true;
}

// What the upload form reports.
struct Upload {
  std::string filename;
  std::vector<Error> problems;
  bool checked = false;          // "check only" found nothing wrong
  const Error* error = nullptr;  // the file itself (missing, too large, wrong type)
};

nlohmann::json problem_rows(WorkflowServices& s, const http::Request& req,
                            const std::vector<Error>& problems) {
  const auto& catalogue = s.identity.pages.catalogue();
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& p : problems)
    rows.push_back({{"element", p.field},
                    {"has_element", !p.field.empty()},
                    {"message", catalogue.text(req.lang, p.key, p.params)},
                    {"code", p.key}});
  return rows;
}

http::Response list_page(WorkflowServices& s, const http::Request& req, const Upload* upload,
                         int status = 200) {
  const auto& pages = s.identity.pages;
  auto definitions = s.engine.definitions();
  if (!definitions) return internal(s, req);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& d : *definitions)
    rows.push_back({{"key", d.key},
                    {"href", key_href(d.key)},
                    {"name", d.name},
                    {"version", d.version},
                    {"deployed_by", person_text(s, req, d.deployed_by)},
                    {"deployed_at", identity::local_time(d.deployed_at)},
                    {"running", d.running},
                    {"finished", d.finished}});
  nlohmann::json model = {{"rows", rows}, {"has_rows", !rows.empty()}};
  if (upload) {
    nlohmann::json result = {{"filename", upload->filename},
                             {"problems", problem_rows(s, req, upload->problems)},
                             {"has_problems", !upload->problems.empty()},
                             {"count", upload->problems.size()},
                             {"checked", upload->checked}};
    if (!upload->problems.empty())
      result["summary"] = pages.catalogue().text(
          req.lang, "workflow.pages.definitions.problems",
          {{"n", std::to_string(upload->problems.size())}, {"file", upload->filename}});
    if (upload->checked)
      result["summary"] = pages.catalogue().text(req.lang, "workflow.pages.definitions.valid",
                                                 {{"file", upload->filename}});
    if (upload->error) {
      model["errors"]["upload"]["file"] = error_message(s, req, *upload->error);
      model["failed_upload"] = true;
    } else {
      model["result"] = result;
    }
  }
  return pages.form_page(req, "workflow/definitions", "workflow.pages.definitions.title", model,
                         status);
}

http::Response upload(WorkflowServices& s, http::Request& req) {
  const auto& pages = s.identity.pages;
  auto form = req.form();
  if (!form) return pages.error(req, form.error().status, form.error().key);
  const http::UploadedFile* file = form->file("file");
  Upload u;
  Error refused;
  if (file) u.filename = file->filename;
  if (!file || file->data.empty())
    refused = Error("workflow.pages.upload.no_file", "file");
  else if (file->data.size() > kMaxBpmnBytes)
    refused = Error("workflow.pages.upload.too_large", "file", {{"max", "4 MiB"}});
  else if (!ends_with_ci(file->filename, ".bpmn") && !ends_with_ci(file->filename, ".xml"))
    refused = Error("workflow.pages.upload.bad_type", "file", {{"file", file->filename}});
  if (!refused.key.empty()) {
    u.error = &refused;
    return list_page(s, req, &u, 400);
  }
  u.problems = s.engine.validate(file->data);
  bool deploy = form->value("action") == "deploy";
  if (!u.problems.empty()) return list_page(s, req, &u, deploy ? 400 : 200);
  if (!deploy) {
    u.checked = true;
    return list_page(s, req, &u);
  }
  // Whether the file only repeats the latest version (no new version then).
  int latest = 0;
  if (auto parsed = parse_bpmn(file->data)) {
    auto versions = s.engine.versions(parsed->key);
    if (!versions) return internal(s, req);
    if (!versions->empty()) latest = versions->front().version;
  }
  auto deployed = s.engine.deploy(file->data, actor_of(req));
  if (!deployed) {
    if (is_internal(deployed.error())) return internal(s, req);
    u.problems = {deployed.error()};
    return list_page(s, req, &u, 400);
  }
  bool unchanged = deployed->version == latest;
  return http::Response::redirect(
      key_href(deployed->key) + "?done=" + (unchanged ? "unchanged" : "deployed"), 303);
}

http::Response key_page(WorkflowServices& s, const http::Request& req) {
  const auto& pages = s.identity.pages;
  std::string key = req.param("key");
  auto not_found = [&] {
    return pages.error(req, 404, "workflow.definition.unknown_key", {{"key", key}});
  };
  if (!plausible_key(key)) return not_found();
  auto versions = s.engine.versions(key);
  if (!versions) return internal(s, req);
  if (versions->empty()) return not_found();
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& d : *versions) {
    std::string v = std::to_string(d.version);
    rows.push_back({{"version", d.version},
                    {"name", d.name},
                    {"deployed_by", person_text(s, req, d.deployed_by)},
                    {"deployed_at", identity::local_time(d.deployed_at)},
                    {"running", d.running},
                    {"finished", d.finished},
                    {"diagram_href", key_href(key) + "/" + v + "/diagram.svg"},
                    {"xml_href", key_href(key) + "/" + v + ".bpmn"}});
  }
  const DefinitionInfo& latest = versions->front();
  auto model_def = s.engine.model(latest.id);
  if (!model_def) return internal(s, req);
  DiagramMarks marks;
  marks.label = latest.name;
  nlohmann::json model = {{"key", key},
                          {"name", latest.name},
                          {"latest", latest.version},
                          {"rows", rows},
                          {"diagram", render_diagram_svg(**model_def, marks)},
                          {"base", kBase}};
  if (auto notice = flash(pages, req)) model["notice"] = *notice;
  return pages.page(req, "workflow/definition", "workflow.pages.definition.title", model);
}

// The version a URL names, e.g. "3" of /…/{key}/3/diagram.svg or /…/{key}/3.bpmn.
std::optional<DefinitionInfo> version_of(WorkflowServices& s, const std::string& key,
                                         std::string_view version, bool& failed) {
  failed = false;
  if (!plausible_key(key) || version.empty() || version.size() > 9) return std::nullopt;
  for (char c : version)
    if (c < '0' || c > '9') return std::nullopt;
  int n = std::stoi(std::string(version));
  auto versions = s.engine.versions(key);
  if (!versions) {
    failed = true;
    return std::nullopt;
  }
  for (const auto& d : *versions)
    if (d.version == n) return d;
  return std::nullopt;
}

}  // namespace

void register_definition_routes(http::Router& router, WorkflowServices& s) {
  const auto zone = http::Zone::intranet;
  const std::string manage = perm::kDefinitionManage;
  router.add({.method = "GET",
              .pattern = kBase,
              .zone = zone,
              .permission = manage,
              .handler = [&s](http::Request& req) { return list_page(s, req, nullptr); }});
  router.add({.method = "POST",
              .pattern = kBase,
              .zone = zone,
              .permission = manage,
              .handler = [&s](http::Request& req) { return upload(s, req); }});
  router.add({.method = "GET",
              .pattern = std::string(kBase) + "/{key}",
              .zone = zone,
              .permission = manage,
              .handler = [&s](http::Request& req) { return key_page(s, req); }});
  router.add({.method = "GET",
              .pattern = std::string(kBase) + "/{key}/{file}",
              .zone = zone,
              .permission = manage,
              .handler = [&s](http::Request& req) {
                std::string key = req.param("key"), file = req.param("file");
                auto not_found = [&] { return s.identity.pages.error(req, 404, "http.not_found"); };
                if (!file.ends_with(".bpmn")) return not_found();
                bool failed = false;
                auto d =
                    version_of(s, key, std::string_view(file).substr(0, file.size() - 5), failed);
                if (failed) return internal(s, req);
                if (!d) return not_found();
                auto xml = s.engine.definition_xml(d->id);
                if (!xml) return internal(s, req);
                return download(std::move(*xml), "application/xml; charset=utf-8",
                                key + "-v" + std::to_string(d->version) + ".bpmn");
              }});
  router.add({.method = "GET",
              .pattern = std::string(kBase) + "/{key}/{version}/diagram.svg",
              .zone = zone,
              .permission = manage,
              .handler = [&s](http::Request& req) {
                bool failed = false;
                auto d = version_of(s, req.param("key"), req.param("version"), failed);
                if (failed) return internal(s, req);
                if (!d) return s.identity.pages.error(req, 404, "http.not_found");
                auto m = s.engine.model(d->id);
                if (!m) return internal(s, req);
                DiagramMarks marks;
                marks.label = d->name;
                return svg_response(render_diagram_svg(**m, marks));
              }});
}

}  // namespace yiwang::workflow
