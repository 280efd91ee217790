// Seal verification for anyone (政务外网 and the workbench): upload a document
// and its .ywsig signature file, or a document carrying its signature, and
// learn whether it is intact, who sealed it and when, and what its
// certificate was at that time. A page and POST /api/v1/ca/verify; no
// sign-in.
#pragma once

#include "ca/seal_store.hpp"
#include "http/router.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::ca {

void register_verify_routes(http::Router& router, const render::PageRenderer& pages,
                            SealStore& seals);

}  // namespace yiwang::ca
