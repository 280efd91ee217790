// Cases on the whole application (engine under test): an applicant submits a
// published item's form, which creates the case and starts its process in
// one transaction; the process moves the case through 受理 / 补正 / 不予受理,
// parallel 审查 by two organs, 决定 and 办结, pausing the clock for
// corrections; each step leaves an event, a notice in the applicant's message
// centre and an e-mail in the outbox.
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "ca/seal_signature.hpp"
#include "services/case_error.hpp"
#include "services/licence_id.hpp"
#include "tests/integration/service_world.hpp"
#include "tests/support/pdf_text.hpp"
#include "tests/support/test_server.hpp"
#include "workflow/permissions.hpp"

using namespace yiwang;
using services::CaseState;
using yiwang::test::TestServer;

namespace {

using test::by_account;
using test::kTestPdf;

class ServiceCasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    ASSERT_NO_FATAL_FAILURE(world_.set_up(*server_));
    organ_a_ = world_.organ_a;
    organ_b_ = world_.organ_b;
    applicant_.account = "qiye.demo";
    applicant_.name = "示范科技有限公司";
    applicant_.enterprise = true;
    applicant_.email = "boss@example.cn";
    applicant_.audit = by_account("qiye.demo");
  }

  workflow::Actor actor(const std::string& account) { return test::workflow_actor(account); }

  http::FormData good_form() {
    http::FormData f;
    f.add("company", "填写的名称");
    f.add("scope", "软件开发");
    f.add("contact", "13800138001");
    f.files().push_back({"premises", "场所.pdf", "application/pdf", kTestPdf});
    return f;
  }

  services::CaseRecord submit() {
    auto out = server_->app().online().applications().submit(test::kServiceItemCode, good_form(), 0,
                                                             applicant_);
    EXPECT_TRUE(out) << (out ? "" : out.error().key);
    if (!out || !out->record) {
      ADD_FAILURE() << "no case: "
                    << (out && !out->submission.errors.empty() ? out->submission.errors.front().key
                                                               : "");
      return {};
    }
    return *out->record;
  }

  services::CaseRecord reload(const std::string& number) {
    auto c = server_->app().online().cases().find(number);
    EXPECT_TRUE(c && *c);
    return c && *c ? **c : services::CaseRecord{};
  }

  // Completes the open task of a node as `who`.
  Result<workflow::Task> act(long long instance, const std::string& node, const std::string& who,
                             const std::string& outcome,
                             nlohmann::json vars = nlohmann::json::object(),
                             const std::string& opinion = "") {
    auto& engine = server_->app().workflow();
    auto tasks = engine.open_tasks(instance);
    EXPECT_TRUE(tasks);
    for (const auto& t : *tasks)
      if (t.node_id == node) {
        workflow::Engine::CompleteInput in;
        in.outcome = outcome;
        in.opinion = opinion;
        in.variables = std::move(vars);
        auto claimed = engine.claim(t.id, actor(who));
        if (!claimed) return std::unexpected(claimed.error());
        return engine.complete(t.id, in, actor(who));
      }
    ADD_FAILURE() << "no open task at " << node;
    return std::unexpected(Error("test.no_task"));
  }

  std::vector<std::string> event_keys(long long case_id) {
    auto events = server_->app().online().cases().events(case_id);
    EXPECT_TRUE(events);
    std::vector<std::string> keys;
    for (const auto& e : *events) keys.push_back(e.key);
    return keys;
  }

  // The case's document of a kind, with its bytes.
  std::optional<std::pair<services::CaseDocument, std::string>> document(long long case_id,
                                                                         const std::string& kind) {
    auto docs = server_->app().online().cases().documents(case_id);
    EXPECT_TRUE(docs);
    for (const auto& d : *docs)
      if (d.kind == kind) {
        auto file = server_->app().online().attachments().get(d.ref);
        EXPECT_TRUE(file && *file);
        return std::make_pair(d, file && *file ? (*file)->data : std::string());
      }
    return std::nullopt;
  }

  // Checks that a document is a sealed PDF, sealed for `signer`, that says `says`.
  void expect_sealed(const std::string& bytes, const std::string& signer,
                     const std::vector<std::string>& says) {
    auto extracted = ca::extract_signature(bytes);
    ASSERT_TRUE(extracted) << "not sealed";
    EXPECT_TRUE(extracted->first.starts_with("%PDF-"));
    auto verdict = server_->app().seals().verify(extracted->first, extracted->second);
    ASSERT_TRUE(verdict);
    EXPECT_EQ(verdict->verdict, ca::SealVerdict::valid);
    EXPECT_TRUE(verdict->recorded);
    EXPECT_EQ(verdict->claims->signer_account, signer);
    EXPECT_EQ(verdict->claims->organ, organ_a_.name);
    auto text = test::pdf_text(extracted->first);
    ASSERT_TRUE(text) << "pdftotext cannot read it";
    for (const auto& s : says) EXPECT_NE(text->find(s), std::string::npos) << s << " in " << *text;
    // One byte changed: the seal no longer matches.
    std::string tampered = extracted->first;
    tampered[tampered.size() / 2] ^= 0x01;
    auto altered = server_->app().seals().verify(tampered, extracted->second);
    ASSERT_TRUE(altered);
    EXPECT_EQ(altered->verdict, ca::SealVerdict::altered);
  }

  long long count(const std::string& sql, const std::string& value) {
    long long n = 0;
    *server_->app().database().acquire() << sql, soci::use(value), soci::into(n);
    return n;
  }

  std::unique_ptr<TestServer> server_;
  test::ServiceWorld world_;
  identity::Organ organ_a_, organ_b_;
  services::Applicant applicant_;
};

}  // namespace

