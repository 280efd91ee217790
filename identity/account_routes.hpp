// Self-service pages of every signed-in account, on both the intranet and the
// internet: the profile (/account), the sessions page (sign out one session
// or all others), and the second factor (enrol with a QR code, see and renew
// recovery codes).
#pragma once

#include "http/router.hpp"
#include "identity/services.hpp"

namespace yiwang::identity {

void register_account_routes(http::Router& router, Services& s, http::Zone zone);

}  // namespace yiwang::identity
