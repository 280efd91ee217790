#include "identity/permissions.hpp"

#include <algorithm>
#include <stdexcept>

namespace yiwang::identity {

namespace {

// module.object[.action…]: lower-case letters, digits and underscores between dots.
bool well_formed(std::string_view name) {
  if (name.empty() || name.size() > 80 || name.front() == '.' || name.back() == '.') return false;
  int dots = 0;
  char prev = 0;
  for (char c : name) {
    if (c == '.') {
      if (prev == '.') return false;
      ++dots;
    } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
    prev = c;
  }
  return dots >= 1;
}

}  // namespace

void PermissionCatalogue::declare(PermissionSpec spec) {
  if (!well_formed(spec.name))
    throw std::invalid_argument("permission name must be module.object.action: " + spec.name);
  if (spec.name == "public" || spec.name == "signed-in")
    throw std::invalid_argument("reserved permission name: " + spec.name);
  if (spec.holders.empty()) throw std::invalid_argument("permission without holders: " + spec.name);
  bool admin = std::any_of(spec.holders.begin(), spec.holders.end(), is_administrator);
  if (admin && spec.holders.size() != 1)
    throw std::invalid_argument(
        "an administrator's permission belongs to that administrator alone: " + spec.name);
  if (specs_.contains(spec.name))
    throw std::invalid_argument("permission declared twice: " + spec.name);
  std::string name = spec.name;
  specs_.emplace(std::move(name), std::move(spec));
}

const PermissionSpec* PermissionCatalogue::find(std::string_view name) const {
  auto it = specs_.find(name);
  return it == specs_.end() ? nullptr : &it->second;
}

std::vector<const PermissionSpec*> PermissionCatalogue::all() const {
  std::vector<const PermissionSpec*> out;
  for (const auto& [_, spec] : specs_) out.push_back(&spec);
  return out;
}

bool PermissionCatalogue::grantable(std::string_view name) const {
  const PermissionSpec* spec = find(name);
  return spec && std::find(spec->holders.begin(), spec->holders.end(), AccountKind::staff) !=
                     spec->holders.end();
}

std::optional<AccountKind> PermissionCatalogue::administrator_of(std::string_view name) const {
  const PermissionSpec* spec = find(name);
  if (spec && spec->holders.size() == 1 && is_administrator(spec->holders.front()))
    return spec->holders.front();
  return std::nullopt;
}

std::vector<std::string> PermissionCatalogue::built_in(AccountKind kind) const {
  std::vector<std::string> out;
  if (kind == AccountKind::staff) return out;
  for (const auto& [name, spec] : specs_)
    if (std::find(spec.holders.begin(), spec.holders.end(), kind) != spec.holders.end())
      out.push_back(name);
  return out;
}

void declare_identity_permissions(PermissionCatalogue& c) {
  c.declare({perm::kOrganManage, {AccountKind::system_admin}});
  c.declare({perm::kAccountManage, {AccountKind::system_admin}});
  c.declare({perm::kRoleManage, {AccountKind::security_admin}});
  c.declare({perm::kGrantManage, {AccountKind::security_admin}});
  c.declare({perm::kSecurityManage, {AccountKind::security_admin}});
  c.declare({perm::kAuditRead, {AccountKind::audit_admin}});
  c.declare({perm::kDirectoryRead, {AccountKind::staff}});
}

}  // namespace yiwang::identity