TEST_F(ServiceCasesTest, SubmittingCreatesTheCaseStartsItsProcessAndKeepsTheFiles) {
  auto c = submit();
  ASSERT_FALSE(c.number.empty());
  EXPECT_TRUE(c.number.starts_with("SQ"));
  EXPECT_EQ(c.number.size(), 16u);
  EXPECT_EQ(c.state, CaseState::submitted);
  // The bound field took what the government holds (the account's name), not what was typed.
  EXPECT_EQ(c.values["company"], "示范科技有限公司");
  EXPECT_EQ(c.subject, "示范科技有限公司");
  EXPECT_EQ(c.promised_days, 5);
  EXPECT_EQ(c.organ_id, organ_a_.id);
  ASSERT_NE(c.instance_id, 0);
  auto instance = server_->app().workflow().instance(c.instance_id);
  ASSERT_TRUE(instance && *instance);
  EXPECT_EQ((*instance)->business_key, c.number);
  EXPECT_EQ((*instance)->variables["case"], c.number);
  auto tasks = server_->app().workflow().open_tasks(c.instance_id);
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ(tasks->front().node_id, "accept_review");
  // The uploaded file is stored under its digest and readable back.
  std::string ref = c.values["premises"][0]["ref"];
  auto file = server_->app().online().attachments().get(ref);
  ASSERT_TRUE(file && *file);
  EXPECT_EQ((*file)->data, kTestPdf);
  EXPECT_EQ((*file)->mime, "application/pdf");
  // The applicant is told, in the message centre and by mail.
  auto notices = server_->app().online().messages().list("qiye.demo", 0, 10);
  ASSERT_TRUE(notices);
  ASSERT_EQ(notices->total, 1);
  EXPECT_NE(notices->notices[0].title.find(c.number), std::string::npos);
  EXPECT_EQ(notices->notices[0].link, "/services/cases/" + c.number);
  EXPECT_EQ(notices->unread, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM mail_outbox WHERE recipient = :r", "boss@example.cn"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_records WHERE event = :e", "services.case.submitted"),
            1);
}

