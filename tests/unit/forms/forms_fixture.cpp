#include "tests/unit/forms/forms_fixture.hpp"

#include <chrono>
#include <map>
#include <optional>

#include <gtest/gtest.h>

#include "core/identifier.hpp"

namespace yiwang::forms::test {

using namespace std::chrono_literals;

const char* const kStartUp = R"json({
  "title": "企业开办申请表",
  "title_en": "Business start-up application",
  "fields": [
    {"name": "company_name", "type": "text", "label": "企业名称", "label_en": "Company name",
     "hint": "与名称自主申报结果一致", "hint_en": "As reserved", "required": true,
     "min_length": 2, "max_length": 60},
    {"name": "business_scope", "type": "textarea", "label": "经营范围",
     "label_en": "Business scope", "max_length": 500},
    {"name": "capital", "type": "number", "label": "注册资本", "label_en": "Registered capital",
     "required": true, "min": 1, "max": 1000000, "decimals": 2, "unit": "万元"},
    {"name": "start_date", "type": "date", "label": "成立日期", "label_en": "Date of establishment",
     "min_date": "2020-01-01", "max_date": "today"},
    {"name": "company_type", "type": "select", "label": "企业类型", "label_en": "Company type",
     "required": true, "options": [
       {"value": "llc", "label": "有限责任公司", "label_en": "Limited liability company"},
       {"value": "jsc", "label": "股份有限公司", "label_en": "Joint-stock company"}]},
    {"name": "has_agent", "type": "radio", "label": "是否委托代理人", "label_en": "Agent appointed",
     "required": true, "options": [
       {"value": "yes", "label": "是", "label_en": "Yes"},
       {"value": "no", "label": "否", "label_en": "No"}]},
    {"name": "agent", "type": "group", "label": "代理人", "label_en": "Agent",
     "when": {"field": "has_agent", "equals": ["yes"]},
     "fields": [
       {"name": "name", "type": "text", "label": "代理人姓名", "label_en": "Agent's name",
        "required": true},
       {"name": "id_number", "type": "citizen_id", "label": "代理人身份证号",
        "label_en": "Agent's ID number", "required": true},
       {"name": "phone", "type": "phone", "label": "代理人电话", "label_en": "Agent's phone"}]},
    {"name": "shareholders", "type": "group", "label": "股东", "label_en": "Shareholder",
     "required": true, "min_items": 1, "max_items": 3,
     "fields": [
       {"name": "name", "type": "text", "label": "姓名", "label_en": "Name", "required": true,
        "max_length": 50},
       {"name": "kind", "type": "radio", "label": "股东类型", "label_en": "Kind of shareholder",
        "required": true, "options": [
          {"value": "person", "label": "自然人", "label_en": "Person"},
          {"value": "company", "label": "企业", "label_en": "Company"}]},
       {"name": "id_number", "type": "citizen_id", "label": "身份证号", "label_en": "ID number",
        "required": true, "when": {"field": "kind", "equals": ["person"]}},
       {"name": "credit_code", "type": "credit_code", "label": "统一社会信用代码",
        "label_en": "Credit code", "required": true,
        "when": {"field": "kind", "equals": ["company"]}},
       {"name": "share", "type": "number", "label": "出资比例", "label_en": "Share", "unit": "%",
        "required": true, "min": 0, "max": 100, "decimals": 1}]},
    {"name": "applicant_name", "type": "text", "label": "申请人", "label_en": "Applicant",
     "required": true, "bind": "person.name"},
    {"name": "applicant_id", "type": "citizen_id", "label": "申请人身份证号",
     "label_en": "Applicant's ID number", "bind": "person.citizen_id"},
    {"name": "division", "type": "division", "label": "登记机关所在地",
     "label_en": "Registration area"},
    {"name": "office", "type": "address", "label": "住所", "label_en": "Registered address",
     "required": true, "max_length": 100},
    {"name": "phone", "type": "phone", "label": "联系电话", "label_en": "Phone", "required": true},
    {"name": "email", "type": "email", "label": "电子邮箱", "label_en": "E-mail"},
    {"name": "services", "type": "checkbox", "label": "同时办理", "label_en": "Also apply for",
     "options": [
       {"value": "seal", "label": "刻制印章", "label_en": "Company seal"},
       {"value": "tax", "label": "涉税事项", "label_en": "Tax registration"},
       {"value": "bank", "label": "银行开户"}]},
    {"name": "bank_name", "type": "text", "label": "开户银行", "label_en": "Bank",
     "required": true, "when": {"field": "services", "equals": ["bank"]}},
    {"name": "charter", "type": "file", "label": "公司章程", "label_en": "Articles of association",
     "required": true, "accept": [".pdf", ".ofd"], "max_bytes": 1048576},
    {"name": "other_docs", "type": "file", "label": "其他材料", "label_en": "Other documents",
     "accept": [".pdf", ".jpg", ".png"], "max_files": 3},
    {"name": "agree", "type": "checkbox", "label": "本人承诺所填信息真实有效",
     "label_en": "I confirm that the information is true", "required": true}
  ]
})json";

