// The demo city loaded by `yiwang demo`: 示范市人民政府 with its working
// departments as organs, and two county-level governments under it. Loading
// twice changes nothing.
#pragma once

#include "audit/audit_log.hpp"
#include "core/error.hpp"
#include "identity/organ_store.hpp"

namespace yiwang::app {

// Creates the demo organs that do not exist yet; returns how many it created.
Result<int> load_demo_organs(identity::OrganStore& organs, const audit::AuditEvent& who);

// A valid 统一社会信用代码 of an organ (登记管理部门 1 机构编制, 机构类别 1
// 机关) in a division, with a made-up organisation code numbered n.
std::string demo_credit_code(const std::string& division, int n);

}  // namespace yiwang::app
