#include "app/demo_city.hpp"

#include <fmt/format.h>

#include "core/identifier.hpp"

namespace yiwang::app {

namespace {
// The demo city sits on the division codes of 福州市 (350100) so that every
// code checks against the real GB/T 2260 table; the names are made up.
constexpr const char* kCity = "350100";

struct DemoOrgan {
  const char* name;
  const char* short_name;
  const char* doc_prefix;
  const char* level;
  const char* division;
  int number;
  int parent;  // index into the list, -1 for the top
};

const DemoOrgan kOrgans[] = {
    {"示范市人民政府", "市政府", "示政发", "city", kCity, 1, -1},
    {"示范市人民政府办公室", "市政府办公室", "示政办发", "city", kCity, 2, 0},
    {"示范市发展和改革委员会", "市发展改革委", "示发改", "city", kCity, 3, 0},
    {"示范市市场监督管理局", "市市场监管局", "示市监", "city", kCity, 4, 0},
    {"国家税务总局示范市税务局", "市税务局", "示税发", "city", kCity, 5, 0},
    {"示范市人力资源和社会保障局", "市人社局", "示人社发", "city", kCity, 6, 0},
    {"示范市公安局", "市公安局", "示公发", "city", kCity, 7, 0},
    {"示范市商务局", "市商务局", "示商发", "city", kCity, 8, 0},
    {"示范市政务服务数据管理局", "市数据局", "示数据", "city", kCity, 9, 0},
    {"示范市东城区人民政府", "东城区政府", "示东政发", "county", "350102", 10, 0},
    {"示范市西山县人民政府", "西山县政府", "示西政发", "county", "350121", 11, 0},
};
}  // namespace

std::string demo_credit_code(const std::string& division, int n) {
  std::string org = fmt::format("MB{:06d}", n);
  org += core::orgcode_check_char(org);
  std::string first17 = "11" + division + org;
  return first17 + core::uscc_check_char(first17);
}

Result<int> load_demo_organs(identity::OrganStore& organs, const audit::AuditEvent& who) {
  std::vector<long long> ids;
  int created = 0;
  for (const auto& d : kOrgans) {
    std::string code = demo_credit_code(d.division, d.number);
    auto existing = organs.find_by_credit_code(code);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) {
      ids.push_back((*existing)->id);
      continue;
    }
    identity::OrganInput in{.name = d.name,
                            .short_name = d.short_name,
                            .doc_prefix = d.doc_prefix,
                            .level = d.level,
                            .division_code = d.division,
                            .credit_code = code};
    if (d.parent >= 0) in.parent_id = ids.at(static_cast<std::size_t>(d.parent));
    auto o = organs.add(in, who);
    if (!o) return std::unexpected(o.error());
    ids.push_back(o->id);
    ++created;
  }
  return created;
}

}  // namespace yiwang::app
