// `yiwang crypto`: the national algorithms on the command line, for
// interoperability and conformance checks against other implementations
// (the GB/T vectors, OpenSSL, GmSSL, a partner's signing service).
//
//   crypto sm3                                   SM3 of standard input, lower-case hex
//   crypto sm4-ecb --key HEX (--encrypt HEX | --decrypt HEX) [--iterations N]
//   crypto sm2-verify --pubkey HEX --sig HEX (--msg-hex HEX [--id TEXT] | --digest-hex HEX)
//   crypto sm2-sign (--key HEX | --key-file PEM) (--msg-hex HEX [--id TEXT] | --digest-hex HEX)
//                   [--der]
//   crypto keygen [--algorithm sm2|ed25519] [--pem]
//
// Exit status 0 on success (sm2-verify: OK), 1 when a signature does not
// verify (FAIL) or the command failed, 2 on a usage error; usage errors name
// the option and the rule in the catalogue's language (cli.crypto.* keys).
// None of them needs the data directory or the database.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "app/cli_messages.hpp"

namespace yiwang::app {

// Registers `crypto` and its subcommands on `cli`. `messages` gives the
// catalogue in the language chosen (called only after parsing, and only
// when there is something to say); a subcommand's exit status goes to `rc`.
void add_crypto_commands(CLI::App& cli, std::function<Messages()> messages, int& rc);

}  // namespace yiwang::app
