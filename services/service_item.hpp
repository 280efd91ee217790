// A service item (政务服务事项) as the catalogue keeps it: the elements of the
// service guide (办事指南) of STANDARDS.md §4 — name, code, type, legal basis,
// implementing organ, conditions, materials, process, statutory and promised
// time limits in working days, fees, place and hours, visits, contacts, FAQ —
// plus what makes it run online: the application form's schema (forms/), the
// BPMN process key (workflow/) and who it is for.
//
// An item is configuration that an administrator writes as JSON (or through
// the intranet pages); parse_service_item checks every element and names the
// element and the rule, so a wrong item never reaches the portal.
#pragma once

#include <array>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "forms/schema.hpp"

namespace yiwang::services {

// 事项类型 (STANDARDS.md §4).
enum class ItemType {
  licensing,       // 行政许可
  payment,         // 行政给付
  confirmation,    // 行政确认
  ruling,          // 行政裁决
  reward,          // 行政奖励
  other_power,     // 其他行政权力
  public_service,  // 公共服务
};
std::string_view item_type_name(ItemType t);
std::optional<ItemType> parse_item_type(std::string_view name);

enum class Audience { individual, enterprise, both };
std::string_view audience_name(Audience a);
std::optional<Audience> parse_audience(std::string_view name);

// 材料形式: 原件, 复印件, 电子件.
enum class MaterialForm { original, copy, electronic };
std::string_view material_form_name(MaterialForm f);
std::optional<MaterialForm> parse_material_form(std::string_view name);

struct Material {
  std::string name;
  MaterialForm form = MaterialForm::electronic;
  int count = 1;
  bool required = true;
  std::string note;
  std::string field;  // the form's file field that carries it online; may be empty
};

struct Question {
  std::string question;
  std::string answer;
};

// One element of an electronic licence: its name among the bindings
// (licence.<key>.<element>), its label on the licence, and the form field its
// value comes from (a top-level field, or "group.field").
struct LicenceElement {
  std::string element;  // [a-z][a-z0-9_]{0,39}
  std::string label;    // ≤ 20 characters
  std::string from;     // a field of the item's form that is not a file or a group
};

// What the item's electronic licence (电子证照) carries (STANDARDS.md §5).
struct LicenceTemplate {
  std::string key;        // [a-z][a-z0-9_]{0,39}; the bindings licence.<key>.*
  std::string name;       // 证照类型名称, e.g. "营业执照"
  std::string type_code;  // the defining authority's 统一社会信用代码 + 3-digit type number
  int valid_years = 0;    // 0: 长期有效
  std::vector<LicenceElement> elements;  // 1 … kMaxLicenceElements
};

// What an item whose approval registers a market entity (企业开办, 个体工商户
// 设立登记) writes into the legal-entity records (registry/base_registry.hpp):
// each element of the record from a field of the form ("company_name",
// "group.field") or a fixed text ("=个体工商户"). The new entity gets a
// 统一社会信用代码 with 登记管理部门 9 (工商) and this 机构类别; licences of
// the same item may show it through the element source "registered.credit_code".
struct EntityRegistration {
  char category = '1';  // 1 企业, 2 个体工商户, 3 农民专业合作社
  // name, kind and legal_representative always; registered_capital, address,
  // business_scope and phone when the item has them.
  std::map<std::string, std::string> elements;
};

// The record elements EntityRegistration may fill, in order.
inline constexpr std::array<std::string_view, 7> kEntityElements{
    "name",           "kind", "legal_representative", "registered_capital", "address",
    "business_scope", "phone"};

struct ServiceItem {
  std::string code;  // 事项编码: 1–40 of 0-9 A-Z and '-'
  std::string name;
  ItemType type = ItemType::public_service;
  std::string legal_basis;  // 设定依据
  std::string conditions;   // 申请条件
  std::vector<Material> materials;
  std::string procedure;           // 办理流程, as the guide describes it
  int statutory_days = 20;         // 法定办结时限 (working days)
  int promised_days = 20;          // 承诺办结时限 (working days), ≤ statutory
  std::string special_procedures;  // 特殊环节 (their time does not count)
  std::string fees;                // 收费标准; "不收费" when free
  std::string place;               // 办理地点
  std::string hours;               // 办理时间
  int visits = 0;                  // 到现场次数
  std::string phone;               // 咨询电话
  std::string complaint_phone;     // 投诉电话
  std::vector<Question> faq;
  Audience audience = Audience::both;
  std::vector<std::string> themes;  // life events: "出生", "就业", "开办企业" …
  std::string process_key;          // BPMN process the application runs
  forms::FormSchema form;
  bool issues_licence = false;  // ends in an electronic licence (then `licence` is set)
  std::optional<LicenceTemplate> licence;
  std::optional<EntityRegistration> registers_entity;
};

// Bounds of the elements, also shown to the administrator.
inline constexpr int kMaxDays = 365;
inline constexpr int kMaxVisits = 5;
inline constexpr std::size_t kMaxMaterials = 50;
inline constexpr std::size_t kMaxQuestions = 50;
inline constexpr std::size_t kMaxThemes = 10;
inline constexpr std::size_t kMaxLicenceElements = 30;
inline constexpr int kMaxLicenceYears = 50;

// Parses and checks an item. Each problem is an Error with key
// "services.item.<rule>" (or a forms.schema.* key for the form, with the field
// path after "form.") and field naming the element, e.g. "materials.2.count".
std::expected<ServiceItem, std::vector<Error>> parse_service_item(const nlohmann::json& json);

// The item as JSON again (what parse_service_item accepts).
nlohmann::json service_item_json(const ServiceItem& item);

// The value of "field" or "group.field" in a form's values (null when absent).
nlohmann::json form_value_at(const nlohmann::json& values, const std::string& path);
// A form value as text on a licence or a record: numbers as typed, a choice
// list joined with "、", an address as division and detail, yes/no as 是/否.
std::string form_value_text(const nlohmann::json& value);

}  // namespace yiwang::services
