#include "services/applications.hpp"

#include "core/china_time.hpp"
#include "forms/attachment_store.hpp"
#include "services/case_error.hpp"
#include "services/prefill.hpp"

namespace yiwang::services {

namespace {

// The files a submission accepted, stored in the caller's transaction.
void store_files(soci::session& s, const forms::Submission& sub) {
  for (const auto& f : sub.files) forms::AttachmentStore::put(s, f.data, f.mime);
}

// Runs a case step for the engine: a CaseError becomes the engine's Fault,
// so the transaction rolls back with the step's own error.
template <class F>
void as_fault(F&& fn) {
  try {
    fn();
  } catch (const CaseError& e) {
    throw workflow::Fault(e.error);
  }
}

}  // namespace

nlohmann::json Applications::prefill(const Applicant& a) {
  nlohmann::json out = nlohmann::json::object();
  auto division_name = [&](std::string_view code) { return divisions_.full_name(code); };
  if (!a.citizen_number.empty())
    if (auto p = registry_.person(a.citizen_number); p && *p) out.update(person_bindings(**p));
  if (!a.credit_code.empty())
    if (auto e = registry_.entity(a.credit_code); e && *e)
      out.update(enterprise_bindings(**e, division_name));
  // The applicant's valid licences (licence.<key>.*).
  out.update(licences_.bindings(a.account, a.enterprise ? a.credit_code : a.citizen_number));
  // What the account itself says (checked when it registered), where no
  // record does.
  auto fill = [&](const char* binding, const std::string& value) {
    if (!out.contains(binding) && !value.empty()) out[binding] = value;
  };
  if (a.enterprise) {
    fill("enterprise.name", a.name);
    fill("enterprise.credit_code", a.credit_code);
    fill("enterprise.phone", a.phone);
  } else {
    fill("person.name", a.name);
    fill("person.citizen_id", a.citizen_number);
    fill("person.phone", a.phone);
  }
  return out;
}

forms::Context Applications::context(const Applicant& a) {
  forms::Context c;
  c.division_name = [this](std::string_view code) { return divisions_.full_name(code); };
  c.today = core::china_today();
  c.prefill = prefill(a);
  return c;
}

Result<CatalogueEntry> Applications::item(std::string_view code) {
  auto entry = items_.published(code);
  if (!entry) return std::unexpected(entry.error());
  if (!*entry || !(*entry)->published)
    return std::unexpected(
        Error("services.apply.not_found", "item", {{"code", std::string(code)}}));
  return std::move(**entry);
}

std::string Applications::subject_of(const ServiceItem& item, const nlohmann::json& values,
                                     const Applicant& a) const {
  for (const auto& f : item.form.fields)
    if (f.type == forms::FieldType::text && values.contains(f.name) && values[f.name].is_string() &&
        !values[f.name].get<std::string>().empty())
      return values[f.name].get<std::string>();
  return a.name;
}

Result<Applications::Opened> Applications::open(std::string_view code, long long draft_id,
                                                const Applicant& a) {
  auto entry = item(code);
  if (!entry) return std::unexpected(entry.error());
  Opened out{std::move(*entry), nlohmann::json::object()};
  if (draft_id != 0) {
    auto d = cases_.draft(draft_id, a.account);
    if (!d) return std::unexpected(d.error());
    if (!*d) return std::unexpected(Error("services.draft.not_found", "draft"));
    out.previous = (*d)->values;
  }
  return out;
}

Result<ApplyOutcome> Applications::save(std::string_view code, const http::FormData& posted,
                                        long long draft_id, const Applicant& a) {
  auto opened = open(code, draft_id, a);
  if (!opened) return std::unexpected(opened.error());
  ApplyOutcome out;
  out.submission =
      forms::read_submission(opened->entry.published->form, posted, opened->previous, context(a));
  // The files of a draft are kept with it, checked ones only.
  auto stored = db::guarded([&]() -> Result<void> {
    return cases_.database().transaction([&](soci::session& s) -> Result<void> {
      store_files(s, out.submission);
      return {};
    });
  });
  if (!stored) return std::unexpected(stored.error());
  auto d = cases_.save_draft(draft_id, a.account, opened->entry.code, out.submission.values);
  if (!d) return std::unexpected(d.error());
  out.draft = std::move(*d);
  return out;
}

Result<ApplyOutcome> Applications::submit(std::string_view code, const http::FormData& posted,
                                          long long draft_id, const Applicant& a) {
  auto opened = open(code, draft_id, a);
  if (!opened) return std::unexpected(opened.error());
  const CatalogueEntry* entry = &opened->entry;
  ApplyOutcome out;
  const ServiceItem& it = *entry->published;
  out.submission = forms::read_submission(it.form, posted, opened->previous, context(a));
  if (!out.submission.ok()) return out;

  NewCase nc;
  nc.item_id = entry->id;
  nc.item_code = entry->code;
  nc.item_name = it.name;
  nc.item_version = entry->published_version;
  nc.organ_id = entry->organ_id;
  nc.applicant = a.account;
  nc.applicant_name = a.name;
  nc.notify_email = a.email;
  nc.applicant_code = a.enterprise ? a.credit_code : a.citizen_number;
  nc.subject = subject_of(it, out.submission.values, a);
  nc.values = out.submission.values;
  nc.promised_days = it.promised_days;
  nc.statutory_days = it.statutory_days;

  workflow::Engine::StartInput start;
  start.process_key = it.process_key;
  start.title = it.name + "：" + nc.subject;
  CaseRecord created;
  start.before_run = [&](soci::session& s, workflow::Instance& instance) {
    as_fault([&] {
      store_files(s, out.submission);
      audit::AuditEvent who = a.audit;
      who.account = a.account;
      created = cases_.create(s, nc, who);
      cases_.set_instance(s, created.id, instance.id);
      created.instance_id = instance.id;
      instance.business_key = created.number;
      instance.variables["case"] = created.number;
      if (draft_id != 0) CaseStore::drop_draft(s, draft_id, a.account);
    });
  };
  start.variables = {{"applicant", a.account}, {"item", entry->code}, {"organ", entry->organ_id}};
  // The business key is the case number, made inside the transaction.
  workflow::Actor actor;
  actor.account = a.account;
  actor.name = a.name;
  actor.audit = a.audit;
  actor.on_behalf = true;
  auto started = engine_.start(start, actor);
  if (!started) return std::unexpected(started.error());
  auto record = cases_.find(created.number);
  if (!record) return std::unexpected(record.error());
  out.record = std::move(*record);
  return out;
}

Result<ApplyOutcome> Applications::correct(std::string_view number, const http::FormData& posted,
                                           const Applicant& a) {
  auto found = cases_.find(number);
  if (!found) return std::unexpected(found.error());
  if (!*found || (*found)->applicant != a.account)
    return std::unexpected(
        Error("services.case.not_found", "case", {{"number", std::string(number)}}));
  const CaseRecord& c = **found;
  if (c.state != CaseState::correction)
    return std::unexpected(
        Error("services.case.bad_state", "case",
              {{"from", std::string(case_state_name(c.state))}, {"to", "submitted"}}));
  auto version = items_.version_item(c.item_id, c.item_version);
  if (!version) return std::unexpected(version.error());
  const ServiceItem* it = version->has_value() ? &**version : nullptr;
  if (!it)
    return std::unexpected(Error("services.apply.not_found", "item", {{"code", c.item_code}}));
  ApplyOutcome out;
  out.submission = forms::read_submission(it->form, posted, c.values, context(a));
  if (!out.submission.ok()) return out;
  workflow::Actor actor;
  actor.account = a.account;
  actor.name = a.name;
  actor.audit = a.audit;
  actor.on_behalf = true;
  auto moved = engine_.message(c.instance_id, std::string(kCorrectedMessage), {}, actor,
                               [&](soci::session& s) {
                                 as_fault([&] {
                                   store_files(s, out.submission);
                                   cases_.corrected(s, c.number, out.submission.values, a.account);
                                 });
                               });
  if (!moved) return std::unexpected(moved.error());
  auto record = cases_.find(c.number);
  if (!record) return std::unexpected(record.error());
  out.record = std::move(*record);
  return out;
}

}  // namespace yiwang::services
