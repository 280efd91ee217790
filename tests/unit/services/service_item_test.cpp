// parse_service_item: a real service guide (企业开办) parses and round-trips,
// and each element an administrator can get wrong is reported with its rule
// and its name — including the problems of the item's form.
#include "services/service_item.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/catalogue_file.hpp"

namespace yiwang::services {
namespace {

using nlohmann::json;
using Parsed = std::expected<ServiceItem, std::vector<Error>>;

json start_up() {
  return json::parse(R"json({
    "code": "11350100MB0000000X-4000",
    "name": "企业开办",
    "type": "licensing",
    "legal_basis": "《中华人民共和国市场主体登记管理条例》第三条\n《中华人民共和国公司法》第二十九条",
    "conditions": "1. 名称经自主申报；\n2. 有符合章程规定的股东和注册资本。",
    "procedure": "网上申请 → 市场监管、公安、税务、人社并联办理 → 办结发照",
    "statutory_days": 3,
    "promised_days": 1,
    "special_procedures": "无",
    "fees": "不收费",
    "place": "示范市政务服务中心一楼 A 区",
    "hours": "工作日 9:00—17:00",
    "visits": 0,
    "phone": "0591-87654321",
    "complaint_phone": "12345",
    "faq": [{"question": "可以全程网办吗？", "answer": "可以，营业执照以电子证照发放。"}],
    "audience": "enterprise",
    "themes": ["开办企业", "开办企业"],
    "process_key": "start_up",
    "issues_licence": true,
    "licence": {"key": "business_licence", "name": "营业执照", "type_code": "11100000MB0143028R001",
                "valid_years": 0, "elements": [{"element": "name", "label": "名称", "from": "company_name"}]},
    "form": {"title": "企业开办申请表", "fields": [
      {"name": "company_name", "type": "text", "label": "企业名称", "required": true},
      {"name": "charter", "type": "file", "label": "公司章程", "accept": [".pdf"], "required": true}]},
    "materials": [
      {"name": "公司章程", "form": "electronic", "count": 1, "required": true, "field": "charter"},
      {"name": "住所使用证明", "form": "copy", "count": 1, "required": false,
       "note": "自有房产提供产权证明"}]
  })json");
}

std::string describe(const Parsed& p) {
  if (p) return "parsed without problems";
  std::string out;
  for (const auto& e : p.error()) out += "\n  " + e.key + " at \"" + e.field + "\"";
  return out;
}

::testing::AssertionResult HasProblem(const Parsed& p, std::string_view key,
                                      std::string_view field) {
  if (!p)
    for (const auto& e : p.error())
      if (e.key == key && e.field == field) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no " << key << " at \"" << field << "\":" << describe(p);
}

Parsed with(const std::string& key, const json& value) {
  json j = start_up();
  if (value.is_null())
    j.erase(key);
  else
    j[key] = value;
  return parse_service_item(j);
}

}  // namespace

TEST(ServiceItem, AServiceGuideParsesAndRoundTrips) {
  auto item = parse_service_item(start_up());
  ASSERT_TRUE(item) << describe(item);
  EXPECT_EQ(item->name, "企业开办");
  EXPECT_EQ(item->type, ItemType::licensing);
  EXPECT_EQ(item->statutory_days, 3);
  EXPECT_EQ(item->promised_days, 1);
  EXPECT_EQ(item->audience, Audience::enterprise);
  EXPECT_EQ(item->themes, std::vector<std::string>{"开办企业"});  // once
  EXPECT_EQ(item->complaint_phone, "12345");
  ASSERT_EQ(item->materials.size(), 2u);
  EXPECT_EQ(item->materials[0].field, "charter");
  EXPECT_EQ(item->materials[1].form, MaterialForm::copy);
  EXPECT_FALSE(item->materials[1].required);
  EXPECT_NE(item->legal_basis.find('\n'), std::string::npos);  // line breaks are kept
  EXPECT_EQ(item->form.fields.size(), 2u);
  auto again = parse_service_item(service_item_json(*item));
  ASSERT_TRUE(again) << describe(again);
  EXPECT_EQ(service_item_json(*again), service_item_json(*item));
}

