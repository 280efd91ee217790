// The intranet's pages of the service catalogue (事项库) over HTTP: an editor
// of organ A writes an item — told element by element what is wrong, with
// everything typed kept — saves it as a draft and submits it; holding the
// reviewer's permission too, the editor still may not publish their own
// version; another reviewer publishes it and the portal's guide shows it; a
// second version waits for review while the first stays published; a
// rejection needs a note; retiring, with a reason, takes the item off the
// portal. Nobody without the permissions reaches the pages, nobody reaches
// another organ's items, hostile text in every element is escaped or refused
// naming its element, and no form is taken without its CSRF token.
#include <algorithm>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/percent_encoding.hpp"
#include "services/permissions.hpp"
#include "tests/integration/service_world.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

const std::string kCsrf(64, 'e');
const char* kCode = "TEST-CAT-001";
const char* kName = "测试事项库事项";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

using test::by_account;
using Fields = std::vector<std::pair<std::string, std::string>>;

// The item the editor types: the shared test item (its form, materials
// bound to a file field, its licence template) under another code.
nlohmann::json typed_item() {
  nlohmann::json j = test::case_item_json();
  j["code"] = kCode;
  j["name"] = kName;
  j["special_procedures"] = "现场核查";
  j["faq"] = {{{"question", "可以代办吗？"}, {"answer", "可以。"}}};
  j["themes"] = {"开办企业", "准营"};
  return j;
}

// The editor's fields for an item, as a browser sends them.
Fields editor_fields(const nlohmann::json& j, const std::string& action = "save") {
  Fields out;
  auto text = [&](const char* key) {
    out.emplace_back(key, j.contains(key) ? j[key].get<std::string>() : "");
  };
  for (const char* key :
       {"code", "name", "type", "audience", "legal_basis", "conditions", "procedure",
        "special_procedures", "fees", "place", "hours", "phone", "complaint_phone", "process_key"})
    text(key);
  for (const char* key : {"statutory_days", "promised_days", "visits"})
    out.emplace_back(key, std::to_string(j[key].get<int>()));
  std::string themes;
  for (const auto& t : j.value("themes", nlohmann::json::array()))
    themes += (themes.empty() ? "" : "、") + t.get<std::string>();
  out.emplace_back("themes", themes);
  int i = 0;
  for (const auto& m : j.value("materials", nlohmann::json::array())) {
    std::string at = "materials." + std::to_string(i++) + ".";
    out.emplace_back(at + "name", m.value("name", ""));
    out.emplace_back(at + "form", m.value("form", "electronic"));
    out.emplace_back(at + "count", std::to_string(m.value("count", 1)));
    if (m.value("required", true)) out.emplace_back(at + "required", "yes");
    out.emplace_back(at + "note", m.value("note", ""));
    out.emplace_back(at + "field", m.value("field", ""));
  }
  // The blank row a page offers below them, sent empty.
  std::string blank = "materials." + std::to_string(i) + ".";
  for (const char* part : {"name", "count", "note", "field"}) out.emplace_back(blank + part, "");
  out.emplace_back(blank + "form", "electronic");
  out.emplace_back(blank + "required", "yes");
  i = 0;
  for (const auto& q : j.value("faq", nlohmann::json::array())) {
    std::string at = "faq." + std::to_string(i++) + ".";
    out.emplace_back(at + "question", q.value("question", ""));
    out.emplace_back(at + "answer", q.value("answer", ""));
  }
  out.emplace_back("form", j["form"].dump(2));
  out.emplace_back("licence", j.contains("licence") ? j["licence"].dump(2) : "");
  out.emplace_back("registers_entity", "");
  out.emplace_back("_action", action);
  return out;
}

void set(Fields& fields, const std::string& name, const std::string& value) {
  for (auto& [n, v] : fields)
    if (n == name) {
      v = value;
      return;
    }
  fields.emplace_back(name, value);
}

class ServiceCataloguePagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    ASSERT_NO_FATAL_FAILURE(world_.set_up(*server_));
    auto& app = server_->app();
    auto sec = by_account("secadmin");
    auto editor = app.roles().create_role({"事项编辑", "", {services::perm::kItemEdit}}, sec);
    auto reviewer = app.roles().create_role({"事项审核", "", {services::perm::kItemReview}}, sec);
    ASSERT_TRUE(editor && reviewer);
    long long a = world_.organ_a.id, b = world_.organ_b.id;
    // bian.a writes A's items and may review them too (not their own versions).
    long long bian_a = world_.staff(*server_, "bian.a", "编辑甲", a);
    ASSERT_TRUE(app.roles().grant(bian_a, editor->id, a, false, sec));
    ASSERT_TRUE(app.roles().grant(bian_a, reviewer->id, a, false, sec));
    ASSERT_TRUE(app.roles().grant(world_.staff(*server_, "shen.he", "审核甲", a), reviewer->id, a,
                                  false, sec));
    ASSERT_TRUE(app.roles().grant(world_.staff(*server_, "bian.b", "编辑乙", b), editor->id, b,
                                  false, sec));
    app.authorizer().clear_cache();
  }

  std::string session(const std::string& name) {
    auto it = sessions_.find(name);
    if (it != sessions_.end()) return it->second;
    return sessions_[name] = test::start_session(server_->app(), name, "intranet");
  }

  HttpResult get(const std::string& who, const std::string& target) {
    return server_->get(Zone::intranet, target, test::session_cookies(session(who), kCsrf));
  }

  HttpResult post(const std::string& who, const std::string& target, const Fields& fields) {
    return test::post_form(*server_, Zone::intranet, target, session(who), kCsrf, fields);
  }

  // The item's page path from a redirect after saving.
  static std::string item_path(const HttpResult& r) {
    std::smatch m;
    std::string location = r.header("location");
    EXPECT_TRUE(std::regex_search(location, m, std::regex("^(/services/catalogue/[0-9]+)\\?done=")))
        << r.status << " " << location << "\n"
        << r.body.substr(0, 2000);
    return m.size() > 1 ? m[1].str() : "/services/catalogue/0";
  }

  std::string create(const std::string& who, const nlohmann::json& item,
                     const std::string& action = "save") {
    Fields f = editor_fields(item, action);
    set(f, "organ_id", std::to_string(world_.organ_a.id));
    auto r = post(who, "/services/catalogue/new", f);
    EXPECT_EQ(r.status, 303) << r.body.substr(0, 3000);
    return item_path(r);
  }

  long long items() {
    auto all = server_->app().service_items().list_all(0, 0, 200);
    return all ? all->total : -1;
  }

  std::string guide(const std::string& code, int status) {
    auto r = server_->get(Zone::internet, "/services/items/" + code);
    EXPECT_EQ(r.status, status) << code;
    return r.body;
  }

  std::unique_ptr<TestServer> server_;
  test::ServiceWorld world_;
  std::map<std::string, std::string> sessions_;
};

}  // namespace

