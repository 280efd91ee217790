// The service catalogue on the engine under test: versions written as
// drafts, submitted, published by another person (four eyes), superseded by
// later versions, retired with a reason; the portal's list filtered by
// organ, audience, theme and text; every change audited.
#include <gtest/gtest.h>

#include "audit/audit_log.hpp"
#include "search/search_documents.hpp"
#include "services/item_catalogue.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using services::Audience;
using services::CatalogueFilter;
using services::ServiceItem;
using services::VersionState;
using yiwang::test::TempDir;
using yiwang::test::TestDatabase;

namespace {

struct World {
  TempDir dir;
  TestDatabase tdb{dir.path()};
  std::unique_ptr<db::Database> db;
  std::unique_ptr<services::ItemCatalogue> items;

  bool ready() {
    db = test::open_migrated(tdb,
                             {audit::AuditLog::migrations(), services::ItemCatalogue::migrations(),
                              search::SearchDocuments::migrations()});
    if (!db) return false;
    items = std::make_unique<services::ItemCatalogue>(*db);
    return true;
  }
  long long audits(const std::string& event) {
    long long n = 0;
    *db->acquire() << "SELECT COUNT(*) FROM audit_records WHERE event = :e", soci::use(event),
        soci::into(n);
    return n;
  }
};

audit::AuditEvent who(const std::string& account) {
  audit::AuditEvent e;
  e.account = account;
  e.organ = "-";
  e.source = "test";
  return e;
}

ServiceItem item(const std::string& code, const std::string& name, Audience audience,
                 std::vector<std::string> themes) {
  auto parsed = services::parse_service_item(nlohmann::json{
      {"code", code},
      {"name", name},
      {"type", "licensing"},
      {"legal_basis", "《示范条例》第一条"},
      {"conditions", "符合条件"},
      {"procedure", "申请、受理、审查、决定"},
      {"statutory_days", 20},
      {"promised_days", 5},
      {"fees", "不收费"},
      {"place", "政务服务中心"},
      {"hours", "工作日"},
      {"visits", 0},
      {"phone", "0591-87654321"},
      {"complaint_phone", "12345"},
      {"audience", std::string(services::audience_name(audience))},
      {"themes", themes},
      {"process_key", "generic_licence"},
      {"form",
       {{"title", name + "申请表"},
        {"fields", {{{"name", "reason"}, {"type", "text"}, {"label", "申请事由"}}}}}}});
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().front().key);
  return parsed ? *parsed : ServiceItem{};
}

}  // namespace

