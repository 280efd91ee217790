// The public pages of 互动交流 (外网 zone); they work without JavaScript:
//   /letters                  published letters with their answers, by kind
//                             (?kind=mayor|consult|complaint), paged; cached
//   /letters/{id}             a published letter and its answer; cached
//   /letters/write            write a letter (?kind=); signed in: the name is
//                             the account's; anonymous where the kind allows.
//                             POST: errors at their fields with everything
//                             typed kept; the rate limit (no CAPTCHA) keeps it
//                             too; success shows the query code once
//   /letters/query            the query code → the state (待审查 / 待处理 /
//                             已处理 / 不予受理), the answer and, once
//                             answered, the rating form (POST /letters/rate)
//   /api/v1/letters, /api/v1/letters/{id}   the published letters as JSON
#pragma once

#include <chrono>

#include <nlohmann/json.hpp>

#include "http/router.hpp"
#include "portal/portal.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::portal {

void register_letter_routes(http::Router& router, const render::PageRenderer& pages,
                            Portal& portal);

// A letter as the pages show it (public and intranet): kind, states, dates,
// the body and answer as lines, the escalations. `writer` adds who wrote it
// and how to reach them (staff only).
nlohmann::json letter_view(const render::PageRenderer& pages, const http::Request& req,
                           Portal& portal, const Letter& l, std::chrono::sys_days today,
                           bool writer);

// The kinds as options of a select, `chosen` marked.
nlohmann::json letter_kind_options(const http::Request& req, const LetterRules& rules,
                                   const std::string& chosen);

}  // namespace yiwang::portal
