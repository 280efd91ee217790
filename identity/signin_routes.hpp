// The office workbench's sign-in page on the intranet zone. This part draws
// the form (with its CSRF token); checking the account and password, second
// factors and sessions belong to the identity engine built on top of it.
#pragma once

#include "http/router.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::identity {

// Registers GET / (to the sign-in page) and GET /signin on the intranet zone.
void register_signin_routes(http::Router& router, const render::PageRenderer& pages);

}  // namespace yiwang::identity