TEST_F(ServiceCasesTest, AFormWithErrorsCreatesNothing) {
  http::FormData f;
  f.add("scope", "");
  auto out =
      server_->app().online().applications().submit(test::kServiceItemCode, f, 0, applicant_);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->record);
  ASSERT_FALSE(out->submission.errors.empty());
  EXPECT_EQ(out->submission.errors.front().field, "scope");
  EXPECT_EQ(count("SELECT COUNT(*) FROM svc_cases WHERE applicant = :a", "qiye.demo"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM wf_instances WHERE process_key = :k", "case_test"), 0);
  // An item that is not published cannot be applied for.
  auto missing =
      server_->app().online().applications().submit("NO-SUCH", good_form(), 0, applicant_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().key, "services.apply.not_found");
}

TEST_F(ServiceCasesTest, DraftsKeepWhatWasTypedAndGoAwayOnSubmission) {
  auto& apps = server_->app().online().applications();
  http::FormData partial;
  partial.add("scope", "<script>alert(1)</script>'; DROP TABLE svc_cases; --");
  auto saved = apps.save(test::kServiceItemCode, partial, 0, applicant_);
  ASSERT_TRUE(saved) << saved.error().key;
  ASSERT_TRUE(saved->draft);
  long long id = saved->draft->id;
  auto again = server_->app().online().cases().draft(id, "qiye.demo");
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->values["scope"], "<script>alert(1)</script>'; DROP TABLE svc_cases; --");
  // No id is no draft (not "the newest one").
  EXPECT_FALSE(*server_->app().online().cases().draft(0, "qiye.demo"));
  EXPECT_FALSE(*server_->app().online().cases().draft(-1, "qiye.demo"));
  // Another applicant does not see it.
  auto other = server_->app().online().cases().draft(id, "someone.else");
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other);
  // Submitting from the draft removes it.
  auto out = apps.submit(test::kServiceItemCode, good_form(), id, applicant_);
  ASSERT_TRUE(out && out->record);
  auto gone = server_->app().online().cases().draft(id, "qiye.demo");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(ServiceCasesTest, ParallelReviewApprovesAndCompletesTheCase) {
  auto c = submit();
  ASSERT_TRUE(act(c.instance_id, "accept_review", "chuang.kou", "受理"));
  auto accepted = reload(c.number);
  EXPECT_EQ(accepted.state, CaseState::review);
  EXPECT_FALSE(accepted.accepted_at.empty());
  auto clocks = server_->app().online().cases().clocks(accepted);
  EXPECT_TRUE(clocks.accepted);
  EXPECT_EQ(clocks.promised.limit, 5);
  EXPECT_EQ(clocks.statutory.limit, 20);
  EXPECT_EQ(clocks.promised.used, 0);
  EXPECT_TRUE(clocks.promised.running);
  // Both organs review at once: each has its own task.
  auto tasks = server_->app().workflow().open_tasks(c.instance_id);
  ASSERT_EQ(tasks->size(), 2u);
  // An approver of organ B cannot take organ A's task.
  EXPECT_FALSE(act(c.instance_id, "review_a", "shen.b", "同意"));
  ASSERT_TRUE(act(c.instance_id, "review_b", "shen.b", "同意"));
  EXPECT_EQ(reload(c.number).state, CaseState::review);
  ASSERT_TRUE(act(c.instance_id, "review_a", "shen.a", "同意"));
  auto done = reload(c.number);
  EXPECT_EQ(done.state, CaseState::delivered);
  EXPECT_EQ(done.decision, services::Decision::approved);
  EXPECT_FALSE(done.completed_at.empty());
  EXPECT_EQ(
      event_keys(done.id),
      (std::vector<std::string>{"services.case.event.submitted", "services.case.event.accepted",
                                "services.case.event.document",  // 受理通知书
                                "services.case.event.approved",
                                "services.case.event.document",  // 准予许可决定书
                                "services.case.event.document",  // 电子证照
                                "services.case.event.completed", "services.case.event.delivered"}));
  auto instance = server_->app().workflow().instance(c.instance_id);
  EXPECT_EQ((*instance)->state, workflow::InstanceState::completed);
  EXPECT_EQ((*instance)->variables["approved"], true);
  // A notice for every step.
  EXPECT_EQ(server_->app().online().messages().list("qiye.demo", 0, 50)->total, 8);
}

TEST_F(ServiceCasesTest, OneRefusalRefusesTheCaseWithItsReason) {
  auto c = submit();
  ASSERT_TRUE(act(c.instance_id, "accept_review", "chuang.kou", "受理"));
  ASSERT_TRUE(act(c.instance_id, "review_a", "shen.a", "同意"));
  auto refused = act(c.instance_id, "review_b", "shen.b", "不同意", nlohmann::json::object(),
                     "经营场所不符合消防要求");
  ASSERT_TRUE(refused) << refused.error().key << " " << refused.error().field;
  auto done = reload(c.number);
  EXPECT_EQ(done.decision, services::Decision::refused);
  EXPECT_NE(done.decision_note.find("经营场所不符合消防要求"), std::string::npos);
  EXPECT_EQ(done.state, CaseState::delivered);
}

