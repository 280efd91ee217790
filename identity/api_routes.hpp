// The identity engine's JSON API, /api/v1/identity/… (described in
// docs/api/openapi.json). Every route declares its permission like a page;
// state-changing calls made with a session cookie carry X-CSRF-Token, whose
// value GET /api/v1/identity/me returns.
#pragma once

#include "http/router.hpp"
#include "identity/services.hpp"

namespace yiwang::identity {

void register_identity_api(http::Router& router, Services& s);

}  // namespace yiwang::identity
