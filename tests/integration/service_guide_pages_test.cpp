// The public service guide (办事服务) over HTTP, signed out on the portal:
// items of two organs published through the four-eyes review, for
// individuals, enterprises or both, under several life-event themes; the
// list searched (literally) and filtered by department, audience and theme,
// paged; the counts by department and the themes for each audience; one
// item's guide with every element; drafts, items under review, rejected and
// retired items nowhere; hostile input shown escaped; the same as JSON.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/demo_city.hpp"
#include "http/percent_encoding.hpp"
#include "tests/support/test_server.hpp"

using namespace yiwang;
using yiwang::http::Zone;
using yiwang::test::HttpResult;
using yiwang::test::TestServer;

namespace {

audit::AuditEvent by(const std::string& account) {
  audit::AuditEvent e;
  e.account = account;
  e.organ = "-";
  e.source = "test";
  return e;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t count_of(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size()))
    ++n;
  return n;
}

// The part of a page between two markers (empty when either is missing).
std::string between(const std::string& text, const std::string& from, const std::string& to) {
  auto a = text.find(from);
  if (a == std::string::npos) return "";
  auto b = text.find(to, a + from.size());
  if (b == std::string::npos) return "";
  return text.substr(a, b - a);
}

std::string enc(const std::string& s) { return http::percent_encode(s); }

nlohmann::json plain_item(const std::string& code, const std::string& name,
                          const std::string& audience, std::vector<std::string> themes,
                          int visits = 1) {
  return {{"code", code},
          {"name", name},
          {"type", "public_service"},
          {"legal_basis", "《示范条例》第一条"},
          {"conditions", "符合条件"},
          {"procedure", "申请、受理、审查、决定"},
          {"statutory_days", 20},
          {"promised_days", 10},
          {"fees", "不收费"},
          {"place", "政务服务中心"},
          {"hours", "工作日"},
          {"visits", visits},
          {"phone", "0591-87654321"},
          {"complaint_phone", "12345"},
          {"audience", audience},
          {"themes", themes},
          {"process_key", "generic_licence"},
          {"form",
           {{"title", name + "申请表"},
            {"fields", {{{"name", "reason"}, {"type", "text"}, {"label", "申请事由"}}}}}}};
}

// The item whose guide the tests read element by element.
nlohmann::json birth_item() {
  nlohmann::json j = plain_item("GD-IND-001", "出生医学证明办理", "individual", {"出生"}, 0);
  j["type"] = "confirmation";
  j["legal_basis"] = "《中华人民共和国母婴保健法》第二十三条\n《示范市出生医学证明管理办法》第五条";
  j["conditions"] =
      "在本市医疗机构出生的婴儿。\r\n父母一方为本市户籍。\n说明：<b>不加粗</b> & 其他";
  j["materials"] = {{{"name", "出生医学证明首次签发登记表"},
                     {"form", "original"},
                     {"count", 2},
                     {"required", true},
                     {"note", "医疗机构填写\n加盖公章"}},
                    {{"name", "父母身份证"},
                     {"form", "copy"},
                     {"count", 1},
                     {"required", false},
                     {"note", "已在线核验的可免交"}},
                    {{"name", "结婚证"}, {"form", "electronic"}}};
  j["procedure"] = "第一步：网上申请\n第二步：窗口受理\n\n第三步：审核发证";
  j["statutory_days"] = 20;
  j["promised_days"] = 5;
  j["special_procedures"] = "亲子鉴定（不超过 30 个工作日）";
  j["fees"] = "不收费";
  j["place"] = "示范市政务服务中心二楼 12 号窗口";
  j["hours"] = "工作日 9:00–17:00";
  j["phone"] = "0591-87654321";
  j["complaint_phone"] = "12345";
  j["faq"] = {{{"question", "可以代办吗？"}, {"answer", "可以。\n代办人须携带本人身份证。"}},
              {{"question", "多久可以拿到？"}, {"answer", "承诺 5 个工作日内办结。"}}};
  j["process_key"] = "birth_cert";
  return j;
}

class ServiceGuidePagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TestServer>();
    if (!server_->available()) GTEST_SKIP() << "database engine under test is not available";
    auto& app = server_->app();
    ASSERT_TRUE(app.accounts().create_administrators(by("test")));
    ASSERT_TRUE(app::load_demo_organs(app.organs(), by("test")));
    auto top = app.organs().children(std::nullopt);
    ASSERT_TRUE(top && !top->empty());
    auto subs = app.organs().children(top->front().id);
    ASSERT_TRUE(subs);
    for (const auto& o : *subs) {
      if (o.name == "示范市市场监督管理局") a_ = o;
      if (o.name == "示范市人力资源和社会保障局") b_ = o;
      if (o.name == "示范市公安局") c_ = o;
    }
    ASSERT_NE(a_.id, 0);
    ASSERT_NE(b_.id, 0);
    ASSERT_NE(c_.id, 0);

    // Organ A: three items, one for each audience.
    publish(birth_item(), a_.id);
    publish(plain_item("GD-ENT-001", "企业设立登记", "enterprise", {"开办企业"}), a_.id);
    publish(plain_item("GD-BOTH-01", "就业登记", "both", {"就业"}, 0), a_.id);
    // Organ B: 22 items, half for individuals (养老), half for enterprises (纳税).
    for (int i = 1; i <= 22; ++i) {
      std::string n = (i < 10 ? "0" : "") + std::to_string(i);
      if (i % 2 == 1)
        publish(
            plain_item("GD-B-IND-" + n, "养老保险待遇申领（" + n + "）", "individual", {"养老"}),
            b_.id);
      else
        publish(plain_item("GD-B-ENT-" + n, "企业纳税申报（" + n + "）", "enterprise", {"纳税"}),
                b_.id);
    }
    // What the portal must never show: a newer draft of a published item, an
    // item with only a draft (organ C has nothing else), one under review,
    // one rejected, and one retired.
    auto& items = app.service_items();
    auto newer = birth_item();
    newer["name"] = "出生医学证明办理（草稿新版）";
    ASSERT_TRUE(items.save_draft(parse(newer), a_.id, by("author")));
    ASSERT_TRUE(
        items.save_draft(parse(plain_item("GD-DRAFT-01", "仅有草稿的事项", "individual", {"户籍"})),
                         c_.id, by("author")));
    auto review =
        items.save_draft(parse(plain_item("GD-REVIEW-01", "审核中的事项", "individual", {"户籍"})),
                         a_.id, by("author"));
    ASSERT_TRUE(review);
    ASSERT_TRUE(items.submit(review->item_id, by("author")));
    auto rejected =
        items.save_draft(parse(plain_item("GD-REJECT-01", "被退回的事项", "enterprise", {"破产"})),
                         a_.id, by("author"));
    ASSERT_TRUE(rejected);
    ASSERT_TRUE(items.submit(rejected->item_id, by("author")));
    ASSERT_TRUE(items.review(rejected->item_id, false, "要素不全", by("reviewer")));
    long long retired =
        publish(plain_item("GD-RET-01", "已停止的事项", "individual", {"退休"}), b_.id);
    ASSERT_TRUE(items.retire(retired, true, "职能调整", by("reviewer")));
  }

  services::ServiceItem parse(const nlohmann::json& j) {
    auto item = services::parse_service_item(j);
    EXPECT_TRUE(item) << (item ? "" : item.error().front().key + " " + item.error().front().field);
    return item ? *item : services::ServiceItem{};
  }

  long long publish(const nlohmann::json& j, long long organ) {
    auto& items = server_->app().service_items();
    auto draft = items.save_draft(parse(j), organ, by("author"));
    EXPECT_TRUE(draft) << draft.error().key;
    if (!draft) return 0;
    EXPECT_TRUE(items.submit(draft->item_id, by("author")));
    EXPECT_TRUE(items.review(draft->item_id, true, "", by("reviewer")));
    return draft->item_id;
  }

  HttpResult get(const std::string& target, Zone zone = Zone::internet) {
    return server_->get(zone, target);
  }

  // The list page, checked to be a page.
  std::string page(const std::string& target) {
    auto r = get(target);
    EXPECT_EQ(r.status, 200) << target;
    EXPECT_TRUE(contains(r.header("content-type"), "text/html")) << target;
    return r.body;
  }

  nlohmann::json api(const std::string& target, int status = 200) {
    auto r = get(target);
    EXPECT_EQ(r.status, status) << target << "\n" << r.body.substr(0, 300);
    EXPECT_TRUE(contains(r.header("content-type"), "application/json")) << target;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << target;
    return j;
  }

  static std::string total(long long n) { return "共 " + std::to_string(n) + " 个事项"; }
  static std::size_t rows(const std::string& body) {
    return count_of(body, "<td><a href=\"/services/items/");
  }

  std::unique_ptr<TestServer> server_;
  identity::Organ a_, b_, c_;
};

}  // namespace

