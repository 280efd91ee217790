// The form as a page: edit_model (errors at their controls and in a linked
// summary, typed values kept, bound fields read-only, conditions spelled out,
// add/remove buttons, file rules), read_model (what a handler reads),
// error_text in Chinese and English, and the real template
// web/templates/forms/controls.mustache rendered with an edit model.
#include "forms/form_view.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crypto/sm3.hpp"
#include "forms/schema.hpp"
#include "forms/submission.hpp"
#include "http/form_data.hpp"
#include "render/catalogue.hpp"
#include "render/templates.hpp"
#include "tests/unit/forms/forms_fixture.hpp"

namespace yiwang::forms {
namespace {

using nlohmann::json;
using namespace test;

const std::string kHostile = "<script>alert('x')</script>\"'&";

std::filesystem::path source_dir() { return YIWANG_SOURCE_DIR; }

const render::Catalogue& catalogue() {
  static const render::Catalogue c = [] {
    auto loaded = render::Catalogue::load(source_dir() / "web" / "i18n");
    if (!loaded) {
      ADD_FAILURE() << "catalogue: " << loaded.error().key;
      return render::Catalogue{};
    }
    return std::move(*loaded);
  }();
  return c;
}

Submission submit(const Pairs& pairs, bool with_charter = true,
                  const json& previous = json::object(), const Context& ctx = context()) {
  http::FormData data = form_data(pairs);
  if (with_charter) attach(data, "charter", "章程.pdf", kPdf);
  return read_submission(start_up(), data, previous, ctx);
}

// The controls of an edit model by input name: fields, and group starts.
std::map<std::string, json> controls_by_name(const json& model) {
  std::map<std::string, json> out;
  for (const auto& c : model["controls"]) {
    if (c.contains("field")) out[c["field"]["name"].get<std::string>()] = c["field"];
    if (c.contains("group_start"))
      out[c["group_start"]["name"].get<std::string>()] = c["group_start"];
  }
  return out;
}

std::vector<json> entries(const json& model, const std::string& kind) {
  std::vector<json> out;
  for (const auto& c : model["controls"])
    if (c.contains(kind)) out.push_back(c[kind]);
  return out;
}

// Every id a model gives an element: controls, options, address parts, hints,
// conditions, errors.
std::set<std::string> ids_in(const json& model) {
  std::set<std::string> ids;
  for (const auto& [name, c] : controls_by_name(model)) {
    for (const char* key : {"id", "hint_id", "when_id", "error_id"})
      if (c.contains(key)) ids.insert(c[key].get<std::string>());
    for (const char* kind : {"select", "radios", "checks"})
      if (c.contains(kind))
        for (const auto& o : c[kind]["options"]) ids.insert(o["id"].get<std::string>());
    if (c.contains("address")) {
      ids.insert(c["address"]["division_id"].get<std::string>());
      ids.insert(c["address"]["detail_id"].get<std::string>());
    }
  }
  return ids;
}

ViewOptions zh() { return ViewOptions{}; }

ViewOptions en() {
  ViewOptions o;
  o.lang = "en";
  return o;
}

// ---------------------------------------------------------------------------
// control_id

TEST(ControlId, DotsBecomeHyphens) {
  EXPECT_EQ(control_id("shareholders.0.name"), "f-shareholders-0-name");
  EXPECT_EQ(control_id("a.0.b"), "f-a-0-b");
  EXPECT_EQ(control_id("company_name"), "f-company_name");
  EXPECT_EQ(control_id("office.division"), "f-office-division");
}

// ---------------------------------------------------------------------------
// edit_model

TEST(EditModel, EachErrorIsShownAtItsControl) {
  Pairs pairs = without(without(complete(), "company_name"), "shareholders.1.name");
  pairs = with(pairs, "capital", "1e5");
  Submission s = submit(pairs);
  ASSERT_EQ(s.errors.size(), 3u) << describe(s.errors);
  json model = edit_model(start_up(), s.values, s.errors, catalogue(), zh());
  auto controls = controls_by_name(model);

  const json& holder = controls.at("shareholders.1.name");
  EXPECT_EQ(holder["id"], "f-shareholders-1-name");
  EXPECT_EQ(holder["error"], "请填写“姓名（股东 第 2 项）”。");
  EXPECT_EQ(holder["invalid"], true);
  EXPECT_EQ(holder["error_id"], "f-shareholders-1-name--error");
  EXPECT_NE(holder["describedby"].get<std::string>().find("f-shareholders-1-name--error"),
            std::string::npos);

  const json& name = controls.at("company_name");
  EXPECT_EQ(name["error"], "请填写“企业名称”。");
  // The hint and the error both describe the control.
  EXPECT_EQ(name["describedby"], "f-company_name--hint f-company_name--error");
  EXPECT_EQ(name["hint"], "与名称自主申报结果一致");

  EXPECT_EQ(controls.at("capital")["error"], "“注册资本”应填写数字，例如 12 或 3.5。");

  // Controls without a problem are not marked.
  for (const char* ok : {"shareholders.0.name", "business_scope", "phone", "shareholders"}) {
    EXPECT_FALSE(controls.at(ok).contains("error")) << ok;
    EXPECT_FALSE(controls.at(ok).contains("invalid")) << ok;
  }
}

TEST(EditModel, ErrorSummaryLinksToEachControl) {
  Pairs pairs = without(without(complete(), "company_name"), "office.detail");
  pairs = with(pairs, "shareholders.0.id_number", "123");
  pairs = with(pairs, "has_agent", "maybe");
  Submission s = submit(pairs, false);
  json model = edit_model(start_up(), s.values, s.errors, catalogue(), zh());
  EXPECT_EQ(model["has_errors"], true);
  EXPECT_EQ(model["error_title"], "请先修改以下问题：");
  ASSERT_EQ(model["errors"].size(), s.errors.size());
  const std::set<std::string> ids = ids_in(model);
  for (std::size_t i = 0; i < s.errors.size(); ++i) {
    const json& item = model["errors"][i];
    EXPECT_EQ(item["href"], "#" + control_id(s.errors[i].field));
    EXPECT_EQ(item["text"], error_text(start_up(), s.errors[i], catalogue(), "zh-CN"));
    EXPECT_TRUE(ids.contains(item["href"].get<std::string>().substr(1)))
        << item["href"] << " links to no control";
  }
  std::set<std::string> hrefs;
  for (const auto& item : model["errors"]) hrefs.insert(item["href"].get<std::string>());
  EXPECT_TRUE(hrefs.contains("#f-company_name"));
  EXPECT_TRUE(hrefs.contains("#f-office-detail"));
  EXPECT_TRUE(hrefs.contains("#f-shareholders-0-id_number"));
  EXPECT_TRUE(hrefs.contains("#f-has_agent"));
  EXPECT_TRUE(hrefs.contains("#f-charter"));

  json clean = edit_model(start_up(), submit(complete()).values, {}, catalogue(), zh());
  EXPECT_EQ(clean["has_errors"], false);
  EXPECT_EQ(clean["errors"], json::array());
}

TEST(EditModel, KeepsWhatWasTyped) {
  Pairs pairs = with(complete(), "company_name", kHostile);
  pairs = with(pairs, "capital", "１,000.5");
  pairs = with(pairs, "business_scope", "第一行\n第二行");
  pairs = with(pairs, "start_date", "2026-02-30");
  pairs = with(pairs, "email", "not an address");
  Submission s = submit(pairs);
  json model = edit_model(start_up(), s.values, s.errors, catalogue(), zh());
  auto controls = controls_by_name(model);
  EXPECT_EQ(controls.at("company_name")["input"]["value"], kHostile);
  EXPECT_EQ(controls.at("company_name")["input"]["maxlength"], 60);
  EXPECT_EQ(controls.at("capital")["input"]["value"], "1000.5");  // read as a number
  EXPECT_EQ(controls.at("capital")["input"]["unit"], "万元");
  EXPECT_EQ(controls.at("capital")["input"]["inputmode"], "decimal");
  EXPECT_EQ(controls.at("business_scope")["textarea"]["value"], "第一行\n第二行");
  EXPECT_EQ(controls.at("start_date")["input"]["value"], "2026-02-30");
  EXPECT_EQ(controls.at("start_date")["input"]["type"], "date");
  EXPECT_EQ(controls.at("start_date")["input"]["min"], "2020-01-01");
  EXPECT_EQ(controls.at("email")["input"]["value"], "not an address");
  EXPECT_EQ(controls.at("shareholders.1.name")["input"]["value"], "福州某某投资有限公司");

  const json& type = controls.at("company_type")["select"];
  EXPECT_EQ(type["placeholder"], "请选择");
  ASSERT_EQ(type["options"].size(), 2u);
  EXPECT_EQ(type["options"][0]["on"], true);
  EXPECT_EQ(type["options"][1]["on"], false);
  EXPECT_EQ(type["options"][0]["label"], "有限责任公司");

  const json& kind = controls.at("shareholders.0.kind")["radios"]["options"];
  EXPECT_EQ(kind[0]["on"], true);
  EXPECT_EQ(kind[0]["id"], "f-shareholders-0-kind--0");
  EXPECT_EQ(kind[1]["on"], false);

  const json& services = controls.at("services")["checks"]["options"];
  EXPECT_EQ(services[0]["on"], true);   // seal
  EXPECT_EQ(services[1]["on"], false);  // tax
  EXPECT_EQ(services[2]["on"], true);   // bank
  EXPECT_EQ(controls.at("agree")["check"]["on"], true);

  const json& office = controls.at("office")["address"];
  EXPECT_EQ(office["division"], "350102");
  EXPECT_EQ(office["detail"], "五四路 100 号");
  EXPECT_EQ(office["resolved"], "福建省福州市鼓楼区");
  EXPECT_EQ(office["division_name"], "office.division");
  EXPECT_EQ(office["detail_name"], "office.detail");
  EXPECT_EQ(controls.at("division")["input"]["value"], "350102");
  EXPECT_EQ(controls.at("division")["resolved"], "福建省福州市鼓楼区");
}

// A number is shown the way it was typed and can be sent again as it is
// shown: 注册资本 500000, not "5e+05".
TEST(EditModel, LargeRoundNumbersAreShownInFull) {
  FormSchema schema = schema_of(R"({"title": "T", "fields": [
    {"name": "capital", "type": "number", "label": "注册资本", "unit": "元", "max": 1e12},
    {"name": "name", "type": "text", "label": "名称", "required": true}]})");
  http::FormData first;
  first.add("capital", "500000");
  Submission s = read_submission(schema, first, json::object(), context());
  ASSERT_EQ(s.errors.size(), 1u) << describe(s.errors);  // shown again to be completed
  EXPECT_EQ(s.errors[0].field, "name");
  json model = edit_model(schema, s.values, s.errors, catalogue(), zh());
  const std::string shown = controls_by_name(model).at("capital")["input"]["value"];
  EXPECT_EQ(shown, "500000");
  // Sent again as shown.
  http::FormData second;
  second.add("capital", shown);
  second.add("name", "闽江公司");
  Submission again = read_submission(schema, second, json::object(), context());
  EXPECT_TRUE(again.ok()) << shown << describe(again.errors);
}