TEST(ServiceItem, EachElementIsCheckedAndNamed) {
  EXPECT_TRUE(HasProblem(with("name", nullptr), "services.item.text_required", "name"));
  EXPECT_TRUE(
      HasProblem(with("name", std::string(101, 'x')), "services.item.text_too_long", "name"));
  EXPECT_TRUE(HasProblem(with("name", "企业\t开办"), "services.item.text_control", "name"));
  EXPECT_TRUE(HasProblem(with("name", 12), "services.item.not_text", "name"));
  EXPECT_TRUE(HasProblem(with("code", "abc"), "services.item.bad_code", "code"));
  EXPECT_TRUE(HasProblem(with("type", "permit"), "services.item.bad_type", "type"));
  EXPECT_TRUE(HasProblem(with("statutory_days", 0), "services.item.bad_integer", "statutory_days"));
  EXPECT_TRUE(
      HasProblem(with("statutory_days", 366), "services.item.bad_integer", "statutory_days"));
  EXPECT_TRUE(
      HasProblem(with("statutory_days", "20"), "services.item.bad_integer", "statutory_days"));
  EXPECT_TRUE(
      HasProblem(with("promised_days", 5), "services.item.promise_over_statute", "promised_days"));
  EXPECT_TRUE(HasProblem(with("visits", 6), "services.item.bad_integer", "visits"));
  EXPECT_TRUE(HasProblem(with("phone", "1234"), "services.item.bad_phone", "phone"));
  EXPECT_TRUE(HasProblem(with("audience", "everyone"), "services.item.bad_audience", "audience"));
  EXPECT_TRUE(
      HasProblem(with("process_key", "Start Up"), "services.item.bad_process_key", "process_key"));
  EXPECT_TRUE(
      HasProblem(with("issues_licence", "yes"), "services.item.not_boolean", "issues_licence"));
  EXPECT_TRUE(
      HasProblem(with("themes", json::array({"", "就业"})), "services.item.bad_theme", "themes.0"));
  EXPECT_TRUE(HasProblem(with("faq", json::array({{{"question", "问"}}})),
                         "services.item.text_required", "faq.0.answer"));
  EXPECT_TRUE(HasProblem(with("colour", "red"), "services.item.unknown_key", "colour"));
  EXPECT_TRUE(HasProblem(with("form", nullptr), "services.item.required", "form"));
  EXPECT_FALSE(parse_service_item(json::array()));
}

TEST(ServiceItem, MaterialsAreCheckedAgainstTheForm) {
  json m = start_up()["materials"];
  m[0]["field"] = "company_name";  // not a file field
  EXPECT_TRUE(
      HasProblem(with("materials", m), "services.item.material_field", "materials.0.field"));
  m = start_up()["materials"];
  m[1]["name"] = "公司章程";
  EXPECT_TRUE(
      HasProblem(with("materials", m), "services.item.duplicate_material", "materials.1.name"));
  m = start_up()["materials"];
  m[1]["form"] = "scan";
  m[1]["count"] = 100;
  auto p = with("materials", m);
  EXPECT_TRUE(HasProblem(p, "services.item.bad_material_form", "materials.1.form"));
  EXPECT_TRUE(HasProblem(p, "services.item.bad_integer", "materials.1.count"));
  EXPECT_TRUE(HasProblem(with("materials", "公司章程"), "services.item.bad_list", "materials"));
}

TEST(ServiceItem, TheFormsProblemsAreReportedUnderForm) {
  json form = start_up()["form"];
  form["fields"][0]["type"] = "colour";
  auto p = with("form", form);
  EXPECT_TRUE(HasProblem(p, "forms.schema.unknown_type", "form.company_name"));
  form = start_up()["form"];
  form.erase("title");
  EXPECT_TRUE(HasProblem(with("form", form), "forms.schema.title_required", "form"));
}

TEST(ServiceItem, HostileTextIsKeptAsData) {
  const std::string hostile = "<script>alert(1)</script>'; DROP TABLE svc_items; --";
  auto p = with("conditions", hostile);
  ASSERT_TRUE(p) << describe(p);
  EXPECT_EQ(p->conditions, hostile);
  EXPECT_TRUE(HasProblem(with("conditions", std::string("\xff\xfe", 2)),
                         "services.item.text_encoding", "conditions"));
  auto wide = with("name", "　企业开办　");  // ideographic spaces are trimmed
  ASSERT_TRUE(wide) << describe(wide);
  EXPECT_EQ(wide->name, "企业开办");
}