TEST_F(ServiceGuidePagesTest, TheListShowsPublishedItemsPagedWithTheirEssentials) {
  std::string body = page("/services");
  EXPECT_TRUE(contains(body, "<h1>办事服务</h1>"));
  EXPECT_TRUE(contains(body, total(25)));
  EXPECT_EQ(rows(body), 20u);
  EXPECT_FALSE(contains(body, "查找："));  // no search text, no echo of it
  EXPECT_TRUE(contains(body, "页码 1 / 2"));
  EXPECT_TRUE(contains(body, "href=\"/services?page=2\""));
  // Every label has its control; the table has its caption and header cells.
  for (const char* id : {"g-q", "g-organ", "g-audience", "g-theme"}) {
    EXPECT_TRUE(contains(body, std::string("<label for=\"") + id + "\">")) << id;
    EXPECT_TRUE(contains(body, std::string("id=\"") + id + "\"")) << id;
  }
  EXPECT_TRUE(contains(body, "<caption id=\"g-results-caption\""));
  EXPECT_TRUE(contains(body, "<th scope=\"col\">事项名称</th>"));

  std::string second = page("/services?page=2");
  EXPECT_EQ(rows(second), 5u);
  EXPECT_TRUE(contains(second, "href=\"/services?page=1\""));

  // A row: the name linked to the guide, the code, the department, the limits
  // in working days, the visits and whether it is done online.
  std::string a = page("/services?organ_id=" + std::to_string(a_.id));
  EXPECT_TRUE(contains(a, total(3)));
  EXPECT_TRUE(
      contains(a, "<a href=\"/services/items/GD-IND-001\" lang=\"zh-CN\">出生医学证明办理</a>"));
  EXPECT_TRUE(contains(a, "<span class=\"code\">GD-IND-001</span>"));
  EXPECT_TRUE(contains(a, "<td lang=\"zh-CN\">示范市市场监督管理局</td>"));
  EXPECT_TRUE(contains(a, "承诺 5 / 法定 20 个工作日"));
  EXPECT_TRUE(contains(a, "承诺 10 / 法定 20 个工作日"));
  EXPECT_TRUE(contains(a, "<td>全程网办</td>"));
  EXPECT_TRUE(contains(a, "<td>网上申请</td>"));

  // Never a draft, an item under review, a rejected or a retired one.
  for (const std::string& target : {std::string("/services"), std::string("/services?page=2")}) {
    std::string b = page(target);
    for (const char* hidden : {"草稿新版", "仅有草稿的事项", "审核中的事项", "被退回的事项",
                               "已停止的事项", "GD-DRAFT-01", "GD-RET-01"})
      EXPECT_FALSE(contains(b, hidden)) << target << ": " << hidden;
  }
  // English.
  std::string en = page("/services?lang=en");
  EXPECT_TRUE(contains(en, "<h1>Online services</h1>"));
  EXPECT_TRUE(contains(en, "25 services"));
}

TEST_F(ServiceGuidePagesTest, FiltersByDepartmentAudienceAndTheme) {
  EXPECT_TRUE(contains(page("/services?organ_id=" + std::to_string(b_.id)), total(22)));
  EXPECT_TRUE(contains(page("/services?audience=individual"), total(13)));
  EXPECT_TRUE(contains(page("/services?audience=enterprise"), total(13)));
  std::string pension = page("/services?audience=individual&theme=" + enc("养老"));
  EXPECT_TRUE(contains(pension, total(11)));
  EXPECT_TRUE(contains(pension, "<option value=\"养老\" selected lang=\"zh-CN\">养老</option>"));
  EXPECT_TRUE(contains(pension, "<option value=\"individual\" selected>个人办事</option>"));
  // Items for both audiences are listed for each.
  std::string jobs = page("/services?audience=enterprise&theme=" + enc("就业"));
  EXPECT_TRUE(contains(jobs, total(1)));
  EXPECT_TRUE(contains(jobs, "就业登记"));
  EXPECT_TRUE(contains(page("/services?theme=" + enc("开办企业")), total(1)));
  EXPECT_TRUE(contains(page("/services?organ_id=" + std::to_string(a_.id) + "&audience=individual"),
                       total(2)));

  // The theme choices are the themes the audience's items carry.
  std::string ent = page("/services?audience=enterprise");
  std::string choices = between(ent, "id=\"g-theme\"", "</select>");
  for (const char* theme : {"开办企业", "就业", "纳税"})
    EXPECT_TRUE(contains(choices, std::string("<option value=\"") + theme + "\"")) << theme;
  for (const char* theme : {"出生", "养老", "户籍", "破产", "退休"})
    EXPECT_FALSE(contains(choices, std::string("<option value=\"") + theme + "\"")) << theme;

  // A theme the audience's items do not carry, an organ without published
  // items and values that are no filter at all are ignored.
  std::string stale = page("/services?audience=enterprise&theme=" + enc("养老"));
  EXPECT_TRUE(contains(stale, total(13)));
  EXPECT_FALSE(contains(stale, " selected lang=\"zh-CN\">养老</option>"));
  for (const std::string& bad :
       {std::string("organ_id=abc"), std::string("organ_id=-1"), std::string("organ_id=0"),
        std::string("organ_id=1e99"), std::string("organ_id=99999999999999999999999"),
        "organ_id=" + std::to_string(c_.id), std::string("audience=both"),
        std::string("audience=%3Cscript%3E"), std::string("theme=%E4%B8%8D%E5%AD%98%E5%9C%A8"),
        std::string("page=abc"), std::string("page=-3")})
    EXPECT_TRUE(contains(page("/services?" + bad), total(25))) << bad;
  // A page past the end is empty, not an error.
  std::string far = page("/services?page=99");
  EXPECT_EQ(rows(far), 0u);
}