TEST_F(ServiceCataloguePagesTest, AnItemIsWrittenReviewedPublishedRevisedAndRetired) {
  // The list of A's items, with the one the world published.
  auto list = get("bian.a", "/services/catalogue");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_TRUE(contains(list.body, "TEST-LIC-001"));
  EXPECT_TRUE(contains(list.body, "测试经营许可"));
  EXPECT_TRUE(contains(list.body, "href=\"/services/catalogue/new\""));
  EXPECT_TRUE(contains(list.body, "href=\"/services/catalogue\""));  // the navigation link
  EXPECT_TRUE(contains(list.body, "href=\"/services/review\""));     // bian.a reviews too

  // The empty editor: every element, the form schema prefilled, both buttons.
  auto blank = get("bian.a", "/services/catalogue/new");
  ASSERT_EQ(blank.status, 200);
  for (const char* id : {"f-organ_id",
                         "f-code",
                         "f-name",
                         "f-type",
                         "f-audience",
                         "f-legal_basis",
                         "f-conditions",
                         "f-materials-0-name",
                         "f-materials-0-count",
                         "f-procedure",
                         "f-statutory_days",
                         "f-promised_days",
                         "f-special_procedures",
                         "f-fees",
                         "f-place",
                         "f-hours",
                         "f-visits",
                         "f-phone",
                         "f-complaint_phone",
                         "f-faq-0-question",
                         "f-themes",
                         "f-process_key",
                         "f-form",
                         "f-licence",
                         "f-registers_entity"}) {
    EXPECT_TRUE(contains(blank.body, std::string("id=\"") + id + "\"")) << id;
    EXPECT_TRUE(contains(blank.body, std::string("<label for=\"") + id + "\"")) << id;
  }
  EXPECT_TRUE(contains(blank.body, "&quot;fields&quot;: []"));
  EXPECT_TRUE(contains(blank.body, "value=\"save\" class=\"secondary\">保存草稿</button>"));
  EXPECT_TRUE(contains(blank.body, "value=\"submit\">提交审核</button>"));
  EXPECT_TRUE(contains(blank.body, "name=\"_csrf\""));

  // What is wrong is told at each element, naming it and the rule; what was
  // typed is all shown again, escaped; nothing is saved.
  Fields bad = editor_fields(typed_item());
  set(bad, "organ_id", std::to_string(world_.organ_a.id));
  set(bad, "name", "");
  set(bad, "promised_days", "30");
  set(bad, "legal_basis", "<script>alert('x')</script>第一条");
  set(bad, "materials.0.count", "三份");
  std::string broken = "{\n  \"title\": \"申请表\",\n  \"fields\": [ oops ]\n}";
  set(bad, "form", broken);
  auto refused = post("bian.a", "/services/catalogue/new", bad);
  ASSERT_EQ(refused.status, 400) << refused.body.substr(0, 2000);
  const std::string& r = refused.body;
  EXPECT_TRUE(contains(r, "事项名称：必须填写。"));
  EXPECT_TRUE(contains(r, "承诺办结时限：承诺办结时限不能超过法定办结时限（20 个工作日）。"));
  EXPECT_TRUE(contains(r, "申请材料第 1 项 · 份数：应为 1 到 99 之间的整数。"));
  EXPECT_TRUE(contains(r, "申请表：不是有效的 JSON（第 3 行第 15 个字附近）。")) << r;
  EXPECT_TRUE(contains(r, "<a href=\"#f-name\">"));
  EXPECT_TRUE(contains(r, "<p class=\"field-error\" id=\"f-promised_days-error\">"));
  EXPECT_TRUE(contains(r, "aria-invalid=\"true\""));
  // The broken form schema did not also bring errors of the materials' file
  // field or the licence, which refer to it.
  EXPECT_FALSE(contains(r, "不是文件字段"));
  EXPECT_FALSE(contains(r, "不是申请表中可以写入证照的字段"));
  // Kept: the numbers, the rows, the JSON as typed, the script escaped.
  EXPECT_TRUE(contains(r,
                       "id=\"f-promised_days\" name=\"promised_days\" type=\"text\" "
                       "inputmode=\"numeric\" value=\"30\""));
  EXPECT_TRUE(contains(r, "value=\"三份\""));
  EXPECT_TRUE(contains(r, "营业场所证明"));
  EXPECT_TRUE(contains(r, "&quot;fields&quot;: [ oops ]"));
  EXPECT_TRUE(contains(r, "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;第一条"));
  EXPECT_FALSE(contains(r, "<script>alert"));
  EXPECT_TRUE(contains(r, "&quot;key&quot;: &quot;test_licence&quot;"));  // the licence too
  EXPECT_TRUE(contains(r, "现场核查"));
  EXPECT_TRUE(contains(r, "开办企业、准营"));
  EXPECT_TRUE(contains(r, "可以代办吗？"));
  EXPECT_EQ(items(), 1);

  // Saved as a draft.
  std::string item = create("bian.a", typed_item());
  std::string id = item.substr(item.rfind('/') + 1);
  EXPECT_EQ(items(), 2);
  auto draft = get("bian.a", item + "?done=saved");
  ASSERT_EQ(draft.status, 200);
  EXPECT_TRUE(contains(draft.body, "草稿已保存。"));
  EXPECT_TRUE(contains(draft.body, "<span class=\"code\">TEST-CAT-001</span>"));
  EXPECT_TRUE(contains(draft.body, "版本 1 · 草稿"));
  EXPECT_TRUE(contains(draft.body, "尚未发布"));
  EXPECT_TRUE(contains(draft.body, "<td>bian.a</td>"));
  EXPECT_TRUE(contains(draft.body, "value=\"TEST-CAT-001\" maxlength=\"40\" readonly"));
  EXPECT_TRUE(contains(draft.body, "&quot;element&quot;: &quot;scope&quot;"));  // pretty-printed
  EXPECT_FALSE(contains(draft.body, "在门户查看已发布的办事指南"));
  guide(kCode, 404);

  // Submitted: read-only until reviewed.
  Fields again = editor_fields(typed_item(), "submit");
  set(again, "base", "1");
  auto submitted = post("bian.a", item, again);
  ASSERT_EQ(submitted.status, 303) << submitted.body.substr(0, 2000);
  EXPECT_EQ(submitted.header("location"), item + "?done=submitted");
  auto waiting = get("bian.a", item);
  EXPECT_TRUE(contains(waiting.body, "版本 1 · 待审核"));
  EXPECT_TRUE(contains(waiting.body, "最新版本正在审核，审核完成前不能修改。"));
  EXPECT_FALSE(contains(waiting.body, "value=\"save\""));
  // The author holds the reviewer's permission, and is shown the review form
  // with the rule, and refused.
  EXPECT_TRUE(contains(waiting.body, "这是你编写的版本，须由另一位审核人审核。"));
  auto own = post("bian.a", "/services/review/" + id, {{"decision", "publish"}});
  EXPECT_EQ(own.status, 403);
  EXPECT_TRUE(contains(own.body, "不能审核自己编写的版本，请由另一位审核人审核。"));
  guide(kCode, 404);

  // Another reviewer finds it among what awaits review and publishes it.
  auto queue = get("shen.he", "/services/review");
  ASSERT_EQ(queue.status, 200);
  EXPECT_TRUE(contains(queue.body, "href=\"/services/review/" + id + "\""));
  EXPECT_FALSE(contains(queue.body, "TEST-LIC-001"));  // published, nothing to review
  EXPECT_TRUE(contains(get("shen.he", "/services/review?state=all").body, "TEST-LIC-001"));
  auto review = get("shen.he", "/services/review/" + id);
  ASSERT_EQ(review.status, 200);
  EXPECT_TRUE(contains(review.body, "value=\"publish\">发布</button>"));
  EXPECT_TRUE(contains(review.body, "readonly"));
  EXPECT_FALSE(contains(review.body, "这是你编写的版本"));
  EXPECT_FALSE(contains(review.body, "编辑此事项"));  // shen.he does not edit
  auto published = post("shen.he", "/services/review/" + id, {{"decision", "publish"}});
  ASSERT_EQ(published.status, 303) << published.body.substr(0, 2000);
  EXPECT_EQ(published.header("location"), "/services/review/" + id + "?done=published");
  std::string portal = guide(kCode, 200);
  EXPECT_TRUE(contains(portal, kName));
  EXPECT_TRUE(contains(portal, "现场核查"));
  auto shown = get("bian.a", item);
  EXPECT_TRUE(contains(shown.body, "版本 1 · 已发布"));
  EXPECT_TRUE(contains(shown.body, "/services/items/TEST-CAT-001\">在门户查看已发布的办事指南"));
  EXPECT_TRUE(contains(shown.body, "<td>shen.he</td>"));

  // A second version waits for review; the first stays on the portal.
  nlohmann::json second = typed_item();
  second["name"] = std::string(kName) + "（修订）";
  Fields revised = editor_fields(second, "submit");
  set(revised, "base", "1");
  ASSERT_EQ(post("bian.a", item, revised).status, 303);
  auto versions = server_->app().service_items().versions(std::stoll(id));
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].state, services::VersionState::in_review);
  EXPECT_EQ((*versions)[1].state, services::VersionState::published);
  portal = guide(kCode, 200);
  EXPECT_TRUE(contains(portal, kName));
  EXPECT_FALSE(contains(portal, "（修订）"));
  auto two = get("bian.a", item);
  EXPECT_TRUE(contains(two.body, "版本 2 · 待审核"));
  EXPECT_TRUE(contains(two.body, "<dd>版本 1</dd>"));

  // A rejection needs a note; the note is kept in the history.
  auto no_note = post("shen.he", "/services/review/" + id, {{"decision", "reject"}});
  EXPECT_EQ(no_note.status, 400);
  EXPECT_TRUE(contains(no_note.body, "审核意见：必须填写。"));
  auto no_decision = post("shen.he", "/services/review/" + id, {{"note", "再看看"}});
  EXPECT_EQ(no_decision.status, 400);
  EXPECT_TRUE(contains(no_decision.body, "审核结论：请选择发布或驳回。"));
  EXPECT_TRUE(contains(no_decision.body, ">再看看</textarea>"));
  auto rejected =
      post("shen.he", "/services/review/" + id, {{"decision", "reject"}, {"note", "名称不规范"}});
  ASSERT_EQ(rejected.status, 303);
  auto after = get("bian.a", item);
  EXPECT_TRUE(contains(after.body, "版本 2 · 已驳回"));
  EXPECT_TRUE(contains(after.body, "<td>名称不规范</td>"));
  EXPECT_TRUE(contains(guide(kCode, 200), kName));

  // Saving from a page older than the latest version is refused, the input kept.
  Fields stale = editor_fields(second);
  set(stale, "base", "1");
  set(stale, "hours", "周一至周五");
  auto changed = post("bian.a", item, stale);
  EXPECT_EQ(changed.status, 400);
  EXPECT_TRUE(contains(changed.body, "你编辑期间，事项已保存了第 2 版。"));
  EXPECT_TRUE(contains(changed.body, "value=\"周一至周五\""));

  // Retiring needs a reason, and takes the item off the portal; restoring
  // puts it back.
  auto no_reason = post("bian.a", item + "/retire", {{"_action", "retire"}, {"reason", " "}});
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_TRUE(contains(no_reason.body, "原因：必须填写。"));
  auto retired = post("bian.a", item + "/retire", {{"_action", "retire"}, {"reason", "职能调整"}});
  ASSERT_EQ(retired.status, 303);
  guide(kCode, 404);
  EXPECT_FALSE(contains(server_->get(Zone::internet, "/services").body, kName));
  auto off = get("bian.a", item);
  EXPECT_TRUE(contains(off.body, "已下线"));
  EXPECT_TRUE(contains(off.body, "职能调整"));
  EXPECT_TRUE(contains(off.body, "value=\"restore\""));
  EXPECT_TRUE(contains(get("bian.a", "/services/catalogue?state=retired").body, kCode));
  EXPECT_FALSE(contains(get("bian.a", "/services/catalogue?state=published").body, kCode));
  ASSERT_EQ(post("bian.a", item + "/retire", {{"_action", "restore"}}).status, 303);
  EXPECT_TRUE(contains(guide(kCode, 200), kName));

  // English.
  auto en = get("bian.a", item + "?lang=en");
  EXPECT_TRUE(contains(en.body, "Save draft"));
  EXPECT_TRUE(contains(en.body, "Versions"));
}

