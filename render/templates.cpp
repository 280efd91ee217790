#include "render/templates.hpp"

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>

namespace yiwang::render {

namespace mu = kainjow::mustache;

namespace {

std::atomic<std::uint64_t> g_next_id{1};

mu::data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mu::data d{mu::data::type::object};
      for (auto it = j.begin(); it != j.end(); ++it) d.set(it.key(), to_data(it.value()));
      return d;
    }
    case nlohmann::json::value_t::array: {
      mu::data d{mu::data::type::list};
      for (const auto& v : j) d.push_back(to_data(v));
      return d;
    }
    case nlohmann::json::value_t::string:
      return mu::data{j.get_ref<const std::string&>()};
    case nlohmann::json::value_t::boolean:
      return j.get<bool>() ? mu::data{mu::data::type::bool_true}
                           : mu::data{mu::data::type::bool_false};
    case nlohmann::json::value_t::null:
      return mu::data{mu::data::type::bool_false};
    default:
      return mu::data{j.dump()};
  }
}

// Parsed templates of one Templates instance, per thread.
using Compiled = std::unordered_map<std::string, std::unique_ptr<mu::mustache>>;

}  // namespace

Result<std::shared_ptr<const Templates>> Templates::load(const std::filesystem::path& dir,
                                                         const Catalogue& catalogue) {
  std::shared_ptr<Templates> t(new Templates(catalogue));
  t->id_ = g_next_id++;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return fail("templates.missing_dir", "paths.share_dir", {{"path", dir.string()}});
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".mustache") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string name = std::filesystem::relative(entry.path(), dir).replace_extension().string();
    mu::mustache check(ss.str());
    if (!check.is_valid())
      return fail("templates.syntax", "", {{"name", name}, {"detail", check.error_message()}});
    t->sources_.emplace(std::move(name), ss.str());
  }
  return std::shared_ptr<const Templates>(std::move(t));
}

bool Templates::has(std::string_view name) const { return sources_.find(name) != sources_.end(); }

std::string Templates::render(std::string_view name, const nlohmann::json& model,
                              std::string_view lang) const {
  thread_local std::unordered_map<std::uint64_t, Compiled> per_instance;
  Compiled& compiled = per_instance[id_];
  auto it = compiled.find(std::string(name));
  if (it == compiled.end()) {
    auto src = sources_.find(name);
    if (src == sources_.end()) throw std::out_of_range("no template " + std::string(name));
    it = compiled.emplace(std::string(name), std::make_unique<mu::mustache>(src->second)).first;
  }
  mu::data data = to_data(model);
  std::string language(lang);
  const Catalogue* cat = &catalogue_;
  data.set("t", mu::lambda{
                    [cat, language](const std::string& key) { return cat->text(language, key); }});
  for (const auto& [pname, psrc] : sources_) {
    const std::string* text = &psrc;
    data.set(pname, mu::partial{[text] { return *text; }});
  }
  return it->second->render(data);
}

std::string Templates::render_page(std::string_view layout, std::string_view name,
                                   nlohmann::json model, std::string_view lang) const {
  model["content"] = render(name, model, lang);
  return render(layout, model, lang);
}

}  // namespace yiwang::render
