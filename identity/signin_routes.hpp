// Signing in and out of the office workbench (intranet zone): the sign-in
// form (with its CSRF token), the POST that checks it and sets the session
// cookie, the workbench home for a signed-in user, and sign-out.
#pragma once

#include "http/router.hpp"
#include "identity/session_store.hpp"
#include "identity/sign_in.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::identity {

// The session cookie's name.
inline constexpr const char* kSessionCookie = "yw_session";

// Registers GET / (workbench home, or to the sign-in page), GET and POST
// /signin and POST /signout on the intranet zone.
void register_signin_routes(http::Router& router, const render::PageRenderer& pages,
                            SignIn& sign_in, SessionStore& sessions);

// Registers GET and POST /account/password on the intranet zone: the signed-in
// user changes their password (forced after a one-time password); all their
// sessions end and this browser gets a new one.
void register_password_routes(http::Router& router, const render::PageRenderer& pages,
                              AccountStore& accounts, SessionStore& sessions,
                              const PasswordPolicy& policy);

}  // namespace yiwang::identity
