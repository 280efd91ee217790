#include "app/crypto_cli.hpp"

#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "crypto/bytes.hpp"
#include "crypto/keys.hpp"
#include "crypto/sm3.hpp"
#include "crypto/sm4.hpp"

namespace yiwang::app {

namespace {

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

constexpr long long kMaxIterations = 10'000'000;
// Z hashes the ID's length in bits as two bytes (ENTL), so an ID has at most
// 65535 bits.
constexpr std::size_t kMaxIdBytes = 8191;

// The options of every subcommand. The callbacks share it, and keep it alive
// for as long as the CLI::App holds them.
struct State {
  std::function<Messages()> make_messages;
  std::optional<Messages> messages;
  int* rc = nullptr;

  // sm4-ecb
  std::string sm4_key, sm4_encrypt, sm4_decrypt, iterations = "1";
  CLI::Option* sm4_key_opt = nullptr;
  CLI::Option* encrypt_opt = nullptr;
  CLI::Option* decrypt_opt = nullptr;
  // sm2-verify and sm2-sign
  std::string pubkey, signature, id = std::string(crypto::kSm2DefaultId), msg_hex, digest_hex;
  std::string sm2_key, key_file;
  bool der = false;
  // keygen
  std::string algorithm = "sm2";
  bool pem = false;

