// Signing in and out, on the intranet (civil servants and the three
// administrators) and on the internet (citizens and enterprises): the
// sign-in form (with its CSRF token and a `next` page to return to), the
// second-factor step (/signin/code: an authenticator code or a recovery
// code), sign-out, and the workbench home of the intranet.
#pragma once

#include "http/router.hpp"
#include "identity/services.hpp"

namespace yiwang::identity {

// Registers GET/POST /signin, GET/POST /signin/code and POST /signout on the
// zone; on the intranet also GET / (the workbench home).
void register_signin_routes(http::Router& router, Services& s, http::Zone zone);

// Registers GET and POST /account/password on the zone: the signed-in user
// changes their password (forced after a one-time password or when it has
// expired); all their sessions end and this browser gets a new one.
void register_password_routes(http::Router& router, Services& s, http::Zone zone);

}  // namespace yiwang::identity
