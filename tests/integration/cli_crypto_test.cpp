// `yiwang crypto`, run in-process: the GB/T vectors of SM3, SM4 and SM2, key
// generation, every usage error with its status and message, and a
// cross-check against the stock openssl command.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli.hpp"
#include "crypto/bytes.hpp"
#include "crypto/keys.hpp"
#include "tests/support/test_server.hpp"

using yiwang::test::TempDir;
namespace crypto = yiwang::crypto;

namespace {
using Run = yiwang::test::CliRun;
// Runs `yiwang ARGS…` with `input` on standard input.
Run run(std::vector<std::string> args, const std::string& input = "") {
  return yiwang::test::run_yiwang(std::move(args), input);
}

Run crypto_cmd(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), "crypto");
  return run(std::move(args), input);
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// GB/T 32918.2 (and GM/T 0003) example on the recommended curve.
const std::string kPublic =
    "0409f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020"
    "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13";
const std::string kPrivate = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
const std::string kMessage = "6d65737361676520646967657374";  // "message digest"
const std::string kSignature =
    "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3"
    "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa";
const std::string kDigest = "f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640";

const std::string kSm4Key = "0123456789abcdeffedcba9876543210";

// A usage error: status 2, nothing on standard output, and a message on
// standard error that names the option.
void expect_usage(const Run& r, const std::string& option, const std::string& words = "") {
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(contains(r.err, option)) << r.err;
  if (!words.empty()) {
    EXPECT_TRUE(contains(r.err, words)) << r.err;
  }
}

std::string line(const std::string& out) {
  return out.ends_with("\n") ? out.substr(0, out.size() - 1) : out;
}

// The value of the "label: value" line of `yiwang crypto keygen`.
std::string labelled(const std::string& out, const std::string& label) {
  std::istringstream in(out);
  for (std::string l; std::getline(in, l);)
    if (l.starts_with(label + ": ")) return l.substr(label.size() + 2);
  return "";
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& p, std::string_view content) {
  std::ofstream out(p, std::ios::binary);
  out << content;
}

// A shell command's exit status.
int shell(const std::string& command) {
  int s = std::system(command.c_str());
  return WIFEXITED(s) ? WEXITSTATUS(s) : -1;
}
}  // namespace