TEST_F(ServiceCataloguePagesTest, TheListIsSearchedSortedAndPaged) {
  auto& items = server_->app().service_items();
  for (int i = 1; i <= 22; ++i) {
    nlohmann::json j = typed_item();
    std::string n = (i < 10 ? "0" : "") + std::to_string(i);
    j["code"] = "LIST-" + n;
    j["name"] = "列表事项" + n;
    auto parsed = services::parse_service_item(j);
    ASSERT_TRUE(parsed);
    ASSERT_TRUE(items.save_draft(*parsed, world_.organ_a.id, by_account("bian.a")));
  }
  auto first = get("bian.a", "/services/catalogue");
  ASSERT_EQ(first.status, 200);
  EXPECT_TRUE(contains(first.body, "条，共 23 条"));
  EXPECT_TRUE(contains(first.body, "href=\"/services/catalogue?page=2\""));
  auto by_code = get("bian.a", "/services/catalogue?sort=code&dir=desc");
  EXPECT_TRUE(contains(by_code.body, "aria-sort=\"descending\""));
  auto at = [](const std::string& body, const std::string& part) { return body.find(part); };
  EXPECT_LT(at(by_code.body, "TEST-LIC-001"), at(by_code.body, "LIST-22"));
  EXPECT_LT(at(by_code.body, "LIST-22"), at(by_code.body, "LIST-21"));
  auto found = get("bian.a", "/services/catalogue?q=" + http::percent_encode("事项07"));
  EXPECT_TRUE(contains(found.body, "LIST-07"));
  EXPECT_FALSE(contains(found.body, "LIST-08"));
  EXPECT_TRUE(contains(found.body, "value=\"事项07\""));
  auto drafts = get("bian.a", "/services/catalogue?state=draft");
  EXPECT_TRUE(contains(drafts.body, "条，共 22 条"));
  EXPECT_TRUE(contains(drafts.body, "版本 1 · 草稿"));
  // Wildcards and SQL are text.
  for (const char* q : {"%", "_", "' OR 1=1 --", "'; DROP TABLE svc_items;--"}) {
    auto r = get("bian.a", "/services/catalogue?q=" + http::percent_encode(q));
    EXPECT_EQ(r.status, 200) << q;
    EXPECT_TRUE(contains(r.body, "没有符合条件的事项。")) << q;
  }
  EXPECT_EQ(items.list_all(0, 0, 200)->total, 23);
}