TEST_F(ServiceCasesTest, CorrectionPausesTheClockUntilTheApplicantResubmits) {
  auto c = submit();
  // Asking for corrections needs a list of what is missing: without it the
  // task stays open and nothing changes.
  auto refused = act(c.instance_id, "accept_review", "chuang.kou", "补正");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().key, "services.case.missing_required");
  EXPECT_EQ(reload(c.number).state, CaseState::submitted);

  ASSERT_TRUE(act(c.instance_id, "accept_review", "chuang.kou", "补正",
                  {{"missing", {"营业场所证明（须加盖产权单位公章）"}},
                   {"correction_note", "原件扫描件不清晰"}}));
  auto waiting = reload(c.number);
  EXPECT_EQ(waiting.state, CaseState::correction);
  ASSERT_EQ(waiting.missing.size(), 1u);
  EXPECT_EQ(waiting.missing[0], "营业场所证明（须加盖产权单位公章）");
  ASSERT_EQ(waiting.pauses.size(), 1u);
  EXPECT_FALSE(waiting.pauses[0].to);
  EXPECT_EQ(waiting.pauses[0].reason, "correction");
  EXPECT_FALSE(server_->app().online().cases().clocks(waiting).acceptance.running);
  EXPECT_TRUE(server_->app().workflow().open_tasks(c.instance_id)->empty());

  // Someone else cannot correct it; a form with errors changes nothing.
  services::Applicant stranger = applicant_;
  stranger.account = "other.user";
  auto& apps = server_->app().online().applications();
  auto not_theirs = apps.correct(c.number, good_form(), stranger);
  ASSERT_FALSE(not_theirs);
  EXPECT_EQ(not_theirs.error().key, "services.case.not_found");
  http::FormData empty;
  empty.add("scope", "");
  auto bad = apps.correct(c.number, empty, applicant_);
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->submission.errors.empty());
  EXPECT_EQ(reload(c.number).state, CaseState::correction);

  http::FormData fixed = good_form();
  fixed.files().clear();
  fixed.files().push_back(
      {"premises", "场所（盖章）.pdf", "application/pdf", kTestPdf + "%stamped\n"});
  auto corrected = apps.correct(c.number, fixed, applicant_);
  ASSERT_TRUE(corrected) << corrected.error().key;
  ASSERT_TRUE(corrected->record);
  auto resumed = reload(c.number);
  EXPECT_EQ(resumed.state, CaseState::submitted);
  EXPECT_TRUE(resumed.missing.empty());
  ASSERT_EQ(resumed.pauses.size(), 1u);
  EXPECT_TRUE(resumed.pauses[0].to);
  EXPECT_TRUE(server_->app().online().cases().clocks(resumed).acceptance.running);
  EXPECT_EQ(resumed.values["premises"][0]["name"], "场所（盖章）.pdf");
  // The process is back at 受理审查.
  auto tasks = server_->app().workflow().open_tasks(c.instance_id);
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ(tasks->front().node_id, "accept_review");
  // Correcting twice is refused: the case no longer waits.
  auto twice = apps.correct(c.number, fixed, applicant_);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().key, "services.case.bad_state");
}

TEST_F(ServiceCasesTest, NotAcceptingNeedsAReasonAndEndsTheCase) {
  auto c = submit();
  auto no_reason = act(c.instance_id, "accept_review", "chuang.kou", "不予受理");
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().key, "services.case.reason_required");
  ASSERT_TRUE(act(c.instance_id, "accept_review", "chuang.kou", "不予受理",
                  {{"reason", "申请事项不属于本机关职权范围"}}));
  auto done = reload(c.number);
  EXPECT_EQ(done.state, CaseState::delivered);
  EXPECT_EQ(done.decision_note, "申请事项不属于本机关职权范围");
  auto keys = event_keys(done.id);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "services.case.event.not_accepted"), keys.end());
}

