// The intranet pages of the three administrators (三员分立), each behind the
// permissions only that administrator holds:
//   系统管理员  /admin/organs…, /admin/accounts…   identity.organ.manage,
//                                                 identity.account.manage
//   安全管理员  /security/roles…, /security/accounts…, /security/policy
//                                                 identity.role.manage,
//                                                 identity.grant.manage,
//                                                 identity.security.manage
//   审计管理员  /audit, /audit/export.csv           audit.log.read
// and the staff directory of an organ (/directory/{organ}), which a civil
// servant reads within the organ scope of their identity.directory.read.
#pragma once

#include "http/router.hpp"
#include "identity/services.hpp"

namespace yiwang::identity {

void register_system_admin_routes(http::Router& router, Services& s);
void register_security_admin_routes(http::Router& router, Services& s);
void register_audit_routes(http::Router& router, Services& s);
void register_directory_routes(http::Router& router, Services& s);

// The navigation links of these pages (each shown to who holds its permission).
void add_admin_nav(render::PageRenderer& pages);

}  // namespace yiwang::identity