TEST(EditModel, BoundFieldsAreFilledInAndReadOnly) {
  ViewOptions options;
  options.prefill = {{"person.name", "张三"},
                     {"person.citizen_id", kZhangSan},
                     {"enterprise.division", {{"code", "350102"}, {"name", "福建省福州市鼓楼区"}}}};
  FormSchema schema = schema_of(R"({"title": "T", "fields": [
    {"name": "applicant_name", "type": "text", "label": "申请人", "bind": "person.name"},
    {"name": "applicant_id", "type": "citizen_id", "label": "身份证号", "bind": "person.citizen_id"},
    {"name": "area", "type": "division", "label": "所在地", "bind": "enterprise.division"},
    {"name": "phone", "type": "phone", "label": "电话", "bind": "person.phone"}]})");
  // Whatever the values say, the bound value is shown.
  json values = {{"applicant_name", "李四"}};
  json model = edit_model(schema, values, {}, catalogue(), options);
  auto controls = controls_by_name(model);
  const json& name = controls.at("applicant_name");
  ASSERT_TRUE(name.contains("bound")) << name.dump();
  EXPECT_EQ(name["bound"]["value"], "张三");
  EXPECT_EQ(name["bound"]["note"], catalogue().text("zh-CN", "forms.bound_note"));
  EXPECT_FALSE(name.contains("input"));  // nothing to type
  EXPECT_EQ(controls.at("applicant_id")["bound"]["value"], kZhangSan);
  EXPECT_EQ(controls.at("area")["bound"]["value"], "福建省福州市鼓楼区 (350102)");
  // Without a known value the field is an ordinary input.
  EXPECT_FALSE(controls.at("phone").contains("bound"));
  EXPECT_TRUE(controls.at("phone").contains("input"));
}