const std::string kPdf = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

std::string citizen(const std::string& first17) {
  return first17 + core::citizen_check_char(first17);
}

const std::string kZhangSan = citizen("35010219900307123");
const std::string kCompanyCode = "91350100M000100Y43";

std::string describe(const std::vector<Error>& errors) {
  std::string out;
  for (const Error& e : errors) {
    out += "\n  " + e.key + " field=\"" + e.field + "\"";
    for (const auto& [k, v] : e.params) out += " " + k + "=" + v.substr(0, 80);
  }
  return out.empty() ? "\n  (no errors)" : out;
}

FormSchema schema_of(std::string_view text) {
  auto parsed = parse_schema(text);
  if (!parsed) {
    ADD_FAILURE() << "the test schema does not parse:" << describe(parsed.error());
    return {};
  }
  return *parsed;
}

const FormSchema& start_up() {
  static const FormSchema schema = schema_of(kStartUp);
  return schema;
}

Context context() {
  Context c;
  c.today = std::chrono::sys_days{2026y / 3 / 10};
  c.division_name = [](std::string_view code) -> std::optional<std::string> {
    static const std::map<std::string, std::string, std::less<>> table = {
        {"350000", "福建省"},
        {"350100", "福建省福州市"},
        {"350102", "福建省福州市鼓楼区"},
        {"110000", "北京市"},
        {"110105", "北京市朝阳区"}};
    auto it = table.find(code);
    if (it == table.end()) return std::nullopt;
    return it->second;
  };
  return c;
}

http::FormData form_data(const Pairs& pairs) {
  http::FormData data;
  for (const auto& [name, value] : pairs) data.add(name, value);
  return data;
}

void attach(http::FormData& data, const std::string& field, const std::string& filename,
            const std::string& bytes, const std::string& content_type) {
  data.files().push_back(http::UploadedFile{field, filename, content_type, bytes});
}

Pairs with(Pairs pairs, const std::string& name, const std::string& value) {
  std::erase_if(pairs, [&](const auto& p) { return p.first == name; });
  pairs.emplace_back(name, value);
  return pairs;
}

Pairs without(Pairs pairs, const std::string& name) {
  std::erase_if(pairs, [&](const auto& p) { return p.first == name; });
  return pairs;
}

Pairs complete() {
  return {{"company_name", "福州闽江科技有限公司"},
          {"business_scope", "软件开发；\r\n信息技术咨询服务。"},
          {"capital", "100.5"},
          {"start_date", "2026-03-01"},
          {"company_type", "llc"},
          {"has_agent", "no"},
          {"shareholders.count", "2"},
          {"shareholders.0.name", "张三"},
          {"shareholders.0.kind", "person"},
          {"shareholders.0.id_number", kZhangSan},
          {"shareholders.0.share", "60"},
          {"shareholders.1.name", "福州某某投资有限公司"},
          {"shareholders.1.kind", "company"},
          {"shareholders.1.credit_code", kCompanyCode},
          {"shareholders.1.share", "40"},
          {"applicant_name", "张三"},
          {"division", "350102"},
          {"office.division", "350102"},
          {"office.detail", "五四路 100 号"},
          {"phone", "13800138000"},
          {"email", "zhang@example.cn"},
          {"services", "seal"},
          {"services", "bank"},
          {"bank_name", "中国银行福州分行"},
          {"agree", "yes"}};
}

}  // namespace yiwang::forms::test
