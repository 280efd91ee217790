// The online-services module put together (网上办事): the stores and the
// application service, the case steps registered on the workflow engine,
// and the notices sent at each step of a case — a message in the
// applicant's message centre and an e-mail through the outbox, both in the
// transaction of the step.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/work_calendar.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "forms/attachment_store.hpp"
#include "identity/organ_store.hpp"
#include "mail/outbox.hpp"
#include "registry/base_registry.hpp"
#include "registry/division_store.hpp"
#include "render/catalogue.hpp"
#include "services/applications.hpp"
#include "services/case_steps.hpp"
#include "services/case_store.hpp"
#include "services/item_catalogue.hpp"
#include "services/licence_store.hpp"
#include "services/message_centre.hpp"
#include "services/ratings.hpp"
#include "workflow/engine.hpp"

namespace yiwang::services {

struct OnlineServicesParts {
  db::Database& db;
  const core::WorkCalendar& calendar;
  const render::Catalogue& catalogue;  // the notices' texts (zh-CN)
  ItemCatalogue& items;
  workflow::Engine& engine;
  registry::RegistryStore& registry;
  registry::DivisionStore& divisions;
  identity::OrganStore& organs;
  mail::Outbox& outbox;
  std::string base_url;             // of the public site, for links in e-mails
  std::filesystem::path share_dir;  // holds data/processes/ (the platform's own processes)
  CaseStore::Clock clock = {};
};

class OnlineServices {
 public:
  explicit OnlineServices(const OnlineServicesParts& parts);

  // The migrations of the stores, in order.
  static std::vector<db::Migration> migrations();

  // Sets what makes the documents of the procedure (before serving).
  void set_document_maker(DocumentMaker maker) { maker_ = std::move(maker); }
  // Sets what issues licences (before serving).
  void set_licence_issuer(LicenceIssuer issuer) { issuer_ = std::move(issuer); }

  CaseStore& cases() { return cases_; }
  MessageCentre& messages() { return messages_; }
  forms::AttachmentStore& attachments() { return attachments_; }
  LicenceStore& licences() { return licences_; }
  Ratings& ratings() { return ratings_; }
  Applications& applications() { return applications_; }
  ItemCatalogue& items() { return items_; }

 private:
  void notify(soci::session& s, const CaseRecord& c, const CaseEvent& e);

  const render::Catalogue& catalogue_;
  ItemCatalogue& items_;
  mail::Outbox& outbox_;
  std::string base_url_;
  CaseStore cases_;
  LicenceStore licences_;
  MessageCentre messages_;
  forms::AttachmentStore attachments_;
  Applications applications_;
  Ratings ratings_;
  DocumentMaker maker_;
  LicenceIssuer issuer_;
};

}  // namespace yiwang::services