TEST(ServiceCatalogue, AVersionIsPublishedOnlyAfterAnotherPersonReviewsIt) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  auto draft = w.items->save_draft(
      item("SX-001", "食品经营许可", Audience::enterprise, {"开办企业"}), 7, who("editor"));
  ASSERT_TRUE(draft) << draft.error().key;
  EXPECT_EQ(draft->version, 1);
  EXPECT_EQ(draft->state, VersionState::draft);
  long long id = draft->item_id;
  EXPECT_FALSE(*w.items->published("SX-001"));  // a draft is not on the portal

  // Saving again replaces the open draft instead of stacking versions.
  auto again = w.items->save_draft(
      item("SX-001", "食品经营许可证核发", Audience::enterprise, {"开办企业"}), 7, who("editor"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->version, 1);
  EXPECT_EQ(again->item.name, "食品经营许可证核发");

  EXPECT_EQ(w.items->review(id, true, "", who("reviewer")).error().key,
            "services.catalogue.nothing_to_review");
  ASSERT_TRUE(w.items->submit(id, who("editor")));
  // Under review: no edits, and the author cannot approve their own version.
  EXPECT_EQ(w.items->save_draft(item("SX-001", "改名", Audience::enterprise, {}), 7, who("editor"))
                .error()
                .key,
            "services.catalogue.in_review");
  EXPECT_EQ(w.items->review(id, true, "", who("editor")).error().key,
            "services.catalogue.own_version");
  // A rejection needs a note; then it goes back to the author.
  EXPECT_EQ(w.items->review(id, false, "  ", who("reviewer")).error().field, "note");
  auto rejected = w.items->review(id, false, "设定依据不完整", who("reviewer"));
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->state, VersionState::rejected);
  EXPECT_EQ(rejected->review_note, "设定依据不完整");
  EXPECT_FALSE(*w.items->published("SX-001"));

  // Version 2, submitted and approved by the reviewer: on the portal.
  auto v2 = w.items->save_draft(
      item("SX-001", "食品经营许可证核发", Audience::enterprise, {"开办企业"}), 7, who("editor"));
  ASSERT_TRUE(v2);
  EXPECT_EQ(v2->version, 2);
  ASSERT_TRUE(w.items->submit(id, who("editor")));
  auto published = w.items->review(id, true, "", who("reviewer"));
  ASSERT_TRUE(published) << published.error().key;
  EXPECT_EQ(published->state, VersionState::published);
  EXPECT_EQ(published->reviewer, "reviewer");
  auto shown = w.items->published("SX-001");
  ASSERT_TRUE(shown && *shown);
  EXPECT_EQ((*shown)->published_version, 2);
  EXPECT_EQ((*shown)->published->name, "食品经营许可证核发");

  // Version 3 in draft leaves version 2 on the portal; published, it supersedes 2.
  ASSERT_TRUE(w.items->save_draft(
      item("SX-001", "食品经营许可证核发（新）", Audience::enterprise, {"开办企业"}), 7,
      who("editor")));
  EXPECT_EQ((*w.items->published("SX-001"))->published->name, "食品经营许可证核发");
  ASSERT_TRUE(w.items->submit(id, who("editor")));
  ASSERT_TRUE(w.items->review(id, true, "", who("reviewer")));
  auto versions = w.items->versions(id);
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].state, VersionState::published);
  EXPECT_EQ((*versions)[1].state, VersionState::superseded);
  EXPECT_EQ((*versions)[2].state, VersionState::rejected);

  // Another organ cannot take over the code.
  EXPECT_EQ(
      w.items->save_draft(item("SX-001", "冒名", Audience::both, {}), 8, who("other")).error().key,
      "services.catalogue.other_organ");

  EXPECT_EQ(w.audits("services.item.draft_saved"), 4);
  EXPECT_EQ(w.audits("services.item.submitted"), 3);
  EXPECT_EQ(w.audits("services.item.rejected"), 1);
  EXPECT_EQ(w.audits("services.item.published"), 2);
}

TEST(ServiceCatalogue, RetiredItemsLeaveThePortalWithAReason) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  auto d = w.items->save_draft(item("SX-002", "居住证申领", Audience::individual, {"居住"}), 3,
                               who("editor"));
  ASSERT_TRUE(d);
  EXPECT_EQ(w.items->retire(d->item_id, true, "停办", who("editor")).error().key,
            "services.catalogue.not_published");
  ASSERT_TRUE(w.items->submit(d->item_id, who("editor")));
  ASSERT_TRUE(w.items->review(d->item_id, true, "", who("reviewer")));
  // The published guide is searchable (its search document written with the
  // publication), not while retired, and again once restored.
  auto guides = [&] {
    std::vector<std::string> out;
    EXPECT_TRUE(search::SearchDocuments::each_live(*w.db, [&](const search::DocumentChange& c) {
      out.push_back(c.doc.id + " " + c.doc.title);
    }));
    return out;
  };
  EXPECT_EQ(guides(), std::vector<std::string>{"guide:SX-002 居住证申领"});
  EXPECT_EQ(w.items->retire(d->item_id, true, "", who("editor")).error().field, "reason");
  auto retired = w.items->retire(d->item_id, true, "依据废止", who("editor"));
  ASSERT_TRUE(retired);
  EXPECT_TRUE(retired->retired);
  EXPECT_EQ(retired->retired_reason, "依据废止");
  EXPECT_FALSE(*w.items->published("SX-002"));
  EXPECT_EQ(w.items->list_published({}, 0, 10)->total, 0);
  EXPECT_TRUE(guides().empty());
  ASSERT_TRUE(w.items->retire(d->item_id, false, "", who("editor")));
  EXPECT_TRUE(*w.items->published("SX-002"));
  EXPECT_EQ(guides().size(), 1u);
  EXPECT_EQ(w.audits("services.item.retired"), 1);
  EXPECT_EQ(w.audits("services.item.restored"), 1);
}

