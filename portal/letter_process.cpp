#include "portal/letter_process.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/china_time.hpp"
#include "core/civil_date.hpp"
#include "core/text_rules.hpp"
#include "crypto/bytes.hpp"
#include "mail/outbox.hpp"
#include "services/message_centre.hpp"

#include "workflow/module_process.hpp"

namespace yiwang::portal {

namespace {

long long letter_of(const workflow::ServiceCall& call) {
  return workflow::id_variable(call, "letter", "portal.letter.no_letter");
}

using workflow::text_variable;

std::string working_days(int n) { return fmt::format("P{}WD", std::max(1, n)); }

std::string group(const std::string& role, const std::string& code) {
  return "role:" + role + "@" + code;
}

}  // namespace

std::string new_query_code() {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::string bytes = crypto::random_bytes(10);  // 80 bits
  std::string out;
  unsigned long long buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      if (out.size() % 5 == 4) out += '-';
      out += kAlphabet[(buffer >> bits) & 31];
    }
  }
  return out;
}

LetterProcess::LetterProcess(workflow::Engine& engine, LetterStore& letters,
                             identity::OrganStore& organs, std::filesystem::path share_dir)
    : engine_(engine), letters_(letters), organs_(organs), share_dir_(std::move(share_dir)) {}

void LetterProcess::register_steps(const render::Catalogue* catalogue) {
  LetterStore* letters = &letters_;
  identity::OrganStore* organs = &organs_;
  engine_.register_handler(
      "portal.letter.assign", [letters](workflow::ServiceCall& call) -> Result<void> {
        long long id = letter_of(call);
        long long organ = call.variables.value("organ", 0LL);
        letters->assign(call.session, id, organ, call.actor);
        // 办理 gets what is left of the limit, less the days of 审核.
        auto l = letters->get(call.session, id);
        int left = 1;
        if (l)
          if (auto due = core::parse_iso_date(l->due_on))
            left = letters->calendar().working_days_between(core::china_today(), *due) -
                   letters->rules().review_days;
        call.variables["handleDue"] = working_days(left);
        return {};
      });
  engine_.register_handler("portal.letter.reject",
                           [letters](workflow::ServiceCall& call) -> Result<void> {
                             letters->reject(call.session, letter_of(call),
                                             text_variable(call.variables, "reason"), call.actor);
                             return {};
                           });
  engine_.register_handler("portal.letter.unassign",
                           [letters](workflow::ServiceCall& call) -> Result<void> {
                             letters->unassign(call.session, letter_of(call), call.actor);
                             return {};
                           });
  engine_.register_handler(
      "portal.letter.answer",
      [letters, organs, catalogue](workflow::ServiceCall& call) -> Result<void> {
        long long id = letter_of(call);
        auto organ = organs->get(call.variables.value("organ", 0LL));
        std::string organ_name = organ && *organ ? (*organ)->name : std::string();
        letters->answer(call.session, id, text_variable(call.variables, "answer"),
                        text_variable(call.variables, "answered_by"), organ_name,
                        call.variables.value("publish", true), call.actor);
        auto l = letters->get(call.session, id);
        if (!l || !catalogue) return {};
        // The writer is told: in the account's messages, and by e-mail when given.
        std::map<std::string, std::string> params{{"title", l->title}};
        std::string title = catalogue->text("zh-CN", "portal.letter.notice.title", params);
        std::string body = catalogue->text("zh-CN", "portal.letter.notice.body", params);
        if (!l->account.empty())
          services::MessageCentre::post(call.session, l->account, title, body, "/letters/query");
        if (!l->email.empty()) {
          mail::Outbox outbox(letters->database());
          auto queued = outbox.enqueue(call.session, {l->email, title, body});
          if (!queued) spdlog::warn("letter {}: mail not queued: {}", id, queued.error().key);
        }
        return {};
      });
}

Result<void> LetterProcess::install() {
  return workflow::deploy_default(engine_, kLetterProcess,
                                  share_dir_ / "data" / "processes" / "portal_letter.bpmn",
                                  "portal.letter.no_process");
}

long long LetterProcess::mailbox_organ() {
  const std::string& code = letters_.rules().mailbox_organ;
  if (!code.empty()) {
    auto o = organs_.find_by_credit_code(code);
    return o && *o ? (*o)->id : 0;
  }
  auto top = organs_.children(std::nullopt);
  return top && !top->empty() ? top->front().id : 0;
}

