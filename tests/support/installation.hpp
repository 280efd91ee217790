// An installation made by the command line (`yiwang init`, `yiwang demo`)
// opened in the test: its configuration read from the data directory, the
// share directory the source tree, the access log off.
#pragma once

#include <memory>
#include <string>

#include "app/application.hpp"

namespace yiwang::test {

// nullptr when the configuration cannot be read or the application not opened.
std::unique_ptr<app::Application> open_installation(const std::string& data_dir);

}  // namespace yiwang::test
