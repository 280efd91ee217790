// The CA module's permissions. Civil servants see and apply their organs'
// seals through roles granted within organ scopes; the security
// administrator (安全管理员) alone creates, re-images and retires seals and
// revokes certificates.
#pragma once

#include "identity/permissions.hpp"

namespace yiwang::ca {

namespace perm {
inline constexpr const char* kSealRead =
    "ca.seal.read";  // staff, by role: seals, certificates, use log
inline constexpr const char* kSealApply =
    "ca.seal.apply";  // staff, by role: apply the organ's seal
inline constexpr const char* kSealManage = "ca.seal.manage";                // 安全管理员
inline constexpr const char* kCertificateManage = "ca.certificate.manage";  // 安全管理员
}  // namespace perm

void declare_ca_permissions(identity::PermissionCatalogue& catalogue);

}  // namespace yiwang::ca