TEST(EditModel, ConditionsAreSpelledOut) {
  json model = edit_model(start_up(), json::object(), {}, catalogue(), zh());
  auto controls = controls_by_name(model);
  const json& agent = controls.at("agent");
  EXPECT_EQ(agent["when_note"], "仅在“是否委托代理人”选择“是”时填写。");
  EXPECT_EQ(agent["when_id"], "f-agent--when");
  EXPECT_EQ(agent["describedby"], "f-agent--when");
  EXPECT_EQ(controls.at("shareholders.0.id_number")["when_note"],
            "仅在“股东类型”选择“自然人”时填写。");
  EXPECT_EQ(controls.at("bank_name")["when_note"], "仅在“同时办理”选择“银行开户”时填写。");
  EXPECT_FALSE(controls.at("company_name").contains("when_note"));
  // Conditional fields are there to be filled in without JavaScript.
  EXPECT_TRUE(controls.contains("agent.name"));

  json english = edit_model(start_up(), json::object(), {}, catalogue(), en());
  EXPECT_EQ(controls_by_name(english).at("agent")["when_note"],
            "Only when “Agent appointed” is “Yes”.");

  FormSchema several = schema_of(R"({"title": "T", "fields": [
    {"name": "kind", "type": "select", "label": "类型", "options": [
      {"value": "a", "label": "甲"}, {"value": "b", "label": "乙"}, {"value": "c", "label": "丙"}]},
    {"name": "x", "type": "text", "label": "X", "when": {"field": "kind", "equals": ["a", "c"]}}]})");
  json m = edit_model(several, json::object(), {}, catalogue(), zh());
  EXPECT_EQ(controls_by_name(m).at("x")["when_note"], "仅在“类型”选择“甲”或“丙”时填写。");
}

TEST(EditModel, AddAndRemoveButtonsWithinTheLimits) {
  auto group_end = [](const json& model) {
    for (const auto& g : entries(model, "group_end"))
      if (g["repeatable"] == true) return g;
    return json();
  };
  // No values yet: the minimum number of items.
  json fresh = edit_model(start_up(), json::object(), {}, catalogue(), zh());
  std::vector<json> items = entries(fresh, "item_start");
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["legend"], "股东 第 1 项");
  EXPECT_EQ(items[0]["can_remove"], false);  // min_items is 1
  json end = group_end(fresh);
  EXPECT_EQ(end["count_name"], "shareholders.count");
  EXPECT_EQ(end["count"], 1);
  EXPECT_EQ(end["can_add"], true);
  EXPECT_EQ(end["add_value"], "shareholders");
  EXPECT_EQ(end["add_label"], "增加一项股东");
  EXPECT_EQ(end["limit"], "可填写 1 至 3 项。");

  // Two: both ways.
  json two = edit_model(start_up(), submit(complete()).values, {}, catalogue(), zh());
  items = entries(two, "item_start");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1]["can_remove"], true);
  EXPECT_EQ(items[1]["remove_value"], "shareholders.1");
  EXPECT_EQ(items[1]["remove_label"], "删除第 2 项");
  EXPECT_EQ(group_end(two)["can_add"], true);

  // Three (max_items): no more adding.
  json values = {{"shareholders", json::array({json::object(), json::object(), json::object()})}};
  json three = edit_model(start_up(), values, {}, catalogue(), zh());
  items = entries(three, "item_start");
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[2]["legend"], "股东 第 3 项");
  EXPECT_EQ(items[2]["can_remove"], true);
  EXPECT_EQ(group_end(three)["can_add"], false);
  EXPECT_EQ(group_end(three)["count"], 3);
  // Item controls are named by their index.
  auto controls = controls_by_name(three);
  EXPECT_TRUE(controls.contains("shareholders.2.share"));
  EXPECT_FALSE(controls.contains("shareholders.3.share"));

  // What read_submission does with "_add", the model shows.
  Pairs add = {{"shareholders.count", "1"}, {"_add", "shareholders"}};
  Submission added = submit(add, false);
  json after = edit_model(start_up(), added.values, added.errors, catalogue(), zh());
  EXPECT_EQ(entries(after, "item_start").size(), 2u);
  EXPECT_EQ(after["has_errors"], false);
}

