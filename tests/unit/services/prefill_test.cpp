// The prefill of bound fields from registry records: every name produced is a
// binding forms accept, empty elements stay inputs, and a form read with the
// prefill takes the registry's values whatever was posted.
#include "services/prefill.hpp"

#include <gtest/gtest.h>

#include "forms/bindings.hpp"
#include "forms/schema.hpp"
#include "forms/submission.hpp"
#include "http/form_data.hpp"

namespace yiwang::services {
namespace {

registry::PersonRecord zhang() {
  registry::PersonRecord p;
  p.citizen_id = "11010519491231002X";
  p.name = "张三";
  p.gender = "female";
  p.birth_date = "1949-12-31";
  p.phone = "13905910000";
  return p;  // no e-mail, no address
}

registry::EntityRecord company() {
  registry::EntityRecord e;
  e.credit_code = "91350102MA2Y000018";
  e.name = "示范科技有限公司";
  e.kind = "有限责任公司";
  e.legal_representative = "王五";
  e.division_code = "350102";
  return e;
}

}  // namespace

TEST(Prefill, EveryNameIsABindingFormsAccept) {
  auto names = [](const nlohmann::json& j) {
    for (auto it = j.begin(); it != j.end(); ++it)
      EXPECT_TRUE(forms::known_binding(it.key())) << it.key();
  };
  names(person_bindings(zhang()));
  names(enterprise_bindings(company(), [](std::string_view) { return "福建省福州市鼓楼区"; }));
  // …and every fixed binding can be produced by a complete record.
  registry::PersonRecord p = zhang();
  p.email = "z@example.cn";
  p.address = "北京市";
  registry::EntityRecord e = company();
  e.registered_capital = "100万元";
  e.address = "五四路 1 号";
  e.established = "2020-05-01";
  e.business_scope = "软件开发";
  e.phone = "0591-87654321";
  nlohmann::json all = person_bindings(p);
  all.update(enterprise_bindings(e, [](std::string_view) { return "福建省福州市鼓楼区"; }));
  for (auto name : forms::fixed_bindings()) EXPECT_TRUE(all.contains(name)) << name;
}

TEST(Prefill, EmptyElementsAreLeftOut) {
  auto j = person_bindings(zhang());
  EXPECT_EQ(j["person.name"], "张三");
  EXPECT_EQ(j["person.gender"], "女");
  EXPECT_FALSE(j.contains("person.email"));
  EXPECT_FALSE(j.contains("person.address"));
  auto e = enterprise_bindings(company(), [](std::string_view) { return std::nullopt; });
  EXPECT_FALSE(e.contains("enterprise.division"));  // unknown division: the applicant picks one
  auto named = enterprise_bindings(company(), [](std::string_view code) {
    return code == "350102" ? std::optional<std::string>("福建省福州市鼓楼区") : std::nullopt;
  });
  EXPECT_EQ(named["enterprise.division"]["name"], "福建省福州市鼓楼区");
}

TEST(Prefill, ABoundFieldTakesTheRegistrysValue) {
  auto schema = forms::parse_schema(std::string_view(R"({"title": "申请表", "fields": [
    {"name": "applicant", "type": "text", "label": "申请人", "required": true, "bind": "person.name"},
    {"name": "email", "type": "email", "label": "电子邮箱", "required": true, "bind": "person.email"}]})"));
  ASSERT_TRUE(schema);
  http::FormData posted;
  posted.add("applicant", "冒名顶替");   // what the government knows wins
  posted.add("email", "me@example.cn");  // not known: typed by the applicant
  forms::Context ctx;
  ctx.prefill = person_bindings(zhang());
  auto read = forms::read_submission(*schema, posted, nlohmann::json::object(), ctx);
  EXPECT_TRUE(read.ok());
  EXPECT_EQ(read.values["applicant"], "张三");
  EXPECT_EQ(read.values["email"], "me@example.cn");
}

}  // namespace yiwang::services