TEST(CliCrypto, Sm3OfStandardInput) {
  auto abc = crypto_cmd({"sm3"}, "abc");
  EXPECT_EQ(abc.status, 0) << abc.err;
  EXPECT_EQ(abc.out, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0\n");
  std::string sixty_four;
  for (int i = 0; i < 16; ++i) sixty_four += "abcd";
  EXPECT_EQ(crypto_cmd({"sm3"}, sixty_four).out,
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732\n");
  EXPECT_EQ(crypto_cmd({"sm3"}, "").out,
            "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b\n");
  // Raw bytes, read in pieces: the same as the library over the whole.
  std::string big(200'000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 % 256);
  EXPECT_EQ(crypto_cmd({"sm3"}, big).out, crypto::to_hex(crypto::sm3(big)) + "\n");
}

TEST(CliCrypto, Sm4EcbStandardVectors) {
  auto once = crypto_cmd({"sm4-ecb", "--key", kSm4Key, "--encrypt", kSm4Key});
  EXPECT_EQ(once.status, 0) << once.err;
  EXPECT_EQ(once.out, "681edf34d206965e86b3e94f536e4246\n");
  auto back =
      crypto_cmd({"sm4-ecb", "--key", kSm4Key, "--decrypt", "681EDF34D206965E86B3E94F536E4246"});
  EXPECT_EQ(back.out, kSm4Key + "\n");
  auto million =
      crypto_cmd({"sm4-ecb", "--key", kSm4Key, "--encrypt", kSm4Key, "--iterations", "1000000"});
  EXPECT_EQ(million.status, 0) << million.err;
  EXPECT_EQ(million.out, "595298c7c6fd271f0402f804c33d3f66\n");
  auto million_back = crypto_cmd({"sm4-ecb", "--key", kSm4Key, "--decrypt",
                                  "595298c7c6fd271f0402f804c33d3f66", "--iterations", "1000000"});
  EXPECT_EQ(million_back.status, 0) << million_back.err;
  EXPECT_EQ(million_back.out, kSm4Key + "\n");
}

TEST(CliCrypto, Sm2VerifiesTheStandardExample) {
  auto ok = crypto_cmd({"sm2-verify", "--pubkey", kPublic, "--id", "1234567812345678", "--msg-hex",
                        kMessage, "--sig", kSignature});
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.out, "OK\n");
  // The ID defaults to 1234567812345678; hex in either case; DER signature.
  std::string upper = kSignature;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(
      crypto_cmd({"sm2-verify", "--pubkey", kPublic, "--msg-hex", kMessage, "--sig", upper}).out,
      "OK\n");
  std::string der = crypto::hex(*crypto::sm2_signature_der(*crypto::unhex(kSignature)));
  EXPECT_EQ(
      crypto_cmd({"sm2-verify", "--pubkey", kPublic, "--msg-hex", kMessage, "--sig", der}).status,
      0);
  // The precomputed e = SM3(Z ‖ M).
  auto digest =
      crypto_cmd({"sm2-verify", "--pubkey", kPublic, "--digest-hex", kDigest, "--sig", kSignature});
  EXPECT_EQ(digest.status, 0) << digest.err;
  EXPECT_EQ(digest.out, "OK\n");
}

TEST(CliCrypto, Sm2VerifyFailsForAnyChange) {
  std::string flipped = kSignature;
  flipped[10] = flipped[10] == '0' ? '1' : '0';
  auto bad_sig = crypto_cmd({"sm2-verify", "--pubkey", kPublic, "--id", "1234567812345678",
                             "--msg-hex", kMessage, "--sig", flipped});
  EXPECT_EQ(bad_sig.status, 1);
  EXPECT_EQ(bad_sig.out, "FAIL\n");
  EXPECT_FALSE(bad_sig.err.empty());
  auto other_id = crypto_cmd({"sm2-verify", "--pubkey", kPublic, "--id", "ALICE123@YAHOO.COM",
                              "--msg-hex", kMessage, "--sig", kSignature});
  EXPECT_EQ(other_id.status, 1);
  EXPECT_EQ(other_id.out, "FAIL\n");
  auto other_message = crypto_cmd(
      {"sm2-verify", "--pubkey", kPublic, "--msg-hex", kMessage + "00", "--sig", kSignature});
  EXPECT_EQ(other_message.status, 1);
  EXPECT_EQ(other_message.out, "FAIL\n");
  std::string other_digest = kDigest;
  other_digest[0] = 'e';
  auto digest = crypto_cmd(
      {"sm2-verify", "--pubkey", kPublic, "--digest-hex", other_digest, "--sig", kSignature});
  EXPECT_EQ(digest.status, 1);
  EXPECT_EQ(digest.out, "FAIL\n");
  // The empty message and the empty ID are messages and IDs like any other.
  EXPECT_EQ(crypto_cmd({"sm2-verify", "--pubkey", kPublic, "--id", "", "--msg-hex", "", "--sig",
                        kSignature})
                .status,
            1);
}

TEST(CliCrypto, Sm2SignThenVerify) {
  for (bool der : {false, true}) {
    std::vector<std::string> args = {"sm2-sign",         "--key",     kPrivate, "--id",
                                     "1234567812345678", "--msg-hex", kMessage};
    if (der) args.push_back("--der");
    auto sign = crypto_cmd(args);
    ASSERT_EQ(sign.status, 0) << sign.err;
    std::string sig = line(sign.out);
    if (der) {
      EXPECT_TRUE(sig.starts_with("30")) << sig;
    } else {
      EXPECT_EQ(sig.size(), 128u) << sig;
    }
    auto verify =
        crypto_cmd({"sm2-verify", "--pubkey", kPublic, "--msg-hex", kMessage, "--sig", sig});
    EXPECT_EQ(verify.status, 0) << sig << verify.err;
    EXPECT_EQ(verify.out, "OK\n");
    // The same signature over the digest form.
    EXPECT_EQ(
        crypto_cmd({"sm2-verify", "--pubkey", kPublic, "--digest-hex", kDigest, "--sig", sig}).out,
        "OK\n");
  }
  // Signing the precomputed e is signing the message under the default ID.
  auto sign = crypto_cmd({"sm2-sign", "--key", kPrivate, "--digest-hex", kDigest});
  ASSERT_EQ(sign.status, 0) << sign.err;
  EXPECT_EQ(crypto_cmd(
                {"sm2-verify", "--pubkey", kPublic, "--msg-hex", kMessage, "--sig", line(sign.out)})
                .out,
            "OK\n");
  // Another ID: verifies under that ID only.
  auto alice = crypto_cmd(
      {"sm2-sign", "--key", kPrivate, "--id", "ALICE123@YAHOO.COM", "--msg-hex", kMessage});
  ASSERT_EQ(alice.status, 0) << alice.err;
  EXPECT_EQ(crypto_cmd({"sm2-verify", "--pubkey", kPublic, "--id", "ALICE123@YAHOO.COM",
                        "--msg-hex", kMessage, "--sig", line(alice.out)})
                .status,
            0);
  EXPECT_EQ(crypto_cmd({"sm2-verify", "--pubkey", kPublic, "--msg-hex", kMessage, "--sig",
                        line(alice.out)})
                .status,
            1);
}

TEST(CliCrypto, KeygenPrintsKeysThatSignAndVerify) {
  auto sm2 = crypto_cmd({"keygen"});
  ASSERT_EQ(sm2.status, 0) << sm2.err;
  std::string priv = labelled(sm2.out, "private"), pub = labelled(sm2.out, "public");
  EXPECT_EQ(priv.size(), 64u) << sm2.out;
  EXPECT_EQ(pub.size(), 130u) << sm2.out;
  EXPECT_TRUE(pub.starts_with("04")) << sm2.out;
  auto key = crypto::PrivateKey::from_sm2_scalar(*crypto::unhex(priv));
  ASSERT_TRUE(key);
  EXPECT_EQ(crypto::hex(key->public_key().raw()), pub);
  auto sign = crypto_cmd({"sm2-sign", "--key", priv, "--msg-hex", "616263"});
  ASSERT_EQ(sign.status, 0) << sign.err;
  EXPECT_EQ(
      crypto_cmd({"sm2-verify", "--pubkey", pub, "--msg-hex", "616263", "--sig", line(sign.out)})
          .out,
      "OK\n");
  // A second key is another key.
  EXPECT_NE(labelled(crypto_cmd({"keygen", "--algorithm", "sm2"}).out, "private"), priv);

  auto ed = crypto_cmd({"keygen", "--algorithm", "ed25519"});
  ASSERT_EQ(ed.status, 0) << ed.err;
  std::string seed = labelled(ed.out, "private"), ed_pub = labelled(ed.out, "public");
  ASSERT_EQ(seed.size(), 64u) << ed.out;
  auto ed_key = crypto::PrivateKey::from_ed25519_seed(*crypto::unhex(seed));
  ASSERT_TRUE(ed_key);
  EXPECT_EQ(crypto::hex(ed_key->public_key().raw()), ed_pub);

  for (const char* algorithm : {"sm2", "ed25519"}) {
    auto pem = crypto_cmd({"keygen", "--algorithm", algorithm, "--pem"});
    ASSERT_EQ(pem.status, 0) << pem.err;
    auto split = pem.out.find("-----BEGIN PUBLIC KEY-----");
    ASSERT_NE(split, std::string::npos) << pem.out;
    EXPECT_TRUE(pem.out.starts_with("-----BEGIN PRIVATE KEY-----")) << pem.out;
    auto private_key = crypto::PrivateKey::from_pem(pem.out.substr(0, split));
    auto public_key = crypto::PublicKey::from_pem(pem.out.substr(split));
    ASSERT_TRUE(private_key) << pem.out;
    ASSERT_TRUE(public_key) << pem.out;
    EXPECT_EQ(private_key->public_key().raw(), public_key->raw());
    EXPECT_EQ(crypto::key_algorithm_name(private_key->algorithm()), algorithm);
    std::string sig = private_key->sign("abc");
    EXPECT_TRUE(public_key->verify("abc", sig));
  }
}

TEST(CliCrypto, SignsWithAKeyFile) {
  TempDir dir;
  auto pem = crypto_cmd({"keygen", "--pem"});
  ASSERT_EQ(pem.status, 0) << pem.err;
  auto split = pem.out.find("-----BEGIN PUBLIC KEY-----");
  ASSERT_NE(split, std::string::npos);
  write_file(dir.path() / "key.pem", pem.out.substr(0, split));
  auto key = crypto::PrivateKey::from_pem(pem.out.substr(0, split));
  ASSERT_TRUE(key);
  write_file(dir.path() / "key.der", key->der().view());
  std::string pub = crypto::hex(key->public_key().raw());
  for (const char* file : {"key.pem", "key.der"}) {
    auto sign = crypto_cmd(
        {"sm2-sign", "--key-file", (dir.path() / file).string(), "--msg-hex", kMessage, "--der"});
    ASSERT_EQ(sign.status, 0) << file << sign.err;
    EXPECT_EQ(
        crypto_cmd({"sm2-verify", "--pubkey", pub, "--msg-hex", kMessage, "--sig", line(sign.out)})
            .out,
        "OK\n")
        << file;
  }
}

TEST(CliCrypto, Sm4UsageErrorsNameTheOption) {
  expect_usage(crypto_cmd({"sm4-ecb", "--encrypt", kSm4Key}), "--key");
  expect_usage(run({"--lang", "en", "crypto", "sm4-ecb", "--key", "0123456789abcdefg", "--encrypt",
                    kSm4Key}),
               "--key", "character 17");
  expect_usage(run({"--lang", "en", "crypto", "sm4-ecb", "--key", "0x0123", "--encrypt", kSm4Key}),
               "--key", "hexadecimal");
  expect_usage(run({"--lang", "en", "crypto", "sm4-ecb", "--key", "012", "--encrypt", kSm4Key}),
               "--key", "odd");
  expect_usage(
      run({"--lang", "en", "crypto", "sm4-ecb", "--key", kSm4Key.substr(2), "--encrypt", kSm4Key}),
      "--key", "16 bytes");
  auto both = run({"--lang", "en", "crypto", "sm4-ecb", "--key", kSm4Key, "--encrypt", kSm4Key,
                   "--decrypt", kSm4Key});
  expect_usage(both, "--encrypt", "--decrypt");
  expect_usage(run({"--lang", "en", "crypto", "sm4-ecb", "--key", kSm4Key}), "--encrypt",
               "--decrypt");
  expect_usage(
      run({"--lang", "en", "crypto", "sm4-ecb", "--key", kSm4Key, "--encrypt", kSm4Key + kSm4Key}),
      "--encrypt", "16 bytes (32 hex digits), not 32.");
  expect_usage(run({"--lang", "en", "crypto", "sm4-ecb", "--key", kSm4Key, "--decrypt", "00"}),
               "--decrypt", "not 1.");
  for (const char* n : {"0", "10000001", "99999999999999999999", "abc", "1e6", "-5", ""})
    expect_usage(run({"--lang", "en", "crypto", "sm4-ecb", "--key", kSm4Key, "--encrypt", kSm4Key,
                      "--iterations", n}),
                 "--iterations", "1 to 10000000");
  // The limits themselves are allowed.
  EXPECT_EQ(
      crypto_cmd({"sm4-ecb", "--key", kSm4Key, "--encrypt", kSm4Key, "--iterations", "1"}).out,
      "681edf34d206965e86b3e94f536e4246\n");
  // The same in Chinese, the default language.
  auto zh = run({"--lang", "zh-CN", "crypto", "sm4-ecb", "--key", "zz", "--encrypt", kSm4Key});
  expect_usage(zh, "--key：", "十六进制");
  auto zh_iterations =
      crypto_cmd({"sm4-ecb", "--key", kSm4Key, "--encrypt", kSm4Key, "--iterations", "0"});
  expect_usage(zh_iterations, "--iterations", "整数");
}

TEST(CliCrypto, Sm2UsageErrorsNameTheOption) {
  auto en = [](std::vector<std::string> args) {
    args.insert(args.begin(), {"--lang", "en", "crypto"});
    return run(args);
  };
  std::string off_curve = kPublic;
  off_curve.back() = off_curve.back() == '3' ? '4' : '3';
  expect_usage(
      en({"sm2-verify", "--pubkey", off_curve, "--msg-hex", kMessage, "--sig", kSignature}),
      "--pubkey", "curve");
  expect_usage(
      en({"sm2-verify", "--pubkey", kPublic.substr(2), "--msg-hex", kMessage, "--sig", kSignature}),
      "--pubkey", "65 bytes (130 hex digits), not 64.");
  expect_usage(en({"sm2-verify", "--pubkey", "05" + kPublic.substr(2), "--msg-hex", kMessage,
                   "--sig", kSignature}),
               "--pubkey", "starts with 05");
  expect_usage(
      en({"sm2-verify", "--pubkey", "04 09f9", "--msg-hex", kMessage, "--sig", kSignature}),
      "--pubkey", "character 3");
  expect_usage(en({"sm2-verify", "--msg-hex", kMessage, "--sig", kSignature}), "--pubkey",
               "required");
  expect_usage(en({"sm2-verify", "--pubkey", kPublic, "--msg-hex", kMessage}), "--sig", "required");
  expect_usage(en({"sm2-verify", "--pubkey", kPublic, "--msg-hex", kMessage, "--sig", "0102"}),
               "--sig", "r‖s");
  expect_usage(
      en({"sm2-verify", "--pubkey", kPublic, "--msg-hex", kMessage, "--sig", kSignature + "00"}),
      "--sig", "65-byte");
  expect_usage(en({"sm2-verify", "--pubkey", kPublic, "--msg-hex", "6d6", "--sig", kSignature}),
               "--msg-hex", "odd");
  expect_usage(en({"sm2-verify", "--pubkey", kPublic, "--sig", kSignature}), "--msg-hex",
               "--digest-hex");
  expect_usage(en({"sm2-verify", "--pubkey", kPublic, "--digest-hex", kDigest, "--msg-hex",
                   kMessage, "--sig", kSignature}),
               "--digest-hex", "--msg-hex");
  expect_usage(en({"sm2-verify", "--pubkey", kPublic, "--digest-hex", kDigest, "--id",
                   "1234567812345678", "--sig", kSignature}),
               "--digest-hex", "--id");
  expect_usage(en({"sm2-verify", "--pubkey", kPublic, "--digest-hex", kDigest.substr(2), "--sig",
                   kSignature}),
               "--digest-hex", "not 31.");
  expect_usage(en({"sm2-verify", "--pubkey", kPublic, "--id", std::string(8192, 'a'), "--msg-hex",
                   kMessage, "--sig", kSignature}),
               "--id", "8191 bytes long (Z holds the ID's length in bits in two bytes), not 8192.");

  expect_usage(en({"sm2-sign", "--msg-hex", kMessage}), "--key", "--key-file");
  expect_usage(
      en({"sm2-sign", "--key", kPrivate, "--key-file", "/nonexistent", "--msg-hex", kMessage}),
      "--key", "--key-file");
  expect_usage(en({"sm2-sign", "--key", kPrivate.substr(2), "--msg-hex", kMessage}), "--key",
               "not 31.");
  expect_usage(en({"sm2-sign", "--key", std::string(64, '0'), "--msg-hex", kMessage}), "--key",
               "n−2");
  // n − 1, just out of range; n − 2 is the largest private key.
  const std::string n_minus_1 = "fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54122";
  expect_usage(en({"sm2-sign", "--key", n_minus_1, "--msg-hex", kMessage}), "--key", "n−2");
  std::string n_minus_2 = n_minus_1;
  n_minus_2.back() = '1';
  EXPECT_EQ(crypto_cmd({"sm2-sign", "--key", n_minus_2, "--msg-hex", kMessage}).status, 0);
  expect_usage(en({"sm2-sign", "--key", kPrivate, "--digest-hex", kDigest + "00"}), "--digest-hex",
               "not 33.");
  expect_usage(en({"sm2-sign", "--key", kPrivate}), "--msg-hex", "--digest-hex");

  TempDir dir;
  expect_usage(
      en({"sm2-sign", "--key-file", (dir.path() / "none.pem").string(), "--msg-hex", kMessage}),
      "--key-file", "none.pem");
  write_file(dir.path() / "garbage.pem", "-----BEGIN PRIVATE KEY-----\nnot base64\n");
  expect_usage(
      en({"sm2-sign", "--key-file", (dir.path() / "garbage.pem").string(), "--msg-hex", kMessage}),
      "--key-file", "cannot be read");
  write_file(dir.path() / "empty.der", "");
  expect_usage(
      en({"sm2-sign", "--key-file", (dir.path() / "empty.der").string(), "--msg-hex", kMessage}),
      "--key-file");
  expect_usage(en({"sm2-sign", "--key-file", dir.path().string(), "--msg-hex", kMessage}),
               "--key-file");
  auto ed = crypto::PrivateKey::generate(crypto::KeyAlgorithm::ed25519);
  write_file(dir.path() / "ed.pem", ed.pem().view());
  expect_usage(
      en({"sm2-sign", "--key-file", (dir.path() / "ed.pem").string(), "--msg-hex", kMessage}),
      "--key-file", "SM2");

  expect_usage(en({"keygen", "--algorithm", "rsa"}), "--algorithm", "sm2 or ed25519");

  // Chinese.
  auto zh = run({"--lang", "zh-CN", "crypto", "sm2-verify", "--pubkey", off_curve, "--msg-hex",
                 kMessage, "--sig", kSignature});
  expect_usage(zh, "--pubkey：", "曲线");
  auto zh_key =
      run({"--lang", "zh-CN", "crypto", "sm2-sign", "--key", "00", "--msg-hex", kMessage});
  expect_usage(zh_key, "--key：", "32 字节");
}

TEST(CliCrypto, NeedsNoDataDirectoryAndReportsParseErrors) {
  TempDir dir;
  auto data = dir.path() / "nothing-here";
  auto r = run({"--data-dir", data.string(), "--lang", "en", "crypto", "sm4-ecb", "--key", "zz",
                "--encrypt", kSm4Key});
  expect_usage(r, "--key", "hexadecimal");
  EXPECT_EQ(run({"--data-dir", data.string(), "crypto", "sm3"}, "abc").status, 0);
  EXPECT_FALSE(std::filesystem::exists(data));
  // CLI11's own errors: unknown options and subcommands, a missing value.
  EXPECT_EQ(crypto_cmd({"sm3", "--hex"}).status, 2);
  EXPECT_EQ(crypto_cmd({"sm5"}).status, 2);
  EXPECT_EQ(crypto_cmd({}).status, 2);
  EXPECT_EQ(crypto_cmd({"sm4-ecb", "--key"}).status, 2);
  EXPECT_EQ(crypto_cmd({"sm2-verify", "--help"}).status, 0);
}

// The stock openssl command agrees: SM3 of a file, SM4 of a block, SM2
// signatures made here verify there (with the ID given as distid) and back.
TEST(CliCrypto, AgreesWithOpenssl) {
  if (shell("openssl version > /dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl command";
  TempDir tmp;
  const auto& dir = tmp.path();
  auto q = [&](const char* name) { return "'" + (dir / name).string() + "'"; };

  // SM3 of a file with every byte value in it.
  std::string data;
  for (int i = 0; i < 70'000; ++i) data += static_cast<char>((i * 31 + i / 256) % 256);
  write_file(dir / "data.bin", data);
  ASSERT_EQ(shell("openssl dgst -sm3 -r " + q("data.bin") + " > " + q("dgst.txt")), 0);
  std::string openssl_sm3 = read_file(dir / "dgst.txt").substr(0, 64);
  EXPECT_EQ(crypto_cmd({"sm3"}, read_file(dir / "data.bin")).out, openssl_sm3 + "\n");

  // SM4: one block under the standard's key.
  write_file(dir / "block.bin", *crypto::unhex(kSm4Key));
  ASSERT_EQ(shell("openssl enc -sm4-ecb -nopad -K " + kSm4Key + " -in " + q("block.bin") +
                  " -out " + q("block.enc")),
            0);
  EXPECT_EQ(crypto_cmd({"sm4-ecb", "--key", kSm4Key, "--encrypt", kSm4Key}).out,
            crypto::hex(read_file(dir / "block.enc")) + "\n");

  // SM2, signed here with the standard's d, verified by openssl.
  write_file(dir / "msg", *crypto::unhex(kMessage));
  auto pub = crypto::PublicKey::from_sm2_point(*crypto::unhex(kPublic));
  ASSERT_TRUE(pub);
  write_file(dir / "pub.pem", pub->pem());
  auto sign = crypto_cmd({"sm2-sign", "--key", kPrivate, "--msg-hex", kMessage, "--der"});
  ASSERT_EQ(sign.status, 0) << sign.err;
  write_file(dir / "sig.der", *crypto::unhex(line(sign.out)));
  const std::string verify = "openssl pkeyutl -verify -rawin -digest sm3 -pubin -inkey " +
                             q("pub.pem") + " -in " + q("msg") + " -sigfile " + q("sig.der");
  EXPECT_EQ(shell(verify + " -pkeyopt distid:1234567812345678 > /dev/null"), 0);
  // OpenSSL's own default ID is empty: without distid the signature fails.
  EXPECT_NE(shell(verify + " > /dev/null"), 0);
  EXPECT_NE(shell(verify + " -pkeyopt distid:ALICE123@YAHOO.COM > /dev/null"), 0);

  // A key from keygen --pem, used through --key-file, verified by openssl.
  auto pem = crypto_cmd({"keygen", "--pem"});
  ASSERT_EQ(pem.status, 0) << pem.err;
  auto split = pem.out.find("-----BEGIN PUBLIC KEY-----");
  ASSERT_NE(split, std::string::npos);
  write_file(dir / "new.pem", pem.out.substr(0, split));
  write_file(dir / "new.pub.pem", pem.out.substr(split));
  auto sign_file = crypto_cmd({"sm2-sign", "--key-file", (dir / "new.pem").string(), "--id",
                               "ALICE123@YAHOO.COM", "--msg-hex", kMessage, "--der"});
  ASSERT_EQ(sign_file.status, 0) << sign_file.err;
  write_file(dir / "new.sig", *crypto::unhex(line(sign_file.out)));
  EXPECT_EQ(shell("openssl pkeyutl -verify -rawin -digest sm3 -pubin -inkey " + q("new.pub.pem") +
                  " -pkeyopt distid:ALICE123@YAHOO.COM -in " + q("msg") + " -sigfile " +
                  q("new.sig") + " > /dev/null"),
            0);
  // openssl reads the private key PEM too.
  EXPECT_EQ(shell("openssl pkey -in " + q("new.pem") + " -noout"), 0);

  // SM2, signed by openssl, verified here.
  ASSERT_EQ(shell("openssl genpkey -algorithm SM2 -out " + q("ossl.pem")), 0);
  ASSERT_EQ(shell("openssl pkey -in " + q("ossl.pem") + " -pubout -outform DER -out " +
                  q("ossl.pub.der")),
            0);
  ASSERT_EQ(shell("openssl pkeyutl -sign -rawin -digest sm3 -inkey " + q("ossl.pem") +
                  " -pkeyopt distid:1234567812345678 -in " + q("msg") + " -out " + q("ossl.sig")),
            0);
  std::string spki = read_file(dir / "ossl.pub.der");
  ASSERT_GE(spki.size(), 65u);
  std::string point = crypto::hex(spki.substr(spki.size() - 65));
  std::string ossl_sig = crypto::hex(read_file(dir / "ossl.sig"));
  auto ok = crypto_cmd({"sm2-verify", "--pubkey", point, "--msg-hex", kMessage, "--sig", ossl_sig});
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.out, "OK\n");
  auto other = crypto_cmd(
      {"sm2-verify", "--pubkey", point, "--msg-hex", kMessage + "00", "--sig", ossl_sig});
  EXPECT_EQ(other.out, "FAIL\n");
}