TEST(EditModel, FileControlsStateTheirRules) {
  json previous = {{"other_docs", json::array({{{"name", "营业执照副本.pdf"},
                                                {"mime", "application/pdf"},
                                                {"size", 1234},
                                                {"ref", "a1b2"}}})}};
  Submission s = submit(complete(), true, previous);
  json model = edit_model(start_up(), s.values, s.errors, catalogue(), zh());
  EXPECT_EQ(model["has_files"], true);
  auto controls = controls_by_name(model);
  const json& charter = controls.at("charter")["file"];
  EXPECT_EQ(charter["accept"], ".pdf,.ofd");
  EXPECT_EQ(charter["multiple"], false);
  EXPECT_EQ(charter["rule"], "可上传 .pdf,.ofd，每个文件不超过 1 MiB，最多 1 个。");
  ASSERT_EQ(charter["kept"].size(), 1u);  // the file just uploaded
  EXPECT_EQ(charter["kept"][0]["name"], "章程.pdf");
  EXPECT_EQ(charter["kept"][0]["ref"], crypto::to_hex(crypto::sm3(kPdf)));

  const json& docs = controls.at("other_docs")["file"];
  EXPECT_EQ(docs["multiple"], true);
  EXPECT_EQ(docs["rule"], "可上传 .pdf,.jpg,.png，每个文件不超过 10 MiB，最多 3 个。");
  ASSERT_EQ(docs["kept"].size(), 1u);
  EXPECT_EQ(docs["has_kept"], true);
  EXPECT_EQ(docs["kept"][0]["name"], "营业执照副本.pdf");
  EXPECT_EQ(docs["kept"][0]["size"], "2 KiB");
  EXPECT_EQ(docs["kept"][0]["ref"], "a1b2");
  EXPECT_EQ(docs["kept"][0]["remove_name"], "other_docs.remove");
  EXPECT_EQ(docs["kept"][0]["remove_label"], "删除已上传的“营业执照副本.pdf”");

  FormSchema no_files =
      schema_of(R"({"title": "T", "fields": [{"name": "a", "type": "text", "label": "A"}]})");
  EXPECT_EQ(edit_model(no_files, json::object(), {}, catalogue(), zh())["has_files"], false);
}

TEST(EditModel, EnglishLabelsWithChineseFallback) {
  json model = edit_model(start_up(), submit(complete()).values, {}, catalogue(), en());
  auto controls = controls_by_name(model);
  EXPECT_EQ(controls.at("company_name")["label"], "Company name");
  EXPECT_EQ(controls.at("company_name")["hint"], "As reserved");
  EXPECT_EQ(controls.at("company_type")["select"]["options"][1]["label"], "Joint-stock company");
  EXPECT_EQ(controls.at("company_type")["select"]["placeholder"], "Choose");
  const json& services = controls.at("services")["checks"]["options"];
  EXPECT_EQ(services[0]["label"], "Company seal");
  EXPECT_EQ(services[2]["label"], "银行开户");  // no English label given
  EXPECT_EQ(entries(model, "item_start")[1]["legend"], "Shareholder 2");
}

// ---------------------------------------------------------------------------
// read_model

std::map<std::string, json> rows_by_label(const json& rows) {
  std::map<std::string, json> out;
  for (const auto& r : rows) out[r["label"].get<std::string>()] = r;
  return out;
}