TEST_F(ServiceCasesTest, TheApplicantsCasesAreListedAndSearchable) {
  auto first = submit();
  auto second = submit();
  auto& cases = server_->app().online().cases();
  auto mine = cases.list({.applicant = "qiye.demo"}, 0, 10);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->total, 2);
  EXPECT_EQ(mine->cases[0].number, second.number);  // newest first
  auto by_number = cases.list({.applicant = "qiye.demo", .query = first.number}, 0, 10);
  ASSERT_EQ(by_number->total, 1);
  EXPECT_EQ(by_number->cases[0].number, first.number);
  auto hostile = cases.list({.applicant = "qiye.demo", .query = "%' OR '1'='1"}, 0, 10);
  ASSERT_TRUE(hostile);
  EXPECT_EQ(hostile->total, 0);
  auto other = cases.list({.applicant = "someone.else"}, 0, 10);
  EXPECT_EQ(other->total, 0);
  auto organ = cases.list({.organ_id = organ_a_.id, .state = CaseState::submitted}, 0, 1);
  EXPECT_EQ(organ->total, 2);
  EXPECT_EQ(organ->cases.size(), 1u);
}

TEST_F(ServiceCasesTest, NoticesAreMarkedRead) {
  submit();
  auto& messages = server_->app().online().messages();
  auto page = messages.list("qiye.demo", 0, 10);
  ASSERT_EQ(page->unread, 1);
  ASSERT_TRUE(messages.mark_read("qiye.demo", page->notices[0].id));
  EXPECT_EQ(*messages.unread("qiye.demo"), 0);
  // Not someone else's.
  auto foreign = messages.mark_read("someone.else", page->notices[0].id);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().key, "services.notice.not_found");
}

TEST_F(ServiceCasesTest, EachStepIssuesItsSealedDocument) {
  auto c = submit();
  ASSERT_TRUE(act(c.instance_id, "accept_review", "chuang.kou", "补正",
                  {{"missing", {"营业场所证明（须加盖产权单位公章）", "法定代表人身份证明"}}}));
  auto notice = document(c.id, "correction_notice");
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->first.name, "补正材料通知书-" + c.number + ".pdf");
  expect_sealed(notice->second, "chuang.kou",
                {"补正材料通知书", c.number, "示范科技有限公司：",
                 "1.营业场所证明（须加盖产权单位公章）", "2.法定代表人身份证明", organ_a_.name});

  ASSERT_TRUE(server_->app().online().applications().correct(c.number, good_form(), applicant_));
  ASSERT_TRUE(act(c.instance_id, "accept_review", "chuang.kou", "受理"));
  auto accepted = document(c.id, "acceptance_notice");
  ASSERT_TRUE(accepted);
  expect_sealed(accepted->second, "chuang.kou", {"受理通知书", "决定予以受理", "5个工作日内"});

  ASSERT_TRUE(act(c.instance_id, "review_a", "shen.a", "同意"));
  ASSERT_TRUE(act(c.instance_id, "review_b", "shen.b", "同意"));
  auto granted = document(c.id, "approval_decision");
  ASSERT_TRUE(granted);
  // Sealed for the reviewer whose approval completed the decision.
  expect_sealed(granted->second, "shen.b", {"准予许可决定书", "决定准予许可"});
  // The applicant saw each document arrive (and the licence).
  auto keys = event_keys(c.id);
  EXPECT_EQ(std::count(keys.begin(), keys.end(), "services.case.event.document"), 4);
}

TEST_F(ServiceCasesTest, NotAcceptingIssuesItsDecisionWithTheReason) {
  auto c = submit();
  ASSERT_TRUE(act(c.instance_id, "accept_review", "chuang.kou", "不予受理",
                  {{"reason", "申请事项依法不需要取得行政许可"}}));
  auto decision = document(c.id, "rejection_decision");
  ASSERT_TRUE(decision);
  expect_sealed(decision->second, "chuang.kou",
                {"不予受理决定书", "申请事项依法不需要取得行政许可", "行政复议"});
}

