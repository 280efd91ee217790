// Turns a handler's page model into a full HTML response in the layout of the
// request's zone (layouts/portal for the internet zone, layouts/workbench for
// the intranet and exchange zones), and renders error pages (HTML, or JSON for
// /api/ paths). Every page gets: the site block for header and footer, the
// language and a link to the other language, the request id and the page
// title. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "http/request.hpp"
#include "http/response.hpp"
#include "render/site.hpp"
#include "render/templates.hpp"

namespace yiwang::render {

// A link of the navigation bar, shown to those who hold its permission
// ("signed-in" for everyone signed in) and, when `kinds` is not empty, whose
// account kind is one of them (e.g. {"staff"}: the inbox, not the three
// administrators, who hold no tasks).
struct NavItem {
  http::Zone zone;
  std::string permission;
  std::string href;
  std::string label_key;
  std::vector<std::string> kinds = {};
};

class PageRenderer {
 public:
  PageRenderer(std::shared_ptr<const Templates> templates, const Site& site)
      : templates_(std::move(templates)), site_(site) {}

  // Renders template `name` in the zone's layout. `title_key` is a catalogue
  // key for the <title> and <h1>.
  http::Response page(const http::Request& req, std::string_view name, std::string_view title_key,
                      const nlohmann::json& model, int status = 200) const;

  // A page with forms: adds the CSRF token to the model as "csrf" and sets its
  // cookie when the browser has none yet.
  http::Response form_page(const http::Request& req, std::string_view name,
                           std::string_view title_key, nlohmann::json model,
                           int status = 200) const;

  // What the user is told about an error: its message in the request's
  // language; internal failures ("db.*") are logged and told generically.
  std::string user_message(const http::Request& req, const Error& error) const;

  // Adds a navigation link (before the server starts).
  void add_nav(NavItem item) { nav_.push_back(std::move(item)); }

  // An error page for a status, with the message of a catalogue key and its
  // parameters.
  http::Response error(const http::Request& req, int status, std::string_view key,
                       const std::map<std::string, std::string>& params = {}) const;

  // A JSON error body {"error":{"status","code","message","field","request_id"}}.
  http::Response json_error(const http::Request& req, int status, const Error& error) const;

  // Text of a catalogue key in the request's language.
  std::string text(const http::Request& req, std::string_view key) const;

  const Templates& templates() const { return *templates_; }
  const Catalogue& catalogue() const { return templates_->catalogue(); }

 private:
  nlohmann::json base_model(const http::Request& req, std::string_view title_key) const;

  std::shared_ptr<const Templates> templates_;
  const Site& site_;
  std::vector<NavItem> nav_;
};

// The layout template of a zone.
std::string_view layout_for(http::Zone zone);

}  // namespace yiwang::render
