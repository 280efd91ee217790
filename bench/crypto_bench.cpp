// Benchmarks of crypto/: SM2 signatures (sign and verify per second, for the comparison with
// `openssl speed sm2` made by bench/run_crypto.sh), SM3, SM4-CTR, HMAC-SM3 and the sealed-data
// format (seal and open).
//
// Like for like with `openssl speed sm2` (OpenSSL 3.0 apps/speed.c): there, one operation is
// EVP_DigestSignInit + EVP_DigestSign (or EVP_DigestVerifyInit + EVP_DigestVerify) with SM3 over
// a 20-byte message, so the Z computation and e = SM3(Z ‖ M) are part of every operation, and
// the signature is DER. BM_Sm2Sign / BM_Sm2Verify do the same through PrivateKey::sign and
// PublicKey::verify on a 20-byte message. The IDs differ (OpenSSL's speed uses the 23-byte
// "TLSv1.3+GM+Cipher+Suite", yiwang the 16-byte GB/T 32918 default), but Z's input is three
// SM3 blocks either way (146 and 153 bytes). BM_Sm2SignDigest / BM_Sm2VerifyDigest leave out
// Z and e (a precomputed e), to show what those cost. Verification goes round 64 signatures
// (see signed_messages()).
#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "crypto/bytes.hpp"
#include "crypto/keys.hpp"
#include "crypto/sealed.hpp"
#include "crypto/sm3.hpp"
#include "crypto/sm4.hpp"

namespace {

using namespace yiwang::crypto;

constexpr std::size_t kSpeedMessage = 20;  // openssl speed's message for SM2, ECDSA, EdDSA

// One key for all the SM2 cases and all threads (keys are shared between threads in the
// application too). The two-thread variants use wall time, so their items/s is the throughput of
// both threads together; the one-thread cases use CPU time, as `openssl speed` does (user time).
const PrivateKey& sm2_key() {
  static const PrivateKey key = PrivateKey::generate(KeyAlgorithm::sm2);
  return key;
}
const PublicKey& sm2_public() {
  static const PublicKey pub = sm2_key().public_key();
  return pub;
}
const std::string& speed_message() {
  static const std::string m = random_bytes(kSpeedMessage);
  return m;
}

// Verification time depends on the signature (OpenSSL's generic-curve verify is a variable-time
// double scalar multiplication: a few per cent either way from one signature to another), so the
// verify cases go round 64 messages and their signatures, for an average; `openssl speed`
// verifies one signature, which is part of its run-to-run spread.
constexpr std::size_t kSignatures = 64;
struct Signed {
  std::string message;
  std::string signature;  // over the message (sign) or over e (sign_digest)
  Sm3Digest e{};
};
const std::vector<Signed>& signed_messages() {
  static const std::vector<Signed> all = [] {
    std::vector<Signed> v;
    for (std::size_t i = 0; i < kSignatures; ++i) {
      Signed s;
      s.message = random_bytes(kSpeedMessage);
      s.signature = sm2_key().sign(s.message);
      s.e = sm2_public().sm2_digest(s.message);
      v.push_back(std::move(s));
    }
    return v;
  }();
  return all;
}
const std::vector<Signed>& signed_digests() {
  static const std::vector<Signed> all = [] {
    std::vector<Signed> v = signed_messages();
    for (Signed& s : v) s.signature = sm2_key().sign_digest(bytes_of(s.e));
    return v;
  }();
  return all;
}

void BM_Sm2Sign(benchmark::State& state) {
  const PrivateKey& key = sm2_key();
  const std::string& m = speed_message();
  for (auto _ : state) {
    std::string sig = key.sign(m);
    benchmark::DoNotOptimize(sig);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Sm2Sign);
BENCHMARK(BM_Sm2Sign)->Threads(2)->UseRealTime();

void BM_Sm2Verify(benchmark::State& state) {
  const PublicKey& pub = sm2_public();
  const std::vector<Signed>& all = signed_messages();
  std::size_t i = 0;
  for (auto _ : state) {
    const Signed& s = all[i++ % all.size()];
    bool ok = pub.verify(s.message, s.signature);
    if (!ok) {
      state.SkipWithError("verification failed");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Sm2Verify);
BENCHMARK(BM_Sm2Verify)->Threads(2)->UseRealTime();

void BM_Sm2SignDigest(benchmark::State& state) {
  const PrivateKey& key = sm2_key();
  const Sm3Digest e = sm2_public().sm2_digest(speed_message());
  for (auto _ : state) {
    std::string sig = key.sign_digest(bytes_of(e));
    benchmark::DoNotOptimize(sig);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Sm2SignDigest);

void BM_Sm2VerifyDigest(benchmark::State& state) {
  const PublicKey& pub = sm2_public();
  const std::vector<Signed>& all = signed_digests();
  std::size_t i = 0;
  for (auto _ : state) {
    const Signed& s = all[i++ % all.size()];
    bool ok = pub.verify_digest(bytes_of(s.e), s.signature);
    if (!ok) {
      state.SkipWithError("verification failed");
      break;
    }
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Sm2VerifyDigest);

void BM_Sm3_1KiB(benchmark::State& state) {
  const std::string data = random_bytes(1024);
  for (auto _ : state) {
    Sm3Digest d = sm3(data);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(data.size()));
}
BENCHMARK(BM_Sm3_1KiB);

void BM_Sm4Ctr_1KiB(benchmark::State& state) {
  const std::string key = random_bytes(kSm4KeySize);
  const std::string iv = random_bytes(kSm4BlockSize);
  const std::string data = random_bytes(1024);
  for (auto _ : state) {
    std::string out = sm4_ctr(key, iv, data);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(data.size()));
}
BENCHMARK(BM_Sm4Ctr_1KiB);

void BM_HmacSm3_64B(benchmark::State& state) {
  const std::string key = random_bytes(32);
  const std::string data = random_bytes(64);
  for (auto _ : state) {
    Sm3Digest d = hmac_sm3(key, data);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(data.size()));
}
BENCHMARK(BM_HmacSm3_64B);

constexpr std::string_view kContext = "identity_accounts.citizen_number";

const DataKey& data_key() {
  static const DataKey key = DataKey::derive(7, random_bytes(32));
  return key;
}

void BM_Seal_64B(benchmark::State& state) {
  const DataKey& key = data_key();
  const std::string plain = random_bytes(64);
  for (auto _ : state) {
    std::string sealed = seal(key, plain, kContext);
    benchmark::DoNotOptimize(sealed);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(plain.size()));
}
BENCHMARK(BM_Seal_64B);

void BM_Open_64B(benchmark::State& state) {
  const DataKey& key = data_key();
  const std::string sealed = seal(key, random_bytes(64), kContext);
  for (auto _ : state) {
    auto plain = open_sealed(key, sealed, kContext);
    if (!plain) {
      state.SkipWithError("open failed");
      break;
    }
    benchmark::DoNotOptimize(plain);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * 64);
}
BENCHMARK(BM_Open_64B);

}  // namespace
