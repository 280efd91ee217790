#include "portal/page_model.hpp"

#include <charconv>

#include "core/text_rules.hpp"

namespace yiwang::portal {

long long number_of(std::string_view text) {
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && end == text.data() + text.size() ? n : 0;
}

nlohmann::json null_if_empty(const std::string& text) {
  return text.empty() ? nlohmann::json() : nlohmann::json(text);
}

nlohmann::json lines_of(const std::string& text) {
  nlohmann::json out = nlohmann::json::array();
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = core::trim_text(std::string_view(text).substr(start, end - start));
    if (!line.empty()) out.push_back({{"text", line}});
    start = end + 1;
  }
  return out;
}

void add_field_errors(const render::PageRenderer& pages, const http::Request& req,
                      const std::vector<Error>& errors, nlohmann::json& model,
                      const std::string& no_field) {
  nlohmann::json by_field = nlohmann::json::object(), list = nlohmann::json::array();
  for (const auto& e : errors) {
    std::string text = pages.user_message(req, e);
    std::string field = e.field.empty() ? no_field : e.field;
    if (!by_field.contains(field)) by_field[field] = text;
    list.push_back({{"field", field}, {"message", text}});
  }
  model["errors"] = by_field;
  model["error_list"] = list;
  model["has_errors"] = !list.empty();
}

http::Response internal_error(const render::PageRenderer& pages, const http::Request& req,
                              const Error& error) {
  (void)pages.user_message(req, error);  // logs it
  return pages.error(req, 500, "http.internal_error");
}

}  // namespace yiwang::portal