Result<std::vector<identity::Organ>> LetterProcess::organs() {
  std::vector<identity::Organ> out;
  long long top = mailbox_organ();
  if (!top) return out;
  auto ids = organs_.subtree(top);
  if (!ids) return std::unexpected(ids.error());
  for (long long id : *ids) {
    auto o = organs_.get(id);
    if (!o) return std::unexpected(o.error());
    if (*o && !(*o)->retired && !(*o)->credit_code.empty()) out.push_back(**o);
  }
  return out;
}

Result<nlohmann::json> LetterProcess::assignment(long long organ_id) {
  auto organ = organ_id > 0 ? organs_.get(organ_id) : Result<std::optional<identity::Organ>>();
  if (!organ) return std::unexpected(organ.error());
  if (!*organ || (*organ)->retired || (*organ)->credit_code.empty())
    return fail("portal.letter.organ_required", "letter_organ");
  const auto& r = letters_.rules();
  return nlohmann::json{{"organ", organ_id},
                        {"handleGroup", group(r.handle_role, (*organ)->credit_code)},
                        {"reviewGroup", group(r.review_role, (*organ)->credit_code)}};
}

Result<LetterProcess::Written> LetterProcess::write(const LetterInput& in,
                                                    const audit::AuditEvent& who) {
  if (auto p = letters_.problems(in); !p.empty()) return std::unexpected(p.front());
  const LetterKind* kind = letters_.rules().kind(in.kind);
  if (in.organ_id > 0) {
    auto organ = organs_.get(in.organ_id);
    if (!organ) return std::unexpected(organ.error());
    if (!*organ || (*organ)->retired) return fail("portal.letter.organ", "letter_organ");
  }
  if (auto installed = install(); !installed) return std::unexpected(installed.error());
  long long mailbox = mailbox_organ();
  auto organ = mailbox ? organs_.get(mailbox) : Result<std::optional<identity::Organ>>();
  if (!organ) return std::unexpected(organ.error());
  if (!*organ || (*organ)->credit_code.empty()) return fail("portal.letter.no_mailbox");
  const auto& r = letters_.rules();
  Written out;
  out.code = new_query_code();
  std::string digest = LetterStore::code_digest(out.code);
  workflow::Engine::StartInput start;
  start.process_key = std::string(kLetterProcess);
  start.business_key = "letter";
  start.title = kind->name + "：" + core::trim_text(in.title);
  start.variables = {{"letter", 0},
                     {"kind", in.kind},
                     {"organ", in.organ_id},
                     {"triageGroup", group(r.triage_role, (*organ)->credit_code)},
                     {"triageDue", working_days(r.triage_days)},
                     {"reviewDue", working_days(r.review_days)},
                     {"handleDue", working_days(kind->answer_days)}};
  LetterStore* letters = &letters_;
  start.before_run = [letters, &in, &digest, &who, &out](soci::session& s, workflow::Instance& i) {
    auto id = letters->insert(s, in, digest, i.id, who);
    if (!id) throw workflow::Fault(id.error());
    out.id = *id;
    i.business_key = "letter:" + std::to_string(*id);
    i.variables["letter"] = *id;
  };
  workflow::Actor actor;
  actor.account = in.account.empty() ? "anonymous" : in.account;
  actor.name = in.writer.empty() ? actor.account : in.writer;
  actor.audit = who;
  actor.on_behalf = true;
  auto started = engine_.start(start, actor);
  if (!started) return std::unexpected(started.error());
  return out;
}

void LetterProcess::tick(std::chrono::sys_days today) {
  auto escalated = letters_.escalate_due(today);
  if (!escalated)
    spdlog::warn("letters: escalation: {}", escalated.error().params["detail"]);
  else
    for (const auto& e : *escalated)
      spdlog::info("letter {} escalated (督办 level {}, {} working days over)", e.letter_id,
                   e.level, e.days_over);
  if (auto closed = letters_.close_unrated(today); !closed)
    spdlog::warn("letters: closing: {}", closed.error().params["detail"]);
  if (++rounds_ % 3600 == 0)
    if (auto pruned = letters_.prune_limits(); !pruned)
      spdlog::warn("letters: rate limits: {}", pruned.error().params["detail"]);
}

}  // namespace yiwang::portal
