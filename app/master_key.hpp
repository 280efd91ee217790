// The master secret the keyring derives its key-encryption key from. It comes
// from the environment variable YIWANG_MASTER_KEY or from the file named by
// [crypto] master_key_file (default master.key in the data directory), which
// must be readable by its owner only. `yiwang init` writes that file, with 32
// random bytes in hex, when neither exists. The secret is never logged.
#pragma once

#include <filesystem>

#include "app/config.hpp"
#include "core/error.hpp"
#include "crypto/bytes.hpp"

namespace yiwang::app {

// The master key file's path (relative paths are under the data directory).
std::filesystem::path master_key_path(const Config& config);

// Reads the master secret. Errors: "crypto.master.missing" (no variable and
// no file), "crypto.master.permissions" (group or others may read the file),
// "crypto.master.too_short".
Result<crypto::Secret> read_master_secret(const Config& config);

// Creates the master key file with a new random secret, owner-only, unless
// the file exists already or the secret comes from the environment. Returns
// whether a file was written.
Result<bool> ensure_master_key_file(const Config& config);

}  // namespace yiwang::app