TEST_F(ServiceCasesTest, AnApprovedCaseIssuesASealedLicenceThatVerifies) {
  auto c = submit();
  ASSERT_TRUE(act(c.instance_id, "accept_review", "chuang.kou", "受理"));
  ASSERT_TRUE(act(c.instance_id, "review_a", "shen.a", "同意"));
  ASSERT_TRUE(act(c.instance_id, "review_b", "shen.b", "同意"));
  auto& licences = server_->app().online().licences();
  auto issued = licences.of_case(c.id);
  ASSERT_TRUE(issued && *issued);
  const auto& l = **issued;
  // GB/T 36904: type code, the issuing organ's credit code, number, version, check.
  EXPECT_TRUE(l.identifier.starts_with("1.2.156.3005.2.11100000MB0143028R001." +
                                       organ_a_.credit_code + "."))
      << l.identifier;
  EXPECT_TRUE(services::parse_licence_id(l.identifier));
  EXPECT_EQ(l.holder_name, "示范科技有限公司");
  EXPECT_EQ(l.holder_account, "qiye.demo");
  ASSERT_EQ(l.entries.size(), 2u);
  EXPECT_EQ(l.entries[0].value, "示范科技有限公司");
  EXPECT_EQ(l.entries[1].value, "软件开发");
  EXPECT_FALSE(l.valid_until.empty());  // five years
  EXPECT_EQ(l.valid_until.substr(0, 4), std::to_string(std::stoi(l.issued_on.substr(0, 4)) + 5));
  // The licence is a sealed PDF saying what it is, among the case's documents.
  auto doc = document(c.id, "licence");
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->first.ref, l.pdf_ref);
  expect_sealed(doc->second, "shen.b", {"测试经营许可证", "软件开发", "扫码核验本证照"});
  // Verification: valid; a changed check character is caught.
  auto check = licences.check(l.identifier);
  ASSERT_TRUE(check);
  EXPECT_EQ(check->verdict, services::LicenceVerdict::valid);
  std::string wrong = l.identifier;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_EQ(licences.check(wrong)->verdict, services::LicenceVerdict::malformed);
  EXPECT_EQ(licences.check("<script>")->verdict, services::LicenceVerdict::malformed);
  // The holder reuses it: the next form gets licence.test_licence.* filled in.
  auto bound = server_->app().online().applications().prefill(applicant_);
  EXPECT_EQ(bound["licence.test_licence.number"], l.identifier);
  EXPECT_EQ(bound["licence.test_licence.scope"], "软件开发");
  // Revoked with a reason: verification says so, and it no longer fills forms.
  auto no_reason = licences.revoke(l.id, "  ", by_account("chuang.kou"));
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().field, "reason");
  ASSERT_TRUE(licences.revoke(l.id, "以欺骗手段取得许可", by_account("chuang.kou")));
  auto revoked = licences.check(l.identifier);
  EXPECT_EQ(revoked->verdict, services::LicenceVerdict::revoked);
  EXPECT_EQ(revoked->licence->revoked_reason, "以欺骗手段取得许可");
  EXPECT_FALSE(server_->app()
                   .online()
                   .applications()
                   .prefill(applicant_)
                   .contains("licence.test_licence.number"));
  auto twice = licences.revoke(l.id, "再次", by_account("chuang.kou"));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().key, "services.licence.revoked_already");
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM audit_records WHERE event = :e", "services.licence.revoked"), 1);
}

TEST_F(ServiceCasesTest, ARefusedCaseIssuesNoLicence) {
  auto c = submit();
  ASSERT_TRUE(act(c.instance_id, "accept_review", "chuang.kou", "受理"));
  ASSERT_TRUE(
      act(c.instance_id, "review_a", "shen.a", "不同意", nlohmann::json::object(), "不符合条件"));
  ASSERT_TRUE(act(c.instance_id, "review_b", "shen.b", "同意"));
  auto issued = server_->app().online().licences().of_case(c.id);
  ASSERT_TRUE(issued);
  EXPECT_FALSE(*issued);
  EXPECT_TRUE(document(c.id, "refusal_decision"));
}

namespace {

http::FormData rating(const std::string& overall, const std::string& others = "5",
                      const std::string& comment = "") {
  http::FormData f;
  f.add("overall", overall);
  for (const char* c : {"efficiency", "accuracy", "convenience", "usability"}) f.add(c, others);
  f.add("comment", comment);
  return f;
}

}  // namespace

