// The intranet's seal and certificate pages: each organ's seals with their
// certificates and use log for those allowed to see them (ca.seal.read in
// the organ), applying a seal (ca.seal.apply, with the second factor), and
// the security administrator's management of seals and certificates.
#pragma once

#include "ca/authority.hpp"
#include "ca/seal_store.hpp"
#include "http/router.hpp"
#include "identity/services.hpp"

namespace yiwang::ca {

struct CaServices {
  identity::Services& identity;
  Authority& authority;
  SealStore& seals;
};

void register_seal_routes(http::Router& router, CaServices& services);

}  // namespace yiwang::ca