TEST(ReadModel, ShowsWhatWasChosenInWords) {
  Submission s = submit(complete());
  ASSERT_TRUE(s.ok()) << describe(s.errors);
  json model = read_model(start_up(), s.values, catalogue(), "zh-CN",
                          [](const std::string& ref) { return "/files/" + ref; });
  auto rows = rows_by_label(model["rows"]);
  EXPECT_EQ(rows.at("企业名称")["text"], "福州闽江科技有限公司");
  EXPECT_EQ(rows.at("企业类型")["text"], "有限责任公司");
  EXPECT_EQ(rows.at("是否委托代理人")["text"], "否");
  EXPECT_EQ(rows.at("注册资本")["text"], "100.5 万元");
  EXPECT_EQ(rows.at("同时办理")["text"], "刻制印章、银行开户");
  EXPECT_EQ(rows.at("本人承诺所填信息真实有效")["text"], "是");
  EXPECT_EQ(rows.at("登记机关所在地")["text"], "福建省福州市鼓楼区（350102）");
  EXPECT_EQ(rows.at("住所")["text"], "福建省福州市鼓楼区五四路 100 号");
  EXPECT_EQ(rows.at("成立日期")["text"], "2026-03-01");

  const json& files = rows.at("公司章程")["files"];
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0]["name"], "章程.pdf");
  EXPECT_EQ(files[0]["href"], "/files/" + crypto::to_hex(crypto::sm3(kPdf)));
  EXPECT_EQ(files[0]["size"], std::to_string(kPdf.size()) + " B");
  EXPECT_FALSE(rows.contains("其他材料"));  // no files: left out

  const json& items = rows.at("股东")["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["legend"], "股东 第 1 项");
  auto first = rows_by_label(items[0]["rows"]);
  EXPECT_EQ(first.at("姓名")["text"], "张三");
  EXPECT_EQ(first.at("股东类型")["text"], "自然人");
  EXPECT_EQ(first.at("身份证号")["text"], kZhangSan);
  EXPECT_EQ(first.at("出资比例")["text"], "60 %");
  auto second = rows_by_label(items[1]["rows"]);
  EXPECT_EQ(second.at("股东类型")["text"], "企业");
  EXPECT_EQ(second.at("统一社会信用代码")["text"], "91350100M000100Y43");
}

TEST(ReadModel, LargeRoundNumbersAreWrittenOut) {
  json values = submit(with(complete(), "capital", "1000000")).values;
  auto rows = rows_by_label(read_model(start_up(), values, catalogue(), "zh-CN", nullptr)["rows"]);
  EXPECT_EQ(rows.at("注册资本")["text"], "1000000 万元");
}

// A field shown when a single box is ticked is read back when it was ticked.
TEST(ReadModel, ConditionOnASingleCheckbox) {
  FormSchema schema = schema_of(R"({"title": "T", "fields": [
    {"name": "by_agent", "type": "checkbox", "label": "委托代理人办理"},
    {"name": "agent_name", "type": "text", "label": "代理人姓名", "required": true,
     "when": {"field": "by_agent", "equals": ["yes"]}}]})");
  http::FormData data;
  data.add("by_agent", "yes");  // what the template's box sends
  data.add("agent_name", "王五");
  Submission s = read_submission(schema, data, json::object(), context());
  ASSERT_TRUE(s.ok()) << describe(s.errors);
  ASSERT_EQ(s.values["agent_name"], "王五");
  auto rows = rows_by_label(read_model(schema, s.values, catalogue(), "zh-CN", nullptr)["rows"]);
  EXPECT_EQ(rows.at("委托代理人办理")["text"], "是");
  ASSERT_TRUE(rows.contains("代理人姓名")) << "the answer was accepted but is not shown";
  EXPECT_EQ(rows.at("代理人姓名")["text"], "王五");
}

// An optional group left empty is left out like any empty field.
TEST(ReadModel, AnEmptyGroupIsLeftOut) {
  FormSchema schema = schema_of(R"({"title": "T", "fields": [
    {"name": "name", "type": "text", "label": "名称"},
    {"name": "contact", "type": "group", "label": "联系人", "fields": [
      {"name": "phone", "type": "phone", "label": "电话"}]}]})");
  http::FormData data;
  data.add("name", "闽江公司");
  Submission s = read_submission(schema, data, json::object(), context());
  ASSERT_TRUE(s.ok()) << describe(s.errors);
  auto rows = rows_by_label(read_model(schema, s.values, catalogue(), "zh-CN", nullptr)["rows"]);
  EXPECT_TRUE(rows.contains("名称"));
  EXPECT_FALSE(rows.contains("联系人")) << "a heading with nothing under it";
}

TEST(ReadModel, SingleCheckboxNotTickedReadsNo) {
  FormSchema schema = schema_of(R"({"title": "T", "fields": [
    {"name": "news", "type": "checkbox", "label": "订阅通知"}]})");
  json zh_model = read_model(schema, {{"news", false}}, catalogue(), "zh-CN", nullptr);
  EXPECT_EQ(zh_model["rows"][0]["text"], "否");
  json en_model = read_model(schema, {{"news", true}}, catalogue(), "en", nullptr);
  EXPECT_EQ(en_model["rows"][0]["text"], "Yes");
}

TEST(ReadModel, LeavesOutFieldsWhoseConditionIsFalse) {
  // Values as an old draft might hold them: answers to questions no longer asked.
  json values = submit(complete()).values;
  values["agent"] = {{"name", "王五"}};
  values["shareholders"][1]["id_number"] = kZhangSan;  // a company has no 身份证号
  values["services"] = json::array({"seal"});
  json model = read_model(start_up(), values, catalogue(), "zh-CN", nullptr);
  auto rows = rows_by_label(model["rows"]);
  EXPECT_FALSE(rows.contains("代理人"));
  EXPECT_FALSE(rows.contains("开户银行"));
  auto second = rows_by_label(rows.at("股东")["items"][1]["rows"]);
  EXPECT_FALSE(second.contains("身份证号"));
  EXPECT_TRUE(second.contains("统一社会信用代码"));

  values["has_agent"] = "yes";
  auto shown = rows_by_label(read_model(start_up(), values, catalogue(), "zh-CN", nullptr)["rows"]);
  ASSERT_TRUE(shown.contains("代理人"));
  EXPECT_EQ(rows_by_label(shown.at("代理人")["items"][0]["rows"]).at("代理人姓名")["text"], "王五");
}