TEST_F(ServiceCasesTest, ABadRatingOpensARectificationTaskForTheOrgan) {
  auto& app = server_->app();
  auto role = app.roles().create_role({"差评整改", "", {workflow::perm::kInstanceStart}},
                                      by_account("secadmin"));
  ASSERT_TRUE(role) << role.error().key;
  auto pang = app.accounts().find_by_name("pang.guan");
  ASSERT_TRUE(app.roles().grant((*pang)->id, role->id, organ_a_.id, false, by_account("secadmin")));

  auto c = submit();
  auto& ratings = app.online().ratings();
  // Not before the case is completed.
  auto early = ratings.rate(c.number, rating("1"), applicant_);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().key, "services.rating.not_open");
  ASSERT_TRUE(act(c.instance_id, "accept_review", "chuang.kou", "受理"));
  ASSERT_TRUE(act(c.instance_id, "review_a", "shen.a", "同意"));
  ASSERT_TRUE(act(c.instance_id, "review_b", "shen.b", "同意"));

  // Each criterion must be ★1–5; the comment obeys the text rules; nothing changes meanwhile.
  for (const char* bad : {"0", "6", "", "５", "1; DROP TABLE svc_ratings"}) {
    auto r = ratings.rate(c.number, rating(bad), applicant_);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().key, "services.rating.score");
    EXPECT_EQ(r.error().field, "overall");
  }
  auto long_comment = ratings.rate(c.number, rating("2", "3", std::string(501, 'x')), applicant_);
  ASSERT_FALSE(long_comment);
  EXPECT_EQ(long_comment.error().field, "comment");
  services::Applicant stranger = applicant_;
  stranger.account = "someone.else";
  EXPECT_EQ(ratings.rate(c.number, rating("5"), stranger).error().key, "services.case.not_found");
  EXPECT_EQ(reload(c.number).state, CaseState::delivered);

  auto r =
      ratings.rate(c.number, rating("2", "3", "<script>alert(1)</script>等了很久"), applicant_);
  ASSERT_TRUE(r) << r.error().key;
  EXPECT_EQ(r->overall(), 2);
  EXPECT_EQ(r->comment, "<script>alert(1)</script>等了很久");
  EXPECT_EQ(reload(c.number).state, CaseState::archived);
  auto keys = event_keys(c.id);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "services.case.event.rated"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "services.case.event.archived"), keys.end());
  // The organ's rectification task, due in 15 working days, for the role in organ A.
  ASSERT_NE(r->rectification_instance, 0);
  auto tasks = app.workflow().open_tasks(r->rectification_instance);
  ASSERT_TRUE(tasks);
  ASSERT_EQ(tasks->size(), 1u);
  const auto& task = tasks->front();
  EXPECT_EQ(task.name, "差评回访整改");
  EXPECT_FALSE(task.due_at.empty());
  auto inbox = app.workflow().box({.account = "pang.guan"});
  ASSERT_TRUE(inbox);
  ASSERT_EQ(inbox->total, 1);
  EXPECT_GE(inbox->items[0].working_days_left, 14);
  EXPECT_LE(inbox->items[0].working_days_left, 15);
  EXPECT_NE(inbox->items[0].title.find(c.number), std::string::npos);
  // Once only.
  EXPECT_EQ(ratings.rate(c.number, rating("5"), applicant_).error().key,
            "services.rating.not_open");
}

TEST_F(ServiceCasesTest, AGoodRatingOpensNoTask) {
  auto c = submit();
  ASSERT_TRUE(act(c.instance_id, "accept_review", "chuang.kou", "不予受理",
                  {{"reason", "不属于本机关职权范围"}}));
  auto r = server_->app().online().ratings().rate(c.number, rating("4", "4"), applicant_);
  ASSERT_TRUE(r) << r.error().key;
  EXPECT_EQ(r->rectification_instance, 0);
  auto stored = server_->app().online().ratings().of_case(c.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->scores, (std::array<int, 5>{4, 4, 4, 4, 4}));
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM wf_instances WHERE process_key = :k", "services_rectification"),
      0);
}