TEST_F(ServiceCataloguePagesTest, OnlyHoldersOfThePermissionsReachTheirOrgansItems) {
  std::string item = create("bian.a", typed_item(), "submit");
  std::string id = item.substr(item.rfind('/') + 1);
  std::string a_item =
      std::to_string(server_->app().service_items().published("TEST-LIC-001")->value().id);
  // No permission: refused, and no navigation link.
  for (const char* target : {"/services/catalogue", "/services/catalogue/new", "/services/review"})
    EXPECT_EQ(get("pang.guan", target).status, 403) << target;
  EXPECT_EQ(get("pang.guan", item).status, 403);
  EXPECT_EQ(get("pang.guan", "/services/review/" + id).status, 403);
  EXPECT_EQ(post("pang.guan", "/services/catalogue/new", editor_fields(typed_item())).status, 403);
  EXPECT_EQ(post("pang.guan", "/services/review/" + id, {{"decision", "publish"}}).status, 403);
  EXPECT_FALSE(contains(get("pang.guan", "/").body, "/services/catalogue"));
  // Signed out: to the sign-in page.
  auto anonymous = server_->get(Zone::intranet, "/services/catalogue");
  EXPECT_EQ(anonymous.status, 302);
  // The editor's permission is not the reviewer's, nor the other way round.
  EXPECT_EQ(get("bian.b", "/services/review").status, 403);
  EXPECT_EQ(get("shen.he", "/services/catalogue").status, 403);
  EXPECT_EQ(get("shen.he", item).status, 403);
  EXPECT_EQ(post("shen.he", item + "/retire", {{"reason", "x"}}).status, 403);

  // Another organ's items are not found, read or written.
  auto list = get("bian.b", "/services/catalogue");
  ASSERT_EQ(list.status, 200);
  EXPECT_FALSE(contains(list.body, "TEST-LIC-001"));
  EXPECT_FALSE(contains(list.body, kCode));
  EXPECT_TRUE(contains(list.body, "没有符合条件的事项。"));
  // … not even by naming A in the filter.
  auto filtered = get("bian.b", "/services/catalogue?organ=" + std::to_string(world_.organ_a.id));
  EXPECT_FALSE(contains(filtered.body, "TEST-LIC-001"));
  for (const std::string& target : {item, "/services/catalogue/" + a_item}) {
    auto r = get("bian.b", target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_FALSE(contains(r.body, "测试经营许可")) << target;
    EXPECT_EQ(post("bian.b", target, editor_fields(typed_item())).status, 404) << target;
    EXPECT_EQ(post("bian.b", target + "/retire", {{"reason", "越权"}}).status, 404) << target;
  }
  EXPECT_EQ(get("bian.a", "/services/catalogue/999999").status, 404);
  EXPECT_EQ(get("bian.a", "/services/catalogue/abc").status, 404);
  // A reviewer of A sees nothing of B's.
  ASSERT_TRUE(server_->app().service_items().save_draft(*services::parse_service_item([] {
    auto j = typed_item();
    j["code"] = "TEST-CAT-B01";
    return j;
  }()),
                                                        world_.organ_b.id, by_account("bian.b")));
  auto b_item = server_->app().service_items().list_all(world_.organ_b.id, 0, 10);
  ASSERT_TRUE(b_item && b_item->entries.size() == 1u);
  std::string b_id = std::to_string(b_item->entries[0].id);
  EXPECT_EQ(get("shen.he", "/services/review/" + b_id).status, 404);
  EXPECT_EQ(post("shen.he", "/services/review/" + b_id, {{"decision", "publish"}}).status, 404);
  EXPECT_FALSE(contains(get("shen.he", "/services/review?state=all").body, "TEST-CAT-B01"));

  // B's editor cannot create an item for A, nor take A's code.
  Fields for_a = editor_fields(typed_item());
  set(for_a, "code", "TEST-CAT-B02");
  set(for_a, "organ_id", std::to_string(world_.organ_a.id));
  auto refused = post("bian.b", "/services/catalogue/new", for_a);
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(contains(refused.body, "实施主体：请选择你有权编辑的实施主体。"));
  Fields taken = editor_fields(typed_item());
  set(taken, "code", "TEST-LIC-001");
  set(taken, "organ_id", std::to_string(world_.organ_b.id));
  auto duplicate = post("bian.b", "/services/catalogue/new", taken);
  EXPECT_EQ(duplicate.status, 400);
  EXPECT_TRUE(contains(duplicate.body, "事项编码：事项编码 TEST-LIC-001 已被使用。"));
  // The same for A's own editor: a new item never adds to an existing one.
  Fields own = editor_fields(typed_item());
  set(own, "organ_id", std::to_string(world_.organ_a.id));
  EXPECT_EQ(post("bian.a", "/services/catalogue/new", own).status, 400);
  EXPECT_EQ(server_->app().service_items().versions(std::stoll(id))->size(), 1u);

  // Navigation for those who hold the permissions.
  auto home = get("shen.he", "/");
  EXPECT_TRUE(contains(home.body, "href=\"/services/review\""));
  EXPECT_FALSE(contains(home.body, "href=\"/services/catalogue\""));
}

TEST_F(ServiceCataloguePagesTest, HostileTextIsEscapedOrRefusedNamingItsElement) {
  std::string item = create("bian.a", typed_item());
  const std::string script = "<script>alert('x')</script>";
  const std::vector<std::string> hostile = {script, "'; DROP TABLE svc_items;--",
                                            std::string(10000, 'a'), "ＡＢＣ全角１２３", ""};
  // Every free-text element with the label its problems are told under.
  const std::vector<std::pair<std::string, std::string>> elements = {
      {"name", "事项名称"},
      {"legal_basis", "设定依据"},
      {"conditions", "申请条件"},
      {"procedure", "办理流程"},
      {"special_procedures", "特殊环节"},
      {"fees", "收费标准"},
      {"place", "办理地点"},
      {"hours", "办理时间"},
      {"phone", "咨询电话"},
      {"complaint_phone", "投诉电话"},
      {"themes", "主题第 1 项"},
      {"process_key", "办理流程标识"},
      {"statutory_days", "法定办结时限"},
      {"visits", "到现场次数"},
      {"materials.0.name", "申请材料第 1 项 · 材料名称"},
      {"materials.0.note", "申请材料第 1 项 · 填写说明"},
      {"materials.0.field", "申请材料第 1 项 · 对应的表单文件字段"},
      {"materials.0.count", "申请材料第 1 项 · 份数"},
      {"faq.0.question", "常见问题第 1 项 · 问题"},
      {"faq.0.answer", "常见问题第 1 项 · 解答"},
      {"form", "申请表"},
      {"licence", "证照模板"},
      {"registers_entity", "市场主体登记"},
  };
  int accepted = 0, refused = 0;
  for (const auto& [element, label] : elements) {
    for (const auto& value : hostile) {
      Fields f = editor_fields(typed_item());
      set(f, element, value);
      auto r = post("bian.a", item, f);
      std::string what = element + " = " + value.substr(0, 40);
      ASSERT_TRUE(r.status == 303 || r.status == 400) << what << ": " << r.status;
      EXPECT_FALSE(contains(r.body, "<script>alert")) << what;
      if (r.status == 400) {
        ++refused;
        EXPECT_TRUE(contains(r.body, label + "：")) << what << "\n" << r.body.substr(0, 3000);
        // Kept as typed (escaped) in the page shown again.
        std::string kept = value == script ? "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"
                           : value.starts_with("'") ? "&apos;; DROP TABLE svc_items;--"
                                                    : value;
        EXPECT_TRUE(contains(r.body, kept)) << what;
      } else {
        ++accepted;
        auto page = get("bian.a", item);
        EXPECT_EQ(page.status, 200) << what;
        EXPECT_FALSE(contains(page.body, "<script>alert")) << what;
        if (value == script) {
          EXPECT_TRUE(contains(page.body, "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"))
              << what;
        }
      }
    }
  }
  EXPECT_GT(accepted, 10);
  EXPECT_GT(refused, 40);
  // A new item's code, likewise.
  for (const auto& value : hostile) {
    Fields f = editor_fields(typed_item());
    set(f, "code", value);
    set(f, "organ_id", std::to_string(world_.organ_a.id));
    auto r = post("bian.a", "/services/catalogue/new", f);
    EXPECT_EQ(r.status, 400) << value.substr(0, 40);
    EXPECT_TRUE(contains(r.body, "事项编码：")) << value.substr(0, 40);
    EXPECT_FALSE(contains(r.body, "<script>alert"));
  }
  // Review notes and reasons are text too.
  Fields submit = editor_fields(typed_item(), "submit");
  ASSERT_EQ(post("bian.a", item, submit).status, 303);
  std::string id = item.substr(item.rfind('/') + 1);
  auto long_note = post("shen.he", "/services/review/" + id,
                        {{"decision", "reject"}, {"note", std::string(10000, 'n')}});
  EXPECT_EQ(long_note.status, 400);
  EXPECT_TRUE(contains(long_note.body, "审核意见：不能超过 500 个字。"));
  ASSERT_EQ(
      post("shen.he", "/services/review/" + id, {{"decision", "reject"}, {"note", script}}).status,
      303);
  auto history = get("bian.a", item);
  EXPECT_FALSE(contains(history.body, "<script>alert"));
  EXPECT_TRUE(contains(history.body, "<td>&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;</td>"));
  // The tables are all there.
  EXPECT_EQ(server_->app().service_items().list_all(0, 0, 200)->total, 2);
}

TEST_F(ServiceCataloguePagesTest, FormsWithoutTheirCsrfTokenAreRefused) {
  std::string item = create("bian.a", typed_item(), "submit");
  std::string id = item.substr(item.rfind('/') + 1);
  auto without = [&](const std::string& who, const std::string& target, const std::string& body) {
    std::map<std::string, std::string> headers = test::session_cookies(session(who), kCsrf);
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    return server_->request(Zone::intranet, "POST", target, body, headers);
  };
  Fields f = editor_fields(typed_item());
  set(f, "code", "TEST-CAT-002");
  set(f, "organ_id", std::to_string(world_.organ_a.id));
  std::string body;
  for (const auto& [n, v] : f)
    body += (body.empty() ? "" : "&") + http::percent_encode(n) + "=" + http::percent_encode(v);
  EXPECT_EQ(without("bian.a", "/services/catalogue/new", body).status, 403);
  EXPECT_EQ(
      without("bian.a", "/services/catalogue/new", "_csrf=" + std::string(64, 'f') + "&" + body)
          .status,
      403);
  EXPECT_EQ(without("shen.he", "/services/review/" + id, "decision=publish").status, 403);
  EXPECT_EQ(without("bian.a", item + "/retire", "reason=x").status, 403);
  EXPECT_EQ(server_->app().service_items().list_all(0, 0, 200)->total, 2);
  auto v = server_->app().service_items().versions(std::stoll(id));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->front().state, services::VersionState::in_review);
}
