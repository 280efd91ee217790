// The world the online-services tests share: the demo city's organs A and B,
// a window clerk (受理窗口, chuang.kou) and a reviewer (审批, shen.a) in A, a
// reviewer in B (shen.b), a civil servant with no part in cases (pang.guan),
// the CA with A's 行政审批专用章, the test case process
// (tests/data/services/case_process.bpmn: 受理 with 补正/不予受理, parallel
// 审查 by A and B, 决定, 办结) and a published licensing item TEST-LIC-001
// whose form asks for the company (bound to enterprise.name), the business
// scope, a contact phone and the premises certificate (a PDF).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "audit/audit_log.hpp"
#include "identity/organ_store.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/engine.hpp"

namespace yiwang::test {

inline constexpr const char* kServiceItemCode = "TEST-LIC-001";
inline constexpr const char* kStaffPassword = "Staff-Pass-2026";
// A file that passes the .pdf content check.
inline const std::string kTestPdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

audit::AuditEvent by_account(const std::string& account);
workflow::Actor workflow_actor(const std::string& account);
// The test item as an administrator writes it.
nlohmann::json case_item_json();

struct ServiceWorld {
  identity::Organ organ_a, organ_b;
  // Builds the world on the server's application (fails the test when it cannot).
  void set_up(TestServer& server);
  // A civil servant with a changed password (ready to sign in); its id.
  long long staff(TestServer& server, const std::string& name, const std::string& display,
                  long long organ);
  // A citizen registered as on the portal (password "Citizen-<phone>",
  // e-mail <name>@example.cn); fails the test when refused.
  void citizen(TestServer& server, const std::string& name, const std::string& real_name,
               const std::string& citizen_number, const std::string& phone);
};

}  // namespace yiwang::test
