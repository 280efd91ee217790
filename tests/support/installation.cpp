#include "tests/support/installation.hpp"

#include <filesystem>
#include <optional>

#include "app/config.hpp"
#include "tests/support/test_server.hpp"

namespace yiwang::test {

std::unique_ptr<app::Application> open_installation(const std::string& data_dir) {
  auto config = app::load_config(data_dir, std::filesystem::path(data_dir) / "yiwang.toml",
                                 [](const std::string&) { return std::nullopt; });
  if (!config) return nullptr;
  config->share_dir = source_dir();
  config->access_log = "off";
  auto opened = app::Application::open(*config);
  return opened ? std::move(*opened) : nullptr;
}

}  // namespace yiwang::test