  const Messages& msg() {
    if (!messages) messages = make_messages();
    return *messages;
  }
};

// A usage error, the option it concerns in Error::field.
using Checked = Result<std::string>;

// The number of UTF-8 characters before byte `i`, and the character at it.
std::pair<std::size_t, std::string> character_at(std::string_view s, std::size_t i) {
  std::size_t position = 1;
  for (std::size_t k = 0; k < i; ++k)
    if ((static_cast<unsigned char>(s[k]) & 0xC0) != 0x80) ++position;
  auto byte = static_cast<unsigned char>(s[i]);
  if (byte < 0x20 || byte == 0x7f) {  // a control character: shown as \xNN
    static constexpr char digits[] = "0123456789abcdef";
    return {position, std::string("\\x") + digits[byte >> 4] + digits[byte & 15]};
  }
  std::size_t end = i + 1;
  while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
  return {position, std::string(s.substr(i, end - i))};
}

// The bytes of a hex option, or an error saying what is wrong with it.
Checked hex_option(std::string_view option, std::string_view text) {
  if (auto bytes = crypto::unhex(text)) return std::move(*bytes);
  std::size_t bad = text.find_first_not_of("0123456789abcdefABCDEF");
  if (bad == std::string_view::npos)
    return fail("cli.crypto.hex.odd", std::string(option),
                {{"count", std::to_string(text.size())}});
  auto [position, character] = character_at(text, bad);
  return fail("cli.crypto.hex.char", std::string(option),
              {{"position", std::to_string(position)}, {"char", character}});
}

Checked sized_hex_option(std::string_view option, std::string_view text, std::size_t size,
                         std::string key) {
  auto bytes = hex_option(option, text);
  if (bytes && bytes->size() != size)
    return fail(std::move(key), std::string(option), {{"size", std::to_string(bytes->size())}});
  return bytes;
}

Error missing(std::string_view option, std::string_view command) {
  return Error("cli.crypto.missing", std::string(option), {{"command", std::string(command)}});
}

// Prints a usage error as "yiwang crypto <command>: <message>"; status 2.
int usage(State& s, std::string_view command, const Error& e) {
  const Messages& msg = s.msg();
  std::string text;
  if (msg.catalogue.has(msg.lang, e.key)) {
    text = msg(e);
  } else {
    // No catalogue: the key and its parameters, still naming the option.
    text = e.field.empty() ? e.key : e.field + ": " + e.key;
    for (const auto& [k, v] : e.params) text += " " + k + "=" + v;
  }
  std::cerr << "yiwang crypto " << command << ": " << text << "\n";
  return kUsage;
}

// Runs a subcommand, turning an unexpected exception into status 1 with a
// message rather than a crash.
template <class F>
void run(const std::shared_ptr<State>& s, F f) {
  try {
    *s->rc = f(*s);
  } catch (const std::exception& e) {
    *s->rc = report(s->msg(), Error("cli.crypto.failed", "", {{"detail", e.what()}}));
  }
}

int cmd_sm3(State& s) {
  crypto::Sm3 h;
  char buf[1 << 16];
  while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0)
    h.update(std::string_view(buf, static_cast<std::size_t>(std::cin.gcount())));
  if (std::cin.bad()) return report(s.msg(), Error("cli.crypto.stdin"));
  std::cout << crypto::to_hex(h.finish()) << "\n";
  return kOk;
}

// The iteration count: 1 … 10 000 000, plain decimal digits.
Result<long long> iterations(std::string_view text) {
  std::string shown(text.substr(0, 32));
  if (text.empty() || text.size() > 8 || text.find_first_not_of("0123456789") != text.npos)
    return fail("cli.crypto.sm4.iterations", "--iterations", {{"value", shown}});
  long long n = std::stoll(std::string(text));
  if (n < 1 || n > kMaxIterations)
    return fail("cli.crypto.sm4.iterations", "--iterations", {{"value", shown}});
  return n;
}

int cmd_sm4_ecb(State& s) {
  constexpr std::string_view command = "sm4-ecb";
  if (!s.sm4_key_opt->count()) return usage(s, command, missing("--key", command));
  bool encrypt = s.encrypt_opt->count() > 0;
  bool decrypt = s.decrypt_opt->count() > 0;
  if (encrypt && decrypt) return usage(s, command, Error("cli.crypto.sm4.both"));
  if (!encrypt && !decrypt) return usage(s, command, Error("cli.crypto.sm4.neither"));
  auto key = sized_hex_option("--key", s.sm4_key, crypto::kSm4KeySize, "crypto.sm4.key_size");
  if (!key) return usage(s, command, key.error());
  std::string_view option = encrypt ? "--encrypt" : "--decrypt";
  auto block = sized_hex_option(option, encrypt ? s.sm4_encrypt : s.sm4_decrypt,
                                crypto::kSm4BlockSize, "cli.crypto.sm4.block");
  if (!block) return usage(s, command, block.error());
  auto n = iterations(s.iterations);
  if (!n) return usage(s, command, n.error());
  auto cipher = crypto::Sm4Block::create(*key, encrypt);
  crypto::wipe(*key);
  if (!cipher) return usage(s, command, Error(cipher.error().key, "--key", cipher.error().params));
  auto out = cipher->repeat(*block, *n);
  if (!out)
    return usage(s, command, Error(out.error().key, std::string(option), out.error().params));
  std::cout << crypto::hex(*out) << "\n";
  return kOk;
}

// What an SM2 signature or verification is over: SM3(Z ‖ M) from the
// message and the ID, or a precomputed e.
struct Sm2Input {
  std::optional<std::string> message;
  std::string digest;
};

Result<Sm2Input> sm2_input(const State& s, const CLI::App& sub) {
  bool has_message = sub.count("--msg-hex") > 0;
  bool has_digest = sub.count("--digest-hex") > 0;
  bool has_id = sub.count("--id") > 0;
  if (has_digest && (has_message || has_id))
    return fail("cli.crypto.sm2.message_conflict", "--digest-hex");
  if (!has_digest && !has_message) return fail("cli.crypto.sm2.message_missing");
  Sm2Input in;
  if (has_digest) {
    auto e = sized_hex_option("--digest-hex", s.digest_hex, 32, "cli.crypto.sm2.digest_size");
    if (!e) return std::unexpected(e.error());
    in.digest = std::move(*e);
    return in;
  }
  if (s.id.size() > kMaxIdBytes)
    return fail("cli.crypto.sm2.id_length", "--id", {{"size", std::to_string(s.id.size())}});
  auto m = hex_option("--msg-hex", s.msg_hex);
  if (!m) return std::unexpected(m.error());
  in.message = std::move(*m);
  return in;
}

int cmd_sm2_verify(State& s, const CLI::App& sub) {
  constexpr std::string_view command = "sm2-verify";
  if (!sub.count("--pubkey")) return usage(s, command, missing("--pubkey", command));
  if (!sub.count("--sig")) return usage(s, command, missing("--sig", command));
  auto point = sized_hex_option("--pubkey", s.pubkey, 65, "cli.crypto.sm2.point_size");
  if (point && (*point)[0] != 0x04)
    point = fail("cli.crypto.sm2.point_prefix", "--pubkey",
                 {{"prefix", crypto::hex(point->substr(0, 1))}});
  if (!point) return usage(s, command, point.error());
  auto key = crypto::PublicKey::from_sm2_point(*point);
  if (!key) return usage(s, command, Error("cli.crypto.sm2.not_on_curve", "--pubkey"));
  auto sig = hex_option("--sig", s.signature);
  if (!sig) return usage(s, command, sig.error());
  if (!crypto::sm2_signature_der(*sig))
    return usage(
        s, command,
        Error("cli.crypto.sm2.signature", "--sig", {{"size", std::to_string(sig->size())}}));
  auto in = sm2_input(s, sub);
  if (!in) return usage(s, command, in.error());
  bool ok =
      in->message ? key->verify(*in->message, *sig, s.id) : key->verify_digest(in->digest, *sig);
  if (ok) {
    std::cout << "OK\n";
    return kOk;
  }
  std::cout << "FAIL\n";
  std::cerr << s.msg().text("cli.crypto.sm2.fail") << "\n";
  return kFailed;
}

// The private key of sm2-sign: --key HEX (d) or --key-file (PKCS#8 PEM or DER).
Result<crypto::PrivateKey> signing_key(const State& s, const CLI::App& sub) {
  bool has_key = sub.count("--key") > 0;
  bool has_file = sub.count("--key-file") > 0;
  if (has_key == has_file) return fail("cli.crypto.sm2.key_source");
  if (has_key) {
    auto d = sized_hex_option("--key", s.sm2_key, 32, "cli.crypto.sm2.scalar_size");
    if (!d) return std::unexpected(d.error());
    auto key = crypto::PrivateKey::from_sm2_scalar(*d);
    crypto::wipe(*d);
    if (!key) return fail("cli.crypto.sm2.scalar_range", "--key");
    return key;
  }
  errno = 0;
  std::ifstream in(s.key_file, std::ios::binary);
  if (!in)
    return fail("cli.crypto.key_file", "--key-file",
                {{"path", s.key_file}, {"detail", std::strerror(errno ? errno : ENOENT)}});
  std::stringstream content;
  content << in.rdbuf();
  std::string text = std::move(content).str();
  auto key = text.find("-----BEGIN") != std::string::npos ? crypto::PrivateKey::from_pem(text)
                                                          : crypto::PrivateKey::from_der(text);
  crypto::wipe(text);
  if (!key) return std::unexpected(Error(key.error().key, "--key-file", {{"path", s.key_file}}));
  if (key->algorithm() != crypto::KeyAlgorithm::sm2)
    return fail("crypto.key.not_sm2", "--key-file");
  return key;
}

int cmd_sm2_sign(State& s, const CLI::App& sub) {
  constexpr std::string_view command = "sm2-sign";
  auto key = signing_key(s, sub);
  if (!key) return usage(s, command, key.error());
  auto in = sm2_input(s, sub);
  if (!in) return usage(s, command, in.error());
  std::string der = in->message ? key->sign(*in->message, s.id) : key->sign_digest(in->digest);
  if (s.der) {
    std::cout << crypto::hex(der) << "\n";
    return kOk;
  }
  auto raw = crypto::sm2_signature_raw(der);
  if (!raw) throw std::runtime_error("SM2 signature conversion to r||s failed");
  std::cout << crypto::hex(*raw) << "\n";
  return kOk;
}

int cmd_keygen(State& s) {
  auto algorithm = crypto::parse_key_algorithm(s.algorithm);
  if (!algorithm)
    return usage(s, "keygen",
                 Error("cli.crypto.keygen.algorithm", "--algorithm",
                       {{"value", s.algorithm.substr(0, 32)}}));
  auto key = crypto::PrivateKey::generate(*algorithm);
  if (s.pem) {
    std::cout << key.pem().view() << key.public_key().pem() << std::flush;
    return kOk;
  }
  crypto::Secret raw = key.raw();
  std::cout << "private: " << crypto::hex(raw.view()) << "\n"
            << "public: " << crypto::hex(key.public_key().raw()) << "\n"
            << std::flush;
  return kOk;
}

}  // namespace

