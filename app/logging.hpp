// Log set-up: the main log on standard error, each line carrying the id of
// the request being handled; the JSON access log (one object per request) to
// a file in the data directory, to standard error, or nowhere.
#pragma once

#include "app/config.hpp"

namespace yiwang::app {

// Installs the loggers for a configuration. Safe to call more than once.
void setup_logging(const Config& config);

}  // namespace yiwang::app