TEST_F(ServiceGuidePagesTest, SearchFindsNamePartsAndCodesLiterally) {
  std::string birth = page("/services?q=" + enc("出生"));
  EXPECT_TRUE(contains(birth, total(1)));
  EXPECT_TRUE(contains(birth, "GD-IND-001"));
  EXPECT_TRUE(contains(birth, "value=\"出生\""));
  EXPECT_TRUE(contains(birth, "共 1 个事项 · 查找：<span lang=\"zh-CN\">“出生”</span>"));
  std::string code = page("/services?q=GD-ENT");
  EXPECT_TRUE(contains(code, total(1)));
  EXPECT_TRUE(contains(code, "企业设立登记"));
  EXPECT_TRUE(contains(page("/services?q=GD-B-"), total(22)));
  // Full-width text is searched as typed.
  std::string wide = page("/services?q=" + enc("（07）"));
  EXPECT_TRUE(contains(wide, total(1)));
  EXPECT_TRUE(contains(wide, "养老保险待遇申领（07）"));
  EXPECT_TRUE(contains(page("/services?q=" + enc("  就业登记　")), total(1)));
  // LIKE wildcards typed by the user are literal.
  EXPECT_TRUE(contains(page("/services?q=" + enc("%")), total(0)));
  EXPECT_TRUE(contains(page("/services?q=" + enc("_")), total(0)));
  EXPECT_TRUE(contains(page("/services?q=" + enc("GD%ENT")), total(0)));
  // Search and filters together.
  EXPECT_TRUE(contains(page("/services?q=" + enc("养老") + "&organ_id=" + std::to_string(a_.id)),
                       total(0)));
  std::string none = page("/services?q=" + enc("不存在的事项"));
  EXPECT_TRUE(contains(none, "没有符合条件的事项"));
  EXPECT_EQ(rows(none), 0u);
}