TEST(ReadModel, InEnglish) {
  json model = read_model(start_up(), submit(complete()).values, catalogue(), "en",
                          [](const std::string& ref) { return "/f/" + ref; });
  auto rows = rows_by_label(model["rows"]);
  EXPECT_EQ(rows.at("Company type")["text"], "Limited liability company");
  EXPECT_EQ(rows.at("Agent appointed")["text"], "No");
  EXPECT_EQ(rows.at("Also apply for")["text"], "Company seal, 银行开户");
  EXPECT_EQ(rows.at("I confirm that the information is true")["text"], "Yes");
  EXPECT_EQ(rows.at("Shareholder")["items"][1]["legend"], "Shareholder 2");
}

// ---------------------------------------------------------------------------
// error_text

TEST(ErrorText, NamesTheFieldAndTheGroupItem) {
  const Error required("forms.required", "shareholders.1.name");
  EXPECT_EQ(error_text(start_up(), required, catalogue(), "zh-CN"),
            "请填写“姓名（股东 第 2 项）”。");
  EXPECT_EQ(error_text(start_up(), required, catalogue(), "en"), "Fill in “Name (Shareholder 2)”.");

  const Error top("forms.text.too_long", "company_name", {{"max", "60"}});
  EXPECT_EQ(error_text(start_up(), top, catalogue(), "zh-CN"), "“企业名称”不能超过 60 个字。");
  EXPECT_EQ(error_text(start_up(), top, catalogue(), "en"),
            "“Company name” must be at most 60 characters.");

  const Error in_group("forms.required", "agent.name");
  EXPECT_EQ(error_text(start_up(), in_group, catalogue(), "zh-CN"), "请填写“代理人姓名”。");

  const Error group("forms.group.too_few", "shareholders", {{"min", "1"}});
  EXPECT_EQ(error_text(start_up(), group, catalogue(), "zh-CN"), "“股东”至少要填写 1 项。");
}

TEST(ErrorText, NamesThePartOfAnAddress) {
  const Error detail("forms.address.detail_required", "office.detail");
  EXPECT_EQ(error_text(start_up(), detail, catalogue(), "zh-CN"), "请填写“住所（详细地址）”。");
  EXPECT_EQ(error_text(start_up(), detail, catalogue(), "en"),
            "Fill in “Registered address (street address)”.");
  const Error division("forms.division.unknown", "office.division", {{"code", "999999"}});
  EXPECT_EQ(error_text(start_up(), division, catalogue(), "zh-CN"),
            "“住所（所在地区）”应为现行行政区划代码表中的 6 位代码，“999999”不在表中。");
}

TEST(ErrorText, IdentifierMessagesAreLedByTheField) {
  const std::string wrong =
      kZhangSan.substr(0, 17) + std::string(1, kZhangSan.back() == '0' ? '1' : '0');
  Submission s = submit(with(complete(), "shareholders.0.id_number", wrong));
  ASSERT_EQ(s.errors.size(), 1u) << describe(s.errors);
  EXPECT_EQ(s.errors[0].key, "id.citizen.check_digit");
  std::string zh_text = error_text(start_up(), s.errors[0], catalogue(), "zh-CN");
  EXPECT_TRUE(zh_text.starts_with("“身份证号（股东 第 1 项）”：公民身份号码校验码错误")) << zh_text;
  EXPECT_NE(zh_text.find(std::string("最后一位应为 ") + kZhangSan.back()), std::string::npos)
      << zh_text;
  std::string en_text = error_text(start_up(), s.errors[0], catalogue(), "en");
  EXPECT_TRUE(en_text.starts_with("“ID number (Shareholder 1)”: The check character")) << en_text;
}

TEST(ErrorText, AFieldNotInTheSchemaIsNamedByItsPath) {
  const Error e("forms.required", "no_such_field");
  EXPECT_EQ(error_text(start_up(), e, catalogue(), "zh-CN"), "请填写“no_such_field”。");
}

