// Small pieces the portal's page files share when they build template
// models: numbers from forms and paths, optional text, text as paragraphs,
// and errors at their fields.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "http/request.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::portal {

// A whole number as typed, or 0 when it is not one.
long long number_of(std::string_view text);

// Sections of the templates show for any string, even an empty one: what may
// be empty is given as null instead.
nlohmann::json null_if_empty(const std::string& text);

// Text of several lines as paragraphs [{"text": line}], blank lines dropped
// (the template escapes them).
nlohmann::json lines_of(const std::string& text);

// Errors for a form: "errors" (the first message of each field), "error_list"
// ([{field, message}] for the summary linking to #f-<field>) and "has_errors";
// an error without a field counts under `no_field`.
void add_field_errors(const render::PageRenderer& pages, const http::Request& req,
                      const std::vector<Error>& errors, nlohmann::json& model,
                      const std::string& no_field = "form");

// The generic 500 page, the error logged.
http::Response internal_error(const render::PageRenderer& pages, const http::Request& req,
                              const Error& error);

}  // namespace yiwang::portal