TEST_F(ServiceGuidePagesTest, HostileQueriesAreShownEscapedAndMatchNothing) {
  auto script = get("/services?q=" + enc("<script>alert(1)</script>"));
  ASSERT_EQ(script.status, 200);
  EXPECT_FALSE(contains(script.body, "<script>alert(1)"));
  EXPECT_TRUE(contains(script.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(contains(script.body, total(0)));

  auto injection = get("/services?q=" + enc("%' OR 1=1 --"));
  ASSERT_EQ(injection.status, 200);
  EXPECT_TRUE(contains(injection.body, total(0)));
  EXPECT_EQ(rows(injection.body), 0u);
  EXPECT_TRUE(contains(injection.body, "value=\"%&apos; OR 1=1 --\""));

  auto quote = get("/services?q=" + enc("\"><img src=x onerror=alert(1)>"));
  ASSERT_EQ(quote.status, 200);
  EXPECT_FALSE(contains(quote.body, "<img src=x"));
  EXPECT_TRUE(contains(quote.body, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));

  // A very long text is cut to what the catalogue searches.
  std::string long_text(5000, 'A');
  auto longer = get("/services?q=" + long_text);
  ASSERT_EQ(longer.status, 200);
  EXPECT_TRUE(contains(longer.body, "value=\"" + std::string(100, 'A') + "\""));
  EXPECT_TRUE(contains(longer.body, total(0)));

  auto wide = get("/services?q=" + enc("ＧＤ－ＥＮＴ－００１＜ｂ＞"));
  ASSERT_EQ(wide.status, 200);
  EXPECT_TRUE(contains(wide.body, "value=\"ＧＤ－ＥＮＴ－００１＜ｂ＞\""));
  EXPECT_TRUE(contains(wide.body, total(0)));

  // Hostile filters and codes.
  auto theme = get("/services?theme=" + enc("<script>") + "&audience=" + enc("\"><b>"));
  ASSERT_EQ(theme.status, 200);
  EXPECT_FALSE(contains(theme.body, "<script>"));
  EXPECT_FALSE(contains(theme.body, "\"><b>"));
  auto code = get("/services/items/" + enc("<script>alert(1)"));
  EXPECT_EQ(code.status, 404);
  EXPECT_FALSE(contains(code.body, "<script>alert(1)"));
  EXPECT_TRUE(contains(code.body, "事项 &lt;script&gt;alert(1) 不存在"));
  auto json_code = api("/api/v1/services/items/" + enc("'\"><b>"), 404);
  EXPECT_EQ(json_code["error"]["code"], "services.apply.not_found");
  auto json = api("/api/v1/services/items?q=" + enc("<script>%' OR 1=1 --"));
  EXPECT_EQ(json["total"], 0);
  EXPECT_EQ(json["filter"]["q"], "<script>%' OR 1=1 --");
}

TEST_F(ServiceGuidePagesTest, CountsByDepartmentAndThemesForEachAudience) {
  std::string body = page("/services?q=" + enc("出生"));  // the lists do not depend on the filter
  std::string organs = between(body, "id=\"g-organs-h\"", "</section>");
  EXPECT_TRUE(contains(organs, "<a href=\"/services?organ_id=" + std::to_string(a_.id) +
                                   "\" lang=\"zh-CN\">示范市市场监督管理局</a> <span "
                                   "class=\"hint\">3 项</span>"));
  EXPECT_TRUE(contains(organs, "<a href=\"/services?organ_id=" + std::to_string(b_.id) +
                                   "\" lang=\"zh-CN\">示范市人力资源和社会保障局</a> <span "
                                   "class=\"hint\">22 项</span>"));
  EXPECT_FALSE(contains(organs, "示范市公安局"));  // a draft only
  EXPECT_EQ(count_of(organs, "<li>"), 2u);

  std::string individual =
      between(body, "id=\"g-themes-individual\"", "id=\"g-themes-enterprise\"");
  std::string enterprise = between(body, "id=\"g-themes-enterprise\"", "</section>");
  ASSERT_FALSE(individual.empty());
  ASSERT_FALSE(enterprise.empty());
  auto link = [](const std::string& audience, const std::string& theme, int n) {
    return "<a href=\"/services?audience=" + audience + "&amp;theme=" + enc(theme) +
           "\" lang=\"zh-CN\">" + theme + "</a> <span class=\"hint\">" + std::to_string(n) +
           " 项</span>";
  };
  EXPECT_TRUE(contains(individual, link("individual", "养老", 11)));
  EXPECT_TRUE(contains(individual, link("individual", "出生", 1)));
  EXPECT_TRUE(contains(individual, link("individual", "就业", 1)));
  EXPECT_EQ(count_of(individual, "<li>"), 3u);
  EXPECT_TRUE(contains(enterprise, link("enterprise", "纳税", 11)));
  EXPECT_TRUE(contains(enterprise, link("enterprise", "开办企业", 1)));
  EXPECT_TRUE(contains(enterprise, link("enterprise", "就业", 1)));
  EXPECT_EQ(count_of(enterprise, "<li>"), 3u);
  // Themes of drafts, rejected and retired items are not offered.
  for (const char* theme : {"户籍", "破产", "退休"}) EXPECT_FALSE(contains(body, theme)) << theme;
  // The links lead to the filtered lists.
  EXPECT_TRUE(contains(page("/services?audience=enterprise&theme=" + enc("纳税")), total(11)));
}

TEST_F(ServiceGuidePagesTest, TheGuideShowsEveryElement) {
  auto r = get("/services/items/GD-IND-001");
  ASSERT_EQ(r.status, 200);
  const std::string& b = r.body;
  EXPECT_TRUE(contains(b, "<title>出生医学证明办理 - 办事指南 - "));
  EXPECT_TRUE(contains(b,
                       "<h1><span lang=\"zh-CN\">出生医学证明办理</span> <span "
                       "class=\"code\">GD-IND-001</span></h1>"));
  EXPECT_FALSE(contains(b, "草稿新版"));  // the published version, not the newer draft
  EXPECT_TRUE(contains(b, "<a href=\"/services\">办事服务</a>"));
  // Basic facts.
  EXPECT_TRUE(contains(b, "<dt>事项类型</dt><dd>行政确认</dd>"));
  EXPECT_TRUE(contains(b, "<dt>实施主体</dt><dd lang=\"zh-CN\">示范市市场监督管理局</dd>"));
  EXPECT_TRUE(contains(b, "<dt>服务对象</dt><dd>自然人</dd>"));
  EXPECT_TRUE(contains(b, "href=\"/services?audience=individual&amp;theme=" + enc("出生") +
                              "\" lang=\"zh-CN\">出生</a>"));
  EXPECT_TRUE(contains(b, "<dd>全程网办</dd>"));
  EXPECT_TRUE(contains(b, "<dt>法定办结时限</dt><dd>20 个工作日</dd>"));
  EXPECT_TRUE(contains(b, "<dt>承诺办结时限</dt><dd>5 个工作日</dd>"));
  EXPECT_TRUE(contains(b, "<dt>到现场次数</dt><dd>0 次</dd>"));
  EXPECT_TRUE(contains(b, "<dt>收费标准</dt><dd lang=\"zh-CN\"><p>不收费</p></dd>"));
  EXPECT_TRUE(contains(b, "<p>示范市政务服务中心二楼 12 号窗口</p>"));
  EXPECT_TRUE(contains(b, "<p>工作日 9:00–17:00</p>"));
  EXPECT_TRUE(contains(b, "<a href=\"tel:0591-87654321\">0591-87654321</a>"));
  EXPECT_TRUE(contains(b, "<a href=\"tel:12345\">12345</a>"));
  // Multi-line texts keep their lines, escaped.
  EXPECT_TRUE(contains(
      b,
      "<p>《中华人民共和国母婴保健法》第二十三条</p><p>《示范市出生医学证明管理办法》第五条</p>"));
  EXPECT_TRUE(contains(b, "<p>在本市医疗机构出生的婴儿。</p><p>父母一方为本市户籍。</p>"));
  EXPECT_TRUE(contains(b, "<p>说明：&lt;b&gt;不加粗&lt;/b&gt; &amp; 其他</p>"));
  EXPECT_FALSE(contains(b, "<b>不加粗</b>"));
  EXPECT_TRUE(contains(b, "<p>第一步：网上申请</p><p>第二步：窗口受理</p><p>第三步：审核发证</p>"));
  // Materials as a table.
  EXPECT_TRUE(contains(b, "<caption id=\"gi-materials-caption\">申请材料清单</caption>"));
  EXPECT_TRUE(contains(b, "<th scope=\"col\">材料形式</th>"));
  EXPECT_TRUE(contains(b,
                       "<th scope=\"row\" lang=\"zh-CN\">出生医学证明首次签发登记表</th>\n"
                       "      <td>原件</td>\n      <td>2</td>\n      <td>必需</td>\n"
                       "      <td lang=\"zh-CN\"><p>医疗机构填写</p><p>加盖公章</p></td>"));
  EXPECT_TRUE(contains(b,
                       "<th scope=\"row\" lang=\"zh-CN\">父母身份证</th>\n"
                       "      <td>复印件</td>\n      <td>1</td>\n      <td>非必需</td>\n"
                       "      <td lang=\"zh-CN\"><p>已在线核验的可免交</p></td>"));
  EXPECT_TRUE(contains(b, "<th scope=\"row\" lang=\"zh-CN\">结婚证</th>\n      <td>电子件</td>"));
  // Special procedures, whose time does not count.
  EXPECT_TRUE(contains(b, "<p>亲子鉴定（不超过 30 个工作日）</p>"));
  EXPECT_TRUE(contains(b, "特殊环节（听证、检验检测、专家评审等）所需时间不计算在办理时限内"));
  // FAQ.
  EXPECT_TRUE(contains(b, "<p>可以代办吗？</p>"));
  EXPECT_TRUE(contains(b, "<p>可以。</p><p>代办人须携带本人身份证。</p>"));
  EXPECT_TRUE(contains(b, "<p>多久可以拿到？</p>"));
  // Apply online, which needs signing in.
  EXPECT_TRUE(
      contains(b, "<a class=\"button\" href=\"/services/items/GD-IND-001/apply\">在线办理</a>"));
  EXPECT_TRUE(contains(b, "在线办理需要以个人或法人账号登录"));
  auto apply = get("/services/items/GD-IND-001/apply");
  EXPECT_EQ(apply.status, 302);
  EXPECT_EQ(apply.header("location"), "/signin?next=" + enc("/services/items/GD-IND-001/apply"));

  // An item with fewer elements says so instead of leaving gaps.
  auto plain = get("/services/items/GD-ENT-001");
  ASSERT_EQ(plain.status, 200);
  EXPECT_TRUE(contains(plain.body, "无需提交申请材料。"));
  EXPECT_TRUE(contains(plain.body, "暂无常见问题。"));
  EXPECT_TRUE(contains(plain.body, "<dt>特殊环节</dt><dd>无</dd>"));
  EXPECT_TRUE(contains(plain.body, "<dd>公共服务</dd>"));
  EXPECT_TRUE(contains(plain.body, "<dd>法人</dd>"));
  EXPECT_TRUE(contains(plain.body, "<dd>1 次</dd>"));
  EXPECT_TRUE(contains(plain.body, "<dd>网上申请</dd>"));

  auto en = get("/services/items/GD-IND-001?lang=en");
  ASSERT_EQ(en.status, 200);
  EXPECT_TRUE(contains(en.body, "Apply online"));
  EXPECT_TRUE(contains(en.body, "<dd>20 working days</dd>"));
  EXPECT_TRUE(contains(en.body, "<td>Original</td>"));
}

TEST_F(ServiceGuidePagesTest, UnknownUnpublishedAndRetiredItemsAreNotFound) {
  for (const char* code : {"NO-SUCH", "GD-DRAFT-01", "GD-REVIEW-01", "GD-REJECT-01", "GD-RET-01",
                           "gd-ind-001", "GD-IND-001X"}) {
    auto r = get(std::string("/services/items/") + code);
    EXPECT_EQ(r.status, 404) << code;
    EXPECT_TRUE(contains(r.body, std::string("事项 ") + code + " 不存在或已停止网上办理。"))
        << code;
    auto j = api(std::string("/api/v1/services/items/") + code, 404);
    EXPECT_EQ(j["error"]["status"], 404) << code;
    EXPECT_EQ(j["error"]["code"], "services.apply.not_found") << code;
    EXPECT_TRUE(j["error"].contains("request_id"));
  }
  auto long_code = get("/services/items/" + std::string(300, 'A'));
  EXPECT_EQ(long_code.status, 404);
  EXPECT_FALSE(contains(long_code.body, std::string(41, 'A') + " "));
  // The guide is on the portal only.
  EXPECT_EQ(get("/services", Zone::intranet).status, 404);
  EXPECT_EQ(get("/services/items/GD-IND-001", Zone::intranet).status, 404);
  EXPECT_EQ(get("/api/v1/services/items", Zone::exchange).status, 404);
  // Read-only.
  EXPECT_EQ(server_->request(Zone::internet, "POST", "/services").status, 405);
}

TEST_F(ServiceGuidePagesTest, TheJsonApiListsAndDescribesPublishedItems) {
  auto first = api("/api/v1/services/items");
  EXPECT_EQ(first["total"], 25);
  EXPECT_EQ(first["page"], 1);
  EXPECT_EQ(first["pages"], 2);
  EXPECT_EQ(first["per_page"], 20);
  ASSERT_EQ(first["items"].size(), 20u);
  EXPECT_EQ(first["filter"],
            nlohmann::json({{"q", ""}, {"organ_id", 0}, {"audience", ""}, {"theme", ""}}));
  auto second = api("/api/v1/services/items?page=2");
  ASSERT_EQ(second["items"].size(), 5u);
  std::set<std::string> codes;
  for (const auto& page : {first, second})
    for (const auto& it : page["items"]) {
      codes.insert(it["code"].get<std::string>());
      for (const char* key : {"name", "type", "type_text", "audience", "audience_text", "fees",
                              "url", "apply_url", "way_text"})
        EXPECT_TRUE(it[key].is_string()) << key;
      for (const char* key : {"statutory_days", "promised_days", "visits"})
        EXPECT_TRUE(it[key].is_number_integer()) << key;
      EXPECT_TRUE(it["themes"].is_array());
      EXPECT_TRUE(it["organ"]["id"].is_number_integer());
      EXPECT_TRUE(it["organ"]["name"].is_string());
      EXPECT_FALSE(it.contains("form"));
      EXPECT_FALSE(it.contains("process_key"));
    }
  EXPECT_EQ(codes.size(), 25u);
  for (const char* hidden : {"GD-DRAFT-01", "GD-REVIEW-01", "GD-REJECT-01", "GD-RET-01"})
    EXPECT_FALSE(codes.contains(hidden)) << hidden;

  EXPECT_EQ(api("/api/v1/services/items?organ_id=" + std::to_string(a_.id))["total"], 3);
  EXPECT_EQ(api("/api/v1/services/items?audience=enterprise")["total"], 13);
  auto pension = api("/api/v1/services/items?audience=individual&theme=" + enc("养老"));
  EXPECT_EQ(pension["total"], 11);
  EXPECT_EQ(pension["filter"]["theme"], "养老");
  EXPECT_EQ(pension["filter"]["audience"], "individual");
  auto code = api("/api/v1/services/items?q=GD-ENT");
  ASSERT_EQ(code["items"].size(), 1u);
  EXPECT_EQ(code["items"][0]["code"], "GD-ENT-001");
  EXPECT_EQ(code["items"][0]["organ"]["id"], a_.id);
  EXPECT_EQ(code["items"][0]["organ"]["name"], "示范市市场监督管理局");
  EXPECT_EQ(code["items"][0]["audience"], "enterprise");
  EXPECT_EQ(code["items"][0]["url"], "/services/items/GD-ENT-001");
  auto ignored = api("/api/v1/services/items?organ_id=abc&audience=both&theme=" + enc("不存在"));
  EXPECT_EQ(ignored["total"], 25);
  EXPECT_EQ(ignored["filter"]["organ_id"], 0);
  EXPECT_EQ(ignored["filter"]["audience"], "");
  EXPECT_EQ(ignored["filter"]["theme"], "");

  auto guide = api("/api/v1/services/items/GD-IND-001");
  EXPECT_EQ(guide["code"], "GD-IND-001");
  EXPECT_EQ(guide["name"], "出生医学证明办理");
  EXPECT_EQ(guide["version"], 1);
  EXPECT_EQ(guide["type"], "confirmation");
  EXPECT_EQ(guide["type_text"], "行政确认");
  EXPECT_EQ(guide["audience"], "individual");
  EXPECT_EQ(guide["themes"], nlohmann::json({"出生"}));
  EXPECT_EQ(guide["organ"]["id"], a_.id);
  EXPECT_EQ(guide["statutory_days"], 20);
  EXPECT_EQ(guide["promised_days"], 5);
  EXPECT_EQ(guide["visits"], 0);
  EXPECT_EQ(guide["online"], true);
  EXPECT_EQ(guide["fully_online"], true);
  EXPECT_EQ(guide["issues_licence"], false);
  EXPECT_EQ(guide["procedure"], "第一步：网上申请\n第二步：窗口受理\n\n第三步：审核发证");
  EXPECT_EQ(guide["special_procedures"], "亲子鉴定（不超过 30 个工作日）");
  EXPECT_EQ(guide["fees"], "不收费");
  EXPECT_EQ(guide["place"], "示范市政务服务中心二楼 12 号窗口");
  EXPECT_EQ(guide["hours"], "工作日 9:00–17:00");
  EXPECT_EQ(guide["phone"], "0591-87654321");
  EXPECT_EQ(guide["complaint_phone"], "12345");
  EXPECT_TRUE(contains(guide["legal_basis"].get<std::string>(), "母婴保健法"));
  EXPECT_TRUE(contains(guide["conditions"].get<std::string>(), "<b>不加粗</b>"));  // data, as is
  ASSERT_EQ(guide["materials"].size(), 3u);
  EXPECT_EQ(guide["materials"][0], nlohmann::json({{"name", "出生医学证明首次签发登记表"},
                                                   {"form", "original"},
                                                   {"form_text", "原件"},
                                                   {"count", 2},
                                                   {"required", true},
                                                   {"note", "医疗机构填写\n加盖公章"}}));
  EXPECT_EQ(guide["materials"][1]["required"], false);
  EXPECT_EQ(guide["materials"][2]["form"], "electronic");
  ASSERT_EQ(guide["faq"].size(), 2u);
  EXPECT_EQ(guide["faq"][0]["question"], "可以代办吗？");
  EXPECT_EQ(guide["apply_url"], "/services/items/GD-IND-001/apply");
  EXPECT_FALSE(guide.contains("form"));
  EXPECT_FALSE(guide.contains("process_key"));
  auto en = api("/api/v1/services/items/GD-IND-001?lang=en");
  EXPECT_EQ(en["type_text"], "Administrative confirmation");
}