// 特别程序: the expert review pauses the clock (it needs its name), the case
// goes back to 审查 when it ends, and the reviewer's final decision counts.
TEST_F(ServiceCasesTest, ASpecialProcedurePausesTheClockUntilItEnds) {
  auto& app = server_->app();
  std::ifstream in(test::source_dir() / "tests/data/services/special_process.bpmn");
  std::stringstream xml;
  xml << in.rdbuf();
  std::string text = xml.str();
  text.replace(text.find("{ORGAN_A}"), 9, organ_a_.credit_code);
  text.replace(text.find("{ORGAN_A}"), 9, organ_a_.credit_code);
  ASSERT_TRUE(app.workflow().deploy(text, actor("sysadmin")));
  auto json = test::case_item_json();
  json["code"] = "TEST-SPECIAL-001";
  json["process_key"] = "special_test";
  auto item = services::parse_service_item(json);
  ASSERT_TRUE(item);
  auto draft = app.service_items().save_draft(*item, organ_a_.id, by_account("author"));
  ASSERT_TRUE(draft);
  ASSERT_TRUE(app.service_items().submit(draft->item_id, by_account("author")));
  ASSERT_TRUE(app.service_items().review(draft->item_id, true, "", by_account("reviewer")));
  auto out = app.online().applications().submit("TEST-SPECIAL-001", good_form(), 0, applicant_);
  ASSERT_TRUE(out && out->record);
  auto c = *out->record;
  EXPECT_EQ(reload(c.number).state, CaseState::review);  // accepted at once

  // Without its name the special procedure does not start.
  auto unnamed = act(c.instance_id, "review", "shen.a", "专家评审");
  ASSERT_FALSE(unnamed);
  EXPECT_EQ(unnamed.error().key, "services.case.procedure_required");
  ASSERT_TRUE(
      act(c.instance_id, "review", "shen.a", "专家评审", {{"special", "专家评审（消防）"}}));
  auto paused = reload(c.number);
  EXPECT_EQ(paused.state, CaseState::special);
  ASSERT_EQ(paused.pauses.size(), 1u);
  EXPECT_EQ(paused.pauses[0].reason, "special");
  EXPECT_FALSE(paused.pauses[0].to);
  auto clocks = app.online().cases().clocks(paused);
  EXPECT_FALSE(clocks.promised.running);
  EXPECT_FALSE(clocks.statutory.running);

  ASSERT_TRUE(act(c.instance_id, "expert", "shen.a", "同意"));
  auto back = reload(c.number);
  EXPECT_EQ(back.state, CaseState::review);
  ASSERT_EQ(back.pauses.size(), 1u);
  EXPECT_TRUE(back.pauses[0].to);
  EXPECT_TRUE(app.online().cases().clocks(back).promised.running);
  // The reviewer decides with the expert's opinion at hand.
  ASSERT_TRUE(act(c.instance_id, "review", "shen.a", "同意"));
  auto done = reload(c.number);
  ASSERT_EQ(done.pauses.size(), 1u);
  EXPECT_TRUE(done.pauses[0].to);
  EXPECT_EQ(done.decision, services::Decision::approved);
  EXPECT_EQ(done.state, CaseState::delivered);
  auto keys = event_keys(c.id);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "services.case.event.special"), keys.end());
  EXPECT_NE(std::find(keys.begin(), keys.end(), "services.case.event.special_ended"), keys.end());
}

// One applicant submitting twice at the same moment gets two cases with
// their own numbers (the provisional number of a new case is random).
TEST_F(ServiceCasesTest, SubmissionsAtTheSameMomentGetTheirOwnCases) {
  std::vector<std::string> numbers(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < numbers.size(); ++i)
    threads.emplace_back([&, i] {
      auto out = server_->app().online().applications().submit(test::kServiceItemCode, good_form(),
                                                               0, applicant_);
      if (out && out->record) numbers[i] = out->record->number;
      if (!out) ADD_FAILURE() << out.error().key << " " << out.error().params["detail"];
    });
  for (auto& t : threads) t.join();
  std::sort(numbers.begin(), numbers.end());
  EXPECT_TRUE(
      std::none_of(numbers.begin(), numbers.end(), [](const auto& n) { return n.empty(); }));
  EXPECT_EQ(std::unique(numbers.begin(), numbers.end()), numbers.end());
  EXPECT_EQ(count("SELECT COUNT(*) FROM svc_cases WHERE applicant = :a", "qiye.demo"), 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM wf_instances WHERE process_key = :k", "case_test"), 4);
}
