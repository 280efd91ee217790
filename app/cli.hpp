// The `yiwang` command line: init, serve, migrate, demo, import, audit, ca,
// keys, crypto, check-id, version, workdays. Exit status 0 on success, 1 when the command failed
// (or an identifier is invalid), 2 on a usage error.
#pragma once

namespace yiwang::app {

int run_cli(int argc, char** argv);

}  // namespace yiwang::app
