#include "services/online_services.hpp"

#include <spdlog/spdlog.h>

#include "services/registry_steps.hpp"

namespace yiwang::services {

OnlineServices::OnlineServices(const OnlineServicesParts& p)
    : catalogue_(p.catalogue),
      items_(p.items),
      outbox_(p.outbox),
      base_url_(p.base_url),
      cases_(p.db, p.calendar, p.clock),
      licences_(p.db, p.clock),
      messages_(p.db),
      attachments_(p.db),
      applications_(p.items, cases_, licences_, p.engine, p.registry, p.divisions),
      ratings_(p.db, cases_, p.engine, p.organs, p.share_dir) {
  cases_.set_listener(
      [this](soci::session& s, const CaseRecord& c, const CaseEvent& e) { notify(s, c, e); });
  register_case_steps(
      p.engine, cases_,
      [this](soci::session& s, const CaseRecord& c, std::string_view kind,
             const std::string& actor) {
        if (maker_) maker_(s, c, kind, actor);
      },
      [this](soci::session& s, const CaseRecord& c, const nlohmann::json& registered,
             const std::string& actor) {
        if (issuer_) issuer_(s, c, registered, actor);
      });
  register_registry_steps(p.engine, {cases_, p.items, p.registry, p.organs, p.catalogue});
}

std::vector<db::Migration> OnlineServices::migrations() {
  std::vector<db::Migration> all = forms::AttachmentStore::migrations();
  for (auto list : {CaseStore::migrations(), MessageCentre::migrations(),
                    LicenceStore::migrations(), Ratings::migrations()})
    all.insert(all.end(), list.begin(), list.end());
  return all;
}

void OnlineServices::notify(soci::session& s, const CaseRecord& c, const CaseEvent& e) {
  constexpr std::string_view lang = render::Catalogue::kDefaultLanguage;
  std::string link = "/services/cases/" + c.number;
  std::string title =
      catalogue_.text(lang, "services.notice.title", {{"item", c.item_name}, {"number", c.number}});
  std::string body = catalogue_.text(lang, e.key, {{"detail", e.detail}});
  MessageCentre::post(s, c.applicant, title, body, link);
  if (c.notify_email.empty()) return;
  mail::Message m;
  m.to = c.notify_email;
  m.subject = title;
  m.body = body + "\n\n" +
           catalogue_.text(lang, "services.notice.mail_link", {{"url", base_url_ + link}}) + "\n";
  // An address the outbox refuses (changed rules) must not stop the case.
  if (auto queued = outbox_.enqueue(s, m); !queued)
    spdlog::warn("case {}: notice not mailed: {}", c.number, queued.error().key);
}

}  // namespace yiwang::services