TEST(ServiceItem, EveryMessageExistsInBothLanguages) {
  auto zh = test::catalogue_file("zh-CN", "services.toml");
  auto en = test::catalogue_file("en", "services.toml");
  EXPECT_EQ(test::keys_of(zh), test::keys_of(en));
  for (auto t : {ItemType::licensing, ItemType::payment, ItemType::confirmation, ItemType::ruling,
                 ItemType::reward, ItemType::other_power, ItemType::public_service})
    EXPECT_TRUE(zh.contains("services.type." + std::string(item_type_name(t))));
  for (const std::string key : {"not_object",         "unknown_key",
                                "not_text",           "text_required",
                                "text_too_long",      "text_encoding",
                                "text_control",       "required",
                                "bad_integer",        "not_boolean",
                                "bad_phone",          "bad_code",
                                "bad_type",           "promise_over_statute",
                                "bad_audience",       "bad_process_key",
                                "bad_list",           "bad_theme",
                                "bad_material_form",  "material_field",
                                "duplicate_material", "licence_required",
                                "bad_licence_key",    "duplicate_element",
                                "bad_licence_source", "bad_entity_category"})
    EXPECT_TRUE(zh.contains("services.item." + key) && en.contains("services.item." + key)) << key;
}

TEST(ServiceItem, TheLicenceTemplateIsChecked) {
  auto item = parse_service_item(start_up());
  ASSERT_TRUE(item) << describe(item);
  ASSERT_TRUE(item->licence);
  EXPECT_EQ(item->licence->key, "business_licence");
  EXPECT_EQ(item->licence->elements.at(0).from, "company_name");
  // Round trip.
  auto again = parse_service_item(service_item_json(*item));
  ASSERT_TRUE(again) << describe(again);
  EXPECT_EQ(again->licence->type_code, "11100000MB0143028R001");

  EXPECT_TRUE(HasProblem(with("licence", nullptr), "services.item.licence_required", "licence"));
  auto licence = [](auto change) {
    json j = start_up();
    change(j["licence"]);
    return parse_service_item(j);
  };
  EXPECT_TRUE(HasProblem(licence([](json& l) { l["key"] = "Business-Licence"; }),
                         "services.item.bad_licence_key", "licence.key"));
  EXPECT_TRUE(HasProblem(licence([](json& l) { l["type_code"] = "11100000MB0143028X001"; }),
                         "services.licence_id.type_code", "licence.type_code"));
  EXPECT_TRUE(HasProblem(licence([](json& l) { l["valid_years"] = 51; }),
                         "services.item.bad_integer", "licence.valid_years"));
  EXPECT_TRUE(HasProblem(licence([](json& l) { l["elements"] = json::array(); }),
                         "services.item.bad_list", "licence.elements"));
  EXPECT_TRUE(HasProblem(licence([](json& l) { l["elements"][0]["from"] = "charter"; }),
                         "services.item.bad_licence_source", "licence.elements.0.from"));
  EXPECT_TRUE(HasProblem(licence([](json& l) { l["elements"][0]["from"] = "no_such"; }),
                         "services.item.bad_licence_source", "licence.elements.0.from"));
  EXPECT_TRUE(HasProblem(licence([](json& l) { l["elements"].push_back(l["elements"][0]); }),
                         "services.item.duplicate_element", "licence.elements.1.element"));
  EXPECT_TRUE(HasProblem(
      licence([](json& l) { l["elements"][0]["label"] = "<script>" + std::string(30, 'x'); }),
      "services.item.text_too_long", "licence.elements.0.label"));
}

