#include "services/case_steps.hpp"

#include <string>
#include <vector>

#include "services/case_error.hpp"

namespace yiwang::services {

namespace {

std::string text_of(const nlohmann::json& vars, const char* name) {
  return vars.contains(name) && vars[name].is_string() ? vars[name].get<std::string>() : "";
}

}  // namespace

workflow::Handler case_step(std::function<void(workflow::ServiceCall&)> fn) {
  return [fn = std::move(fn)](workflow::ServiceCall& call) -> Result<void> {
    try {
      fn(call);
      return {};
    } catch (const CaseError& e) {
      return std::unexpected(e.error);
    }
  };
}

void register_case_steps(workflow::Engine& engine, CaseStore& cases, DocumentMaker documents,
                         LicenceIssuer licences) {
  auto make = [documents](workflow::ServiceCall& call, const CaseRecord& c, std::string_view kind) {
    if (documents) documents(call.session, c, kind, call.actor);
  };
  engine.register_handler("case.accept", case_step([&cases, make](workflow::ServiceCall& call) {
                            CaseRecord c =
                                cases.accept(call.session, call.business_key, call.actor);
                            // Decisions from here on are the ones the decision counts.
                            call.variables.erase("decisions");
                            make(call, c, "acceptance_notice");
                          }));
  engine.register_handler("case.not_accept", case_step([&cases, make](workflow::ServiceCall& call) {
                            CaseRecord c =
                                cases.not_accept(call.session, call.business_key,
                                                 text_of(call.variables, "reason"), call.actor);
                            make(call, c, "rejection_decision");
                          }));
  engine.register_handler(
      "case.request_correction", case_step([&cases, make](workflow::ServiceCall& call) {
        std::vector<std::string> missing;
        if (call.variables.contains("missing") && call.variables["missing"].is_array())
          for (const auto& m : call.variables["missing"])
            if (m.is_string()) missing.push_back(m.get<std::string>());
        CaseRecord c =
            cases.request_correction(call.session, call.business_key, missing,
                                     text_of(call.variables, "correction_note"), call.actor);
        make(call, c, "correction_notice");
        call.variables.erase("missing");
        call.variables.erase("correction_note");
      }));
  engine.register_handler("case.special_begin", case_step([&cases](workflow::ServiceCall& call) {
                            cases.begin_special(call.session, call.business_key,
                                                text_of(call.variables, "special"), call.actor);
                          }));
  engine.register_handler("case.special_end", case_step([&cases](workflow::ServiceCall& call) {
                            cases.end_special(call.session, call.business_key, call.actor);
                          }));
  engine.register_handler(
      "case.decide", case_step([&cases, make](workflow::ServiceCall& call) {
        bool approved = true;
        std::string note;
        if (call.variables.contains("decisions") && call.variables["decisions"].is_object())
          for (const auto& [node, d] : call.variables["decisions"].items()) {
            if (!d.is_object() || d.value("approved", true)) continue;
            approved = false;
            std::string opinion = d.value("opinion", std::string());
            std::string said =
                d.value("outcome", std::string()) + (opinion.empty() ? "" : "：" + opinion);
            note += (note.empty() ? "" : "；") + said;
          }
        call.variables["approved"] = approved;
        CaseRecord c =
            cases.decide(call.session, call.business_key,
                         approved ? Decision::approved : Decision::refused, note, call.actor);
        make(call, c, approved ? "approval_decision" : "refusal_decision");
      }));
  engine.register_handler(
      "case.issue_licence", case_step([&cases, licences](workflow::ServiceCall& call) {
        CaseRecord c = cases.load(call.session, call.business_key);
        if (c.decision == Decision::approved && licences)
          licences(call.session, c, call.variables.value("registered", nlohmann::json()),
                   call.actor);
      }));
  engine.register_handler("case.complete", case_step([&cases](workflow::ServiceCall& call) {
                            CaseRecord c = cases.load(call.session, call.business_key);
                            if (c.state == CaseState::decided)
                              c = cases.complete(call.session, call.business_key, call.actor);
                            cases.deliver(call.session, call.business_key, "electronic",
                                          call.actor);
                          }));
}

}  // namespace yiwang::services
