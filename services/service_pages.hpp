// Pieces the online-services pages share (services/*_pages.cpp).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "http/request.hpp"
#include "http/response.hpp"
#include "services/service_routes.hpp"

namespace yiwang::services {

// The signed-in citizen or enterprise as an applicant; nothing for anyone else.
std::optional<Applicant> applicant_of(ServicePages& p, const http::Request& req);
http::Response applicants_only(ServicePages& p, const http::Request& req);
http::Response internal_error(ServicePages& p, const http::Request& req);
bool is_internal(const Error& e);

// The item version a case was made from (nothing if it cannot be read).
std::optional<ServiceItem> item_of_case(ServicePages& p, const CaseRecord& c);

std::string case_state_text(const render::PageRenderer& pages, const http::Request& req,
                            CaseState s);
// A case for people: number, item, subject, state in words, dates in China
// time, the decision, what is missing, and the running clocks
// ({"name", "limit", "used", "left", "over", "due", "state", …}).
nlohmann::json case_summary(ServicePages& p, const http::Request& req, const CaseRecord& c);
// The case's form values read-only (forms::read_model), file links under file_base.
nlohmann::json values_model(ServicePages& p, const http::Request& req, const CaseRecord& c,
                            const std::string& file_base);
// One of the case's files (req param "ref"), shown in the browser; 404 when
// the case has no such file.
http::Response case_file(ServicePages& p, const http::Request& req, const CaseRecord& c);

// The licences' routes (services/licence_pages.cpp).
void register_licence_routes(http::Router& router, ServicePages& p);

// The intranet's route for a case's materials (services/handling_pages.cpp).
void register_handling_routes(http::Router& router, ServicePages& p);

}  // namespace yiwang::services