void add_crypto_commands(CLI::App& cli, std::function<Messages()> messages, int& rc) {
  auto s = std::make_shared<State>();
  s->make_messages = std::move(messages);
  s->rc = &rc;

  auto* crypto = cli.add_subcommand(
      "crypto", "the national algorithms (SM2, SM3, SM4) for interoperability checks");
  crypto->require_subcommand(1);

  crypto->add_subcommand("sm3", "SM3 of standard input (raw bytes), as lower-case hex")
      ->callback([s] { run(s, cmd_sm3); });

  auto* sm4 = crypto->add_subcommand(
      "sm4-ecb", "SM4 of one 16-byte block, N times in a row (conformance vectors only)");
  s->sm4_key_opt = sm4->add_option("--key", s->sm4_key, "the key: 16 bytes as 32 hex digits");
  s->encrypt_opt =
      sm4->add_option("--encrypt", s->sm4_encrypt, "encrypt this block (32 hex digits)");
  s->decrypt_opt =
      sm4->add_option("--decrypt", s->sm4_decrypt, "decrypt this block (32 hex digits)");
  sm4->add_option("--iterations", s->iterations,
                  "apply the cipher N times, output fed back as input (1 to 10000000)")
      ->capture_default_str();
  sm4->callback([s] { run(s, cmd_sm4_ecb); });

  auto* verify = crypto->add_subcommand(
      "sm2-verify", "verify an SM2 signature; prints OK (status 0) or FAIL (status 1)");
  verify->add_option("--pubkey", s->pubkey, "the public key 04||x||y (65 bytes as hex)");
  verify->add_option("--sig", s->signature, "the signature r||s (64 bytes) or DER, as hex");
  verify->add_option("--id", s->id, "the signer's ID (text)")->capture_default_str();
  verify->add_option("--msg-hex", s->msg_hex, "the message, as hex");
  verify->add_option("--digest-hex", s->digest_hex,
                     "instead of --msg-hex and --id: the precomputed e = SM3(Z||M), as hex");
  verify->callback(
      [s, verify] { run(s, [verify](State& st) { return cmd_sm2_verify(st, *verify); }); });

  auto* sign = crypto->add_subcommand("sm2-sign",
                                      "SM2 signature, printed as r||s hex (or DER hex with --der)");
  sign->add_option("--key", s->sm2_key,
                   "the private key d (32 bytes as hex; visible to other users of this machine: "
                   "for test vectors only)");
  sign->add_option("--key-file", s->key_file, "the private key: a PKCS#8 PEM or DER file");
  sign->add_option("--id", s->id, "the signer's ID (text)")->capture_default_str();
  sign->add_option("--msg-hex", s->msg_hex, "the message, as hex");
  sign->add_option("--digest-hex", s->digest_hex,
                   "instead of --msg-hex and --id: the precomputed e = SM3(Z||M), as hex");
  sign->add_flag("--der", s->der, "print the signature DER-encoded");
  sign->callback([s, sign] { run(s, [sign](State& st) { return cmd_sm2_sign(st, *sign); }); });

  auto* keygen = crypto->add_subcommand(
      "keygen", "a new key pair: private and public key as hex, or as PEM with --pem");
  keygen->add_option("--algorithm", s->algorithm, "sm2 or ed25519")->capture_default_str();
  keygen->add_flag("--pem", s->pem, "print the PKCS#8 private key PEM, then the public key PEM");
  keygen->callback([s] { run(s, cmd_keygen); });
}

}  // namespace yiwang::app