// Every error read_submission can give, as text: a known message with every
// placeholder filled, naming the field.
TEST(ErrorText, EveryMessageIsCompleteInBothLanguages) {
  std::vector<Submission> runs;
  runs.push_back(submit({}, false));
  Pairs bad = complete();
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"company_name", std::string(61, 'x')},
                                                        {"business_scope", "a\x01"},
                                                        {"capital", "0"},
                                                        {"start_date", "2019-01-01"},
                                                        {"company_type", "zz"},
                                                        {"shareholders.0.share", "1.25"},
                                                        {"shareholders.1.share", "101"},
                                                        {"shareholders.0.id_number", "123"},
                                                        {"shareholders.1.credit_code", "123"},
                                                        {"division", "999999"},
                                                        {"office.division", "999999"},
                                                        {"office.detail", ""},
                                                        {"phone", "1"},
                                                        {"email", "x"},
                                                        {"services", "zz"},
                                                        {"shareholders.1.name", "\xFF"}})
    bad = with(bad, name, value);
  runs.push_back(submit(bad, false));
  runs.push_back(submit(with(with(complete(), "start_date", "2099-01-01"), "capital", "x"), false));
  runs.push_back(submit(with(complete(), "company_name", "x"), false));
  runs.push_back(submit(with(complete(), "capital", "2000000"), false));
  runs.push_back(submit(with(complete(), "start_date", "2026-02-30"), false));
  runs.push_back(submit(with(complete(), "shareholders.count", "0"), false));
  {
    http::FormData data;
    for (const auto& [name, value] : complete()) data.add(name, value);
    data.files().push_back({"charter", "a.exe", "", "MZ"});
    data.files().push_back({"other_docs", "a.pdf", "", ""});
    data.files().push_back({"other_docs", "b.pdf", "", "<html>"});
    data.files().push_back({"other_docs", "c.pdf", "", "%PDF-" + std::string(11 << 20, 'x')});
    for (int i = 0; i < 4; ++i)
      data.files().push_back({"other_docs", "d.png", "", "\x89PNG\r\n\x1A\n"});
    runs.push_back(read_submission(start_up(), data, json::object(), context()));
  }
  std::set<std::string> keys;
  const std::regex unfilled(R"(\{[a-z_]+\})");
  for (const Submission& s : runs) {
    for (const Error& e : s.errors) {
      keys.insert(e.key);
      for (const char* lang : {"zh-CN", "en"}) {
        std::string text = error_text(start_up(), e, catalogue(), lang);
        EXPECT_TRUE(catalogue().has(lang, e.key)) << lang << " has no " << e.key;
        EXPECT_FALSE(std::regex_search(text, unfilled)) << lang << " " << e.key << ": " << text;
        EXPECT_EQ(text.find(e.key), std::string::npos) << text;
      }
    }
  }
  // The runs above cover every kind of problem at a field.
  for (const char* key :
       {"forms.required",        "forms.text.too_long",     "forms.text.too_short",
        "forms.text.encoding",   "forms.text.control",      "forms.number.invalid",
        "forms.number.decimals", "forms.number.too_small",  "forms.number.too_large",
        "forms.date.invalid",    "forms.date.too_early",    "forms.date.too_late",
        "forms.choice.unknown",  "forms.checkbox.required", "forms.phone.invalid",
        "forms.email.invalid",   "forms.division.unknown",  "forms.address.detail_required",
        "forms.file.type",       "forms.file.empty",        "forms.file.content",
        "forms.file.too_large",  "forms.file.too_many",     "forms.file.required",
        "forms.group.too_few"})
    EXPECT_TRUE(keys.contains(key)) << key << " was not produced";
}

// ---------------------------------------------------------------------------
// The template

std::shared_ptr<const render::Templates> templates() {
  static std::shared_ptr<const render::Templates> t = [] {
    auto loaded = render::Templates::load(source_dir() / "web" / "templates", catalogue());
    if (!loaded) {
      ADD_FAILURE() << "templates: " << loaded.error().key << " " << loaded.error().field;
      return std::shared_ptr<const render::Templates>();
    }
    return *loaded;
  }();
  return t;
}

struct Tag {
  std::string name;
  std::map<std::string, std::string> attrs;
};

