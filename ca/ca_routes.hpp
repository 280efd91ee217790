// The CA's public face: the root certificate and the current CRL, published
// on every zone (citizens' software, organs' systems and exchange nodes all
// check against them). No sign-in; the CRL is reissued when it nears its
// next update.
#pragma once

#include "ca/authority.hpp"
#include "http/router.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::ca {

void register_ca_public_routes(http::Router& router, const render::PageRenderer& pages,
                               Authority& authority);

}  // namespace yiwang::ca