TEST(ServiceCatalogue, ThePortalListFiltersByOrganAudienceThemeAndText) {
  World w;
  if (!w.ready()) GTEST_SKIP() << "engine unavailable";
  auto publish = [&](const ServiceItem& i, long long organ) {
    auto d = w.items->save_draft(i, organ, who("editor"));
    ASSERT_TRUE(d) << d.error().key;
    ASSERT_TRUE(w.items->submit(d->item_id, who("editor")));
    ASSERT_TRUE(w.items->review(d->item_id, true, "", who("reviewer")));
  };
  publish(item("QY-1", "企业开办", Audience::enterprise, {"开办企业"}), 4);
  publish(item("GR-1", "居住证申领", Audience::individual, {"居住"}), 3);
  publish(item("GR-2", "出生医学证明", Audience::individual, {"出生"}), 5);
  publish(item("TY-1", "100%_特殊名称", Audience::both, {"开办企业", "就业"}), 4);
  ASSERT_TRUE(w.items->save_draft(item("QY-2", "草稿事项", Audience::enterprise, {}), 4,
                                  who("editor")));  // not published

  auto codes = [&](const CatalogueFilter& f) {
    std::vector<std::string> out;
    auto page = w.items->list_published(f, 0, 50);
    EXPECT_TRUE(page.has_value());
    if (page)
      for (const auto& e : page->entries) out.push_back(e.code);
    return out;
  };
  // By name (pinyin order is not asked for: the database's order of names).
  EXPECT_EQ(codes({}).size(), 4u);
  EXPECT_EQ(codes({.organ_id = 4}), (std::vector<std::string>{"TY-1", "QY-1"}));
  EXPECT_EQ(codes({.organ_id = 0, .audience = Audience::individual}).size(), 3u);  // + both
  EXPECT_EQ(codes({.organ_id = 0, .audience = Audience::enterprise}),
            (std::vector<std::string>{"TY-1", "QY-1"}));
  EXPECT_EQ(codes({.organ_id = 0, .audience = std::nullopt, .theme = "开办企业"}),
            (std::vector<std::string>{"TY-1", "QY-1"}));
  EXPECT_EQ(codes({.organ_id = 0, .audience = std::nullopt, .theme = "", .query = "居住"}),
            (std::vector<std::string>{"GR-1"}));
  EXPECT_EQ(codes({.organ_id = 0, .audience = std::nullopt, .theme = "", .query = "GR-"}).size(),
            2u);
  // LIKE wildcards typed by the user are literal; SQL fragments are data.
  EXPECT_EQ(codes({.organ_id = 0, .audience = std::nullopt, .theme = "", .query = "%"}),
            (std::vector<std::string>{"TY-1"}));
  EXPECT_EQ(codes({.organ_id = 0, .audience = std::nullopt, .theme = "", .query = "_"}),
            (std::vector<std::string>{"TY-1"}));
  EXPECT_TRUE(codes({.organ_id = 0, .audience = std::nullopt, .theme = "", .query = "' OR 1=1 --"})
                  .empty());
  // Paging keeps the total.
  auto page = w.items->list_published({}, 1, 2);
  EXPECT_EQ(page->total, 4);
  EXPECT_EQ(page->entries.size(), 2u);
  // The intranet list has drafts too.
  EXPECT_EQ(w.items->list_all(4, 0, 50)->total, 3);
}