std::vector<Tag> tags_of(const std::string& html) {
  std::vector<Tag> out;
  static const std::regex tag(R"re(<([a-z]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>)re");
  static const std::regex attr(R"re(([a-z-]+)(?:="([^"]*)")?)re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator();
       ++it) {
    Tag t{(*it)[1].str(), {}};
    const std::string attrs = (*it)[2].str();
    for (auto a = std::sregex_iterator(attrs.begin(), attrs.end(), attr);
         a != std::sregex_iterator(); ++a)
      t.attrs[(*a)[1].str()] = (*a)[2].str();
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find(' ', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The 企业开办 form shown again after a submission with a problem at every
// kind of control, hostile text typed into several fields, and a kept file.
std::string rendered_form(std::string_view lang = "zh-CN") {
  Pairs pairs = complete();
  pairs = with(pairs, "company_name", kHostile);
  pairs = with(pairs, "business_scope", "</textarea><script>alert(1)</script>");
  pairs = with(pairs, "capital", "\"><script>alert(2)</script>");
  pairs = with(pairs, "email", "\"onfocus=\"alert(3)");
  pairs = with(pairs, "office.detail", "<img src=x onerror=alert(4)>");
  pairs = with(pairs, "has_agent", "yes");
  pairs = with(pairs, "agent.name", "<b>王五</b>");
  pairs = without(pairs, "agree");
  pairs = without(pairs, "company_type");
  pairs = with(pairs, "services", "<script>");
  pairs = with(pairs, "shareholders.0.kind", "<script>");
  http::FormData data;
  for (const auto& [name, value] : pairs) data.add(name, value);
  data.files().push_back({"other_docs", "<script>.pdf", "", "not a pdf"});
  json previous = {{"charter", json::array({{{"name", "<script>章程.pdf"},
                                             {"mime", "application/pdf"},
                                             {"size", 2048},
                                             {"ref", "abc123"}}})}};
  Submission s = read_submission(start_up(), data, previous, context());
  EXPECT_FALSE(s.errors.empty());
  ViewOptions options;
  options.lang = lang;
  options.prefill = {{"person.name", "<script>张三</script>"}};
  json model = edit_model(start_up(), s.values, s.errors, catalogue(), options);
  auto t = templates();
  if (!t) return "";
  EXPECT_TRUE(t->has("forms/controls"));
  return t->render("forms/controls", model, lang);
}

// The read model through the real web/templates/forms/values.mustache: a
// repeated group renders each item once (an inner row must not pick up its
// group's items from the enclosing context and render them again, without end).
TEST(ValuesTemplate, RendersEachGroupItemOnce) {
  Submission s = submit(complete());
  ASSERT_TRUE(s.ok()) << describe(s.errors);
  json model = read_model(start_up(), s.values, catalogue(), "zh-CN",
                          [](const std::string& ref) { return "/files/" + ref; });
  auto t = templates();
  ASSERT_TRUE(t);
  std::string html = t->render("forms/values", model, "zh-CN");
  auto count = [&](const std::string& part) {
    std::size_t n = 0;
    for (auto at = html.find(part); at != std::string::npos; at = html.find(part, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<fieldset class=\"form-item\">"), 2u) << html;
  EXPECT_EQ(count("股东 第 1 项"), 1u);
  EXPECT_EQ(count("股东 第 2 项"), 1u);
  EXPECT_EQ(count("福州闽江科技有限公司"), 1u);
}

TEST(ControlsTemplate, EscapesWhatWasTyped) {
  const std::string html = rendered_form();
  ASSERT_FALSE(html.empty());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("\"onfocus"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert("), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;王五&lt;/b&gt;"), std::string::npos);
  // What was typed is there to be corrected, escaped.
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(4)&gt;"), std::string::npos);
}

TEST(ControlsTemplate, EveryControlHasALabel) {
  const std::string html = rendered_form();
  ASSERT_FALSE(html.empty());
  const std::vector<Tag> tags = tags_of(html);
  std::set<std::string> labelled;
  for (const Tag& t : tags)
    if (t.name == "label") labelled.insert(t.attrs.count("for") ? t.attrs.at("for") : "");
  int controls = 0;
  for (const Tag& t : tags) {
    if (t.name != "input" && t.name != "select" && t.name != "textarea") continue;
    if (t.attrs.count("type") && t.attrs.at("type") == "hidden") continue;
    ++controls;
    ASSERT_TRUE(t.attrs.count("id")) << "a " << t.name << " has no id";
    EXPECT_TRUE(labelled.contains(t.attrs.at("id")))
        << "no <label for=\"" << t.attrs.at("id") << "\">";
  }
  EXPECT_GT(controls, 30);
}

TEST(ControlsTemplate, EveryLabelPointsAtAControl) {
  const std::string html = rendered_form();
  ASSERT_FALSE(html.empty());
  const std::vector<Tag> tags = tags_of(html);
  std::set<std::string> control_ids;
  for (const Tag& t : tags)
    if ((t.name == "input" || t.name == "select" || t.name == "textarea") && t.attrs.count("id"))
      control_ids.insert(t.attrs.at("id"));
  for (const Tag& t : tags)
    if (t.name == "label") {
      ASSERT_TRUE(t.attrs.count("for"));
      EXPECT_TRUE(control_ids.contains(t.attrs.at("for")))
          << "<label for=\"" << t.attrs.at("for") << "\"> labels no control";
    }
}

TEST(ControlsTemplate, IdsAreUnique) {
  const std::string html = rendered_form();
  std::map<std::string, int> seen;
  for (const Tag& t : tags_of(html))
    if (t.attrs.count("id")) ++seen[t.attrs.at("id")];
  EXPECT_GT(seen.size(), 40u);
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id;
}

TEST(ControlsTemplate, AriaAttributesPointAtExistingElements) {
  const std::string html = rendered_form();
  ASSERT_FALSE(html.empty());
  const std::vector<Tag> tags = tags_of(html);
  std::set<std::string> ids;
  for (const Tag& t : tags)
    if (t.attrs.count("id")) ids.insert(t.attrs.at("id"));
  int described = 0, invalid = 0;
  for (const Tag& t : tags) {
    if (t.attrs.count("aria-describedby")) {
      ++described;
      for (const std::string& id : split(t.attrs.at("aria-describedby")))
        EXPECT_TRUE(ids.contains(id)) << "aria-describedby=\"" << id << "\" names no element";
    }
    if (t.attrs.count("aria-invalid")) {
      ++invalid;
      EXPECT_EQ(t.attrs.at("aria-invalid"), "true");
      // An invalid control is described by its error message.
      ASSERT_TRUE(t.attrs.count("aria-describedby")) << t.attrs.at("id");
      bool has_error = false;
      for (const std::string& id : split(t.attrs.at("aria-describedby")))
        has_error = has_error || (id.ends_with("-error") && ids.contains(id));
      EXPECT_TRUE(has_error) << t.attrs.at("id");
    }
  }
  EXPECT_GT(described, 5);
  EXPECT_GT(invalid, 3);
}

TEST(ControlsTemplate, ErrorSummaryLinksPointAtExistingElements) {
  const std::string html = rendered_form();
  ASSERT_FALSE(html.empty());
  EXPECT_NE(html.find("请先修改以下问题："), std::string::npos);
  const std::vector<Tag> tags = tags_of(html);
  std::set<std::string> ids;
  for (const Tag& t : tags)
    if (t.attrs.count("id")) ids.insert(t.attrs.at("id"));
  int links = 0;
  for (const Tag& t : tags)
    if (t.name == "a" && t.attrs.count("href") && t.attrs.at("href").starts_with("#")) {
      ++links;
      EXPECT_TRUE(ids.contains(t.attrs.at("href").substr(1)))
          << "the summary links to " << t.attrs.at("href") << ", which is not on the page";
    }
  EXPECT_GE(links, 5);
}

TEST(ControlsTemplate, InEnglish) {
  const std::string html = rendered_form("en");
  ASSERT_FALSE(html.empty());
  EXPECT_NE(html.find("Please correct the following first:"), std::string::npos);
  EXPECT_NE(html.find("Company name"), std::string::npos);
  EXPECT_NE(html.find("Add another: Shareholder"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace yiwang::forms
