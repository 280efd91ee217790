// The internet zone's account pages for citizens and enterprises:
// registration (个人 / 法人), password reset by e-mail, and an enterprise's
// authorised agents (citizen accounts that act for it).
#pragma once

#include "http/router.hpp"
#include "identity/services.hpp"

namespace yiwang::identity {

void register_registration_routes(http::Router& router, Services& s);

}  // namespace yiwang::identity