// An item that registers a market entity names, for each element of the
// record, a text field of its form or a fixed "=text"; only such an item's
// licence may show the new credit code.
TEST(ServiceItem, TheEntityRegistrationIsChecked) {
  json j = start_up();
  j["form"]["fields"].push_back({{"name", "capital"},
                                 {"type", "number"},
                                 {"label", "注册资本"},
                                 {"unit", "万元"},
                                 {"required", true}});
  j["registers_entity"] = {{"category", "1"},
                           {"elements",
                            {{"name", "company_name"},
                             {"kind", "=有限责任公司"},
                             {"legal_representative", "company_name"},
                             {"registered_capital", "capital"}}}};
  j["licence"]["elements"].push_back({{"element", "credit_code"},
                                      {"label", "统一社会信用代码"},
                                      {"from", "registered.credit_code"}});
  auto item = parse_service_item(j);
  ASSERT_TRUE(item) << describe(item);
  ASSERT_TRUE(item->registers_entity);
  EXPECT_EQ(item->registers_entity->category, '1');
  EXPECT_EQ(item->registers_entity->elements.at("kind"), "=有限责任公司");
  auto again = parse_service_item(service_item_json(*item));
  ASSERT_TRUE(again) << describe(again);
  EXPECT_EQ(service_item_json(*again), service_item_json(*item));

  auto changed = [&](auto change) {
    json k = j;
    change(k);
    return parse_service_item(k);
  };
  EXPECT_TRUE(HasProblem(changed([](json& k) { k["registers_entity"]["category"] = "9"; }),
                         "services.item.bad_entity_category", "registers_entity.category"));
  EXPECT_TRUE(HasProblem(changed([](json& k) { k["registers_entity"]["category"] = nullptr; }),
                         "services.item.text_required", "registers_entity.category"));
  EXPECT_TRUE(HasProblem(changed([](json& k) { k["registers_entity"] = "yes"; }),
                         "services.item.not_object", "registers_entity"));
  EXPECT_TRUE(HasProblem(changed([](json& k) { k["registers_entity"].erase("elements"); }),
                         "services.item.not_object", "registers_entity.elements"));
  EXPECT_TRUE(HasProblem(
      changed([](json& k) { k["registers_entity"]["elements"]["owner"] = "company_name"; }),
      "services.item.unknown_key", "registers_entity.elements.owner"));
  EXPECT_TRUE(HasProblem(
      changed([](json& k) { k["registers_entity"]["elements"].erase("legal_representative"); }),
      "services.item.required", "registers_entity.elements.legal_representative"));
  EXPECT_TRUE(
      HasProblem(changed([](json& k) { k["registers_entity"]["elements"]["name"] = "charter"; }),
                 "services.item.bad_licence_source", "registers_entity.elements.name"));
  EXPECT_TRUE(
      HasProblem(changed([](json& k) { k["registers_entity"]["elements"]["name"] = "no_such"; }),
                 "services.item.bad_licence_source", "registers_entity.elements.name"));
  EXPECT_TRUE(HasProblem(changed([](json& k) { k["registers_entity"]["elements"]["name"] = ""; }),
                         "services.item.text_required", "registers_entity.elements.name"));
  // Without a registration the licence cannot show a registered credit code.
  EXPECT_TRUE(HasProblem(changed([](json& k) { k.erase("registers_entity"); }),
                         "services.item.bad_licence_source", "licence.elements.1.from"));
}

TEST(ServiceItem, FormValuesReadAsText) {
  json values = {{"name", "示范"},
                 {"capital", 100},
                 {"rate", 2.5},
                 {"whole", 100.0},
                 {"agree", true},
                 {"kinds", {"甲", "乙"}},
                 {"office", {{"division_name", "示范市鼓楼区"}, {"detail", "中山路1号"}}},
                 {"group", {{"inner", "内"}}}};
  EXPECT_EQ(form_value_text(form_value_at(values, "name")), "示范");
  EXPECT_EQ(form_value_text(form_value_at(values, "capital")), "100");
  EXPECT_EQ(form_value_text(form_value_at(values, "rate")), "2.5");
  EXPECT_EQ(form_value_text(form_value_at(values, "whole")), "100");
  EXPECT_EQ(form_value_text(form_value_at(values, "agree")), "是");
  EXPECT_EQ(form_value_text(form_value_at(values, "kinds")), "甲、乙");
  EXPECT_EQ(form_value_text(form_value_at(values, "office")), "示范市鼓楼区中山路1号");
  EXPECT_EQ(form_value_text(form_value_at(values, "group.inner")), "内");
  EXPECT_TRUE(form_value_at(values, "missing").is_null());
  EXPECT_TRUE(form_value_at(values, "group.missing").is_null());
  EXPECT_TRUE(form_value_at(values, "name.inner").is_null());
  EXPECT_TRUE(form_value_at(json(), "name").is_null());
}

}  // namespace yiwang::services
