// Mustache templates from web/templates, rendered with a JSON model.
//
// A template's name is its path below web/templates without ".mustache"
// (e.g. "portal/home"); every template is also a partial under that name
// ({{> partials/footer}}). Values are HTML-escaped unless written {{{…}}}.
// `{{#t}}catalogue.key{{/t}}` inserts the catalogue text in the page's
// language. Templates are read once at start-up; render() is safe from any
// thread (each thread keeps its own parsed copies).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "core/error.hpp"
#include "render/catalogue.hpp"

namespace yiwang::render {

class Templates {
 public:
  // Reads every *.mustache below dir; fails naming a template that does not
  // parse.
  static Result<std::shared_ptr<const Templates>> load(const std::filesystem::path& dir,
                                                       const Catalogue& catalogue);

  bool has(std::string_view name) const;
  // Renders one template. Throws std::out_of_range for an unknown name (a
  // programming error).
  std::string render(std::string_view name, const nlohmann::json& model,
                     std::string_view lang) const;
  // Renders `name`, then the layout template with the result as {{{content}}}
  // and the same model.
  std::string render_page(std::string_view layout, std::string_view name, nlohmann::json model,
                          std::string_view lang) const;

  const Catalogue& catalogue() const { return catalogue_; }

 private:
  Templates(const Catalogue& c) : catalogue_(c) {}
  const Catalogue& catalogue_;
  std::map<std::string, std::string, std::less<>> sources_;
  std::uint64_t id_ = 0;  // tells thread-local caches of different instances apart
};

}  // namespace yiwang::render
