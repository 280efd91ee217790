// The geography registry's public face: browsing the GB/T 2260 division table
// (internet zone pages), the identifier check page, and their JSON API on the
// zones that need it.
#pragma once

#include "http/router.hpp"
#include "registry/division_store.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::registry {

void register_registry_routes(http::Router& router, const render::PageRenderer& pages,
                              const DivisionStore& divisions);

}  // namespace yiwang::registry
