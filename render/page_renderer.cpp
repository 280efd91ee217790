#include "render/page_renderer.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "http/csrf.hpp"
#include "http/percent_encoding.hpp"

namespace yiwang::render {

std::string_view layout_for(http::Zone zone) {
  return zone == http::Zone::internet ? "layouts/portal" : "layouts/workbench";
}

namespace {
// A decoded path encoded again segment by segment, '/' kept.
std::string encode_path(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    auto slash = path.find('/', start);
    out += http::percent_encode(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

// The same URL with lang=<other> in place of any lang parameter.
std::string switch_language_url(const http::Request& req, std::string_view lang) {
  std::string query;
  for (const auto& [k, v] : req.query.fields()) {
    if (k == "lang") continue;
    if (!query.empty()) query += '&';
    query += http::percent_encode(k) + "=" + http::percent_encode(v);
  }
  if (!query.empty()) query += '&';
  query += "lang=" + std::string(lang);
  return encode_path(req.path) + "?" + query;
}
}  // namespace

nlohmann::json PageRenderer::base_model(const http::Request& req,
                                        std::string_view title_key) const {
  SiteInfo s = site_.get();
  nlohmann::json m;
  m["site"] = {
      {"name", s.name},
      {"code", s.code},
      {"icp", s.icp_record},
      {"police_record", s.police_record},
      {"has_filings", !s.code.empty() || !s.icp_record.empty() || !s.police_record.empty()}};
  // Chinese names on English pages are marked as Chinese (WCAG 3.1.2).
  bool ascii = std::all_of(s.name.begin(), s.name.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  m["site"]["name_lang"] = ascii ? "en" : "zh-CN";
  m["lang"] = req.lang;
  m["html_lang"] = req.lang == "en" ? "en" : "zh-CN";
  bool en = req.lang == "en";
  m["other_lang"] = {{"code", en ? "zh-CN" : "en"},
                     {"label", en ? "中文" : "English"},
                     {"html_lang", en ? "zh-CN" : "en"},
                     {"url", switch_language_url(req, en ? "zh-CN" : "en")}};
  m["request_id"] = req.request_id;
  m["title"] = catalogue().text(req.lang, title_key);
  m["zone"] = std::string(http::zone_name(req.zone));
  m["path"] = req.path;
  // Who is signed in, and the links they may follow.
  if (req.principal && req.principal->stage == "full") {
    m["user"] = {{"display_name", req.principal->display_name},
                 {"kind", catalogue().text(req.lang, "identity.kind." + req.principal->kind)}};
    nlohmann::json nav = nlohmann::json::array();
    for (const auto& item : nav_) {
      if (item.zone != req.zone) continue;
      if (item.permission != "signed-in" && !req.principal->holds(item.permission)) continue;
      if (!item.kinds.empty() &&
          std::find(item.kinds.begin(), item.kinds.end(), req.principal->kind) == item.kinds.end())
        continue;
      bool current = item.href == "/" ? req.path == "/" : req.path.starts_with(item.href);
      nav.push_back({{"href", item.href},
                     {"label", catalogue().text(req.lang, item.label_key)},
                     {"current", current}});
    }
    m["has_nav"] = !nav.empty();
    m["nav"] = nav;
  }
  if (!s.base_url.empty()) m["canonical"] = s.base_url + encode_path(req.path);
  return m;
}

http::Response PageRenderer::page(const http::Request& req, std::string_view name,
                                  std::string_view title_key, const nlohmann::json& model,
                                  int status) const {
  nlohmann::json m = base_model(req, title_key);
  if (model.is_object())
    for (auto it = model.begin(); it != model.end(); ++it) m[it.key()] = it.value();
  auto res = http::Response::html(
      templates_->render_page(layout_for(req.zone), name, std::move(m), req.lang), status);
  res.set("Content-Language", req.lang == "en" ? "en" : "zh-CN");
  return res;
}

http::Response PageRenderer::form_page(const http::Request& req, std::string_view name,
                                       std::string_view title_key, nlohmann::json model,
                                       int status) const {
  http::Response cookies;
  model["csrf"] = http::csrf_token(req, cookies);
  http::Response res = page(req, name, title_key, model, status);
  for (auto& h : cookies.headers) res.add(h.first, h.second);
  return res;
}

std::string PageRenderer::user_message(const http::Request& req, const Error& e) const {
  if (e.key.starts_with("db.")) {
    spdlog::error("request {}: {}: {}", req.request_id, e.key,
                  e.params.contains("detail") ? e.params.at("detail") : "");
    return text(req, "http.internal_error");
  }
  return catalogue().message(req.lang, e);
}

http::Response PageRenderer::json_error(const http::Request& req, int status,
                                        const Error& error) const {
  nlohmann::json body = {{"error",
                          {{"status", status},
                           {"code", error.key},
                           {"message", catalogue().message(req.lang, error)},
                           {"request_id", req.request_id}}}};
  if (!error.field.empty()) body["error"]["field"] = error.field;
  return http::Response::json(body.dump(), status);
}

http::Response PageRenderer::error(const http::Request& req, int status, std::string_view key,
                                   const std::map<std::string, std::string>& params) const {
  if (req.path.starts_with("/api/"))
    return json_error(req, status, Error(std::string(key), "", params));
  nlohmann::json m = {
      {"status", status},
      {"message", catalogue().text(req.lang, key, params)},
      {"status_title", catalogue().text(req.lang, "error.status." + std::to_string(status))}};
  try {
    return page(req, "errors/error", "error.status." + std::to_string(status), m, status);
  } catch (const std::exception&) {
    // The error page itself failed: say so plainly rather than fail again.
    return http::Response::text(
        catalogue().text(req.lang, key, params) + "\nrequest id: " + req.request_id + "\n", status);
  }
}

std::string PageRenderer::text(const http::Request& req, std::string_view key) const {
  return catalogue().text(req.lang, key);
}

}  // namespace yiwang::render
